// SPDX-License-Identifier: GPL-2.0
/*
 * Who may change pl's configuration: every mutating operation needs
 * CAP_NET_ADMIN in the user namespace that owns the network namespace
 * (uns-admin-perm); reading needs nothing.
 *
 *  - as root, every mutating operation succeeds (so the requests below are
 *    valid, and a refusal is about permission);
 *  - as nobody, without CAP_NET_ADMIN, or as nobody on a socket that root
 *    opened, every one is refused with EPERM and changes nothing, while
 *    do and dump reads still work;
 *  - root of a new user namespace configures the network namespace it owns,
 *    but cannot change the initial one's through a socket opened there
 *    before unsharing (which it can still read).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "pl_nl.h"
#include "kselftest_harness.h"

#define NOBODY 65534

/* The scene every operation below is valid against, in order. */
static int make_scene(struct pl_sock *s)
{
	char buf[1024];
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (pl_az_add(s, "az-a", NULL) || pl_az_add(s, "az-b", NULL) ||
	    pl_subnet_add(s, "sn-a", PL_IP4(10, 1, 0, 0), 24, "az-a", NULL) ||
	    pl_service_add(s, "svc", 80, NULL) ||
	    pl_backend_add(s, "svc", PL_IP4(10, 2, 0, 1), "az-a", NULL) ||
	    pl_endpoint_add(s, "ep", "svc", "sn-a", NULL))
		return -1;
	nlh = pl_msg(s, buf, PL_CMD_SERVICE_SOURCE_ADD, 0);
	mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_SOURCE);
	mnl_attr_put_u32(nlh, PL_A_SOURCE_ADDRESS, htonl(PL_IP4(192, 0, 2, 1)));
	mnl_attr_put_strz(nlh, PL_A_SOURCE_AZ, "az-a");
	mnl_attr_nest_end(nlh, nest);
	return pl_do(s, nlh, NULL, NULL, NULL);
}

static void put_source(struct nlmsghdr *nlh, __u32 addr, const char *az)
{
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_SOURCE);
	mnl_attr_put_u32(nlh, PL_A_SOURCE_ADDRESS, htonl(addr));
	if (az)
		mnl_attr_put_strz(nlh, PL_A_SOURCE_AZ, az);
	mnl_attr_nest_end(nlh, nest);
}

static void put_allow(struct nlmsghdr *nlh)
{
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, PL_A_ENDPOINT_ID, "ep");
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ALLOW);
	mnl_attr_put_u32(nlh, PL_A_PREFIX_ADDRESS, htonl(PL_IP4(10, 0, 0, 0)));
	mnl_attr_put_u8(nlh, PL_A_PREFIX_LEN, 8);
	mnl_attr_nest_end(nlh, nest);
}

/* Every mutating operation, each valid after the ones before it. */
static const __u8 ops[] = {
	PL_CMD_AZ_ADD, PL_CMD_AZ_SET, PL_CMD_SUBNET_ADD, PL_CMD_SERVICE_ADD,
	PL_CMD_SERVICE_SET, PL_CMD_SERVICE_SOURCE_ADD, PL_CMD_BACKEND_ADD,
	PL_CMD_BACKEND_SET, PL_CMD_ENDPOINT_ADD, PL_CMD_ENDPOINT_SET,
	PL_CMD_ENDPOINT_ALLOW_ADD, PL_CMD_ENDPOINT_ALLOW_DEL,
	PL_CMD_ENDPOINT_DEL, PL_CMD_BACKEND_DEL, PL_CMD_SERVICE_SOURCE_DEL,
	PL_CMD_SERVICE_DEL, PL_CMD_SUBNET_DEL, PL_CMD_AZ_DEL,
	PL_CMD_LIMITS_SET, PL_CMD_DNS_SET, PL_CMD_DNS_CONSUMER_ADD,
	PL_CMD_DNS_CONSUMER_DEL,
};

static const char *op_name(__u8 cmd)
{
	switch (cmd) {
	case PL_CMD_AZ_ADD: return "az-add";
	case PL_CMD_AZ_SET: return "az-set";
	case PL_CMD_AZ_DEL: return "az-del";
	case PL_CMD_SUBNET_ADD: return "subnet-add";
	case PL_CMD_SUBNET_DEL: return "subnet-del";
	case PL_CMD_SERVICE_ADD: return "service-add";
	case PL_CMD_SERVICE_SET: return "service-set";
	case PL_CMD_SERVICE_DEL: return "service-del";
	case PL_CMD_SERVICE_SOURCE_ADD: return "service-source-add";
	case PL_CMD_SERVICE_SOURCE_DEL: return "service-source-del";
	case PL_CMD_BACKEND_ADD: return "backend-add";
	case PL_CMD_BACKEND_SET: return "backend-set";
	case PL_CMD_BACKEND_DEL: return "backend-del";
	case PL_CMD_ENDPOINT_ADD: return "endpoint-add";
	case PL_CMD_ENDPOINT_SET: return "endpoint-set";
	case PL_CMD_ENDPOINT_ALLOW_ADD: return "endpoint-allow-add";
	case PL_CMD_ENDPOINT_ALLOW_DEL: return "endpoint-allow-del";
	case PL_CMD_ENDPOINT_DEL: return "endpoint-del";
	case PL_CMD_LIMITS_SET: return "limits-set";
	case PL_CMD_DNS_SET: return "dns-set";
	case PL_CMD_DNS_CONSUMER_ADD: return "dns-consumer-add";
	case PL_CMD_DNS_CONSUMER_DEL: return "dns-consumer-del";
	}
	return "?";
}

static void build_op(struct nlmsghdr *nlh, __u8 cmd)
{
	struct nlattr *nest;

	switch (cmd) {
	case PL_CMD_AZ_ADD:
	case PL_CMD_AZ_DEL:
		mnl_attr_put_strz(nlh, PL_A_AZ_NAME, "az-c");
		break;
	case PL_CMD_AZ_SET:
		mnl_attr_put_strz(nlh, PL_A_AZ_NAME, "az-b");
		mnl_attr_put_u8(nlh, PL_A_AZ_STATE, PL_AZ_STATE_DOWN);
		break;
	case PL_CMD_SUBNET_ADD:
		mnl_attr_put_strz(nlh, PL_A_SUBNET_ID, "sn-b");
		mnl_attr_put_u32(nlh, PL_A_SUBNET_PREFIX, htonl(PL_IP4(10, 1, 1, 0)));
		mnl_attr_put_u8(nlh, PL_A_SUBNET_PREFIX_LEN, 24);
		mnl_attr_put_strz(nlh, PL_A_SUBNET_AZ, "az-b");
		break;
	case PL_CMD_SUBNET_DEL:
		mnl_attr_put_strz(nlh, PL_A_SUBNET_ID, "sn-b");
		break;
	case PL_CMD_SERVICE_ADD:
		mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc2");
		nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_LISTENER);
		mnl_attr_put_u16(nlh, PL_A_LISTENER_PORT, 443);
		mnl_attr_nest_end(nlh, nest);
		break;
	case PL_CMD_SERVICE_DEL:
		mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc2");
		break;
	case PL_CMD_SERVICE_SET:
		mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc");
		mnl_attr_put_u32(nlh, PL_A_SERVICE_IDLE_TIMEOUT, 100);
		break;
	case PL_CMD_SERVICE_SOURCE_ADD:
		put_source(nlh, PL_IP4(192, 0, 2, 2), "az-b");
		break;
	case PL_CMD_SERVICE_SOURCE_DEL:
		put_source(nlh, PL_IP4(192, 0, 2, 2), NULL);
		break;
	case PL_CMD_BACKEND_ADD:
		mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, "svc");
		mnl_attr_put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 2)));
		mnl_attr_put_strz(nlh, PL_A_BACKEND_AZ, "az-b");
		break;
	case PL_CMD_BACKEND_DEL:
		mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, "svc");
		mnl_attr_put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 2)));
		break;
	case PL_CMD_BACKEND_SET:
		mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, "svc");
		mnl_attr_put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 1)));
		mnl_attr_put_u32(nlh, PL_A_BACKEND_WEIGHT, 5);
		break;
	case PL_CMD_ENDPOINT_ADD:
		mnl_attr_put_strz(nlh, PL_A_ENDPOINT_ID, "ep2");
		mnl_attr_put_strz(nlh, PL_A_ENDPOINT_SERVICE, "svc");
		nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
		mnl_attr_put_strz(nlh, PL_A_ENI_SUBNET, "sn-b");
		mnl_attr_nest_end(nlh, nest);
		break;
	case PL_CMD_ENDPOINT_DEL:
		mnl_attr_put_strz(nlh, PL_A_ENDPOINT_ID, "ep2");
		break;
	case PL_CMD_ENDPOINT_SET:
		mnl_attr_put_strz(nlh, PL_A_ENDPOINT_ID, "ep");
		mnl_attr_put_u8(nlh, PL_A_ENDPOINT_STATE,
				PL_ENDPOINT_STATE_AVAILABLE);
		break;
	case PL_CMD_ENDPOINT_ALLOW_ADD:
	case PL_CMD_ENDPOINT_ALLOW_DEL:
		put_allow(nlh);
		break;
	case PL_CMD_LIMITS_SET:
		mnl_attr_put_u32(nlh, PL_A_LIMITS_MAX_SERVICES, 100);
		break;
	case PL_CMD_DNS_SET:
		mnl_attr_put_strz(nlh, PL_A_DNS_SUFFIX, "vpce.example.internal");
		break;
	case PL_CMD_DNS_CONSUMER_ADD:
	case PL_CMD_DNS_CONSUMER_DEL:
		nest = mnl_attr_nest_start(nlh, PL_A_DNS_CONSUMER);
		mnl_attr_put_u32(nlh, PL_A_PREFIX_ADDRESS,
				 htonl(PL_IP4(10, 9, 0, 0)));
		mnl_attr_put_u8(nlh, PL_A_PREFIX_LEN, 16);
		mnl_attr_nest_end(nlh, nest);
		break;
	}
}

/* Send every mutating operation; each must answer err (0 or -EPERM). */
static void run_ops(struct __test_metadata *_metadata, struct pl_sock *s,
		    int err)
{
	struct pl_result r;
	char buf[1024];
	unsigned int i;

	for (i = 0; i < sizeof(ops); i++) {
		struct nlmsghdr *nlh = pl_msg(s, buf, ops[i], 0);

		build_op(nlh, ops[i]);
		pl_do(s, nlh, NULL, NULL, &r);
		EXPECT_EQ(err, r.error)
			TH_LOG("%s: expected %s, seen %s (%s)", op_name(ops[i]),
			       strerror(-err), strerror(-r.error), r.msg);
	}
}

/* Reads need no privilege: a do, a dump of every table, the limits. */
static void check_reads(struct __test_metadata *_metadata, struct pl_sock *s,
			const char *az)
{
	__u32 lim[PL_A_LIMITS_MAX + 1];
	struct pl_result r;
	char buf[1024];
	struct nlmsghdr *nlh;
	size_t len;
	char *snap;

	nlh = pl_msg(s, buf, PL_CMD_AZ_GET, 0);
	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, az);
	EXPECT_EQ(0, pl_do(s, nlh, NULL, NULL, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(1U, r.msgs);
	EXPECT_LE(1, pl_count(s, PL_CMD_AZ_GET));
	EXPECT_EQ(0, pl_limits_get(s, lim, PL_A_LIMITS_MAX));
	snap = pl_snapshot(s, &len);
	EXPECT_NE(NULL, snap);
	free(snap);
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

static bool same_snapshot(struct pl_sock *s, const char *before, size_t len)
{
	size_t now_len;
	char *now = pl_snapshot(s, &now_len);
	bool same = now && now_len == len && !memcmp(now, before, len);

	free(now);
	return same;
}

/* Who sends the requests, to the scene in a fresh network namespace. */
enum who {
	ROOT,
	NOBODY_USER,		/* setuid nobody, own socket */
	NO_CAP,			/* uid 0 without CAP_NET_ADMIN, own socket */
	NOBODY_ON_ROOTS_SOCKET,	/* setuid nobody, on root's socket */
};

FIXTURE(perm) {
	struct pl_sock s;
	char *snap;
	size_t snap_len;
};

FIXTURE_VARIANT(perm) {
	enum who who;
	int err;
};

FIXTURE_VARIANT_ADD(perm, root) {
	.who = ROOT,
	.err = 0,
};

FIXTURE_VARIANT_ADD(perm, nobody) {
	.who = NOBODY_USER,
	.err = -EPERM,
};

FIXTURE_VARIANT_ADD(perm, no_cap_net_admin) {
	.who = NO_CAP,
	.err = -EPERM,
};

FIXTURE_VARIANT_ADD(perm, nobody_on_roots_socket) {
	.who = NOBODY_ON_ROOTS_SOCKET,
	.err = -EPERM,
};

FIXTURE_SETUP(perm)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&self->s));
	ASSERT_EQ(0, make_scene(&self->s));
	self->snap = pl_snapshot(&self->s, &self->snap_len);
	ASSERT_NE(NULL, self->snap);
}

FIXTURE_TEARDOWN(perm)
{
	free(self->snap);
	pl_close(&self->s);
}

TEST_F(perm, mutations)
{
	struct pl_sock other, *s = &self->s;

	switch (variant->who) {
	case ROOT:
		break;
	case NOBODY_USER:
		ASSERT_EQ(0, become_nobody());
		ASSERT_EQ(0, pl_open(&other));
		s = &other;
		break;
	case NO_CAP:
		ASSERT_EQ(0, drop_cap(CAP_NET_ADMIN));
		ASSERT_EQ(0, pl_open(&other));
		s = &other;
		break;
	case NOBODY_ON_ROOTS_SOCKET:
		ASSERT_EQ(0, become_nobody());
		break;
	}
	run_ops(_metadata, s, variant->err);
	check_reads(_metadata, s, "az-a");
	if (variant->err) {
		EXPECT_TRUE(same_snapshot(s, self->snap, self->snap_len))
			TH_LOG("a refused request changed the configuration");
	} else {
		EXPECT_FALSE(same_snapshot(s, self->snap, self->snap_len));
	}
}

/*
 * Root of a new user namespace, with a socket opened in the initial
 * network namespace before unsharing. The teardown runs in the parent,
 * which stayed privileged in the initial namespace, to delete the AZ the
 * setup created there.
 */
FIXTURE(userns) {
	struct pl_sock init;
	char az[32];
	char *snap;
	size_t snap_len;
};

FIXTURE_SETUP(userns)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_open(&self->init));
	snprintf(self->az, sizeof(self->az), "nl-perm-%d", getpid());
	ASSERT_EQ(0, pl_az_add(&self->init, self->az, NULL));
	self->snap = pl_snapshot(&self->init, &self->snap_len);
	ASSERT_NE(NULL, self->snap);
}

FIXTURE_TEARDOWN_PARENT(userns)
{
	struct nlmsghdr *nlh;
	struct pl_result r;
	struct pl_sock s;
	char buf[1024];

	if (!self->az[0] || pl_open(&s))
		return;
	nlh = pl_msg(&s, buf, PL_CMD_AZ_DEL, 0);
	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, self->az);
	pl_do(&s, nlh, NULL, NULL, &r);
	pl_close(&s);
	EXPECT_EQ(0, r.error) TH_LOG("cannot delete AZ %s: %s", self->az, r.msg);
}

TEST_F(userns, configures_own_netns_only)
{
	struct pl_sock own;
	struct pl_result r;
	char buf[1024];
	struct nlmsghdr *nlh;

	ASSERT_EQ(0, pl_userns_new());
	ASSERT_EQ(0, (int)geteuid());
	ASSERT_EQ(0, pl_open(&own));

	/* Its own namespace: empty, then every change goes through. */
	EXPECT_EQ(0, pl_count(&own, PL_CMD_AZ_GET));
	ASSERT_EQ(0, make_scene(&own));
	run_ops(_metadata, &own, 0);

	/* The initial namespace: no change goes through. */
	run_ops(_metadata, &self->init, -EPERM);
	EXPECT_EQ(-EPERM, pl_az_add(&self->init, "from-userns", &r));
	nlh = pl_msg(&self->init, buf, PL_CMD_AZ_DEL, 0);
	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, self->az);
	EXPECT_EQ(-EPERM, pl_do(&self->init, nlh, NULL, NULL, &r));
	EXPECT_TRUE(same_snapshot(&self->init, self->snap, self->snap_len))
		TH_LOG("the initial namespace's configuration changed");

	/* ... but it may be read, and each namespace sees its own. */
	check_reads(_metadata, &self->init, self->az);
	nlh = pl_msg(&own, buf, PL_CMD_AZ_GET, 0);
	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, self->az);
	EXPECT_EQ(-ENOENT, pl_do(&own, nlh, NULL, NULL, &r));
	nlh = pl_msg(&self->init, buf, PL_CMD_AZ_GET, 0);
	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, "az-a");
	EXPECT_EQ(-ENOENT, pl_do(&self->init, nlh, NULL, NULL, &r));
	pl_close(&own);
}

TEST_HARNESS_MAIN
