/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Traffic counters, kept per CPU: per namespace, per ENI and per backend,
 * and summed over CPUs when read.
 */

#ifndef _PL_STATS_H
#define _PL_STATS_H

#include <linux/percpu.h>
#include <uapi/linux/pl.h>

/* Why a packet was dropped (or answered instead of forwarded). */
enum pl_drop {
	PL_DROP_NOT_TCP,
	PL_DROP_NOT_LISTENER,
	PL_DROP_NOT_AVAILABLE,
	PL_DROP_NOT_ALLOWED,
	PL_DROP_NO_FLOW,
	PL_DROP_FLOW_LIMIT,
	PL_DROP_NO_BACKEND,
	PL_DROP_NO_SOURCE,
	PL_DROP_NO_PORT,
	PL_DROP_NO_ROUTE,
	PL_DROP_MALFORMED,
	PL_DROP_FRAGMENT,
	PL_DROP_IP_OPTIONS,
	PL_DROP_TTL_EXCEEDED,
	PL_DROP_TOO_BIG,
	PL_DROP_UNKNOWN_REPLY,
	PL_DROP_NO_MEMORY,
	PL_DROP_COMMIT,
	PL_DROP_MAX
};

#define PL_PASS (-1)		/* no drop reason: go on */

/* The netlink attribute of each reason: its index plus one, past pad. */
static inline int pl_drop_attr(int why)
{
	return why < PL_DROP_COMMIT ? why + 1 : why + 2;
}

static_assert((int)PL_DROP_COMMIT == (int)PL_A_DROPS_NO_MEMORY);
static_assert(PL_DROP_MAX + 1 == PL_A_DROPS_MAX);
/* Flow logs name the reason of a rejection as the spec's drop-reason. */
static_assert((int)PL_DROP_NOT_TCP == (int)PL_DROP_REASON_NOT_TCP);
static_assert((int)PL_DROP_NO_FLOW == (int)PL_DROP_REASON_NO_FLOW);
static_assert((int)PL_DROP_UNKNOWN_REPLY == (int)PL_DROP_REASON_UNKNOWN_REPLY);
static_assert((int)PL_DROP_COMMIT == (int)PL_DROP_REASON_COMMIT);

/* Traffic counters: a backend keeps only these, 48 bytes per CPU. */
struct pl_traffic {
	u64 open;		/* flows opened here less those closed: wraps */
	u64 new_conns;
	u64 bytes;
	u64 packets;
	u64 rst_rx;
	u64 zone_fallbacks;
};

/* A namespace's and an ENI's counters. */
struct pl_counters {
	struct pl_traffic t;
	u64 address_conflicts;
	u64 fast_path;		/* packets of t.packets: namespace only */
	u64 drops[PL_DROP_MAX];
};

struct pl_net;
struct pl_eni;

static inline void pl_count_packet(struct pl_traffic __percpu *c,
				   unsigned int len)
{
	this_cpu_inc(c->packets);
	this_cpu_add(c->bytes, len);
}

void pl_count_drop(struct pl_net *pn, struct pl_eni *eni, enum pl_drop why);
struct pl_counters __percpu *pl_counters_alloc(unsigned int n);
void pl_counters_free(struct pl_counters __percpu *c);
struct pl_traffic __percpu *pl_traffic_alloc(void);
void pl_traffic_free(struct pl_traffic __percpu *t);

/* Counters summed over CPUs and objects. */
struct pl_sum {
	struct pl_counters c;
	bool sync;		/* the namespace's sync and path counters follow */
	u64 sync_sent, sync_received, sync_rejected, sync_lost;
	u64 sync_held, sync_released;
};

void pl_sum_traffic(struct pl_sum *sum, struct pl_traffic __percpu *t);
void pl_sum_add(struct pl_sum *sum, struct pl_counters __percpu *c);
void pl_sum_eni(struct pl_sum *sum, struct pl_eni *eni, bool traffic);

/*
 * The open flows: what CPUs opened less what they closed, which a read
 * racing with a flow that opens on one CPU and closes on another can see
 * below zero for a moment.
 */
static inline u64 pl_sum_active(const struct pl_sum *sum)
{
	return (s64)sum->c.t.open < 0 ? 0 : sum->c.t.open;
}

/*
 * The packets of flows the stack forwarded: all less the fast path's,
 * which a read racing with a packet can see ahead of all.
 */
static inline u64 pl_sum_full_path(const struct pl_sum *sum)
{
	return sum->c.t.packets > sum->c.fast_path ?
	       sum->c.t.packets - sum->c.fast_path : 0;
}

#endif /* _PL_STATS_H */
