// SPDX-License-Identifier: GPL-2.0
/*
 * A driver of probe.c for test-probe.sh, outside of pl-ctl: it runs the
 * probes its command line names, one outcome line each, or parses a
 * matcher, or checks watched fds.
 *
 *   test-probe [-t MS] [-r] [-m MATCHER] [-H HOST] [-p PATH] [-n COUNT]
 *              [-c INFLIGHT] [-q] URL...
 *   test-probe -M MATCHER
 *   test-probe -w
 *
 * URL is tcp://A:PORT, http://A:PORT/PATH or https://A:PORT/PATH. Each is
 * probed COUNT times, all at once or, with -c, INFLIGHT at a time, each
 * probe started from the callback of one that ended. With -r, each probe
 * times out after a random 1 to MS ms. With -q, a summary replaces the
 * outcome lines, counting timeouts called back early, or over 1 s late.
 * The exit status is 1 when a probe would not start, or when probes or
 * fds are left over once the loop is freed.
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

struct target {
	const char *url;
	struct probe_spec spec;
};

struct run {
	struct probe_loop *loop;
	struct target *t;
	unsigned int nt;
	unsigned int count;		/* probes of each target */
	unsigned int started, total;
	unsigned int n[4];		/* by result */
	unsigned int early, late;	/* timeouts called back so */
	int random;
	int quiet;
	int failed_start;
};

struct one {
	struct run *run;
	const struct target *t;
	unsigned int timeout_ms;
	struct timespec start;
};

static const char * const result_name[] = {
	[PROBE_OK] = "OK",
	[PROBE_TIMEOUT] = "TIMEOUT",
	[PROBE_FAILED] = "FAILED",
	[PROBE_MISMATCH] = "MISMATCH",
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	       (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int start_one(struct run *r, unsigned int i);

static void done(void *arg, const struct probe_outcome *o)
{
	struct one *one = arg;
	struct run *r = one->run;
	long ms = ms_since(&one->start);

	r->n[o->result]++;
	if (o->result == PROBE_TIMEOUT && ms < one->timeout_ms)
		r->early++;
	if (o->result == PROBE_TIMEOUT && ms > one->timeout_ms + 1000)
		r->late++;
	if (!r->quiet || (o->result != PROBE_OK && r->n[o->result] <= 3))
		printf("%s %s code=%d err=%d ms=%ld %s\n", one->t->url,
		       result_name[o->result], o->http_code, o->err, ms,
		       o->detail);
	free(one);
	if (r->started < r->total)
		start_one(r, r->started);
}

static int start_one(struct run *r, unsigned int i)
{
	struct one *one = calloc(1, sizeof(*one));
	struct probe_spec spec;
	int err;

	if (!one)
		return -ENOMEM;
	one->run = r;
	one->t = &r->t[i / r->count];
	spec = one->t->spec;
	if (r->random && spec.timeout_ms)
		spec.timeout_ms = 1 + random() % spec.timeout_ms;
	one->timeout_ms = spec.timeout_ms;
	clock_gettime(CLOCK_MONOTONIC, &one->start);
	r->started++;
	err = probe_start(r->loop, &spec, done, one);
	if (err) {
		printf("%s start=%d\n", one->t->url, err);
		r->failed_start = 1;
		free(one);
	}
	return err;
}

static int parse_url(const char *url, struct probe_spec *s)
{
	static const char * const scheme[] = { "tcp://", "http://",
					       "https://" };
	char addr[32];
	unsigned int i, port;
	const char *p;
	int n = 0;

	for (i = 0; i < 3; i++)
		if (!strncmp(url, scheme[i], strlen(scheme[i])))
			break;
	if (i == 3)
		return -1;
	s->proto = i;
	p = url + strlen(scheme[i]);
	if (sscanf(p, "%31[0-9.]:%u%n", addr, &port, &n) != 2 ||
	    port > 65535 || inet_pton(AF_INET, addr, &s->dst.sin_addr) != 1)
		return -1;
	s->dst.sin_family = AF_INET;
	s->dst.sin_port = htons(port);
	if (p[n] && !s->path)
		s->path = p + n;
	return 0;
}

static int parse_matcher(const char *s)
{
	struct probe_matcher m;
	char err[128];
	unsigned int i;

	if (probe_matcher_parse(s, &m, err, sizeof(err))) {
		printf("rejected: %s\n", err);
		return 0;
	}
	printf("parsed:");
	for (i = 0; i < m.n; i++) {
		printf("%s%u", i ? "," : " ", m.r[i].lo);
		if (m.r[i].hi != m.r[i].lo)
			printf("-%u", m.r[i].hi);
	}
	printf(" match(200)=%d match(404)=%d\n", probe_matcher_match(&m, 200),
	       probe_matcher_match(&m, 404));
	return 0;
}

static void watched(void *arg)
{
	int *fds = arg;
	char c;

	if (read(fds[0], &c, 1) == 1)
		fds[2]++;
}

/* A pipe's callback runs once per byte; none once unwatched. */
static int check_watch(void)
{
	struct probe_loop *l = probe_loop_new();
	int fds[3] = { -1, -1, 0 }, before;

	if (!l || pipe(fds))
		return 1;
	probe_loop_watch(l, fds[0], watched, fds);
	if (write(fds[1], "ab", 2) != 2)
		return 1;
	probe_loop_run(l, 1000);
	probe_loop_run(l, 1000);
	before = fds[2];
	probe_loop_unwatch(l, fds[0]);
	if (write(fds[1], "c", 1) != 1)
		return 1;
	probe_loop_run(l, 100);
	printf("watch called=%d after-unwatch=%d unwatch-again=%d\n", before,
	       fds[2] - before, probe_loop_unwatch(l, fds[0]));
	probe_loop_free(l);
	close(fds[0]);
	close(fds[1]);
	return 0;
}

/* Run r until no probe is in flight, or 60 s pass. */
static void run_all(struct run *r, unsigned int inflight)
{
	struct timespec t0;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < inflight && r->started < r->total; i++)
		start_one(r, r->started);
	while (probe_loop_inflight(r->loop) && ms_since(&t0) < 60000)
		if (probe_loop_run(r->loop, 1000) < 0)
			perror("probe_loop_run");
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run_targets(struct run *r, unsigned int inflight)
{
	int fds = count_fds(), rc = r->failed_start;
	unsigned int left;

	r->loop = probe_loop_new();
	if (!r->loop)
		return 1;
	run_all(r, inflight ? inflight : r->total);
	left = probe_loop_inflight(r->loop);
	probe_loop_free(r->loop);
	if (r->quiet)
		printf("total=%u OK=%u TIMEOUT=%u FAILED=%u MISMATCH=%u early=%u late=%u\n",
		       r->total, r->n[PROBE_OK], r->n[PROBE_TIMEOUT],
		       r->n[PROBE_FAILED], r->n[PROBE_MISMATCH], r->early,
		       r->late);
	printf("left=%u fds start=%d end=%d\n", left, fds, count_fds());
	if (r->failed_start || left || fds != count_fds())
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	struct probe_spec spec = { .timeout_ms = 5000 };
	struct run r = { .count = 1 };
	unsigned int inflight = 0, i;
	char err[128];
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "t:rm:H:p:n:c:qM:w")) != -1) {
		switch (c) {
		case 't':
			spec.timeout_ms = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			r.random = 1;
			break;
		case 'm':
			if (probe_matcher_parse(optarg, &spec.matcher, err,
						sizeof(err))) {
				fprintf(stderr, "%s\n", err);
				return 2;
			}
			break;
		case 'H':
			spec.host = optarg;
			break;
		case 'p':
			spec.path = optarg;
			break;
		case 'n':
			r.count = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			inflight = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			r.quiet = 1;
			break;
		case 'M':
			return parse_matcher(optarg);
		case 'w':
			return check_watch();
		default:
			return 2;
		}
	}
	r.nt = argc - optind;
	r.t = calloc(r.nt, sizeof(*r.t));
	if (!r.nt || !r.t || !r.count)
		return 2;
	for (i = 0; i < r.nt; i++) {
		r.t[i].url = argv[optind + i];
		r.t[i].spec = spec;
		if (parse_url(r.t[i].url, &r.t[i].spec)) {
			fprintf(stderr, "bad url %s\n", r.t[i].url);
			return 2;
		}
	}
	r.total = r.nt * r.count;
	raise_nofile();
	c = run_targets(&r, inflight);
	free(r.t);
	return c;
}
