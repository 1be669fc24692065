/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table of configuration objects: an rhashtable finds one by key, an
 * allocating xarray orders them by creation for dumps that resume where
 * they stopped, and a limit bounds how many there may be.
 */

#ifndef _PL_TABLE_H
#define _PL_TABLE_H

#include <linux/rhashtable.h>
#include <linux/xarray.h>
#include <uapi/linux/pl.h>

#define PL_NAME_LEN (PL_NAME_MAX + 1)

/* A name, or a (parent object id, address) pair, zero padded. */
union pl_key {
	char name[PL_NAME_LEN];
	struct {
		u32 parent;
		__be32 addr;
	} pair;
};

struct pl_obj {
	struct rhash_head node;
	u32 id;
	u8 hidden;		/* deleted by a transaction not committed yet */
	union pl_key key;
};

struct pl_table {
	struct rhashtable ht;
	struct xarray xa;
	u32 next_id;
	u32 count;
	u32 max;
	const char *what;	/* "AZ", "subnet", ... for messages */
};

int pl_table_init(struct pl_table *t, const char *what, u32 max);
void pl_table_destroy(struct pl_table *t);
struct pl_obj *pl_table_lookup(struct pl_table *t, const union pl_key *key);
int pl_table_insert(struct pl_table *t, struct pl_obj *obj);
void pl_table_remove(struct pl_table *t, struct pl_obj *obj);
void pl_table_hide(struct pl_table *t, struct pl_obj *obj);
void pl_table_unhide(struct pl_table *t, struct pl_obj *obj);
struct pl_obj *pl_table_next(struct pl_table *t, u32 *id);

static inline bool pl_table_full(const struct pl_table *t)
{
	return t->count >= t->max;
}

void pl_key_name(union pl_key *key, const char *name);
void pl_key_pair(union pl_key *key, u32 parent, __be32 addr);

#endif /* _PL_TABLE_H */
