// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state, its object limits, and its teardown when the
 * namespace goes away.
 */

#include "az.h"
#include "backend.h"
#include "endpoint.h"
#include "hook.h"
#include "lb.h"
#include "netlink.h"
#include "service.h"
#include "subnet.h"

unsigned int pl_net_id __read_mostly;

static int __net_init pl_net_init_net(struct net *net)
{
	struct pl_net *pn = pl_net(net);
	int err;

	pn->net = net;
	mutex_init(&pn->lock);
	pn->gen = 1;
	err = pl_table_init(&pn->azs, "AZ", PL_MAX_AZS);
	if (err)
		return err;
	err = pl_table_init(&pn->subnets, "subnet", PL_DEFAULT_MAX_SUBNETS);
	if (err)
		goto err_azs;
	err = pl_table_init(&pn->services, "service", PL_DEFAULT_MAX_SERVICES);
	if (err)
		goto err_subnets;
	err = pl_table_init(&pn->backends, "backend", PL_DEFAULT_MAX_BACKENDS);
	if (err)
		goto err_services;
	err = pl_table_init(&pn->endpoints, "endpoint",
			    PL_DEFAULT_MAX_ENDPOINTS);
	if (err)
		goto err_backends;
	err = pl_addrs_init(&pn->addrs);
	if (err)
		goto err_endpoints;
	pl_acd_init(pn);
	pl_flows_init(pn);
	pn->stats = pl_counters_alloc();
	if (!pn->stats) {
		err = -ENOMEM;
		goto err_addrs;
	}
	pl_lb_init(pn);
	return 0;

err_addrs:
	pl_addrs_destroy(&pn->addrs);
err_endpoints:
	pl_table_destroy(&pn->endpoints);
err_backends:
	pl_table_destroy(&pn->backends);
err_services:
	pl_table_destroy(&pn->services);
err_subnets:
	pl_table_destroy(&pn->subnets);
err_azs:
	pl_table_destroy(&pn->azs);
	return err;
}

static void __net_exit pl_net_exit_net(struct net *net)
{
	struct pl_net *pn = pl_net(net);

	pl_hooks_disable(pn);
	pl_acd_exit(pn);
	mutex_lock(&pn->lock);
	pl_flows_exit(pn);
	pl_endpoints_flush(pn);
	pl_services_flush(pn);
	pl_subnets_flush(pn);
	pl_azs_flush(pn);
	mutex_unlock(&pn->lock);
	pl_lb_exit(pn);
	pl_counters_free(pn->stats);
	pl_addrs_destroy(&pn->addrs);
	pl_table_destroy(&pn->endpoints);
	pl_table_destroy(&pn->backends);
	pl_table_destroy(&pn->services);
	pl_table_destroy(&pn->subnets);
	pl_table_destroy(&pn->azs);
	mutex_destroy(&pn->lock);
}

static struct pernet_operations pl_net_ops = {
	.init = pl_net_init_net,
	.exit = pl_net_exit_net,
	.id = &pl_net_id,
	.size = sizeof(struct pl_net),
};

int pl_net_init(void)
{
	return register_pernet_subsys(&pl_net_ops);
}

void pl_net_exit(void)
{
	unregister_pernet_subsys(&pl_net_ops);
}

static int pl_limits_fill(struct sk_buff *skb, const void *p)
{
	const struct pl_net *pn = p;

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
	return pl_nl_reply(req, PL_CMD_LIMITS_GET, pl_limits_fill, req->pn);
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
			     req->pn);
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
