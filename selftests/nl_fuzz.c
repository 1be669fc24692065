// SPDX-License-Identifier: GPL-2.0
/*
 * A netlink fuzzer for the pl family.
 *
 * Every request operation, as a do and, where it has one, as a dump, is
 * sent messages built from a description of its attributes (the policies
 * of kernel/netlink-gen.c): valid ones, with values from small pools so
 * that many go through, and broken ones: a required attribute missing, an
 * attribute twice, strings past their 63 bytes and huge binaries, the
 * wrong length for a u8, u16 or u32, a string without its NUL, a nest
 * where a flat attribute belongs and the reverse, attributes of another
 * nest inside a nest, unknown attribute types, random bytes or random
 * attributes as payload, a bad genl header (version, command), messages
 * cut short, lengths that overrun the datagram, and valid messages with
 * random bit flips, byte changes, cuts and attribute length changes.
 * Messages go many per datagram, each asking for an ack; every answer is
 * read and must be an ack with 0 or a sane errno, a well-formed reply or
 * a well-formed dump.
 *
 * Private DNS names and suffixes come from pools of good names (one
 * claimed by two services) and bad ones.
 *
 * Each run starts in a fresh network namespace on a small valid
 * configuration (two zones, two subnets, a service with sources and
 * backends, an endpoint):
 *
 *  - as root, the mutating requests the kernel accepted are recorded in
 *    order; then a second fresh namespace gets the same configuration and
 *    exactly those requests, which must all be accepted again, and both
 *    namespaces must dump the same configuration, byte for byte but for
 *    the services' lb-digest (it follows each namespace's random flow
 *    seed): a refused request left no trace;
 *  - as nobody, and as root without CAP_NET_ADMIN, every mutating request
 *    is refused with EPERM and the configuration does not change.
 *
 * PL_FUZZ_N sets the number of messages of each run (default 20000) and
 * PL_FUZZ_SEED the seed of the PRNG (default: the time). The seed and the
 * number of each message are printed with any failure, so that a run can
 * be replayed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "pl_nl.h"
#include "kselftest_harness.h"

#define NOBODY		65534
#define FZ_N_DEFAULT	20000
#define FZ_MSG_MAX	(16 * 1024)	/* room for one message */
#define FZ_BATCH_BYTES	(96 * 1024)
#define FZ_BATCH_MSGS	32
#define FZ_HUGE		8000		/* the largest binary attribute */
#define FZ_MAX_REPORTS	20

/* How an attribute goes on the wire. */
enum fz_wire { W_STR, W_U8, W_U16, W_U32, W_IN6, W_NEST };

/* Where a valid value comes from. */
enum fz_val {
	V_AZ, V_ZONE, V_SUBNET, V_SVC, V_EP, V_SUBNET_IP, V_SUBNET_LEN,
	V_IFINDEX, V_ENI_IP, V_BACKEND_IP, V_SOURCE_IP, V_ALLOW_IP,
	V_ALLOW_LEN, V_PORT, V_WEIGHT, V_BOOL, V_STATE, V_IDLE, V_LIMIT,
	V_DNS, V_SUFFIX, V_SUBNET_IP6, V_SUBNET_LEN6, V_ENI_IP6, V_SOURCE_IP6,
	V_IP_TYPE,
	V_NONE,
};

#define F_REQ	1	/* required */
#define F_MULTI	2	/* may come more than once */

struct fz_set;

struct fz_attr {
	__u16 type;
	__u8 wire;
	__u8 val;
	__u8 flags;
	const struct fz_set *nest;
};

/* Attributes, up to one of type 0. */
struct fz_set {
	const struct fz_attr *attrs;
	__u16 max;	/* the highest type the policy knows */
};

#define ATTR(type, wire, val, flags) { type, wire, val, flags, NULL }
#define NEST(type, flags, set) { type, W_NEST, V_NONE, flags, set }

static const struct fz_attr listener_attrs[] = {
	ATTR(PL_A_LISTENER_PORT, W_U16, V_PORT, F_REQ),
	ATTR(PL_A_LISTENER_TARGET_PORT, W_U16, V_PORT, 0),
	{ 0 }
};

static const struct fz_attr source_attrs[] = {
	ATTR(PL_A_SOURCE_ADDRESS, W_U32, V_SOURCE_IP, F_REQ),
	ATTR(PL_A_SOURCE_AZ, W_STR, V_AZ, 0),
	ATTR(PL_A_SOURCE_IPV6, W_IN6, V_SOURCE_IP6, 0),
	{ 0 }
};

static const struct fz_attr eni_attrs[] = {
	ATTR(PL_A_ENI_SUBNET, W_STR, V_SUBNET, F_REQ),
	ATTR(PL_A_ENI_IP, W_U32, V_ENI_IP, 0),
	ATTR(PL_A_ENI_IPV6, W_IN6, V_ENI_IP6, 0),
	{ 0 }
};

static const struct fz_attr prefix_attrs[] = {
	ATTR(PL_A_PREFIX_ADDRESS, W_U32, V_ALLOW_IP, F_REQ),
	ATTR(PL_A_PREFIX_LEN, W_U8, V_ALLOW_LEN, F_REQ),
	ATTR(PL_A_PREFIX_IPV6, W_IN6, V_SUBNET_IP6, 0),
	{ 0 }
};

static const struct fz_set listener_set = { listener_attrs, PL_A_LISTENER_MAX };
static const struct fz_set source_set = { source_attrs, PL_A_SOURCE_MAX };
static const struct fz_set eni_set = { eni_attrs, PL_A_ENI_MAX };
static const struct fz_set prefix_set = { prefix_attrs, PL_A_PREFIX_MAX };

static const struct fz_attr az_add_attrs[] = {
	ATTR(PL_A_AZ_NAME, W_STR, V_AZ, F_REQ),
	ATTR(PL_A_AZ_ZONE_ID, W_STR, V_ZONE, 0),
	{ 0 }
};

static const struct fz_attr az_set_attrs[] = {
	ATTR(PL_A_AZ_NAME, W_STR, V_AZ, F_REQ),
	ATTR(PL_A_AZ_STATE, W_U8, V_BOOL, 0),
	{ 0 }
};

static const struct fz_attr az_key_attrs[] = {
	ATTR(PL_A_AZ_NAME, W_STR, V_AZ, F_REQ),
	{ 0 }
};

static const struct fz_attr subnet_add_attrs[] = {
	ATTR(PL_A_SUBNET_ID, W_STR, V_SUBNET, F_REQ),
	ATTR(PL_A_SUBNET_PREFIX, W_U32, V_SUBNET_IP, F_REQ),
	ATTR(PL_A_SUBNET_PREFIX_LEN, W_U8, V_SUBNET_LEN, F_REQ),
	ATTR(PL_A_SUBNET_AZ, W_STR, V_AZ, F_REQ),
	ATTR(PL_A_SUBNET_IFINDEX, W_U32, V_IFINDEX, 0),
	ATTR(PL_A_SUBNET_IPV6_PREFIX, W_IN6, V_SUBNET_IP6, 0),
	ATTR(PL_A_SUBNET_IPV6_PREFIX_LEN, W_U8, V_SUBNET_LEN6, 0),
	{ 0 }
};

static const struct fz_attr subnet_key_attrs[] = {
	ATTR(PL_A_SUBNET_ID, W_STR, V_SUBNET, F_REQ),
	{ 0 }
};

static const struct fz_attr service_add_attrs[] = {
	ATTR(PL_A_SERVICE_NAME, W_STR, V_SVC, F_REQ),
	NEST(PL_A_SERVICE_LISTENER, F_REQ | F_MULTI, &listener_set),
	ATTR(PL_A_SERVICE_ACCEPTANCE, W_U8, V_BOOL, 0),
	ATTR(PL_A_SERVICE_CROSS_ZONE, W_U8, V_BOOL, 0),
	ATTR(PL_A_SERVICE_IDLE_TIMEOUT, W_U32, V_IDLE, 0),
	ATTR(PL_A_SERVICE_PRIVATE_DNS, W_STR, V_DNS, 0),
	{ 0 }
};

static const struct fz_attr service_set_attrs[] = {
	ATTR(PL_A_SERVICE_NAME, W_STR, V_SVC, F_REQ),
	ATTR(PL_A_SERVICE_ACCEPTANCE, W_U8, V_BOOL, 0),
	ATTR(PL_A_SERVICE_CROSS_ZONE, W_U8, V_BOOL, 0),
	ATTR(PL_A_SERVICE_IDLE_TIMEOUT, W_U32, V_IDLE, 0),
	ATTR(PL_A_SERVICE_PRIVATE_DNS, W_STR, V_DNS, 0),
	{ 0 }
};

static const struct fz_attr service_key_attrs[] = {
	ATTR(PL_A_SERVICE_NAME, W_STR, V_SVC, F_REQ),
	{ 0 }
};

static const struct fz_attr source_op_attrs[] = {
	ATTR(PL_A_SERVICE_NAME, W_STR, V_SVC, F_REQ),
	NEST(PL_A_SERVICE_SOURCE, F_REQ, &source_set),
	{ 0 }
};

static const struct fz_attr backend_add_attrs[] = {
	ATTR(PL_A_BACKEND_SERVICE, W_STR, V_SVC, F_REQ),
	ATTR(PL_A_BACKEND_ADDRESS, W_U32, V_BACKEND_IP, F_REQ),
	ATTR(PL_A_BACKEND_AZ, W_STR, V_AZ, F_REQ),
	ATTR(PL_A_BACKEND_PORT, W_U16, V_PORT, 0),
	ATTR(PL_A_BACKEND_WEIGHT, W_U32, V_WEIGHT, 0),
	{ 0 }
};

static const struct fz_attr backend_set_attrs[] = {
	ATTR(PL_A_BACKEND_SERVICE, W_STR, V_SVC, F_REQ),
	ATTR(PL_A_BACKEND_ADDRESS, W_U32, V_BACKEND_IP, F_REQ),
	ATTR(PL_A_BACKEND_WEIGHT, W_U32, V_WEIGHT, 0),
	ATTR(PL_A_BACKEND_STATE, W_U8, V_BOOL, 0),
	{ 0 }
};

static const struct fz_attr backend_key_attrs[] = {
	ATTR(PL_A_BACKEND_SERVICE, W_STR, V_SVC, F_REQ),
	ATTR(PL_A_BACKEND_ADDRESS, W_U32, V_BACKEND_IP, F_REQ),
	{ 0 }
};

static const struct fz_attr backend_dump_attrs[] = {
	ATTR(PL_A_BACKEND_SERVICE, W_STR, V_SVC, 0),
	{ 0 }
};

static const struct fz_attr endpoint_add_attrs[] = {
	ATTR(PL_A_ENDPOINT_ID, W_STR, V_EP, F_REQ),
	ATTR(PL_A_ENDPOINT_SERVICE, W_STR, V_SVC, F_REQ),
	NEST(PL_A_ENDPOINT_ENI, F_REQ | F_MULTI, &eni_set),
	NEST(PL_A_ENDPOINT_ALLOW, F_MULTI, &prefix_set),
	ATTR(PL_A_ENDPOINT_PRIVATE_DNS, W_U8, V_BOOL, 0),
	ATTR(PL_A_ENDPOINT_IP_ADDRESS_TYPE, W_U8, V_IP_TYPE, 0),
	{ 0 }
};

static const struct fz_attr endpoint_set_attrs[] = {
	ATTR(PL_A_ENDPOINT_ID, W_STR, V_EP, F_REQ),
	ATTR(PL_A_ENDPOINT_STATE, W_U8, V_STATE, 0),
	ATTR(PL_A_ENDPOINT_PRIVATE_DNS, W_U8, V_BOOL, 0),
	{ 0 }
};

static const struct fz_attr allow_op_attrs[] = {
	ATTR(PL_A_ENDPOINT_ID, W_STR, V_EP, F_REQ),
	NEST(PL_A_ENDPOINT_ALLOW, F_REQ, &prefix_set),
	{ 0 }
};

static const struct fz_attr endpoint_key_attrs[] = {
	ATTR(PL_A_ENDPOINT_ID, W_STR, V_EP, F_REQ),
	{ 0 }
};

static const struct fz_attr endpoint_dump_attrs[] = {
	ATTR(PL_A_ENDPOINT_SERVICE, W_STR, V_SVC, 0),
	{ 0 }
};

static const struct fz_attr limits_set_attrs[] = {
	ATTR(PL_A_LIMITS_MAX_AZS, W_U32, V_LIMIT, 0),
	ATTR(PL_A_LIMITS_MAX_SUBNETS, W_U32, V_LIMIT, 0),
	ATTR(PL_A_LIMITS_MAX_SERVICES, W_U32, V_LIMIT, 0),
	ATTR(PL_A_LIMITS_MAX_BACKENDS, W_U32, V_LIMIT, 0),
	ATTR(PL_A_LIMITS_MAX_ENDPOINTS, W_U32, V_LIMIT, 0),
	ATTR(PL_A_LIMITS_MAX_FLOWS, W_U32, V_LIMIT, 0),
	ATTR(PL_A_LIMITS_MAX_REJECT_LOGS, W_U32, V_LIMIT, 0),
	{ 0 }
};

static const struct fz_attr flow_get_attrs[] = {
	ATTR(PL_A_FLOW_ENDPOINT, W_STR, V_EP, 0),
	ATTR(PL_A_FLOW_BACKEND, W_U32, V_BACKEND_IP, 0),
	{ 0 }
};

static const struct fz_attr flow_flush_attrs[] = {
	ATTR(PL_A_FLOW_ENDPOINT, W_STR, V_EP, 0),
	{ 0 }
};

static const struct fz_attr stats_get_attrs[] = {
	ATTR(PL_A_STATS_ENDPOINT, W_STR, V_EP, 0),
	ATTR(PL_A_STATS_SERVICE, W_STR, V_SVC, 0),
	{ 0 }
};

/* Sync: no key is sent, so no fleet is ever joined, only refused. */
static const struct fz_attr sync_set_attrs[] = {
	ATTR(PL_A_SYNC_NODE, W_U32, V_WEIGHT, 0),
	ATTR(PL_A_SYNC_LOCAL, W_U32, V_ENI_IP, 0),
	ATTR(PL_A_SYNC_PORT, W_U16, V_PORT, 0),
	ATTR(PL_A_SYNC_ANNOUNCE_TABLE, W_U32, V_LIMIT, 0),
	ATTR(PL_A_SYNC_STATE, W_U8, V_BOOL, 0),
	{ 0 }
};

static const struct fz_attr sync_peer_attrs[] = {
	ATTR(PL_A_SYNC_PEER_ADDRESS, W_U32, V_BACKEND_IP, F_REQ),
	{ 0 }
};

static const struct fz_set sync_peer_set = { sync_peer_attrs, PL_A_SYNC_PEER_MAX };

static const struct fz_attr sync_peer_op_attrs[] = {
	NEST(PL_A_SYNC_PEER, F_REQ, &sync_peer_set),
	{ 0 }
};

static const struct fz_attr dns_set_attrs[] = {
	ATTR(PL_A_DNS_SUFFIX, W_STR, V_SUFFIX, F_REQ),
	{ 0 }
};

static const struct fz_attr dns_consumer_attrs[] = {
	NEST(PL_A_DNS_CONSUMER, F_REQ, &prefix_set),
	{ 0 }
};

static const struct fz_set az_add_set = { az_add_attrs, PL_A_AZ_MAX };
static const struct fz_set az_set_set = { az_set_attrs, PL_A_AZ_MAX };
static const struct fz_set az_key_set = { az_key_attrs, PL_A_AZ_MAX };
static const struct fz_set subnet_add_set = { subnet_add_attrs, PL_A_SUBNET_MAX };
static const struct fz_set subnet_key_set = { subnet_key_attrs, PL_A_SUBNET_MAX };
static const struct fz_set service_add_set = { service_add_attrs, PL_A_SERVICE_MAX };
static const struct fz_set service_set_set = { service_set_attrs, PL_A_SERVICE_MAX };
static const struct fz_set service_key_set = { service_key_attrs, PL_A_SERVICE_MAX };
static const struct fz_set source_op_set = { source_op_attrs, PL_A_SERVICE_MAX };
static const struct fz_set backend_add_set = { backend_add_attrs, PL_A_BACKEND_MAX };
static const struct fz_set backend_set_set = { backend_set_attrs, PL_A_BACKEND_MAX };
static const struct fz_set backend_key_set = { backend_key_attrs, PL_A_BACKEND_MAX };
static const struct fz_set backend_dump_set = { backend_dump_attrs, PL_A_BACKEND_MAX };
static const struct fz_set endpoint_add_set = { endpoint_add_attrs, PL_A_ENDPOINT_MAX };
static const struct fz_set endpoint_set_set = { endpoint_set_attrs, PL_A_ENDPOINT_MAX };
static const struct fz_set allow_op_set = { allow_op_attrs, PL_A_ENDPOINT_MAX };
static const struct fz_set endpoint_key_set = { endpoint_key_attrs, PL_A_ENDPOINT_MAX };
static const struct fz_set endpoint_dump_set = { endpoint_dump_attrs, PL_A_ENDPOINT_MAX };
static const struct fz_set limits_set_set = { limits_set_attrs, PL_A_LIMITS_MAX };
static const struct fz_set flow_get_set = { flow_get_attrs, PL_A_FLOW_MAX };
static const struct fz_set flow_flush_set = { flow_flush_attrs, PL_A_FLOW_MAX };
static const struct fz_set stats_get_set = { stats_get_attrs, PL_A_STATS_MAX };
static const struct fz_set sync_set_set = { sync_set_attrs, PL_A_SYNC_MAX };
static const struct fz_set sync_peer_op_set = { sync_peer_op_attrs, PL_A_SYNC_MAX };
static const struct fz_set dns_set_set = { dns_set_attrs, PL_A_DNS_MAX };
static const struct fz_set dns_consumer_set = { dns_consumer_attrs, PL_A_DNS_MAX };
static const struct fz_set empty_set = { NULL, 0 };

/* Every set, for attributes that belong elsewhere. */
static const struct fz_set * const all_sets[] = {
	&listener_set, &source_set, &eni_set, &prefix_set, &az_add_set,
	&subnet_add_set, &service_add_set, &backend_add_set,
	&endpoint_add_set, &limits_set_set, &stats_get_set, &sync_set_set,
	&dns_set_set, &dns_consumer_set,
};

/* A request operation: a command, as a do or as a dump. */
struct fz_op {
	const char *name;
	__u8 cmd;
	bool dump;
	bool perm;	/* needs CAP_NET_ADMIN */
	const struct fz_set *set;
};

static const struct fz_op ops[] = {
	{ "az-add", PL_CMD_AZ_ADD, false, true, &az_add_set },
	{ "az-set", PL_CMD_AZ_SET, false, true, &az_set_set },
	{ "az-del", PL_CMD_AZ_DEL, false, true, &az_key_set },
	{ "az-get", PL_CMD_AZ_GET, false, false, &az_key_set },
	{ "az-get", PL_CMD_AZ_GET, true, false, &empty_set },
	{ "subnet-add", PL_CMD_SUBNET_ADD, false, true, &subnet_add_set },
	{ "subnet-del", PL_CMD_SUBNET_DEL, false, true, &subnet_key_set },
	{ "subnet-get", PL_CMD_SUBNET_GET, false, false, &subnet_key_set },
	{ "subnet-get", PL_CMD_SUBNET_GET, true, false, &empty_set },
	{ "service-add", PL_CMD_SERVICE_ADD, false, true, &service_add_set },
	{ "service-set", PL_CMD_SERVICE_SET, false, true, &service_set_set },
	{ "service-del", PL_CMD_SERVICE_DEL, false, true, &service_key_set },
	{ "service-get", PL_CMD_SERVICE_GET, false, false, &service_key_set },
	{ "service-get", PL_CMD_SERVICE_GET, true, false, &empty_set },
	{ "service-source-add", PL_CMD_SERVICE_SOURCE_ADD, false, true,
	  &source_op_set },
	{ "service-source-del", PL_CMD_SERVICE_SOURCE_DEL, false, true,
	  &source_op_set },
	{ "backend-add", PL_CMD_BACKEND_ADD, false, true, &backend_add_set },
	{ "backend-set", PL_CMD_BACKEND_SET, false, true, &backend_set_set },
	{ "backend-del", PL_CMD_BACKEND_DEL, false, true, &backend_key_set },
	{ "backend-get", PL_CMD_BACKEND_GET, false, false, &backend_key_set },
	{ "backend-get", PL_CMD_BACKEND_GET, true, false, &backend_dump_set },
	{ "endpoint-add", PL_CMD_ENDPOINT_ADD, false, true, &endpoint_add_set },
	{ "endpoint-set", PL_CMD_ENDPOINT_SET, false, true, &endpoint_set_set },
	{ "endpoint-allow-add", PL_CMD_ENDPOINT_ALLOW_ADD, false, true,
	  &allow_op_set },
	{ "endpoint-allow-del", PL_CMD_ENDPOINT_ALLOW_DEL, false, true,
	  &allow_op_set },
	{ "endpoint-del", PL_CMD_ENDPOINT_DEL, false, true, &endpoint_key_set },
	{ "endpoint-get", PL_CMD_ENDPOINT_GET, false, false, &endpoint_key_set },
	{ "endpoint-get", PL_CMD_ENDPOINT_GET, true, false, &endpoint_dump_set },
	{ "limits-get", PL_CMD_LIMITS_GET, false, false, &empty_set },
	{ "limits-set", PL_CMD_LIMITS_SET, false, true, &limits_set_set },
	{ "flow-get", PL_CMD_FLOW_GET, true, true, &flow_get_set },
	{ "flow-flush", PL_CMD_FLOW_FLUSH, false, true, &flow_flush_set },
	{ "stats-get", PL_CMD_STATS_GET, true, false, &stats_get_set },
	{ "sync-set", PL_CMD_SYNC_SET, false, true, &sync_set_set },
	{ "sync-get", PL_CMD_SYNC_GET, false, false, &empty_set },
	{ "sync-del", PL_CMD_SYNC_DEL, false, true, &empty_set },
	{ "sync-peer-add", PL_CMD_SYNC_PEER_ADD, false, true, &sync_peer_op_set },
	{ "sync-peer-del", PL_CMD_SYNC_PEER_DEL, false, true, &sync_peer_op_set },
	{ "dns-get", PL_CMD_DNS_GET, false, false, &empty_set },
	{ "dns-set", PL_CMD_DNS_SET, false, true, &dns_set_set },
	{ "dns-consumer-add", PL_CMD_DNS_CONSUMER_ADD, false, true,
	  &dns_consumer_set },
	{ "dns-consumer-del", PL_CMD_DNS_CONSUMER_DEL, false, true,
	  &dns_consumer_set },
};

#define N_OPS ARRAY_SIZE(ops)

/*
 * What is done to a message (mode_weights: how often, in 1/100). From
 * M_GENL on, the attributes themselves are valid ones.
 */
enum fz_mode {
	M_VALID, M_MISSING, M_DUP, M_OVERSIZE, M_TYPE, M_NEST, M_UNKNOWN,
	M_RANDOM, M_TLVS, M_GENL, M_TRUNC, M_OVERRUN, M_MUTATE, M_NUM,
};

static const char * const mode_names[M_NUM] = {
	"valid", "missing", "duplicate", "oversize", "wrong-type",
	"wrong-nest", "unknown", "random", "random-attrs", "bad-genl",
	"truncated", "overrun", "mutated",
};

static const unsigned int mode_weights[M_NUM] = {
	20, 6, 6, 6, 8, 6, 6, 3, 4, 4, 4, 1, 26,
};

/* The errors a refusal may carry. */
static const int sane_errors[] = {
	EINVAL, ERANGE, ENOENT, EEXIST, EBUSY, ENOSPC, E2BIG, EADDRINUSE,
	ENODEV, EOPNOTSUPP, EPERM, EADDRNOTAVAIL, EAGAIN,
};

/* Names, the base configuration's more often than new ones. */
static const char * const az_names[] = { "az-a", "az-b", "az-a", "az-c" };
static const char * const zone_names[] = { "use1-az1", "use1-az2" };
static const char * const subnet_names[] = { "sn-a", "sn-b", "sn-a", "sn-c" };
static const char * const svc_names[] = { "svc", "svc", "svc2" };
static const char * const ep_names[] = { "ep", "ep2" };
/* Private DNS names, good (one claimed twice) and bad; "" removes one. */
static const char * const dns_names[] = {
	"api.example.com", "api.example.com", "*.example.com", "API.Example.COM.",
	"", "bad_name.example.com", "com", "a..example.com", "-a.example.com",
};

static const char * const suffix_names[] = {
	"vpce.internal", "vpce.example.internal", "x", "a-.b", ".",
};

struct fz_count {
	unsigned long sent, accepted, rejected, unanswered;
};

/* One message of the batch in flight. */
struct fz_slot {
	unsigned long index;	/* its number in the run */
	unsigned int op, mode;
	size_t off;		/* where it is in the batch */
	__u32 seq;
	bool dump;		/* NLM_F_DUMP */
	bool silent;		/* the kernel drops it without an answer */
	bool done;
	int error;
	unsigned int replies;
	char msg[128];		/* the extack message */
};

/* The accepted mutating requests, each after a record of where it came from. */
struct fz_rec {
	__u64 index;
	__u32 op, mode;
};

struct fz_log {
	char *buf;
	size_t len, size;
	unsigned long n;
};

struct fz {
	struct pl_sock *s;
	__u64 seed, rng;
	bool priv;		/* may change the configuration */
	bool replay;		/* every request must be accepted */
	char *batch;
	size_t off;
	struct fz_slot slot[FZ_BATCH_MSGS];
	unsigned int n;
	unsigned long index;
	struct fz_log log;
	struct fz_count count[N_OPS], mode_count[M_NUM];
	unsigned int failures;
};

/* The PRNG: xorshift64*. */
static __u32 fz_rand(struct fz *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return (f->rng * 0x2545f4914f6cdd1dULL) >> 32;
}

static __u32 fz_below(struct fz *f, __u32 n)
{
	return n ? fz_rand(f) % n : 0;
}

static bool fz_one_in(struct fz *f, __u32 n)
{
	return !fz_below(f, n);
}

static void fz_bytes(struct fz *f, void *p, size_t len)
{
	unsigned char *c = p;

	while (len--)
		*c++ = fz_rand(f);
}

static unsigned long fz_env(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

/* Room for a batch's answers, short acks, and a bound on waiting. */
static void fz_sock_options(struct pl_sock *s)
{
	int size = 1 << 20, fd = mnl_socket_get_fd(s->nl), one = 1;
	struct timeval tv = { .tv_sec = 20 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int fz_init(struct fz *f, struct pl_sock *s, bool priv)
{
	memset(f, 0, sizeof(*f));
	f->s = s;
	f->priv = priv;
	f->seed = fz_env("PL_FUZZ_SEED", time(NULL));
	f->rng = (f->seed ^ 0x9e3779b97f4a7c15ULL) ?: 1;
	f->batch = malloc(FZ_BATCH_BYTES);
	fz_sock_options(s);
	return f->batch ? 0 : -ENOMEM;
}

static void fz_free(struct fz *f)
{
	free(f->batch);
	free(f->log.buf);
}

/* Values */

static const char *fz_pick(struct fz *f, const char * const *names,
			   unsigned int n)
{
	return names[fz_below(f, n)];
}

static const char *fz_val_str(struct fz *f, __u8 val)
{
	switch (val) {
	case V_AZ:
		return fz_pick(f, az_names, ARRAY_SIZE(az_names));
	case V_ZONE:
		return fz_pick(f, zone_names, ARRAY_SIZE(zone_names));
	case V_SUBNET:
		return fz_pick(f, subnet_names, ARRAY_SIZE(subnet_names));
	case V_SVC:
		return fz_pick(f, svc_names, ARRAY_SIZE(svc_names));
	case V_DNS:
		return fz_pick(f, dns_names, ARRAY_SIZE(dns_names));
	case V_SUFFIX:
		return fz_pick(f, suffix_names, ARRAY_SIZE(suffix_names));
	}
	return fz_pick(f, ep_names, ARRAY_SIZE(ep_names));
}

static __u32 fz_ip(__u32 a, __u32 b, __u32 c, __u32 d)
{
	return htonl(PL_IP4(a, b, c, d));
}

/* A value for an integer attribute, in network byte order for addresses. */
static __u32 fz_val_int(struct fz *f, __u8 val)
{
	switch (val) {
	case V_SUBNET_IP:
		return fz_ip(10, 1, fz_below(f, 3), 0);
	case V_SUBNET_LEN:
		return fz_one_in(f, 8) ? 1 + fz_below(f, 29) : 24;
	case V_IFINDEX:
		return 1 + fz_below(f, 2);
	case V_ENI_IP:
		return fz_ip(10, 1, fz_below(f, 2), 10 + fz_below(f, 3));
	case V_BACKEND_IP:
		return fz_ip(10, 2, 0, 1 + fz_below(f, 4));
	case V_SOURCE_IP:
		return fz_ip(192, 0, 2, 1 + fz_below(f, 3));
	case V_ALLOW_IP:
		return fz_ip(10, fz_below(f, 2), 0, 0);
	case V_ALLOW_LEN:
		return fz_one_in(f, 2) ? 8 : 16;
	case V_PORT:
		return 80 + fz_below(f, 3);
	case V_WEIGHT:
		return fz_below(f, 4);
	case V_STATE:
		return fz_below(f, 3);
	case V_IDLE:
		return 1 + fz_below(f, 100);
	case V_LIMIT:
		return fz_one_in(f, 8) ? 1 + fz_below(f, 4) : PL_MAX_AZS;
	case V_SUBNET_LEN6:
		return fz_one_in(f, 8) ? 1 + fz_below(f, 124) :
					 120 + fz_below(f, 2) * 8;
	case V_IP_TYPE:
		return fz_below(f, 3);
	}
	return fz_below(f, 2);
}

/*
 * An IPv6 value: 2001:db8:0:N::/64 prefixes (a /120 at the start of one,
 * a /128 past the range), ENI addresses of them (low ones reserved), and
 * source addresses 2001:db8:0:ff::N.
 */
static void fz_val_in6(struct fz *f, __u8 val, unsigned char *a)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[7] = val == V_SOURCE_IP6 ? 0xff : fz_below(f, 3);
	if (val == V_SOURCE_IP6)
		a[15] = 1 + fz_below(f, 3);
	else if (val == V_ENI_IP6)
		a[15] = fz_below(f, 8) + (fz_one_in(f, 2) ? 0 : 0xfc);
}

/* Building messages */

/* The attribute to break, and how. */
struct fz_bad {
	unsigned int mode;
	const struct fz_attr *attr;
	const struct fz_attr *outer;	/* the nest that holds it, if any */
	const struct fz_set *set;	/* where M_UNKNOWN adds attributes */
};

static void fz_put_set(struct fz *f, struct nlmsghdr *nlh,
		       const struct fz_set *set, const struct fz_bad *bad);

static void fz_put_nest(struct fz *f, struct nlmsghdr *nlh, __u16 type,
			const struct fz_set *set, const struct fz_bad *bad)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	fz_put_set(f, nlh, set, bad);
	mnl_attr_nest_end(nlh, nest);
}

static void fz_put_valid(struct fz *f, struct nlmsghdr *nlh,
			 const struct fz_attr *a, const struct fz_bad *bad)
{
	switch (a->wire) {
	case W_STR:
		mnl_attr_put_strz(nlh, a->type, fz_val_str(f, a->val));
		break;
	case W_U8:
		mnl_attr_put_u8(nlh, a->type, fz_val_int(f, a->val));
		break;
	case W_U16:
		mnl_attr_put_u16(nlh, a->type, fz_val_int(f, a->val));
		break;
	case W_U32:
		mnl_attr_put_u32(nlh, a->type, fz_val_int(f, a->val));
		break;
	case W_IN6: {
		unsigned char in6[16];

		fz_val_in6(f, a->val, in6);
		mnl_attr_put(nlh, a->type, sizeof(in6), in6);
		break;
	}
	case W_NEST:
		fz_put_nest(f, nlh, a->type, a->nest, bad);
		break;
	}
}

/* A string of len characters, with or without its NUL. */
static void fz_put_string(struct fz *f, struct nlmsghdr *nlh, __u16 type,
			  size_t len, bool nul)
{
	char *s = malloc(len + 1);

	if (!s)
		return;
	memset(s, 'a' + fz_below(f, 26), len);
	s[len] = '\0';
	mnl_attr_put(nlh, type, len + nul, s);
	free(s);
}

static void fz_put_random(struct fz *f, struct nlmsghdr *nlh, __u16 type,
			  size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return;
	fz_bytes(f, p, len);
	mnl_attr_put(nlh, type, len, p);
	free(p);
}

/* Strings past PL_NAME_MAX, other attributes far too long. */
static void fz_put_oversize(struct fz *f, struct nlmsghdr *nlh,
			    const struct fz_attr *a)
{
	static const size_t str_lens[] = { 64, 65, 100, 255, 1000, 4000 };
	static const size_t bin_lens[] = { 5, 64, 1000, FZ_HUGE };

	if (a->wire == W_STR)
		fz_put_string(f, nlh, a->type,
			      str_lens[fz_below(f, ARRAY_SIZE(str_lens))],
			      !fz_one_in(f, 4));
	else
		fz_put_random(f, nlh, a->type,
			      bin_lens[fz_below(f, ARRAY_SIZE(bin_lens))]);
}

/* A payload length that does not fit the attribute's type. */
static size_t fz_wrong_len(struct fz *f, __u8 wire)
{
	static const size_t u8_lens[] = { 0, 2, 4 };
	static const size_t u16_lens[] = { 0, 1, 3, 4 };
	static const size_t u32_lens[] = { 0, 1, 2, 3, 5, 8 };

	switch (wire) {
	case W_U8:
		return u8_lens[fz_below(f, ARRAY_SIZE(u8_lens))];
	case W_U16:
		return u16_lens[fz_below(f, ARRAY_SIZE(u16_lens))];
	}
	return u32_lens[fz_below(f, ARRAY_SIZE(u32_lens))];
}

/* A string that is not a name: no NUL, empty, or a bad character. */
static void fz_put_bad_string(struct fz *f, struct nlmsghdr *nlh, __u16 type)
{
	static const char * const bad[] = { "", "a b", "az/a", "\xff", "a\n" };

	if (fz_one_in(f, 2))
		fz_put_string(f, nlh, type, fz_below(f, 70), false);
	else
		mnl_attr_put_strz(nlh, type, bad[fz_below(f, ARRAY_SIZE(bad))]);
}

static void fz_put_wrong_type(struct fz *f, struct nlmsghdr *nlh,
			      const struct fz_attr *a)
{
	struct nlattr *nest;

	switch (fz_below(f, 4)) {
	case 0:		/* a nest in its place */
		nest = mnl_attr_nest_start(nlh, a->type);
		mnl_attr_put_u32(nlh, 1 + fz_below(f, 3), fz_rand(f));
		mnl_attr_nest_end(nlh, nest);
		return;
	case 1:		/* flags that do not belong */
		mnl_attr_put_u32(nlh, a->type | (fz_one_in(f, 2) ?
				 NLA_F_NESTED : NLA_F_NET_BYTEORDER),
				 fz_rand(f));
		return;
	}
	if (a->wire == W_STR) {
		fz_put_bad_string(f, nlh, a->type);
	} else if (a->wire == W_NEST && fz_one_in(f, 2)) {
		/* without NLA_F_NESTED */
		nest = mnl_attr_nest_start(nlh, a->type);
		fz_put_set(f, nlh, a->nest, NULL);
		mnl_attr_nest_end(nlh, nest);
		nest->nla_type &= ~NLA_F_NESTED;
	} else if (a->wire == W_NEST) {
		mnl_attr_put_strz(nlh, a->type, "flat");
	} else {
		fz_put_random(f, nlh, a->type, fz_wrong_len(f, a->wire));
	}
}

/* Attributes of another set, or nests within nests, inside a nest. */
static void fz_put_wrong_nest(struct fz *f, struct nlmsghdr *nlh,
			      const struct fz_attr *a)
{
	const struct fz_set *other;
	struct nlattr *nest[8];
	unsigned int i, depth;

	if (fz_one_in(f, 3)) {
		depth = 1 + fz_below(f, ARRAY_SIZE(nest));
		for (i = 0; i < depth; i++)
			nest[i] = mnl_attr_nest_start(nlh, i ? 1 + fz_below(f, 4)
							     : a->type);
		mnl_attr_put_u32(nlh, 1 + fz_below(f, 4), fz_rand(f));
		while (depth--)
			mnl_attr_nest_end(nlh, nest[depth]);
		return;
	}
	other = all_sets[fz_below(f, ARRAY_SIZE(all_sets))];
	fz_put_nest(f, nlh, a->type, other, NULL);
}

/* Attribute types the policy does not know, flags included. */
static void fz_put_unknown(struct fz *f, struct nlmsghdr *nlh, __u16 max)
{
	static const __u16 flags[] = { 0, 0, NLA_F_NESTED, NLA_F_NET_BYTEORDER };
	unsigned int n = 1 + fz_below(f, 3);
	__u16 type;

	while (n--) {
		switch (fz_below(f, 4)) {
		case 0:
			type = 0;
			break;
		case 1:
			type = (__u16)NLA_TYPE_MASK;
			break;
		case 2:
			type = fz_rand(f) & NLA_TYPE_MASK;
			break;
		default:
			type = max + 1 + fz_below(f, 4);
		}
		type |= flags[fz_below(f, ARRAY_SIZE(flags))];
		fz_put_random(f, nlh, type, fz_below(f, 4) * 4);
	}
}

static void fz_put_bad(struct fz *f, struct nlmsghdr *nlh,
		       const struct fz_attr *a, const struct fz_bad *bad)
{
	switch (bad->mode) {
	case M_DUP:
		fz_put_valid(f, nlh, a, bad);
		fz_put_valid(f, nlh, a, bad);
		break;
	case M_OVERSIZE:
		fz_put_oversize(f, nlh, a);
		break;
	case M_TYPE:
		fz_put_wrong_type(f, nlh, a);
		break;
	case M_NEST:
		fz_put_wrong_nest(f, nlh, a);
		break;
	}
}

/*
 * How many of an attribute go in: the one to break (or the nest holding
 * it) once; now and then, when nothing big is put in, some 64 of a
 * multi-attribute, as many as a service's listeners or an endpoint's
 * allowed prefixes may be.
 */
static unsigned int fz_how_many(struct fz *f, const struct fz_attr *a,
				const struct fz_bad *bad)
{
	bool many = !bad || bad->mode >= M_GENL;

	if (bad && (a == bad->attr || a == bad->outer))
		return 1;
	if (!(a->flags & F_REQ) && fz_one_in(f, 2))
		return 0;
	if (!(a->flags & F_MULTI))
		return 1;
	if (many && fz_one_in(f, 32))
		return 60 + fz_below(f, 8);
	return fz_one_in(f, 3) ? 2 + fz_below(f, 2) : 1;
}

static void fz_put_set(struct fz *f, struct nlmsghdr *nlh,
		       const struct fz_set *set, const struct fz_bad *bad)
{
	const struct fz_attr *a;
	unsigned int n;

	for (a = set->attrs; a && a->type; a++) {
		n = fz_how_many(f, a, bad);
		while (n--) {
			if (!bad || a != bad->attr)
				fz_put_valid(f, nlh, a, bad);
			else if (bad->mode != M_MISSING)
				fz_put_bad(f, nlh, a, bad);
		}
	}
	if (bad && bad->mode == M_UNKNOWN && bad->set == set)
		fz_put_unknown(f, nlh, set->max);
}

/* An attribute of set, or of one of its nests, to break. */
static void fz_pick_target(struct fz *f, const struct fz_set *set,
			   struct fz_bad *bad)
{
	const struct fz_attr *a;
	unsigned int n;

	bad->set = set;
	bad->attr = NULL;
	bad->outer = NULL;
	for (n = 0; set->attrs && set->attrs[n].type; n++)
		;
	while (n) {
		a = &set->attrs[fz_below(f, n)];
		bad->attr = a;
		if (!a->nest || fz_one_in(f, 2))
			return;
		bad->outer = a;
		bad->set = a->nest;
		for (n = 0; a->nest->attrs[n].type; n++)
			;
		set = a->nest;
	}
}

/* Random attributes: random types, lengths and payloads, some nested. */
static void fz_put_tlvs(struct fz *f, struct nlmsghdr *nlh, __u16 max,
			unsigned int depth)
{
	unsigned int n = fz_below(f, 6);
	struct nlattr *nest;
	__u16 type;

	while (n--) {
		type = fz_below(f, max + 3);
		if (depth < 3 && fz_one_in(f, 4)) {
			nest = mnl_attr_nest_start(nlh, type);
			fz_put_tlvs(f, nlh, 8, depth + 1);
			mnl_attr_nest_end(nlh, nest);
		} else {
			fz_put_random(f, nlh, type, fz_below(f, 12));
		}
	}
}

/* Mutations of a built message: payload bytes only, never the header. */

/* Offsets of the attributes of a message, nested ones too. */
static unsigned int fz_attr_offsets(const char *p, size_t start, size_t end,
				    size_t *offs, unsigned int n, unsigned int max)
{
	const struct nlattr *a;

	while (start + sizeof(*a) <= end && n < max) {
		a = (const struct nlattr *)(p + start);
		if (a->nla_len < sizeof(*a) || start + a->nla_len > end)
			break;
		offs[n++] = start;
		if (a->nla_type & NLA_F_NESTED)
			n = fz_attr_offsets(p, start + sizeof(*a),
					    start + a->nla_len, offs, n, max);
		start += MNL_ALIGN(a->nla_len);
	}
	return n;
}

static void fz_mutate_attr_len(struct fz *f, struct nlmsghdr *nlh)
{
	size_t offs[64], end = nlh->nlmsg_len;
	unsigned int n;
	struct nlattr *a;

	n = fz_attr_offsets((char *)nlh, NLMSG_HDRLEN + GENL_HDRLEN, end, offs,
			    0, ARRAY_SIZE(offs));
	if (!n)
		return;
	a = (struct nlattr *)((char *)nlh + offs[fz_below(f, n)]);
	if (fz_one_in(f, 2))
		a->nla_len += (int)fz_below(f, 9) - 4;
	else
		a->nla_len = fz_below(f, end - ((char *)a - (char *)nlh) + 16);
}

static void fz_mutate_once(struct fz *f, struct nlmsghdr *nlh)
{
	static const __u8 special[] = { 0, 1, 0x7f, 0x80, 0xff };
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;
	__u8 *p = (__u8 *)nlh + NLMSG_HDRLEN;

	if (!len)
		return;
	switch (fz_below(f, 5)) {
	case 0:
		p[fz_below(f, len)] ^= 1 << fz_below(f, 8);
		break;
	case 1:
		p[fz_below(f, len)] = special[fz_below(f, sizeof(special))];
		break;
	case 2:
		p[fz_below(f, len)] = fz_rand(f);
		break;
	case 3:
		nlh->nlmsg_len = NLMSG_HDRLEN + fz_below(f, len);
		break;
	default:
		fz_mutate_attr_len(f, nlh);
	}
}

/* A bad genl header: the command, the version, the reserved bytes. */
static void fz_break_genl(struct fz *f, struct nlmsghdr *nlh)
{
	struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	switch (fz_below(f, 4)) {
	case 0:
		genl->cmd = fz_rand(f);
		break;
	case 1:
		genl->cmd = fz_one_in(f, 2) ? 0 : PL_CMD_MAX + 1;
		break;
	case 2:
		genl->version = fz_one_in(f, 2) ? 0 : fz_rand(f);
		break;
	default:
		genl->reserved = fz_rand(f) | 1;
	}
}

/* The whole message, as mode says. */
static void fz_build(struct fz *f, struct nlmsghdr *nlh, const struct fz_op *op,
		     unsigned int mode)
{
	struct fz_bad bad = { .mode = mode };
	unsigned int i;

	if (mode == M_RANDOM) {
		fz_bytes(f, mnl_nlmsg_put_extra_header(nlh, fz_below(f, 512)),
			 nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
		return;
	}
	if (mode == M_TLVS) {
		fz_put_tlvs(f, nlh, op->set->max, 0);
		return;
	}
	fz_pick_target(f, op->set, &bad);
	fz_put_set(f, nlh, op->set, mode == M_VALID ? NULL : &bad);
	if (mode == M_GENL)
		fz_break_genl(f, nlh);
	if (mode == M_TRUNC)
		nlh->nlmsg_len = NLMSG_HDRLEN +
				 fz_below(f, nlh->nlmsg_len - NLMSG_HDRLEN);
	for (i = mode == M_MUTATE ? 1 + fz_below(f, 4) : 0; i; i--)
		fz_mutate_once(f, nlh);
}

static unsigned int fz_pick_mode(struct fz *f)
{
	unsigned int r = fz_below(f, 100), m;

	for (m = 0; m < M_NUM - 1; m++) {
		if (r < mode_weights[m])
			return m;
		r -= mode_weights[m];
	}
	return m;
}

/* Answers */

static bool fz_sane(int error)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sane_errors); i++) {
		if (error == -sane_errors[i])
			return true;
	}
	return false;
}

/* Attributes that fill their space exactly, nests included. */
static bool fz_tlvs_ok(const char *p, size_t len)
{
	const struct nlattr *a;
	size_t step;

	while (len >= sizeof(*a)) {
		a = (const struct nlattr *)p;
		if (a->nla_len < sizeof(*a) || a->nla_len > len)
			return false;
		if (a->nla_type & NLA_F_NESTED &&
		    !fz_tlvs_ok(p + sizeof(*a), a->nla_len - sizeof(*a)))
			return false;
		step = MNL_ALIGN(a->nla_len);
		if (step >= len)
			return true;
		p += step;
		len -= step;
	}
	return !len;
}

static bool fz_reply_ok(struct fz *f, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type != f->s->family ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	return fz_tlvs_ok((const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN,
			  nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
}

static int fz_extack_cb(const struct nlattr *attr, void *data)
{
	struct fz_slot *sl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
		snprintf(sl->msg, sizeof(sl->msg), "%.*s",
			 (int)mnl_attr_get_payload_len(attr),
			 (const char *)mnl_attr_get_payload(attr));
	return MNL_CB_OK;
}

/* The error of an ack or of NLMSG_DONE, and its extack message. */
static void fz_end(struct fz_slot *sl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(int);

	sl->done = true;
	sl->error = -EBADMSG;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return;
	sl->error = e->error;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
			return;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(e->msg));
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS &&
	    off < mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, fz_extack_cb, sl);
}

/* Print a failure, the message that caused it and how to replay it. */
static void fz_hexdump(const __u8 *p, unsigned int len)
{
	char hex[3 * 32 + 1];
	unsigned int i;

	for (i = 0; i < len; i++) {
		snprintf(hex + 3 * (i % 32), 4, " %02x", p[i]);
		if (i % 32 == 31 || i == len - 1)
			ksft_print_msg("  %s\n", hex);
	}
}

/* Print a failure, the message that caused it and how to replay it. */
static void fz_fail(struct fz *f, const struct fz_slot *sl, const char *why)
{
	const struct nlmsghdr *nlh;
	unsigned int len;

	if (f->failures++ >= FZ_MAX_REPORTS)
		return;
	ksft_print_msg("FAIL: %s (PL_FUZZ_SEED=%llu)\n", why,
		       (unsigned long long)f->seed);
	if (!sl)
		return;
	ksft_print_msg("  %s message %lu: %s %s, %s: error %d (%s) \"%s\"\n",
		       f->replay ? "replay of" : "", sl->index,
		       ops[sl->op].name, sl->dump ? "dump" : "do",
		       mode_names[sl->mode], sl->error, strerror(-sl->error),
		       sl->msg);
	nlh = (const void *)(f->batch + sl->off);
	len = nlh->nlmsg_len;
	len = len < NLMSG_HDRLEN ? NLMSG_HDRLEN : len > 512 ? 512 : len;
	fz_hexdump((const __u8 *)nlh, len);
}

static void fz_answer(struct fz *f, struct fz_slot *sl,
		      const struct nlmsghdr *nlh)
{
	if (sl->done || sl->silent) {
		fz_fail(f, sl, "an answer to a message already answered");
		return;
	}
	if (nlh->nlmsg_type == NLMSG_DONE && !sl->dump)
		fz_fail(f, sl, "NLMSG_DONE for a do request");
	if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
		fz_end(sl, nlh);
		return;
	}
	if (!fz_reply_ok(f, nlh))
		fz_fail(f, sl, "a malformed reply");
	else if (!sl->dump && sl->replies)
		fz_fail(f, sl, "a second reply to a do request");
	else if (sl->dump && !(nlh->nlmsg_flags & NLM_F_MULTI))
		fz_fail(f, sl, "a dump message without NLM_F_MULTI");
	sl->replies++;
}

static void fz_parse(struct fz *f, int len)
{
	const struct nlmsghdr *nlh;
	__u32 i;

	for (nlh = (struct nlmsghdr *)f->s->buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		i = nlh->nlmsg_seq - (f->n ? f->slot[0].seq : 0);
		if (i < f->n) {
			fz_answer(f, &f->slot[i], nlh);
			continue;
		}
		f->failures++;
		ksft_print_msg("FAIL: a message nobody asked for: type %u seq %u\n",
			       nlh->nlmsg_type, nlh->nlmsg_seq);
	}
	if (len)
		fz_fail(f, NULL, "a datagram with a partial message");
}

static bool fz_pending(const struct fz *f)
{
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		if (!f->slot[i].done && !f->slot[i].silent)
			return true;
	}
	return false;
}

static int fz_drain(struct fz *f)
{
	int fd = mnl_socket_get_fd(f->s->nl), len, err;
	unsigned int i;

	while (fz_pending(f)) {
		len = recv(fd, f->s->buf, PL_NL_BUF_SIZE, 0);
		if (len < 0) {
			err = -errno;
			for (i = 0; f->slot[i].done || f->slot[i].silent; i++)
				;
			fz_fail(f, &f->slot[i], err == -EAGAIN ?
				"no answer" : "the socket failed");
			return err;
		}
		fz_parse(f, len);
	}
	return 0;
}

/* Checks and counts */

static bool fz_perm_cmd(__u8 cmd)
{
	unsigned int i;

	for (i = 0; i < N_OPS; i++) {
		if (ops[i].cmd == cmd && ops[i].perm)
			return true;
	}
	return false;
}

static bool fz_op_exists(__u8 cmd, bool dump)
{
	unsigned int i;

	for (i = 0; i < N_OPS; i++) {
		if (ops[i].cmd == cmd && ops[i].dump == dump)
			return true;
	}
	return false;
}

/* The command a message carries, or -1 when its genl header is cut. */
static int fz_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	return genl->cmd;
}

/* Without CAP_NET_ADMIN, a command that needs it must be refused. */
static bool fz_perm_ok(const struct fz_slot *sl, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	int cmd = fz_cmd(nlh);

	if (cmd < 0 || !fz_perm_cmd(cmd) || sl->error == -EPERM)
		return true;
	/*
	 * Before permissions, the core checks the genl header's reserved
	 * bytes, then (6.12) that the command has such a do or dump.
	 */
	if (genl->reserved)
		return sl->error == -EINVAL;
	return sl->error == -EOPNOTSUPP && !fz_op_exists(cmd, sl->dump);
}

static void fz_check(struct fz *f, const struct fz_slot *sl)
{
	const struct nlmsghdr *nlh = (void *)(f->batch + sl->off);

	if (sl->silent)
		return;
	if (sl->error && !fz_sane(sl->error))
		fz_fail(f, sl, "an error outside the expected set");
	else if (!f->priv && !fz_perm_ok(sl, nlh))
		fz_fail(f, sl, "not refused with EPERM without CAP_NET_ADMIN");
	else if (f->replay && sl->error)
		fz_fail(f, sl, "the replay of an accepted request was refused");
	else if (sl->error && sl->replies)
		fz_fail(f, sl, "a refused request had replies");
}

static int fz_log_add(struct fz_log *log, const struct fz_slot *sl,
		      const struct nlmsghdr *nlh)
{
	struct fz_rec rec = { sl->index, sl->op, sl->mode };
	size_t len = sizeof(rec) + MNL_ALIGN(nlh->nlmsg_len);
	char *p;

	if (log->len + len > log->size) {
		log->size = (log->len + len) * 2;
		p = realloc(log->buf, log->size);
		if (!p)
			return -ENOMEM;
		log->buf = p;
	}
	p = log->buf + log->len;
	memset(p, 0, len);
	memcpy(p, &rec, sizeof(rec));
	memcpy(p + sizeof(rec), nlh, nlh->nlmsg_len);
	log->len += len;
	log->n++;
	return 0;
}

/* Count the answers; keep the accepted requests that change things. */
static int fz_account(struct fz *f, const struct fz_slot *sl)
{
	const struct nlmsghdr *nlh = (void *)(f->batch + sl->off);
	struct fz_count *c[2] = { &f->count[sl->op], &f->mode_count[sl->mode] };
	int cmd = fz_cmd(nlh);
	unsigned int i;

	if (f->replay)
		return 0;
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		c[i]->sent++;
		if (sl->silent)
			c[i]->unanswered++;
		else if (sl->error)
			c[i]->rejected++;
		else
			c[i]->accepted++;
	}
	if (sl->silent || sl->error || sl->dump || cmd < 0 || !fz_perm_cmd(cmd))
		return 0;
	return fz_log_add(&f->log, sl, nlh);
}

/* Send the batch, read every answer, check and count them. */
static int fz_flush(struct fz *f)
{
	unsigned int i;
	int err = 0;

	if (!f->n)
		return 0;
	if (mnl_socket_sendto(f->s->nl, f->batch, f->off) < 0) {
		fz_fail(f, NULL, "sendmsg failed");
		err = -errno;
	}
	if (!err)
		err = fz_drain(f);
	for (i = 0; i < f->n && !err; i++) {
		fz_check(f, &f->slot[i]);
		err = fz_account(f, &f->slot[i]);
	}
	f->n = 0;
	f->off = 0;
	return err;
}

/*
 * Room for one more message: a dump, which must not find another running,
 * and a message whose length overruns the datagram, which ends it, go last.
 */
static bool fz_batch_full(const struct fz *f)
{
	const struct fz_slot *last = &f->slot[f->n - 1];

	return f->n == FZ_BATCH_MSGS || last->dump || last->silent ||
	       f->off + FZ_MSG_MAX > FZ_BATCH_BYTES;
}

static struct fz_slot *fz_slot_add(struct fz *f, struct nlmsghdr *nlh)
{
	struct fz_slot *sl = &f->slot[f->n++];

	memset(sl, 0, sizeof(*sl));
	sl->off = (char *)nlh - f->batch;
	sl->seq = nlh->nlmsg_seq;
	sl->dump = nlh->nlmsg_flags & NLM_F_DUMP;
	sl->index = f->index++;
	return sl;
}

/* One more message in the batch; the batch goes when full. */
static int fz_one(struct fz *f)
{
	unsigned int op = fz_below(f, N_OPS), mode = fz_pick_mode(f);
	bool dump = ops[op].dump ^ fz_one_in(f, 64);	/* sometimes the other */
	struct nlmsghdr *nlh;
	struct fz_slot *sl;
	size_t len;

	nlh = pl_msg(f->s, f->batch + f->off, ops[op].cmd,
		     NLM_F_ACK | (dump ? NLM_F_DUMP : 0));
	fz_build(f, nlh, &ops[op], mode);
	len = nlh->nlmsg_len;
	/* A length past the datagram or below a header: the rest is lost. */
	if (mode == M_OVERRUN)
		nlh->nlmsg_len = fz_one_in(f, 2) ? fz_below(f, NLMSG_HDRLEN) :
				 len + 1 + fz_below(f, 64);
	f->off += MNL_ALIGN(len);
	sl = fz_slot_add(f, nlh);
	sl->op = op;
	sl->mode = mode;
	sl->silent = mode == M_OVERRUN;
	return fz_batch_full(f) ? fz_flush(f) : 0;
}

static int fz_run(struct fz *f, unsigned long n)
{
	int err = 0;

	while (f->index < n && !err)
		err = fz_one(f);
	return err ?: fz_flush(f);
}

/* Send the logged requests again, in order: each must be accepted. */
static int fz_replay(struct fz *f, const struct fz_log *log)
{
	const struct nlmsghdr *src;
	struct nlmsghdr *nlh;
	struct fz_slot *sl;
	struct fz_rec rec;
	size_t off = 0;
	int err = 0;

	f->replay = true;
	while (off < log->len && !err) {
		memcpy(&rec, log->buf + off, sizeof(rec));
		src = (const void *)(log->buf + off + sizeof(rec));
		off += sizeof(rec) + MNL_ALIGN(src->nlmsg_len);
		nlh = (void *)(f->batch + f->off);
		memcpy(nlh, src, src->nlmsg_len);
		nlh->nlmsg_seq = ++f->s->seq;
		f->off += MNL_ALIGN(nlh->nlmsg_len);
		sl = fz_slot_add(f, nlh);
		sl->index = rec.index;
		sl->op = rec.op;
		sl->mode = rec.mode;
		if (fz_batch_full(f))
			err = fz_flush(f);
	}
	return err ?: fz_flush(f);
}

static void fz_print_count(const char *what, const char *how,
			   const struct fz_count *c)
{
	ksft_print_msg("  %-19s %-4s sent %6lu accepted %6lu rejected %6lu unanswered %lu\n",
		       what, how, c->sent, c->accepted, c->rejected,
		       c->unanswered);
}

static void fz_report(const struct fz *f, const char *who, double secs)
{
	unsigned int i;

	ksft_print_msg("%s: %lu messages in %.1f s, %lu accepted changes logged\n",
		       who, f->index, secs, f->log.n);
	for (i = 0; i < N_OPS; i++)
		fz_print_count(ops[i].name, ops[i].dump ? "dump" : "do",
			       &f->count[i]);
	for (i = 0; i < M_NUM; i++)
		fz_print_count(mode_names[i], "", &f->mode_count[i]);
}

/* Setting the scene */

static int fz_source_add(struct pl_sock *s, __u32 addr, const char *az)
{
	char buf[1024];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_SERVICE_SOURCE_ADD, 0);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_SOURCE);
	mnl_attr_put_u32(nlh, PL_A_SOURCE_ADDRESS, htonl(addr));
	mnl_attr_put_strz(nlh, PL_A_SOURCE_AZ, az);
	mnl_attr_nest_end(nlh, nest);
	return pl_do(s, nlh, NULL, NULL, NULL);
}

/* The configuration every run starts from. */
static int fz_base(struct pl_sock *s)
{
	if (pl_az_add(s, "az-a", NULL) || pl_az_add(s, "az-b", NULL) ||
	    pl_subnet_add(s, "sn-a", PL_IP4(10, 1, 0, 0), 24, "az-a", NULL) ||
	    pl_subnet_add(s, "sn-b", PL_IP4(10, 1, 1, 0), 24, "az-b", NULL) ||
	    pl_service_add(s, "svc", 80, NULL) ||
	    fz_source_add(s, PL_IP4(192, 0, 2, 1), "az-a") ||
	    fz_source_add(s, PL_IP4(192, 0, 2, 2), "az-b") ||
	    pl_backend_add(s, "svc", PL_IP4(10, 2, 0, 1), "az-a", NULL) ||
	    pl_backend_add(s, "svc", PL_IP4(10, 2, 0, 2), "az-b", NULL))
		return -1;
	return pl_endpoint_add(s, "ep", "svc", "sn-a", NULL);
}

static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return 0;
}

/* Where two snapshots (records of a length and a dump message) differ. */
static void fz_snap_diff(const char *a, size_t alen, const char *b,
			 size_t blen)
{
	__u32 la, lb;
	size_t off = 0;
	unsigned int i;

	for (i = 0; off + 4 <= alen && off + 4 <= blen; i++) {
		memcpy(&la, a + off, 4);
		memcpy(&lb, b + off, 4);
		if (la != lb || off + 4 + la > alen || off + 4 + la > blen ||
		    memcmp(a + off + 4, b + off + 4, la))
			break;
		off += 4 + la;
	}
	ksft_print_msg("configurations differ from dump message %u (%zu, %zu bytes)\n",
		       i, alen, blen);
	ksft_print_msg("fuzzed:\n");
	fz_hexdump((const __u8 *)a + off, alen - off < 256 ? alen - off : 256);
	ksft_print_msg("replayed:\n");
	fz_hexdump((const __u8 *)b + off, blen - off < 256 ? blen - off : 256);
}

/*
 * Blank the services' lb-digest in a snapshot: it hashes the Maglev tables,
 * which follow the namespace's flow seed, random unless a fleet key sets
 * it. Two namespaces with the same configuration show different digests.
 */
static void fz_unseed(char *snap, size_t len)
{
	struct genlmsghdr *g;
	struct nlattr *a;
	size_t off = 0, end, at;
	__u32 n;

	while (off + sizeof(n) <= len) {
		memcpy(&n, snap + off, sizeof(n));
		off += sizeof(n);
		end = off + n > len ? len : off + n;
		g = (struct genlmsghdr *)(snap + off);
		at = off + GENL_HDRLEN;
		while (g->cmd == PL_CMD_SERVICE_GET && at + NLA_HDRLEN <= end) {
			a = (struct nlattr *)(snap + at);
			if (a->nla_len < NLA_HDRLEN || at + a->nla_len > end)
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == PL_A_SERVICE_LB_DIGEST)
				memset(snap + at + NLA_HDRLEN, 0,
				       a->nla_len - NLA_HDRLEN);
			at += NLA_ALIGN(a->nla_len);
		}
		off = end;
	}
}

static bool fz_same(const char *a, size_t alen, const char *b, size_t blen)
{
	if (a && b && alen == blen && !memcmp(a, b, alen))
		return true;
	if (a && b)
		fz_snap_diff(a, alen, b, blen);
	return false;
}

enum fz_who { ROOT, NOBODY_USER, NO_CAP };

FIXTURE(fuzz) {
	struct pl_sock s, own;
	struct fz f;
	char *snap;
	size_t snap_len;
};

FIXTURE_VARIANT(fuzz) {
	enum fz_who who;
};

FIXTURE_VARIANT_ADD(fuzz, root) {
	.who = ROOT,
};

FIXTURE_VARIANT_ADD(fuzz, nobody) {
	.who = NOBODY_USER,
};

FIXTURE_VARIANT_ADD(fuzz, no_cap_net_admin) {
	.who = NO_CAP,
};

FIXTURE_SETUP(fuzz)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&self->s));
	ASSERT_EQ(0, fz_base(&self->s));
	self->snap = pl_snapshot(&self->s, &self->snap_len);
	ASSERT_NE(NULL, self->snap);
}

FIXTURE_TEARDOWN(fuzz)
{
	fz_free(&self->f);
	free(self->snap);
	pl_close(&self->own);
	pl_close(&self->s);
}

/* The socket to fuzz through, as who. */
static int fz_sock(FIXTURE_DATA(fuzz) * self, enum fz_who who,
		   struct pl_sock **s)
{
	int err = 0;

	*s = &self->own;
	if (who == NOBODY_USER)
		err = become_nobody();
	else if (who == NO_CAP)
		err = drop_cap(CAP_NET_ADMIN);
	else
		*s = &self->s;
	return err ?: who == ROOT ? 0 : pl_open(&self->own);
}

static double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Replay the accepted requests over the same base in a fresh namespace:
 * both must read the same.
 */
static void fz_consistent(struct __test_metadata *_metadata, struct fz *f)
{
	struct pl_sock b;
	size_t alen, blen;
	char *snap_a, *snap_b;
	double t = fz_now();

	snap_a = pl_snapshot(f->s, &alen);
	ASSERT_NE(NULL, snap_a);
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&b));
	ASSERT_EQ(0, fz_base(&b));
	f->s = &b;
	fz_sock_options(&b);
	EXPECT_EQ(0, fz_replay(f, &f->log));
	EXPECT_EQ(0, f->failures);
	snap_b = pl_snapshot(&b, &blen);
	if (snap_a && snap_b) {
		fz_unseed(snap_a, alen);
		fz_unseed(snap_b, blen);
	}
	EXPECT_TRUE(fz_same(snap_a, alen, snap_b, blen))
		TH_LOG("a refused request changed the configuration (seed %llu)",
		       (unsigned long long)f->seed);
	ksft_print_msg("replayed %lu accepted changes in a new namespace in %.1f s\n",
		       f->log.n, fz_now() - t);
	free(snap_b);
	free(snap_a);
	pl_close(&b);
}

TEST_F_TIMEOUT(fuzz, messages, 3600)
{
	static const char * const who[] = { "root", "nobody", "no CAP_NET_ADMIN" };
	unsigned long n = fz_env("PL_FUZZ_N", FZ_N_DEFAULT);
	struct pl_sock *s;
	double t;
	int err;

	ASSERT_EQ(0, fz_sock(self, variant->who, &s));
	ASSERT_EQ(0, fz_init(&self->f, s, variant->who == ROOT));
	ksft_print_msg("%s: seed %llu (PL_FUZZ_SEED), %lu messages (PL_FUZZ_N)\n",
		       who[variant->who], (unsigned long long)self->f.seed, n);
	t = fz_now();
	err = fz_run(&self->f, n);
	fz_report(&self->f, who[variant->who], fz_now() - t);
	ASSERT_EQ(0, err);
	EXPECT_EQ(0, self->f.failures);
	if (variant->who == ROOT)
		fz_consistent(_metadata, &self->f);
	else
		EXPECT_TRUE(fz_same(self->snap, self->snap_len,
				    pl_snapshot(s, &self->snap_len), self->snap_len))
			TH_LOG("a request without CAP_NET_ADMIN changed the configuration");
}

TEST_HARNESS_MAIN
