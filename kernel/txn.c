// SPDX-License-Identifier: GPL-2.0
/* Whole-configuration transactions (config-apply), and config-get. */

#include "netlink.h"

int pl_nl_config_apply_doit(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "transactions are not implemented yet");
	return -EOPNOTSUPP;
}

int pl_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "transactions are not implemented yet");
	return -EOPNOTSUPP;
}
