// SPDX-License-Identifier: GPL-2.0
/*
 * The address table. Writers hold the namespace's configuration lock;
 * readers hold rcu_read_lock(), and the owners of the entries free them
 * after a grace period.
 */

#include "addr.h"

static const struct rhashtable_params pl_addr_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct pl_addr, addr),
	.head_offset = offsetof(struct pl_addr, node),
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

/* Fails with -EEXIST when the address is taken, changing nothing. */
int pl_addr_insert(struct rhashtable *ht, struct pl_addr *a)
{
	return rhashtable_lookup_insert_fast(ht, &a->node, pl_addr_params);
}

void pl_addr_remove(struct rhashtable *ht, struct pl_addr *a)
{
	rhashtable_remove_fast(ht, &a->node, pl_addr_params);
}
