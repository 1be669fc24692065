// SPDX-License-Identifier: GPL-2.0
/*
 * Health-check settings of a service, as keywords and as output:
 *
 *   health protocol {tcp|http|https} [port {traffic-port|PORT}]
 *          [path PATH] [matcher CODES] [interval SECONDS]
 *          [timeout SECONDS] [healthy-threshold N] [unhealthy-threshold N]
 *   health off
 *
 * The keywords after "health" are its own for as long as they are (so a
 * listener "port" goes before "health"). Members not given keep their
 * values; the kernel fills in a Network Load Balancer's defaults and checks
 * the settings whole.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/attr.h>

#include "args.h"
#include "health.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static int kw_health_port(struct pl_args *a, struct nl_msg *m,
			  const struct pl_kw *kw, const char *val)
{
	__u32 v = 0;
	__u16 port;
	int err = 0;

	if (strcmp(val, "traffic-port"))
		err = parse_uint(a, "health check port", val,
				 pl_port_range.min, pl_port_range.max, &v);
	port = v;
	return err ?: req_put(a, m, kw->type, sizeof(port), &port);
}

static int kw_health_u8(struct pl_args *a, struct nl_msg *m,
			const struct pl_kw *kw, const char *val)
{
	const struct pl_range *r = kw->arg;
	__u32 v;

	return parse_uint(a, kw->name, val, r->min, r->max, &v) ?:
	       req_put_u8(a, m, kw->type, v);
}

static const struct pl_kw health_kws[] = {
	{ "protocol", kw_enum, PL_A_HEALTH_PROTOCOL, &pl_health_protocols, 0 },
	{ "port", kw_health_port, PL_A_HEALTH_PORT, NULL, 0 },
	{ "path", kw_string, PL_A_HEALTH_PATH, NULL, 0 },
	{ "matcher", kw_string, PL_A_HEALTH_MATCHER, NULL, 0 },
	{ "interval", kw_u32, PL_A_HEALTH_INTERVAL,
	  &pl_health_interval_range, 0 },
	{ "timeout", kw_u32, PL_A_HEALTH_TIMEOUT, &pl_health_timeout_range, 0 },
	{ "healthy-threshold", kw_health_u8, PL_A_HEALTH_HEALTHY_THRESHOLD,
	  &pl_health_threshold_range, 0 },
	{ "unhealthy-threshold", kw_health_u8, PL_A_HEALTH_UNHEALTHY_THRESHOLD,
	  &pl_health_threshold_range, 0 },
	{ }
};

static const struct pl_kw *health_kw(const char *word)
{
	const struct pl_kw *kw;

	for (kw = health_kws; word && kw->name; kw++) {
		if (!strcmp(kw->name, word))
			return kw;
	}
	return NULL;
}

/* The members after "health", from val on: one health nest. */
static int health_members(struct pl_args *a, struct nl_msg *m,
			  const char *val)
{
	const struct pl_kw *kw = health_kw(val);
	unsigned long seen = 0, bit;
	const char *v;
	int err;

	if (!kw)
		return usage_err(a, "unknown health keyword \"%s\"", val);
	for (; kw; kw = health_kw(arg_peek(a))) {
		if (seen)
			arg_next(a);
		bit = 1UL << (kw - health_kws);
		if (seen & bit)
			return usage_err(a, "health \"%s\" is given twice",
					 kw->name);
		seen |= bit;
		v = arg_next(a);
		if (!v)
			return usage_err(a, "missing value after health \"%s\"",
					 kw->name);
		err = kw->parse(a, m, kw, v);
		if (err)
			return err;
	}
	return 0;
}

int kw_health(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	      const char *val)
{
	struct nlattr *nest;
	int err;

	err = req_nest(a, m, kw->type, &nest);
	if (err)
		return err;
	if (!strcmp(val, "off"))
		err = req_put_u8(a, m, PL_A_HEALTH_PROTOCOL,
				 PL_HEALTH_PROTOCOL_NONE);
	else
		err = health_members(a, m, val);
	nla_nest_end(m, nest);
	return err;
}

static struct nla_policy health_policy[PL_A_HEALTH_MAX + 1] = {
	[PL_A_HEALTH_PROTOCOL] = { .type = NLA_U8 },
	[PL_A_HEALTH_PORT] = { .type = NLA_U16 },
	[PL_A_HEALTH_PATH] = { .type = NLA_STRING },
	[PL_A_HEALTH_MATCHER] = { .type = NLA_STRING },
	[PL_A_HEALTH_INTERVAL] = { .type = NLA_U32 },
	[PL_A_HEALTH_TIMEOUT] = { .type = NLA_U32 },
	[PL_A_HEALTH_HEALTHY_THRESHOLD] = { .type = NLA_U8 },
	[PL_A_HEALTH_UNHEALTHY_THRESHOLD] = { .type = NLA_U8 },
};

/* The members of a health nest that are numbers, over those of h. */
static void health_numbers(struct nlattr **tb, struct pl_health *h)
{
	if (tb[PL_A_HEALTH_PROTOCOL])
		h->protocol = nla_get_u8(tb[PL_A_HEALTH_PROTOCOL]);
	if (tb[PL_A_HEALTH_PORT])
		h->port = nla_get_u16(tb[PL_A_HEALTH_PORT]);
	if (tb[PL_A_HEALTH_INTERVAL])
		h->interval = nla_get_u32(tb[PL_A_HEALTH_INTERVAL]);
	if (tb[PL_A_HEALTH_TIMEOUT])
		h->timeout = nla_get_u32(tb[PL_A_HEALTH_TIMEOUT]);
	if (tb[PL_A_HEALTH_HEALTHY_THRESHOLD])
		h->healthy = nla_get_u8(tb[PL_A_HEALTH_HEALTHY_THRESHOLD]);
	if (tb[PL_A_HEALTH_UNHEALTHY_THRESHOLD])
		h->unhealthy = nla_get_u8(tb[PL_A_HEALTH_UNHEALTHY_THRESHOLD]);
}

int health_parse(const struct nlattr *nest, struct pl_health *h)
{
	struct nlattr *tb[PL_A_HEALTH_MAX + 1];

	memset(h, 0, sizeof(*h));
	if (!nest || nla_parse_nested(tb, PL_A_HEALTH_MAX,
				      (struct nlattr *)nest, health_policy))
		return -1;
	health_numbers(tb, h);
	h->path = tb[PL_A_HEALTH_PATH] ?
		  nla_get_string(tb[PL_A_HEALTH_PATH]) : "/";
	h->matcher = tb[PL_A_HEALTH_MATCHER] ?
		     nla_get_string(tb[PL_A_HEALTH_MATCHER]) : "200-399";
	return 0;
}

int health_http(const struct pl_health *h)
{
	return h->protocol == PL_HEALTH_PROTOCOL_HTTP ||
	       h->protocol == PL_HEALTH_PROTOCOL_HTTPS;
}

/* A service's health nest, with its unhealthy termination (or NULL). */
void health_print(const struct nlattr *nest, const struct nlattr *term)
{
	struct pl_health h;

	if (health_parse(nest, &h))
		return;
	if (!out_json() && h.protocol == PL_HEALTH_PROTOCOL_NONE) {
		out_str(NULL, "health", "off");
	} else {
		out_nest_begin("health");
		out_enum("protocol", "health protocol",
			 &pl_health_protocols, h.protocol);
		if (h.port)
			out_u32("port", "port", h.port);
		else
			out_str("port", "port", "traffic-port");
		if (health_http(&h)) {
			out_str("path", "path", h.path);
			out_str("matcher", "matcher", h.matcher);
		}
		out_u32("interval", "interval", h.interval);
		out_u32("timeout", "timeout", h.timeout);
		out_u32("healthy-threshold", "healthy-threshold", h.healthy);
		out_u32("unhealthy-threshold", "unhealthy-threshold",
			h.unhealthy);
		out_nest_end();
	}
	if (term)
		out_bool("unhealthy-termination", "unhealthy-termination",
			 nla_get_u8((struct nlattr *)term));
}

/*
 * The settings a model keeps (model.c), as the kernel keeps them: members
 * over the current ones; off resets them all; the timeout defaults by
 * protocol; path and matcher for http and https only. Strings are owned.
 */
void health_defaults(struct pl_health *h)
{
	health_free(h);
	memset(h, 0, sizeof(*h));
	h->interval = 30;
	h->healthy = 5;
	h->unhealthy = 2;
}

void health_free(struct pl_health *h)
{
	free((char *)h->path);
	free((char *)h->matcher);
	h->path = NULL;
	h->matcher = NULL;
}

static void health_str(const char **s, const struct nlattr *attr,
		       const char *def)
{
	const char *v = attr ? nla_get_string((struct nlattr *)attr) :
			*s ?: def;

	v = strdup(v);
	if (!v)
		abort();
	free((char *)*s);
	*s = v;
}

void health_apply(struct pl_health *h, const struct nlattr *nest)
{
	struct nlattr *tb[PL_A_HEALTH_MAX + 1];

	if (nla_parse_nested(tb, PL_A_HEALTH_MAX, (struct nlattr *)nest,
			     health_policy))
		return;
	health_numbers(tb, h);
	if (h->protocol == PL_HEALTH_PROTOCOL_NONE) {
		health_defaults(h);
		return;
	}
	if (!h->timeout)
		h->timeout = h->protocol == PL_HEALTH_PROTOCOL_HTTP ? 6 : 10;
	if (!health_http(h)) {
		health_free(h);
		return;
	}
	health_str(&h->path, tb[PL_A_HEALTH_PATH], "/");
	health_str(&h->matcher, tb[PL_A_HEALTH_MATCHER], "200-399");
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int health_equal(const struct pl_health *a, const struct pl_health *b)
{
	return a->protocol == b->protocol && a->port == b->port &&
	       a->interval == b->interval && a->timeout == b->timeout &&
	       a->healthy == b->healthy && a->unhealthy == b->unhealthy &&
	       str_eq(a->path, b->path) && str_eq(a->matcher, b->matcher);
}

/*
 * A word as the batch grammar reads it back: quotes, backslashes, blanks
 * and a leading '#' escaped.
 */
static void health_word(FILE *f, const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if (strchr("\\\"' \t\v\f\r", *p) || (p == s && *p == '#'))
			fputc('\\', f);
		fputc(*p, f);
	}
}

/* " health protocol ... unhealthy-threshold N", all members; off: "". */
void health_write(FILE *f, const struct pl_health *h)
{
	if (h->protocol == PL_HEALTH_PROTOCOL_NONE)
		return;
	fprintf(f, " health protocol %s",
		pl_enum_name(&pl_health_protocols, h->protocol));
	if (h->port)
		fprintf(f, " port %u", h->port);
	else
		fputs(" port traffic-port", f);
	if (health_http(h)) {
		fputs(" path ", f);
		health_word(f, h->path);
		fputs(" matcher ", f);
		health_word(f, h->matcher);
	}
	fprintf(f, " interval %u timeout %u healthy-threshold %u unhealthy-threshold %u",
		h->interval, h->timeout, h->healthy, h->unhealthy);
}

/* The same, in a string to free. */
char *health_words(const struct pl_health *h)
{
	size_t size = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		abort();
	health_write(f, h);
	fclose(f);
	return buf;
}
