/* SPDX-License-Identifier: GPL-2.0 */
/* Endpoint services: the provider side. */

#ifndef _PL_SERVICE_H
#define _PL_SERVICE_H

#include <linux/list.h>

#include "addr.h"
#include "health.h"
#include "table.h"

struct pl_req;
struct pl_net;
struct pl_az;
struct pl_lb;
struct nlattr;

#define PL_DEFAULT_IDLE_TIMEOUT 350

struct pl_listener {
	u16 port;
	u16 target_port;
};

/* The address a service's backends see flows of one zone come from. */
struct pl_source {
	struct pl_addr addr;		/* in the namespace's address table */
	struct pl_service *svc;
	struct pl_az *az;
	u8 hidden;			/* deleted by an open transaction */
	struct list_head list;		/* in svc->sources, in order added */
	struct rcu_head rcu;
};

struct pl_service {
	struct pl_obj obj;		/* key: the name */
	u8 acceptance;			/* enum pl_acceptance */
	u8 cross_zone;			/* READ_ONCE() */
	u32 idle_timeout;		/* seconds; READ_ONCE() */
	u8 unhealthy_termination;	/* reset an unhealthy backend's flows */
	struct pl_health_cfg health;
	char *private_dns;		/* its private DNS name, or NULL */
	char *dns_next;			/* ... staged (dns.h) */
	u64 digest;			/* pl_config_digest()'s items, or 0 */
	u64 backends_digest;		/* ... its backends' sum, or 0 */
	u32 n_endpoints;
	u32 n_backends;
	struct list_head sources;	/* RCU */
	struct list_head backends;	/* struct pl_backend, in order added */
	struct list_head dead_backends;	/* deleted, still in the snapshot */
	struct list_head endpoints;	/* struct pl_endpoint */
	struct pl_lb __rcu *lb;		/* see lb.c */
	struct list_head lb_dirty;	/* in pn->lb_dirty, to rebuild */
	struct rcu_head rcu;
	u16 n_listeners;
	struct pl_listener listeners[] __counted_by(n_listeners);
};

const struct pl_listener *
pl_service_listener(const struct pl_service *svc, __be16 port);
__be32 pl_service_source(const struct pl_service *svc, const struct pl_az *az);
struct pl_service *pl_service_find(struct pl_req *req,
				   const struct nlattr *attr);
void pl_services_flush(struct pl_net *pn);
void pl_service_notify(struct pl_net *pn, const struct pl_service *svc);

#endif /* _PL_SERVICE_H */
