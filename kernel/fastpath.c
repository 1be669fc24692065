// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path. A packet of an established flow, once the hook has routed
 * and translated it, goes from the hook straight to its next hop, as
 * nf_flow_table's do, instead of back through ip_rcv_finish(),
 * ip_forward(), the FORWARD and POSTROUTING hooks and ip_finish_output().
 *
 * Each direction of a flow keeps its route (its dst), as the flowtable's
 * flows do: a packet on the fast path skips the routing lookup, two FIB
 * lookups with the source check. The route is checked before each use
 * (dst_check(): any route change, a new PMTU exception or the device's
 * going makes it stale) and looked up again then. The neighbour is found
 * for each packet, as ip_finish_output2() finds it, and the MTU and TTL
 * are checked against the route for each packet, so that a neighbour
 * flushed or an MTU changed is seen by the very next packet. The route
 * costs 16 bytes a flow. What needs the stack's judgement takes the full
 * path, with a route looked up for it: SYN, FIN and RST segments, a flow
 * before its handshake completed (so that each direction crossed the
 * FORWARD hook) or once it closes, a packet over the egress MTU (to be
 * fragmented), and everything when IPsec policies exist. Fragments and IP
 * options never reach here: the hook drops them. The cached route skips
 * the source check (rp_filter) after the flow's first packets passed it,
 * as the flowtable's does.
 */

#include <linux/tcp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "fastpath.h"
#include "flow.h"
#include "net.h"

/* Would the stack's forwarding path do more than the fast path does? */
static bool pl_fast_xfrm(const struct net *net, const struct sk_buff *skb)
{
#ifdef CONFIG_XFRM
	return READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_OUT]) ||
	       READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_FWD]) ||
	       skb_sec_path(skb);
#else
	return false;
#endif
}

/* May a packet of a flow in this state take the fast path, if it fits? */
static bool pl_fast_may(const struct pl_net *pn, u8 state,
			const struct sk_buff *skb, const struct tcphdr *th)
{
	return READ_ONCE(pn->fast_path) && state == PL_FLOW_STATE_ESTABLISHED &&
	       !th->syn && !th->fin && !th->rst &&
	       skb->pkt_type == PACKET_HOST && !pl_fast_xfrm(pn->net, skb);
}

/* Does the packet fit the next hop's MTU as it is (or as GSO segments)? */
bool pl_fast_fits(const struct sk_buff *skb, unsigned int mtu)
{
	return skb->len <= mtu ||
	       (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu));
}

/*
 * May the packet take the fast path? state: the flow's before this packet;
 * mtu: the next hop's, as the hook found it when it checked TTL and the
 * MTU of packets that may not be fragmented.
 */
bool pl_fast_ok(const struct pl_net *pn, u8 state, const struct sk_buff *skb,
		const struct tcphdr *th, unsigned int mtu)
{
	return pl_fast_may(pn, state, skb, th) &&
	       skb_rtable(skb)->rt_type == RTN_UNICAST && pl_fast_fits(skb, mtu);
}

/* Drop the direction's route, if it is still old. */
static void pl_fast_drop(struct pl_flow *f, enum pl_dir dir,
			 struct dst_entry *old)
{
	if (cmpxchg((__force struct dst_entry **)&f->dst[dir], old, NULL) == old)
		dst_release(old);
}

/*
 * Give a packet that may take the fast path its flow's route for the
 * direction, unless that route is stale (then dropped) or there is none:
 * true when it did, and then only pl_fast_fits() is left to ask of the
 * packet (a route is kept only for unicast). Under RCU: the route, whose memory outlives a grace
 * period after its last release, is the packet's without a reference, as
 * ip_route_input_noref() gives it.
 */
bool pl_fast_route(const struct pl_net *pn, struct pl_flow *f,
		   enum pl_dir dir, u8 state, struct sk_buff *skb,
		   const struct tcphdr *th)
{
	struct dst_entry *dst = rcu_dereference(f->dst[dir]);

	if (!dst || !pl_fast_may(pn, state, skb, th))
		return false;
	if (!dst_check(dst, 0)) {
		pl_fast_drop(f, dir, dst);
		return false;
	}
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	return true;
}

/* Keep the route a fast packet of the flow took, for the next ones. */
void pl_fast_keep(struct pl_flow *f, enum pl_dir dir, struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb);

	if (rcu_access_pointer(f->dst[dir]) || !dst_hold_safe(dst))
		return;
	if (cmpxchg((__force struct dst_entry **)&f->dst[dir], NULL, dst))
		dst_release(dst);	/* another CPU kept one first */
}

/* The flow is being freed: its routes go. */
void pl_fast_forget(struct pl_flow *f)
{
	enum pl_dir dir;

	for (dir = PL_DIR_ORIG; dir <= PL_DIR_REPLY; dir++)
		dst_release(rcu_dereference_protected(f->dst[dir], true));
}

/*
 * Send a translated packet to its next hop on the route the hook found, as
 * ip_forward() and ip_finish_output2() would. PL_PASS when sent (the
 * packet is gone), or why it is dropped.
 */
int pl_fast_xmit(struct pl_net *pn, struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct net_device *dev = rt->dst.dev;
	struct neighbour *neigh;
	bool is_v6gw = false;
	struct iphdr *iph;

	if (skb_cow(skb, LL_RESERVED_SPACE(dev) + rt->dst.header_len))
		return PL_DROP_NO_MEMORY;
	iph = ip_hdr(skb);
	ip_decrease_ttl(iph);
	skb_forward_csum(skb);
	skb->priority = rt_tos2priority(iph->tos);
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	skb_clear_tstamp(skb);
	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	neigh = ip_neigh_for_gw(rt, skb, &is_v6gw);
	if (IS_ERR(neigh))
		return PL_DROP_NO_ROUTE;
	this_cpu_inc(pn->stats->fast_path);
	neigh_output(neigh, skb, is_v6gw);
	return PL_PASS;
}
