/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The addresses pl owns in a namespace: endpoint IPs (ENIs) and services'
 * source addresses. One table holds both, so that no address is taken
 * twice, and so that the packet path finds the owner of a destination
 * address with one lookup.
 */

#ifndef _PL_ADDR_H
#define _PL_ADDR_H

#include <linux/rhashtable.h>

enum pl_addr_kind {
	PL_ADDR_ENI,
	PL_ADDR_SOURCE,
};

struct pl_addr {
	struct rhash_head node;
	__be32 addr;
	u8 kind;		/* enum pl_addr_kind */
};

int pl_addrs_init(struct rhashtable *ht);
void pl_addrs_destroy(struct rhashtable *ht);
struct pl_addr *pl_addr_lookup(struct rhashtable *ht, __be32 addr);
struct pl_addr *pl_addr_lookup_rcu(struct rhashtable *ht, __be32 addr);
int pl_addr_insert(struct rhashtable *ht, struct pl_addr *a);
void pl_addr_remove(struct rhashtable *ht, struct pl_addr *a);

#endif /* _PL_ADDR_H */
