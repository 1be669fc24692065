// SPDX-License-Identifier: GPL-2.0
/*
 * pl: PrivateLink-style interface endpoints for Linux routers.
 */

#include <linux/module.h>

#include "acd.h"
#include "flow.h"
#include "maglev.h"
#include "netlink.h"
#include "net.h"

static int __init pl_init(void)
{
	int err;

	err = pl_maglev_selftest();
	if (err)
		return err;
	err = pl_flow_cache_init();
	if (err)
		return err;
	err = pl_net_init();
	if (err)
		goto err_cache;
	err = pl_acd_notifier_init();
	if (err)
		goto err_net;
	err = pl_nl_init();
	if (err)
		goto err_acd;
	pr_info("pl: PrivateLink-style endpoints, version %s\n", PL_VERSION);
	return 0;

err_acd:
	pl_acd_notifier_exit();
err_net:
	pl_net_exit();
err_cache:
	rcu_barrier();
	pl_flow_cache_exit();
	return err;
}

static void __exit pl_exit(void)
{
	pl_nl_exit();
	pl_acd_notifier_exit();
	pl_net_exit();
	rcu_barrier();
	pl_flow_cache_exit();
}

module_init(pl_init);
module_exit(pl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PrivateLink-style interface endpoints for Linux routers");
MODULE_AUTHOR("The pl developers");
MODULE_VERSION(PL_VERSION);
MODULE_ALIAS_GENL_FAMILY(PL_FAMILY_NAME);
