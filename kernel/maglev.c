// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev table population. Table sizes are primes, about a hundred slots
 * per backend, so that shares stay within a few percent of the weights.
 */

#include <linux/kernel.h>
#include <linux/slab.h>

#include "maglev.h"

static const u32 pl_maglev_primes[] = {
	251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521,
};

/* The table size for n backends. */
u32 pl_maglev_size(u32 n)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pl_maglev_primes) - 1; i++) {
		if (pl_maglev_primes[i] >= 100 * n)
			break;
	}
	return pl_maglev_primes[i];
}

void pl_maglev_perm(struct pl_maglev_perm *p, u32 hash1, u32 hash2, u32 m,
		    u32 weight)
{
	p->offset = hash1 % m;
	p->skip = hash2 % (m - 1) + 1;
	p->weight = weight;
	p->slot = p->offset;
	p->credit = 0;
}

/*
 * The next slot of a backend's permutation, offset + k * skip mod m, that
 * is still empty. Stepping by skip, rather than dividing for each k, keeps
 * a division out of the loop that fills the table.
 */
static u32 pl_maglev_next(const u16 *table, u32 m, struct pl_maglev_perm *p)
{
	u32 slot;

	do {
		slot = p->slot;
		p->slot += p->skip;	/* skip < m: no overflow, one wrap */
		if (p->slot >= m)
			p->slot -= m;
	} while (table[slot] != PL_MAGLEV_EMPTY);
	return slot;
}

/*
 * Backends take turns claiming their next preferred empty slot until the
 * table is full. Each round, a backend earns weight/max-weight of a turn
 * and takes one when it has earned it, so that shares follow weights while
 * no backend takes more than one slot per round: a heavy backend early in
 * the list cannot fill the table before the others had a turn. Since m is
 * prime, every permutation visits every slot.
 */
void pl_maglev_fill(u16 *table, u32 m, struct pl_maglev_perm *perms, u16 n)
{
	u32 filled = 0, max = 0, t;
	u16 i;

	for (t = 0; t < m; t++)
		table[t] = PL_MAGLEV_EMPTY;
	for (i = 0; i < n; i++)
		max = max(max, perms[i].weight);
	if (!max)
		return;
	for (;;) {
		for (i = 0; i < n; i++) {
			struct pl_maglev_perm *p = &perms[i];

			p->credit += p->weight;
			if (p->credit < max)
				continue;
			p->credit -= max;
			table[pl_maglev_next(table, m, p)] = i;
			if (++filled == m)
				return;
		}
	}
}

#ifdef CONFIG_PL_SELFTEST
/* Shares follow weights; removing a backend moves little else. */
int pl_maglev_selftest(void)
{
	u32 m = pl_maglev_size(4), i, moved = 0, count[4] = {};
	struct pl_maglev_perm p[4];
	u16 *a, *b;
	int err = -EINVAL;

	a = kcalloc(2 * m, sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	b = a + m;
	for (i = 0; i < 4; i++)
		pl_maglev_perm(&p[i], i * 2654435761U, i * 40503U + 7, m,
			       i == 3 ? 2 : 1);
	pl_maglev_fill(a, m, p, 4);
	for (i = 0; i < m; i++)
		count[a[i]]++;
	if (count[3] < count[0] * 3 / 2)
		goto out;
	for (i = 0; i < 3; i++)
		pl_maglev_perm(&p[i], i * 2654435761U, i * 40503U + 7, m, 1);
	pl_maglev_fill(b, m, p, 3);
	for (i = 0; i < m; i++)
		moved += a[i] != 3 && a[i] != b[i];
	if (moved < m / 10)
		err = 0;
out:
	kfree(a);
	return err;
}
#else
int pl_maglev_selftest(void)
{
	return 0;
}
#endif
