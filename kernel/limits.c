// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's limits: how many objects of each kind and how many flows
 * it may hold, shown (limits-get) and changed (limits-set) over netlink.
 */

#include <linux/slab.h>

#include "netlink.h"
#include "txn.h"

/* The namespace's limits, and how much of each is in use; obj is unused. */
static int pl_limits_fill(struct sk_buff *skb, struct pl_net *pn,
			  const void *obj)
{
	if (nla_put_u32(skb, PL_A_LIMITS_MAX_AZS, pn->azs.max) ||
	    nla_put_u32(skb, PL_A_LIMITS_MAX_SUBNETS, pn->subnets.max) ||
	    nla_put_u32(skb, PL_A_LIMITS_MAX_SERVICES, pn->services.max) ||
	    nla_put_u32(skb, PL_A_LIMITS_MAX_BACKENDS, pn->backends.max) ||
	    nla_put_u32(skb, PL_A_LIMITS_MAX_ENDPOINTS, pn->endpoints.max) ||
	    nla_put_u32(skb, PL_A_LIMITS_MAX_FLOWS, READ_ONCE(pn->flows.max)) ||
	    nla_put_u32(skb, PL_A_LIMITS_AZS, pn->azs.count) ||
	    nla_put_u32(skb, PL_A_LIMITS_SUBNETS, pn->subnets.count) ||
	    nla_put_u32(skb, PL_A_LIMITS_SERVICES, pn->services.count) ||
	    nla_put_u32(skb, PL_A_LIMITS_BACKENDS, pn->backends.count) ||
	    nla_put_u32(skb, PL_A_LIMITS_ENDPOINTS, pn->endpoints.count) ||
	    nla_put_u32(skb, PL_A_LIMITS_FLOWS, atomic_read(&pn->flows.count)) ||
	    nla_put_u32(skb, PL_A_LIMITS_MAX_REJECT_LOGS,
			READ_ONCE(pn->flows.rejects.max)) ||
	    nla_put_u8(skb, PL_A_LIMITS_FAST_PATH, READ_ONCE(pn->fast_path)))
		return -EMSGSIZE;
	return 0;
}

static int pl_limits_get(struct pl_req *req)
{
	return pl_nl_reply(req, PL_CMD_LIMITS_GET, pl_limits_fill, NULL);
}

/* The table each limit attribute bounds. */
static struct pl_table *pl_limit_table(struct pl_net *pn, int type)
{
	switch (type) {
	case PL_A_LIMITS_MAX_AZS:
		return &pn->azs;
	case PL_A_LIMITS_MAX_SUBNETS:
		return &pn->subnets;
	case PL_A_LIMITS_MAX_SERVICES:
		return &pn->services;
	case PL_A_LIMITS_MAX_BACKENDS:
		return &pn->backends;
	case PL_A_LIMITS_MAX_ENDPOINTS:
		return &pn->endpoints;
	}
	return NULL;
}

/*
 * The limits before a transaction changed them: a transaction changes
 * them at once, for its later requests to count with, and puts them back
 * if it fails.
 */
struct pl_limits_saved {
	u32 max[PL_A_LIMITS_MAX + 1];
	u32 flows;
	u32 reject_logs;
	u8 fast_path;
};

static void pl_limits_restore(struct pl_net *pn, void *obj)
{
	struct pl_limits_saved *saved = obj;
	struct pl_table *t;
	int type;

	for (type = 1; type <= PL_A_LIMITS_MAX; type++) {
		t = pl_limit_table(pn, type);
		if (t)
			t->max = saved->max[type];
	}
	WRITE_ONCE(pn->flows.max, saved->flows);
	WRITE_ONCE(pn->flows.rejects.max, saved->reject_logs);
	WRITE_ONCE(pn->fast_path, saved->fast_path);
	kfree(saved);
}

static void pl_limits_forget(struct pl_net *pn, void *saved)
{
	kfree(saved);
}

static const struct pl_txn_kind pl_limits_kind = {
	.publish = pl_limits_forget,
	.unmake = pl_limits_restore,
};

static int pl_limits_save(struct pl_net *pn)
{
	struct pl_limits_saved *saved;
	struct pl_table *t;
	int type;

	if (!pl_txn_staging(pn->txn))
		return 0;
	saved = kzalloc(sizeof(*saved), GFP_KERNEL_ACCOUNT);
	if (!saved)
		return -ENOMEM;
	for (type = 1; type <= PL_A_LIMITS_MAX; type++) {
		t = pl_limit_table(pn, type);
		if (t)
			saved->max[type] = t->max;
	}
	saved->flows = pn->flows.max;
	saved->reject_logs = pn->flows.rejects.max;
	saved->fast_path = pn->fast_path;
	pl_txn_added(pn, &pl_limits_kind, saved);
	return 0;
}

/* Set a limit that bounds no table; has it changed? */
static bool pl_limit_set(u32 *limit, const struct nlattr *attr)
{
	if (!attr || *limit == nla_get_u32(attr))
		return false;
	WRITE_ONCE(*limit, nla_get_u32(attr));
	return true;
}

/*
 * Check every limit given first, then apply them all. max-flows may go
 * below the flows open now: they stay, and new ones wait for room.
 */
static int pl_limits_set(struct pl_req *req)
{
	struct nlattr **attrs = req->info->attrs;
	struct pl_flows *fl = &req->pn->flows;
	bool changed = false;
	struct pl_table *t;
	int type;

	for (type = 1; type <= PL_A_LIMITS_MAX; type++) {
		t = pl_limit_table(req->pn, type);
		if (t && attrs[type] && nla_get_u32(attrs[type]) < t->count)
			return pl_fail(req, -EBUSY, attrs[type],
				       "%u %ss are in use: the limit cannot be %u",
				       t->count, t->what,
				       nla_get_u32(attrs[type]));
	}
	if (pl_limits_save(req->pn))
		return -ENOMEM;
	for (type = 1; type <= PL_A_LIMITS_MAX; type++) {
		t = pl_limit_table(req->pn, type);
		if (!t || !attrs[type] || t->max == nla_get_u32(attrs[type]))
			continue;
		t->max = nla_get_u32(attrs[type]);
		changed = true;
	}
	changed |= pl_limit_set(&fl->max, attrs[PL_A_LIMITS_MAX_FLOWS]);
	changed |= pl_limit_set(&fl->rejects.max,
				attrs[PL_A_LIMITS_MAX_REJECT_LOGS]);
	if (attrs[PL_A_LIMITS_FAST_PATH] &&
	    nla_get_u8(attrs[PL_A_LIMITS_FAST_PATH]) != req->pn->fast_path) {
		WRITE_ONCE(req->pn->fast_path,
			   nla_get_u8(attrs[PL_A_LIMITS_FAST_PATH]));
		changed = true;
	}
	if (changed) {
		pl_net_changed(req->pn);
		pl_nl_notify(req, PL_CMD_LIMITS_CHANGE_NTF, pl_limits_fill,
			     NULL);
	}
	return 0;
}

int pl_nl_limits_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_limits_get);
}

int pl_nl_limits_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_limits_set);
}
