// SPDX-License-Identifier: GPL-2.0
/*
 * Address and port translation, with incremental checksum updates that
 * keep CHECKSUM_PARTIAL, CHECKSUM_COMPLETE and GSO packets valid, the way
 * nf_nat does.
 */

#include <linux/icmp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "flow.h"
#include "xlate.h"

/* Give a TCP packet (writable headers) the addresses and ports of to. */
void pl_xlate_tcp(struct sk_buff *skb, const struct pl_tuple *to)
{
	struct iphdr *iph = ip_hdr(skb);
	struct tcphdr *th = (void *)iph + iph->ihl * 4;

	inet_proto_csum_replace4(&th->check, skb, iph->saddr, to->saddr.ip, true);
	inet_proto_csum_replace4(&th->check, skb, iph->daddr, to->daddr.ip, true);
	inet_proto_csum_replace2(&th->check, skb, th->source, to->sport, false);
	inet_proto_csum_replace2(&th->check, skb, th->dest, to->dport, false);
	csum_replace4(&iph->check, iph->saddr, to->saddr.ip);
	csum_replace4(&iph->check, iph->daddr, to->daddr.ip);
	iph->saddr = to->saddr.ip;
	iph->daddr = to->daddr.ip;
	th->source = to->sport;
	th->dest = to->dport;
}

/* The quoted TCP header holds its checksum only when quoted long enough. */
static void pl_xlate_quoted(struct sk_buff *skb, struct iphdr *in,
			    const struct pl_tuple *to, unsigned int avail)
{
	struct tcphdr *th = (void *)in + in->ihl * 4;

	if (avail >= offsetofend(struct tcphdr, check)) {
		csum_replace4(&th->check, in->saddr, to->saddr.ip);
		csum_replace4(&th->check, in->daddr, to->daddr.ip);
		csum_replace2(&th->check, th->source, to->sport);
		csum_replace2(&th->check, th->dest, to->dport);
	}
	csum_replace4(&in->check, in->saddr, to->saddr.ip);
	csum_replace4(&in->check, in->daddr, to->daddr.ip);
	in->saddr = to->saddr.ip;
	in->daddr = to->daddr.ip;
	th->source = to->sport;
	th->dest = to->dport;
}

/*
 * Rewrite an ICMP error: the quoted packet becomes inner, the outer header
 * goes from saddr to daddr. The caller checked that the quoted IP header
 * and 8 bytes of TCP are in the packet.
 */
int pl_xlate_icmp(struct sk_buff *skb, const struct pl_tuple *inner,
		  __be32 saddr, __be32 daddr)
{
	unsigned int off = ip_hdrlen(skb), in_off, avail;
	struct icmphdr *icmph;
	struct iphdr *iph, *in;

	if (skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	iph = ip_hdr(skb);
	icmph = (void *)iph + off;
	in = (void *)(icmph + 1);
	in_off = off + sizeof(*icmph) + in->ihl * 4;
	avail = skb->len - in_off;
	pl_xlate_quoted(skb, in, inner, avail);
	icmph->checksum = 0;
	icmph->checksum = csum_fold(skb_checksum(skb, off, skb->len - off, 0));
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	csum_replace4(&iph->check, iph->saddr, saddr);
	csum_replace4(&iph->check, iph->daddr, daddr);
	iph->saddr = saddr;
	iph->daddr = daddr;
	return 0;
}
