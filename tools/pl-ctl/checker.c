// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl health run: the health checker. It reads which services have
 * health checks and their backends, probes each backend every interval
 * (probe.c, one epoll loop), spreads the probes over the interval with
 * jitter, and tells the kernel each verdict a threshold decides:
 *
 *   initial --(healthy-threshold passes)--> healthy
 *   any     --(unhealthy-threshold failures)--> unhealthy
 *
 * It reads the configuration again when the config group announces a
 * change and every 30 s anyway; it carries on when the module is unloaded,
 * and starts over when it is back. At start, it takes the kernel's
 * verdicts as its own, so that a restart moves no backend. Probes come
 * from the router's own address towards each backend: a service's source
 * addresses belong to the flows pl translates.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "checker.h"
#include "cmd.h"
#include "health.h"
#include "nl.h"
#include "objects.h"
#include "probe.h"

#define HC_RESYNC_MS	30000	/* read the configuration again anyway */
#define HC_SETTLE_MS	200	/* after a change was announced */
#define HC_RETRY_MS	2000	/* while the module is not there */
#define HC_TICK_MS	100	/* longest wait for the next due probe */

struct hc {
	struct probe_loop *loop;
	struct hc_map map;		/* targets, by service and address */
	struct nl_sock *mon;		/* config group, NULL when down */
	struct nl_cb *mon_cb;
	long long sync_at;		/* when to read the configuration */
	int up;				/* the module is there */
	int stop;
	int sfd;
};

static long long hc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void hc_log(const struct hc_target *t, const char *what)
{
	char addr[INET_ADDRSTRLEN];

	printf("backend %s %s %s\n", t->svc,
	       inet_ntop(AF_INET, &t->addr, addr, sizeof(addr)), what);
	fflush(stdout);
}

/* Tell the kernel the target's verdict. */
void hc_tell(struct hc *hc, struct hc_target *t)
{
	struct nl_msg *m = nl_req(PL_CMD_BACKEND_HEALTH_SET, 0);

	if (nla_put_string(m, PL_A_BACKEND_SERVICE, t->svc) ||
	    nla_put_u32(m, PL_A_BACKEND_ADDRESS, t->addr) ||
	    nla_put_u8(m, PL_A_BACKEND_HEALTH, t->verdict) ||
	    nla_put_u8(m, PL_A_BACKEND_HEALTH_REASON, t->reason) ||
	    (t->code && nla_put_u16(m, PL_A_BACKEND_HEALTH_CODE, t->code))) {
		nlmsg_free(m);
		return;
	}
	if (nl_exec(m, NULL))
		hc->sync_at = hc_now();	/* gone, or the module: look again */
}

static __u8 hc_reason(const struct probe_outcome *o)
{
	switch (o->result) {
	case PROBE_TIMEOUT:
		return PL_HEALTH_REASON_TIMEOUT;
	case PROBE_MISMATCH:
		return PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH;
	default:
		return PL_HEALTH_REASON_FAILED_HEALTH_CHECKS;
	}
}

static void hc_verdict(struct hc *hc, struct hc_target *t, __u8 verdict,
		       const struct probe_outcome *o)
{
	char what[160];

	t->verdict = verdict;
	t->reason = verdict == PL_HEALTH_STATE_HEALTHY ?
		    PL_HEALTH_REASON_NONE : hc_reason(o);
	t->code = t->reason == PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH ?
		  o->http_code : 0;
	snprintf(what, sizeof(what), "health %s%s%s",
		 verdict == PL_HEALTH_STATE_HEALTHY ? "healthy" : "unhealthy",
		 verdict == PL_HEALTH_STATE_HEALTHY ? "" : ": ",
		 verdict == PL_HEALTH_STATE_HEALTHY ? "" : o->detail);
	hc_log(t, what);
	hc_tell(hc, t);
}

/* A probe ended: count it, and decide when a threshold is reached. */
static void hc_done(void *arg, const struct probe_outcome *o)
{
	struct hc_target *t = arg;
	struct hc *hc = t->hc;
	__u16 code;

	t->inflight = 0;
	if (t->dead) {
		hc_target_done(&hc->map, t);
		return;
	}
	if (o->result == PROBE_OK) {
		t->fails = 0;
		if (t->passes < 255)
			t->passes++;
		if (t->verdict != PL_HEALTH_STATE_HEALTHY &&
		    t->passes >= t->healthy)
			hc_verdict(hc, t, PL_HEALTH_STATE_HEALTHY, o);
		return;
	}
	t->passes = 0;
	if (t->fails < 255)
		t->fails++;
	code = o->result == PROBE_MISMATCH ? o->http_code : 0;
	if (t->fails >= t->unhealthy &&
	    (t->verdict != PL_HEALTH_STATE_UNHEALTHY ||
	     t->reason != hc_reason(o) || t->code != code))
		hc_verdict(hc, t, PL_HEALTH_STATE_UNHEALTHY, o);
}

/* Start the probes that are due; returns ms until the next one is. */
static int hc_probe_due(struct hc *hc)
{
	long long now = hc_now(), next = now + HC_TICK_MS;
	struct hc_target *t;
	size_t i;

	for (i = 0; i < hc->map.n; i++) {
		t = hc->map.v[i];
		if (t->inflight)
			continue;
		if (t->due <= now) {
			if (probe_start(hc->loop, &t->spec, hc_done, t)) {
				t->due = now + 1000;	/* out of fds: later */
				continue;
			}
			t->inflight = 1;
			t->due += t->interval_ms;
			if (t->due <= now)
				t->due = now + t->interval_ms;
		}
		if (t->due < next)
			next = t->due;
	}
	return next - now;
}

/* A monitor event: a change to read, or the module going away. */
static int hc_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct hc *hc = arg;

	if (nl_family_gone(nlh)) {
		hc->up = 0;
		hc->sync_at = hc_now();
	} else if (nl_is_pl(nlh) && !hc_own_event(&hc->map, nlh)) {
		if (hc->sync_at > hc_now() + HC_SETTLE_MS)
			hc->sync_at = hc_now() + HC_SETTLE_MS;
	}
	return NL_OK;
}

static int hc_seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static void hc_mon_read(void *arg)
{
	struct hc *hc = arg;

	if (nl_recvmsgs(hc->mon, hc->mon_cb) == -NLE_NOMEM)
		hc->sync_at = hc_now();	/* events lost: read it all */
}

static void hc_down(struct hc *hc)
{
	if (hc->mon) {
		probe_loop_unwatch(hc->loop, nl_socket_get_fd(hc->mon));
		nl_socket_free(hc->mon);
		hc->mon = NULL;
	}
	nl_reset();
	hc_map_clear(&hc->map);
	hc->up = 0;
}

/* Open the monitor socket; 0 when the module is there. */
static int hc_up(struct hc *hc)
{
	static const char *const groups[] = { "config" };

	if (nl_open())
		return -1;
	hc->mon = nl_monitor(groups, 1);
	if (!hc->mon)
		return -1;
	nl_socket_set_nonblocking(hc->mon);
	probe_loop_watch(hc->loop, nl_socket_get_fd(hc->mon), hc_mon_read, hc);
	hc->up = 1;
	return 0;
}

/* Read the configuration again, or find the module, or wait for it. */
static void hc_sync(struct hc *hc)
{
	int was = hc->up, err;

	if (!hc->up || !hc->mon) {
		hc_down(hc);
		err = hc_up(hc);
	} else {
		err = 0;
	}
	err = err ?: hc_map_sync(&hc->map, hc, hc_now());
	if (err) {
		if (was)
			fputs("pl-ctl: health: the pl module is gone; waiting for it\n",
			      stderr);
		hc_down(hc);
		hc->sync_at = hc_now() + HC_RETRY_MS;
		return;
	}
	if (!was)
		fprintf(stderr, "pl-ctl: health: checking %zu backends\n",
			hc->map.n);
	hc->sync_at = hc_now() + HC_RESYNC_MS;
}

static void hc_signal(void *arg)
{
	struct signalfd_siginfo si;
	struct hc *hc = arg;

	if (read(hc->sfd, &si, sizeof(si)) > 0)
		hc->stop = 1;
}

/* A probe in flight holds a descriptor: allow as many as we may. */
static void hc_nofile(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int hc_init(struct hc *hc, sigset_t *old)
{
	sigset_t mask;

	memset(hc, 0, sizeof(*hc));
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, old);
	hc->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	hc->loop = probe_loop_new();
	hc->mon_cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (hc->sfd < 0 || !hc->loop || !hc->mon_cb ||
	    probe_loop_watch(hc->loop, hc->sfd, hc_signal, hc))
		return fail_err("health: cannot set up: %s", strerror(errno));
	nl_cb_set(hc->mon_cb, NL_CB_VALID, NL_CB_CUSTOM, hc_event, hc);
	nl_cb_set(hc->mon_cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, hc_seq_ok, NULL);
	nl_set_quiet(1);
	hc_nofile();
	srandom(getpid() ^ time(NULL));
	return 0;
}

static void hc_fini(struct hc *hc, const sigset_t *old)
{
	if (hc->mon)
		nl_socket_free(hc->mon);
	if (hc->loop)
		probe_loop_free(hc->loop);	/* no callback after this */
	hc_map_free(&hc->map);
	if (hc->mon_cb)
		nl_cb_put(hc->mon_cb);
	if (hc->sfd >= 0)
		close(hc->sfd);
	nl_set_quiet(0);
	sigprocmask(SIG_SETMASK, old, NULL);
}

static int health_run(struct pl_args *a)
{
	sigset_t old;
	struct hc hc;
	int err, wait;

	err = arg_end(a) ?: hc_init(&hc, &old);
	if (err)
		return err;
	if (nl_open()) {
		hc_fini(&hc, &old);
		return fail_err("health: the pl module is not loaded");
	}
	while (!hc.stop) {
		if (hc_now() >= hc.sync_at)
			hc_sync(&hc);
		wait = hc.up ? hc_probe_due(&hc) : HC_TICK_MS;
		if (wait > HC_TICK_MS)
			wait = HC_TICK_MS;
		if (probe_loop_run(hc.loop, wait < 0 ? 0 : wait) < 0 &&
		    errno != EINTR)
			break;
	}
	hc_fini(&hc, &old);
	return 0;
}

static const struct pl_cmd health_cmds[] = {
	{ "run", health_run, "health run" },
	{ }
};

const struct pl_object pl_health = { "health", health_cmds };
