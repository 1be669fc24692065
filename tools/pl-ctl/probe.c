// SPDX-License-Identifier: GPL-2.0
/*
 * Health probes of backends, as an NLB makes them: for now, the matchers
 * of HTTP status codes, "200-299,302", as an NLB's health check takes
 * them.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "probe.h"

/* Matchers */

static int matcher_err(const char *s, char *err, size_t errlen,
		       const char *fmt, ...)
	__printf(4, 5);

static int matcher_err(const char *s, char *err, size_t errlen,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "matcher \"%s\": ", s);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A code at *p: its value, with *p past its digits; -1 when there is no
 * digit, or 1000 for more than three digits (out of range all the same).
 */
static int matcher_code(const char **p)
{
	const char *s = *p;
	int v = 0;

	while (*s >= '0' && *s <= '9') {
		if (v < 1000)
			v = v * 10 + (*s - '0');
		s++;
	}
	if (s == *p)
		return -1;
	if (s - *p > 3)
		v = 1000;
	*p = s;
	return v;
}

/* One code or range, from s up to end; 0 or -1 with err set. */
static int matcher_item(const char *whole, const char *s, const char *end,
			struct probe_matcher *m, char *err, size_t errlen)
{
	const char *p = s;
	int len = (int)(end - s);
	int lo, hi;

	if (s == end)
		return matcher_err(whole, err, errlen, "a code is missing");
	lo = matcher_code(&p);
	hi = lo;
	if (lo >= 0 && *p == '-') {
		p++;
		hi = matcher_code(&p);
	}
	if (lo < 0 || hi < 0 || p != end)
		return matcher_err(whole, err, errlen,
				   "\"%.*s\" is not a code or a range of codes",
				   len, s);
	if (lo < PROBE_CODE_MIN || lo > PROBE_CODE_MAX ||
	    hi < PROBE_CODE_MIN || hi > PROBE_CODE_MAX)
		return matcher_err(whole, err, errlen, "codes are %d to %d",
				   PROBE_CODE_MIN, PROBE_CODE_MAX);
	if (lo > hi)
		return matcher_err(whole, err, errlen,
				   "range %.*s ends before it starts", len, s);
	if (m->n == PROBE_MATCHER_MAX)
		return matcher_err(whole, err, errlen,
				   "more than %d codes or ranges",
				   PROBE_MATCHER_MAX);
	m->r[m->n].lo = lo;
	m->r[m->n].hi = hi;
	m->n++;
	return 0;
}

int probe_matcher_parse(const char *s, struct probe_matcher *m, char *err,
			size_t errlen)
{
	const char *p = s, *end;

	memset(m, 0, sizeof(*m));
	if (!*s)
		return matcher_err(s, err, errlen, "no code");
	for (;;) {
		end = p + strcspn(p, ",");
		if (matcher_item(s, p, end, m, err, errlen))
			return -1;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

int probe_matcher_match(const struct probe_matcher *m, unsigned int code)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (code >= m->r[i].lo && code <= m->r[i].hi)
			return 1;
	return 0;
}
