// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/pl.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/pl.h>

/* Common nested types */
const struct nla_policy pl_config_op_nl_policy[PL_A_CONFIG_OP_ATTRS + 1] = {
	[PL_A_CONFIG_OP_CMD] = { .type = NLA_U8, },
	[PL_A_CONFIG_OP_LINE] = { .type = NLA_U32, },
	[PL_A_CONFIG_OP_ATTRS] = { .type = NLA_BINARY, },
};

const struct nla_policy pl_eni_nl_policy[PL_A_ENI_IPV6 + 1] = {
	[PL_A_ENI_SUBNET] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENI_IP] = { .type = NLA_U32, },
	[PL_A_ENI_AZ] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENI_ADDR_STATE] = NLA_POLICY_MAX(NLA_U8, 2),
	[PL_A_ENI_CONFLICT] = NLA_POLICY_MAX(NLA_U8, 3),
	[PL_A_ENI_CONFLICT_MAC] = NLA_POLICY_EXACT_LEN(6),
	[PL_A_ENI_CONFLICT_IFINDEX] = { .type = NLA_U32, },
	[PL_A_ENI_IPV6] = NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy pl_health_nl_policy[PL_A_HEALTH_UNHEALTHY_THRESHOLD + 1] = {
	[PL_A_HEALTH_PROTOCOL] = NLA_POLICY_MAX(NLA_U8, 3),
	[PL_A_HEALTH_PORT] = { .type = NLA_U16, },
	[PL_A_HEALTH_PATH] = { .type = NLA_NUL_STRING, .len = PL_HEALTH_PATH_MAX, },
	[PL_A_HEALTH_MATCHER] = { .type = NLA_NUL_STRING, .len = PL_HEALTH_MATCHER_MAX, },
	[PL_A_HEALTH_INTERVAL] = NLA_POLICY_RANGE(NLA_U32, 5, 300),
	[PL_A_HEALTH_TIMEOUT] = NLA_POLICY_MAX(NLA_U32, 120),
	[PL_A_HEALTH_HEALTHY_THRESHOLD] = NLA_POLICY_RANGE(NLA_U8, 2, 10),
	[PL_A_HEALTH_UNHEALTHY_THRESHOLD] = NLA_POLICY_RANGE(NLA_U8, 2, 10),
};

const struct nla_policy pl_listener_nl_policy[PL_A_LISTENER_TARGET_PORT + 1] = {
	[PL_A_LISTENER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PL_A_LISTENER_TARGET_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

const struct nla_policy pl_prefix_nl_policy[PL_A_PREFIX_IPV6 + 1] = {
	[PL_A_PREFIX_ADDRESS] = { .type = NLA_U32, },
	[PL_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[PL_A_PREFIX_IPV6] = NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy pl_source_nl_policy[PL_A_SOURCE_IPV6 + 1] = {
	[PL_A_SOURCE_ADDRESS] = { .type = NLA_U32, },
	[PL_A_SOURCE_AZ] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SOURCE_ADDR_STATE] = NLA_POLICY_MAX(NLA_U8, 2),
	[PL_A_SOURCE_CONFLICT] = NLA_POLICY_MAX(NLA_U8, 3),
	[PL_A_SOURCE_CONFLICT_MAC] = NLA_POLICY_EXACT_LEN(6),
	[PL_A_SOURCE_CONFLICT_IFINDEX] = { .type = NLA_U32, },
	[PL_A_SOURCE_IPV6] = NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy pl_sync_peer_nl_policy[PL_A_SYNC_PEER_MESSAGES_RESENT + 1] = {
	[PL_A_SYNC_PEER_ADDRESS] = { .type = NLA_U32, },
	[PL_A_SYNC_PEER_NODE] = { .type = NLA_U32, },
	[PL_A_SYNC_PEER_REACHABLE] = { .type = NLA_U8, },
	[PL_A_SYNC_PEER_LAST_HEARD] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_PHASE] = NLA_POLICY_MAX(NLA_U8, 2),
	[PL_A_SYNC_PEER_DIGEST] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_FLOWS_SENT] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_FLOWS_RECEIVED] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_MESSAGES_SENT] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_MESSAGES_RECEIVED] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_MESSAGES_LOST] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_MESSAGES_REPAIRED] = { .type = NLA_U64, },
	[PL_A_SYNC_PEER_BULK_RECEIVED] = { .type = NLA_U8, },
	[PL_A_SYNC_PEER_MESSAGES_RESENT] = { .type = NLA_U64, },
};

/* PL_CMD_AZ_ADD - do */
static const struct nla_policy pl_az_add_nl_policy[PL_A_AZ_ZONE_ID + 1] = {
	[PL_A_AZ_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_AZ_ZONE_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_AZ_SET - do */
static const struct nla_policy pl_az_set_nl_policy[PL_A_AZ_STATE + 1] = {
	[PL_A_AZ_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_AZ_STATE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PL_CMD_AZ_DEL - do */
static const struct nla_policy pl_az_del_nl_policy[PL_A_AZ_NAME + 1] = {
	[PL_A_AZ_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_AZ_GET - do */
static const struct nla_policy pl_az_get_nl_policy[PL_A_AZ_NAME + 1] = {
	[PL_A_AZ_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_SUBNET_ADD - do */
static const struct nla_policy pl_subnet_add_nl_policy[PL_A_SUBNET_IPV6_PREFIX_LEN + 1] = {
	[PL_A_SUBNET_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SUBNET_PREFIX] = { .type = NLA_U32, },
	[PL_A_SUBNET_PREFIX_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 29),
	[PL_A_SUBNET_AZ] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SUBNET_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PL_A_SUBNET_PROBE] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SUBNET_IPV6_PREFIX] = NLA_POLICY_EXACT_LEN(16),
	[PL_A_SUBNET_IPV6_PREFIX_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 124),
};

/* PL_CMD_SUBNET_DEL - do */
static const struct nla_policy pl_subnet_del_nl_policy[PL_A_SUBNET_ID + 1] = {
	[PL_A_SUBNET_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_SUBNET_GET - do */
static const struct nla_policy pl_subnet_get_nl_policy[PL_A_SUBNET_ID + 1] = {
	[PL_A_SUBNET_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_SERVICE_ADD - do */
static const struct nla_policy pl_service_add_nl_policy[PL_A_SERVICE_PRIVATE_DNS + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SERVICE_LISTENER] = NLA_POLICY_NESTED(pl_listener_nl_policy),
	[PL_A_SERVICE_ACCEPTANCE] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SERVICE_CROSS_ZONE] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SERVICE_IDLE_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 1, PL_IDLE_TIMEOUT_MAX),
	[PL_A_SERVICE_HEALTH] = NLA_POLICY_NESTED(pl_health_nl_policy),
	[PL_A_SERVICE_UNHEALTHY_TERMINATION] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SERVICE_PRIVATE_DNS] = { .type = NLA_NUL_STRING, .len = PL_DNS_NAME_MAX, },
};

/* PL_CMD_SERVICE_SET - do */
static const struct nla_policy pl_service_set_nl_policy[PL_A_SERVICE_PRIVATE_DNS + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SERVICE_ACCEPTANCE] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SERVICE_CROSS_ZONE] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SERVICE_IDLE_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 1, PL_IDLE_TIMEOUT_MAX),
	[PL_A_SERVICE_HEALTH] = NLA_POLICY_NESTED(pl_health_nl_policy),
	[PL_A_SERVICE_UNHEALTHY_TERMINATION] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_SERVICE_PRIVATE_DNS] = { .type = NLA_NUL_STRING, .len = PL_DNS_NAME_MAX, },
};

/* PL_CMD_SERVICE_DEL - do */
static const struct nla_policy pl_service_del_nl_policy[PL_A_SERVICE_NAME + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_SERVICE_GET - do */
static const struct nla_policy pl_service_get_nl_policy[PL_A_SERVICE_NAME + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_SERVICE_SOURCE_ADD - do */
static const struct nla_policy pl_service_source_add_nl_policy[PL_A_SERVICE_SOURCE + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SERVICE_SOURCE] = NLA_POLICY_NESTED(pl_source_nl_policy),
};

/* PL_CMD_SERVICE_SOURCE_DEL - do */
static const struct nla_policy pl_service_source_del_nl_policy[PL_A_SERVICE_SOURCE + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SERVICE_SOURCE] = NLA_POLICY_NESTED(pl_source_nl_policy),
};

/* PL_CMD_BACKEND_ADD - do */
static const struct nla_policy pl_backend_add_nl_policy[PL_A_BACKEND_WEIGHT + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_BACKEND_ADDRESS] = { .type = NLA_U32, },
	[PL_A_BACKEND_AZ] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_BACKEND_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PL_A_BACKEND_WEIGHT] = NLA_POLICY_MAX(NLA_U32, PL_WEIGHT_MAX),
};

/* PL_CMD_BACKEND_SET - do */
static const struct nla_policy pl_backend_set_nl_policy[PL_A_BACKEND_STATE + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_BACKEND_ADDRESS] = { .type = NLA_U32, },
	[PL_A_BACKEND_WEIGHT] = NLA_POLICY_MAX(NLA_U32, PL_WEIGHT_MAX),
	[PL_A_BACKEND_STATE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PL_CMD_BACKEND_DEL - do */
static const struct nla_policy pl_backend_del_nl_policy[PL_A_BACKEND_ADDRESS + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_BACKEND_ADDRESS] = { .type = NLA_U32, },
};

/* PL_CMD_BACKEND_GET - do */
static const struct nla_policy pl_backend_get_do_nl_policy[PL_A_BACKEND_ADDRESS + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_BACKEND_ADDRESS] = { .type = NLA_U32, },
};

/* PL_CMD_BACKEND_GET - dump */
static const struct nla_policy pl_backend_get_dump_nl_policy[PL_A_BACKEND_SERVICE + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_ENDPOINT_ADD - do */
static const struct nla_policy pl_endpoint_add_nl_policy[PL_A_ENDPOINT_IP_ADDRESS_TYPE + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENDPOINT_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENDPOINT_ENI] = NLA_POLICY_NESTED(pl_eni_nl_policy),
	[PL_A_ENDPOINT_ALLOW] = NLA_POLICY_NESTED(pl_prefix_nl_policy),
	[PL_A_ENDPOINT_PRIVATE_DNS] = NLA_POLICY_MAX(NLA_U8, 1),
	[PL_A_ENDPOINT_IP_ADDRESS_TYPE] = NLA_POLICY_MAX(NLA_U8, 2),
};

/* PL_CMD_ENDPOINT_SET - do */
static const struct nla_policy pl_endpoint_set_nl_policy[PL_A_ENDPOINT_PRIVATE_DNS + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENDPOINT_STATE] = NLA_POLICY_MAX(NLA_U8, 2),
	[PL_A_ENDPOINT_PRIVATE_DNS] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PL_CMD_ENDPOINT_ALLOW_ADD - do */
static const struct nla_policy pl_endpoint_allow_add_nl_policy[PL_A_ENDPOINT_ALLOW + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENDPOINT_ALLOW] = NLA_POLICY_NESTED(pl_prefix_nl_policy),
};

/* PL_CMD_ENDPOINT_ALLOW_DEL - do */
static const struct nla_policy pl_endpoint_allow_del_nl_policy[PL_A_ENDPOINT_ALLOW + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_ENDPOINT_ALLOW] = NLA_POLICY_NESTED(pl_prefix_nl_policy),
};

/* PL_CMD_ENDPOINT_DEL - do */
static const struct nla_policy pl_endpoint_del_nl_policy[PL_A_ENDPOINT_ID + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_ENDPOINT_GET - do */
static const struct nla_policy pl_endpoint_get_do_nl_policy[PL_A_ENDPOINT_ID + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_ENDPOINT_GET - dump */
static const struct nla_policy pl_endpoint_get_dump_nl_policy[PL_A_ENDPOINT_SERVICE + 1] = {
	[PL_A_ENDPOINT_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_LIMITS_SET - do */
static const struct nla_policy pl_limits_set_nl_policy[PL_A_LIMITS_FAST_PATH + 1] = {
	[PL_A_LIMITS_MAX_AZS] = NLA_POLICY_RANGE(NLA_U32, 1, PL_MAX_AZS),
	[PL_A_LIMITS_MAX_SUBNETS] = NLA_POLICY_MIN(NLA_U32, 1),
	[PL_A_LIMITS_MAX_SERVICES] = NLA_POLICY_MIN(NLA_U32, 1),
	[PL_A_LIMITS_MAX_BACKENDS] = NLA_POLICY_MIN(NLA_U32, 1),
	[PL_A_LIMITS_MAX_ENDPOINTS] = NLA_POLICY_MIN(NLA_U32, 1),
	[PL_A_LIMITS_MAX_FLOWS] = NLA_POLICY_MIN(NLA_U32, 1),
	[PL_A_LIMITS_MAX_REJECT_LOGS] = { .type = NLA_U32, },
	[PL_A_LIMITS_FAST_PATH] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PL_CMD_FLOW_GET - dump */
static const struct nla_policy pl_flow_get_nl_policy[PL_A_FLOW_BACKEND + 1] = {
	[PL_A_FLOW_ENDPOINT] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_FLOW_BACKEND] = { .type = NLA_U32, },
};

/* PL_CMD_FLOW_FLUSH - do */
static const struct nla_policy pl_flow_flush_nl_policy[PL_A_FLOW_ENDPOINT + 1] = {
	[PL_A_FLOW_ENDPOINT] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_STATS_GET - dump */
static const struct nla_policy pl_stats_get_nl_policy[PL_A_STATS_SERVICE + 1] = {
	[PL_A_STATS_ENDPOINT] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_STATS_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
};

/* PL_CMD_SUBNET_SET - do */
static const struct nla_policy pl_subnet_set_nl_policy[PL_A_SUBNET_PROBE + 1] = {
	[PL_A_SUBNET_ID] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_SUBNET_PROBE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PL_CMD_CONFIG_APPLY - do */
static const struct nla_policy pl_config_apply_nl_policy[PL_A_CONFIG_FINGERPRINT + 1] = {
	[PL_A_CONFIG_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1),
	[PL_A_CONFIG_GENERATION] = { .type = NLA_U32, },
	[PL_A_CONFIG_OP] = NLA_POLICY_NESTED(pl_config_op_nl_policy),
	[PL_A_CONFIG_FINGERPRINT] = { .type = NLA_U64, },
};

/* PL_CMD_BACKEND_HEALTH_SET - do */
static const struct nla_policy pl_backend_health_set_nl_policy[PL_A_BACKEND_HEALTH_CODE + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_NUL_STRING, .len = PL_NAME_MAX, },
	[PL_A_BACKEND_ADDRESS] = { .type = NLA_U32, },
	[PL_A_BACKEND_HEALTH] = NLA_POLICY_MAX(NLA_U8, 5),
	[PL_A_BACKEND_HEALTH_REASON] = NLA_POLICY_MAX(NLA_U8, 7),
	[PL_A_BACKEND_HEALTH_CODE] = { .type = NLA_U16, },
};

/* PL_CMD_SYNC_SET - do */
static const struct nla_policy pl_sync_set_nl_policy[PL_A_SYNC_STATE + 1] = {
	[PL_A_SYNC_NODE] = NLA_POLICY_RANGE(NLA_U32, 1, PL_SYNC_MAX_NODE),
	[PL_A_SYNC_LOCAL] = { .type = NLA_U32, },
	[PL_A_SYNC_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PL_A_SYNC_KEY] = NLA_POLICY_EXACT_LEN(PL_SYNC_KEY_LEN),
	[PL_A_SYNC_ANNOUNCE_TABLE] = { .type = NLA_U32, },
	[PL_A_SYNC_STATE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* PL_CMD_SYNC_PEER_ADD - do */
static const struct nla_policy pl_sync_peer_add_nl_policy[PL_A_SYNC_PEER + 1] = {
	[PL_A_SYNC_PEER] = NLA_POLICY_NESTED(pl_sync_peer_nl_policy),
};

/* PL_CMD_SYNC_PEER_DEL - do */
static const struct nla_policy pl_sync_peer_del_nl_policy[PL_A_SYNC_PEER + 1] = {
	[PL_A_SYNC_PEER] = NLA_POLICY_NESTED(pl_sync_peer_nl_policy),
};

/* PL_CMD_DNS_SET - do */
static const struct nla_policy pl_dns_set_nl_policy[PL_A_DNS_SUFFIX + 1] = {
	[PL_A_DNS_SUFFIX] = { .type = NLA_NUL_STRING, .len = PL_DNS_SUFFIX_MAX, },
};

/* PL_CMD_DNS_CONSUMER_ADD - do */
static const struct nla_policy pl_dns_consumer_add_nl_policy[PL_A_DNS_CONSUMER + 1] = {
	[PL_A_DNS_CONSUMER] = NLA_POLICY_NESTED(pl_prefix_nl_policy),
};

/* PL_CMD_DNS_CONSUMER_DEL - do */
static const struct nla_policy pl_dns_consumer_del_nl_policy[PL_A_DNS_CONSUMER + 1] = {
	[PL_A_DNS_CONSUMER] = NLA_POLICY_NESTED(pl_prefix_nl_policy),
};

/* Ops table for pl */
static const struct genl_split_ops pl_nl_ops[] = {
	{
		.cmd		= PL_CMD_AZ_ADD,
		.doit		= pl_nl_az_add_doit,
		.policy		= pl_az_add_nl_policy,
		.maxattr	= PL_A_AZ_ZONE_ID,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_AZ_SET,
		.doit		= pl_nl_az_set_doit,
		.policy		= pl_az_set_nl_policy,
		.maxattr	= PL_A_AZ_STATE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_AZ_DEL,
		.doit		= pl_nl_az_del_doit,
		.policy		= pl_az_del_nl_policy,
		.maxattr	= PL_A_AZ_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_AZ_GET,
		.doit		= pl_nl_az_get_doit,
		.policy		= pl_az_get_nl_policy,
		.maxattr	= PL_A_AZ_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_AZ_GET,
		.dumpit	= pl_nl_az_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= PL_CMD_SUBNET_ADD,
		.doit		= pl_nl_subnet_add_doit,
		.policy		= pl_subnet_add_nl_policy,
		.maxattr	= PL_A_SUBNET_IPV6_PREFIX_LEN,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SUBNET_DEL,
		.doit		= pl_nl_subnet_del_doit,
		.policy		= pl_subnet_del_nl_policy,
		.maxattr	= PL_A_SUBNET_ID,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SUBNET_GET,
		.doit		= pl_nl_subnet_get_doit,
		.policy		= pl_subnet_get_nl_policy,
		.maxattr	= PL_A_SUBNET_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_SUBNET_GET,
		.dumpit	= pl_nl_subnet_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= PL_CMD_SERVICE_ADD,
		.doit		= pl_nl_service_add_doit,
		.policy		= pl_service_add_nl_policy,
		.maxattr	= PL_A_SERVICE_PRIVATE_DNS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SERVICE_SET,
		.doit		= pl_nl_service_set_doit,
		.policy		= pl_service_set_nl_policy,
		.maxattr	= PL_A_SERVICE_PRIVATE_DNS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SERVICE_DEL,
		.doit		= pl_nl_service_del_doit,
		.policy		= pl_service_del_nl_policy,
		.maxattr	= PL_A_SERVICE_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SERVICE_GET,
		.doit		= pl_nl_service_get_doit,
		.policy		= pl_service_get_nl_policy,
		.maxattr	= PL_A_SERVICE_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_SERVICE_GET,
		.dumpit	= pl_nl_service_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= PL_CMD_SERVICE_SOURCE_ADD,
		.doit		= pl_nl_service_source_add_doit,
		.policy		= pl_service_source_add_nl_policy,
		.maxattr	= PL_A_SERVICE_SOURCE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SERVICE_SOURCE_DEL,
		.doit		= pl_nl_service_source_del_doit,
		.policy		= pl_service_source_del_nl_policy,
		.maxattr	= PL_A_SERVICE_SOURCE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_BACKEND_ADD,
		.doit		= pl_nl_backend_add_doit,
		.policy		= pl_backend_add_nl_policy,
		.maxattr	= PL_A_BACKEND_WEIGHT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_BACKEND_SET,
		.doit		= pl_nl_backend_set_doit,
		.policy		= pl_backend_set_nl_policy,
		.maxattr	= PL_A_BACKEND_STATE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_BACKEND_DEL,
		.doit		= pl_nl_backend_del_doit,
		.policy		= pl_backend_del_nl_policy,
		.maxattr	= PL_A_BACKEND_ADDRESS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_BACKEND_GET,
		.doit		= pl_nl_backend_get_doit,
		.policy		= pl_backend_get_do_nl_policy,
		.maxattr	= PL_A_BACKEND_ADDRESS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_BACKEND_GET,
		.dumpit		= pl_nl_backend_get_dumpit,
		.policy		= pl_backend_get_dump_nl_policy,
		.maxattr	= PL_A_BACKEND_SERVICE,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_ADD,
		.doit		= pl_nl_endpoint_add_doit,
		.policy		= pl_endpoint_add_nl_policy,
		.maxattr	= PL_A_ENDPOINT_IP_ADDRESS_TYPE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_SET,
		.doit		= pl_nl_endpoint_set_doit,
		.policy		= pl_endpoint_set_nl_policy,
		.maxattr	= PL_A_ENDPOINT_PRIVATE_DNS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_ALLOW_ADD,
		.doit		= pl_nl_endpoint_allow_add_doit,
		.policy		= pl_endpoint_allow_add_nl_policy,
		.maxattr	= PL_A_ENDPOINT_ALLOW,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_ALLOW_DEL,
		.doit		= pl_nl_endpoint_allow_del_doit,
		.policy		= pl_endpoint_allow_del_nl_policy,
		.maxattr	= PL_A_ENDPOINT_ALLOW,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_DEL,
		.doit		= pl_nl_endpoint_del_doit,
		.policy		= pl_endpoint_del_nl_policy,
		.maxattr	= PL_A_ENDPOINT_ID,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_GET,
		.doit		= pl_nl_endpoint_get_doit,
		.policy		= pl_endpoint_get_do_nl_policy,
		.maxattr	= PL_A_ENDPOINT_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_ENDPOINT_GET,
		.dumpit		= pl_nl_endpoint_get_dumpit,
		.policy		= pl_endpoint_get_dump_nl_policy,
		.maxattr	= PL_A_ENDPOINT_SERVICE,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= PL_CMD_LIMITS_GET,
		.doit	= pl_nl_limits_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_LIMITS_SET,
		.doit		= pl_nl_limits_set_doit,
		.policy		= pl_limits_set_nl_policy,
		.maxattr	= PL_A_LIMITS_FAST_PATH,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_FLOW_GET,
		.start		= pl_nl_flow_get_dump_start,
		.dumpit		= pl_nl_flow_get_dumpit,
		.done		= pl_nl_flow_get_dump_done,
		.policy		= pl_flow_get_nl_policy,
		.maxattr	= PL_A_FLOW_BACKEND,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= PL_CMD_FLOW_FLUSH,
		.doit		= pl_nl_flow_flush_doit,
		.policy		= pl_flow_flush_nl_policy,
		.maxattr	= PL_A_FLOW_ENDPOINT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_STATS_GET,
		.dumpit		= pl_nl_stats_get_dumpit,
		.policy		= pl_stats_get_nl_policy,
		.maxattr	= PL_A_STATS_SERVICE,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= PL_CMD_SUBNET_SET,
		.doit		= pl_nl_subnet_set_doit,
		.policy		= pl_subnet_set_nl_policy,
		.maxattr	= PL_A_SUBNET_PROBE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_CONFIG_APPLY,
		.doit		= pl_nl_config_apply_doit,
		.policy		= pl_config_apply_nl_policy,
		.maxattr	= PL_A_CONFIG_FINGERPRINT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_CONFIG_GET,
		.doit	= pl_nl_config_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_BACKEND_HEALTH_SET,
		.doit		= pl_nl_backend_health_set_doit,
		.policy		= pl_backend_health_set_nl_policy,
		.maxattr	= PL_A_BACKEND_HEALTH_CODE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SYNC_SET,
		.doit		= pl_nl_sync_set_doit,
		.policy		= pl_sync_set_nl_policy,
		.maxattr	= PL_A_SYNC_STATE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_SYNC_GET,
		.doit	= pl_nl_sync_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_SYNC_DEL,
		.doit	= pl_nl_sync_del_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SYNC_PEER_ADD,
		.doit		= pl_nl_sync_peer_add_doit,
		.policy		= pl_sync_peer_add_nl_policy,
		.maxattr	= PL_A_SYNC_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_SYNC_PEER_DEL,
		.doit		= pl_nl_sync_peer_del_doit,
		.policy		= pl_sync_peer_del_nl_policy,
		.maxattr	= PL_A_SYNC_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= PL_CMD_DNS_GET,
		.doit	= pl_nl_dns_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_DNS_SET,
		.doit		= pl_nl_dns_set_doit,
		.policy		= pl_dns_set_nl_policy,
		.maxattr	= PL_A_DNS_SUFFIX,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_DNS_CONSUMER_ADD,
		.doit		= pl_nl_dns_consumer_add_doit,
		.policy		= pl_dns_consumer_add_nl_policy,
		.maxattr	= PL_A_DNS_CONSUMER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= PL_CMD_DNS_CONSUMER_DEL,
		.doit		= pl_nl_dns_consumer_del_doit,
		.policy		= pl_dns_consumer_del_nl_policy,
		.maxattr	= PL_A_DNS_CONSUMER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group pl_nl_mcgrps[] = {
	[PL_NLGRP_CONFIG] = { "config", },
	[PL_NLGRP_FLOWS] = { "flows", },
};

struct genl_family pl_nl_family __ro_after_init = {
	.name		= PL_FAMILY_NAME,
	.version	= PL_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= pl_nl_ops,
	.n_split_ops	= ARRAY_SIZE(pl_nl_ops),
	.mcgrps		= pl_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(pl_nl_mcgrps),
};
