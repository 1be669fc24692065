/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load balancing: which backend of a service takes a new flow. Each
 * service has an immutable snapshot (struct pl_lb) of its usable backends
 * and one Maglev table per zone plus one for every zone, replaced whole
 * under RCU. Snapshots are rebuilt in the background after a change, so
 * that bursts of changes cost one rebuild; until then the packet path
 * skips backends that stopped being usable.
 */

#ifndef _PL_LB_H
#define _PL_LB_H

#include <linux/types.h>
#include <linux/workqueue.h>

struct pl_net;
struct pl_service;
struct pl_backend;

bool pl_backend_usable(const struct pl_backend *b);
struct pl_backend *pl_lb_pick(struct pl_service *svc, u8 az, u32 hash,
			      bool *fallback);

void pl_lb_changed(struct pl_net *pn, struct pl_service *svc);
u64 pl_lb_digest(struct pl_net *pn, const struct pl_service *svc);
void pl_lb_sync(struct pl_net *pn);
void pl_lb_sync_now(struct pl_net *pn);
void pl_lb_service_gone(struct pl_net *pn, struct pl_service *svc);
void pl_lb_init(struct pl_net *pn);
void pl_lb_exit(struct pl_net *pn);

#endif /* _PL_LB_H */
