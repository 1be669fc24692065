/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address conflict detection: pl probes its addresses with ARP before it
 * serves them (RFC 5227), announces them once claimed, notices hosts that
 * claim them afterwards, and steps aside for the router's own addresses.
 */

#ifndef _PL_ACD_H
#define _PL_ACD_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct pl_addr;
struct pl_net;
struct net_device;

struct pl_acd {
	struct list_head timed;		/* probing or announcing; config lock */
	struct list_head reports;	/* struct pl_addr, under lock */
	spinlock_t lock;
	bool closed;			/* the namespace is going: no reports */
	struct delayed_work work;
};

void pl_acd_init(struct pl_net *pn);
void pl_acd_exit(struct pl_net *pn);
void pl_acd_start(struct pl_net *pn, struct pl_addr *a, bool probe,
		  bool picked);
void pl_acd_forget(struct pl_net *pn, struct pl_addr *a);
void pl_acd_seen(struct pl_net *pn, struct pl_addr *a, const u8 *mac);
int pl_acd_notifier_init(void);
void pl_acd_notifier_exit(void);

#endif /* _PL_ACD_H */
