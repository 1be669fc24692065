/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health probes of backends, as a Network Load Balancer makes them: a TCP
 * connect, or an HTTP or HTTPS GET whose status code must match. Many
 * probes run at once in one epoll loop, without threads; each ends, once,
 * in a callback from probe_loop_run().
 */

#ifndef PL_CTL_PROBE_H
#define PL_CTL_PROBE_H

#include <stddef.h>
#include <netinet/in.h>

enum probe_proto {
	PROBE_TCP,
	PROBE_HTTP,
	PROBE_HTTPS,
};

enum probe_result {
	PROBE_OK,		/* connected (tcp) / status matched (http[s]) */
	PROBE_TIMEOUT,		/* no answer in time: Target.Timeout */
	PROBE_FAILED,		/* refused, reset, unreachable, TLS failure,
				 * bad HTTP: Target.FailedHealthChecks
				 */
	PROBE_MISMATCH,		/* HTTP status not in the matcher:
				 * Target.ResponseCodeMismatch
				 */
};

/* Status codes an HTTP[S] probe accepts: ranges lo-hi, inclusive. */
#define PROBE_MATCHER_MAX	16
#define PROBE_CODE_MIN		200	/* the codes an NLB matcher may name */
#define PROBE_CODE_MAX		599

struct probe_matcher {
	unsigned int n;
	struct {
		unsigned short lo, hi;
	} r[PROBE_MATCHER_MAX];
};

/*
 * Parse an NLB matcher: "200", "200,202", "200-299", "200-299,302", codes
 * 200 to 599. Returns 0, or -1 with a message in err naming what is wrong,
 * e.g. matcher "600": codes are 200 to 599.
 */
int probe_matcher_parse(const char *s, struct probe_matcher *m, char *err,
			size_t errlen);
/* 1 when code is in one of m's ranges, else 0. */
int probe_matcher_match(const struct probe_matcher *m, unsigned int code);

struct probe_spec {
	struct sockaddr_in dst;		/* backend address and port */
	enum probe_proto proto;
	const char *path;		/* http[s]: request path, "/..." (copied);
					 * NULL: "/"
					 */
	const char *host;		/* http[s]: Host header, and TLS SNI when
					 * a name; NULL: the address (copied)
					 */
	struct probe_matcher matcher;	/* http[s]; no range: 200-399 */
	unsigned int timeout_ms;	/* from probe_start(); at least 1 */
};

struct probe_outcome {
	enum probe_result result;
	int http_code;			/* 0 unless a status line was read */
	int err;			/* errno for PROBE_FAILED where one
					 * applies, else 0
					 */
	char detail[96];		/* human text: "connection refused",
					 * "HTTP 500", "timed out after 5000 ms
					 * (connect)", "TLS handshake failed: ..."
					 */
};

struct probe_loop;

/* A loop: its epoll fd and TLS context. NULL on failure. */
struct probe_loop *probe_loop_new(void);
/*
 * Free a loop: probes in flight are cancelled without a callback, watched
 * fds are forgotten (not closed). Not from within a callback.
 */
void probe_loop_free(struct probe_loop *l);

/*
 * Start one probe. done is called exactly once, later, from
 * probe_loop_run() (a failure to connect at once too), with an outcome
 * valid during the call only. done may start probes, but may not run or
 * free the loop. Returns 0, or -errno (-EINVAL for a bad spec, -EMFILE,
 * -ENOMEM) and done is never called.
 */
int probe_start(struct probe_loop *l, const struct probe_spec *s,
		void (*done)(void *arg, const struct probe_outcome *o),
		void *arg);

/*
 * Wait up to timeout_ms (-1: no limit; less, for the nearest probe
 * deadline or a probe that has already ended) for events, and handle them,
 * calling done callbacks and watch callbacks. Returns the number of probes
 * completed (0 too when a signal interrupted the wait), or -errno.
 */
int probe_loop_run(struct probe_loop *l, int timeout_ms);
/* Probes started and not yet called back. */
unsigned int probe_loop_inflight(const struct probe_loop *l);

/*
 * Watch an fd of the caller's (e.g. a netlink socket): while it is
 * readable, probe_loop_run() calls fn(arg). Returns 0 or -errno.
 */
int probe_loop_watch(struct probe_loop *l, int fd, void (*fn)(void *arg),
		     void *arg);
/* Stop watching fd (before closing it); from a callback too. */
int probe_loop_unwatch(struct probe_loop *l, int fd);

#endif /* PL_CTL_PROBE_H */
