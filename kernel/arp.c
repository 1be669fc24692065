// SPDX-License-Identifier: GPL-2.0
/*
 * The router answers ARP for every ENI IP it serves on the interface that
 * faces the ENI's subnet (its dev, or the one its connected route goes out
 * of), and for every source address toward the hosts that ask for it (on
 * the interface the route back to the asker goes out of). Nobody adds an
 * address or a route by hand.
 *
 * Every ARP packet from another host that uses one of pl's addresses as
 * its sender, or probes for one pl is probing, goes to conflict detection
 * (acd.c).
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <net/arp.h>
#include <net/route.h>

#include "acd.h"
#include "addr.h"
#include "arp.h"
#include "endpoint.h"
#include "net.h"
#include "stats.h"
#include "subnet.h"

/* The interface the route to addr goes out of, or 0. */
static int pl_route_ifindex(struct net *net, __be32 addr)
{
	struct flowi4 fl4 = { .daddr = addr };
	struct rtable *rt;
	int ifindex;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return 0;
	ifindex = rt->rt_type == RTN_UNICAST ? rt->dst.dev->ifindex : 0;
	ip_rt_put(rt);
	return ifindex;
}

static bool pl_arp_ours(struct net *net, const struct pl_addr *a,
			const struct net_device *dev, __be32 sip, __be32 tip)
{
	const struct pl_eni *eni;

	if (a->kind == PL_ADDR_SOURCE)
		return sip && pl_route_ifindex(net, sip) == dev->ifindex;
	eni = container_of(a, struct pl_eni, addr);
	if (eni->subnet->ifindex)
		return eni->subnet->ifindex == dev->ifindex;
	return pl_route_ifindex(net, tip) == dev->ifindex;
}

/* Answer for tip; a reply that finds no memory is counted. */
static void pl_arp_reply(struct pl_net *pn, struct pl_addr *a,
			 struct net_device *dev, __be32 sip, __be32 tip,
			 const u8 *sha)
{
	struct sk_buff *reply;

	if (dev->flags & IFF_NOARP)
		return;
	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha,
			   dev->dev_addr, sha);
	if (!reply) {
		pl_count_drop(pn, a->kind == PL_ADDR_SOURCE ? NULL :
			      container_of(a, struct pl_eni, addr),
			      PL_DROP_NO_MEMORY);
		return;
	}
	arp_xmit(reply);
}

/*
 * Another host sent this ARP packet: does it claim one of pl's addresses
 * (as its sender), or probe for one that pl is probing (RFC 5227 2.1.1)?
 */
static void pl_arp_conflicts(struct pl_net *pn, __be16 op, const u8 *sha,
			     __be32 sip, __be32 tip)
{
	struct pl_addr *a;

	if (sip) {
		a = pl_addr_lookup_rcu(&pn->addrs, sip);
		if (a)
			pl_acd_seen(pn, a, sha);
		return;
	}
	if (op != htons(ARPOP_REQUEST))
		return;
	a = pl_addr_lookup_rcu(&pn->addrs, tip);
	if (a && READ_ONCE(a->state) == PL_ADDR_STATE_PROBING)
		pl_acd_seen(pn, a, sha);
}

unsigned int pl_arp_in(void *priv, struct sk_buff *skb,
		       const struct nf_hook_state *state)
{
	struct net_device *dev = state->in;
	struct pl_net *pn = pl_net(state->net);
	const struct arphdr *arp;
	const u8 *sha, *p;
	struct pl_addr *a;
	__be32 sip, tip;

	if (!atomic_read(&pn->addrs.nelems) || dev->type != ARPHRD_ETHER ||
	    !pskb_may_pull(skb, arp_hdr_len(dev)))
		return NF_ACCEPT;
	arp = arp_hdr(skb);
	if ((arp->ar_op != htons(ARPOP_REQUEST) &&
	     arp->ar_op != htons(ARPOP_REPLY)) ||
	    arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != sizeof(__be32))
		return NF_ACCEPT;
	p = (const u8 *)(arp + 1);
	sha = p;
	memcpy(&sip, p + ETH_ALEN, sizeof(sip));
	memcpy(&tip, p + 2 * ETH_ALEN + sizeof(sip), sizeof(tip));
	if (!ether_addr_equal(sha, dev->dev_addr))
		pl_arp_conflicts(pn, arp->ar_op, sha, sip, tip);
	if (arp->ar_op != htons(ARPOP_REQUEST))
		return NF_ACCEPT;
	a = pl_addr_lookup_rcu(&pn->addrs, tip);
	if (!a || !pl_addr_serves(a) || !pl_arp_ours(state->net, a, dev, sip, tip))
		return NF_ACCEPT;
	pl_arp_reply(pn, a, dev, sip, tip, sha);
	return NF_DROP;
}
