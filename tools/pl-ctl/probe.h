/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health probes of backends, as a Network Load Balancer makes them. For
 * now, the matchers of HTTP status codes they use.
 */

#ifndef PL_CTL_PROBE_H
#define PL_CTL_PROBE_H

#include <stddef.h>

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

#endif /* PL_CTL_PROBE_H */
