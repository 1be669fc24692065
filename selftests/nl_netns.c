// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces: pl's configuration lives in the caller's network
 * namespace and dies with it.
 *
 *  - configuration (and its notifications, and its limits) in one
 *    namespace is invisible in another, and names do not clash across
 *    namespaces; a socket keeps talking to the namespace it was opened in;
 *  - deleting a namespace with configuration present frees it: in a memory
 *    cgroup of its own, a process creates many backends in a fresh
 *    namespace (memory.current rises: the objects are charged to the
 *    cgroup, as GFP_KERNEL_ACCOUNT allocations are), then exits, which
 *    deletes the namespace (memory.current falls back to its baseline).
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pl_nl.h"
#include "kselftest_harness.h"

FIXTURE(netns) {
	int ns_a, ns_b;
	struct pl_sock a, b, listen_b;
};

FIXTURE_SETUP(netns)
{
	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	ASSERT_EQ(0, pl_netns_new());
	self->ns_a = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_a);
	ASSERT_EQ(0, pl_open(&self->a));
	ASSERT_EQ(0, pl_netns_new());
	self->ns_b = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_b);
	ASSERT_EQ(0, pl_open(&self->b));
	ASSERT_EQ(0, pl_open(&self->listen_b));
	ASSERT_EQ(0, pl_join_config(&self->listen_b));
}

FIXTURE_TEARDOWN(netns)
{
	pl_close(&self->listen_b);
	pl_close(&self->b);
	pl_close(&self->a);
	close(self->ns_b);
	close(self->ns_a);
}

static int az_get(struct pl_sock *s, const char *name)
{
	char buf[1024];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_AZ_GET, 0);

	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, name);
	return pl_do(s, nlh, NULL, NULL, NULL);
}

static int del_by_name(struct pl_sock *s, __u8 cmd, int type,
		       const char *name)
{
	char buf[1024];
	struct nlmsghdr *nlh = pl_msg(s, buf, cmd, 0);

	mnl_attr_put_strz(nlh, type, name);
	return pl_do(s, nlh, NULL, NULL, NULL);
}

TEST_F(netns, isolated)
{
	__u32 la[PL_A_LIMITS_MAX + 1], lb[PL_A_LIMITS_MAX + 1];
	size_t len, len2;
	char *snap, *snap2;

	/*
	 * The process is in B now; socket a was opened in A and still
	 * configures A.
	 */
	ASSERT_EQ(0, pl_az_add(&self->a, "az1", NULL));
	ASSERT_EQ(0, pl_subnet_add(&self->a, "sn1", PL_IP4(10, 0, 0, 0), 24,
				   "az1", NULL));
	ASSERT_EQ(0, pl_service_add(&self->a, "svc", 80, NULL));
	ASSERT_EQ(0, pl_backends_add(&self->a, "svc", "az1", PL_IP4(10, 9, 0, 1),
				     10, -1, NULL));
	ASSERT_EQ(0, pl_endpoint_add(&self->a, "ep", "svc", "sn1", NULL));
	ASSERT_EQ(0, pl_limits_set(&self->a, PL_A_LIMITS_MAX_SERVICES, 5,
				   NULL));

	/* B sees none of it, and heard nothing of it. */
	EXPECT_EQ(0, pl_recv_ntf(&self->listen_b, 0, NULL, NULL));
	EXPECT_EQ(0, pl_count(&self->b, PL_CMD_AZ_GET));
	EXPECT_EQ(0, pl_count(&self->b, PL_CMD_SUBNET_GET));
	EXPECT_EQ(0, pl_count(&self->b, PL_CMD_SERVICE_GET));
	EXPECT_EQ(0, pl_count(&self->b, PL_CMD_BACKEND_GET));
	EXPECT_EQ(0, pl_count(&self->b, PL_CMD_ENDPOINT_GET));
	EXPECT_EQ(-ENOENT, az_get(&self->b, "az1"));
	ASSERT_EQ(0, pl_limits_get(&self->a, la, PL_A_LIMITS_MAX));
	ASSERT_EQ(0, pl_limits_get(&self->b, lb, PL_A_LIMITS_MAX));
	EXPECT_EQ(5U, la[PL_A_LIMITS_MAX_SERVICES]);
	EXPECT_EQ(10000U, lb[PL_A_LIMITS_MAX_SERVICES]);
	EXPECT_EQ(10U, la[PL_A_LIMITS_BACKENDS]);
	EXPECT_EQ(0U, lb[PL_A_LIMITS_AZS]);
	EXPECT_EQ(0U, lb[PL_A_LIMITS_BACKENDS]);
	EXPECT_EQ(0U, lb[PL_A_LIMITS_ENDPOINTS]);

	/* The same names in B: no clash, and B hears of it. */
	snap = pl_snapshot(&self->a, &len);
	ASSERT_NE(NULL, snap);
	EXPECT_EQ(0, pl_az_add(&self->b, "az1", NULL));
	EXPECT_EQ(0, pl_subnet_add(&self->b, "sn1", PL_IP4(10, 0, 0, 0), 24,
				   "az1", NULL));
	EXPECT_EQ(2, pl_recv_ntf(&self->listen_b, 1000, NULL, NULL));
	EXPECT_EQ(1, pl_count(&self->b, PL_CMD_AZ_GET));
	EXPECT_EQ(1, pl_count(&self->b, PL_CMD_SUBNET_GET));

	/* ... and deleting them there leaves A's namesakes alone. */
	EXPECT_EQ(0, del_by_name(&self->b, PL_CMD_SUBNET_DEL, PL_A_SUBNET_ID,
				 "sn1"));
	EXPECT_EQ(0, del_by_name(&self->b, PL_CMD_AZ_DEL, PL_A_AZ_NAME, "az1"));
	EXPECT_EQ(0, pl_count(&self->b, PL_CMD_AZ_GET));
	EXPECT_EQ(2, pl_recv_ntf(&self->listen_b, 1000, NULL, NULL));
	snap2 = pl_snapshot(&self->a, &len2);
	ASSERT_NE(NULL, snap2);
	EXPECT_TRUE(len == len2 && !memcmp(snap, snap2, len))
		TH_LOG("changes in B changed A");
	free(snap2);
	free(snap);

	/* A socket stays in its namespace wherever its process goes. */
	ASSERT_EQ(0, pl_netns_enter(self->ns_a));
	EXPECT_EQ(0, pl_az_add(&self->b, "az2", NULL));
	EXPECT_EQ(1, pl_recv_ntf(&self->listen_b, 1000, NULL, NULL));
	EXPECT_EQ(0, az_get(&self->b, "az2"));
	EXPECT_EQ(-ENOENT, az_get(&self->a, "az2"));
}

/* --- Memory cgroup accounting ------------------------------------------ */

#define CGROOT		"/sys/fs/cgroup"
#define N_BACKENDS	20000

static long long read_ll(const char *path)
{
	char buf[64];
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = atoll(buf);
	fclose(f);
	return v;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t len = strlen(s);

	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != len)
		err = -errno;
	close(fd);
	return err;
}

static bool file_has_word(const char *path, const char *word)
{
	char buf[512], *tok, *save;
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		for (tok = strtok_r(buf, "\n ", &save); tok && !found;
		     tok = strtok_r(NULL, "\n ", &save))
			found = !strcmp(tok, word);
	}
	fclose(f);
	return found;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What the child that owns the namespace measured. */
struct memcg_report {
	long long before;	/* namespace and socket there, no objects */
	long long after;	/* N_BACKENDS backends later */
	int err;
};

FIXTURE(memcg) {
	char cg[128], current[160];
	bool enabled_memory;
};

FIXTURE_SETUP(memcg)
{
	char procs[160], pid[32];

	if (geteuid())
		SKIP(return, "must be run as root");
	ASSERT_EQ(0, pl_load()) TH_LOG("cannot load %s", pl_ko_path());
	if (!file_has_word(CGROOT "/cgroup.controllers", "memory"))
		SKIP(return, "no cgroup2 memory controller at " CGROOT);
	if (!file_has_word(CGROOT "/cgroup.subtree_control", "memory")) {
		ASSERT_EQ(0, write_str(CGROOT "/cgroup.subtree_control",
				       "+memory"));
		self->enabled_memory = true;
	}
	snprintf(self->cg, sizeof(self->cg), CGROOT "/pl-nl-netns-%d",
		 getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755));
	snprintf(self->current, sizeof(self->current), "%s/memory.current",
		 self->cg);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", self->cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, write_str(procs, pid));
}

FIXTURE_TEARDOWN(memcg)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str(CGROOT "/cgroup.procs", pid);
	if (self->cg[0])
		rmdir(self->cg);
	if (self->enabled_memory)
		write_str(CGROOT "/cgroup.subtree_control", "-memory");
}

/* The child: a fresh namespace, N_BACKENDS backends, then exit on cue. */
static void memcg_child(const char *current, struct memcg_report *rep,
			int ready, int go)
{
	struct pl_result r;
	struct pl_sock s;
	char c;

	rep->err = pl_netns_new() ?: pl_open(&s);
	if (rep->err)
		goto out;
	rep->err = pl_az_add(&s, "az1", NULL) ?:
		   pl_service_add(&s, "svc", 80, NULL);
	if (rep->err)
		goto out;
	rep->before = read_ll(current);
	/* Weight 0: no load-balancing snapshot to rebuild after each one. */
	rep->err = pl_backends_add(&s, "svc", "az1", PL_IP4(10, 0, 0, 1),
				   N_BACKENDS, 0, &r);
	if (rep->err > 0)
		rep->err = r.error;
	rep->after = read_ll(current);
out:
	c = 0;
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) < 0)
		_exit(1);
	/* Exiting drops the last reference to the namespace (and socket). */
	_exit(0);
}

TEST_F_TIMEOUT(memcg, netns_exit_frees_config, 180)
{
	struct memcg_report *rep;
	long long base, peak, now, rise, start;
	int ready[2], go[2], status;
	pid_t pid;
	char c;

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rep);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	base = read_ll(self->current);
	ASSERT_LT(0, base);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		memcg_child(self->current, rep, ready[1], go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	peak = read_ll(self->current);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, rep->err) TH_LOG("child: %s", strerror(-rep->err));

	/* Each backend is charged to the cgroup: 100 bytes and more. */
	rise = rep->after - rep->before;
	TH_LOG("memory.current: %lld at start, %lld before the backends,",
	       base, rep->before);
	TH_LOG("%lld after them, %lld with the namespace", rep->after, peak);
	ASSERT_GE(rise, 100LL * N_BACKENDS)
		TH_LOG("%d backends raised memory.current by %lld bytes only",
		       N_BACKENDS, rise);

	/*
	 * The namespace is gone with the child: its cleanup runs in a work
	 * item, and frees objects after an RCU grace period. Asking the
	 * kernel to drop slab caches runs the kfree_rcu() shrinker sooner.
	 */
	start = now_ms();
	do {
		usleep(200 * 1000);
		write_str("/proc/sys/vm/drop_caches", "2");
		now = read_ll(self->current);
	} while (now - base > rise / 4 && now_ms() - start < 60 * 1000);
	TH_LOG("memory.current back to %lld after %lld ms (baseline %lld)",
	       now, now_ms() - start, base);
	EXPECT_LE(now - base, rise / 4)
		TH_LOG("%lld bytes of the %lld charged are still charged",
		       now - base, rise);
	munmap(rep, sizeof(*rep));
}

TEST_HARNESS_MAIN
