// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one hash table per namespace holding both directions of
 * every flow, as conntrack does. Its buckets are allocated once, at the
 * size the operator gave (flow_buckets), so the table never rehashes under
 * a flood of new flows. A bucket is a singly linked chain: lookups walk it
 * locklessly under RCU, inserts and removals take one of the striped
 * bucket locks. A flow dies once (whoever sets ->life to dead first
 * unlinks it; while it is new, its creator does) and is freed in batches
 * after a grace period. Expired flows are found by the packets that hit
 * them and by a collector that walks the buckets a slice at a time, paced
 * so that a pass takes about PL_GC_PASS whatever the table's size, and
 * flat out while the table is nearly full.
 */

#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "backend.h"
#include "endpoint.h"
#include "fastpath.h"
#include "flow.h"
#include "net.h"
#include "rst.h"
#include "service.h"
#include "stats.h"
#include "sync.h"

#define PL_GC_BATCH	2048		/* buckets looked at per slice, at least */
#define PL_GC_PASS	(8 * HZ)	/* a pass over the table, about */
#define PL_PORT_FIRST	1024
#define PL_PORT_TRIES	128

#define PL_BUCKETS_MIN	1024
#define PL_BUCKETS_MAX	BIT(26)

/* A cache for each shape: no, one or two directions IPv6. */
static struct kmem_cache *pl_flow_caches[3] __read_mostly;
static const char *const pl_flow_cache_names[3] = {
	"pl_flow", "pl_flow46", "pl_flow6",
};

static struct kmem_cache *pl_flow_cache(u8 ipv6)
{
	return pl_flow_caches[hweight8(ipv6)];
}

/* No reader can hold the flow any more: free it, and its routes. */
static void pl_flow_free(struct pl_flow *f)
{
	pl_fast_forget(f);
	kmem_cache_free(pl_flow_cache(f->ipv6), f);
}

static unsigned int pl_flow_buckets __read_mostly = 65536;
module_param_named(flow_buckets, pl_flow_buckets, uint, 0444);
MODULE_PARM_DESC(flow_buckets,
		 "Hash buckets of each namespace's flow table, a power of two (default 65536)");

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

/*
 * Seconds between two records of a flow to the peers while its packets
 * come: a quarter of its idle timeout, so that no copy expires before it
 * hears again, and not less than PL_SYNC_REFRESH. An established flow of
 * a service with the default 350 s sends one every 87 s.
 */
u16 pl_flow_refresh(const struct pl_flow *f)
{
	u32 t = 0;

	if (READ_ONCE(f->state) == PL_FLOW_STATE_ESTABLISHED)
		t = READ_ONCE(f->eni->ep->svc->idle_timeout) / 4;
	return min_t(u32, max_t(u32, t, PL_SYNC_REFRESH), U16_MAX / 2);
}

static u8 pl_flow_next_state(u8 state, enum pl_dir dir,
			     const struct tcphdr *th, u8 flags)
{
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

/*
 * active-connections counts the open flows: from the SYN that creates one
 * until both sides have sent FIN or either has sent RST (the flow enters
 * closing or closed), or until it dies, whichever comes first. The count
 * is per CPU, in the counters of the namespace, the ENI and the backend;
 * ->open says whether the flow is in it, and whoever clears it with
 * xchg() takes the flow out, once.
 */
static void pl_flow_open(struct pl_net *pn, struct pl_flow *f)
{
	WRITE_ONCE(f->open, 1);
	this_cpu_inc(pn->stats->t.open);
	this_cpu_inc(f->eni->stats->t.open);
	this_cpu_inc(f->backend->stats->open);
}

static void pl_flow_close(struct pl_net *pn, struct pl_flow *f)
{
	if (!xchg(&f->open, 0))
		return;
	this_cpu_dec(pn->stats->t.open);
	this_cpu_dec(f->eni->stats->t.open);
	this_cpu_dec(f->backend->stats->open);
}

/*
 * Account a packet of the flow and follow its TCP state; true when the
 * state changed.
 */
bool pl_flow_track(struct pl_net *pn, struct pl_flow *f, enum pl_dir dir,
		   const struct tcphdr *th, unsigned int len,
		   unsigned int payload)
{
	u32 end = ntohl(th->seq) + payload + th->syn + th->fin;
	u8 flags = f->flags, state = f->state, next;
	bool known = dir == PL_DIR_ORIG || (flags & PL_FLOW_SEQ_REPLY);

	if (th->syn || (known && after(end, f->nodes[dir].seq))) {
		f->nodes[dir].seq = end;
		if (dir == PL_DIR_REPLY)
			flags |= PL_FLOW_SEQ_REPLY;
	}
	if (th->fin)
		flags |= dir == PL_DIR_ORIG ? PL_FLOW_FIN_ORIG :
					      PL_FLOW_FIN_REPLY;
	next = pl_flow_next_state(state, dir, th, flags);
	WRITE_ONCE(f->state, next);
	/* The full barrier of xchg() orders this after the store of state. */
	if (next >= PL_FLOW_STATE_CLOSING && state < PL_FLOW_STATE_CLOSING)
		pl_flow_close(pn, f);
	f->flags = flags;
	WRITE_ONCE(f->last_seen, (u32)jiffies);
	f->packets[dir]++;
	f->bytes[dir] += len;
	return next != state;
}

/* The buckets and mask, once pl_flows_start() has published them. */
static unsigned long *pl_buckets(const struct pl_flows *fl)
{
	/* Pairs with the release in pl_flows_start(). */
	return smp_load_acquire(&fl->buckets);
}

/*
 * The words that hash a tuple: its addresses, then its ports. For IPv4,
 * the bytes of the tuple before IPv6 came, so that routers of a fleet
 * that run the two versions hash IPv4 flows alike.
 */
static unsigned int pl_tuple_key(const struct pl_tuple *t, u32 *key)
{
	unsigned int w = pl_family_words(t->family);

	memcpy(key, t->saddr.all, w * 4);
	memcpy(key + w, t->daddr.all, w * 4);
	key[2 * w] = t->ports;
	return 2 * w + 1;
}

#define PL_TUPLE_KEY_MAX	9

static u32 pl_bucket(const struct pl_flows *fl, const struct pl_tuple *t)
{
	u32 key[PL_TUPLE_KEY_MAX];

	return jhash2(key, pl_tuple_key(t, key), fl->rnd) & fl->mask;
}

/* Is t the tuple of the direction that link is? */
static bool pl_link_is(unsigned long link, const struct pl_tuple *t)
{
	const struct pl_flow_node *n = pl_link_node(link);
	enum pl_dir dir = pl_link_dir(link);
	const struct pl_flow *f;
	const __be32 *a;

	if (n->sport != t->sport || n->dport != t->dport)
		return false;
	f = pl_link_flow(link);
	if (pl_flow_family(f, dir) != t->family)
		return false;
	a = pl_flow_addrs(f, dir);
	if (t->family == AF_INET)
		return a[0] == t->saddr.ip && a[1] == t->daddr.ip;
	return !memcmp(a, &t->saddr.in6, 16) && !memcmp(a + 4, &t->daddr.in6, 16);
}

/*
 * The tuple of one of the flow's directions, or, reversed, of the
 * packets that answer it.
 */
static void pl_flow_tuple_get(const struct pl_flow *f, enum pl_dir dir,
			      struct pl_tuple *t, bool reversed)
{
	const struct pl_flow_node *n = &f->nodes[dir];
	const __be32 *a = pl_flow_addrs(f, dir);
	unsigned int w;

	memset(t, 0, sizeof(*t));
	t->family = pl_flow_family(f, dir);
	w = pl_family_words(t->family);
	memcpy(reversed ? t->daddr.all : t->saddr.all, a, w * 4);
	memcpy(reversed ? t->saddr.all : t->daddr.all, a + w, w * 4);
	t->sport = reversed ? READ_ONCE(n->dport) : n->sport;
	t->dport = reversed ? n->sport : READ_ONCE(n->dport);
}

void pl_flow_tuple(const struct pl_flow *f, enum pl_dir dir,
		   struct pl_tuple *t)
{
	pl_flow_tuple_get(f, dir, t, false);
}

/* What a packet of the flow's direction dir becomes: the other reversed. */
void pl_flow_xlate_to(const struct pl_flow *f, enum pl_dir dir,
		      struct pl_tuple *to)
{
	pl_flow_tuple_get(f, !dir, to, true);
}

static spinlock_t *pl_bucket_lock(struct pl_flows *fl, u32 i)
{
	return &fl->locks[i % PL_FLOW_LOCKS];
}

/* The bucket of one of the flow's directions, and its tuple. */
static u32 pl_node_bucket(const struct pl_flows *fl, const struct pl_flow *f,
			  enum pl_dir dir, struct pl_tuple *t)
{
	pl_flow_tuple(f, dir, t);
	return pl_bucket(fl, t);
}

/* The link from link on whose node has tuple t, or 0. */
static unsigned long pl_chain_find(unsigned long link,
				   const struct pl_tuple *t)
{
	for (; link; link = READ_ONCE(pl_link_node(link)->next))
		if (pl_link_is(link, t))
			return link;
	return 0;
}

/* The flow one of whose directions is t, and that direction. Under RCU. */
struct pl_flow *pl_flow_lookup(struct pl_net *pn, const struct pl_tuple *t,
			       enum pl_dir *dir)
{
	struct pl_flows *fl = &pn->flows;
	unsigned long *buckets = pl_buckets(fl);
	unsigned long link;

	if (unlikely(!buckets))
		return NULL;
	link = pl_chain_find(READ_ONCE(buckets[pl_bucket(fl, t)]), t);
	if (!link)
		return NULL;
	*dir = pl_link_dir(link);
	return pl_link_flow(link);
}

/*
 * Link one direction of f into its bucket, unless its tuple is taken.
 * Only the packet path creates flows, with bottom halves off already.
 */
static int pl_flow_link(struct pl_flows *fl, struct pl_flow *f,
			enum pl_dir dir)
{
	struct pl_flow_node *n = &f->nodes[dir];
	struct pl_tuple t;
	u32 i = pl_node_bucket(fl, f, dir, &t);
	spinlock_t *lock = pl_bucket_lock(fl, i);

	lockdep_assert_in_softirq();
	spin_lock(lock);
	if (pl_chain_find(fl->buckets[i], &t)) {
		spin_unlock(lock);
		return -EEXIST;
	}
	n->next = fl->buckets[i];
	/* A reader that finds n sees its tuple and ->next. */
	smp_store_release(&fl->buckets[i], (unsigned long)n | dir);
	spin_unlock(lock);
	return 0;
}

/* Unlink one direction; readers on it may still follow its ->next. */
static void pl_flow_unlink(struct pl_flows *fl, struct pl_flow *f,
			   enum pl_dir dir)
{
	struct pl_flow_node *n = &f->nodes[dir];
	unsigned long link = (unsigned long)n | dir;
	struct pl_tuple t;
	u32 i = pl_node_bucket(fl, f, dir, &t);
	spinlock_t *lock = pl_bucket_lock(fl, i);
	unsigned long *prev = &fl->buckets[i];

	spin_lock_bh(lock);
	while (*prev && *prev != link)
		prev = &pl_link_node(*prev)->next;
	if (!WARN_ON_ONCE(!*prev))
		WRITE_ONCE(*prev, n->next);
	spin_unlock_bh(lock);
}

/* Free the flows that died before the grace period this waits for. */
static void pl_flows_reap(struct work_struct *work)
{
	struct pl_flows *fl = container_of(work, struct pl_flows, reap);
	struct llist_node *list = llist_del_all(&fl->dead);
	struct pl_flow *f, *tmp;

	if (!list)
		return;
	synchronize_rcu();
	llist_for_each_entry_safe(f, tmp, list, reap)
		pl_flow_free(f);
}

/* Free f once no reader can still hold it. Any context. */
static void pl_flow_free_later(struct pl_flows *fl, struct pl_flow *f)
{
	if (llist_add(&f->reap, &fl->dead))
		queue_work(system_unbound_wq, &fl->reap);
}

/* Take an announced flow out of the table and the counters; say so. */
static void pl_flow_remove(struct pl_net *pn, struct pl_flow *f)
{
	pl_flow_unlink(&pn->flows, f, PL_DIR_ORIG);
	pl_flow_unlink(&pn->flows, f, PL_DIR_REPLY);
	pl_flow_close(pn, f);
	atomic_dec(&f->eni->nflows);
	atomic_dec(&f->backend->nflows);
	atomic_dec(&pn->flows.count);
	if (f->flags & PL_FLOW_LEARNED)
		atomic_dec(&pn->flows.learned);
	pl_flow_notify(pn, f, PL_CMD_FLOW_DEL_NTF);
	pl_flow_free_later(&pn->flows, f);
}

/*
 * Remove the flow; whoever calls first does it, later calls do nothing.
 * A flow is new until its creator has counted and announced it: one
 * killed meanwhile (a flush, or a RST and a new SYN, on other CPUs) is
 * removed by its creator right after its flow-add, so that no flow-del
 * ever comes before the flow-add of its flow (pl_flow_create()).
 */
void pl_flow_kill(struct pl_net *pn, struct pl_flow *f)
{
	if (xchg(&f->life, PL_FLOW_DEAD) == PL_FLOW_LIVE)
		pl_flow_remove(pn, f);
}

/*
 * Kill the flow and tell both ends, with a RST each. Under RCU. Dead
 * first, then the sequence numbers: a segment forwarded on another CPU
 * meanwhile can still leave a RST behind the receiver's window, but the
 * receiver's challenge ACK then finds no flow, and gets a RST of the
 * right sequence in answer (pl_eni_answers()), where before the flow
 * forwarded it and a receiving client waited on.
 */
void pl_flow_reset(struct pl_net *pn, struct pl_flow *f)
{
	const struct pl_flow_node *o = &f->nodes[PL_DIR_ORIG];
	const struct pl_flow_node *r = &f->nodes[PL_DIR_REPLY];
	struct pl_tuple ot, rt;

	pl_flow_kill(pn, f);
	if (READ_ONCE(f->state) == PL_FLOW_STATE_CLOSED)
		return;
	pl_flow_tuple(f, PL_DIR_ORIG, &ot);
	pl_flow_tuple(f, PL_DIR_REPLY, &rt);
	pl_rst_send(pn->net, &ot, READ_ONCE(r->seq), READ_ONCE(o->seq));
	if (READ_ONCE(f->flags) & PL_FLOW_SEQ_REPLY)
		pl_rst_send(pn->net, &rt, READ_ONCE(o->seq), READ_ONCE(r->seq));
}

/*
 * Insert the reply direction with the first free source port. A router of
 * a fleet (node 1 to 8) takes only the ports whose remainder by 8 is
 * node - 1: no two routers ever give two flows the same port.
 */
static int pl_flow_insert_reply(struct pl_net *pn, struct pl_flow *f,
				u32 hash, u8 node)
{
	struct pl_flow_node *n = &f->nodes[PL_DIR_REPLY];
	u32 range = 65536 - PL_PORT_FIRST, stride = 1, first = 0, port, i;

	BUILD_BUG_ON((65536 - PL_PORT_FIRST) % PL_SYNC_MAX_NODE);
	if (node) {
		stride = PL_SYNC_MAX_NODE;
		first = node - 1;
		range /= stride;
	}
	port = hash % range;
	for (i = 0; i < PL_PORT_TRIES; i++) {
		WRITE_ONCE(n->dport,
			   htons(PL_PORT_FIRST + port * stride + first));
		if (!pl_flow_link(&pn->flows, f, PL_DIR_REPLY))
			return 0;
		if (++port == range)
			port = 0;
	}
	return -EADDRINUSE;
}

/* Copy one direction's addresses into the flow; what follows them. */
static __be32 *pl_flow_put_addrs(__be32 *a, const struct pl_tuple *t)
{
	unsigned int w = pl_family_words(t->family);

	memcpy(a, t->saddr.all, w * 4);
	memcpy(a + w, t->daddr.all, w * 4);
	return a + 2 * w;
}

static struct pl_flow *pl_flow_alloc(const struct pl_tuple *orig,
				     struct pl_eni *eni, struct pl_backend *b,
				     const struct pl_tuple *reply)
{
	u8 ipv6 = (orig->family == AF_INET6 ? BIT(PL_DIR_ORIG) : 0) |
		  (reply->family == AF_INET6 ? BIT(PL_DIR_REPLY) : 0);
	struct pl_flow *f;

	f = kmem_cache_zalloc(pl_flow_cache(ipv6), GFP_ATOMIC);
	if (!f)
		return NULL;
	f->ipv6 = ipv6;
	pl_flow_put_addrs(pl_flow_put_addrs(f->addrs, orig), reply);
	f->nodes[PL_DIR_ORIG].sport = orig->sport;
	f->nodes[PL_DIR_ORIG].dport = orig->dport;
	f->nodes[PL_DIR_REPLY].sport = reply->sport;
	f->nodes[PL_DIR_REPLY].dport = reply->dport;
	f->eni = eni;
	f->backend = b;
	f->created = (u32)jiffies;
	f->last_seen = f->created;
	f->state = PL_FLOW_STATE_SYN_SENT;
	f->life = PL_FLOW_NEW;
	return f;
}

/*
 * Whoever removes an ENI's endpoint or a backend marks it first and then
 * kills its flows, if it has any (->nflows); a flow created meanwhile is
 * counted there first, then sees the mark here and is discarded.
 */
static bool pl_flow_orphan(const struct pl_flow *f)
{
	smp_mb__after_atomic();	/* publish the flow, then look for a mark */
	return READ_ONCE(f->eni->ep->state) != PL_ENDPOINT_STATE_AVAILABLE ||
	       READ_ONCE(f->backend->dead);
}

/*
 * Undo a new flow that its creator has neither counted nor announced: it
 * lost the race for its tuple, or its endpoint or backend is going. Its
 * killers, if any, left it to its creator (pl_flow_kill()): nothing about
 * it is announced, no counter moves, its port is free again. Readers may
 * have found it already: it is freed after a grace period.
 */
static void pl_flow_discard(struct pl_flows *fl, struct pl_flow *f,
			    bool linked)
{
	WRITE_ONCE(f->life, PL_FLOW_DEAD);
	if (linked)
		pl_flow_unlink(fl, f, PL_DIR_ORIG);
	pl_flow_unlink(fl, f, PL_DIR_REPLY);
	pl_flow_free_later(fl, f);
}

/*
 * Make the flow visible: reply direction (with its port) first. If the
 * original direction is taken (another CPU created the same flow
 * meanwhile), the flow is discarded.
 */
static int pl_flow_publish(struct pl_net *pn, struct pl_flow *f, u32 hash)
{
	int err;

	if (f->flags & PL_FLOW_LEARNED)
		err = pl_flow_link(&pn->flows, f, PL_DIR_REPLY);
	else
		err = pl_flow_insert_reply(pn, f, hash, f->node);
	if (err) {
		pl_flow_free(f);
		return err;
	}
	err = pl_flow_link(&pn->flows, f, PL_DIR_ORIG);
	if (err)
		pl_flow_discard(&pn->flows, f, false);
	return err;
}

/*
 * Count a published flow in its ENI and backend, unless they are going:
 * then it is discarded, and false.
 */
static bool pl_flow_claim(struct pl_net *pn, struct pl_flow *f)
{
	atomic_inc(&f->eni->nflows);
	atomic_inc(&f->backend->nflows);
	if (!pl_flow_orphan(f))
		return true;
	atomic_dec(&f->eni->nflows);
	atomic_dec(&f->backend->nflows);
	pl_flow_discard(&pn->flows, f, true);
	return false;
}

/*
 * Born: from here on, whoever kills the flow removes it. One killed while
 * new is removed now, after its flow-add (which the caller sent).
 */
static void pl_flow_born(struct pl_net *pn, struct pl_flow *f)
{
	if (cmpxchg(&f->life, PL_FLOW_NEW, PL_FLOW_LIVE) != PL_FLOW_NEW) {
		pl_flow_remove(pn, f);
		return;
	}
	/*
	 * A RST on another CPU may have closed the flow before it was
	 * counted: then its pl_flow_close() found nothing to take out. The
	 * cmpxchg() above, fully ordered as it succeeded, pairs with the
	 * xchg() of pl_flow_close(): one of the two sees the other's store.
	 */
	if (unlikely(READ_ONCE(f->state) >= PL_FLOW_STATE_CLOSING))
		pl_flow_close(pn, f);
}

/* Count one more flow, if there is room for it. */
static bool pl_flow_room(struct pl_net *pn)
{
	int count = atomic_inc_return(&pn->flows.count);

	if (count == 1)		/* the collector rests while there is none */
		queue_delayed_work(system_power_efficient_wq, &pn->flows.gc,
				   pn->flows.gc_delay);
	return count <= READ_ONCE(pn->flows.max);
}

/* orig's hash with the namespace's seed: picks its backend and port. */
u32 pl_flow_hash(const struct pl_net *pn, const struct pl_tuple *orig)
{
	u32 key[PL_TUPLE_KEY_MAX];

	return jhash(key, pl_tuple_key(orig, key) * 4, pn->flows.seed);
}

/*
 * A new flow from orig (of pl_flow_hash() hash) to backend b, leaving from
 * reply's source address with a free port. On failure, *why is the drop
 * reason, or -EEXIST when another CPU created the same flow meanwhile.
 * Called under RCU, in the packet path.
 */
struct pl_flow *pl_flow_create(struct pl_net *pn, const struct pl_tuple *orig,
			       u32 hash, struct pl_eni *eni,
			       struct pl_backend *b,
			       const struct pl_tuple *reply, u8 node, int *why)
{
	struct pl_flow *f;
	int err;

	if (!pl_flow_room(pn)) {
		*why = PL_DROP_FLOW_LIMIT;
		goto err_count;
	}
	f = pl_flow_alloc(orig, eni, b, reply);
	if (!f) {
		*why = PL_DROP_NO_MEMORY;
		goto err_count;
	}
	f->node = node;
	err = pl_flow_publish(pn, f, hash);
	if (err) {
		*why = err == -EEXIST ? -EEXIST :
		       err == -EADDRINUSE ? PL_DROP_NO_PORT : PL_DROP_NO_MEMORY;
		goto err_count;
	}
	if (!pl_flow_claim(pn, f)) {
		*why = PL_DROP_NOT_AVAILABLE;
		goto err_count;
	}
	pl_flow_open(pn, f);
	this_cpu_inc(pn->stats->t.new_conns);
	this_cpu_inc(eni->stats->t.new_conns);
	this_cpu_inc(b->stats->new_conns);
	pl_flow_notify(pn, f, PL_CMD_FLOW_ADD_NTF);
	pl_flow_born(pn, f);
	return f;

err_count:
	atomic_dec(&pn->flows.count);
	return NULL;
}

/* Bring a flow up to date with what a peer says of it: state moves on. */
static void pl_flow_merge(struct pl_net *pn, struct pl_flow *f,
			  const struct pl_flow_learn *l)
{
	u8 state = READ_ONCE(f->state), flags, next = l->state;
	enum pl_dir dir;

	flags = READ_ONCE(f->flags) | (l->flags & PL_FLOW_SYNC_FLAGS);
	/* Each router saw one FIN: together, they saw both. */
	if ((flags & (PL_FLOW_FIN_ORIG | PL_FLOW_FIN_REPLY)) ==
	    (PL_FLOW_FIN_ORIG | PL_FLOW_FIN_REPLY))
		next = max_t(u8, next, PL_FLOW_STATE_CLOSING);
	if (next > state) {
		WRITE_ONCE(f->state, next);
		/* The full barrier of xchg() orders this after the store. */
		if (next >= PL_FLOW_STATE_CLOSING &&
		    state < PL_FLOW_STATE_CLOSING)
			pl_flow_close(pn, f);
	}
	WRITE_ONCE(f->flags, flags);
	for (dir = PL_DIR_ORIG; dir <= PL_DIR_REPLY; dir++) {
		if (after(l->seq[dir], f->nodes[dir].seq))
			f->nodes[dir].seq = l->seq[dir];
	}
	if (after(l->last_seen, READ_ONCE(f->last_seen)))
		WRITE_ONCE(f->last_seen, l->last_seen);
}

/*
 * A flow here that holds one of a learned flow's tuples gives way when it
 * came from the same node (its maker, whose latest word this is, ended it
 * and handed its tuple or port out again before this copy expired), or
 * when it is over anyway. A live flow of another node keeps its tuples.
 */
static int pl_flow_give_way(struct pl_net *pn, struct pl_flow *f,
			    const struct pl_flow_learn *l)
{
	if (f->node != l->node && !pl_flow_expired(f, jiffies) &&
	    READ_ONCE(f->state) < PL_FLOW_STATE_CLOSING)
		return -EEXIST;
	pl_flow_kill(pn, f);
	return 0;
}

/*
 * Learn a flow that a peer describes: add it, or bring the one here up to
 * date. -EEXIST when its tuples are another live flow's here (one that
 * does not give way), -ENOSPC when the table is full. Softirq, under RCU
 * (the sync socket's receive).
 */
int pl_flow_learn(struct pl_net *pn, const struct pl_flow_learn *l,
		  struct pl_eni *eni, struct pl_backend *b)
{
	struct pl_flow *f;
	enum pl_dir dir;
	int err;

	f = pl_flow_lookup(pn, &l->orig, &dir);
	if (f && !pl_flow_dead(f)) {
		if (dir == PL_DIR_ORIG &&
		    pl_link_is((unsigned long)&f->nodes[PL_DIR_REPLY] |
			       PL_DIR_REPLY, &l->reply)) {
			pl_flow_merge(pn, f, l);
			return 0;
		}
		err = pl_flow_give_way(pn, f, l);
		if (err)
			return err;
	}
	f = pl_flow_lookup(pn, &l->reply, &dir);
	if (f && !pl_flow_dead(f)) {
		err = pl_flow_give_way(pn, f, l);
		if (err)
			return err;
	}
	err = -ENOSPC;
	if (!pl_flow_room(pn))
		goto err_count;
	err = -ENOMEM;
	f = pl_flow_alloc(&l->orig, eni, b, &l->reply);
	if (!f)
		goto err_count;
	f->flags = (l->flags & PL_FLOW_SYNC_FLAGS) | PL_FLOW_LEARNED;
	f->node = l->node;
	f->state = l->state;
	f->nodes[PL_DIR_ORIG].seq = l->seq[PL_DIR_ORIG];
	f->nodes[PL_DIR_REPLY].seq = l->seq[PL_DIR_REPLY];
	f->last_seen = l->last_seen;
	f->synced = pl_sync_now();
	err = pl_flow_publish(pn, f, 0);
	if (err)
		goto err_count;
	if (!pl_flow_claim(pn, f)) {
		err = -ENOENT;
		goto err_count;
	}
	if (f->state < PL_FLOW_STATE_CLOSING)
		pl_flow_open(pn, f);
	atomic_inc(&pn->flows.learned);
	pl_flow_notify(pn, f, PL_CMD_FLOW_ADD_NTF);
	pl_flow_born(pn, f);
	return 0;

err_count:
	atomic_dec(&pn->flows.count);
	return err;
}

/*
 * Call fn on each flow not dead (new ones too: killing one leaves it to
 * its creator) from *pos on, in at most n buckets, under RCU, and move
 * *pos past them. fn may kill the flow it is given; when it returns
 * non-zero, the walk stops there, and resumes with that flow. Flows come
 * and go meanwhile: a walk that stops is not a snapshot.
 */
int pl_flows_walk(struct pl_net *pn, struct pl_flows_pos *pos, u32 n,
		  int (*fn)(struct pl_flow *f, void *arg), void *arg)
{
	struct pl_flows *fl = &pn->flows;
	u32 end, seen;
	int err = 0;

	if (!pl_buckets(fl))
		return 0;
	end = pos->bucket + min(n, fl->mask + 1 - pos->bucket);
	rcu_read_lock();
	for (; pos->bucket < end; pos->bucket++, pos->skip = 0) {
		unsigned long link = READ_ONCE(fl->buckets[pos->bucket]);

		for (seen = 0; link; link = READ_ONCE(pl_link_node(link)->next)) {
			struct pl_flow *f = pl_link_flow(link);

			if (pl_link_dir(link) != PL_DIR_ORIG ||
			    pl_flow_dead(f) || seen++ < pos->skip)
				continue;
			err = fn(f, arg);
			if (err) {
				pos->skip = seen - 1;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return err;
}

/* Has the walk at pos seen every bucket? */
bool pl_flows_walked(const struct pl_net *pn, const struct pl_flows_pos *pos)
{
	return !pl_buckets(&pn->flows) || pos->bucket > pn->flows.mask;
}

struct pl_kill_if {
	struct pl_net *pn;
	bool (*match)(const struct pl_flow *f, const void *arg);
	const void *arg;
	bool reset;
};

static int pl_flow_kill_if(struct pl_flow *f, void *arg)
{
	struct pl_kill_if *k = arg;

	if (k->match && !k->match(f, k->arg))
		return 0;
	if (k->reset)
		pl_flow_reset(k->pn, f);
	else
		pl_flow_kill(k->pn, f);
	return 0;
}

/*
 * Kill (or reset) every flow that match() picks, walking the whole table.
 * Process context; the caller holds the configuration lock.
 */
void pl_flows_kill_if(struct pl_net *pn,
		      bool (*match)(const struct pl_flow *f, const void *arg),
		      const void *arg, bool reset)
{
	struct pl_kill_if k = { pn, match, arg, reset };
	struct pl_flows_pos pos = {};

	while (!pl_flows_walked(pn, &pos)) {
		pl_flows_walk(pn, &pos, PL_GC_BATCH, pl_flow_kill_if, &k);
		cond_resched();
	}
}

static int pl_flow_kill_expired(struct pl_flow *f, void *arg)
{
	struct pl_net *pn = arg;

	if (pl_flow_expired(f, jiffies))
		pl_flow_kill(pn, f);
	return 0;
}

/*
 * The collector looks at one slice of the buckets, then waits so that a
 * pass over the table takes about PL_GC_PASS: a large table costs no more
 * often than a small one, and a flow outlives its timeout by at most
 * that. A table seven-eighths full is walked a slice every jiffy, so that
 * the room held by expired flows, half-open ones of a SYN flood above
 * all, comes back soon. It stops while the table is empty; a new flow
 * starts it again.
 */
static void pl_flows_gc(struct work_struct *work)
{
	struct pl_net *pn = container_of(to_delayed_work(work), struct pl_net,
					 flows.gc);
	struct pl_flows *fl = &pn->flows;
	u32 count, max = READ_ONCE(fl->max);

	pl_flows_walk(pn, &fl->gc_pos, fl->gc_slice, pl_flow_kill_expired, pn);
	if (pl_flows_walked(pn, &fl->gc_pos))
		fl->gc_pos = (struct pl_flows_pos){};
	count = atomic_read(&fl->count);
	if (!count)
		return;
	queue_delayed_work(system_power_efficient_wq, &fl->gc,
			   count >= max - max / 8 ? 1 : fl->gc_delay);
}

/* The collector's slice and wait, for a table of n buckets. */
static void pl_flows_gc_pace(struct pl_flows *fl, u32 n)
{
	u32 slices;

	fl->gc_slice = max_t(u32, PL_GC_BATCH, DIV_ROUND_UP(n, PL_GC_PASS));
	slices = max_t(u32, 1, n / fl->gc_slice);
	fl->gc_delay = max_t(unsigned long, 1, PL_GC_PASS / slices);
}

void pl_flows_init(struct pl_net *pn)
{
	struct pl_flows *fl = &pn->flows;
	unsigned int i;

	fl->buckets = NULL;
	atomic_set(&fl->count, 0);
	atomic_set(&fl->learned, 0);
	fl->max = PL_DEFAULT_MAX_FLOWS;
	fl->rejects = (struct pl_rejects){
		.max = PL_DEFAULT_MAX_REJECT_LOGS, .start = jiffies,
	};
	fl->seed = get_random_u32();
	fl->rnd = get_random_u32();
	fl->gc_pos = (struct pl_flows_pos){};
	pl_flows_gc_pace(fl, pl_flow_buckets);
	INIT_DELAYED_WORK(&fl->gc, pl_flows_gc);
	init_llist_head(&fl->dead);
	INIT_WORK(&fl->reap, pl_flows_reap);
	for (i = 0; i < PL_FLOW_LOCKS; i++)
		spin_lock_init(&fl->locks[i]);
}

/*
 * Allocate the buckets, before the packet hooks that use them go in. The
 * caller holds the configuration lock.
 */
int pl_flows_start(struct pl_net *pn)
{
	struct pl_flows *fl = &pn->flows;
	unsigned long *buckets;

	if (fl->buckets)
		return 0;
	/* Failing is the caller's -ENOMEM, not a warning in the log. */
	buckets = kvcalloc(pl_flow_buckets, sizeof(*buckets),
			   GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buckets)
		return -ENOMEM;
	fl->mask = pl_flow_buckets - 1;
	/* A reader that finds the buckets sees the mask. */
	smp_store_release(&fl->buckets, buckets);
	return 0;
}

/* The namespace is going away and its packet hooks are gone already. */
void pl_flows_exit(struct pl_net *pn)
{
	struct pl_flows *fl = &pn->flows;

	cancel_delayed_work_sync(&fl->gc);
	pl_flows_kill_if(pn, NULL, NULL, false);
	flush_work(&fl->reap);
	WARN_ON(atomic_read(&fl->count));
	kvfree(fl->buckets);
	fl->buckets = NULL;
}

int pl_flow_cache_init(void)
{
	unsigned int i;
	size_t size;

	if (!is_power_of_2(pl_flow_buckets) ||
	    pl_flow_buckets < PL_BUCKETS_MIN ||
	    pl_flow_buckets > PL_BUCKETS_MAX) {
		pr_err("pl: flow_buckets=%u: want a power of two from %u to %lu\n",
		       pl_flow_buckets, PL_BUCKETS_MIN, PL_BUCKETS_MAX);
		return -EINVAL;
	}
	/* An IPv4 flow: 112 bytes, and the fast path's two routes. */
	BUILD_BUG_ON(sizeof(struct pl_flow) + 4 * sizeof(__be32) > 128);
	for (i = 0; i < ARRAY_SIZE(pl_flow_caches); i++) {
		/* Each IPv6 direction: three more words per address. */
		size = sizeof(struct pl_flow) + (4 + 6 * i) * sizeof(__be32);
		pl_flow_caches[i] = kmem_cache_create(pl_flow_cache_names[i],
						      size, 0, 0, NULL);
		if (!pl_flow_caches[i]) {
			pl_flow_cache_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

void pl_flow_cache_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pl_flow_caches); i++) {
		kmem_cache_destroy(pl_flow_caches[i]);
		pl_flow_caches[i] = NULL;
	}
}
