/* SPDX-License-Identifier: GPL-2.0 */
/* TCP resets that pl sends on its own. */

#ifndef _PL_RST_H
#define _PL_RST_H

#include <linux/types.h>

struct net;
struct pl_tuple;
struct sk_buff;

void pl_rst_send(struct net *net, const struct pl_tuple *t, u32 seq, u32 ack);
void pl_rst_answer(struct net *net, const struct sk_buff *skb);

#endif /* _PL_RST_H */
