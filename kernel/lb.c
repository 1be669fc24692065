// SPDX-License-Identifier: GPL-2.0
/*
 * Load-balancing snapshots: built under the configuration lock, published
 * with rcu_assign_pointer(), read by the packet path under RCU.
 */

#include <linux/jhash.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "az.h"
#include "health.h"
#include "backend.h"
#include "lb.h"
#include "maglev.h"
#include "net.h"
#include "service.h"

#define PL_LB_ALL	PL_MAX_AZS	/* the table of every zone */
#define PL_LB_TABLES	(PL_MAX_AZS + 1)
#define PL_LB_PROBES	64		/* slots tried past an unusable one */
#define PL_LB_QUIET	(HZ / 50)	/* rebuild once changes pause this long */
#define PL_LB_LATEST	(HZ / 2)	/* ... or this long after the first */

struct pl_lb {
	struct rcu_head rcu;
	u32 size[PL_LB_TABLES];		/* 0: no usable backend there */
	bool fail_open;			/* none is healthy: all take flows */
	u64 digest;			/* of the tables (pl_lb_hash()) */
	u16 *table[PL_LB_TABLES];
	u16 n;
	struct pl_backend *backends[] __counted_by(n);
};

bool pl_backend_usable(const struct pl_backend *b)
{
	return !READ_ONCE(b->dead) &&
	       READ_ONCE(b->state) == PL_BACKEND_STATE_ACTIVE &&
	       READ_ONCE(b->weight) &&
	       READ_ONCE(b->az->state) == PL_AZ_STATE_UP;
}

static struct pl_backend *pl_lb_pick_table(const struct pl_service *svc,
					   const struct pl_lb *lb,
					   unsigned int t, u32 hash)
{
	u32 m = lb->size[t], slot, i;
	const u16 *table = lb->table[t];

	if (!m)
		return NULL;
	slot = hash % m;
	for (i = 0; i < PL_LB_PROBES && i < m; i++) {
		struct pl_backend *b = lb->backends[table[slot]];

		if (pl_backend_usable(b) &&
		    (lb->fail_open || pl_backend_fit(svc, b)))
			return b;
		if (++slot == m)
			slot = 0;
	}
	return NULL;
}

/*
 * The backend for a new flow: from the ENI's zone unless the service
 * spreads across zones, else (or when that zone has none) from any zone.
 * Called under RCU.
 */
struct pl_backend *pl_lb_pick(struct pl_service *svc, u8 az, u32 hash,
			      bool *fallback)
{
	const struct pl_lb *lb = rcu_dereference(svc->lb);
	struct pl_backend *b;

	*fallback = false;
	if (!lb)
		return NULL;
	if (!READ_ONCE(svc->cross_zone)) {
		b = pl_lb_pick_table(svc, lb, az, hash);
		if (b)
			return b;
		*fallback = true;
	}
	return pl_lb_pick_table(svc, lb, PL_LB_ALL, hash);
}

/*
 * Usable backends (that pass their health checks, unless fail_open), and
 * how many there are in each zone.
 */
static u16 pl_lb_collect(struct pl_service *svc, struct pl_backend **out,
			 u32 *per_az, bool fail_open)
{
	struct pl_backend *b;
	u16 n = 0;

	list_for_each_entry(b, &svc->backends, list) {
		if (!pl_backend_usable(b) ||
		    (!fail_open && !pl_backend_fit(svc, b)))
			continue;
		if (out)
			out[n] = b;
		if (per_az)
			per_az[b->az->index]++;
		if (++n == PL_MAX_SERVICE_BACKENDS)
			break;
	}
	return n;
}

static void pl_lb_fill(struct pl_net *pn, struct pl_lb *lb, unsigned int t,
		       struct pl_maglev_perm *perms, u16 *map)
{
	u32 m = lb->size[t], seed = pn->flows.seed, i;
	u16 n = 0;

	for (i = 0; i < lb->n; i++) {
		struct pl_backend *b = lb->backends[i];

		if (t != PL_LB_ALL && b->az->index != t)
			continue;
		pl_maglev_perm(&perms[n], jhash_1word((__force u32)b->addr, seed),
			       jhash_1word((__force u32)b->addr, ~seed), m,
			       b->weight);
		map[n++] = i;
	}
	pl_maglev_fill(lb->table[t], m, perms, n);
	for (i = 0; i < m; i++)
		lb->table[t][i] = map[lb->table[t][i]];
}

static struct pl_lb *pl_lb_alloc(struct pl_service *svc, u16 n,
				 const u32 *per_az)
{
	size_t size = struct_size_t(struct pl_lb, backends, n);
	struct pl_lb *lb;
	unsigned int t;
	u16 *entries;

	for (t = 0; t < PL_LB_TABLES; t++) {
		u32 count = t == PL_LB_ALL ? n : per_az[t];

		if (count)
			size += pl_maglev_size(count) * sizeof(u16);
	}
	lb = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!lb)
		return NULL;
	lb->n = n;
	entries = (u16 *)&lb->backends[n];
	for (t = 0; t < PL_LB_TABLES; t++) {
		u32 count = t == PL_LB_ALL ? n : per_az[t];

		if (!count)
			continue;
		lb->size[t] = pl_maglev_size(count);
		lb->table[t] = entries;
		entries += lb->size[t];
	}
	return lb;
}

static int pl_lb_cmp(const void *a, const void *b)
{
	const struct pl_backend *x = *(struct pl_backend * const *)a;
	const struct pl_backend *y = *(struct pl_backend * const *)b;
	u32 p = ntohl(x->addr), q = ntohl(y->addr);

	return p < q ? -1 : p > q;
}

/*
 * A hash of what every table's slots hold (FNV-1a over the backends'
 * addresses): routers that hold the same tables show the same digest.
 */
static u64 pl_lb_hash(const struct pl_lb *lb)
{
	u64 h = 0xcbf29ce484222325ULL;
	unsigned int t;
	u32 i;

	for (t = 0; t < PL_LB_TABLES; t++) {
		for (i = 0; i < lb->size[t]; i++) {
			h ^= (u64)t << 32 |
			     ntohl(lb->backends[lb->table[t][i]]->addr);
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}

/* The digest of the service's tables; 0 without any. Under the lock. */
u64 pl_lb_digest(struct pl_net *pn, const struct pl_service *svc)
{
	const struct pl_lb *lb;

	lb = rcu_dereference_protected(svc->lb, lockdep_is_held(&pn->lock));
	return lb ? lb->digest : 0;
}

static struct pl_lb *pl_lb_build(struct pl_net *pn, struct pl_service *svc)
{
	u32 per_az[PL_MAX_AZS] = {};
	struct pl_maglev_perm *perms;
	bool fail_open = false;
	struct pl_lb *lb;
	unsigned int t;
	u16 n, *map;

	n = pl_lb_collect(svc, NULL, per_az, false);
	if (!n && svc->health.protocol != PL_HEALTH_PROTOCOL_NONE) {
		fail_open = true;	/* as a Network Load Balancer does */
		n = pl_lb_collect(svc, NULL, per_az, true);
	}
	lb = pl_lb_alloc(svc, n, per_az);
	if (!lb)
		return NULL;
	lb->fail_open = fail_open;
	pl_lb_collect(svc, lb->backends, NULL, fail_open);
	perms = kvmalloc_array(n ?: 1, sizeof(*perms) + sizeof(*map),
			       GFP_KERNEL);
	if (!perms) {
		kvfree(lb);
		return NULL;
	}
	map = (u16 *)&perms[n ?: 1];
	/* The same backends fill the same tables, whatever their order. */
	sort(lb->backends, n, sizeof(*lb->backends), pl_lb_cmp, NULL);
	for (t = 0; t < PL_LB_TABLES; t++) {
		if (lb->size[t])
			pl_lb_fill(pn, lb, t, perms, map);
	}
	kvfree(perms);
	lb->digest = pl_lb_hash(lb);
	return lb;
}

static void pl_backend_free_rcu(struct rcu_head *head)
{
	struct pl_backend *b = container_of(head, struct pl_backend, rcu);

	pl_traffic_free(b->stats);
	kfree(b);
}

/* Backends removed from the service, freed once no snapshot holds them. */
static void pl_lb_free_dead(struct pl_service *svc)
{
	struct pl_backend *b, *tmp;

	list_for_each_entry_safe(b, tmp, &svc->dead_backends, list) {
		list_del(&b->list);
		call_rcu(&b->rcu, pl_backend_free_rcu);
	}
}

/* Publish a service's new snapshot, built by pl_lb_build(). */
static void pl_lb_publish(struct pl_net *pn, struct pl_service *svc,
			  struct pl_lb *new)
{
	struct pl_lb *old;

	old = rcu_replace_pointer(svc->lb, new, lockdep_is_held(&pn->lock));
	if (old)
		kvfree_rcu(old, rcu);
	pl_lb_free_dead(svc);
	list_del_init(&svc->lb_dirty);
}

static void pl_lb_sync_all(struct pl_net *pn, bool may_unlock)
{
	struct pl_service *svc;
	struct pl_lb *new;

	lockdep_assert_held(&pn->lock);
	while ((svc = list_first_entry_or_null(&pn->lb_dirty,
					       struct pl_service, lb_dirty))) {
		new = pl_lb_build(pn, svc);
		if (!new) {
			/* Keep the old snapshot; try again a little later. */
			queue_delayed_work(system_unbound_wq, &pn->lb_work, HZ);
			return;
		}
		pl_lb_publish(pn, svc, new);
		if (!need_resched())
			continue;
		if (may_unlock)
			mutex_unlock(&pn->lock);
		cond_resched();
		if (may_unlock)
			mutex_lock(&pn->lock);
	}
}

/*
 * Rebuild every service marked dirty. The caller holds the lock, which this
 * may drop and take again: it must not hold pointers to objects across it.
 */
void pl_lb_sync(struct pl_net *pn)
{
	pl_lb_sync_all(pn, true);
}

/*
 * A commit's rebuilds, shared out between its caller and helpers on the
 * other CPUs: the caller holds the lock for them all, so nothing they
 * read changes until the last is done. Each takes the next service left.
 */
struct pl_lb_batch {
	struct pl_net *pn;
	struct mem_cgroup *memcg;	/* the caller's: the helpers charge it */
	unsigned int n;
	atomic_t next;
	struct pl_service **svc;
	struct pl_lb **lb;
};

struct pl_lb_helper {
	struct work_struct work;
	struct pl_lb_batch *batch;
};

static void pl_lb_build_batch(struct pl_lb_batch *b)
{
	unsigned int i;

	while ((i = atomic_inc_return(&b->next) - 1) < b->n) {
		b->lb[i] = pl_lb_build(b->pn, b->svc[i]);
		cond_resched();
	}
}

static void pl_lb_helper_work(struct work_struct *work)
{
	struct pl_lb_batch *b = container_of(work, struct pl_lb_helper,
					     work)->batch;
	struct mem_cgroup *old = set_active_memcg(b->memcg);

	pl_lb_build_batch(b);
	set_active_memcg(old);
}

/* Help from up to this many other CPUs; below this many services, none. */
#define PL_LB_HELPERS	7
#define PL_LB_SHARED	64

static void pl_lb_build_shared(struct pl_lb_batch *b)
{
	unsigned int i, n = min(num_online_cpus() - 1, PL_LB_HELPERS);
	struct pl_lb_helper *h;

	h = n ? kcalloc(n, sizeof(*h), GFP_KERNEL) : NULL;
	if (h)
		b->memcg = get_mem_cgroup_from_mm(current->mm);
	for (i = 0; h && i < n; i++) {
		INIT_WORK(&h[i].work, pl_lb_helper_work);
		h[i].batch = b;
		queue_work(system_unbound_wq, &h[i].work);
	}
	pl_lb_build_batch(b);
	for (i = 0; h && i < n; i++)
		flush_work(&h[i].work);
	if (h)
		mem_cgroup_put(b->memcg);
	kfree(h);
}

/*
 * The same, keeping the lock: for a transaction's commit, which holds new
 * flows off until it is done, so its many rebuilds are shared out.
 */
void pl_lb_sync_now(struct pl_net *pn)
{
	struct pl_lb_batch b = { .pn = pn };
	struct pl_service *svc;
	unsigned int i = 0;

	lockdep_assert_held(&pn->lock);
	list_for_each_entry(svc, &pn->lb_dirty, lb_dirty)
		b.n++;
	if (b.n >= PL_LB_SHARED && num_online_cpus() > 1) {
		b.svc = kvmalloc_array(b.n, sizeof(*b.svc) + sizeof(*b.lb),
				       GFP_KERNEL);
	}
	if (b.svc) {
		b.lb = (struct pl_lb **)&b.svc[b.n];
		list_for_each_entry(svc, &pn->lb_dirty, lb_dirty)
			b.svc[i++] = svc;
		pl_lb_build_shared(&b);
		/* A service whose build failed stays dirty, for below. */
		for (i = 0; i < b.n; i++) {
			if (b.lb[i])
				pl_lb_publish(pn, b.svc[i], b.lb[i]);
		}
		kvfree(b.svc);
	}
	pl_lb_sync_all(pn, false);
}

/* How long the rebuild should still wait for changes to pause; 0: none. */
static unsigned long pl_lb_wait(struct pl_net *pn, unsigned long now)
{
	unsigned long quiet = pn->lb_last + PL_LB_QUIET;

	if (!time_before(now, quiet) || !time_before(now, pn->lb_deadline))
		return 0;
	return min(quiet - now, pn->lb_deadline - now);
}

static void pl_lb_work(struct work_struct *work)
{
	struct pl_net *pn = container_of(to_delayed_work(work), struct pl_net,
					 lb_work);
	unsigned long wait;

	mutex_lock(&pn->lock);
	wait = list_empty(&pn->lb_dirty) ? 0 : pl_lb_wait(pn, jiffies);
	if (wait)	/* changed since this was queued: not quiet yet */
		queue_delayed_work(system_unbound_wq, &pn->lb_work, wait);
	else
		pl_lb_sync(pn);
	mutex_unlock(&pn->lock);
}

/*
 * The service's backends changed: rebuild its snapshot soon. A burst of
 * changes (a batch adding thousands of backends) costs one rebuild: it
 * waits until changes pause for PL_LB_QUIET, but no longer than
 * PL_LB_LATEST after the first change it covers. A change only notes its
 * time; the work, when it runs early, queues itself again (re-arming its
 * timer for every change costs a batch more than the rebuild does).
 */
void pl_lb_changed(struct pl_net *pn, struct pl_service *svc)
{
	unsigned long now = jiffies;

	lockdep_assert_held(&pn->lock);
	if (list_empty(&pn->lb_dirty))
		pn->lb_deadline = now + PL_LB_LATEST;
	if (list_empty(&svc->lb_dirty))
		list_add_tail(&svc->lb_dirty, &pn->lb_dirty);
	pn->lb_last = now;
	queue_delayed_work(system_unbound_wq, &pn->lb_work,
			   pl_lb_wait(pn, now));
}

/* The service is being deleted, its backends are dead already. */
void pl_lb_service_gone(struct pl_net *pn, struct pl_service *svc)
{
	struct pl_lb *old;

	list_del_init(&svc->lb_dirty);
	old = rcu_replace_pointer(svc->lb, NULL, lockdep_is_held(&pn->lock));
	if (old)
		kvfree_rcu(old, rcu);
	pl_lb_free_dead(svc);
}

void pl_lb_init(struct pl_net *pn)
{
	INIT_LIST_HEAD(&pn->lb_dirty);
	INIT_DELAYED_WORK(&pn->lb_work, pl_lb_work);
}

void pl_lb_exit(struct pl_net *pn)
{
	cancel_delayed_work_sync(&pn->lb_work);
}
