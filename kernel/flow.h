/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flows: the TCP connections carried through endpoints. A flow is found by
 * either of its two directions in one RCU hash table:
 *
 *   orig   client:port -> ENI:listener     (as the client sends it)
 *   reply  backend:port -> source:port     (as the backend sends it)
 *
 * A packet of one direction leaves with the other direction's tuple,
 * reversed.
 */

#ifndef _PL_FLOW_H
#define _PL_FLOW_H

#include <linux/rhashtable.h>
#include <linux/workqueue.h>
#include <uapi/linux/pl.h>

enum pl_dir {
	PL_DIR_ORIG,
	PL_DIR_REPLY,
};

struct pl_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

struct pl_flow_node {
	struct rhash_head node;
	struct pl_tuple tuple;
	u8 dir;				/* enum pl_dir */
};

#define PL_FLOW_FIN_ORIG	BIT(0)
#define PL_FLOW_FIN_REPLY	BIT(1)
#define PL_FLOW_SEQ_REPLY	BIT(2)	/* seq[PL_DIR_REPLY] is known */

/* 128 bytes: two cache lines. */
struct pl_flow {
	struct pl_flow_node nodes[2];	/* by enum pl_dir */
	struct rcu_head rcu;
	struct pl_eni *eni;
	struct pl_backend *backend;
	u32 created;			/* jiffies */
	u32 last_seen;			/* jiffies; READ_ONCE() */
	u32 packets[2];
	u32 seq[2];			/* next sequence number, each way */
	u64 bytes[2];
	u8 state;			/* enum pl_flow_state */
	u8 flags;			/* PL_FLOW_* */
	u8 dead;			/* set once, by whoever kills it */
};

struct pl_flows {
	struct rhashtable table;
	atomic_t count;
	u32 max;
	u32 seed;			/* for hashing flows to backends */
	struct delayed_work gc;
	struct rhashtable_iter gc_iter;
	bool gc_walking;
};

struct pl_net;
struct pl_eni;
struct pl_backend;
struct pl_service;
struct tcphdr;

#define PL_DEFAULT_MAX_FLOWS 262144

static inline struct pl_flow *pl_flow_of(struct pl_flow_node *n)
{
	return container_of(n - n->dir, struct pl_flow, nodes[0]);
}

int pl_flows_init(struct pl_net *pn);
void pl_flows_exit(struct pl_net *pn);
int pl_flow_cache_init(void);
void pl_flow_cache_exit(void);

struct pl_flow_node *pl_flow_lookup(struct pl_net *pn,
				    const struct pl_tuple *t);
struct pl_flow *pl_flow_create(struct pl_net *pn, const struct pl_tuple *orig,
			       struct pl_eni *eni, struct pl_backend *b,
			       const struct pl_tuple *reply, int *why);
void pl_flow_kill(struct pl_net *pn, struct pl_flow *f);
void pl_flow_reset(struct pl_net *pn, struct pl_flow *f);
void pl_flows_kill_if(struct pl_net *pn,
		      bool (*match)(const struct pl_flow *f, const void *arg),
		      const void *arg, bool reset);

void pl_flow_notify(struct pl_net *pn, const struct pl_flow *f, u8 cmd);
bool pl_flow_expired(const struct pl_flow *f, unsigned long now);
void pl_flow_track(struct pl_flow *f, enum pl_dir dir, const struct tcphdr *th,
		   unsigned int len, unsigned int payload);

#endif /* _PL_FLOW_H */
