/* SPDX-License-Identifier: GPL-2.0 */
/* Answering ARP for the addresses pl owns. */

#ifndef _PL_ARP_H
#define _PL_ARP_H

#include <linux/netfilter.h>

unsigned int pl_arp_in(void *priv, struct sk_buff *skb,
		       const struct nf_hook_state *state);

#endif /* _PL_ARP_H */
