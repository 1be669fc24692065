// SPDX-License-Identifier: GPL-2.0
/*
 * Flow-state sync, in the kernel, next to the flow table, as IPVS keeps
 * its sync daemon: the packet path queues a record of each new flow and
 * each change of state, a tasklet sends them as soon as a message is full
 * or half a millisecond after the first (pl_sync_send_flow()), and each
 * peer learns them from
 * its UDP socket's receive callback, in softirq, with no trip through
 * user space. A packet that overtakes its flow's record (a SYN-ACK that
 * crossed another router) waits for it there (pl_sync_hold()). Messages
 * are described in sync-wire.h.
 */

#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/siphash.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "addr.h"
#include "announce.h"
#include "backend.h"
#include "compat.h"
#include "digest.h"
#include "endpoint.h"
#include "lb.h"
#include "netlink.h"
#include "service.h"
#include "stats.h"
#include "sync.h"
#include "sync-wire.h"

#define PL_SYNC_BODY_MAX	(PL_SYNC_MSG_MAX - sizeof(struct pl_sync_hdr) - \
				 PL_SYNC_MAC_LEN)
#define PL_SYNC_BULK_PACE	32	/* messages between breathers */
#define PL_SYNC_IDLE_MAX	(24 * 3600 * 1000)	/* ms, a sanity bound */

/* The MAC of the len bytes at msg (sync-wire.h). */
static u64 pl_sync_mac(const struct pl_sync *s, const void *msg, size_t len)
{
	return siphash(msg, len, &s->mac_key);
}

/* Take a fleet's key: its MAC key, and the seed of its hashes. */
void pl_sync_set_key(struct pl_sync *s, const u8 *key)
{
	static const char label[] = "pl sync mac";
	u8 k[16];

	memcpy(s->key, key, PL_SYNC_KEY_LEN);
	blake2s(k, label, key, sizeof(k), sizeof(label) - 1, PL_SYNC_KEY_LEN);
	s->mac_key.key[0] = get_unaligned_le64(k);
	s->mac_key.key[1] = get_unaligned_le64(k + 8);
	memzero_explicit(k, sizeof(k));
	pl_sync_seed(s->pn, s->key);
}

/* The seed of the hashes that pick backends and ports, from the key. */
void pl_sync_seed(struct pl_net *pn, const u8 *key)
{
	static const char label[] = "pl: flow seed";
	struct pl_service *svc;
	struct pl_obj *obj;
	__le32 seed;
	u32 id = 0;

	blake2s((u8 *)&seed, label, key, sizeof(seed), sizeof(label) - 1,
		PL_SYNC_KEY_LEN);
	if (pn->flows.seed == le32_to_cpu(seed))
		return;
	WRITE_ONCE(pn->flows.seed, le32_to_cpu(seed));
	while ((obj = pl_table_next(&pn->services, &id))) {
		svc = container_of(obj, struct pl_service, obj);
		pl_lb_changed(pn, svc);
		id++;
	}
}

static void pl_sync_ip_hdr(struct sk_buff *skb, __be32 saddr, __be32 daddr,
			   const struct rtable *rt)
{
	struct iphdr *iph = skb_push(skb, sizeof(*iph));

	skb_reset_network_header(skb);
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->tot_len = htons(skb->len);
	ip_send_check(iph);
}

static void pl_sync_tuple_get(struct pl_tuple *t,
			      const struct pl_sync_tuple4 *w)
{
	*t = (struct pl_tuple){
		.saddr.ip = w->saddr, .daddr.ip = w->daddr,
		.sport = w->sport, .dport = w->dport, .family = AF_INET,
	};
}

/*
 * Remember which flows message seq carried, so that their records can go
 * again if the peer misses it (pl_sync_repair()). Under p->tx_lock.
 */
static void pl_sync_note(struct pl_sync_peer *p, u64 seq, u8 type,
			 const u8 *body, u32 len)
{
	struct pl_sync_sent *sent = &p->sent[seq % PL_SYNC_WINDOW];
	const struct pl_sync_flow4 *r;
	u32 off = 0;

	sent->seq = seq;
	sent->type = type;
	sent->n = 0;
	if (type == PL_SYNC_REPAIR)
		off = sizeof(struct pl_sync_repair);
	else if (type != PL_SYNC_FLOWS)
		return;
	while (off + sizeof(struct pl_sync_rec) <= len &&
	       sent->n < PL_SYNC_RECS) {
		r = (const void *)(body + off);
		if (r->rec.len < sizeof(struct pl_sync_rec))
			break;
		if (r->rec.kind == PL_SYNC_REC_FLOW &&
		    r->rec.family == PL_SYNC_FAMILY_IPV4 &&
		    r->rec.len >= sizeof(*r) && off + sizeof(*r) <= len)
			pl_sync_tuple_get(&sent->orig[sent->n++], &r->orig);
		off += r->rec.len;
	}
}

/*
 * Send one message to a peer, with its next sequence number. Softirq, or
 * process context with bottom halves off.
 */
static void pl_sync_xmit(struct pl_sync *s, struct pl_sync_peer *p, u8 type,
			 const void *body, u32 len, u32 flows)
{
	struct pl_net *pn = s->pn;
	__be16 port = htons(READ_ONCE(s->port));
	__be32 local = READ_ONCE(s->local);
	u32 mlen = sizeof(struct pl_sync_hdr) + len + PL_SYNC_MAC_LEN;
	struct flowi4 fl4 = {
		.daddr = p->addr,
		.saddr = local,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = port,
		.fl4_dport = port,
	};
	struct pl_sync_hdr *h;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct rtable *rt;
	__be32 saddr;
	u64 seq;

	rt = dst_cache_get_ip4(&p->dst, &saddr);
	if (!rt || saddr != local) {
		if (rt)
			ip_rt_put(rt);
		rt = ip_route_output_key(pn->net, &fl4);
		if (IS_ERR(rt))
			goto lost;
		dst_cache_set_ip4(&p->dst, &rt->dst, local);
	}
	skb = alloc_skb(LL_MAX_HEADER + sizeof(struct iphdr) + sizeof(*uh) +
			mlen, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		goto lost;
	}
	skb_reserve(skb, LL_MAX_HEADER + sizeof(struct iphdr) + sizeof(*uh));
	h = skb_put(skb, sizeof(*h));
	h->version = PL_SYNC_VERSION;
	h->type = type;
	h->len = htons(mlen);
	h->node = htonl(s->node);
	h->boot = cpu_to_be64(s->boot);
	spin_lock(&p->tx_lock);
	seq = atomic64_inc_return(&p->tx_seq);
	pl_sync_note(p, seq, type, body, len);
	spin_unlock(&p->tx_lock);
	h->seq = cpu_to_be64(seq);
	skb_put_data(skb, body, len);
	put_unaligned_le64(pl_sync_mac(s, h, mlen - PL_SYNC_MAC_LEN),
			   skb_put(skb, PL_SYNC_MAC_LEN));
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = port;
	uh->dest = port;
	uh->len = htons(skb->len);
	/* Left to the device, or to the stack when the device cannot. */
	udp_set_csum(false, skb, local, p->addr, skb->len);
	pl_sync_ip_hdr(skb, local, p->addr, rt);
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	ip_local_out(pn->net, NULL, skb);
	atomic64_inc(&p->msgs_sent);
	atomic64_add(flows, &p->flows_sent);
	atomic64_inc(&pn->sync_stats.sent);
	return;
lost:
	atomic64_inc(&pn->sync_stats.lost);
}

/* Send records, cut into messages, to one peer, or to all (p NULL). */
static void pl_sync_send_records(struct pl_sync *s, struct pl_sync_peer *p,
				 const u8 *buf, u32 len)
{
	struct pl_sync_peer *q;
	u32 off = 0;

	while (off < len) {
		u32 end = off, n = 0;

		while (end < len && end - off + buf[end + 2] <= PL_SYNC_BODY_MAX) {
			end += buf[end + 2];
			n++;
		}
		if (p) {
			pl_sync_xmit(s, p, PL_SYNC_FLOWS, buf + off, end - off, n);
		} else {
			rcu_read_lock();
			list_for_each_entry_rcu(q, &s->peers, list)
				pl_sync_xmit(s, q, PL_SYNC_FLOWS, buf + off,
					     end - off, n);
			rcu_read_unlock();
		}
		off = end;
	}
}

/* Send what the packet path queued: a tasklet, after its receive run. */
static void pl_sync_tx(struct tasklet_struct *t)
{
	struct pl_sync *s = from_tasklet(s, t, tx);
	struct pl_sync_queue q;

	spin_lock(&s->lock);
	q = s->queue;
	s->queue = s->spare;
	spin_unlock(&s->lock);
	if (q.len)
		WRITE_ONCE(s->last_tx, ktime_get_mono_fast_ns());
	pl_sync_send_records(s, NULL, q.buf, q.len);
	/* Probes follow the last of them (pl_sync_probe()). */
	if (q.len && !test_and_set_bit(0, &s->probe_armed))
		queue_delayed_work(system_power_efficient_wq, &s->probe,
				   PL_SYNC_PROBE_AFTER);
	q.len = 0;
	s->spare = q;
}

/*
 * A peer sees a lost message as a gap, when a later one comes. So that the
 * last records before a quiet spell are not lost unseen until the next
 * hello, a few probes follow them: PL_SYNC_PROBE_AFTER after the last
 * records, then twice, four and eight times that later. While records
 * keep going, the work only looks again when they may have stopped: the
 * packet path arms it once, not at every message.
 */
static void pl_sync_probe(struct work_struct *work)
{
	struct pl_sync *s = container_of(to_delayed_work(work), struct pl_sync,
					 probe);
	u64 quiet = ktime_get_mono_fast_ns() - READ_ONCE(s->last_tx);
	u64 after = jiffies_to_nsecs(PL_SYNC_PROBE_AFTER);
	struct pl_sync_peer *p;

	if (quiet < after) {
		s->probes = 0;
		queue_delayed_work(system_power_efficient_wq, &s->probe,
				   nsecs_to_jiffies(after - quiet) + 1);
		return;
	}
	rcu_read_lock();
	local_bh_disable();
	list_for_each_entry_rcu(p, &s->peers, list)
		pl_sync_xmit(s, p, PL_SYNC_PROBE, NULL, 0, 0);
	local_bh_enable();
	rcu_read_unlock();
	if (++s->probes < PL_SYNC_PROBES) {
		queue_delayed_work(system_power_efficient_wq, &s->probe,
				   PL_SYNC_PROBE_AFTER << s->probes);
		return;
	}
	s->probes = 0;
	clear_bit(0, &s->probe_armed);
	/* Records sent since the last look arm it again. */
	smp_mb__after_atomic();
	if (ktime_get_mono_fast_ns() - READ_ONCE(s->last_tx) < after &&
	    !test_and_set_bit(0, &s->probe_armed))
		queue_delayed_work(system_power_efficient_wq, &s->probe,
				   PL_SYNC_PROBE_AFTER);
}

static void pl_sync_tuple_put(struct pl_sync_tuple4 *w,
			      const struct pl_tuple *t)
{
	w->saddr = t->saddr.ip;
	w->daddr = t->daddr.ip;
	w->sport = t->sport;
	w->dport = t->dport;
}

static void pl_sync_rec_fill(struct pl_sync_flow4 *r, const struct pl_flow *f)
{
	u32 idle = (u32)jiffies - READ_ONCE(f->last_seen);
	struct pl_tuple t;

	memset(r, 0, sizeof(*r));
	r->rec.kind = PL_SYNC_REC_FLOW;
	r->rec.family = PL_SYNC_FAMILY_IPV4;
	r->rec.len = sizeof(*r);
	r->state = READ_ONCE(f->state);
	r->flags = READ_ONCE(f->flags) & PL_FLOW_SYNC_FLAGS;
	r->node = f->node;
	r->idle = htonl(jiffies_to_msecs(idle));
	pl_flow_tuple(f, PL_DIR_ORIG, &t);
	pl_sync_tuple_put(&r->orig, &t);
	pl_flow_tuple(f, PL_DIR_REPLY, &t);
	pl_sync_tuple_put(&r->reply, &t);
	r->seq[PL_DIR_ORIG] = htonl(f->nodes[PL_DIR_ORIG].seq);
	r->seq[PL_DIR_REPLY] = htonl(f->nodes[PL_DIR_REPLY].seq);
}

/* The records have waited long enough: send them. */
static enum hrtimer_restart pl_sync_flush(struct hrtimer *t)
{
	struct pl_sync *s = container_of(t, struct pl_sync, flush);

	clear_bit(0, &s->flush_armed);
	tasklet_schedule(&s->tx);
	return HRTIMER_NORESTART;
}

/*
 * Make sure queued records leave. A quiet router's wait PL_SYNC_FLUSH_NS
 * for company, on a timer. A busy one (it sent within the last two such
 * waits) is flushed by its next packets, and the timer only stands by in
 * case they stop: PL_SYNC_BACKSTOP_NS, with slack, so that it rides on
 * the tick instead of interrupting every half millisecond.
 */
static void pl_sync_arm(struct pl_sync *s, u64 now)
{
	u64 slack = 0, ns = PL_SYNC_FLUSH_NS;

	if (test_and_set_bit(0, &s->flush_armed))
		return;
	if (now - READ_ONCE(s->last_tx) < 2 * PL_SYNC_FLUSH_NS) {
		ns = PL_SYNC_BACKSTOP_NS;
		slack = PL_SYNC_BACKSTOP_NS / 2;
	}
	hrtimer_start_range_ns(&s->flush, ns_to_ktime(ns), slack,
			       HRTIMER_MODE_REL_SOFT);
}

/*
 * Queue a flow's record for every peer. A message's worth goes at once;
 * less waits up to PL_SYNC_FLUSH_NS for more, so that a trickle of new
 * flows does not cost a message each: the first packet after that sends
 * them, or the timer (pl_sync_arm()). A packet that overtakes its record
 * meanwhile is held by the peer (pl_sync_hold()). Packet path, softirq.
 */
void pl_sync_send_flow(struct pl_sync *s, struct pl_flow *f)
{
	u64 now = ktime_get_mono_fast_ns();
	struct pl_sync_flow4 r;
	bool first, due;
	u32 len;

	pl_sync_rec_fill(&r, f);
	spin_lock(&s->lock);
	if (s->queue.len + sizeof(r) > PL_SYNC_PENDING) {
		spin_unlock(&s->lock);
		atomic64_inc(&s->pn->sync_stats.lost);
		return;
	}
	first = !s->queue.len;
	if (first)
		s->queue.since = now;
	memcpy(s->queue.buf + s->queue.len, &r, sizeof(r));
	len = s->queue.len += sizeof(r);
	due = now - s->queue.since >= PL_SYNC_FLUSH_NS;
	spin_unlock(&s->lock);
	if (due || len + sizeof(r) > PL_SYNC_BODY_MAX)
		tasklet_schedule(&s->tx);
	else if (first)
		pl_sync_arm(s, now);
}

/*
 * Drop the held packets whose flow never came (all, when the router
 * leaves its fleet), counted as they would have been. Under hold_lock.
 */
static void pl_sync_expire(struct pl_sync *s, bool all)
{
	unsigned long now = jiffies;
	u32 i, kept = 0;

	for (i = 0; i < s->nheld; i++) {
		struct pl_sync_held *h = &s->held[i];

		if (!all && time_before(now, h->until)) {
			s->held[kept++] = *h;
			continue;
		}
		pl_count_drop(s->pn, NULL, h->why);
		dev_put(h->skb->dev);
		kfree_skb(h->skb);
	}
	WRITE_ONCE(s->nheld, kept);
}

/* Ask a peer for all its flows, unless asked lately. */
static void pl_sync_ask(struct pl_sync *s, struct pl_sync_peer *p)
{
	unsigned long asked = READ_ONCE(p->resync_asked), now = jiffies;

	if (asked && time_before(now, asked + PL_SYNC_SILENT))
		return;
	WRITE_ONCE(p->resync_asked, now ?: 1);
	pl_sync_xmit(s, p, PL_SYNC_BULK_REQ, NULL, 0, 0);
}

/* The ENI and backend of a peer's flow here, or NULL. Under RCU. */
static struct pl_eni *pl_sync_objects(struct pl_net *pn,
				      const struct pl_sync_flow4 *r,
				      struct pl_backend **b)
{
	struct pl_addr *a = pl_addr_lookup_rcu(&pn->addrs, r->orig.daddr);
	struct pl_eni *eni;
	struct pl_obj *obj;
	union pl_key key;

	/* One still probed (or in conflict) holds its flows for later. */
	if (!a || a->kind != PL_ADDR_ENI)
		return NULL;
	eni = container_of(a, struct pl_eni, addr);
	pl_key_pair(&key, eni->ep->svc->obj.id, r->reply.saddr);
	obj = pl_table_lookup(&pn->backends, &key);
	if (!obj || obj->hidden)
		return NULL;
	*b = container_of(obj, struct pl_backend, obj);
	return eni;
}

/*
 * Hold a packet of a flow this router does not know (yet): in a fleet, the
 * flow's record may still be on its way, behind the packet, when the path
 * through the backend was quicker than the sync link. It goes through
 * PREROUTING again when the record comes (pl_sync_release()), or is
 * dropped, as why says, after PL_SYNC_HOLD. Packet path, softirq; false
 * when it cannot be held.
 */
bool pl_sync_hold(struct pl_net *pn, struct sk_buff *skb, pl_okfn_t okfn,
		  u8 why)
{
	struct pl_sync *s = rcu_dereference(pn->sync);
	bool held = false;

	if (!s || !skb->dev)
		return false;
	spin_lock(&s->hold_lock);
	pl_sync_expire(s, false);
	if (s->nheld < PL_SYNC_HOLD_MAX) {
		dev_hold(skb->dev);
		s->held[s->nheld] = (struct pl_sync_held){
			.skb = skb, .okfn = okfn, .why = why,
			.until = jiffies + PL_SYNC_HOLD,
		};
		WRITE_ONCE(s->nheld, s->nheld + 1);
		held = true;
	}
	spin_unlock(&s->hold_lock);
	if (held)
		atomic64_inc(&pn->sync_stats.held);
	return held;
}

/* Is the held packet one of the flow's, either way? */
static bool pl_sync_held_of(const struct sk_buff *skb,
			    const struct pl_flow_learn *l)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = (const void *)iph + iph->ihl * 4;
	const struct pl_tuple *t;
	int i;

	for (i = 0; i < 2; i++) {
		t = i ? &l->reply : &l->orig;
		if (iph->saddr == t->saddr.ip && iph->daddr == t->daddr.ip &&
		    th->source == t->sport && th->dest == t->dport)
			return true;
	}
	return false;
}

/* Take the first packet held for the flow l out of the list. */
static bool pl_sync_unhold(struct pl_sync *s, const struct pl_flow_learn *l,
			   struct pl_sync_held *h)
{
	bool found = false;
	u32 i;

	spin_lock(&s->hold_lock);
	for (i = 0; i < s->nheld; i++) {
		if (pl_sync_held_of(s->held[i].skb, l)) {
			*h = s->held[i];
			s->held[i] = s->held[s->nheld - 1];
			WRITE_ONCE(s->nheld, s->nheld - 1);
			found = true;
			break;
		}
	}
	spin_unlock(&s->hold_lock);
	return found;
}

/* Send the packets held for the flow l through PREROUTING again. */
static void pl_sync_release(struct pl_sync *s, const struct pl_flow_learn *l)
{
	struct pl_sync_held h;

	if (!READ_ONCE(s->nheld))
		return;
	while (pl_sync_unhold(s, l, &h)) {
		struct net_device *dev = h.skb->dev;

		atomic64_inc(&s->pn->sync_stats.released);
		NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, dev_net(dev), NULL,
			h.skb, dev, NULL, h.okfn);
		dev_put(dev);
	}
}

/* Learn one flow a peer sent. Softirq. */
static void pl_sync_learn(struct pl_sync *s, struct pl_sync_peer *p,
			  const struct pl_sync_flow4 *r)
{
	struct pl_net *pn = s->pn;
	struct pl_flow_learn l;
	struct pl_backend *b;
	struct pl_eni *eni;
	u32 idle;

	atomic64_inc(&p->flows_received);
	if (r->state > PL_FLOW_STATE_CLOSED || !r->node ||
	    r->node > PL_SYNC_MAX_NODE)
		goto lost;
	eni = pl_sync_objects(pn, r, &b);
	if (!eni)
		goto lost;
	pl_sync_tuple_get(&l.orig, &r->orig);
	pl_sync_tuple_get(&l.reply, &r->reply);
	l.seq[PL_DIR_ORIG] = ntohl(r->seq[PL_DIR_ORIG]);
	l.seq[PL_DIR_REPLY] = ntohl(r->seq[PL_DIR_REPLY]);
	idle = min_t(u32, ntohl(r->idle), PL_SYNC_IDLE_MAX);
	l.last_seen = (u32)jiffies - msecs_to_jiffies(idle);
	l.state = r->state;
	l.flags = r->flags;
	l.node = r->node;
	if (!pl_flow_learn(pn, &l, eni, b)) {
		pl_sync_release(s, &l);
		return;
	}
lost:
	atomic64_inc(&pn->sync_stats.lost);
}

static void pl_sync_rcv_flows(struct pl_sync *s, struct pl_sync_peer *p,
			      const u8 *body, u32 len)
{
	while (len >= sizeof(struct pl_sync_rec)) {
		const struct pl_sync_rec *rec = (const void *)body;

		if (rec->len < sizeof(*rec) || rec->len > len)
			break;
		if (rec->kind == PL_SYNC_REC_FLOW &&
		    rec->family == PL_SYNC_FAMILY_IPV4 &&
		    rec->len >= sizeof(struct pl_sync_flow4))
			pl_sync_learn(s, p, (const void *)body);
		body += rec->len;
		len -= rec->len;
	}
}

/* What a message showed of the gaps in a peer's sequence. */
struct pl_sync_gaps {
	u64 missing;		/* new gaps: asked for again (pl_sync_nack()) */
	u64 expired;		/* given up: a resync makes them good */
	bool late;		/* it is one that was missing */
};

/*
 * Take a message into the peer's window: false for a replay, or one too
 * old to tell. A missing message expires when it falls out of the window
 * unseen, when a hello shows it older than the previous hello, or when
 * the peer starts again.
 */
static bool pl_sync_window(struct pl_sync_peer *p, u64 boot, u64 seq,
			   bool hello, struct pl_sync_gaps *g)
{
	bool ok = true;
	u64 d, mask;

	memset(g, 0, sizeof(*g));
	spin_lock(&p->rx_lock);
	if (boot < p->rx_boot) {
		ok = false;
	} else if (boot > p->rx_boot || !p->rx_max) {
		if (p->rx_max)
			g->expired = 64 - hweight64(p->rx_seen);
		p->rx_boot = boot;
		p->rx_max = seq;
		p->rx_seen = ~0ULL;	/* what came before is not ours */
		p->rx_hello = 0;
	} else if (seq > p->rx_max) {
		d = seq - p->rx_max;
		g->missing = d - 1;
		if (d >= 64) {
			g->expired = 64 - hweight64(p->rx_seen) + d - 64;
			p->rx_seen = 1;
		} else {
			g->expired = hweight64(~p->rx_seen & (~0ULL << (64 - d)));
			p->rx_seen = p->rx_seen << d | 1;
		}
		p->rx_max = seq;
	} else {
		d = p->rx_max - seq;
		if (d >= 64 || (p->rx_seen & BIT_ULL(d)))
			ok = false;
		else
			p->rx_seen |= BIT_ULL(d);
		g->late = ok;
	}
	if (ok && hello) {
		/* Anything older than the previous hello is not coming. */
		if (p->rx_hello && p->rx_max - p->rx_hello < 64) {
			mask = ~0ULL << (p->rx_max - p->rx_hello);
			g->expired += hweight64(~p->rx_seen & mask);
			p->rx_seen |= mask;
		}
		p->rx_hello = seq;
	}
	spin_unlock(&p->rx_lock);
	return ok;
}

/* Mark message seq of the peer as made good: true if it was missing. */
static bool pl_sync_filled(struct pl_sync_peer *p, u64 seq)
{
	bool filled = false;
	u64 d;

	spin_lock(&p->rx_lock);
	d = p->rx_max - seq;
	if (seq && seq <= p->rx_max && d < 64 &&
	    !(p->rx_seen & BIT_ULL(d))) {
		p->rx_seen |= BIT_ULL(d);
		filled = true;
	}
	spin_unlock(&p->rx_lock);
	return filled;
}

/*
 * Ask the peer for the messages missing from its window: true if there
 * were some. Softirq, or process context with bottom halves off.
 */
static bool pl_sync_nack_peer(struct pl_sync *s, struct pl_sync_peer *p)
{
	struct pl_sync_nack n;
	u64 missing;

	spin_lock(&p->rx_lock);
	missing = p->rx_max ? ~p->rx_seen : 0;
	n.top = cpu_to_be64(p->rx_max);
	spin_unlock(&p->rx_lock);
	if (!missing)
		return false;
	n.missing = cpu_to_be64(missing);
	pl_sync_xmit(s, p, PL_SYNC_NACK, &n, sizeof(n), 0);
	return true;
}

/*
 * Ask for what is missing, and again every PL_SYNC_NACK_EVERY until it
 * came or expired (then a resync makes it good).
 */
static void pl_sync_nack(struct work_struct *work)
{
	struct pl_sync *s = container_of(to_delayed_work(work), struct pl_sync,
					 nack);
	struct pl_sync_peer *p;
	bool again = false;

	rcu_read_lock();
	local_bh_disable();
	list_for_each_entry_rcu(p, &s->peers, list)
		again |= pl_sync_nack_peer(s, p);
	local_bh_enable();
	rcu_read_unlock();
	if (again)
		queue_delayed_work(system_power_efficient_wq, &s->nack,
				   PL_SYNC_NACK_EVERY);
}

#define PL_SYNC_REPAIR_BUF	(sizeof(struct pl_sync_repair) + \
				 PL_SYNC_RECS * sizeof(struct pl_sync_flow4))

/*
 * Send message seq to the peer again, as a repair: the records of the
 * flows it carried, as they are now (a flow gone since is left out). buf
 * has room for a repair header and PL_SYNC_RECS records; a repair takes
 * fewer records than a message, so it may take two. Softirq.
 */
static void pl_sync_repair(struct pl_sync *s, struct pl_sync_peer *p, u64 seq,
			   u8 *buf)
{
	const u32 rlen = sizeof(struct pl_sync_flow4), max =
		(PL_SYNC_BODY_MAX - sizeof(struct pl_sync_repair)) / rlen;
	struct pl_sync_sent *sent = &p->sent[seq % PL_SYNC_WINDOW];
	struct pl_sync_repair hdr = { .seq = cpu_to_be64(seq) };
	u8 *recs = buf + sizeof(hdr), *m;
	struct pl_flow *f;
	enum pl_dir dir;
	u32 i, n = 0, k;

	spin_lock(&p->tx_lock);
	if (sent->seq != seq) {
		spin_unlock(&p->tx_lock);
		return;		/* too old: its loss expires, and a resync comes */
	}
	for (i = 0; i < sent->n; i++) {
		f = pl_flow_lookup(s->pn, &sent->orig[i], &dir);
		if (f && dir == PL_DIR_ORIG && !pl_flow_dead(f))
			pl_sync_rec_fill((void *)(recs + n++ * rlen), f);
	}
	spin_unlock(&p->tx_lock);
	atomic64_inc(&p->msgs_resent);
	i = 0;
	do {
		k = min(n - i, max);
		m = recs + i * rlen - sizeof(hdr);
		memcpy(m, &hdr, sizeof(hdr));
		pl_sync_xmit(s, p, PL_SYNC_REPAIR, m, sizeof(hdr) + k * rlen, k);
		i += k;
	} while (i < n);
}

/* A peer missed messages: send them again. Softirq, under RCU. */
static void pl_sync_rcv_nack(struct pl_sync *s, struct pl_sync_peer *p,
			     const u8 *body, u32 len)
{
	const struct pl_sync_nack *n = (const void *)body;
	u64 top, missing;
	u8 *buf;
	int i;

	if (len < sizeof(*n))
		return;
	top = be64_to_cpu(n->top);
	missing = be64_to_cpu(n->missing);
	buf = kmalloc(PL_SYNC_REPAIR_BUF, GFP_ATOMIC);
	if (!buf)
		return;
	for (; missing; missing &= missing - 1) {
		i = __ffs64(missing);
		if (top > i)
			pl_sync_repair(s, p, top - i, buf);
	}
	kfree(buf);
}

/* A message asked for again: it came, and so did its flows. */
static void pl_sync_rcv_repair(struct pl_sync *s, struct pl_sync_peer *p,
			       const u8 *body, u32 len)
{
	const struct pl_sync_repair *r = (const void *)body;

	if (len < sizeof(*r))
		return;
	if (pl_sync_filled(p, be64_to_cpu(r->seq)))
		atomic64_inc(&p->msgs_repaired);
	pl_sync_rcv_flows(s, p, body + sizeof(*r), len - sizeof(*r));
}

static void pl_sync_rcv_hello(struct pl_sync *s, struct pl_sync_peer *p,
			      const u8 *body, u32 len)
{
	const struct pl_sync_hello *h = (const void *)body;

	if (len < sizeof(*h))
		return;
	WRITE_ONCE(p->digest, be64_to_cpu(h->digest));
	WRITE_ONCE(p->phase, min_t(u8, h->phase, PL_SYNC_PHASE_DRAINING));
	WRITE_ONCE(p->heard, 1);
}

static void pl_sync_rcv_bulk_end(struct pl_sync *s, struct pl_sync_peer *p)
{
	atomic64_add(atomic64_xchg(&p->repairing, 0), &p->msgs_repaired);
	WRITE_ONCE(p->resync_asked, 0);
	WRITE_ONCE(p->bulk_received, 1);
	if (READ_ONCE(s->phase) == PL_SYNC_PHASE_JOINING)
		mod_delayed_work(system_power_efficient_wq, &s->tick, 0);
}

static void pl_sync_rcv_msg(struct pl_sync *s, struct pl_sync_peer *p,
			    const struct pl_sync_hdr *h, const u8 *body,
			    u32 len)
{
	switch (h->type) {
	case PL_SYNC_FLOWS:
		pl_sync_rcv_flows(s, p, body, len);
		break;
	case PL_SYNC_HELLO:
		pl_sync_rcv_hello(s, p, body, len);
		break;
	case PL_SYNC_BULK_REQ:
		WRITE_ONCE(p->bulk_wanted, 1);
		queue_work(system_unbound_wq, &s->bulk);
		break;
	case PL_SYNC_BULK_END:
		pl_sync_rcv_bulk_end(s, p);
		break;
	case PL_SYNC_NACK:
		pl_sync_rcv_nack(s, p, body, len);
		break;
	case PL_SYNC_REPAIR:
		pl_sync_rcv_repair(s, p, body, len);
		break;
	}	/* a probe has done its work in the window */
}

static struct pl_sync_peer *pl_sync_peer_rcu(struct pl_sync *s, __be32 addr)
{
	struct pl_sync_peer *p;

	list_for_each_entry_rcu(p, &s->peers, list) {
		if (p->addr == addr)
			return p;
	}
	return NULL;
}

/* Check a message whole: from a peer, well formed, authentic, new. */
static struct pl_sync_peer *pl_sync_check(struct pl_sync *s,
					  struct sk_buff *skb,
					  const struct pl_sync_hdr *h,
					  u32 len)
{
	u32 off = len - PL_SYNC_MAC_LEN;
	struct pl_sync_gaps g;
	struct pl_sync_peer *p;
	__le64 mac;

	p = pl_sync_peer_rcu(s, ip_hdr(skb)->saddr);
	if (!p || len < sizeof(*h) + PL_SYNC_MAC_LEN ||
	    h->version != PL_SYNC_VERSION || ntohs(h->len) != len)
		return NULL;
	mac = cpu_to_le64(pl_sync_mac(s, h, off));
	if (crypto_memneq(&mac, (const u8 *)h + off, sizeof(mac)))
		return NULL;
	if (!pl_sync_window(p, be64_to_cpu(h->boot), be64_to_cpu(h->seq),
			    h->type == PL_SYNC_HELLO, &g))
		return NULL;
	WRITE_ONCE(p->node, ntohl(h->node));
	WRITE_ONCE(p->last_heard, jiffies ?: 1);
	if (g.missing) {
		atomic64_add(g.missing, &p->msgs_lost);
		atomic64_add(g.missing, &s->pn->sync_stats.lost);
		/* A tick later: one overtaken by another may come yet. */
		queue_delayed_work(system_power_efficient_wq, &s->nack, 1);
	}
	if (g.late)
		atomic64_inc(&p->msgs_repaired);
	if (g.expired) {
		atomic64_add(g.expired, &p->repairing);
		pl_sync_ask(s, p);
	}
	return p;
}

/* The sync socket's receive: one message, in softirq, under RCU. */
static int pl_sync_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct pl_sync *s = rcu_dereference_sk_user_data(sk);
	const struct pl_sync_hdr *h;
	struct pl_sync_peer *p;
	unsigned int off;
	u32 len;

	if (!s || udp_lib_checksum_complete(skb) || skb_linearize(skb))
		goto drop;
	off = skb_transport_offset(skb) + sizeof(struct udphdr);
	if (skb->len < off)
		goto drop;
	len = skb->len - off;
	h = (const void *)(skb->data + off);
	p = pl_sync_check(s, skb, h, len);
	if (!p) {
		atomic64_inc(&s->pn->sync_stats.rejected);
		goto drop;
	}
	atomic64_inc(&p->msgs_received);
	atomic64_inc(&s->pn->sync_stats.received);
	pl_sync_rcv_msg(s, p, h, (const u8 *)(h + 1),
			len - sizeof(*h) - PL_SYNC_MAC_LEN);
	consume_skb(skb);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

/* A walk of the flow table that packs records into one message. */
struct pl_sync_bulk {
	u8 buf[PL_SYNC_BODY_MAX];
	u32 len;
};

static int pl_sync_bulk_one(struct pl_flow *f, void *arg)
{
	struct pl_sync_bulk *bk = arg;

	if (bk->len + sizeof(struct pl_sync_flow4) > sizeof(bk->buf))
		return 1;	/* full: send it, then go on with f */
	pl_sync_rec_fill((struct pl_sync_flow4 *)(bk->buf + bk->len), f);
	bk->len += sizeof(struct pl_sync_flow4);
	return 0;
}

/* Send a message to the peer at addr, if it is still one. */
static bool pl_sync_send_to(struct pl_sync *s, __be32 addr, u8 type,
			    const u8 *buf, u32 len)
{
	struct pl_sync_peer *p;

	rcu_read_lock();
	p = pl_sync_peer_rcu(s, addr);
	if (p) {
		local_bh_disable();
		if (type == PL_SYNC_FLOWS)
			pl_sync_send_records(s, p, buf, len);
		else
			pl_sync_xmit(s, p, type, buf, len, 0);
		local_bh_enable();
	}
	rcu_read_unlock();
	return p;
}

/* Every flow, then bulk-end, to the peer at addr. */
static void pl_sync_bulk_send(struct pl_sync *s, struct pl_sync_bulk *bk,
			      __be32 addr)
{
	struct pl_net *pn = s->pn;
	struct pl_flows_pos pos = {};
	u32 msgs = 0;
	int full;

	while (!pl_flows_walked(pn, &pos)) {
		full = pl_flows_walk(pn, &pos, 1024, pl_sync_bulk_one, bk);
		if (bk->len && (full || pl_flows_walked(pn, &pos))) {
			if (!pl_sync_send_to(s, addr, PL_SYNC_FLOWS, bk->buf,
					     bk->len))
				return;
			bk->len = 0;
			if (!(++msgs % PL_SYNC_BULK_PACE))
				usleep_range(1000, 2000);
		}
		cond_resched();
	}
	pl_sync_send_to(s, addr, PL_SYNC_BULK_END, NULL, 0);
}

/* Send every flow to each peer that asked. */
static void pl_sync_bulk(struct work_struct *work)
{
	struct pl_sync *s = container_of(work, struct pl_sync, bulk);
	struct pl_sync_peer *p;
	struct pl_sync_bulk *bk;
	__be32 addr;

	bk = kmalloc(sizeof(*bk), GFP_KERNEL);
	if (!bk)
		return;
	for (;;) {
		addr = 0;
		rcu_read_lock();
		list_for_each_entry_rcu(p, &s->peers, list) {
			if (xchg(&p->bulk_wanted, 0)) {
				addr = p->addr;
				break;
			}
		}
		rcu_read_unlock();
		if (!addr)
			break;
		bk->len = 0;
		pl_sync_bulk_send(s, bk, addr);
	}
	kfree(bk);
}

static bool pl_sync_reachable(const struct pl_sync_peer *p)
{
	unsigned long heard = READ_ONCE(p->last_heard);

	return heard && time_before(jiffies, heard + PL_SYNC_SILENT);
}

/* Enter a phase, announce the addresses or not, and tell listeners. */
void pl_sync_set_phase(struct pl_sync *s, u8 phase)
{
	if (s->phase == phase)
		return;
	WRITE_ONCE(s->phase, phase);
	pl_announce_update(s);
	pl_nl_announce(s->pn, PL_CMD_SYNC_CHANGE_NTF, pl_sync_fill, s);
}

/*
 * A joining router holds back until every peer sent its flows, or stayed
 * silent for PL_SYNC_SILENT since the join: it is then the first, or the
 * others are gone. Under the configuration lock.
 */
static void pl_sync_join(struct pl_sync *s)
{
	unsigned long now = jiffies;
	bool done = time_after_eq(now, s->joined + PL_SYNC_EVERY);
	struct pl_sync_peer *p;

	if (s->phase != PL_SYNC_PHASE_JOINING)
		return;
	list_for_each_entry(p, &s->peers, list) {
		if (READ_ONCE(p->bulk_received))
			continue;
		if (pl_sync_reachable(p) ||
		    time_before(now, s->joined + PL_SYNC_SILENT)) {
			done = false;
			local_bh_disable();
			pl_sync_ask(s, p);
			local_bh_enable();
		}
	}
	if (done)
		pl_sync_set_phase(s, s->state == PL_SYNC_STATE_ACTIVE ?
				  PL_SYNC_PHASE_ACTIVE :
				  PL_SYNC_PHASE_DRAINING);
}

/* This router's configuration digest. Under the configuration lock. */
u64 pl_sync_digest(struct pl_sync *s)
{
	return pl_config_digest(s->pn);
}

/* Every second: hellos, the join, the announcements kept true. */
static void pl_sync_tick(struct work_struct *work)
{
	struct pl_sync *s = container_of(to_delayed_work(work), struct pl_sync,
					 tick);
	struct pl_net *pn = s->pn;
	struct pl_sync_hello h = {};
	struct pl_sync_peer *p;

	/* sync-del cancels the tick under the lock: never wait for it. */
	if (!mutex_trylock(&pn->lock)) {
		queue_delayed_work(system_power_efficient_wq, &s->tick,
				   HZ / 20);
		return;
	}
	pl_sync_join(s);
	h.digest = cpu_to_be64(pl_sync_digest(s));
	h.flows = htonl(atomic_read(&pn->flows.count));
	h.phase = s->phase;
	local_bh_disable();
	list_for_each_entry(p, &s->peers, list) {
		pl_sync_xmit(s, p, PL_SYNC_HELLO, &h, sizeof(h), 0);
		/* A resync that never ended is asked for again. */
		if (atomic64_read(&p->repairing))
			pl_sync_ask(s, p);
	}
	local_bh_enable();
	pl_announce_update(s);
	mutex_unlock(&pn->lock);
	spin_lock_bh(&s->hold_lock);
	pl_sync_expire(s, false);
	spin_unlock_bh(&s->hold_lock);
	queue_delayed_work(system_power_efficient_wq, &s->tick,
			   s->phase == PL_SYNC_PHASE_JOINING ? HZ / 4 :
			   PL_SYNC_EVERY);
}

/* Open the socket on local:port, its receive pointed at s. */
int pl_sync_bind(struct pl_sync *s, __be32 local, u16 port,
		 struct socket **sockp)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = local,
		.sin_port = htons(port),
	};
	struct socket *sock;
	struct sock *sk;
	int err;

	err = sock_create_kern(s->pn->net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;
	err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	if (err) {
		sock_release(sock);
		return err;
	}
	sk = sock->sk;
	rcu_assign_sk_user_data(sk, s);
	udp_sk(sk)->encap_type = 1;
	udp_sk(sk)->encap_rcv = pl_sync_rcv;
	udp_tunnel_encap_enable(sk);
	*sockp = sock;
	return 0;
}

/* Close a socket once no receive can be running on it. */
void pl_sync_unbind(struct socket *sock)
{
	rcu_assign_sk_user_data(sock->sk, NULL);
	synchronize_rcu();
	sock_release(sock);
}

/* Set s up (node, local, port, key given), its socket open, and start. */
int pl_sync_start(struct pl_sync *s)
{
	int err;

	s->queue.buf = kvmalloc(PL_SYNC_PENDING, GFP_KERNEL);
	s->spare.buf = kvmalloc(PL_SYNC_PENDING, GFP_KERNEL);
	err = -ENOMEM;
	if (!s->queue.buf || !s->spare.buf)
		goto err;
	err = pl_sync_bind(s, s->local, s->port, &s->sock);
	if (err)
		goto err;
	s->boot = ktime_get_real_ns();
	s->joined = jiffies;
	s->phase = PL_SYNC_PHASE_JOINING;
	queue_delayed_work(system_power_efficient_wq, &s->tick, 0);
	return 0;
err:
	kvfree(s->queue.buf);
	kvfree(s->spare.buf);
	return err;
}

struct pl_sync_peer *pl_sync_peer_alloc(__be32 addr)
{
	struct pl_sync_peer *p = kvzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);

	if (!p)
		return NULL;
	if (dst_cache_init(&p->dst, GFP_KERNEL_ACCOUNT)) {
		kvfree(p);
		return NULL;
	}
	p->addr = addr;
	spin_lock_init(&p->tx_lock);
	spin_lock_init(&p->rx_lock);
	return p;
}

static void pl_sync_peer_free(struct pl_sync_peer *p)
{
	dst_cache_destroy(&p->dst);
	kvfree(p);
}

static void pl_sync_peer_free_cb(struct rcu_head *rcu)
{
	pl_sync_peer_free(container_of(rcu, struct pl_sync_peer, rcu));
}

/* Free a peer that left s->peers, once no reader can see it. */
void pl_sync_peer_free_rcu(struct pl_sync_peer *p)
{
	call_rcu(&p->rcu, pl_sync_peer_free_cb);
}

struct pl_sync *pl_sync_alloc(struct pl_net *pn)
{
	struct pl_sync *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	/* A message holds PL_SYNC_RECS records, and pl_sync_note() all. */
	BUILD_BUG_ON(PL_SYNC_RECS * sizeof(struct pl_sync_flow4) >
		     PL_SYNC_BODY_MAX);
	BUILD_BUG_ON((PL_SYNC_RECS + 1) * sizeof(struct pl_sync_flow4) <=
		     PL_SYNC_BODY_MAX);
	if (!s)
		return NULL;
	s->pn = pn;
	s->port = PL_SYNC_PORT;
	INIT_LIST_HEAD(&s->peers);
	spin_lock_init(&s->lock);
	spin_lock_init(&s->hold_lock);
	tasklet_setup(&s->tx, pl_sync_tx);
	hrtimer_init(&s->flush, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	s->flush.function = pl_sync_flush;
	INIT_DELAYED_WORK(&s->tick, pl_sync_tick);
	INIT_WORK(&s->bulk, pl_sync_bulk);
	INIT_DELAYED_WORK(&s->nack, pl_sync_nack);
	INIT_DELAYED_WORK(&s->probe, pl_sync_probe);
	return s;
}

/*
 * Stop and free s, which the namespace no longer points to: the packet
 * path may still hold it until the grace period the unbind waits for.
 */
void pl_sync_stop(struct pl_sync *s)
{
	struct pl_sync_peer *p, *tmp;

	if (s->sock)
		pl_sync_unbind(s->sock);	/* waits for a grace period */
	cancel_delayed_work_sync(&s->tick);
	cancel_work_sync(&s->bulk);
	hrtimer_cancel(&s->flush);
	tasklet_kill(&s->tx);
	cancel_delayed_work_sync(&s->probe);
	cancel_delayed_work_sync(&s->nack);
	spin_lock_bh(&s->hold_lock);
	pl_sync_expire(s, true);
	spin_unlock_bh(&s->hold_lock);
	pl_announce_stop(s);
	list_for_each_entry_safe(p, tmp, &s->peers, list)
		pl_sync_peer_free(p);
	kvfree(s->queue.buf);
	kvfree(s->spare.buf);
	memzero_explicit(s->key, sizeof(s->key));
	kfree(s);
}

/* The namespace is going away: leave the fleet. */
void pl_sync_exit(struct pl_net *pn)
{
	struct pl_sync *s = rcu_dereference_protected(pn->sync, true);

	if (!s)
		return;
	RCU_INIT_POINTER(pn->sync, NULL);
	pl_sync_stop(s);
}
