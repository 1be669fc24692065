/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016), with weights:
 * fills a lookup table so that each backend owns a share of the slots in
 * proportion to its weight, and so that adding or removing one backend
 * moves few slots of the others.
 */

#ifndef _PL_MAGLEV_H
#define _PL_MAGLEV_H

#include <linux/types.h>

#define PL_MAGLEV_EMPTY 0xffff

/* One backend: where its permutation starts, its step, and its weight. */
struct pl_maglev_perm {
	u32 offset;
	u32 skip;
	u32 weight;
	u32 slot;			/* scratch: the permutation's next slot */
	u32 credit;			/* scratch: turns earned, times max weight */
};

u32 pl_maglev_size(u32 n);
void pl_maglev_perm(struct pl_maglev_perm *p, u32 hash1, u32 hash2, u32 m,
		    u32 weight);
void pl_maglev_fill(u16 *table, u32 m, struct pl_maglev_perm *perms, u16 n);
int pl_maglev_selftest(void);

#endif /* _PL_MAGLEV_H */
