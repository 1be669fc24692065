// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps of many objects, and their consistency.
 *
 *  - 100,000 backends (of 100 services), created quickly by pipelining
 *    the requests, come back from one dump in many multipart datagrams:
 *    each exactly once, NLMSG_DONE at the end, no NLM_F_DUMP_INTR;
 *  - a dump that a change interrupts (first part read, change made through
 *    another socket, rest read) carries NLM_F_DUMP_INTR; one during which
 *    nothing changes (reads and refused requests only) does not;
 *  - a dump filtered by service returns that service's backends only, and
 *    one filtered by a service that does not exist is refused.
 *
 * The backends take no flows (weight 0): what is under test is the
 * configuration and its dumps, not the load-balancing snapshot of a
 * service, which the kernel rebuilds after each change of its backends.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pl_nl.h"
#include "kselftest_harness.h"

#define FIRST		PL_IP4(10, 0, 0, 1)
#define MANY		100000U
#define SERVICES	100U

FIXTURE(dump) {
	struct pl_sock s, other;
};

FIXTURE_SETUP(dump)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	ASSERT_EQ(0, pl_open(&self->s));
	ASSERT_EQ(0, pl_open(&self->other));
	ASSERT_EQ(0, pl_az_add(&self->s, "az1", NULL));
	ASSERT_EQ(0, pl_service_add(&self->s, "svc", 80, NULL));
}

FIXTURE_TEARDOWN(dump)
{
	pl_close(&self->other);
	pl_close(&self->s);
}

/* What a dump of backends returned. */
struct seen {
	const char *svc;	/* the service every backend must belong to,
				 * or NULL for any
				 */
	__u32 first, n;		/* the addresses expected */
	unsigned char *once;	/* one byte per address */
	unsigned int distinct, dup, stray, not_multi;
};

static int seen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PL_A_BACKEND_MAX + 1];
	struct seen *sn = data;
	__u32 i;

	pl_attrs(nlh, tb, PL_A_BACKEND_MAX);
	if (!(nlh->nlmsg_flags & NLM_F_MULTI))
		sn->not_multi++;
	if (pl_cmd(nlh) != PL_CMD_BACKEND_GET || !tb[PL_A_BACKEND_ADDRESS] ||
	    !tb[PL_A_BACKEND_SERVICE] || (sn->svc &&
	    strcmp(mnl_attr_get_str(tb[PL_A_BACKEND_SERVICE]), sn->svc))) {
		sn->stray++;
		return 0;
	}
	i = ntohl(mnl_attr_get_u32(tb[PL_A_BACKEND_ADDRESS])) - sn->first;
	if (i >= sn->n)
		sn->stray++;
	else if (sn->once[i]++)
		sn->dup++;
	else
		sn->distinct++;
	return 0;
}

static void seen_init(struct seen *sn, const char *svc, __u32 first,
		      __u32 n)
{
	memset(sn, 0, sizeof(*sn));
	sn->svc = svc;
	sn->first = first;
	sn->n = n;
	sn->once = calloc(n, 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST_F_TIMEOUT(dump, hundred_thousand, 1800)
{
	__u32 lim[PL_A_LIMITS_MAX + 1];
	struct pl_result r;
	struct nlmsghdr *nlh;
	unsigned int i;
	char buf[1024];
	struct seen sn;
	char svc[16];
	double t;
	int n = 0;

	t = now_s();
	for (i = 1; i < SERVICES && !n; i++) {
		snprintf(svc, sizeof(svc), "svc%u", i);
		n = pl_service_add(&self->s, svc, 80, &r);
	}
	ASSERT_EQ(0, n) TH_LOG("%s", r.msg);
	for (i = 0; i < SERVICES && !n; i++) {
		snprintf(svc, sizeof(svc), i ? "svc%u" : "svc", i);
		n = pl_backends_add(&self->s, svc, "az1",
				    FIRST + i * (MANY / SERVICES),
				    MANY / SERVICES, 0, &r);
	}
	t = now_s() - t;
	ASSERT_EQ(0, n) TH_LOG("%d refused, the first: %s (%s)", n,
			       strerror(-r.error), r.msg);
	TH_LOG("%u backends created in %.1f s (%.0f/s)", MANY, t, MANY / t);
	ASSERT_EQ(0, pl_limits_get(&self->s, lim, PL_A_LIMITS_MAX));
	ASSERT_EQ(MANY, lim[PL_A_LIMITS_BACKENDS]);

	seen_init(&sn, NULL, FIRST, MANY);
	ASSERT_NE(NULL, sn.once);
	t = now_s();
	nlh = pl_msg(&self->s, buf, PL_CMD_BACKEND_GET, 0);
	EXPECT_EQ(0, pl_dump(&self->s, nlh, seen_cb, &sn, &r))
		TH_LOG("%s", r.msg);
	TH_LOG("dumped %u backends in %u datagrams in %.1f s", r.msgs,
	       r.parts, now_s() - t);
	EXPECT_EQ(MANY, r.msgs);
	EXPECT_EQ(MANY, sn.distinct);
	EXPECT_EQ(0U, sn.dup);
	EXPECT_EQ(0U, sn.stray);
	EXPECT_EQ(0U, sn.not_multi);
	EXPECT_LT(100U, r.parts);
	EXPECT_TRUE(r.done);
	EXPECT_EQ(NLMSG_DONE, r.end_type);
	EXPECT_FALSE(r.intr);
	free(sn.once);
}

/* Read the first datagram of a dump of n backends, call between, read on. */
static void dump_with(struct __test_metadata *_metadata,
		      FIXTURE_DATA(dump) * self, unsigned int n,
		      void (*between)(struct __test_metadata *_metadata,
				      FIXTURE_DATA(dump) * self),
		      struct pl_result *r, struct seen *sn)
{
	struct nlmsghdr *nlh;
	char buf[1024];
	int ret;

	ASSERT_EQ(0, pl_backends_add(&self->s, "svc", "az1", FIRST, n, 0, NULL));
	seen_init(sn, "svc", FIRST, n + 1);
	ASSERT_NE(NULL, sn->once);
	memset(r, 0, sizeof(*r));
	nlh = pl_msg(&self->s, buf, PL_CMD_BACKEND_GET, NLM_F_DUMP);
	ASSERT_EQ(0, pl_send(&self->s, nlh));
	ASSERT_EQ(1, pl_read(&self->s, nlh->nlmsg_seq, seen_cb, sn, r));
	ASSERT_FALSE(r->intr);
	between(_metadata, self);
	do {
		ret = pl_read(&self->s, nlh->nlmsg_seq, seen_cb, sn, r);
	} while (ret > 0);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, r->error);
	EXPECT_EQ(NLMSG_DONE, r->end_type);
	EXPECT_LT(3U, r->parts);
	EXPECT_EQ(0U, sn->dup);
	free(sn->once);
}

static void add_one(struct __test_metadata *_metadata,
		    FIXTURE_DATA(dump) * self)
{
	EXPECT_EQ(0, pl_backend_add(&self->other, "svc", FIRST + 5000, "az1",
				    NULL));
}

static void read_and_refuse(struct __test_metadata *_metadata,
			    FIXTURE_DATA(dump) * self)
{
	struct pl_result r;
	char buf[1024];
	struct nlmsghdr *nlh;

	/* Reads, and refused changes, change nothing. */
	EXPECT_EQ(1, pl_count(&self->other, PL_CMD_AZ_GET));
	nlh = pl_msg(&self->other, buf, PL_CMD_BACKEND_GET, 0);
	mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, "svc");
	mnl_attr_put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(FIRST));
	EXPECT_EQ(0, pl_do(&self->other, nlh, NULL, NULL, &r));
	EXPECT_EQ(-EEXIST, pl_backend_add(&self->other, "svc", FIRST, "az1",
					  &r));
	EXPECT_EQ(-EEXIST, pl_az_add(&self->other, "az1", &r));
	EXPECT_EQ(-ENOENT, pl_backend_add(&self->other, "nope", FIRST, "az1",
					  &r));
}

TEST_F_TIMEOUT(dump, interrupted_by_a_change, 600)
{
	struct pl_result r;
	struct seen sn;

	dump_with(_metadata, self, 5000, add_one, &r, &sn);
	EXPECT_TRUE(r.intr) TH_LOG("no NLM_F_DUMP_INTR in %u datagrams",
				   r.parts);
}

TEST_F_TIMEOUT(dump, consistent_without_change, 600)
{
	struct pl_result r;
	struct seen sn;

	dump_with(_metadata, self, 5000, read_and_refuse, &r, &sn);
	EXPECT_FALSE(r.intr);
	EXPECT_EQ(5000U, r.msgs);
	EXPECT_EQ(5000U, sn.distinct);
}

TEST_F(dump, filtered_by_service)
{
	struct pl_result r;
	struct nlmsghdr *nlh;
	char buf[1024];
	struct seen sn;

	ASSERT_EQ(0, pl_service_add(&self->s, "svc2", 443, NULL));
	ASSERT_EQ(0, pl_backends_add(&self->s, "svc", "az1", FIRST, 300, 0,
				     NULL));
	ASSERT_EQ(0, pl_backends_add(&self->s, "svc2", "az1", FIRST + 100,
				     200, 0, NULL));
	seen_init(&sn, "svc2", FIRST + 100, 200);
	ASSERT_NE(NULL, sn.once);
	nlh = pl_msg(&self->s, buf, PL_CMD_BACKEND_GET, 0);
	mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, "svc2");
	EXPECT_EQ(0, pl_dump(&self->s, nlh, seen_cb, &sn, &r));
	EXPECT_EQ(200U, r.msgs);
	EXPECT_EQ(200U, sn.distinct);
	EXPECT_EQ(0U, sn.stray);
	EXPECT_EQ(500, pl_count(&self->s, PL_CMD_BACKEND_GET));
	free(sn.once);

	/* A service that does not exist: refused, and said so. */
	nlh = pl_msg(&self->s, buf, PL_CMD_BACKEND_GET, 0);
	mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, "nope");
	EXPECT_EQ(-ENOENT, pl_dump(&self->s, nlh, NULL, NULL, &r));
	EXPECT_EQ(0U, r.msgs);
	EXPECT_NE(NULL, strstr(r.msg, "does not exist"))
		TH_LOG("seen '%s'", r.msg);
}

TEST_HARNESS_MAIN
