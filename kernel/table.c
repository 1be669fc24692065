// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration object tables. Writers hold the namespace's configuration
 * lock; lookups also work under RCU, and objects are freed after a grace
 * period by their owners.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "table.h"

static const struct rhashtable_params pl_table_params = {
	.key_len = sizeof(union pl_key),
	.key_offset = offsetof(struct pl_obj, key),
	.head_offset = offsetof(struct pl_obj, node),
	.automatic_shrinking = true,
};

int pl_table_init(struct pl_table *t, const char *what, u32 max)
{
	xa_init_flags(&t->xa, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	t->next_id = 1;
	t->count = 0;
	t->max = max;
	t->what = what;
	return rhashtable_init(&t->ht, &pl_table_params);
}

/* The owner has removed and freed every object already. */
void pl_table_destroy(struct pl_table *t)
{
	WARN_ON(t->count || !xa_empty(&t->xa));
	rhashtable_destroy(&t->ht);
	xa_destroy(&t->xa);
}

struct pl_obj *pl_table_lookup(struct pl_table *t, const union pl_key *key)
{
	return rhashtable_lookup_fast(&t->ht, key, pl_table_params);
}

/* Fails with -EEXIST when the key is taken, changing nothing. */
int pl_table_insert(struct pl_table *t, struct pl_obj *obj)
{
	int err;

	err = xa_alloc_cyclic(&t->xa, &obj->id, obj, xa_limit_32b,
			      &t->next_id, GFP_KERNEL_ACCOUNT);
	if (err < 0)
		return err;
	err = rhashtable_lookup_insert_fast(&t->ht, &obj->node,
					    pl_table_params);
	if (err) {
		xa_erase(&t->xa, obj->id);
		return err;
	}
	t->count++;
	return 0;
}

void pl_table_remove(struct pl_table *t, struct pl_obj *obj)
{
	if (!obj->hidden) {
		rhashtable_remove_fast(&t->ht, &obj->node, pl_table_params);
		t->count--;
	}
	xa_erase(&t->xa, obj->id);
}

/*
 * A transaction deletes the object: lookups stop finding it, and its key
 * and its place under the limit are free for the rest of the transaction,
 * but it keeps its id (its place in dumps) until the commit removes it or
 * an abort brings it back.
 */
void pl_table_hide(struct pl_table *t, struct pl_obj *obj)
{
	rhashtable_remove_fast(&t->ht, &obj->node, pl_table_params);
	t->count--;
	obj->hidden = 1;
}

void pl_table_unhide(struct pl_table *t, struct pl_obj *obj)
{
	/* Its bucket had room a moment ago: this does not fail. */
	WARN_ON_ONCE(rhashtable_insert_fast(&t->ht, &obj->node,
					    pl_table_params));
	t->count++;
	obj->hidden = 0;
}

/* The first object whose id is *id or above; *id is set to its id. */
struct pl_obj *pl_table_next(struct pl_table *t, u32 *id)
{
	unsigned long index = *id;
	struct pl_obj *obj;

	obj = xa_find(&t->xa, &index, U32_MAX, XA_PRESENT);
	if (obj)
		*id = index;
	return obj;
}

void pl_key_name(union pl_key *key, const char *name)
{
	memset(key, 0, sizeof(*key));
	strscpy(key->name, name, sizeof(key->name));
}

void pl_key_pair(union pl_key *key, u32 parent, __be32 addr)
{
	memset(key, 0, sizeof(*key));
	key->pair.parent = parent;
	key->pair.addr = addr;
}
