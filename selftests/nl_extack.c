// SPDX-License-Identifier: GPL-2.0
/*
 * What a refusal says, and what a change announces.
 *
 *  - representative refusals carry an extack message naming the object
 *    (NLMSGERR_ATTR_MSG), the offset of the offending attribute, nested
 *    ones included (NLMSGERR_ATTR_OFFS), or the type of a missing required
 *    attribute (NLMSGERR_ATTR_MISS_TYPE);
 *  - a refused request changes nothing (every dump and the limits read the
 *    same before and after) and announces nothing;
 *  - each successful change sends the config group one notification per
 *    object changed, with the object's new (or, deleted, last) state.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_nl.h"
#include "kselftest_harness.h"

FIXTURE(extack) {
	struct pl_sock s, listen;
	char buf[1024];
};

FIXTURE_SETUP(extack)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&self->s));
	ASSERT_EQ(0, pl_open(&self->listen));
	ASSERT_EQ(0, pl_join_config(&self->listen));
	ASSERT_EQ(0, pl_az_add(&self->s, "az-a", NULL));
	ASSERT_EQ(0, pl_az_add(&self->s, "az-b", NULL));
	ASSERT_EQ(0, pl_subnet_add(&self->s, "sn-a", PL_IP4(10, 1, 0, 0), 24,
				   "az-a", NULL));
	ASSERT_EQ(0, pl_subnet_add(&self->s, "sn-b", PL_IP4(10, 1, 1, 0), 24,
				   "az-b", NULL));
	ASSERT_EQ(0, pl_service_add(&self->s, "svc", 80, NULL));
	ASSERT_EQ(5, pl_recv_ntf(&self->listen, 1000, NULL, NULL));
}

FIXTURE_TEARDOWN(extack)
{
	pl_close(&self->listen);
	pl_close(&self->s);
}

/* What a refusal must say; offs_attr NULL: no offset expected. */
struct refusal {
	int error;
	const char *msg;		/* a substring of the message */
	const struct nlattr *offs_attr;	/* the attribute it points at */
	int miss_type;			/* -1: none expected */
};

/* Send nlh; it must be refused as ref says, change nothing, announce nothing. */
static void expect_refusal(struct __test_metadata *_metadata,
			   FIXTURE_DATA(extack) * self, struct nlmsghdr *nlh,
			   const struct refusal *ref)
{
	size_t len_before, len_after;
	char *before, *after;
	struct pl_result r;

	before = pl_snapshot(&self->s, &len_before);
	ASSERT_NE(NULL, before);
	pl_do(&self->s, nlh, NULL, NULL, &r);
	EXPECT_EQ(ref->error, r.error)
		TH_LOG("expected %s, seen %s (\"%s\")", strerror(-ref->error),
		       strerror(-r.error), r.msg);
	if (ref->msg)
		EXPECT_NE(NULL, strstr(r.msg, ref->msg))
			TH_LOG("expected a message with '%s', seen '%s'",
			       ref->msg, r.msg);
	if (ref->offs_attr)
		EXPECT_EQ(pl_attr_offset(nlh, ref->offs_attr), r.offs)
			TH_LOG("the offset points at the wrong attribute");
	EXPECT_EQ(ref->miss_type, r.miss_type);

	after = pl_snapshot(&self->s, &len_after);
	ASSERT_NE(NULL, after);
	EXPECT_TRUE(len_before == len_after &&
		    !memcmp(before, after, len_before))
		TH_LOG("the refused request changed the configuration");
	EXPECT_EQ(0, pl_recv_ntf(&self->listen, 0, NULL, NULL))
		TH_LOG("the refused request was announced");
	free(after);
	free(before);
}

/* Add an attribute, returning where it starts in the message. */
static const struct nlattr *put_str(struct nlmsghdr *nlh, int type,
				    const char *s)
{
	const struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_strz(nlh, type, s);
	return attr;
}

static const struct nlattr *put_u32(struct nlmsghdr *nlh, int type, __u32 v)
{
	const struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_u32(nlh, type, v);
	return attr;
}

static const struct nlattr *put_u8(struct nlmsghdr *nlh, int type, __u8 v)
{
	const struct nlattr *attr = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put_u8(nlh, type, v);
	return attr;
}

TEST_F(extack, duplicate_name)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_AZ_ADD, 0);
	struct refusal ref = { -EEXIST, "AZ \"az-a\" already exists", NULL, -1 };

	ref.offs_attr = put_str(nlh, PL_A_AZ_NAME, "az-a");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, bad_name)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_AZ_ADD, 0);
	struct refusal ref = { -EINVAL, "\"bad name\" holds ' '", NULL, -1 };

	ref.offs_attr = put_str(nlh, PL_A_AZ_NAME, "bad name");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, unknown_az)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_BACKEND_ADD, 0);
	struct refusal ref = { -ENOENT, "AZ \"az-x\" does not exist", NULL, -1 };

	put_str(nlh, PL_A_BACKEND_SERVICE, "svc");
	put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 1)));
	ref.offs_attr = put_str(nlh, PL_A_BACKEND_AZ, "az-x");
	put_u32(nlh, PL_A_BACKEND_WEIGHT, 2);
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, unknown_service)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_BACKEND_ADD, 0);
	struct refusal ref = { -ENOENT, "service \"nope\" does not exist", NULL,
			       -1 };

	ref.offs_attr = put_str(nlh, PL_A_BACKEND_SERVICE, "nope");
	put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 1)));
	put_str(nlh, PL_A_BACKEND_AZ, "az-a");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, missing_prefix)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_SUBNET_ADD, 0);
	struct refusal ref = { -EINVAL, "missing prefix", NULL,
			       PL_A_SUBNET_PREFIX };

	put_str(nlh, PL_A_SUBNET_ID, "sn-c");
	put_u8(nlh, PL_A_SUBNET_PREFIX_LEN, 24);
	put_str(nlh, PL_A_SUBNET_AZ, "az-a");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, missing_listener)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_SERVICE_ADD, 0);
	struct refusal ref = { -EINVAL, "listener", NULL,
			       PL_A_SERVICE_LISTENER };

	put_str(nlh, PL_A_SERVICE_NAME, "svc2");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, policy_range)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_SUBNET_ADD, 0);
	struct refusal ref = { -ERANGE, NULL, NULL, -1 };

	put_str(nlh, PL_A_SUBNET_ID, "sn-c");
	put_u32(nlh, PL_A_SUBNET_PREFIX, htonl(PL_IP4(10, 1, 2, 0)));
	ref.offs_attr = put_u8(nlh, PL_A_SUBNET_PREFIX_LEN, 30);
	put_str(nlh, PL_A_SUBNET_AZ, "az-a");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, overlapping_subnet)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_SUBNET_ADD, 0);
	struct refusal ref = { -EEXIST, "overlaps subnet \"sn-a\"", NULL, -1 };

	put_str(nlh, PL_A_SUBNET_ID, "sn-c");
	ref.offs_attr = put_u32(nlh, PL_A_SUBNET_PREFIX,
				htonl(PL_IP4(10, 1, 0, 128)));
	put_u8(nlh, PL_A_SUBNET_PREFIX_LEN, 25);
	put_str(nlh, PL_A_SUBNET_AZ, "az-b");
	expect_refusal(_metadata, self, nlh, &ref);
}

TEST_F(extack, az_in_use)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_AZ_DEL, 0);
	struct refusal ref = { -EBUSY, "AZ \"az-a\" is in use by 1 subnet(s)",
			       NULL, -1 };

	ref.offs_attr = put_str(nlh, PL_A_AZ_NAME, "az-a");
	expect_refusal(_metadata, self, nlh, &ref);
}

/*
 * The second ENI asks for a reserved IP: the offset points inside the
 * second nest, and the first ENI's IP (which the kernel would have picked)
 * was not taken.
 */
TEST_F(extack, nested_eni_ip)
{
	struct nlmsghdr *nlh = pl_msg(&self->s, self->buf, PL_CMD_ENDPOINT_ADD, 0);
	struct refusal ref = { -EINVAL, "10.1.1.1 is reserved in subnet \"sn-b\"",
			       NULL, -1 };
	struct nlattr *nest;

	put_str(nlh, PL_A_ENDPOINT_ID, "ep");
	put_str(nlh, PL_A_ENDPOINT_SERVICE, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	put_str(nlh, PL_A_ENI_SUBNET, "sn-a");
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	put_str(nlh, PL_A_ENI_SUBNET, "sn-b");
	ref.offs_attr = put_u32(nlh, PL_A_ENI_IP, htonl(PL_IP4(10, 1, 1, 1)));
	mnl_attr_nest_end(nlh, nest);
	expect_refusal(_metadata, self, nlh, &ref);

	/* 10.1.0.4, the first IP the kernel may pick in sn-a, is free. */
	nlh = pl_msg(&self->s, self->buf, PL_CMD_ENDPOINT_ADD, 0);
	put_str(nlh, PL_A_ENDPOINT_ID, "ep");
	put_str(nlh, PL_A_ENDPOINT_SERVICE, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	put_str(nlh, PL_A_ENI_SUBNET, "sn-a");
	put_u32(nlh, PL_A_ENI_IP, htonl(PL_IP4(10, 1, 0, 4)));
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(0, pl_do(&self->s, nlh, NULL, NULL, NULL));
}

/* endpoint-set asking for state; its state attribute is returned. */
static const struct nlattr *endpoint_set(FIXTURE_DATA(extack) * self,
					 struct nlmsghdr **nlh, __u8 state)
{
	*nlh = pl_msg(&self->s, self->buf, PL_CMD_ENDPOINT_SET, 0);
	put_str(*nlh, PL_A_ENDPOINT_ID, "ep");
	return put_u8(*nlh, PL_A_ENDPOINT_STATE, state);
}

/*
 * As AWS's AcceptVpcEndpointConnections and RejectVpcEndpointConnections:
 * only a pending endpoint can be accepted, only a pending or available one
 * rejected, and none can return to pending-acceptance. Each refusal says
 * what state the endpoint is in.
 */
TEST_F(extack, endpoint_state)
{
	struct refusal back = {
		-EINVAL, "an endpoint cannot return to pending-acceptance",
		NULL, -1
	};
	struct refusal accept_available = {
		-EINVAL,
		"endpoint \"ep\" is available, not pending-acceptance: only a pending endpoint can be accepted",
		NULL, -1
	};
	struct refusal accept_rejected = {
		-EINVAL,
		"endpoint \"ep\" is rejected, not pending-acceptance: only a pending endpoint can be accepted",
		NULL, -1
	};
	struct refusal reject_rejected = {
		-EINVAL,
		"endpoint \"ep\" is rejected already: only a pending or available endpoint can be rejected",
		NULL, -1
	};
	struct nlmsghdr *nlh;
	struct pl_result r;

	ASSERT_EQ(0, pl_endpoint_add(&self->s, "ep", "svc", "sn-a", &r))
		TH_LOG("%s", r.msg);
	EXPECT_EQ(1, pl_recv_ntf(&self->listen, 1000, NULL, NULL));

	back.offs_attr = endpoint_set(self, &nlh,
				      PL_ENDPOINT_STATE_PENDING_ACCEPTANCE);
	expect_refusal(_metadata, self, nlh, &back);

	endpoint_set(self, &nlh, PL_ENDPOINT_STATE_AVAILABLE);
	ASSERT_EQ(0, pl_do(&self->s, nlh, NULL, NULL, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(1, pl_recv_ntf(&self->listen, 1000, NULL, NULL));
	accept_available.offs_attr =
		endpoint_set(self, &nlh, PL_ENDPOINT_STATE_AVAILABLE);
	expect_refusal(_metadata, self, nlh, &accept_available);

	endpoint_set(self, &nlh, PL_ENDPOINT_STATE_REJECTED);
	ASSERT_EQ(0, pl_do(&self->s, nlh, NULL, NULL, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(1, pl_recv_ntf(&self->listen, 1000, NULL, NULL));
	reject_rejected.offs_attr =
		endpoint_set(self, &nlh, PL_ENDPOINT_STATE_REJECTED);
	expect_refusal(_metadata, self, nlh, &reject_rejected);
	accept_rejected.offs_attr =
		endpoint_set(self, &nlh, PL_ENDPOINT_STATE_AVAILABLE);
	expect_refusal(_metadata, self, nlh, &accept_rejected);
	back.offs_attr = endpoint_set(self, &nlh,
				      PL_ENDPOINT_STATE_PENDING_ACCEPTANCE);
	expect_refusal(_metadata, self, nlh, &back);
}

/* --- Notifications ----------------------------------------------------- */

/* The notifications one change sent, in order. */
struct ntfs {
	unsigned int n;
	__u8 cmd[8];
	char *msg[8];
};

static int ntfs_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ntfs *nt = data;

	if (nt->n < 8) {
		nt->cmd[nt->n] = pl_cmd(nlh);
		nt->msg[nt->n] = malloc(nlh->nlmsg_len);
		if (nt->msg[nt->n])
			memcpy(nt->msg[nt->n], nlh, nlh->nlmsg_len);
	}
	nt->n++;
	return 0;
}

static void ntfs_free(struct ntfs *nt)
{
	unsigned int i;

	for (i = 0; i < nt->n && i < 8; i++)
		free(nt->msg[i]);
	memset(nt, 0, sizeof(*nt));
}

/*
 * Send nlh, which must succeed, and read what the config group got: then
 * send a refused request (an AZ that exists), which must announce nothing.
 */
static void change(struct __test_metadata *_metadata,
		   FIXTURE_DATA(extack) * self, struct nlmsghdr *nlh,
		   struct ntfs *nt)
{
	struct pl_result r;

	ntfs_free(nt);
	ASSERT_EQ(0, pl_do(&self->s, nlh, NULL, NULL, &r)) TH_LOG("%s", r.msg);
	EXPECT_LT(0, pl_recv_ntf(&self->listen, 1000, ntfs_cb, nt));
	EXPECT_EQ(-EEXIST, pl_az_add(&self->s, "az-a", NULL));
	EXPECT_EQ(0, pl_recv_ntf(&self->listen, 0, NULL, NULL));
}

static const char *ntf_str(const struct ntfs *nt, unsigned int i, int type)
{
	const struct nlattr *tb[32];

	pl_attrs((const struct nlmsghdr *)nt->msg[i], tb, 31);
	return tb[type] ? mnl_attr_get_str(tb[type]) : "(none)";
}

static long long ntf_u(const struct ntfs *nt, unsigned int i, int type)
{
	const struct nlattr *tb[32];

	pl_attrs((const struct nlmsghdr *)nt->msg[i], tb, 31);
	if (!tb[type])
		return -1;
	switch (mnl_attr_get_payload_len(tb[type])) {
	case 1:
		return mnl_attr_get_u8(tb[type]);
	case 2:
		return mnl_attr_get_u16(tb[type]);
	default:
		return mnl_attr_get_u32(tb[type]);
	}
}

/* The value of type in the first nest of type nest_type. */
static long long ntf_nested_u(const struct ntfs *nt, unsigned int i,
			      int nest_type, int type)
{
	const struct nlattr *tb[32], *in[32];

	pl_attrs((const struct nlmsghdr *)nt->msg[i], tb, 31);
	if (!tb[nest_type])
		return -1;
	pl_nest_attrs(tb[nest_type], in, 31);
	if (!in[type])
		return -1;
	if (mnl_attr_get_payload_len(in[type]) == 2)
		return mnl_attr_get_u16(in[type]);
	if (mnl_attr_get_payload_len(in[type]) == 1)
		return mnl_attr_get_u8(in[type]);
	return ntohl(mnl_attr_get_u32(in[type]));
}

TEST_F(extack, notifications)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct ntfs nt = { 0 };
	char *buf = self->buf;

	nlh = pl_msg(&self->s, buf, PL_CMD_AZ_ADD, 0);
	put_str(nlh, PL_A_AZ_NAME, "az-c");
	put_str(nlh, PL_A_AZ_ZONE_ID, "zid-c");
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_AZ_ADD_NTF, nt.cmd[0]);
	EXPECT_STREQ("az-c", ntf_str(&nt, 0, PL_A_AZ_NAME));
	EXPECT_STREQ("zid-c", ntf_str(&nt, 0, PL_A_AZ_ZONE_ID));
	EXPECT_EQ(PL_AZ_STATE_UP, ntf_u(&nt, 0, PL_A_AZ_STATE));

	nlh = pl_msg(&self->s, buf, PL_CMD_AZ_SET, 0);
	put_str(nlh, PL_A_AZ_NAME, "az-c");
	put_u8(nlh, PL_A_AZ_STATE, PL_AZ_STATE_DOWN);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_AZ_CHANGE_NTF, nt.cmd[0]);
	EXPECT_EQ(PL_AZ_STATE_DOWN, ntf_u(&nt, 0, PL_A_AZ_STATE));

	nlh = pl_msg(&self->s, buf, PL_CMD_SERVICE_ADD, 0);
	put_str(nlh, PL_A_SERVICE_NAME, "svc2");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_LISTENER);
	mnl_attr_put_u16(nlh, PL_A_LISTENER_PORT, 443);
	mnl_attr_put_u16(nlh, PL_A_LISTENER_TARGET_PORT, 8443);
	mnl_attr_nest_end(nlh, nest);
	put_u8(nlh, PL_A_SERVICE_ACCEPTANCE, PL_ACCEPTANCE_AUTO);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_SERVICE_ADD_NTF, nt.cmd[0]);
	EXPECT_STREQ("svc2", ntf_str(&nt, 0, PL_A_SERVICE_NAME));
	EXPECT_EQ(PL_ACCEPTANCE_AUTO, ntf_u(&nt, 0, PL_A_SERVICE_ACCEPTANCE));
	EXPECT_EQ(443, ntf_nested_u(&nt, 0, PL_A_SERVICE_LISTENER,
				    PL_A_LISTENER_PORT));
	EXPECT_EQ(8443, ntf_nested_u(&nt, 0, PL_A_SERVICE_LISTENER,
				     PL_A_LISTENER_TARGET_PORT));
	EXPECT_EQ(0, ntf_u(&nt, 0, PL_A_SERVICE_BACKENDS));

	nlh = pl_msg(&self->s, buf, PL_CMD_BACKEND_ADD, 0);
	put_str(nlh, PL_A_BACKEND_SERVICE, "svc2");
	put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 1)));
	put_str(nlh, PL_A_BACKEND_AZ, "az-c");
	put_u32(nlh, PL_A_BACKEND_WEIGHT, 3);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_BACKEND_ADD_NTF, nt.cmd[0]);
	EXPECT_STREQ("az-c", ntf_str(&nt, 0, PL_A_BACKEND_AZ));
	EXPECT_EQ(3, ntf_u(&nt, 0, PL_A_BACKEND_WEIGHT));
	EXPECT_EQ(PL_BACKEND_STATE_ACTIVE, ntf_u(&nt, 0, PL_A_BACKEND_STATE));

	nlh = pl_msg(&self->s, buf, PL_CMD_BACKEND_SET, 0);
	put_str(nlh, PL_A_BACKEND_SERVICE, "svc2");
	put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(PL_IP4(10, 2, 0, 1)));
	put_u32(nlh, PL_A_BACKEND_WEIGHT, 7);
	put_u8(nlh, PL_A_BACKEND_STATE, PL_BACKEND_STATE_DRAIN);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_BACKEND_CHANGE_NTF, nt.cmd[0]);
	EXPECT_EQ(7, ntf_u(&nt, 0, PL_A_BACKEND_WEIGHT));
	EXPECT_EQ(PL_BACKEND_STATE_DRAIN, ntf_u(&nt, 0, PL_A_BACKEND_STATE));

	nlh = pl_msg(&self->s, buf, PL_CMD_SERVICE_SOURCE_ADD, 0);
	put_str(nlh, PL_A_SERVICE_NAME, "svc2");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_SOURCE);
	put_u32(nlh, PL_A_SOURCE_ADDRESS, htonl(PL_IP4(192, 0, 2, 1)));
	put_str(nlh, PL_A_SOURCE_AZ, "az-c");
	mnl_attr_nest_end(nlh, nest);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_SERVICE_CHANGE_NTF, nt.cmd[0]);
	EXPECT_EQ(PL_IP4(192, 0, 2, 1),
		  ntf_nested_u(&nt, 0, PL_A_SERVICE_SOURCE, PL_A_SOURCE_ADDRESS));
	EXPECT_EQ(1, ntf_u(&nt, 0, PL_A_SERVICE_BACKENDS));

	nlh = pl_msg(&self->s, buf, PL_CMD_ENDPOINT_ADD, 0);
	put_str(nlh, PL_A_ENDPOINT_ID, "ep");
	put_str(nlh, PL_A_ENDPOINT_SERVICE, "svc2");
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	put_str(nlh, PL_A_ENI_SUBNET, "sn-a");
	mnl_attr_nest_end(nlh, nest);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_ENDPOINT_ADD_NTF, nt.cmd[0]);
	EXPECT_EQ(PL_ENDPOINT_STATE_AVAILABLE,
		  ntf_u(&nt, 0, PL_A_ENDPOINT_STATE));
	EXPECT_EQ(PL_IP4(10, 1, 0, 4),
		  ntf_nested_u(&nt, 0, PL_A_ENDPOINT_ENI, PL_A_ENI_IP));

	nlh = pl_msg(&self->s, buf, PL_CMD_ENDPOINT_ALLOW_ADD, 0);
	put_str(nlh, PL_A_ENDPOINT_ID, "ep");
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ALLOW);
	put_u32(nlh, PL_A_PREFIX_ADDRESS, htonl(PL_IP4(172, 16, 0, 0)));
	put_u8(nlh, PL_A_PREFIX_LEN, 12);
	mnl_attr_nest_end(nlh, nest);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_ENDPOINT_CHANGE_NTF, nt.cmd[0]);
	EXPECT_EQ(12, ntf_nested_u(&nt, 0, PL_A_ENDPOINT_ALLOW,
				   PL_A_PREFIX_LEN));

	nlh = pl_msg(&self->s, buf, PL_CMD_LIMITS_SET, 0);
	put_u32(nlh, PL_A_LIMITS_MAX_BACKENDS, 1000);
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_LIMITS_CHANGE_NTF, nt.cmd[0]);
	EXPECT_EQ(1000, ntf_u(&nt, 0, PL_A_LIMITS_MAX_BACKENDS));
	EXPECT_EQ(1, ntf_u(&nt, 0, PL_A_LIMITS_BACKENDS));

	nlh = pl_msg(&self->s, buf, PL_CMD_ENDPOINT_DEL, 0);
	put_str(nlh, PL_A_ENDPOINT_ID, "ep");
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_ENDPOINT_DEL_NTF, nt.cmd[0]);
	EXPECT_STREQ("ep", ntf_str(&nt, 0, PL_A_ENDPOINT_ID));

	/* Deleting a service deletes its backends: one notification each. */
	nlh = pl_msg(&self->s, buf, PL_CMD_SERVICE_DEL, 0);
	put_str(nlh, PL_A_SERVICE_NAME, "svc2");
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(2U, nt.n);
	EXPECT_EQ(PL_CMD_BACKEND_DEL_NTF, nt.cmd[0]);
	EXPECT_EQ(PL_CMD_SERVICE_DEL_NTF, nt.cmd[1]);
	EXPECT_STREQ("svc2", ntf_str(&nt, 1, PL_A_SERVICE_NAME));

	nlh = pl_msg(&self->s, buf, PL_CMD_SUBNET_DEL, 0);
	put_str(nlh, PL_A_SUBNET_ID, "sn-b");
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_SUBNET_DEL_NTF, nt.cmd[0]);
	EXPECT_EQ(24, ntf_u(&nt, 0, PL_A_SUBNET_PREFIX_LEN));

	nlh = pl_msg(&self->s, buf, PL_CMD_AZ_DEL, 0);
	put_str(nlh, PL_A_AZ_NAME, "az-c");
	change(_metadata, self, nlh, &nt);
	ASSERT_EQ(1U, nt.n);
	EXPECT_EQ(PL_CMD_AZ_DEL_NTF, nt.cmd[0]);
	EXPECT_STREQ("az-c", ntf_str(&nt, 0, PL_A_AZ_NAME));
	ntfs_free(&nt);
}

TEST_HARNESS_MAIN
