/* SPDX-License-Identifier: GPL-2.0 */
/* Backends (targets) of a service. */

#ifndef _PL_BACKEND_H
#define _PL_BACKEND_H

#include <linux/list.h>

#include "stats.h"
#include "table.h"

struct pl_req;
struct pl_net;
struct pl_az;
struct pl_service;

struct pl_backend {
	struct pl_obj obj;		/* key: (service id, address) */
	struct pl_service *svc;
	struct pl_az *az;
	__be32 addr;
	u16 port;			/* 0: each listener's target port */
	u16 weight;			/* READ_ONCE() */
	u8 state;			/* enum pl_backend_state; READ_ONCE() */
	u8 dead;			/* deleted; READ_ONCE() */
	u8 health;			/* the checker's verdict; READ_ONCE() */
	u8 health_reason;		/* enum pl_health_reason */
	u16 health_code;		/* HTTP status of a mismatch */
	atomic_t nflows;
	u64 digest;			/* pl_config_digest()'s item, or 0 */
	struct pl_traffic __percpu *stats;
	/* In svc->backends in the order added; once dead, svc->dead_backends. */
	struct list_head list;
	struct rcu_head rcu;
};

void pl_backends_notify_del(struct pl_req *req, struct pl_service *svc);
void pl_backends_flush_service(struct pl_net *pn, struct pl_service *svc);

#endif /* _PL_BACKEND_H */
