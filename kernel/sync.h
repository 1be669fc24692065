/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow-state sync between the routers of a fleet (scale-out). Each router
 * sends the flows it creates, and the changes of state it sees, to every
 * peer over UDP; each learns its peers' flows into its own table, so that
 * any router can translate any packet of any flow. See
 * Documentation/scale-out.rst for the design and sync-wire.h for the
 * messages.
 */

#ifndef _PL_SYNC_H
#define _PL_SYNC_H

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <uapi/linux/pl.h>

#include "announce.h"
#include "flow.h"
#include "net.h"
#include "sync-wire.h"

#define PL_SYNC_PORT		8849
#define PL_SYNC_EVERY		HZ		/* between hellos */
#define PL_SYNC_SILENT		(3 * HZ)	/* unreachable after this */
#define PL_SYNC_REFRESH		10		/* seconds between refreshes, least */
#define PL_SYNC_PENDING		32768		/* bytes of records queued */
#define PL_SYNC_FLUSH_NS	(500 * NSEC_PER_USEC)	/* records wait, at most */
#define PL_SYNC_BACKSTOP_NS	(4 * NSEC_PER_MSEC)	/* ... when busy and cut off */
#define PL_SYNC_HOLD		(HZ / 10)	/* a packet waits for its flow */
#define PL_SYNC_HOLD_MAX	64		/* packets waiting, at most */
#define PL_SYNC_RECS		31		/* flow records in a message */
#define PL_SYNC_NACK_EVERY	msecs_to_jiffies(20)	/* between asks for a gap */
#define PL_SYNC_PROBE_AFTER	msecs_to_jiffies(10)	/* quiet, before a probe */
#define PL_SYNC_PROBES		4		/* probes after the last records */

typedef int (*pl_okfn_t)(struct net *net, struct sock *sk,
			 struct sk_buff *skb);

struct socket;
struct sk_buff;

/* A message sent to a peer: enough to send its flows again. */
struct pl_sync_sent {
	u64 seq;
	u8 type;			/* enum pl_sync_type */
	u8 n;				/* flows */
	struct pl_tuple orig[PL_SYNC_RECS];
};

/* What this router knows of another. */
struct pl_sync_peer {
	struct list_head list;		/* in sync->peers; RCU */
	struct rcu_head rcu;
	__be32 addr;
	u32 node;			/* 0 until heard */
	struct dst_cache dst;		/* the route to it */
	spinlock_t tx_lock;		/* tx_seq's increments, and sent */
	atomic64_t tx_seq;		/* the last sequence number sent */
	spinlock_t rx_lock;		/* the receive window */
	u64 rx_boot;			/* the peer's boot, as its messages say */
	u64 rx_max;			/* the highest sequence number seen */
	u64 rx_seen;			/* bit i: rx_max - i came */
	u64 rx_hello;			/* sequence number of the last hello */
	unsigned long last_heard;	/* jiffies; 0: never */
	unsigned long resync_asked;	/* jiffies of the last bulk request */
	u64 digest;
	u8 phase;			/* enum pl_sync_phase */
	u8 heard;			/* a hello came */
	u8 bulk_received;
	u8 bulk_wanted;			/* it asked for our flows */
	atomic64_t repairing;		/* lost, waiting for the resync */
	atomic64_t flows_sent;
	atomic64_t flows_received;
	atomic64_t msgs_sent;
	atomic64_t msgs_received;
	atomic64_t msgs_lost;
	atomic64_t msgs_repaired;
	atomic64_t msgs_resent;		/* repairs it asked for */
	struct pl_sync_sent sent[PL_SYNC_WINDOW];	/* by sequence number */
};

/* A packet of a flow not learned yet, waiting for its record. */
struct pl_sync_held {
	struct sk_buff *skb;
	pl_okfn_t okfn;			/* where PREROUTING goes on */
	unsigned long until;
	u8 why;				/* its drop reason, if it never comes */
};

/* Records waiting for the sender, filled by the packet path. */
struct pl_sync_queue {
	u8 *buf;
	u32 len;
	u64 since;			/* ns, of its first record */
};

struct pl_sync {
	struct pl_net *pn;
	struct socket *sock;
	u32 node;
	__be32 local;
	u16 port;
	u8 key[PL_SYNC_KEY_LEN];
	siphash_key_t mac_key;		/* from key */
	u32 table;			/* announce-table, or 0 */
	u8 state;			/* enum pl_sync_state */
	u8 phase;			/* enum pl_sync_phase; READ_ONCE() */
	u64 boot;			/* this router's, for its peers' windows */
	unsigned long joined;		/* jiffies of sync set */
	struct list_head peers;		/* changed under pn->lock */
	spinlock_t lock;		/* queued records */
	struct pl_sync_queue queue, spare;
	struct tasklet_struct tx;	/* sends what is queued */
	struct hrtimer flush;		/* ... if the packet path does not */
	unsigned long flush_armed;	/* bit 0: the timer runs */
	u64 last_tx;			/* ns, when the tasklet last sent */
	struct delayed_work tick;	/* hellos, joining, resyncs */
	struct work_struct bulk;	/* sends every flow to those who ask */
	struct delayed_work nack;	/* asks peers for the messages missing */
	struct delayed_work probe;	/* ... shows them the last ones sent */
	unsigned long probe_armed;	/* bit 0: probe is queued, or runs */
	u8 probes;			/* sent since the last records */
	struct pl_announce announce;
	spinlock_t hold_lock;		/* held packets */
	u32 nheld;			/* READ_ONCE() */
	struct pl_sync_held held[PL_SYNC_HOLD_MAX];
};

/* Seconds, as f->synced keeps them. */
static inline u16 pl_sync_now(void)
{
	return (u16)(jiffies / HZ);
}

struct pl_sync *pl_sync_alloc(struct pl_net *pn);
struct pl_sync_peer *pl_sync_peer_alloc(__be32 addr);
void pl_sync_peer_free_rcu(struct pl_sync_peer *p);
int pl_sync_start(struct pl_sync *s);
void pl_sync_stop(struct pl_sync *s);
int pl_sync_bind(struct pl_sync *s, __be32 local, u16 port,
		 struct socket **sockp);
void pl_sync_unbind(struct socket *sock);
void pl_sync_set_phase(struct pl_sync *s, u8 phase);
u64 pl_sync_digest(struct pl_sync *s);
int pl_sync_fill(struct sk_buff *skb, struct pl_net *pn, const void *obj);
bool pl_sync_hold(struct pl_net *pn, struct sk_buff *skb, pl_okfn_t okfn,
		  u8 why);
void pl_sync_send_flow(struct pl_sync *s, struct pl_flow *f);
void pl_sync_exit(struct pl_net *pn);
void pl_sync_seed(struct pl_net *pn, const u8 *key);
void pl_sync_set_key(struct pl_sync *s, const u8 *key);

/* Does this router sync with others? Under RCU. */
static inline bool pl_sync_on(const struct pl_net *pn)
{
	return rcu_access_pointer(pn->sync);
}

/* This router's node id in its fleet, or 0. Under RCU. */
static inline u8 pl_sync_node(const struct pl_net *pn)
{
	const struct pl_sync *s = rcu_dereference(pn->sync);

	return s ? s->node : 0;
}

/*
 * Tell the peers about a flow: now (it is new, or its state changed), or
 * when it was last told long enough ago (pl_flow_refresh()), so that
 * their copy does not expire while packets come here. Packet path, under
 * RCU.
 */
static inline void pl_sync_flow(struct pl_net *pn, struct pl_flow *f,
				bool now)
{
	struct pl_sync *s = rcu_dereference(pn->sync);
	u16 t;

	if (!s)
		return;
	t = pl_sync_now();
	if (!now && (u16)(t - READ_ONCE(f->synced)) < pl_flow_refresh(f))
		return;
	WRITE_ONCE(f->synced, t);
	pl_sync_send_flow(s, f);
}

#endif /* _PL_SYNC_H */
