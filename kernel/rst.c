// SPDX-License-Identifier: GPL-2.0
/*
 * TCP resets pl sends itself: to the client of a packet that belongs to no
 * flow, and to both ends of a flow whose backend went away. They come from
 * the addresses the receiver talks to (an ENI, a source address), which
 * are not local to the router.
 */

#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "flow.h"
#include "rst.h"
#include "xlate.h"

static void pl_rst_xmit(struct net *net, __be32 saddr, __be32 daddr,
			__be16 sport, __be16 dport, u32 seq, u32 ack,
			bool with_ack)
{
	struct flowi4 fl4 = {
		.daddr = daddr,
		.saddr = saddr,
		.flowi4_proto = IPPROTO_TCP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.fl4_sport = sport,
		.fl4_dport = dport,
	};
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	skb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + sizeof(*th), GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	skb_set_transport_header(skb, skb->len);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(seq);
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	if (with_ack) {
		th->ack = 1;
		th->ack_seq = htonl(ack);
	}
	th->check = tcp_v4_check(sizeof(*th), saddr, daddr,
				 csum_partial(th, sizeof(*th), 0));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->tot_len = htons(skb->len);
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	pl_untrack(skb);
	ip_local_out(net, NULL, skb);
}

/*
 * A RST with ACK to the sender of t's packets, from their receiver: seq is
 * what the sender expects next, ack what it sent. (Flows are IPv4 until
 * the packet path takes IPv6.)
 */
void pl_rst_send(struct net *net, const struct pl_tuple *t, u32 seq, u32 ack)
{
	if (t->family == AF_INET)
		pl_rst_xmit(net, t->daddr.ip, t->saddr.ip, t->dport, t->sport,
			    seq, ack, true);
}

/* Answer a TCP packet (validated, not a RST) as a host with no socket would. */
void pl_rst_answer(struct net *net, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = (const void *)iph + iph->ihl * 4;
	u32 len = ntohs(iph->tot_len) - iph->ihl * 4 - th->doff * 4;

	if (th->ack)
		pl_rst_xmit(net, iph->daddr, iph->saddr, th->dest, th->source,
			    ntohl(th->ack_seq), 0, false);
	else
		pl_rst_xmit(net, iph->daddr, iph->saddr, th->dest, th->source,
			    0, ntohl(th->seq) + len + th->syn + th->fin, true);
}
