// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state: set up when a namespace appears, torn down when it
 * goes away.
 */

#include "az.h"
#include "backend.h"
#include "endpoint.h"
#include "hook.h"
#include "lb.h"
#include "net.h"
#include "service.h"
#include "subnet.h"
#include "sync.h"

unsigned int pl_net_id __read_mostly;

static int __net_init pl_net_init_net(struct net *net)
{
	struct pl_net *pn = pl_net(net);
	int err;

	pn->net = net;
	mutex_init(&pn->lock);
	pn->gen = 1;
	pn->config_gen = 1;
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
	err = pl_addrs_init(&pn->addrs, AF_INET);
	if (err)
		goto err_endpoints;
	err = pl_addrs_init(&pn->addrs6, AF_INET6);
	if (err)
		goto err_addrs4;
	pl_acd_init(pn);
	pl_flows_init(pn);
	pn->fast_path = 1;
	pl_dns_init(pn);
	pn->stats = pl_counters_alloc(1);
	if (!pn->stats) {
		err = -ENOMEM;
		goto err_addrs;
	}
	pl_lb_init(pn);
	return 0;

err_addrs:
	pl_addrs_destroy(&pn->addrs6);
err_addrs4:
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
	pl_sync_exit(pn);
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
	pl_addrs_destroy(&pn->addrs6);
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
