// SPDX-License-Identifier: GPL-2.0
/*
 * Address conflict detection (RFC 5227, shortened). pl shares its subnets
 * with other hosts, so before it serves an address it makes sure nobody
 * else has it:
 *
 *   - an address of the router itself wins: pl steps aside while it is
 *     there (the inetaddr notifier tells), and serves it again after;
 *   - a neighbour entry that holds the address as reachable from another
 *     MAC means it is in use, at once;
 *   - otherwise pl sends three ARP probes a third of a second apart, on
 *     the interface that faces the address (its subnet's dev, else the one
 *     its connected route goes out of). Any ARP from another host for the
 *     address meanwhile means it is in use. After a second, pl claims it
 *     and announces it with two gratuitous ARPs, a second apart. A
 *     namespace sends at most about 2,500 of these packets a second: a
 *     configuration of 30,000 addresses is probed within a minute, and
 *     its subnets see no broadcast storm.
 *
 * An address in use is not served. One the kernel picked is given up for
 * the subnet's next free address, which is probed in turn. A host that
 * claims an address after pl did is counted, logged and shown; pl keeps
 * the address (it was first).
 *
 * The packet path and the notifier only report (under acd.lock, to a list);
 * a work item acts on the reports and the timers, under the configuration
 * lock, and announces every change on the config group.
 */

#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <net/arp.h>
#include <net/route.h>

#include "acd.h"
#include "addr.h"
#include "endpoint.h"
#include "net.h"
#include "service.h"
#include "subnet.h"

#define PL_ACD_PROBES		3
#define PL_ACD_PROBE_GAP	(HZ / 3)
#define PL_ACD_ANNOUNCES	2
#define PL_ACD_ANNOUNCE_GAP	HZ
#define PL_ACD_BATCH		(HZ / 50)
/* At most this many ARP packets every PL_ACD_PACE: about 2,500 a second. */
#define PL_ACD_BURST		256
#define PL_ACD_PACE		(HZ / 10)

static void pl_acd_count(struct pl_net *pn, struct pl_addr *a)
{
	this_cpu_inc(pn->stats->address_conflicts);
	if (a->kind == PL_ADDR_ENI)
		this_cpu_inc(container_of(a, struct pl_eni, addr)->stats->address_conflicts);
}

static void pl_acd_log(struct pl_addr *a, const char *what, const u8 *mac)
{
	const char *kind = "endpoint", *owner;

	if (!net_ratelimit())
		return;
	if (a->kind == PL_ADDR_ENI) {
		owner = container_of(a, struct pl_eni, addr)->ep->obj.key.name;
	} else {
		kind = "service";
		owner = container_of(a, struct pl_source, addr)->svc->obj.key.name;
	}
	if (mac)
		pr_info("pl: %pI4 (%s \"%s\") %s %pM\n", &a->addr, kind, owner,
			what, mac);
	else
		pr_info("pl: %pI4 (%s \"%s\") %s\n", &a->addr, kind, owner,
			what);
}

/* The interface of a connected route to addr, or 0. */
static int pl_acd_onlink(struct net *net, __be32 addr)
{
	struct flowi4 fl4 = { .daddr = addr };
	struct rtable *rt;
	int ifindex = 0;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return 0;
	if (rt->rt_type == RTN_UNICAST && !rt->rt_gw_family &&
	    !(rt->dst.dev->flags & (IFF_NOARP | IFF_LOOPBACK)))
		ifindex = rt->dst.dev->ifindex;
	ip_rt_put(rt);
	return ifindex;
}

/* Where the address is probed and announced. */
static int pl_acd_ifindex(struct pl_net *pn, const struct pl_addr *a)
{
	const struct pl_eni *eni;

	if (a->kind == PL_ADDR_ENI) {
		eni = container_of(a, struct pl_eni, addr);
		if (eni->subnet->ifindex)
			return eni->subnet->ifindex;
	}
	return pl_acd_onlink(pn->net, a->addr);
}

/* Does the neighbour table hold addr as reachable from another MAC? */
static bool pl_acd_neigh(struct net *net, const struct pl_addr *a, u8 *mac)
{
	struct net_device *dev;
	struct neighbour *n;
	bool other = false;
	u8 state;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, a->ifindex);
	n = dev ? neigh_lookup(&arp_tbl, &a->addr, dev) : NULL;
	if (n) {
		read_lock_bh(&n->lock);
		state = n->nud_state;
		ether_addr_copy(mac, n->ha);
		read_unlock_bh(&n->lock);
		neigh_release(n);
		other = (state & (NUD_REACHABLE | NUD_PERMANENT)) &&
			!ether_addr_equal(mac, dev->dev_addr);
	}
	rcu_read_unlock();
	return other;
}

/* A probe (sender 0.0.0.0) or an announcement (sender = target). */
static void pl_acd_send(struct pl_net *pn, struct pl_addr *a, bool announce)
{
	struct net_device *dev;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(pn->net, a->ifindex);
	if (dev && (dev->flags & IFF_UP))
		arp_send(ARPOP_REQUEST, ETH_P_ARP, a->addr, dev,
			 announce ? a->addr : 0, NULL, dev->dev_addr, NULL);
	rcu_read_unlock();
}

static void pl_acd_wake(struct pl_net *pn, unsigned long delay)
{
	queue_delayed_work(system_wq, &pn->acd.work, delay);
}

/* The address is pl's: serve it, and announce it. */
static void pl_acd_claim(struct pl_net *pn, struct pl_addr *a)
{
	WRITE_ONCE(a->state, PL_ADDR_STATE_AVAILABLE);
	WRITE_ONCE(a->conflict, PL_ADDR_CONFLICT_NONE);
	WRITE_ONCE(a->serve, 1);
	a->step = 0;
	if (!a->ifindex) {
		list_del_init(&a->timed);
		return;
	}
	pl_acd_send(pn, a, true);
	a->step = 1;
	a->due = jiffies + PL_ACD_ANNOUNCE_GAP;
	list_move_tail(&a->timed, &pn->acd.timed);
	pl_acd_wake(pn, PL_ACD_ANNOUNCE_GAP);
}

static void pl_acd_conflict(struct pl_net *pn, struct pl_addr *a, u8 why,
			    const u8 *mac, int ifindex)
{
	WRITE_ONCE(a->state, PL_ADDR_STATE_CONFLICT);
	WRITE_ONCE(a->conflict, why);
	if (mac)
		ether_addr_copy(a->mac, mac);
	a->conflict_ifindex = ifindex;
	WRITE_ONCE(a->serve, why == PL_ADDR_CONFLICT_CLAIMED);
	if (why != PL_ADDR_CONFLICT_CLAIMED)
		list_del_init(&a->timed);
	pl_acd_count(pn, a);
}

/*
 * Move a picked ENI IP that is in use to the subnet's next free address.
 * false when there is none (or no memory), the address left as it was.
 */
static bool pl_acd_move(struct pl_net *pn, struct pl_addr *a)
{
	struct pl_eni *eni = container_of(a, struct pl_eni, addr);
	__be32 old = a->addr, ip;

	ip = pl_subnet_pick_ip(pn, eni->subnet);	/* never old: taken */
	if (!ip)
		return false;
	pl_acd_log(a, "is in use: moving on to the next free address", NULL);
	pl_addr_remove(&pn->addrs, a);
	eni->ep->digest = 0;
	WRITE_ONCE(a->addr, ip);
	if (!pl_addr_insert(&pn->addrs, a))
		return true;
	WRITE_ONCE(a->addr, old);
	if (pl_addr_insert(&pn->addrs, a))
		pr_warn_ratelimited("pl: %pI4 lost its table entry\n", &old);
	return false;
}

/* Find out whether a (new, moved or freed) address may be served. */
static void pl_acd_begin(struct pl_net *pn, struct pl_addr *a)
{
	u8 mac[ETH_ALEN];
	int ifindex;

	list_del_init(&a->timed);
	if (pl_addr_local(pn->net, a->addr, &ifindex)) {
		pl_acd_conflict(pn, a, PL_ADDR_CONFLICT_LOCAL, NULL, ifindex);
		return;
	}
	for (;;) {
		a->ifindex = pl_acd_ifindex(pn, a);
		if (!a->ifindex || !pl_acd_neigh(pn->net, a, mac))
			break;
		if (!a->picked || !pl_acd_move(pn, a)) {
			pl_acd_log(a, "is in use by", mac);
			pl_acd_conflict(pn, a, PL_ADDR_CONFLICT_IN_USE, mac, 0);
			return;
		}
		pl_acd_count(pn, a);
	}
	if (!a->ifindex || !a->probe) {
		pl_acd_claim(pn, a);
		return;
	}
	WRITE_ONCE(a->state, PL_ADDR_STATE_PROBING);
	WRITE_ONCE(a->conflict, PL_ADDR_CONFLICT_NONE);
	WRITE_ONCE(a->serve, 0);
	a->step = 0;
	a->due = jiffies;
	list_add_tail(&a->timed, &pn->acd.timed);
	/* A little later: a batch of adds then costs one pass. */
	mod_delayed_work(system_wq, &pn->acd.work, PL_ACD_BATCH);
}

/* A new address, in the table already. Called with the config lock. */
void pl_acd_start(struct pl_net *pn, struct pl_addr *a, bool probe,
		  bool picked)
{
	lockdep_assert_held(&pn->lock);
	list_del_init(&a->timed);
	spin_lock_bh(&pn->acd.lock);	/* the packet path may see a already */
	list_del_init(&a->report);
	a->reported = 0;
	spin_unlock_bh(&pn->acd.lock);
	a->probe = probe;
	a->picked = picked;
	pl_acd_begin(pn, a);
}

/* The address leaves the table: no more reports or timers. */
void pl_acd_forget(struct pl_net *pn, struct pl_addr *a)
{
	lockdep_assert_held(&pn->lock);
	list_del_init(&a->timed);
	spin_lock_bh(&pn->acd.lock);
	list_del_init(&a->report);
	a->gone = 1;
	spin_unlock_bh(&pn->acd.lock);
}

/* Queue a report about a; the caller holds rcu_read_lock(). */
static void pl_acd_report(struct pl_net *pn, struct pl_addr *a, u8 what,
			  const u8 *mac)
{
	struct pl_acd *acd = &pn->acd;
	bool wake = false;

	spin_lock_bh(&acd->lock);
	if (!a->gone && !acd->closed) {
		a->reported |= what;
		if (mac)
			ether_addr_copy(a->report_mac, mac);
		if (list_empty(&a->report)) {
			list_add_tail(&a->report, &acd->reports);
			wake = true;
		}
	}
	spin_unlock_bh(&acd->lock);
	if (wake)
		mod_delayed_work(system_wq, &acd->work, 0);
}

/* The packet path saw another host (mac) use a's address. */
void pl_acd_seen(struct pl_net *pn, struct pl_addr *a, const u8 *mac)
{
	u8 state = READ_ONCE(a->state);

	if (state == PL_ADDR_STATE_CONFLICT &&
	    READ_ONCE(a->conflict) == PL_ADDR_CONFLICT_LOCAL)
		return;		/* the router's own: not pl's business */
	if (state != PL_ADDR_STATE_PROBING)
		pl_acd_count(pn, a);	/* each claim counts */
	pl_acd_report(pn, a, PL_ACD_SEEN, mac);
}

/* Is mac the router's own, on the address's interface? */
static bool pl_acd_own_mac(struct pl_net *pn, const struct pl_addr *a,
			   const u8 *mac)
{
	struct net_device *dev;
	bool own;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(pn->net, a->ifindex);
	own = dev && ether_addr_equal(mac, dev->dev_addr);
	rcu_read_unlock();
	return own;
}

/* Another host uses the address. */
static void pl_acd_other(struct pl_net *pn, struct pl_addr *a, const u8 *mac)
{
	if (pl_acd_own_mac(pn, a, mac))
		return;		/* the router's own ARP, heard elsewhere */
	switch (a->state) {
	case PL_ADDR_STATE_PROBING:
		if (a->picked && pl_acd_move(pn, a)) {
			pl_acd_count(pn, a);
			pl_acd_begin(pn, a);
			return;
		}
		pl_acd_log(a, "is in use by", mac);
		pl_acd_conflict(pn, a, PL_ADDR_CONFLICT_IN_USE, mac, 0);
		return;
	case PL_ADDR_STATE_AVAILABLE:
		pl_acd_log(a, "is claimed by", mac);
		WRITE_ONCE(a->state, PL_ADDR_STATE_CONFLICT);
		WRITE_ONCE(a->conflict, PL_ADDR_CONFLICT_CLAIMED);
		ether_addr_copy(a->mac, mac);
		return;
	default:
		if (a->conflict == PL_ADDR_CONFLICT_CLAIMED) {
			pl_acd_log(a, "is claimed by", mac);
			ether_addr_copy(a->mac, mac);
		}
	}
}

/* A local address came or went: step aside, or serve again. */
static void pl_acd_local_changed(struct pl_net *pn, struct pl_addr *a)
{
	bool was = a->state == PL_ADDR_STATE_CONFLICT &&
		   a->conflict == PL_ADDR_CONFLICT_LOCAL;
	int ifindex;

	if (pl_addr_local(pn->net, a->addr, &ifindex)) {
		if (!was) {
			pl_acd_log(a, "is an address of this router now: not serving it",
				   NULL);
			pl_acd_conflict(pn, a, PL_ADDR_CONFLICT_LOCAL, NULL,
					ifindex);
		}
	} else if (was) {
		pl_acd_log(a, "is no address of this router any more: serving it again",
			   NULL);
		a->ifindex = pl_acd_ifindex(pn, a);
		pl_acd_claim(pn, a);
	}
}

static void pl_acd_step(struct pl_net *pn, struct pl_addr *a)
{
	if (a->state != PL_ADDR_STATE_PROBING) {
		pl_acd_send(pn, a, true);
		if (++a->step >= PL_ACD_ANNOUNCES)
			list_del_init(&a->timed);
		else
			a->due = jiffies + PL_ACD_ANNOUNCE_GAP;
		return;
	}
	if (a->step == PL_ACD_PROBES) {
		pl_acd_claim(pn, a);
		return;
	}
	pl_acd_send(pn, a, false);
	a->step++;
	a->due = jiffies + PL_ACD_PROBE_GAP;
}

struct pl_acd_seen_as {
	__be32 addr;
	u8 state, conflict;
};

static void pl_acd_note(const struct pl_addr *a, struct pl_acd_seen_as *s)
{
	s->addr = a->addr;
	s->state = a->state;
	s->conflict = a->conflict;
}

/* Announce a change of the address's owner on the config group. */
static void pl_acd_changed(struct pl_net *pn, const struct pl_addr *a,
			   const struct pl_acd_seen_as *was)
{
	if (was->addr == a->addr && was->state == a->state &&
	    was->conflict == a->conflict)
		return;
	if (was->addr != a->addr)	/* a picked address moved */
		pl_net_changed(pn);
	else
		pl_net_state_changed(pn);
	if (a->kind == PL_ADDR_ENI)
		pl_endpoint_notify(pn, container_of(a, struct pl_eni, addr)->ep);
	else
		pl_service_notify(pn, container_of(a, struct pl_source, addr)->svc);
}

static void pl_acd_reports(struct pl_net *pn)
{
	struct pl_acd *acd = &pn->acd;
	struct pl_acd_seen_as was;
	struct pl_addr *a, *tmp;
	LIST_HEAD(reports);
	u8 what, mac[ETH_ALEN];

	spin_lock_bh(&acd->lock);
	list_splice_init(&acd->reports, &reports);
	spin_unlock_bh(&acd->lock);
	list_for_each_entry_safe(a, tmp, &reports, report) {
		spin_lock_bh(&acd->lock);
		list_del_init(&a->report);
		what = a->reported;
		a->reported = 0;
		ether_addr_copy(mac, a->report_mac);
		spin_unlock_bh(&acd->lock);
		pl_acd_note(a, &was);
		if (what & PL_ACD_LOCAL)
			pl_acd_local_changed(pn, a);
		if ((what & PL_ACD_SEEN) &&
		    !(a->state == PL_ADDR_STATE_CONFLICT &&
		      a->conflict == PL_ADDR_CONFLICT_LOCAL))
			pl_acd_other(pn, a, mac);
		pl_acd_changed(pn, a, &was);
	}
}

static void pl_acd_work(struct work_struct *work)
{
	struct pl_acd *acd = container_of(to_delayed_work(work),
					  struct pl_acd, work);
	struct pl_net *pn = container_of(acd, struct pl_net, acd);
	unsigned int budget = PL_ACD_BURST;
	unsigned long next = jiffies + HZ;
	struct pl_acd_seen_as was;
	struct pl_addr *a, *tmp;

	mutex_lock(&pn->lock);
	pl_acd_reports(pn);
	list_for_each_entry_safe(a, tmp, &acd->timed, timed) {
		if (time_before_eq(a->due, jiffies)) {
			if (!budget--) {
				/* The rest wait: a subnet is no place for floods. */
				next = jiffies + PL_ACD_PACE;
				break;
			}
			pl_acd_note(a, &was);
			pl_acd_step(pn, a);
			pl_acd_changed(pn, a, &was);
		}
		/* a may have moved to the list's tail: it is seen again. */
		if (!list_empty(&a->timed) && time_before(a->due, next))
			next = a->due;
		cond_resched();
	}
	if (!list_empty(&acd->timed))
		pl_acd_wake(pn, max_t(long, (long)(next - jiffies), 1));
	mutex_unlock(&pn->lock);
}

void pl_acd_init(struct pl_net *pn)
{
	INIT_LIST_HEAD(&pn->acd.timed);
	INIT_LIST_HEAD(&pn->acd.reports);
	spin_lock_init(&pn->acd.lock);
	INIT_DELAYED_WORK(&pn->acd.work, pl_acd_work);
}

/* Before the objects go: nothing is reported or stepped after this. */
void pl_acd_exit(struct pl_net *pn)
{
	spin_lock_bh(&pn->acd.lock);
	pn->acd.closed = true;
	spin_unlock_bh(&pn->acd.lock);
	cancel_delayed_work_sync(&pn->acd.work);
}

static int pl_acd_inetaddr(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct pl_net *pn = pl_net(dev_net(ifa->ifa_dev->dev));
	__be32 addrs[] = { ifa->ifa_local, ifa->ifa_broadcast };
	struct pl_addr *a;
	unsigned int i;

	if ((event != NETDEV_UP && event != NETDEV_DOWN) ||
	    !atomic_read(&pn->addrs.nelems) || READ_ONCE(pn->acd.closed))
		return NOTIFY_DONE;
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		a = addrs[i] ? pl_addr_lookup_rcu(&pn->addrs, addrs[i]) : NULL;
		if (a)
			pl_acd_report(pn, a, PL_ACD_LOCAL, NULL);
	}
	rcu_read_unlock();
	return NOTIFY_DONE;
}

/* After the FIB's own notifier, so that the work sees the new routes. */
static struct notifier_block pl_acd_inetaddr_nb = {
	.notifier_call = pl_acd_inetaddr,
	.priority = -1,
};

int pl_acd_notifier_init(void)
{
	return register_inetaddr_notifier(&pl_acd_inetaddr_nb);
}

void pl_acd_notifier_exit(void)
{
	unregister_inetaddr_notifier(&pl_acd_inetaddr_nb);
}
