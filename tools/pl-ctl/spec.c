// SPDX-License-Identifier: GPL-2.0
/*
 * Names from Documentation/netlink/specs/pl.yaml, which the uapi header
 * only has as numbers. tools/ynl/check-ctl-spec.py (run by tools/ynl/regen
 * --check) compares them with the spec: keep to the shape of these tables,
 * and say above each range which attributes (set.attr) and checks it
 * mirrors.
 */

#include <stddef.h>

#include <linux/pl.h>

#include "compiler.h"
#include "spec.h"

/*
 * Ports (listener.port, listener.target-port, backend.port, sync.port):
 * min 1.
 */
const struct pl_range pl_port_range = { 1, 65535 };
/* backend.weight: max weight-max. */
const struct pl_range pl_weight_range = { 0, PL_WEIGHT_MAX };
/* service.idle-timeout: min 1, max idle-timeout-max. */
const struct pl_range pl_idle_timeout_range = { 1, PL_IDLE_TIMEOUT_MAX };
/* subnet.prefix-len: min 1, max 29. */
const struct pl_range pl_subnet_len_range = { 1, 29 };
/* subnet.ipv6-prefix-len: min 1, max 124. */
const struct pl_range pl_subnet_len6_range = { 1, 124 };
/* limits.max-azs: min 1, max max-azs. */
const struct pl_range pl_max_azs_range = { 1, PL_MAX_AZS };
/*
 * The other limits (limits.max-subnets, limits.max-services,
 * limits.max-backends, limits.max-endpoints, limits.max-flows): min 1.
 */
const struct pl_range pl_limit_range = { 1, 0xffffffff };
/* health.interval: min 5, max 300. */
const struct pl_range pl_health_interval_range = { 5, 300 };
/* health.timeout: max 120. */
const struct pl_range pl_health_timeout_range = { 0, 120 };
/* health.healthy-threshold, health.unhealthy-threshold: min 2, max 10. */
const struct pl_range pl_health_threshold_range = { 2, 10 };
/* sync.node: min 1, max sync-max-node. */
const struct pl_range pl_sync_node_range = { 1, PL_SYNC_MAX_NODE };

static const char * const az_states[] = {
	[PL_AZ_STATE_UP] = "up",
	[PL_AZ_STATE_DOWN] = "down",
};

static const char * const acceptances[] = {
	[PL_ACCEPTANCE_MANUAL] = "manual",
	[PL_ACCEPTANCE_AUTO] = "auto",
};

static const char * const endpoint_states[] = {
	[PL_ENDPOINT_STATE_PENDING_ACCEPTANCE] = "pending-acceptance",
	[PL_ENDPOINT_STATE_AVAILABLE] = "available",
	[PL_ENDPOINT_STATE_REJECTED] = "rejected",
};

static const char * const ip_address_types[] = {
	[PL_IP_ADDRESS_TYPE_IPV4] = "ipv4",
	[PL_IP_ADDRESS_TYPE_DUALSTACK] = "dualstack",
	[PL_IP_ADDRESS_TYPE_IPV6] = "ipv6",
};

static const char * const backend_states[] = {
	[PL_BACKEND_STATE_ACTIVE] = "active",
	[PL_BACKEND_STATE_DRAIN] = "drain",
};

static const char * const on_off[] = { "off", "on" };

static const char * const flow_states[] = {
	[PL_FLOW_STATE_SYN_SENT] = "syn-sent",
	[PL_FLOW_STATE_SYN_RECV] = "syn-recv",
	[PL_FLOW_STATE_ESTABLISHED] = "established",
	[PL_FLOW_STATE_FIN_WAIT] = "fin-wait",
	[PL_FLOW_STATE_CLOSING] = "closing",
	[PL_FLOW_STATE_CLOSED] = "closed",
};

static const char * const addr_states[] = {
	[PL_ADDR_STATE_PROBING] = "probing",
	[PL_ADDR_STATE_AVAILABLE] = "available",
	[PL_ADDR_STATE_CONFLICT] = "conflict",
};

static const char * const addr_conflicts[] = {
	[PL_ADDR_CONFLICT_NONE] = "none",
	[PL_ADDR_CONFLICT_LOCAL] = "local",
	[PL_ADDR_CONFLICT_IN_USE] = "in-use",
	[PL_ADDR_CONFLICT_CLAIMED] = "claimed",
};

static const char * const stats_scopes[] = {
	[PL_STATS_SCOPE_NAMESPACE] = "namespace",
	[PL_STATS_SCOPE_ENDPOINT] = "endpoint",
	[PL_STATS_SCOPE_ENI] = "eni",
	[PL_STATS_SCOPE_SERVICE] = "service",
	[PL_STATS_SCOPE_BACKEND] = "backend",
};

static const char * const health_protocols[] = {
	[PL_HEALTH_PROTOCOL_NONE] = "none",
	[PL_HEALTH_PROTOCOL_TCP] = "tcp",
	[PL_HEALTH_PROTOCOL_HTTP] = "http",
	[PL_HEALTH_PROTOCOL_HTTPS] = "https",
};

static const char * const health_states[] = {
	[PL_HEALTH_STATE_INITIAL] = "initial",
	[PL_HEALTH_STATE_HEALTHY] = "healthy",
	[PL_HEALTH_STATE_UNHEALTHY] = "unhealthy",
	[PL_HEALTH_STATE_UNUSED] = "unused",
	[PL_HEALTH_STATE_DRAINING] = "draining",
	[PL_HEALTH_STATE_UNAVAILABLE] = "unavailable",
};

static const char * const health_reasons[] = {
	[PL_HEALTH_REASON_NONE] = "none",
	[PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING] = "initial-health-checking",
	[PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH] = "response-code-mismatch",
	[PL_HEALTH_REASON_TIMEOUT] = "timeout",
	[PL_HEALTH_REASON_FAILED_HEALTH_CHECKS] = "failed-health-checks",
	[PL_HEALTH_REASON_NOT_IN_USE] = "not-in-use",
	[PL_HEALTH_REASON_DEREGISTRATION_IN_PROGRESS] = "deregistration-in-progress",
	[PL_HEALTH_REASON_HEALTH_CHECK_DISABLED] = "health-check-disabled",
};

static const char * const sync_states[] = {
	[PL_SYNC_STATE_ACTIVE] = "active",
	[PL_SYNC_STATE_DRAIN] = "drain",
};

static const char * const sync_phases[] = {
	[PL_SYNC_PHASE_JOINING] = "joining",
	[PL_SYNC_PHASE_ACTIVE] = "active",
	[PL_SYNC_PHASE_DRAINING] = "draining",
};

static const char * const drop_reasons[] = {
	[PL_DROP_REASON_NOT_TCP] = "not-tcp",
	[PL_DROP_REASON_NOT_LISTENER] = "not-listener",
	[PL_DROP_REASON_NOT_AVAILABLE] = "not-available",
	[PL_DROP_REASON_NOT_ALLOWED] = "not-allowed",
	[PL_DROP_REASON_NO_FLOW] = "no-flow",
	[PL_DROP_REASON_FLOW_LIMIT] = "flow-limit",
	[PL_DROP_REASON_NO_BACKEND] = "no-backend",
	[PL_DROP_REASON_NO_SOURCE] = "no-source",
	[PL_DROP_REASON_NO_PORT] = "no-port",
	[PL_DROP_REASON_NO_ROUTE] = "no-route",
	[PL_DROP_REASON_MALFORMED] = "malformed",
	[PL_DROP_REASON_FRAGMENT] = "fragment",
	[PL_DROP_REASON_IP_OPTIONS] = "ip-options",
	[PL_DROP_REASON_TTL_EXCEEDED] = "ttl-exceeded",
	[PL_DROP_REASON_TOO_BIG] = "too-big",
	[PL_DROP_REASON_UNKNOWN_REPLY] = "unknown-reply",
	[PL_DROP_REASON_NO_MEMORY] = "no-memory",
	[PL_DROP_REASON_COMMIT] = "commit",
};

const struct pl_enum pl_health_protocols = {
	health_protocols, ARRAY_SIZE(health_protocols)
};

const struct pl_enum pl_health_states = {
	health_states, ARRAY_SIZE(health_states)
};

const struct pl_enum pl_health_reasons = {
	health_reasons, ARRAY_SIZE(health_reasons)
};

const struct pl_enum pl_az_states = { az_states, ARRAY_SIZE(az_states) };
const struct pl_enum pl_acceptances = { acceptances, ARRAY_SIZE(acceptances) };
const struct pl_enum pl_on_off = { on_off, ARRAY_SIZE(on_off) };

const struct pl_enum pl_endpoint_states = {
	endpoint_states, ARRAY_SIZE(endpoint_states)
};

const struct pl_enum pl_ip_address_types = {
	ip_address_types, ARRAY_SIZE(ip_address_types)
};

const struct pl_enum pl_backend_states = {
	backend_states, ARRAY_SIZE(backend_states)
};

const struct pl_enum pl_flow_states = { flow_states, ARRAY_SIZE(flow_states) };

const struct pl_enum pl_addr_states = { addr_states, ARRAY_SIZE(addr_states) };

const struct pl_enum pl_addr_conflicts = {
	addr_conflicts, ARRAY_SIZE(addr_conflicts)
};

const struct pl_enum pl_stats_scopes = {
	stats_scopes, ARRAY_SIZE(stats_scopes)
};

const struct pl_enum pl_sync_states = { sync_states, ARRAY_SIZE(sync_states) };
const struct pl_enum pl_sync_phases = { sync_phases, ARRAY_SIZE(sync_phases) };
const struct pl_enum pl_drop_reasons = {
	drop_reasons, ARRAY_SIZE(drop_reasons)
};

static const struct pl_attr az_attrs[] = {
	[PL_A_AZ_NAME] = { "name", NULL },
	[PL_A_AZ_ZONE_ID] = { "zone-id", NULL },
	[PL_A_AZ_STATE] = { "state", NULL },
};

static const struct pl_set az_set = { PL_A_AZ_MAX, az_attrs };

static const struct pl_attr subnet_attrs[] = {
	[PL_A_SUBNET_ID] = { "id", NULL },
	[PL_A_SUBNET_PREFIX] = { "prefix", NULL },
	[PL_A_SUBNET_PREFIX_LEN] = { "prefix-len", NULL },
	[PL_A_SUBNET_AZ] = { "az", NULL },
	[PL_A_SUBNET_IFINDEX] = { "ifindex", NULL },
	[PL_A_SUBNET_PROBE] = { "probe", NULL },
	[PL_A_SUBNET_IPV6_PREFIX] = { "ipv6-prefix", NULL },
	[PL_A_SUBNET_IPV6_PREFIX_LEN] = { "ipv6-prefix-len", NULL },
};

static const struct pl_set subnet_set = { PL_A_SUBNET_MAX, subnet_attrs };

static const struct pl_attr listener_attrs[] = {
	[PL_A_LISTENER_PORT] = { "port", NULL },
	[PL_A_LISTENER_TARGET_PORT] = { "target-port", NULL },
};

static const struct pl_set listener_set = {
	PL_A_LISTENER_MAX, listener_attrs
};

static const struct pl_attr source_attrs[] = {
	[PL_A_SOURCE_ADDRESS] = { "address", NULL },
	[PL_A_SOURCE_AZ] = { "az", NULL },
	[PL_A_SOURCE_ADDR_STATE] = { "addr-state", NULL },
	[PL_A_SOURCE_CONFLICT] = { "conflict", NULL },
	[PL_A_SOURCE_CONFLICT_MAC] = { "conflict-mac", NULL },
	[PL_A_SOURCE_CONFLICT_IFINDEX] = { "conflict-ifindex", NULL },
	[PL_A_SOURCE_IPV6] = { "ipv6", NULL },
};

static const struct pl_set source_set = { PL_A_SOURCE_MAX, source_attrs };

static const struct pl_attr health_attrs[] = {
	[PL_A_HEALTH_PROTOCOL] = { "protocol", NULL },
	[PL_A_HEALTH_PORT] = { "port", NULL },
	[PL_A_HEALTH_PATH] = { "path", NULL },
	[PL_A_HEALTH_MATCHER] = { "matcher", NULL },
	[PL_A_HEALTH_INTERVAL] = { "interval", NULL },
	[PL_A_HEALTH_TIMEOUT] = { "timeout", NULL },
	[PL_A_HEALTH_HEALTHY_THRESHOLD] = { "healthy-threshold", NULL },
	[PL_A_HEALTH_UNHEALTHY_THRESHOLD] = { "unhealthy-threshold", NULL },
};

static const struct pl_set health_set = { PL_A_HEALTH_MAX, health_attrs };

static const struct pl_attr service_attrs[] = {
	[PL_A_SERVICE_NAME] = { "name", NULL },
	[PL_A_SERVICE_LISTENER] = { "listener", &listener_set },
	[PL_A_SERVICE_ACCEPTANCE] = { "acceptance", NULL },
	[PL_A_SERVICE_CROSS_ZONE] = { "cross-zone", NULL },
	[PL_A_SERVICE_IDLE_TIMEOUT] = { "idle-timeout", NULL },
	[PL_A_SERVICE_SOURCE] = { "source", &source_set },
	[PL_A_SERVICE_ENDPOINTS] = { "endpoints", NULL },
	[PL_A_SERVICE_BACKENDS] = { "backends", NULL },
	[PL_A_SERVICE_HEALTH] = { "health", &health_set },
	[PL_A_SERVICE_UNHEALTHY_TERMINATION] = { "unhealthy-termination", NULL },
	[PL_A_SERVICE_LB_DIGEST] = { "lb-digest", NULL },
	[PL_A_SERVICE_PAD] = { "pad", NULL },
	[PL_A_SERVICE_PRIVATE_DNS] = { "private-dns", NULL },
};

static const struct pl_set service_set = { PL_A_SERVICE_MAX, service_attrs };

static const struct pl_attr backend_attrs[] = {
	[PL_A_BACKEND_SERVICE] = { "service", NULL },
	[PL_A_BACKEND_ADDRESS] = { "address", NULL },
	[PL_A_BACKEND_AZ] = { "az", NULL },
	[PL_A_BACKEND_PORT] = { "port", NULL },
	[PL_A_BACKEND_WEIGHT] = { "weight", NULL },
	[PL_A_BACKEND_STATE] = { "state", NULL },
	[PL_A_BACKEND_HEALTH] = { "health", NULL },
	[PL_A_BACKEND_HEALTH_REASON] = { "health-reason", NULL },
	[PL_A_BACKEND_HEALTH_CODE] = { "health-code", NULL },
};

static const struct pl_set backend_set = { PL_A_BACKEND_MAX, backend_attrs };

static const struct pl_attr eni_attrs[] = {
	[PL_A_ENI_SUBNET] = { "subnet", NULL },
	[PL_A_ENI_IP] = { "ip", NULL },
	[PL_A_ENI_AZ] = { "az", NULL },
	[PL_A_ENI_ADDR_STATE] = { "addr-state", NULL },
	[PL_A_ENI_CONFLICT] = { "conflict", NULL },
	[PL_A_ENI_CONFLICT_MAC] = { "conflict-mac", NULL },
	[PL_A_ENI_CONFLICT_IFINDEX] = { "conflict-ifindex", NULL },
	[PL_A_ENI_IPV6] = { "ipv6", NULL },
};

static const struct pl_set eni_set = { PL_A_ENI_MAX, eni_attrs };

static const struct pl_attr prefix_attrs[] = {
	[PL_A_PREFIX_ADDRESS] = { "address", NULL },
	[PL_A_PREFIX_LEN] = { "len", NULL },
	[PL_A_PREFIX_IPV6] = { "ipv6", NULL },
};

static const struct pl_set prefix_set = { PL_A_PREFIX_MAX, prefix_attrs };

static const struct pl_attr endpoint_attrs[] = {
	[PL_A_ENDPOINT_ID] = { "id", NULL },
	[PL_A_ENDPOINT_SERVICE] = { "service", NULL },
	[PL_A_ENDPOINT_ENI] = { "eni", &eni_set },
	[PL_A_ENDPOINT_ALLOW] = { "allow", &prefix_set },
	[PL_A_ENDPOINT_STATE] = { "state", NULL },
	[PL_A_ENDPOINT_PRIVATE_DNS] = { "private-dns", NULL },
	[PL_A_ENDPOINT_IP_ADDRESS_TYPE] = { "ip-address-type", NULL },
};

static const struct pl_set endpoint_set = {
	PL_A_ENDPOINT_MAX, endpoint_attrs
};

static const struct pl_attr limits_attrs[] = {
	[PL_A_LIMITS_MAX_AZS] = { "max-azs", NULL },
	[PL_A_LIMITS_MAX_SUBNETS] = { "max-subnets", NULL },
	[PL_A_LIMITS_MAX_SERVICES] = { "max-services", NULL },
	[PL_A_LIMITS_MAX_BACKENDS] = { "max-backends", NULL },
	[PL_A_LIMITS_MAX_ENDPOINTS] = { "max-endpoints", NULL },
	[PL_A_LIMITS_MAX_FLOWS] = { "max-flows", NULL },
	[PL_A_LIMITS_AZS] = { "azs", NULL },
	[PL_A_LIMITS_SUBNETS] = { "subnets", NULL },
	[PL_A_LIMITS_SERVICES] = { "services", NULL },
	[PL_A_LIMITS_BACKENDS] = { "backends", NULL },
	[PL_A_LIMITS_ENDPOINTS] = { "endpoints", NULL },
	[PL_A_LIMITS_FLOWS] = { "flows", NULL },
	[PL_A_LIMITS_MAX_REJECT_LOGS] = { "max-reject-logs", NULL },
	[PL_A_LIMITS_FAST_PATH] = { "fast-path", NULL },
};

static const struct pl_set limits_set = { PL_A_LIMITS_MAX, limits_attrs };

static const struct pl_attr drops_attrs[] = {
	[PL_A_DROPS_NOT_TCP] = { "not-tcp", NULL },
	[PL_A_DROPS_NOT_LISTENER] = { "not-listener", NULL },
	[PL_A_DROPS_NOT_AVAILABLE] = { "not-available", NULL },
	[PL_A_DROPS_NOT_ALLOWED] = { "not-allowed", NULL },
	[PL_A_DROPS_NO_FLOW] = { "no-flow", NULL },
	[PL_A_DROPS_FLOW_LIMIT] = { "flow-limit", NULL },
	[PL_A_DROPS_NO_BACKEND] = { "no-backend", NULL },
	[PL_A_DROPS_NO_SOURCE] = { "no-source", NULL },
	[PL_A_DROPS_NO_PORT] = { "no-port", NULL },
	[PL_A_DROPS_NO_ROUTE] = { "no-route", NULL },
	[PL_A_DROPS_MALFORMED] = { "malformed", NULL },
	[PL_A_DROPS_FRAGMENT] = { "fragment", NULL },
	[PL_A_DROPS_IP_OPTIONS] = { "ip-options", NULL },
	[PL_A_DROPS_TTL_EXCEEDED] = { "ttl-exceeded", NULL },
	[PL_A_DROPS_TOO_BIG] = { "too-big", NULL },
	[PL_A_DROPS_UNKNOWN_REPLY] = { "unknown-reply", NULL },
	[PL_A_DROPS_NO_MEMORY] = { "no-memory", NULL },
	[PL_A_DROPS_PAD] = { "pad", NULL },
	[PL_A_DROPS_COMMIT] = { "commit", NULL },
};

static const struct pl_set drops_set = { PL_A_DROPS_MAX, drops_attrs };

static const struct pl_attr counters_attrs[] = {
	[PL_A_COUNTERS_ACTIVE_CONNECTIONS] = { "active-connections", NULL },
	[PL_A_COUNTERS_NEW_CONNECTIONS] = { "new-connections", NULL },
	[PL_A_COUNTERS_BYTES] = { "bytes", NULL },
	[PL_A_COUNTERS_PACKETS] = { "packets", NULL },
	[PL_A_COUNTERS_DROPPED] = { "dropped", NULL },
	[PL_A_COUNTERS_RST_RECEIVED] = { "rst-received", NULL },
	[PL_A_COUNTERS_ZONE_FALLBACKS] = { "zone-fallbacks", NULL },
	[PL_A_COUNTERS_DROPS] = { "drops", &drops_set },
	[PL_A_COUNTERS_PAD] = { "pad", NULL },
	[PL_A_COUNTERS_ADDRESS_CONFLICTS] = { "address-conflicts", NULL },
	[PL_A_COUNTERS_SYNC_SENT] = { "sync-sent", NULL },
	[PL_A_COUNTERS_SYNC_RECEIVED] = { "sync-received", NULL },
	[PL_A_COUNTERS_SYNC_REJECTED] = { "sync-rejected", NULL },
	[PL_A_COUNTERS_SYNC_LOST] = { "sync-lost", NULL },
	[PL_A_COUNTERS_SYNC_HELD] = { "sync-held", NULL },
	[PL_A_COUNTERS_SYNC_RELEASED] = { "sync-released", NULL },
	[PL_A_COUNTERS_FAST_PATH_PACKETS] = { "fast-path-packets", NULL },
	[PL_A_COUNTERS_FULL_PATH_PACKETS] = { "full-path-packets", NULL },
};

static const struct pl_set counters_set = {
	PL_A_COUNTERS_MAX, counters_attrs
};

static const struct pl_attr stats_attrs[] = {
	[PL_A_STATS_SCOPE] = { "scope", NULL },
	[PL_A_STATS_ENDPOINT] = { "endpoint", NULL },
	[PL_A_STATS_SERVICE] = { "service", NULL },
	[PL_A_STATS_ADDRESS] = { "address", NULL },
	[PL_A_STATS_AZ] = { "az", NULL },
	[PL_A_STATS_COUNTERS] = { "counters", &counters_set },
	[PL_A_STATS_IPV6] = { "ipv6", NULL },
};

static const struct pl_set stats_set = { PL_A_STATS_MAX, stats_attrs };

static const struct pl_attr tuple_attrs[] = {
	[PL_A_TUPLE_SADDR] = { "saddr", NULL },
	[PL_A_TUPLE_DADDR] = { "daddr", NULL },
	[PL_A_TUPLE_SPORT] = { "sport", NULL },
	[PL_A_TUPLE_DPORT] = { "dport", NULL },
};

static const struct pl_set tuple_set = { PL_A_TUPLE_MAX, tuple_attrs };

static const struct pl_attr flow_attrs[] = {
	[PL_A_FLOW_ENDPOINT] = { "endpoint", NULL },
	[PL_A_FLOW_SERVICE] = { "service", NULL },
	[PL_A_FLOW_BACKEND] = { "backend", NULL },
	[PL_A_FLOW_ORIG] = { "orig", &tuple_set },
	[PL_A_FLOW_REPLY] = { "reply", &tuple_set },
	[PL_A_FLOW_STATE] = { "state", NULL },
	[PL_A_FLOW_AGE] = { "age", NULL },
	[PL_A_FLOW_IDLE] = { "idle", NULL },
	[PL_A_FLOW_PACKETS_ORIG] = { "packets-orig", NULL },
	[PL_A_FLOW_BYTES_ORIG] = { "bytes-orig", NULL },
	[PL_A_FLOW_PACKETS_REPLY] = { "packets-reply", NULL },
	[PL_A_FLOW_BYTES_REPLY] = { "bytes-reply", NULL },
	[PL_A_FLOW_PAD] = { "pad", NULL },
	[PL_A_FLOW_NODE] = { "node", NULL },
	[PL_A_FLOW_LEARNED] = { "learned", NULL },
	[PL_A_FLOW_SUBNET] = { "subnet", NULL },
	[PL_A_FLOW_PROTOCOL] = { "protocol", NULL },
	[PL_A_FLOW_REASON] = { "reason", NULL },
	[PL_A_FLOW_SUPPRESSED] = { "suppressed", NULL },
};

static const struct pl_set flow_set = { PL_A_FLOW_MAX, flow_attrs };

static const struct pl_attr config_op_attrs[] = {
	[PL_A_CONFIG_OP_CMD] = { "cmd", NULL },
	[PL_A_CONFIG_OP_LINE] = { "line", NULL },
	[PL_A_CONFIG_OP_ATTRS] = { "attrs", NULL },
};

static const struct pl_set config_op_set = {
	PL_A_CONFIG_OP_MAX, config_op_attrs
};

static const struct pl_attr config_attrs[] = {
	[PL_A_CONFIG_FLAGS] = { "flags", NULL },
	[PL_A_CONFIG_GENERATION] = { "generation", NULL },
	[PL_A_CONFIG_OP] = { "op", &config_op_set },
	[PL_A_CONFIG_ADDED] = { "added", NULL },
	[PL_A_CONFIG_CHANGED] = { "changed", NULL },
	[PL_A_CONFIG_DELETED] = { "deleted", NULL },
	[PL_A_CONFIG_DIGEST] = { "digest", NULL },
	[PL_A_CONFIG_PAD] = { "pad", NULL },
	[PL_A_CONFIG_FINGERPRINT] = { "fingerprint", NULL },
};

static const struct pl_set config_set = { PL_A_CONFIG_MAX, config_attrs };

static const struct pl_attr sync_peer_attrs[] = {
	[PL_A_SYNC_PEER_ADDRESS] = { "address", NULL },
	[PL_A_SYNC_PEER_NODE] = { "node", NULL },
	[PL_A_SYNC_PEER_REACHABLE] = { "reachable", NULL },
	[PL_A_SYNC_PEER_LAST_HEARD] = { "last-heard", NULL },
	[PL_A_SYNC_PEER_PHASE] = { "phase", NULL },
	[PL_A_SYNC_PEER_DIGEST] = { "digest", NULL },
	[PL_A_SYNC_PEER_FLOWS_SENT] = { "flows-sent", NULL },
	[PL_A_SYNC_PEER_FLOWS_RECEIVED] = { "flows-received", NULL },
	[PL_A_SYNC_PEER_MESSAGES_SENT] = { "messages-sent", NULL },
	[PL_A_SYNC_PEER_MESSAGES_RECEIVED] = { "messages-received", NULL },
	[PL_A_SYNC_PEER_MESSAGES_LOST] = { "messages-lost", NULL },
	[PL_A_SYNC_PEER_MESSAGES_REPAIRED] = { "messages-repaired", NULL },
	[PL_A_SYNC_PEER_BULK_RECEIVED] = { "bulk-received", NULL },
	[PL_A_SYNC_PEER_PAD] = { "pad", NULL },
	[PL_A_SYNC_PEER_MESSAGES_RESENT] = { "messages-resent", NULL },
};

static const struct pl_set sync_peer_set = {
	PL_A_SYNC_PEER_MAX, sync_peer_attrs
};

static const struct pl_attr sync_attrs[] = {
	[PL_A_SYNC_NODE] = { "node", NULL },
	[PL_A_SYNC_LOCAL] = { "local", NULL },
	[PL_A_SYNC_PORT] = { "port", NULL },
	[PL_A_SYNC_KEY] = { "key", NULL },
	[PL_A_SYNC_ANNOUNCE_TABLE] = { "announce-table", NULL },
	[PL_A_SYNC_STATE] = { "state", NULL },
	[PL_A_SYNC_PHASE] = { "phase", NULL },
	[PL_A_SYNC_PEER] = { "peer", &sync_peer_set },
	[PL_A_SYNC_DIGEST] = { "digest", NULL },
	[PL_A_SYNC_FLOWS] = { "flows", NULL },
	[PL_A_SYNC_LEARNED] = { "learned", NULL },
	[PL_A_SYNC_MESSAGES_REJECTED] = { "messages-rejected", NULL },
	[PL_A_SYNC_PAD] = { "pad", NULL },
};

static const struct pl_set sync_set = { PL_A_SYNC_MAX, sync_attrs };

static const struct pl_attr dns_attrs[] = {
	[PL_A_DNS_SUFFIX] = { "suffix", NULL },
	[PL_A_DNS_CONSUMER] = { "consumer", &prefix_set },
};

static const struct pl_set dns_set = { PL_A_DNS_MAX, dns_attrs };

/* The attribute set of each command's request and reply. */
static const struct pl_set *const cmd_sets[PL_CMD_MAX + 1] = {
	[PL_CMD_AZ_ADD ... PL_CMD_AZ_GET] = &az_set,
	[PL_CMD_SUBNET_ADD ... PL_CMD_SUBNET_GET] = &subnet_set,
	[PL_CMD_SERVICE_ADD ... PL_CMD_SERVICE_SOURCE_DEL] = &service_set,
	[PL_CMD_BACKEND_ADD ... PL_CMD_BACKEND_GET] = &backend_set,
	[PL_CMD_ENDPOINT_ADD ... PL_CMD_ENDPOINT_GET] = &endpoint_set,
	[PL_CMD_LIMITS_GET ... PL_CMD_LIMITS_SET] = &limits_set,
	[PL_CMD_AZ_ADD_NTF ... PL_CMD_AZ_DEL_NTF] = &az_set,
	[PL_CMD_SUBNET_ADD_NTF ... PL_CMD_SUBNET_DEL_NTF] = &subnet_set,
	[PL_CMD_SERVICE_ADD_NTF ... PL_CMD_SERVICE_DEL_NTF] = &service_set,
	[PL_CMD_BACKEND_ADD_NTF ... PL_CMD_BACKEND_DEL_NTF] = &backend_set,
	[PL_CMD_ENDPOINT_ADD_NTF ... PL_CMD_ENDPOINT_DEL_NTF] = &endpoint_set,
	[PL_CMD_LIMITS_CHANGE_NTF] = &limits_set,
	[PL_CMD_FLOW_GET ... PL_CMD_FLOW_FLUSH] = &flow_set,
	[PL_CMD_STATS_GET] = &stats_set,
	[PL_CMD_FLOW_ADD_NTF ... PL_CMD_FLOW_DEL_NTF] = &flow_set,
	[PL_CMD_SUBNET_SET ... PL_CMD_SUBNET_CHANGE_NTF] = &subnet_set,
	[PL_CMD_CONFIG_APPLY ... PL_CMD_CONFIG_COMMIT_NTF] = &config_set,
	[PL_CMD_BACKEND_HEALTH_SET] = &backend_set,
	[PL_CMD_SYNC_SET ... PL_CMD_SYNC_CHANGE_NTF] = &sync_set,
	[PL_CMD_FLOW_REJECT_NTF] = &flow_set,
	[PL_CMD_DNS_GET ... PL_CMD_DNS_CHANGE_NTF] = &dns_set,
};

const struct pl_set *pl_cmd_set(int cmd)
{
	if (cmd < 0 || cmd > PL_CMD_MAX)
		return NULL;
	return cmd_sets[cmd];
}

const char *pl_attr_name(const struct pl_set *set, int type)
{
	if (!set || type <= 0 || type > set->max)
		return NULL;
	return set->attrs[type].name;
}

const struct pl_set *pl_attr_nest(const struct pl_set *set, int type)
{
	if (!set || type <= 0 || type > set->max)
		return NULL;
	return set->attrs[type].nest;
}

/* The name of an enum value, or NULL when this pl-ctl does not know it. */
const char *pl_enum_name(const struct pl_enum *e, unsigned int v)
{
	return v < e->n ? e->names[v] : NULL;
}
