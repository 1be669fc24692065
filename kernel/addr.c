// SPDX-License-Identifier: GPL-2.0
/*
 * The address table. Writers hold the namespace's configuration lock;
 * readers hold rcu_read_lock(), and the owners of the entries free them
 * after a grace period.
 */

#include <linux/jhash.h>

#include "addr.h"

/*
 * Every packet pl's hook sees is looked up here, so the key's hash and
 * comparison are a word's, inlined, not jhash2() and memcmp() calls.
 */
static u32 pl_addr_hash(const void *data, u32 len, u32 seed)
{
	return jhash_1word(*(const u32 *)data, seed);
}

static int pl_addr_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct pl_addr *a = obj;

	return a->addr != *(const __be32 *)arg->key;
}

static const struct rhashtable_params pl_addr_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct pl_addr, addr),
	.head_offset = offsetof(struct pl_addr, node),
	.hashfn = pl_addr_hash,
	.obj_cmpfn = pl_addr_cmp,
	.automatic_shrinking = true,
};

int pl_addrs_init(struct rhashtable *ht)
{
	return rhashtable_init(ht, &pl_addr_params);
}

void pl_addrs_destroy(struct rhashtable *ht)
{
	WARN_ON(atomic_read(&ht->nelems));
	rhashtable_destroy(ht);
}

struct pl_addr *pl_addr_lookup(struct rhashtable *ht, __be32 addr)
{
	return rhashtable_lookup_fast(ht, &addr, pl_addr_params);
}

/* The same, for the packet path, which holds rcu_read_lock() already. */
struct pl_addr *pl_addr_lookup_rcu(struct rhashtable *ht, __be32 addr)
{
	return rhashtable_lookup(ht, &addr, pl_addr_params);
}

/* Fails with -EEXIST when the address is taken, changing nothing. */
int pl_addr_insert(struct rhashtable *ht, struct pl_addr *a)
{
	return rhashtable_lookup_insert_fast(ht, &a->node, pl_addr_params);
}

void pl_addr_remove(struct rhashtable *ht, struct pl_addr *a)
{
	rhashtable_remove_fast(ht, &a->node, pl_addr_params);
}
