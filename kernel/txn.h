/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions (config-apply): many requests carried out all or none.
 *
 * The requests run one after another through their ordinary handlers, in
 * a staging phase that the packet path cannot see: additions are made but
 * not served (their addresses are not probed or answered, their backends
 * are in no load-balancing snapshot), deletions only hide objects from
 * lookups (pl_table_hide()) and release what they hold for the rest of
 * the transaction, and changes (set requests) are validated and kept for
 * later. An error anywhere undoes the staging, in reverse. A commit holds
 * off new flows (pl_config_busy()) and waits for the packet path to
 * leave, then carries out the changes, finishes the deletions, serves the
 * additions and rebuilds the snapshots, and lets new flows in again.
 */

#ifndef _PL_TXN_H
#define _PL_TXN_H

#include <linux/list.h>
#include <linux/skbuff.h>

#include "netlink.h"

struct genl_info;
struct nlattr;
struct pl_net;
struct pl_req;

/* What a transaction does with one kind of object. */
struct pl_txn_kind {
	size_t table;	/* offsetof(struct pl_net, its table), or 0 */
	/* Add d (+1 or -1) to the counters of what the object uses. */
	void (*count)(struct pl_net *pn, void *obj, int d);
	/* A staged deletion, at the commit: what a deletion does. */
	void (*destroy)(struct pl_net *pn, void *obj);
	/* A staged addition, at the commit, or at an abort. */
	void (*publish)(struct pl_net *pn, void *obj);
	void (*unmake)(struct pl_net *pn, void *obj);
};

enum pl_txn_phase {
	PL_TXN_STAGE,
	PL_TXN_COMMIT,
};

struct pl_txn {
	struct genl_info *info;		/* the config-apply request */
	struct task_struct *owner;	/* runs the requests, holding the lock */
	struct list_head recs;		/* struct pl_txn_rec, in order */
	struct pl_txn_rec *spare;	/* for the request being run */
	struct sk_buff_head notes;	/* notifications, sent at the commit */
	u32 n_notes;
	bool notes_lost;
	bool hooks;			/* an address was added */
	bool dns;			/* private DNS names to check */
	u8 phase;			/* enum pl_txn_phase */
	const struct nlattr *op;	/* the request being run */
	struct nlattr *op_attrs;	/* ... and its attributes */
	int op_len;
	u32 added, changed, deleted;
	u32 deferred;			/* set requests, run at the commit */
	u32 config_gen;			/* pn->config_gen before */
	bool check;			/* validate only */
	char msg[PL_MSG_LEN];		/* why the request failed */
};

static inline bool pl_txn_staging(const struct pl_txn *t)
{
	return t && t->phase == PL_TXN_STAGE;
}

static inline bool pl_txn_committing(const struct pl_txn *t)
{
	return t && t->phase == PL_TXN_COMMIT;
}

int pl_txn_del(struct pl_net *pn, const struct pl_txn_kind *k, void *obj);
bool pl_txn_added(struct pl_net *pn, const struct pl_txn_kind *k, void *obj);
bool pl_txn_defer(struct pl_req *req);
int pl_txn_keep(struct pl_net *pn, const struct pl_txn_kind *k, void *obj);
int pl_txn_hooks(struct pl_net *pn);
void pl_txn_note(struct pl_net *pn, u8 cmd, struct sk_buff *skb);

#endif /* _PL_TXN_H */
