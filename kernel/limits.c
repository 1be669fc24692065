// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's limits: how many objects of each kind and how many flows
 * it may hold, shown (limits-get) and changed (limits-set) over netlink.
 */

#include "netlink.h"

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
	    nla_put_u32(skb, PL_A_LIMITS_FLOWS, atomic_read(&pn->flows.count)))
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
 * Check every limit given first, then apply them all. max-flows may go
 * below the flows open now: they stay, and new ones wait for room.
 */
static int pl_limits_set(struct pl_req *req)
{
	struct nlattr **attrs = req->info->attrs;
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
	for (type = 1; type <= PL_A_LIMITS_MAX; type++) {
		t = pl_limit_table(req->pn, type);
		if (!t || !attrs[type] || t->max == nla_get_u32(attrs[type]))
			continue;
		t->max = nla_get_u32(attrs[type]);
		changed = true;
	}
	if (attrs[PL_A_LIMITS_MAX_FLOWS] &&
	    nla_get_u32(attrs[PL_A_LIMITS_MAX_FLOWS]) != req->pn->flows.max) {
		WRITE_ONCE(req->pn->flows.max,
			   nla_get_u32(attrs[PL_A_LIMITS_MAX_FLOWS]));
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
