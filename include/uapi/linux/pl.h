/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/pl.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_PL_H
#define _UAPI_LINUX_PL_H

#define PL_FAMILY_NAME		"pl"
#define PL_FAMILY_VERSION	1

#define PL_NAME_MAX		63
#define PL_MAX_AZS		32
#define PL_MAX_LISTENERS	64
#define PL_MAX_ALLOW		64
#define PL_DNS_NAME_MAX		253
#define PL_DNS_SUFFIX_MAX	128
#define PL_DNS_MAX_CONSUMERS	64
#define PL_MAX_SERVICE_BACKENDS	65521
#define PL_WEIGHT_MAX		256
#define PL_IDLE_TIMEOUT_MAX	6000
#define PL_HEALTH_PATH_MAX	1024
#define PL_HEALTH_MATCHER_MAX	64

/**
 * enum pl_az_state - State of an availability zone.
 * @PL_AZ_STATE_UP: The zone takes new flows.
 * @PL_AZ_STATE_DOWN: Zonal shift; the zone's backends get no new flows.
 */
enum pl_az_state {
	PL_AZ_STATE_UP,
	PL_AZ_STATE_DOWN,
};

/**
 * enum pl_acceptance - How a service admits new endpoints.
 * @PL_ACCEPTANCE_MANUAL: New endpoints wait in pending-acceptance until
 *   accepted.
 * @PL_ACCEPTANCE_AUTO: New endpoints are available at once.
 */
enum pl_acceptance {
	PL_ACCEPTANCE_MANUAL,
	PL_ACCEPTANCE_AUTO,
};

/**
 * enum pl_endpoint_state - State of an endpoint's connection to its service.
 * @PL_ENDPOINT_STATE_PENDING_ACCEPTANCE: Waiting for the service's owner to
 *   accept it.
 * @PL_ENDPOINT_STATE_AVAILABLE: Accepted; carries traffic.
 * @PL_ENDPOINT_STATE_REJECTED: Refused by the service's owner; carries no
 *   traffic.
 */
enum pl_endpoint_state {
	PL_ENDPOINT_STATE_PENDING_ACCEPTANCE,
	PL_ENDPOINT_STATE_AVAILABLE,
	PL_ENDPOINT_STATE_REJECTED,
};

/**
 * enum pl_backend_state - Whether a backend takes new flows.
 * @PL_BACKEND_STATE_ACTIVE: Takes new flows (when its weight is above zero).
 * @PL_BACKEND_STATE_DRAIN: Takes no new flows; existing flows continue.
 */
enum pl_backend_state {
	PL_BACKEND_STATE_ACTIVE,
	PL_BACKEND_STATE_DRAIN,
};

/**
 * enum pl_ip_address_type - The address families of an endpoint's network
 *   interfaces, as AWS's IpAddressType.
 * @PL_IP_ADDRESS_TYPE_IPV4: An IPv4 address in each subnet (whose IPv4 prefix
 *   it needs).
 * @PL_IP_ADDRESS_TYPE_DUALSTACK: An IPv4 and an IPv6 address in each subnet
 *   (which needs both prefixes).
 * @PL_IP_ADDRESS_TYPE_IPV6: An IPv6 address in each subnet (whose IPv6 prefix
 *   it needs).
 */
enum pl_ip_address_type {
	PL_IP_ADDRESS_TYPE_IPV4,
	PL_IP_ADDRESS_TYPE_DUALSTACK,
	PL_IP_ADDRESS_TYPE_IPV6,
};

/**
 * enum pl_addr_state - Whether pl serves one of its addresses (an ENI IP or a
 *   source address): answers ARP for it and translates traffic to it.
 * @PL_ADDR_STATE_PROBING: Being probed with ARP (RFC 5227) before use, for
 *   about a second; not served yet.
 * @PL_ADDR_STATE_AVAILABLE: Served.
 * @PL_ADDR_STATE_CONFLICT: Another owner was found (see addr-conflict). Served
 *   only when the conflict is "claimed".
 */
enum pl_addr_state {
	PL_ADDR_STATE_PROBING,
	PL_ADDR_STATE_AVAILABLE,
	PL_ADDR_STATE_CONFLICT,
};

/**
 * enum pl_addr_conflict - Who else has an address of pl's.
 * @PL_ADDR_CONFLICT_NONE: Nobody.
 * @PL_ADDR_CONFLICT_LOCAL: An address of this router's own interfaces
 *   (conflict-ifindex names the interface). The local address wins: pl does
 *   not serve it until it goes away.
 * @PL_ADDR_CONFLICT_IN_USE: Another host (conflict-mac) answered pl's probe,
 *   probed for the address at the same time, or is in the neighbour table with
 *   it. pl does not serve it; delete the ENI or source address and give
 *   another one.
 * @PL_ADDR_CONFLICT_CLAIMED: Another host (conflict-mac) claimed the address
 *   after pl did (gratuitous ARP or an ARP reply). pl keeps serving it.
 */
enum pl_addr_conflict {
	PL_ADDR_CONFLICT_NONE,
	PL_ADDR_CONFLICT_LOCAL,
	PL_ADDR_CONFLICT_IN_USE,
	PL_ADDR_CONFLICT_CLAIMED,
};

/**
 * enum pl_flow_state - TCP state of a flow, as pl follows it.
 * @PL_FLOW_STATE_SYN_SENT: The client's SYN was forwarded.
 * @PL_FLOW_STATE_SYN_RECV: The backend answered with SYN-ACK.
 * @PL_FLOW_STATE_ESTABLISHED: The handshake completed; the idle timeout
 *   applies.
 * @PL_FLOW_STATE_FIN_WAIT: One side sent FIN.
 * @PL_FLOW_STATE_CLOSING: Both sides sent FIN.
 * @PL_FLOW_STATE_CLOSED: A side sent RST.
 */
enum pl_flow_state {
	PL_FLOW_STATE_SYN_SENT,
	PL_FLOW_STATE_SYN_RECV,
	PL_FLOW_STATE_ESTABLISHED,
	PL_FLOW_STATE_FIN_WAIT,
	PL_FLOW_STATE_CLOSING,
	PL_FLOW_STATE_CLOSED,
};

/**
 * enum pl_config_flags - How config-apply carries out a transaction.
 * @PL_CONFIG_FLAGS_CHECK: Validate the transaction whole, then discard it;
 *   nothing changes.
 */
enum pl_config_flags {
	PL_CONFIG_FLAGS_CHECK = 1,
};

/**
 * enum pl_stats_scope - What a set of counters belongs to.
 * @PL_STATS_SCOPE_NAMESPACE: The whole network namespace: everything that
 *   crossed it, also through objects deleted since.
 * @PL_STATS_SCOPE_ENDPOINT: One endpoint (the sum of its ENIs).
 * @PL_STATS_SCOPE_ENI: One network interface of an endpoint.
 * @PL_STATS_SCOPE_SERVICE: One service (the sum of its backends).
 * @PL_STATS_SCOPE_BACKEND: One backend.
 */
enum pl_stats_scope {
	PL_STATS_SCOPE_NAMESPACE,
	PL_STATS_SCOPE_ENDPOINT,
	PL_STATS_SCOPE_ENI,
	PL_STATS_SCOPE_SERVICE,
	PL_STATS_SCOPE_BACKEND,
};

/**
 * enum pl_health_protocol - How the health checker probes a service's
 *   backends.
 * @PL_HEALTH_PROTOCOL_NONE: No health checks: backends take flows by their
 *   state and weight alone.
 * @PL_HEALTH_PROTOCOL_TCP: A TCP connection that opens is a passed check.
 * @PL_HEALTH_PROTOCOL_HTTP: An HTTP GET whose status is in the matcher is a
 *   passed check.
 * @PL_HEALTH_PROTOCOL_HTTPS: The same over TLS (the certificate is not
 *   verified).
 */
enum pl_health_protocol {
	PL_HEALTH_PROTOCOL_NONE,
	PL_HEALTH_PROTOCOL_TCP,
	PL_HEALTH_PROTOCOL_HTTP,
	PL_HEALTH_PROTOCOL_HTTPS,
};

/**
 * enum pl_health_state - A backend's health, as a Network Load Balancer
 *   reports its targets'.
 * @PL_HEALTH_STATE_INITIAL: Checks have started; not yet healthy-threshold
 *   passes in a row.
 * @PL_HEALTH_STATE_HEALTHY: Passed its checks; takes new flows.
 * @PL_HEALTH_STATE_UNHEALTHY: Failed unhealthy-threshold checks in a row;
 *   takes no new flows.
 * @PL_HEALTH_STATE_UNUSED: Not in use (weight 0, or its zone is down); not
 *   checked.
 * @PL_HEALTH_STATE_DRAINING: Drained (state drain); existing flows continue.
 * @PL_HEALTH_STATE_UNAVAILABLE: Health checks are off for its service.
 */
enum pl_health_state {
	PL_HEALTH_STATE_INITIAL,
	PL_HEALTH_STATE_HEALTHY,
	PL_HEALTH_STATE_UNHEALTHY,
	PL_HEALTH_STATE_UNUSED,
	PL_HEALTH_STATE_DRAINING,
	PL_HEALTH_STATE_UNAVAILABLE,
};

/**
 * enum pl_health_reason - Why a backend has its health state (AWS's
 *   TargetHealth reason codes).
 * @PL_HEALTH_REASON_NONE: Healthy.
 * @PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING: Elb.InitialHealthChecking.
 * @PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH: Target.ResponseCodeMismatch;
 *   health-code has the status.
 * @PL_HEALTH_REASON_TIMEOUT: Target.Timeout.
 * @PL_HEALTH_REASON_FAILED_HEALTH_CHECKS: Target.FailedHealthChecks (refused,
 *   reset, TLS or HTTP error).
 * @PL_HEALTH_REASON_NOT_IN_USE: Target.NotInUse.
 * @PL_HEALTH_REASON_DEREGISTRATION_IN_PROGRESS:
 *   Target.DeregistrationInProgress.
 * @PL_HEALTH_REASON_HEALTH_CHECK_DISABLED: Target.HealthCheckDisabled.
 */
enum pl_health_reason {
	PL_HEALTH_REASON_NONE,
	PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING,
	PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH,
	PL_HEALTH_REASON_TIMEOUT,
	PL_HEALTH_REASON_FAILED_HEALTH_CHECKS,
	PL_HEALTH_REASON_NOT_IN_USE,
	PL_HEALTH_REASON_DEREGISTRATION_IN_PROGRESS,
	PL_HEALTH_REASON_HEALTH_CHECK_DISABLED,
};

#define PL_SYNC_KEY_LEN		32
#define PL_SYNC_MAX_NODE	8
#define PL_SYNC_MAX_PEERS	7

/**
 * enum pl_sync_state - What the operator wants of this router.
 * @PL_SYNC_STATE_ACTIVE: Take traffic once the peers' flows are here.
 * @PL_SYNC_STATE_DRAIN: Withdraw the announcements, so that new traffic goes
 *   to the other routers; keep translating and syncing what still comes.
 */
enum pl_sync_state {
	PL_SYNC_STATE_ACTIVE,
	PL_SYNC_STATE_DRAIN,
};

/**
 * enum pl_sync_phase - Where this router is.
 * @PL_SYNC_PHASE_JOINING: Waiting for the peers' flows (a bulk sync from each
 *   reachable peer); not announcing.
 * @PL_SYNC_PHASE_ACTIVE: Holding the fleet's flows, announcing.
 * @PL_SYNC_PHASE_DRAINING: Holding the fleet's flows, not announcing (state
 *   drain).
 */
enum pl_sync_phase {
	PL_SYNC_PHASE_JOINING,
	PL_SYNC_PHASE_ACTIVE,
	PL_SYNC_PHASE_DRAINING,
};

/**
 * enum pl_drop_reason - Why a packet was dropped: the counters of the drops
 *   attribute set, in the same order.
 */
enum pl_drop_reason {
	PL_DROP_REASON_NOT_TCP,
	PL_DROP_REASON_NOT_LISTENER,
	PL_DROP_REASON_NOT_AVAILABLE,
	PL_DROP_REASON_NOT_ALLOWED,
	PL_DROP_REASON_NO_FLOW,
	PL_DROP_REASON_FLOW_LIMIT,
	PL_DROP_REASON_NO_BACKEND,
	PL_DROP_REASON_NO_SOURCE,
	PL_DROP_REASON_NO_PORT,
	PL_DROP_REASON_NO_ROUTE,
	PL_DROP_REASON_MALFORMED,
	PL_DROP_REASON_FRAGMENT,
	PL_DROP_REASON_IP_OPTIONS,
	PL_DROP_REASON_TTL_EXCEEDED,
	PL_DROP_REASON_TOO_BIG,
	PL_DROP_REASON_UNKNOWN_REPLY,
	PL_DROP_REASON_NO_MEMORY,
	PL_DROP_REASON_COMMIT,
};

enum {
	PL_A_AZ_NAME = 1,
	PL_A_AZ_ZONE_ID,
	PL_A_AZ_STATE,

	__PL_A_AZ_MAX,
	PL_A_AZ_MAX = (__PL_A_AZ_MAX - 1)
};

enum {
	PL_A_SUBNET_ID = 1,
	PL_A_SUBNET_PREFIX,
	PL_A_SUBNET_PREFIX_LEN,
	PL_A_SUBNET_AZ,
	PL_A_SUBNET_IFINDEX,
	PL_A_SUBNET_PROBE,
	PL_A_SUBNET_IPV6_PREFIX,
	PL_A_SUBNET_IPV6_PREFIX_LEN,

	__PL_A_SUBNET_MAX,
	PL_A_SUBNET_MAX = (__PL_A_SUBNET_MAX - 1)
};

enum {
	PL_A_LISTENER_PORT = 1,
	PL_A_LISTENER_TARGET_PORT,

	__PL_A_LISTENER_MAX,
	PL_A_LISTENER_MAX = (__PL_A_LISTENER_MAX - 1)
};

enum {
	PL_A_SOURCE_ADDRESS = 1,
	PL_A_SOURCE_AZ,
	PL_A_SOURCE_ADDR_STATE,
	PL_A_SOURCE_CONFLICT,
	PL_A_SOURCE_CONFLICT_MAC,
	PL_A_SOURCE_CONFLICT_IFINDEX,
	PL_A_SOURCE_IPV6,

	__PL_A_SOURCE_MAX,
	PL_A_SOURCE_MAX = (__PL_A_SOURCE_MAX - 1)
};

enum {
	PL_A_SERVICE_NAME = 1,
	PL_A_SERVICE_LISTENER,
	PL_A_SERVICE_ACCEPTANCE,
	PL_A_SERVICE_CROSS_ZONE,
	PL_A_SERVICE_IDLE_TIMEOUT,
	PL_A_SERVICE_SOURCE,
	PL_A_SERVICE_ENDPOINTS,
	PL_A_SERVICE_BACKENDS,
	PL_A_SERVICE_HEALTH,
	PL_A_SERVICE_UNHEALTHY_TERMINATION,
	PL_A_SERVICE_LB_DIGEST,
	PL_A_SERVICE_PAD,
	PL_A_SERVICE_PRIVATE_DNS,

	__PL_A_SERVICE_MAX,
	PL_A_SERVICE_MAX = (__PL_A_SERVICE_MAX - 1)
};

enum {
	PL_A_HEALTH_PROTOCOL = 1,
	PL_A_HEALTH_PORT,
	PL_A_HEALTH_PATH,
	PL_A_HEALTH_MATCHER,
	PL_A_HEALTH_INTERVAL,
	PL_A_HEALTH_TIMEOUT,
	PL_A_HEALTH_HEALTHY_THRESHOLD,
	PL_A_HEALTH_UNHEALTHY_THRESHOLD,

	__PL_A_HEALTH_MAX,
	PL_A_HEALTH_MAX = (__PL_A_HEALTH_MAX - 1)
};

enum {
	PL_A_BACKEND_SERVICE = 1,
	PL_A_BACKEND_ADDRESS,
	PL_A_BACKEND_AZ,
	PL_A_BACKEND_PORT,
	PL_A_BACKEND_WEIGHT,
	PL_A_BACKEND_STATE,
	PL_A_BACKEND_HEALTH,
	PL_A_BACKEND_HEALTH_REASON,
	PL_A_BACKEND_HEALTH_CODE,

	__PL_A_BACKEND_MAX,
	PL_A_BACKEND_MAX = (__PL_A_BACKEND_MAX - 1)
};

enum {
	PL_A_ENI_SUBNET = 1,
	PL_A_ENI_IP,
	PL_A_ENI_AZ,
	PL_A_ENI_ADDR_STATE,
	PL_A_ENI_CONFLICT,
	PL_A_ENI_CONFLICT_MAC,
	PL_A_ENI_CONFLICT_IFINDEX,
	PL_A_ENI_IPV6,

	__PL_A_ENI_MAX,
	PL_A_ENI_MAX = (__PL_A_ENI_MAX - 1)
};

enum {
	PL_A_PREFIX_ADDRESS = 1,
	PL_A_PREFIX_LEN,
	PL_A_PREFIX_IPV6,

	__PL_A_PREFIX_MAX,
	PL_A_PREFIX_MAX = (__PL_A_PREFIX_MAX - 1)
};

enum {
	PL_A_ENDPOINT_ID = 1,
	PL_A_ENDPOINT_SERVICE,
	PL_A_ENDPOINT_ENI,
	PL_A_ENDPOINT_ALLOW,
	PL_A_ENDPOINT_STATE,
	PL_A_ENDPOINT_PRIVATE_DNS,
	PL_A_ENDPOINT_IP_ADDRESS_TYPE,

	__PL_A_ENDPOINT_MAX,
	PL_A_ENDPOINT_MAX = (__PL_A_ENDPOINT_MAX - 1)
};

enum {
	PL_A_LIMITS_MAX_AZS = 1,
	PL_A_LIMITS_MAX_SUBNETS,
	PL_A_LIMITS_MAX_SERVICES,
	PL_A_LIMITS_MAX_BACKENDS,
	PL_A_LIMITS_MAX_ENDPOINTS,
	PL_A_LIMITS_MAX_FLOWS,
	PL_A_LIMITS_AZS,
	PL_A_LIMITS_SUBNETS,
	PL_A_LIMITS_SERVICES,
	PL_A_LIMITS_BACKENDS,
	PL_A_LIMITS_ENDPOINTS,
	PL_A_LIMITS_FLOWS,
	PL_A_LIMITS_MAX_REJECT_LOGS,
	PL_A_LIMITS_FAST_PATH,

	__PL_A_LIMITS_MAX,
	PL_A_LIMITS_MAX = (__PL_A_LIMITS_MAX - 1)
};

enum {
	PL_A_DNS_SUFFIX = 1,
	PL_A_DNS_CONSUMER,

	__PL_A_DNS_MAX,
	PL_A_DNS_MAX = (__PL_A_DNS_MAX - 1)
};

enum {
	PL_A_DROPS_NOT_TCP = 1,
	PL_A_DROPS_NOT_LISTENER,
	PL_A_DROPS_NOT_AVAILABLE,
	PL_A_DROPS_NOT_ALLOWED,
	PL_A_DROPS_NO_FLOW,
	PL_A_DROPS_FLOW_LIMIT,
	PL_A_DROPS_NO_BACKEND,
	PL_A_DROPS_NO_SOURCE,
	PL_A_DROPS_NO_PORT,
	PL_A_DROPS_NO_ROUTE,
	PL_A_DROPS_MALFORMED,
	PL_A_DROPS_FRAGMENT,
	PL_A_DROPS_IP_OPTIONS,
	PL_A_DROPS_TTL_EXCEEDED,
	PL_A_DROPS_TOO_BIG,
	PL_A_DROPS_UNKNOWN_REPLY,
	PL_A_DROPS_NO_MEMORY,
	PL_A_DROPS_PAD,
	PL_A_DROPS_COMMIT,

	__PL_A_DROPS_MAX,
	PL_A_DROPS_MAX = (__PL_A_DROPS_MAX - 1)
};

enum {
	PL_A_COUNTERS_ACTIVE_CONNECTIONS = 1,
	PL_A_COUNTERS_NEW_CONNECTIONS,
	PL_A_COUNTERS_BYTES,
	PL_A_COUNTERS_PACKETS,
	PL_A_COUNTERS_DROPPED,
	PL_A_COUNTERS_RST_RECEIVED,
	PL_A_COUNTERS_ZONE_FALLBACKS,
	PL_A_COUNTERS_DROPS,
	PL_A_COUNTERS_PAD,
	PL_A_COUNTERS_ADDRESS_CONFLICTS,
	PL_A_COUNTERS_SYNC_SENT,
	PL_A_COUNTERS_SYNC_RECEIVED,
	PL_A_COUNTERS_SYNC_REJECTED,
	PL_A_COUNTERS_SYNC_LOST,
	PL_A_COUNTERS_SYNC_HELD,
	PL_A_COUNTERS_SYNC_RELEASED,
	PL_A_COUNTERS_FAST_PATH_PACKETS,
	PL_A_COUNTERS_FULL_PATH_PACKETS,

	__PL_A_COUNTERS_MAX,
	PL_A_COUNTERS_MAX = (__PL_A_COUNTERS_MAX - 1)
};

enum {
	PL_A_STATS_SCOPE = 1,
	PL_A_STATS_ENDPOINT,
	PL_A_STATS_SERVICE,
	PL_A_STATS_ADDRESS,
	PL_A_STATS_AZ,
	PL_A_STATS_COUNTERS,
	PL_A_STATS_IPV6,

	__PL_A_STATS_MAX,
	PL_A_STATS_MAX = (__PL_A_STATS_MAX - 1)
};

enum {
	PL_A_TUPLE_SADDR = 1,
	PL_A_TUPLE_DADDR,
	PL_A_TUPLE_SPORT,
	PL_A_TUPLE_DPORT,

	__PL_A_TUPLE_MAX,
	PL_A_TUPLE_MAX = (__PL_A_TUPLE_MAX - 1)
};

enum {
	PL_A_FLOW_ENDPOINT = 1,
	PL_A_FLOW_SERVICE,
	PL_A_FLOW_BACKEND,
	PL_A_FLOW_ORIG,
	PL_A_FLOW_REPLY,
	PL_A_FLOW_STATE,
	PL_A_FLOW_AGE,
	PL_A_FLOW_IDLE,
	PL_A_FLOW_PACKETS_ORIG,
	PL_A_FLOW_BYTES_ORIG,
	PL_A_FLOW_PACKETS_REPLY,
	PL_A_FLOW_BYTES_REPLY,
	PL_A_FLOW_PAD,
	PL_A_FLOW_NODE,
	PL_A_FLOW_LEARNED,
	PL_A_FLOW_SUBNET,
	PL_A_FLOW_PROTOCOL,
	PL_A_FLOW_REASON,
	PL_A_FLOW_SUPPRESSED,

	__PL_A_FLOW_MAX,
	PL_A_FLOW_MAX = (__PL_A_FLOW_MAX - 1)
};

enum {
	PL_A_CONFIG_OP_CMD = 1,
	PL_A_CONFIG_OP_LINE,
	PL_A_CONFIG_OP_ATTRS,

	__PL_A_CONFIG_OP_MAX,
	PL_A_CONFIG_OP_MAX = (__PL_A_CONFIG_OP_MAX - 1)
};

enum {
	PL_A_CONFIG_FLAGS = 1,
	PL_A_CONFIG_GENERATION,
	PL_A_CONFIG_OP,
	PL_A_CONFIG_ADDED,
	PL_A_CONFIG_CHANGED,
	PL_A_CONFIG_DELETED,
	PL_A_CONFIG_DIGEST,
	PL_A_CONFIG_PAD,
	PL_A_CONFIG_FINGERPRINT,

	__PL_A_CONFIG_MAX,
	PL_A_CONFIG_MAX = (__PL_A_CONFIG_MAX - 1)
};

enum {
	PL_A_SYNC_PEER_ADDRESS = 1,
	PL_A_SYNC_PEER_NODE,
	PL_A_SYNC_PEER_REACHABLE,
	PL_A_SYNC_PEER_LAST_HEARD,
	PL_A_SYNC_PEER_PHASE,
	PL_A_SYNC_PEER_DIGEST,
	PL_A_SYNC_PEER_FLOWS_SENT,
	PL_A_SYNC_PEER_FLOWS_RECEIVED,
	PL_A_SYNC_PEER_MESSAGES_SENT,
	PL_A_SYNC_PEER_MESSAGES_RECEIVED,
	PL_A_SYNC_PEER_MESSAGES_LOST,
	PL_A_SYNC_PEER_MESSAGES_REPAIRED,
	PL_A_SYNC_PEER_BULK_RECEIVED,
	PL_A_SYNC_PEER_PAD,
	PL_A_SYNC_PEER_MESSAGES_RESENT,

	__PL_A_SYNC_PEER_MAX,
	PL_A_SYNC_PEER_MAX = (__PL_A_SYNC_PEER_MAX - 1)
};

enum {
	PL_A_SYNC_NODE = 1,
	PL_A_SYNC_LOCAL,
	PL_A_SYNC_PORT,
	PL_A_SYNC_KEY,
	PL_A_SYNC_ANNOUNCE_TABLE,
	PL_A_SYNC_STATE,
	PL_A_SYNC_PHASE,
	PL_A_SYNC_PEER,
	PL_A_SYNC_DIGEST,
	PL_A_SYNC_FLOWS,
	PL_A_SYNC_LEARNED,
	PL_A_SYNC_MESSAGES_REJECTED,
	PL_A_SYNC_PAD,

	__PL_A_SYNC_MAX,
	PL_A_SYNC_MAX = (__PL_A_SYNC_MAX - 1)
};

enum {
	PL_CMD_AZ_ADD = 1,
	PL_CMD_AZ_SET,
	PL_CMD_AZ_DEL,
	PL_CMD_AZ_GET,
	PL_CMD_SUBNET_ADD,
	PL_CMD_SUBNET_DEL,
	PL_CMD_SUBNET_GET,
	PL_CMD_SERVICE_ADD,
	PL_CMD_SERVICE_SET,
	PL_CMD_SERVICE_DEL,
	PL_CMD_SERVICE_GET,
	PL_CMD_SERVICE_SOURCE_ADD,
	PL_CMD_SERVICE_SOURCE_DEL,
	PL_CMD_BACKEND_ADD,
	PL_CMD_BACKEND_SET,
	PL_CMD_BACKEND_DEL,
	PL_CMD_BACKEND_GET,
	PL_CMD_ENDPOINT_ADD,
	PL_CMD_ENDPOINT_SET,
	PL_CMD_ENDPOINT_ALLOW_ADD,
	PL_CMD_ENDPOINT_ALLOW_DEL,
	PL_CMD_ENDPOINT_DEL,
	PL_CMD_ENDPOINT_GET,
	PL_CMD_LIMITS_GET,
	PL_CMD_LIMITS_SET,
	PL_CMD_AZ_ADD_NTF,
	PL_CMD_AZ_CHANGE_NTF,
	PL_CMD_AZ_DEL_NTF,
	PL_CMD_SUBNET_ADD_NTF,
	PL_CMD_SUBNET_DEL_NTF,
	PL_CMD_SERVICE_ADD_NTF,
	PL_CMD_SERVICE_CHANGE_NTF,
	PL_CMD_SERVICE_DEL_NTF,
	PL_CMD_BACKEND_ADD_NTF,
	PL_CMD_BACKEND_CHANGE_NTF,
	PL_CMD_BACKEND_DEL_NTF,
	PL_CMD_ENDPOINT_ADD_NTF,
	PL_CMD_ENDPOINT_CHANGE_NTF,
	PL_CMD_ENDPOINT_DEL_NTF,
	PL_CMD_LIMITS_CHANGE_NTF,
	PL_CMD_FLOW_GET,
	PL_CMD_FLOW_FLUSH,
	PL_CMD_STATS_GET,
	PL_CMD_FLOW_ADD_NTF,
	PL_CMD_FLOW_DEL_NTF,
	PL_CMD_SUBNET_SET,
	PL_CMD_SUBNET_CHANGE_NTF,
	PL_CMD_CONFIG_APPLY,
	PL_CMD_CONFIG_GET,
	PL_CMD_CONFIG_COMMIT_NTF,
	PL_CMD_BACKEND_HEALTH_SET,
	PL_CMD_SYNC_SET,
	PL_CMD_SYNC_GET,
	PL_CMD_SYNC_DEL,
	PL_CMD_SYNC_PEER_ADD,
	PL_CMD_SYNC_PEER_DEL,
	PL_CMD_SYNC_CHANGE_NTF,
	PL_CMD_FLOW_REJECT_NTF,
	PL_CMD_DNS_GET,
	PL_CMD_DNS_SET,
	PL_CMD_DNS_CONSUMER_ADD,
	PL_CMD_DNS_CONSUMER_DEL,
	PL_CMD_DNS_CHANGE_NTF,

	__PL_CMD_MAX,
	PL_CMD_MAX = (__PL_CMD_MAX - 1)
};

#define PL_MCGRP_CONFIG	"config"
#define PL_MCGRP_FLOWS	"flows"

#endif /* _UAPI_LINUX_PL_H */
