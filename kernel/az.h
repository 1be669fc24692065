/* SPDX-License-Identifier: GPL-2.0 */
/* Availability zones. */

#ifndef _PL_AZ_H
#define _PL_AZ_H

#include "table.h"

struct pl_req;
struct pl_net;
struct nlattr;

struct pl_az {
	struct pl_obj obj;		/* key: the name */
	char zone_id[PL_NAME_LEN];
	u8 index;			/* 0 to PL_MAX_AZS - 1, unique */
	u8 state;			/* enum pl_az_state; READ_ONCE() */
	u32 n_subnets;
	u32 n_backends;
	u32 n_sources;
	struct rcu_head rcu;
};

struct pl_az *pl_az_find(struct pl_req *req, const struct nlattr *attr);
void pl_azs_flush(struct pl_net *pn);

#endif /* _PL_AZ_H */
