/* SPDX-License-Identifier: GPL-2.0 */
/* Subnets: where endpoint IPs are placed. */

#ifndef _PL_SUBNET_H
#define _PL_SUBNET_H

#include "table.h"

struct pl_req;
struct pl_net;
struct pl_az;
struct nlattr;

struct pl_subnet {
	struct pl_obj obj;		/* key: the id */
	__be32 prefix;
	u8 plen;
	int ifindex;			/* 0: found by route */
	u8 probe;			/* probe ENI IPs before use */
	struct pl_az *az;
	u32 n_enis;
	u32 next_pick;			/* host offset to try first */
	struct rcu_head rcu;
};

struct pl_subnet *pl_subnet_find(struct pl_req *req,
				 const struct nlattr *attr);
int pl_subnet_check_ip(struct pl_req *req, const struct pl_subnet *s,
		       __be32 ip, const struct nlattr *attr);
__be32 pl_subnet_pick_ip(struct pl_net *pn, struct pl_subnet *s);
void pl_subnets_flush(struct pl_net *pn);

#endif /* _PL_SUBNET_H */
