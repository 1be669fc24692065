/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/pl.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_PL_GEN_H
#define _LINUX_PL_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/pl.h>

/* Common nested types */
extern const struct nla_policy pl_config_op_nl_policy[PL_A_CONFIG_OP_ATTRS + 1];
extern const struct nla_policy pl_eni_nl_policy[PL_A_ENI_IPV6 + 1];
extern const struct nla_policy pl_health_nl_policy[PL_A_HEALTH_UNHEALTHY_THRESHOLD + 1];
extern const struct nla_policy pl_listener_nl_policy[PL_A_LISTENER_TARGET_PORT + 1];
extern const struct nla_policy pl_prefix_nl_policy[PL_A_PREFIX_IPV6 + 1];
extern const struct nla_policy pl_source_nl_policy[PL_A_SOURCE_IPV6 + 1];
extern const struct nla_policy pl_sync_peer_nl_policy[PL_A_SYNC_PEER_MESSAGES_RESENT + 1];

int pl_nl_flow_get_dump_start(struct netlink_callback *cb);
int pl_nl_flow_get_dump_done(struct netlink_callback *cb);

int pl_nl_az_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_az_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_az_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_az_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_az_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_subnet_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_subnet_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_subnet_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_subnet_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_service_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_service_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_service_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_service_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_service_source_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_service_source_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_backend_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_backend_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_backend_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_backend_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_backend_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_endpoint_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_endpoint_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_endpoint_allow_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_endpoint_allow_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_endpoint_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_endpoint_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_endpoint_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_limits_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_limits_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_flow_flush_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pl_nl_subnet_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_config_apply_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_backend_health_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_sync_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_sync_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_sync_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_sync_peer_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_sync_peer_del_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_dns_get_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_dns_set_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_dns_consumer_add_doit(struct sk_buff *skb, struct genl_info *info);
int pl_nl_dns_consumer_del_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	PL_NLGRP_CONFIG,
	PL_NLGRP_FLOWS,
};

extern struct genl_family pl_nl_family;

#endif /* _LINUX_PL_GEN_H */
