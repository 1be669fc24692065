// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. A netfilter hook early in PREROUTING (after the raw
 * table, before conntrack) catches IPv4 packets to pl's addresses:
 *
 *   to an ENI             client -> ENI:listener, translated to
 *                         source:port -> backend:port
 *   to a source address   backend:port -> source:port, translated to
 *                         ENI:listener -> client
 *
 * It routes the packet to its new destination itself (with the original
 * source, so that reverse-path filtering sees the real sender), answers
 * TTL and MTU problems to the real sender, then rewrites the packet and
 * lets the stack forward it, or, once the flow is established, sends it
 * to the next hop itself (fastpath.c). Anything else sent to those
 * addresses is dropped and counted. Runs under RCU, in softirq.
 */

#include <linux/icmp.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_ipv4.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "arp.h"
#include "az.h"
#include "backend.h"
#include "compat.h"
#include "endpoint.h"
#include "fastpath.h"
#include "flow.h"
#include "hook.h"
#include "lb.h"
#include "net.h"
#include "rst.h"
#include "service.h"
#include "stats.h"
#include "subnet.h"
#include "sync.h"
#include "xlate.h"

static unsigned int pl_drop(struct pl_net *pn, struct pl_eni *eni, int why)
{
	pl_count_drop(pn, eni, why);
	return NF_DROP;
}

/* A packet to an ENI refused before it made a flow: count, announce. */
static unsigned int pl_reject(struct pl_net *pn, struct pl_eni *eni,
			      const struct sk_buff *skb, int why)
{
	pl_flow_reject(pn, eni, skb, why);
	return pl_drop(pn, eni, why);
}

static struct tcphdr *pl_tcp(const struct sk_buff *skb)
{
	return (struct tcphdr *)(skb_network_header(skb) + ip_hdrlen(skb));
}

/* As ip_forward() decides whether a packet is too big for the next hop. */
static bool pl_exceeds_mtu(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu || !(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;
	if (IPCB(skb)->frag_max_size > mtu)
		return true;
	if (skb->ignore_df)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return true;
}

/*
 * Check the packet, still as the sender sent it, against the route it was
 * given: TTL and MTU errors go to the sender about its own packet, which
 * is what it can match to a socket. *mtu: the next hop's, when forwarded
 * (0 when delivered locally).
 */
static int pl_route_check(struct sk_buff *skb, unsigned int *mtu)
{
	struct rtable *rt = skb_rtable(skb);

	*mtu = 0;
	if (rt->rt_type == RTN_LOCAL)
		return PL_PASS;
	if (rt->rt_type != RTN_UNICAST)
		return PL_DROP_NO_ROUTE;
	if (ip_hdr(skb)->ttl <= 1) {
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return PL_DROP_TTL_EXCEEDED;
	}
	*mtu = ip_dst_mtu_maybe_forward(&rt->dst, true);
	if (pl_exceeds_mtu(skb, *mtu)) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(*mtu));
		return PL_DROP_TOO_BIG;
	}
	return PL_PASS;
}

/*
 * Route the packet, still as the sender sent it (with its source, so that
 * reverse-path filtering sees the real sender), to its translated
 * destination, and check it against that route.
 */
static int pl_route(struct sk_buff *skb, __be32 daddr, unsigned int *mtu)
{
	const struct iphdr *iph = ip_hdr(skb);

	skb_dst_drop(skb);
	if (ip_route_input_noref(skb, daddr, iph->saddr, iph->tos, skb->dev))
		return PL_DROP_NO_ROUTE;
	return pl_route_check(skb, mtu);
}

/* Count a packet of a flow: in its namespace, ENI and backend. */
static void pl_count_flow(struct pl_net *pn, struct pl_flow *f,
			  enum pl_dir dir, const struct tcphdr *th,
			  unsigned int len)
{
	pl_count_packet(&pn->stats->t, len);
	pl_count_packet(&f->eni->stats->t, len);
	pl_count_packet(f->backend->stats, len);
	if (!th->rst)
		return;
	this_cpu_inc(pn->stats->t.rst_rx);
	if (dir == PL_DIR_ORIG)
		this_cpu_inc(f->eni->stats->t.rst_rx);
	else
		this_cpu_inc(f->backend->stats->rst_rx);
}

/* Send a packet of the flow on, as the other direction's tuple reversed. */
static unsigned int pl_forward(struct pl_net *pn, struct sk_buff *skb,
			       struct pl_flow *f, enum pl_dir dir, bool created)
{
	struct pl_eni *eni = dir == PL_DIR_ORIG ? f->eni : NULL;
	u8 state = READ_ONCE(f->state);
	unsigned int hdrs, mtu;
	struct pl_tuple to;
	struct tcphdr *th;
	bool changed, fast, cached;
	int why;

	pl_flow_xlate_to(f, dir, &to);
	cached = pl_fast_route(pn, f, dir, state, skb, pl_tcp(skb));
	why = cached ? pl_route_check(skb, &mtu) :
		       pl_route(skb, to.daddr.ip, &mtu);
	if (why != PL_PASS)
		return pl_drop(pn, eni, why);
	if (skb_ensure_writable(skb, ip_hdrlen(skb) + sizeof(*th)))
		return pl_drop(pn, eni, PL_DROP_NO_MEMORY);
	th = pl_tcp(skb);
	hdrs = ip_hdrlen(skb) + th->doff * 4;
	changed = pl_flow_track(pn, f, dir, th, skb->len, skb->len - hdrs);
	/*
	 * A SYN seen again means the other end waits: perhaps for a peer
	 * that lost this flow's record. Tell them again.
	 */
	pl_sync_flow(pn, f, changed || created || th->syn);
	pl_count_flow(pn, f, dir, th, skb->len);
	fast = cached ? pl_fast_fits(skb, mtu) :
			pl_fast_ok(pn, state, skb, th, mtu);
	pl_xlate_tcp(skb, &to);
	pl_untrack(skb);
	if (!fast)
		return NF_ACCEPT;
	if (!cached)
		pl_fast_keep(f, dir, skb);
	why = pl_fast_xmit(pn, skb);
	return why == PL_PASS ? NF_STOLEN : pl_drop(pn, eni, why);
}

/* The flow a lookup found, unless it is gone or should be replaced. */
static struct pl_flow *pl_flow_live(struct pl_net *pn, struct pl_flow *f,
				    enum pl_dir dir, const struct tcphdr *th)
{
	u8 state;

	if (pl_flow_dead(f))
		return NULL;
	state = READ_ONCE(f->state);
	if (pl_flow_expired(f, jiffies) ||
	    (dir == PL_DIR_ORIG && th->syn && !th->ack &&
	     state >= PL_FLOW_STATE_CLOSING)) {
		pl_flow_kill(pn, f);
		return NULL;
	}
	return f;
}

/* May this packet open a flow? PL_PASS, with its listener, or why not. */
static int pl_eni_admit(const struct pl_eni *eni, const struct sk_buff *skb,
			const struct tcphdr *th,
			const struct pl_listener **listener)
{
	const struct pl_endpoint *ep = eni->ep;

	if (READ_ONCE(ep->state) != PL_ENDPOINT_STATE_AVAILABLE)
		return PL_DROP_NOT_AVAILABLE;
	if (!pl_endpoint_allows(ep, ip_hdr(skb)->saddr))
		return PL_DROP_NOT_ALLOWED;
	*listener = pl_service_listener(ep->svc, th->dest);
	if (!*listener)
		return PL_DROP_NOT_LISTENER;
	if (!th->syn || th->ack)
		return PL_DROP_NO_FLOW;
	return PL_PASS;
}

static struct pl_flow *pl_eni_flow(struct pl_net *pn, struct pl_eni *eni,
				   const struct pl_tuple *t,
				   const struct pl_listener *l, int *why)
{
	struct pl_service *svc = eni->ep->svc;
	struct pl_az *az = eni->subnet->az;
	u32 hash = pl_flow_hash(pn, t);
	struct pl_tuple reply;
	enum pl_dir dir;
	struct pl_backend *b;
	struct pl_flow *f;
	bool fallback;

	b = pl_lb_pick(svc, az->index, hash, &fallback);
	if (!b) {
		*why = PL_DROP_NO_BACKEND;
		return NULL;
	}
	reply = (struct pl_tuple){
		.saddr.ip = b->addr,
		.daddr.ip = pl_service_source(svc, az),
		.sport = htons(b->port ?: l->target_port),
		.family = AF_INET,
	};
	if (!reply.daddr.ip) {
		*why = PL_DROP_NO_SOURCE;
		return NULL;
	}
	f = pl_flow_create(pn, t, hash, eni, b, &reply, pl_sync_node(pn), why);
	if (f) {
		if (fallback) {
			this_cpu_inc(pn->stats->t.zone_fallbacks);
			this_cpu_inc(eni->stats->t.zone_fallbacks);
			this_cpu_inc(b->stats->zone_fallbacks);
		}
		return f;
	}
	if (*why != -EEXIST)
		return NULL;
	/*
	 * Another CPU created the same flow meanwhile (a SYN and its
	 * retransmission at once): this SYN goes with it, and counts nothing
	 * twice. If that flow is gone already (flushed, reset, ...), this SYN
	 * has no flow: no-flow, but no RST, so that the client's next
	 * retransmission opens a flow as usual.
	 */
	f = pl_flow_lookup(pn, t, &dir);
	if (!f || pl_flow_dead(f)) {
		*why = PL_DROP_NO_FLOW;
		return NULL;
	}
	return f;
}

/*
 * Does a packet that opens no flow get a RST? Not a SYN that found no
 * flow (its creator died meanwhile), nor, in a fleet, a segment of an
 * unknown flow: a peer's record of it may still be on its way.
 */
static bool pl_eni_answers(struct pl_net *pn, const struct tcphdr *th,
			   int why)
{
	if (th->rst)
		return false;
	if (why == PL_DROP_NO_FLOW)
		return !(th->syn && !th->ack) && !pl_sync_on(pn);
	return why == PL_DROP_NO_BACKEND || why == PL_DROP_NO_SOURCE;
}

/* A TCP packet from a client to an ENI. */
static unsigned int pl_eni_rcv(struct pl_net *pn, struct sk_buff *skb,
			       struct pl_eni *eni, pl_okfn_t okfn)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = pl_tcp(skb);
	struct pl_tuple t = {
		.saddr.ip = iph->saddr, .daddr.ip = iph->daddr,
		.sport = th->source, .dport = th->dest, .family = AF_INET,
	};
	const struct pl_listener *l;
	bool created = false;
	struct pl_flow *f;
	enum pl_dir dir;
	int why;

	f = pl_flow_lookup(pn, &t, &dir);
	if (f)
		f = pl_flow_live(pn, f, dir, th);
	if (!f) {
		/* The client sends its SYN again in a second. */
		if (unlikely(pl_config_busy(pn)))
			return pl_reject(pn, eni, skb, PL_DROP_COMMIT);
		why = pl_eni_admit(eni, skb, th, &l);
		if (why == PL_PASS)
			f = pl_eni_flow(pn, eni, &t, l, &why);
		if (!f) {
			if (why == PL_DROP_NO_FLOW && !(th->syn && !th->ack) &&
			    pl_sync_hold(pn, skb, okfn, why))
				return NF_STOLEN;
			if (pl_eni_answers(pn, th, why))
				pl_rst_answer(pn->net, skb);
			return pl_reject(pn, eni, skb, why);
		}
		created = th->syn;
	}
	return pl_forward(pn, skb, f, PL_DIR_ORIG, created);
}

/* A TCP packet from a backend to a source address. */
static unsigned int pl_source_rcv(struct pl_net *pn, struct sk_buff *skb,
				  pl_okfn_t okfn)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = pl_tcp(skb);
	struct pl_tuple t = {
		.saddr.ip = iph->saddr, .daddr.ip = iph->daddr,
		.sport = th->source, .dport = th->dest, .family = AF_INET,
	};
	struct pl_flow *f;
	enum pl_dir dir;

	f = pl_flow_lookup(pn, &t, &dir);
	if (f)
		f = pl_flow_live(pn, f, dir, th);
	if (!f) {
		/* In a fleet, the flow may not have come from its peer yet. */
		if (pl_sync_hold(pn, skb, okfn, PL_DROP_UNKNOWN_REPLY))
			return NF_STOLEN;
		if (!th->rst && !pl_sync_on(pn))
			pl_rst_answer(pn->net, skb);
		return pl_drop(pn, NULL, PL_DROP_UNKNOWN_REPLY);
	}
	return pl_forward(pn, skb, f, PL_DIR_REPLY, false);
}

/*
 * An ICMP error about a packet pl sent for a flow goes to the flow's other
 * end, about the packet that end sent: this is what makes path MTU
 * discovery work through an endpoint. Every other ICMP message is dropped.
 */
static unsigned int pl_icmp_rcv(struct pl_net *pn, struct sk_buff *skb,
				struct pl_eni *eni)
{
	unsigned int off = ip_hdrlen(skb) + sizeof(struct icmphdr);
	enum pl_dir dir = eni ? PL_DIR_ORIG : PL_DIR_REPLY;
	struct pl_tuple key, o;
	enum pl_dir found;
	struct pl_flow *f;
	struct icmphdr *icmph;
	struct iphdr *in;
	unsigned int mtu;
	__be16 *ports;
	int why;

	if (!pskb_may_pull(skb, off))
		return pl_drop(pn, eni, PL_DROP_MALFORMED);
	icmph = (void *)ip_hdr(skb) + ip_hdrlen(skb);
	if (icmph->type != ICMP_DEST_UNREACH && icmph->type != ICMP_TIME_EXCEEDED)
		return eni ? pl_reject(pn, eni, skb, PL_DROP_NOT_TCP) :
			     pl_drop(pn, NULL, PL_DROP_NOT_TCP);
	if (!pskb_may_pull(skb, off + sizeof(*in)))
		return pl_drop(pn, eni, PL_DROP_MALFORMED);
	in = (struct iphdr *)(skb_network_header(skb) + off);
	if (in->version != 4 || in->ihl < 5 || in->protocol != IPPROTO_TCP ||
	    !pskb_may_pull(skb, off + in->ihl * 4 + 8))
		return pl_drop(pn, eni, PL_DROP_MALFORMED);
	in = (struct iphdr *)(skb_network_header(skb) + off);
	ports = (__be16 *)((void *)in + in->ihl * 4);
	key = (struct pl_tuple){ .saddr.ip = in->daddr, .daddr.ip = in->saddr,
				 .sport = ports[1], .dport = ports[0],
				 .family = AF_INET };
	f = pl_flow_lookup(pn, &key, &found);
	if (!f || found != dir || pl_flow_dead(f))
		return pl_drop(pn, eni, PL_DROP_UNKNOWN_REPLY);
	pl_flow_tuple(f, !dir, &o);
	why = pl_route(skb, o.saddr.ip, &mtu);
	if (why != PL_PASS)
		return pl_drop(pn, eni, why);
	if (pl_xlate_icmp(skb, &o, o.daddr.ip, o.saddr.ip))
		return pl_drop(pn, eni, PL_DROP_NO_MEMORY);
	pl_untrack(skb);
	return NF_ACCEPT;
}

/* Well-formed TCP with flags that make sense, headers in the linear part. */
static bool pl_tcp_valid(struct sk_buff *skb)
{
	unsigned int off = ip_hdrlen(skb);
	const struct tcphdr *th;

	if (!pskb_may_pull(skb, off + sizeof(*th)))
		return false;
	th = pl_tcp(skb);
	if (th->doff < sizeof(*th) / 4 || !pskb_may_pull(skb, off + th->doff * 4))
		return false;
	th = pl_tcp(skb);
	if (th->syn && (th->fin || th->rst))
		return false;
	return th->syn || th->rst || th->ack;
}

static unsigned int pl_rcv(struct pl_net *pn, struct sk_buff *skb,
			   struct pl_addr *a, pl_okfn_t okfn)
{
	struct pl_eni *eni = NULL;
	const struct iphdr *iph = ip_hdr(skb);

	if (a->kind == PL_ADDR_ENI)
		eni = container_of(a, struct pl_eni, addr);
	if (ip_is_fragment(iph))
		return pl_drop(pn, eni, PL_DROP_FRAGMENT);
	if (iph->ihl > 5)
		return pl_drop(pn, eni, PL_DROP_IP_OPTIONS);
	if (iph->protocol == IPPROTO_ICMP)
		return pl_icmp_rcv(pn, skb, eni);
	if (iph->protocol != IPPROTO_TCP)
		return eni ? pl_reject(pn, eni, skb, PL_DROP_NOT_TCP) :
			     pl_drop(pn, NULL, PL_DROP_NOT_TCP);
	if (!pl_tcp_valid(skb))
		return pl_drop(pn, eni, PL_DROP_MALFORMED);
	return eni ? pl_eni_rcv(pn, skb, eni, okfn) :
		     pl_source_rcv(pn, skb, okfn);
}

static unsigned int pl_ip_in(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct pl_net *pn = pl_net(state->net);
	struct pl_addr *a;

	if (!atomic_read(&pn->addrs.nelems))
		return NF_ACCEPT;
	a = pl_addr_lookup_rcu(&pn->addrs, ip_hdr(skb)->daddr);
	return a && pl_addr_serves(a) ? pl_rcv(pn, skb, a, state->okfn) :
					NF_ACCEPT;
}

static const struct nf_hook_ops pl_hook_ops[] = {
	{
		.hook = pl_ip_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_RAW + 10,
	},
	{
		.hook = pl_arp_in,
		.pf = NFPROTO_ARP,
		.hooknum = NF_ARP_IN,
		.priority = 0,
	},
};

/* Hooks go in when the namespace gets its first address. */
int pl_hooks_enable(struct pl_net *pn)
{
	int err;

	if (pn->hooks)
		return 0;
	err = pl_flows_start(pn);
	if (err)
		return err;
	err = nf_register_net_hooks(pn->net, pl_hook_ops,
				    ARRAY_SIZE(pl_hook_ops));
	if (!err)
		pn->hooks = true;
	return err;
}

void pl_hooks_disable(struct pl_net *pn)
{
	if (pn->hooks)
		nf_unregister_net_hooks(pn->net, pl_hook_ops,
					ARRAY_SIZE(pl_hook_ops));
	pn->hooks = false;
}
