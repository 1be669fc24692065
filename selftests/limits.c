// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace object limits, for each kind of object:
 *
 *  - a limit below the number of objects in use is refused (EBUSY, with a
 *    message), and changes no limit; a limit equal to it is accepted;
 *  - at the limit, creating one more is refused with ENOSPC and a message
 *    naming the limit, and creates nothing;
 *  - raising the limit lets it through;
 *  - a limits-set with several limits applies all of them or none;
 *  - limits outside the policy's bounds are refused.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pl_nl.h"
#include "kselftest_harness.h"

/* Create object number i of a kind. */
static int make_az(struct pl_sock *s, int i, struct pl_result *r)
{
	char name[16];

	snprintf(name, sizeof(name), "az-%d", i);
	return pl_az_add(s, name, r);
}

static int make_subnet(struct pl_sock *s, int i, struct pl_result *r)
{
	char name[16];

	snprintf(name, sizeof(name), "sn-%d", i);
	return pl_subnet_add(s, name, PL_IP4(10, 1, i, 0), 24, "az", r);
}

static int make_service(struct pl_sock *s, int i, struct pl_result *r)
{
	char name[16];

	snprintf(name, sizeof(name), "svc-%d", i);
	return pl_service_add(s, name, 80, r);
}

static int make_backend(struct pl_sock *s, int i, struct pl_result *r)
{
	return pl_backend_add(s, "svc", PL_IP4(10, 2, 0, 1 + i), "az", r);
}

static int make_endpoint(struct pl_sock *s, int i, struct pl_result *r)
{
	char name[16];

	snprintf(name, sizeof(name), "ep-%d", i);
	return pl_endpoint_add(s, name, "svc", "sn", r);
}

FIXTURE(limits) {
	struct pl_sock s;
};

FIXTURE_VARIANT(limits) {
	int (*make)(struct pl_sock *s, int i, struct pl_result *r);
	int max_attr, used_attr;
	__u32 dflt;
	__u8 dump;
	const char *busy_msg, *full_msg;
	int before;		/* objects of this kind the setup made */
};

FIXTURE_VARIANT_ADD(limits, az) {
	.make = make_az,
	.max_attr = PL_A_LIMITS_MAX_AZS,
	.used_attr = PL_A_LIMITS_AZS,
	.dflt = PL_MAX_AZS,
	.dump = PL_CMD_AZ_GET,
	.busy_msg = "4 AZs are in use: the limit cannot be 3",
	.full_msg = "AZ limit reached (4)",
	.before = 1,
};

FIXTURE_VARIANT_ADD(limits, subnet) {
	.make = make_subnet,
	.max_attr = PL_A_LIMITS_MAX_SUBNETS,
	.used_attr = PL_A_LIMITS_SUBNETS,
	.dflt = 10000,
	.dump = PL_CMD_SUBNET_GET,
	.busy_msg = "4 subnets are in use: the limit cannot be 3",
	.full_msg = "subnet limit reached (4)",
	.before = 1,
};

FIXTURE_VARIANT_ADD(limits, service) {
	.make = make_service,
	.max_attr = PL_A_LIMITS_MAX_SERVICES,
	.used_attr = PL_A_LIMITS_SERVICES,
	.dflt = 10000,
	.dump = PL_CMD_SERVICE_GET,
	.busy_msg = "4 services are in use: the limit cannot be 3",
	.full_msg = "service limit reached (4)",
	.before = 1,
};

FIXTURE_VARIANT_ADD(limits, backend) {
	.make = make_backend,
	.max_attr = PL_A_LIMITS_MAX_BACKENDS,
	.used_attr = PL_A_LIMITS_BACKENDS,
	.dflt = 200000,
	.dump = PL_CMD_BACKEND_GET,
	.busy_msg = "3 backends are in use: the limit cannot be 2",
	.full_msg = "backend limit reached (3)",
	.before = 0,
};

FIXTURE_VARIANT_ADD(limits, endpoint) {
	.make = make_endpoint,
	.max_attr = PL_A_LIMITS_MAX_ENDPOINTS,
	.used_attr = PL_A_LIMITS_ENDPOINTS,
	.dflt = 100000,
	.dump = PL_CMD_ENDPOINT_GET,
	.busy_msg = "3 endpoints are in use: the limit cannot be 2",
	.full_msg = "endpoint limit reached (3)",
	.before = 0,
};

FIXTURE_SETUP(limits)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&self->s));
	/* What the objects of every kind need. */
	ASSERT_EQ(0, pl_az_add(&self->s, "az", NULL));
	ASSERT_EQ(0, pl_subnet_add(&self->s, "sn", PL_IP4(10, 0, 0, 0), 16, "az",
				   NULL));
	ASSERT_EQ(0, pl_service_add(&self->s, "svc", 80, NULL));
}

FIXTURE_TEARDOWN(limits)
{
	pl_close(&self->s);
}

static __u32 limit(struct __test_metadata *_metadata, struct pl_sock *s,
		   int type)
{
	__u32 lim[PL_A_LIMITS_MAX + 1];

	EXPECT_EQ(0, pl_limits_get(s, lim, PL_A_LIMITS_MAX));
	return lim[type];
}

TEST_F(limits, enforced)
{
	__u32 in_use = variant->before + 3;
	struct pl_result r;
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, variant->make(&self->s, i, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(in_use, limit(_metadata, &self->s, variant->used_attr));

	/* Below the number in use: refused, nothing changes. */
	EXPECT_EQ(-EBUSY, pl_limits_set(&self->s, variant->max_attr,
					in_use - 1, &r));
	EXPECT_STREQ(variant->busy_msg, r.msg);
	EXPECT_LT(0, r.offs);
	EXPECT_EQ(variant->dflt, limit(_metadata, &self->s, variant->max_attr));

	/* At the number in use: accepted; one more is refused. */
	EXPECT_EQ(0, pl_limits_set(&self->s, variant->max_attr, in_use, &r))
		TH_LOG("%s", r.msg);
	EXPECT_EQ(in_use, limit(_metadata, &self->s, variant->max_attr));
	EXPECT_EQ(-ENOSPC, variant->make(&self->s, 3, &r));
	EXPECT_STREQ(variant->full_msg, r.msg);
	EXPECT_EQ(in_use, limit(_metadata, &self->s, variant->used_attr));
	EXPECT_EQ((int)in_use, pl_count(&self->s, variant->dump));

	/* Raised: through. */
	EXPECT_EQ(0, pl_limits_set(&self->s, variant->max_attr, in_use + 1,
				   &r));
	EXPECT_EQ(0, variant->make(&self->s, 3, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(in_use + 1, limit(_metadata, &self->s, variant->used_attr));
	EXPECT_EQ((int)in_use + 1, pl_count(&self->s, variant->dump));
	EXPECT_EQ(-ENOSPC, variant->make(&self->s, 4, &r));
}

/* One limit of a limits-set cannot be applied: none is. */
TEST(all_or_nothing)
{
	struct nlmsghdr *nlh;
	struct pl_result r;
	struct pl_sock s;
	char buf[1024];

	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&s));
	ASSERT_EQ(0, make_service(&s, 0, &r));
	ASSERT_EQ(0, make_service(&s, 1, &r));
	nlh = pl_msg(&s, buf, PL_CMD_LIMITS_SET, 0);
	mnl_attr_put_u32(nlh, PL_A_LIMITS_MAX_BACKENDS, 500);
	mnl_attr_put_u32(nlh, PL_A_LIMITS_MAX_SERVICES, 1);
	mnl_attr_put_u32(nlh, PL_A_LIMITS_MAX_ENDPOINTS, 7);
	EXPECT_EQ(-EBUSY, pl_do(&s, nlh, NULL, NULL, &r));
	EXPECT_STREQ("2 services are in use: the limit cannot be 1", r.msg);
	EXPECT_EQ(200000U, limit(_metadata, &s, PL_A_LIMITS_MAX_BACKENDS));
	EXPECT_EQ(10000U, limit(_metadata, &s, PL_A_LIMITS_MAX_SERVICES));
	EXPECT_EQ(100000U, limit(_metadata, &s, PL_A_LIMITS_MAX_ENDPOINTS));
	pl_close(&s);
}

/* The policy bounds: 1 to max-azs AZs, and at least 1 of anything. */
TEST_F(limits, out_of_bounds)
{
	struct pl_result r;

	EXPECT_EQ(-ERANGE, pl_limits_set(&self->s, variant->max_attr, 0, &r));
	EXPECT_LT(0, r.offs);
	if (variant->max_attr == PL_A_LIMITS_MAX_AZS)
		EXPECT_EQ(-ERANGE, pl_limits_set(&self->s, variant->max_attr,
						 PL_MAX_AZS + 1, &r));
	EXPECT_EQ(variant->dflt, limit(_metadata, &self->s, variant->max_attr));
}

TEST_HARNESS_MAIN
