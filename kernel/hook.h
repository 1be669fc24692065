/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks of the packet path. */

#ifndef _PL_HOOK_H
#define _PL_HOOK_H

struct pl_net;

int pl_hooks_enable(struct pl_net *pn);
void pl_hooks_disable(struct pl_net *pn);

#endif /* _PL_HOOK_H */
