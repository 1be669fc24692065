/* SPDX-License-Identifier: GPL-2.0 */
/* Rewriting packets from one direction of a flow to the other. */

#ifndef _PL_XLATE_H
#define _PL_XLATE_H

#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>

struct pl_tuple;

/* pl keeps its own flow state: keep conntrack from tracking it twice. */
static inline void pl_untrack(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
#endif
}

void pl_xlate_tcp(struct sk_buff *skb, const struct pl_tuple *to);
int pl_xlate_icmp(struct sk_buff *skb, const struct pl_tuple *inner,
		  __be32 saddr, __be32 daddr);

#endif /* _PL_XLATE_H */
