// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one rhashtable per namespace holding both directions of
 * every flow. Lookups are lockless under RCU; inserts and removals take
 * the table's bucket locks. A flow dies once (whoever sets ->dead first
 * removes it) and is freed after a grace period. Expired flows are found
 * by the packets that hit them and by a garbage collector that walks the
 * table a slice at a time.
 */

#include <linux/slab.h>
#include <linux/random.h>
#include <net/tcp.h>

#include "backend.h"
#include "endpoint.h"
#include "flow.h"
#include "net.h"
#include "rst.h"
#include "service.h"
#include "stats.h"

#define PL_GC_BATCH	2048		/* entries looked at per slice */
#define PL_GC_INTERVAL	HZ		/* between passes over the table */
#define PL_PORT_FIRST	1024
#define PL_PORT_TRIES	128

static struct kmem_cache *pl_flow_cache __read_mostly;

static const struct rhashtable_params pl_flow_params = {
	.key_len = sizeof(struct pl_tuple),
	.key_offset = offsetof(struct pl_flow_node, tuple),
	.head_offset = offsetof(struct pl_flow_node, node),
	.automatic_shrinking = true,
	.min_size = 1024,
};

/* Timeouts of the states that do not use the service's idle timeout. */
static const u32 pl_flow_timeouts[] = {
	[PL_FLOW_STATE_SYN_SENT] = 10 * HZ,
	[PL_FLOW_STATE_SYN_RECV] = 10 * HZ,
	[PL_FLOW_STATE_FIN_WAIT] = 120 * HZ,
	[PL_FLOW_STATE_CLOSING] = 10 * HZ,
	[PL_FLOW_STATE_CLOSED] = 5 * HZ,
};

bool pl_flow_expired(const struct pl_flow *f, unsigned long now)
{
	u8 state = READ_ONCE(f->state);
	u32 timeout;

	if (state == PL_FLOW_STATE_ESTABLISHED)
		timeout = READ_ONCE(f->eni->ep->svc->idle_timeout) * HZ;
	else
		timeout = pl_flow_timeouts[state];
	return (s32)((u32)now - READ_ONCE(f->last_seen) - timeout) > 0;
}

static u8 pl_flow_next_state(const struct pl_flow *f, enum pl_dir dir,
			     const struct tcphdr *th, u8 flags)
{
	u8 state = f->state;

	if (th->rst)
		return PL_FLOW_STATE_CLOSED;
	if (state == PL_FLOW_STATE_CLOSED)
		return state;
	if (th->fin) {
		if ((flags & (PL_FLOW_FIN_ORIG | PL_FLOW_FIN_REPLY)) ==
		    (PL_FLOW_FIN_ORIG | PL_FLOW_FIN_REPLY))
			return PL_FLOW_STATE_CLOSING;
		return PL_FLOW_STATE_FIN_WAIT;
	}
	if (state == PL_FLOW_STATE_SYN_SENT && dir == PL_DIR_REPLY &&
	    th->syn && th->ack)
		return PL_FLOW_STATE_SYN_RECV;
	if (state == PL_FLOW_STATE_SYN_RECV && dir == PL_DIR_ORIG &&
	    th->ack && !th->syn)
		return PL_FLOW_STATE_ESTABLISHED;
	return state;
}

/* Account a packet of the flow and follow its TCP state. */
void pl_flow_track(struct pl_flow *f, enum pl_dir dir, const struct tcphdr *th,
		   unsigned int len, unsigned int payload)
{
	u32 end = ntohl(th->seq) + payload + th->syn + th->fin;
	u8 flags = f->flags;
	bool known = dir == PL_DIR_ORIG || (flags & PL_FLOW_SEQ_REPLY);

	if (th->syn || (known && after(end, f->seq[dir]))) {
		f->seq[dir] = end;
		if (dir == PL_DIR_REPLY)
			flags |= PL_FLOW_SEQ_REPLY;
	}
	if (th->fin)
		flags |= dir == PL_DIR_ORIG ? PL_FLOW_FIN_ORIG :
					      PL_FLOW_FIN_REPLY;
	WRITE_ONCE(f->state, pl_flow_next_state(f, dir, th, flags));
	f->flags = flags;
	WRITE_ONCE(f->last_seen, (u32)jiffies);
	f->packets[dir]++;
	f->bytes[dir] += len;
}

struct pl_flow_node *pl_flow_lookup(struct pl_net *pn,
				    const struct pl_tuple *t)
{
	return rhashtable_lookup(&pn->flows.table, t, pl_flow_params);
}

static void pl_flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(pl_flow_cache, container_of(head, struct pl_flow, rcu));
}

/* Remove the flow; whoever calls first does it, later calls do nothing. */
void pl_flow_kill(struct pl_net *pn, struct pl_flow *f)
{
	if (xchg(&f->dead, 1))
		return;
	rhashtable_remove_fast(&pn->flows.table, &f->nodes[PL_DIR_ORIG].node,
			       pl_flow_params);
	rhashtable_remove_fast(&pn->flows.table, &f->nodes[PL_DIR_REPLY].node,
			       pl_flow_params);
	atomic_dec(&f->eni->nflows);
	atomic_dec(&f->backend->nflows);
	atomic_dec(&pn->flows.count);
	pl_flow_notify(pn, f, PL_CMD_FLOW_DEL_NTF);
	call_rcu(&f->rcu, pl_flow_free_rcu);
}

/* Kill the flow and tell both ends, with a RST each. */
void pl_flow_reset(struct pl_net *pn, struct pl_flow *f)
{
	const struct pl_tuple *o = &f->nodes[PL_DIR_ORIG].tuple;
	const struct pl_tuple *r = &f->nodes[PL_DIR_REPLY].tuple;

	if (READ_ONCE(f->state) != PL_FLOW_STATE_CLOSED) {
		pl_rst_send(pn->net, o->daddr, o->saddr, o->dport, o->sport,
			    f->seq[PL_DIR_REPLY], f->seq[PL_DIR_ORIG]);
		if (f->flags & PL_FLOW_SEQ_REPLY)
			pl_rst_send(pn->net, r->daddr, r->saddr, r->dport,
				    r->sport, f->seq[PL_DIR_ORIG],
				    f->seq[PL_DIR_REPLY]);
	}
	pl_flow_kill(pn, f);
}

/* Insert the reply direction with the first free source port. */
static int pl_flow_insert_reply(struct pl_net *pn, struct pl_flow *f,
				u32 hash)
{
	struct pl_flow_node *n = &f->nodes[PL_DIR_REPLY];
	u32 range = 65536 - PL_PORT_FIRST, port, i;
	int err = -EADDRINUSE;

	port = hash % range;
	for (i = 0; i < PL_PORT_TRIES; i++) {
		n->tuple.dport = htons(PL_PORT_FIRST + port);
		err = rhashtable_lookup_insert_fast(&pn->flows.table, &n->node,
						    pl_flow_params);
		if (err != -EEXIST)
			break;
		if (++port == range)
			port = 0;
	}
	return err == -EEXIST ? -EADDRINUSE : err;
}

static struct pl_flow *pl_flow_alloc(const struct pl_tuple *orig,
				     struct pl_eni *eni, struct pl_backend *b,
				     const struct pl_tuple *reply)
{
	struct pl_flow *f = kmem_cache_zalloc(pl_flow_cache, GFP_ATOMIC);

	if (!f)
		return NULL;
	f->nodes[PL_DIR_ORIG].tuple = *orig;
	f->nodes[PL_DIR_ORIG].dir = PL_DIR_ORIG;
	f->nodes[PL_DIR_REPLY].tuple = *reply;
	f->nodes[PL_DIR_REPLY].dir = PL_DIR_REPLY;
	f->eni = eni;
	f->backend = b;
	f->created = (u32)jiffies;
	f->last_seen = f->created;
	f->state = PL_FLOW_STATE_SYN_SENT;
	return f;
}

/*
 * Whoever removes an ENI's endpoint or a backend marks it first and then
 * kills its flows; a flow created meanwhile sees the mark here and dies.
 */
static bool pl_flow_orphan(const struct pl_flow *f)
{
	smp_mb__after_atomic();	/* publish the flow, then look for a mark */
	return READ_ONCE(f->eni->ep->state) != PL_ENDPOINT_STATE_AVAILABLE ||
	       READ_ONCE(f->backend->dead);
}

/* Make the flow visible: reply direction (with its port) first. */
static int pl_flow_publish(struct pl_net *pn, struct pl_flow *f, u32 hash)
{
	int err;

	err = pl_flow_insert_reply(pn, f, hash);
	if (err)
		return err;
	err = rhashtable_lookup_insert_fast(&pn->flows.table,
					    &f->nodes[PL_DIR_ORIG].node,
					    pl_flow_params);
	if (err)
		rhashtable_remove_fast(&pn->flows.table,
				       &f->nodes[PL_DIR_REPLY].node,
				       pl_flow_params);
	return err;
}

/*
 * A new flow from orig to backend b, leaving from reply's source address
 * with a free port. On failure, *why is the drop reason, or -EEXIST when
 * another CPU created the same flow meanwhile. Called under RCU.
 */
struct pl_flow *pl_flow_create(struct pl_net *pn, const struct pl_tuple *orig,
			       struct pl_eni *eni, struct pl_backend *b,
			       const struct pl_tuple *reply, int *why)
{
	u32 hash = jhash(orig, sizeof(*orig), pn->flows.seed);
	struct pl_flow *f;
	int err;

	if (atomic_inc_return(&pn->flows.count) > READ_ONCE(pn->flows.max)) {
		*why = PL_DROP_FLOW_LIMIT;
		goto err_count;
	}
	f = pl_flow_alloc(orig, eni, b, reply);
	if (!f) {
		*why = PL_DROP_NO_MEMORY;
		goto err_count;
	}
	err = pl_flow_publish(pn, f, hash);
	if (err) {
		kmem_cache_free(pl_flow_cache, f);
		*why = err == -EEXIST ? -EEXIST :
		       err == -EADDRINUSE ? PL_DROP_NO_PORT : PL_DROP_NO_MEMORY;
		goto err_count;
	}
	atomic_inc(&eni->nflows);
	atomic_inc(&b->nflows);
	if (pl_flow_orphan(f)) {
		pl_flow_kill(pn, f);
		*why = PL_DROP_NOT_AVAILABLE;
		return NULL;
	}
	this_cpu_inc(pn->stats->new_conns);
	this_cpu_inc(eni->stats->new_conns);
	this_cpu_inc(b->stats->new_conns);
	pl_flow_notify(pn, f, PL_CMD_FLOW_ADD_NTF);
	queue_delayed_work(system_power_efficient_wq, &pn->flows.gc,
			   PL_GC_INTERVAL);
	return f;

err_count:
	atomic_dec(&pn->flows.count);
	return NULL;
}

/*
 * Kill (or reset) every flow that match() picks, walking the whole table.
 * Process context; the caller holds the configuration lock.
 */
void pl_flows_kill_if(struct pl_net *pn,
		      bool (*match)(const struct pl_flow *f, const void *arg),
		      const void *arg, bool reset)
{
	struct rhashtable_iter iter;
	struct pl_flow_node *n;
	unsigned int seen = 0;

	rhashtable_walk_enter(&pn->flows.table, &iter);
	rhashtable_walk_start(&iter);
	while ((n = rhashtable_walk_next(&iter))) {
		struct pl_flow *f;

		if (IS_ERR(n))
			continue;	/* -EAGAIN: a resize; go on */
		f = pl_flow_of(n);
		if (n->dir == PL_DIR_ORIG && !READ_ONCE(f->dead) &&
		    (!match || match(f, arg))) {
			if (reset)
				pl_flow_reset(pn, f);
			else
				pl_flow_kill(pn, f);
		}
		if (++seen % PL_GC_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/* One slice of the collector's walk; true when the pass is over. */
static bool pl_flows_gc_slice(struct pl_net *pn)
{
	struct pl_flows *flows = &pn->flows;
	unsigned long now = jiffies;
	struct pl_flow_node *n;
	unsigned int i;

	if (!flows->gc_walking) {
		rhashtable_walk_enter(&flows->table, &flows->gc_iter);
		flows->gc_walking = true;
	}
	rhashtable_walk_start(&flows->gc_iter);
	for (i = 0; i < PL_GC_BATCH; i++) {
		n = rhashtable_walk_next(&flows->gc_iter);
		if (!n)
			break;
		if (IS_ERR(n))
			continue;
		if (n->dir == PL_DIR_ORIG && pl_flow_expired(pl_flow_of(n), now))
			pl_flow_kill(pn, pl_flow_of(n));
	}
	rhashtable_walk_stop(&flows->gc_iter);
	if (i < PL_GC_BATCH) {
		rhashtable_walk_exit(&flows->gc_iter);
		flows->gc_walking = false;
		return true;
	}
	return false;
}

static void pl_flows_gc(struct work_struct *work)
{
	struct pl_net *pn = container_of(to_delayed_work(work), struct pl_net,
					 flows.gc);
	bool done = pl_flows_gc_slice(pn);

	if (!done)
		queue_delayed_work(system_power_efficient_wq, &pn->flows.gc, 1);
	else if (atomic_read(&pn->flows.count))
		queue_delayed_work(system_power_efficient_wq, &pn->flows.gc,
				   PL_GC_INTERVAL);
}

int pl_flows_init(struct pl_net *pn)
{
	struct pl_flows *flows = &pn->flows;

	atomic_set(&flows->count, 0);
	flows->max = PL_DEFAULT_MAX_FLOWS;
	flows->seed = get_random_u32();
	flows->gc_walking = false;
	INIT_DELAYED_WORK(&flows->gc, pl_flows_gc);
	return rhashtable_init(&flows->table, &pl_flow_params);
}

/* The namespace is going away and its packet hooks are gone already. */
void pl_flows_exit(struct pl_net *pn)
{
	struct pl_flows *flows = &pn->flows;

	cancel_delayed_work_sync(&flows->gc);
	if (flows->gc_walking)
		rhashtable_walk_exit(&flows->gc_iter);
	pl_flows_kill_if(pn, NULL, NULL, false);
	WARN_ON(atomic_read(&flows->count));
	rhashtable_destroy(&flows->table);
}

int pl_flow_cache_init(void)
{
	BUILD_BUG_ON(sizeof(struct pl_flow) > 128);
	pl_flow_cache = kmem_cache_create("pl_flow", sizeof(struct pl_flow),
					  0, SLAB_HWCACHE_ALIGN, NULL);
	return pl_flow_cache ? 0 : -ENOMEM;
}

void pl_flow_cache_exit(void)
{
	kmem_cache_destroy(pl_flow_cache);
}
