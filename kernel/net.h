/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-network-namespace state: every object pl knows lives in one
 * namespace, and dies with it.
 */

#ifndef _PL_NET_H
#define _PL_NET_H

#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "acd.h"
#include "dns.h"
#include "flow.h"
#include "stats.h"
#include "table.h"

#define PL_DEFAULT_MAX_SUBNETS		10000
#define PL_DEFAULT_MAX_SERVICES		10000
#define PL_DEFAULT_MAX_BACKENDS		200000
#define PL_DEFAULT_MAX_ENDPOINTS	100000

struct pl_sync;

struct pl_net {
	struct net *net;
	/*
	 * Serialises configuration changes and dumps. The packet path never
	 * takes it: it reads under RCU.
	 */
	struct mutex lock;
	u32 gen;		/* bumped by every change; never 0 */
	u32 config_gen;		/* bumped by configuration changes; never 0 */
	struct pl_txn *txn;	/* the open transaction (txn.c) */
	struct task_struct *txn_owner;	/* READ_ONCE(): the task running it */
	u8 busy;		/* committing: no new flows; READ_ONCE() */
	u64 fingerprint;	/* of the last transaction's source ... */
	u32 fingerprint_gen;	/* ... valid while config_gen is this */
	u64 digest;		/* pl_config_digest(): the digest ... */
	u32 digest_gen;		/* ... at this gen */
	struct pl_table azs;
	struct pl_table subnets;
	struct pl_table services;
	struct pl_table backends;
	struct pl_table endpoints;
	struct rhashtable addrs;	/* struct pl_addr, IPv4 */
	struct rhashtable addrs6;	/* struct pl_addr, IPv6 */
	struct pl_acd acd;		/* conflict detection for addrs */
	DECLARE_BITMAP(az_indexes, PL_MAX_AZS);
	struct pl_flows flows;
	struct pl_dns dns;		/* DNS settings (dns.c) */
	struct pl_counters __percpu *stats;
	struct list_head lb_dirty;	/* services to rebuild */
	struct delayed_work lb_work;
	unsigned long lb_deadline;	/* rebuild by then, changes or not */
	unsigned long lb_last;		/* jiffies of the latest change */
	bool hooks;			/* the packet hooks are in */
	u8 fast_path;			/* limits' fast-path; READ_ONCE() */
	struct pl_sync __rcu *sync;	/* the fleet this router is in */
	struct {
		atomic64_t sent, received, rejected, lost, held, released;
	} sync_stats;
};

extern unsigned int pl_net_id;

/* The table of the address's family. */
static inline struct rhashtable *pl_addrs_of(struct pl_net *pn, int family)
{
	return family == AF_INET6 ? &pn->addrs6 : &pn->addrs;
}

static inline struct pl_net *pl_net(const struct net *net)
{
	return net_generic(net, pl_net_id);
}

/* Something a dump shows changed, but not the configuration. */
static inline void pl_net_state_changed(struct pl_net *pn)
{
	lockdep_assert_held(&pn->lock);
	if (!++pn->gen)
		pn->gen = 1;
}

/* The configuration changed. */
static inline void pl_net_changed(struct pl_net *pn)
{
	pl_net_state_changed(pn);
	if (!++pn->config_gen)
		pn->config_gen = 1;
}

/*
 * May the packet path open a flow? Not while a transaction is committed:
 * it sees the configuration before or after, never between (txn.c).
 * Pairs with the smp_store_release() at the end of the commit.
 */
static inline bool pl_config_busy(const struct pl_net *pn)
{
	/* Clear: everything the commit wrote is visible from here on. */
	return smp_load_acquire(&pn->busy);
}

int pl_net_init(void);
void pl_net_exit(void);

#endif /* _PL_NET_H */
