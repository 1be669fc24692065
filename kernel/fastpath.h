/* SPDX-License-Identifier: GPL-2.0 */
/* The fast path of established flows: see fastpath.c. */

#ifndef _PL_FASTPATH_H
#define _PL_FASTPATH_H

#include <linux/types.h>

#include "flow.h"

struct pl_net;
struct sk_buff;
struct tcphdr;

bool pl_fast_fits(const struct sk_buff *skb, unsigned int mtu);
bool pl_fast_ok(const struct pl_net *pn, u8 state, const struct sk_buff *skb,
		const struct tcphdr *th, unsigned int mtu);
bool pl_fast_route(const struct pl_net *pn, struct pl_flow *f,
		   enum pl_dir dir, u8 state, struct sk_buff *skb,
		   const struct tcphdr *th);
void pl_fast_keep(struct pl_flow *f, enum pl_dir dir, struct sk_buff *skb);
void pl_fast_forget(struct pl_flow *f);
int pl_fast_xmit(struct pl_net *pn, struct sk_buff *skb);

#endif /* _PL_FASTPATH_H */
