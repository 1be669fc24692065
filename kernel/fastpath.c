// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path. A packet of an established flow, once the hook has routed
 * and translated it, goes from the hook straight to its next hop, as
 * nf_flow_table's do, instead of back through ip_rcv_finish(),
 * ip_forward(), the FORWARD and POSTROUTING hooks and ip_finish_output().
 *
 * Nothing is cached that could go stale. The route is the one the hook
 * looked up for this packet (ip_route_input_noref(): the stack's own cache
 * of the route per next hop, which any route change invalidates), and the
 * neighbour is found for each packet, as ip_finish_output2() finds it. So a
 * route change, a neighbour flushed or an MTU changed is seen by the very
 * next packet. What needs the stack's judgement takes the full path:
 * SYN, FIN and RST segments, a flow before its handshake completed (so
 * that each direction crossed the FORWARD hook) or once it closes, a packet
 * over the egress MTU (to be fragmented), and everything when IPsec
 * policies exist. Fragments and IP options never reach here: the hook
 * drops them.
 */

#include <linux/tcp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "fastpath.h"
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

/*
 * May the packet take the fast path? state: the flow's before this packet;
 * mtu: the next hop's, as the hook found it when it checked TTL and the
 * MTU of packets that may not be fragmented.
 */
bool pl_fast_ok(const struct pl_net *pn, u8 state, const struct sk_buff *skb,
		const struct tcphdr *th, unsigned int mtu)
{
	if (!READ_ONCE(pn->fast_path) || state != PL_FLOW_STATE_ESTABLISHED ||
	    th->syn || th->fin || th->rst || skb->pkt_type != PACKET_HOST ||
	    skb_rtable(skb)->rt_type != RTN_UNICAST ||
	    pl_fast_xfrm(pn->net, skb))
		return false;
	return skb->len <= mtu ||
	       (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu));
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
