/* SPDX-License-Identifier: GPL-2.0 */
/* TCP resets that pl sends on its own. */

#ifndef _PL_RST_H
#define _PL_RST_H

#include <linux/types.h>

struct net;
struct sk_buff;

void pl_rst_send(struct net *net, __be32 saddr, __be32 daddr, __be16 sport,
		 __be16 dport, u32 seq, u32 ack);
void pl_rst_answer(struct net *net, const struct sk_buff *skb);

#endif /* _PL_RST_H */
