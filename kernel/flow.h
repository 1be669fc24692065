/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flows: the TCP connections carried through endpoints. A flow is found by
 * either of its two directions in one hash table per namespace:
 *
 *   orig   client:port -> ENI:listener     (as the client sends it)
 *   reply  backend:port -> source:port     (as the backend sends it)
 *
 * A packet of one direction leaves with the other direction's tuple,
 * reversed.
 */

#ifndef _PL_FLOW_H
#define _PL_FLOW_H

#include <linux/in6.h>
#include <linux/llist.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <uapi/linux/pl.h>

enum pl_dir {
	PL_DIR_ORIG,
	PL_DIR_REPLY,
};

/* An address of either family, as nf_inet_addr. */
union pl_inaddr {
	__be32 ip;
	struct in6_addr in6;
	__be32 all[4];
};

/*
 * One direction of a flow, as its packets carry it: what a lookup looks
 * for. A flow stores its tuples in less room (struct pl_flow).
 */
struct pl_tuple {
	union pl_inaddr saddr;
	union pl_inaddr daddr;
	union {
		struct {
			__be16 sport;
			__be16 dport;
		};
		u32 ports;		/* both, as one word to hash */
	};
	u8 family;			/* AF_INET or AF_INET6 */
};

/*
 * A link in a bucket's chain: the address of the next direction's node,
 * with that direction in bit 0; 0 ends the chain. The ports are here, the
 * addresses at the end of the flow.
 */
struct pl_flow_node {
	unsigned long next;
	__be16 sport;
	__be16 dport;
	u32 seq;			/* next sequence number this way */
};

/* f->life: see pl_flow_kill() */
enum pl_flow_life {
	PL_FLOW_LIVE,
	PL_FLOW_DEAD,			/* set once, by whoever kills it */
	PL_FLOW_NEW,			/* not announced yet by its creator */
};

#define PL_FLOW_FIN_ORIG	BIT(0)
#define PL_FLOW_FIN_REPLY	BIT(1)
#define PL_FLOW_SEQ_REPLY	BIT(2)	/* the reply's seq is known */
#define PL_FLOW_LEARNED		BIT(3)	/* from a peer (sync.c) */
struct dst_entry;

#define PL_FLOW_SYNC_FLAGS	(PL_FLOW_FIN_ORIG | PL_FLOW_FIN_REPLY | \
				 PL_FLOW_SEQ_REPLY)

/*
 * A flow's memory is most of what it costs: 128 bytes when both
 * directions are IPv4, 152 when one is IPv6, 176 when both are. The
 * addresses come last, after the nodes their lookups read with them:
 * each direction's source then destination, one word each for IPv4,
 * four for IPv6, the original direction's first.
 */
struct pl_flow {
	struct pl_eni *eni;
	struct pl_backend *backend;
	u64 bytes[2];
	u32 packets[2];
	u32 created;			/* jiffies */
	u32 last_seen;			/* jiffies; READ_ONCE() */
	struct llist_node reap;		/* dead, waiting for a grace period */
	u8 state;			/* enum pl_flow_state */
	u8 flags;			/* PL_FLOW_* */
	u8 life;			/* enum pl_flow_life; xchg() */
	u8 open;			/* in active-connections; xchg() */
	u8 node;			/* the router that created it, or 0 */
	u8 ipv6;			/* BIT(dir): that direction is IPv6 */
	u16 synced;			/* seconds, when last sent to peers */
	/* Each direction's route, for the fast path (fastpath.c); RCU. */
	struct dst_entry __rcu *dst[2];
	struct pl_flow_node nodes[2];	/* by enum pl_dir */
	__be32 addrs[];
};

/* Where a walk over the table is: a bucket, and live flows seen in it. */
struct pl_flows_pos {
	u32 bucket;
	u32 skip;
};

#define PL_FLOW_LOCKS 256		/* bucket locks, striped */

/*
 * The table is an array of buckets sized once (the flow_buckets module
 * parameter), allocated when the namespace's packet hooks go in.
 */
/* The announcements of rejected packets: at most max a second. */
struct pl_rejects {
	u32 max;			/* 0: none; READ_ONCE() */
	unsigned long start;		/* of the second, in jiffies */
	atomic_t sent;			/* in that second */
	atomic_t suppressed;		/* since the last one announced */
};

struct pl_flows {
	unsigned long *buckets;		/* NULL until pl_flows_start() */
	u32 mask;
	u32 rnd;			/* for hashing tuples to buckets */
	u32 seed;			/* for hashing flows to backends */
	atomic_t count;
	atomic_t learned;		/* of count, learned from peers */
	u32 max;
	struct pl_flows_pos gc_pos;	/* where the collector is */
	u32 gc_slice;			/* buckets looked at per slice */
	unsigned long gc_delay;		/* jiffies between slices */
	struct delayed_work gc;
	struct llist_head dead;		/* flows to free after a grace period */
	struct work_struct reap;
	spinlock_t locks[PL_FLOW_LOCKS];	/* bucket i: locks[i % N] */
	struct pl_rejects rejects;
};

struct pl_net;
struct pl_eni;
struct pl_backend;
struct pl_service;
struct tcphdr;
struct sk_buff;

#define PL_DEFAULT_MAX_FLOWS 262144
#define PL_DEFAULT_MAX_REJECT_LOGS 100

/* Is the flow gone? A new one is not: its packets go through. */
static inline bool pl_flow_dead(const struct pl_flow *f)
{
	return READ_ONCE(f->life) == PL_FLOW_DEAD;
}

static inline enum pl_dir pl_link_dir(unsigned long link)
{
	return link & 1;
}

static inline struct pl_flow_node *pl_link_node(unsigned long link)
{
	return (struct pl_flow_node *)(link & ~1UL);
}

static inline struct pl_flow *pl_link_flow(unsigned long link)
{
	return container_of(pl_link_node(link) - pl_link_dir(link),
			    struct pl_flow, nodes[0]);
}

/* Words of an address of the family, in a flow's addrs[]. */
static inline unsigned int pl_family_words(u8 family)
{
	return family == AF_INET6 ? 4 : 1;
}

static inline u8 pl_flow_family(const struct pl_flow *f, enum pl_dir dir)
{
	return f->ipv6 & BIT(dir) ? AF_INET6 : AF_INET;
}

/* The direction's source address, then its destination address. */
static inline const __be32 *pl_flow_addrs(const struct pl_flow *f,
					  enum pl_dir dir)
{
	if (dir == PL_DIR_ORIG)
		return f->addrs;
	return f->addrs + 2 * pl_family_words(pl_flow_family(f, PL_DIR_ORIG));
}

void pl_flow_tuple(const struct pl_flow *f, enum pl_dir dir,
		   struct pl_tuple *t);
void pl_flow_xlate_to(const struct pl_flow *f, enum pl_dir dir,
		      struct pl_tuple *to);

void pl_flows_init(struct pl_net *pn);
int pl_flows_start(struct pl_net *pn);
void pl_flows_exit(struct pl_net *pn);
int pl_flow_cache_init(void);
void pl_flow_cache_exit(void);

struct pl_flow *pl_flow_lookup(struct pl_net *pn, const struct pl_tuple *t,
			       enum pl_dir *dir);
u32 pl_flow_hash(const struct pl_net *pn, const struct pl_tuple *orig);
struct pl_flow *pl_flow_create(struct pl_net *pn, const struct pl_tuple *orig,
			       u32 hash, struct pl_eni *eni,
			       struct pl_backend *b,
			       const struct pl_tuple *reply, u8 node, int *why);

/* A flow as a peer describes it (sync.c). */
struct pl_flow_learn {
	struct pl_tuple orig;
	struct pl_tuple reply;
	u32 seq[2];
	u32 last_seen;			/* jiffies */
	u8 state;
	u8 flags;
	u8 node;
};

int pl_flow_learn(struct pl_net *pn, const struct pl_flow_learn *l,
		  struct pl_eni *eni, struct pl_backend *b);
void pl_flow_kill(struct pl_net *pn, struct pl_flow *f);
void pl_flow_reset(struct pl_net *pn, struct pl_flow *f);
int pl_flows_walk(struct pl_net *pn, struct pl_flows_pos *pos, u32 n,
		  int (*fn)(struct pl_flow *f, void *arg), void *arg);
bool pl_flows_walked(const struct pl_net *pn, const struct pl_flows_pos *pos);
void pl_flows_kill_if(struct pl_net *pn,
		      bool (*match)(const struct pl_flow *f, const void *arg),
		      const void *arg, bool reset);

void pl_flow_notify(struct pl_net *pn, const struct pl_flow *f, u8 cmd);
void pl_flow_reject(struct pl_net *pn, const struct pl_eni *eni,
		    const struct sk_buff *skb, int why);
bool pl_flow_expired(const struct pl_flow *f, unsigned long now);
u16 pl_flow_refresh(const struct pl_flow *f);
bool pl_flow_track(struct pl_net *pn, struct pl_flow *f, enum pl_dir dir,
		   const struct tcphdr *th, unsigned int len,
		   unsigned int payload);

#endif /* _PL_FLOW_H */
