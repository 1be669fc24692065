// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl stats: the traffic counters of the namespace, of each endpoint
 * and its ENIs, and of each service and its backends. Each line holds one
 * object's counters, its drop reasons follow on a continuation line:
 *
 *   namespace active-connections 1 new-connections 12 bytes 5230
 *       packets 64 dropped 7 rst-received 1 zone-fallbacks 0
 *       address-conflicts 0 sync-sent 20 sync-received 19
 *       sync-rejected 0 sync-lost 0 sync-held 3
 *       sync-released 3 fast-path-packets 50
 *       full-path-packets 14                                   (one line)
 *       drops: not-tcp 3 not-listener 2 no-flow 2
 *   endpoint vpce-1 service svc active-connections 1 ...
 *       drops: not-tcp 3 not-listener 2
 *       eni 10.0.1.50 az a active-connections 1 ...
 *           drops: not-tcp 3 not-listener 2
 *   service svc active-connections 1 ...
 *       backend 192.168.1.10 az a active-connections 1 ...
 *   {"scope":"eni","endpoint":"vpce-1","address":"10.0.1.50","az":"a",
 *    "counters":{"active-connections":1,...,"zone-fallbacks":0,
 *    "drops":{"not-tcp":3,...,"no-memory":0}}}
 *
 * Plain text shows the drop reasons that are not zero, JSON all of them.
 * The kernel sends every service, then every backend: both outputs list
 * each service followed by its backends. "-o prometheus", and "stats
 * export FILE", print them in the Prometheus text format (metrics.c).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "nl.h"
#include "out.h"
#include "req.h"
#include "spec.h"
#include "stats.h"

static struct nla_policy stats_policy[PL_A_STATS_MAX + 1] = {
	[PL_A_STATS_SCOPE] = { .type = NLA_U8 },
	[PL_A_STATS_ENDPOINT] = { .type = NLA_STRING },
	[PL_A_STATS_SERVICE] = { .type = NLA_STRING },
	[PL_A_STATS_ADDRESS] = { .type = NLA_U32 },
	[PL_A_STATS_IPV6] = { .minlen = 16 },
	[PL_A_STATS_AZ] = { .type = NLA_STRING },
	[PL_A_STATS_COUNTERS] = { .type = NLA_NESTED },
};

static struct nla_policy counters_policy[PL_A_COUNTERS_MAX + 1] = {
	[PL_A_COUNTERS_ACTIVE_CONNECTIONS ... PL_A_COUNTERS_ZONE_FALLBACKS] = {
		.type = NLA_U64
	},
	[PL_A_COUNTERS_DROPS] = { .type = NLA_NESTED },
	[PL_A_COUNTERS_ADDRESS_CONFLICTS ... PL_A_COUNTERS_FULL_PATH_PACKETS] = {
		.type = NLA_U64
	},
};

static struct nla_policy drops_policy[PL_A_DROPS_MAX + 1] = {
	[PL_A_DROPS_NOT_TCP ... PL_A_DROPS_NO_MEMORY] = { .type = NLA_U64 },
	[PL_A_DROPS_COMMIT] = { .type = NLA_U64 },
};

int stats_parse(struct nlmsghdr *nlh, struct stats_msg *s)
{
	struct nlattr **tb = s->tb;
	int i;

	if (nl_parse(nlh, tb, PL_A_STATS_MAX, stats_policy) ||
	    !tb[PL_A_STATS_SCOPE] || !tb[PL_A_STATS_COUNTERS] ||
	    nla_parse_nested(s->ctr, PL_A_COUNTERS_MAX,
			     tb[PL_A_STATS_COUNTERS], counters_policy) ||
	    !s->ctr[PL_A_COUNTERS_DROPS] ||
	    nla_parse_nested(s->drops, PL_A_DROPS_MAX,
			     s->ctr[PL_A_COUNTERS_DROPS], drops_policy))
		return -1;
	for (i = PL_A_COUNTERS_ACTIVE_CONNECTIONS;
	     i <= PL_A_COUNTERS_ZONE_FALLBACKS; i++) {
		if (!s->ctr[i])
			return -1;
	}
	s->scope = nla_get_u8(tb[PL_A_STATS_SCOPE]);
	return 0;
}

/*
 * What the counters belong to. In plain text, the endpoint of an ENI and
 * the service of a backend go without saying: they are listed under it.
 */
static void stats_print_names(const struct stats_msg *s)
{
	struct nlattr *const *tb = s->tb;
	int json = out_json();

	if (tb[PL_A_STATS_ENDPOINT] && (json || s->scope != PL_STATS_SCOPE_ENI))
		out_str("endpoint", NULL,
			nla_get_string(tb[PL_A_STATS_ENDPOINT]));
	if (tb[PL_A_STATS_SERVICE] &&
	    (json || s->scope != PL_STATS_SCOPE_BACKEND))
		out_str("service",
			s->scope == PL_STATS_SCOPE_ENDPOINT ? "service" : NULL,
			nla_get_string(tb[PL_A_STATS_SERVICE]));
	if (tb[PL_A_STATS_ADDRESS])
		out_addr("address", NULL, nla_get_u32(tb[PL_A_STATS_ADDRESS]));
	/* An IPv6-only ENI is named by its IPv6 address. */
	if (tb[PL_A_STATS_IPV6])
		out_addr6("ipv6", tb[PL_A_STATS_ADDRESS] ? "ipv6" : NULL,
			  nla_data(tb[PL_A_STATS_IPV6]));
	if (tb[PL_A_STATS_AZ])
		out_str("az", "az", nla_get_string(tb[PL_A_STATS_AZ]));
}

/* Plain text: the drop reasons that are not zero, on a line of their own. */
static void stats_print_drops(const struct stats_msg *s, const struct pl_set *set,
			      unsigned int indent)
{
	unsigned int n = 0;
	const char *name;
	__u64 v;
	int i;

	out_nest_begin("drops");
	for (i = PL_A_DROPS_NOT_TCP; i <= PL_A_DROPS_MAX; i++) {
		if (i == PL_A_DROPS_PAD || !s->drops[i])
			continue;
		v = nla_get_u64(s->drops[i]);
		name = pl_attr_name(set, i);
		if (out_json()) {
			out_u64(name, NULL, v);
			continue;
		}
		if (!v)
			continue;
		if (!n++) {
			out_newline();
			out_indent(indent + 4);
			out_word("drops:");
		}
		out_u64(NULL, name, v);
	}
	out_nest_end();
}

static void stats_print_counters(const struct stats_msg *s,
				 unsigned int indent)
{
	const struct pl_set *set = pl_attr_nest(pl_cmd_set(PL_CMD_STATS_GET),
						PL_A_STATS_COUNTERS);
	const char *name;
	int i;

	out_nest_begin("counters");
	for (i = PL_A_COUNTERS_ACTIVE_CONNECTIONS;
	     i <= PL_A_COUNTERS_ZONE_FALLBACKS; i++) {
		name = pl_attr_name(set, i);
		out_u64(name, name, nla_get_u64(s->ctr[i]));
	}
	/* Those of some scopes only (sync and paths: the namespace's). */
	for (i = PL_A_COUNTERS_ADDRESS_CONFLICTS;
	     i <= PL_A_COUNTERS_FULL_PATH_PACKETS; i++) {
		if (!s->ctr[i])
			continue;
		name = pl_attr_name(set, i);
		out_u64(name, name, nla_get_u64(s->ctr[i]));
	}
	stats_print_drops(s, pl_attr_nest(set, PL_A_COUNTERS_DROPS), indent);
	out_nest_end();
}

static void stats_print(struct nlmsghdr *nlh)
{
	struct stats_msg s;
	unsigned int indent;

	if (stats_parse(nlh, &s))
		return;
	indent = s.scope == PL_STATS_SCOPE_ENI ||
		 s.scope == PL_STATS_SCOPE_BACKEND ? 4 : 0;
	out_obj_begin(NULL);
	out_indent(indent);
	out_enum("scope", NULL, &pl_stats_scopes, s.scope);
	stats_print_names(&s);
	stats_print_counters(&s, indent);
	out_obj_end();
}

/* A backend's reply, its service, and its place in the dump. */
struct stats_backend {
	struct nlmsghdr *nlh;
	const char *service;
	unsigned int pos;
	int printed;
};

/* The scope of a reply, and its service (or NULL); -1 if malformed. */
static int stats_peek(struct nlmsghdr *nlh, const char **service)
{
	struct nlattr *tb[PL_A_STATS_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, PL_A_STATS_MAX, stats_policy) ||
	    !tb[PL_A_STATS_SCOPE])
		return -1;
	*service = tb[PL_A_STATS_SERVICE] ?
		   nla_get_string(tb[PL_A_STATS_SERVICE]) : NULL;
	return nla_get_u8(tb[PL_A_STATS_SCOPE]);
}

static int stats_by_service(const void *x, const void *y)
{
	const struct stats_backend *a = x, *b = y;
	int c = strcmp(a->service, b->service);

	return c ?: (a->pos > b->pos) - (a->pos < b->pos);
}

static int stats_by_pos(const void *x, const void *y)
{
	const struct stats_backend *a = x, *b = y;

	return (a->pos > b->pos) - (a->pos < b->pos);
}

/* The backends of the dump, sorted by service, then in dump order. */
static struct stats_backend *stats_backends(const struct pl_objs *objs,
					    unsigned int *n)
{
	struct stats_backend *b = pl_realloc(NULL, (objs->n + 1) * sizeof(*b));
	struct nlmsghdr *nlh = NULL;
	const char *service;
	unsigned int pos = 0;

	*n = 0;
	while ((nlh = objs_next(objs, nlh))) {
		if (stats_peek(nlh, &service) == PL_STATS_SCOPE_BACKEND &&
		    service)
			b[(*n)++] = (struct stats_backend){ nlh, service, pos, 0 };
		pos++;
	}
	qsort(b, *n, sizeof(*b), stats_by_service);
	return b;
}

/* Print the backends of service, which follow it. */
static void stats_print_backends(struct stats_backend *b, unsigned int n,
				 const char *service)
{
	unsigned int lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(b[mid].service, service) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !strcmp(b[lo].service, service); lo++) {
		stats_print(b[lo].nlh);
		b[lo].printed = 1;
	}
}

static void stats_print_all(const struct pl_objs *objs)
{
	struct nlmsghdr *nlh = NULL;
	struct stats_backend *b;
	const char *service;
	unsigned int i, n;
	int scope;

	b = stats_backends(objs, &n);
	out_list_begin("stats");
	while ((nlh = objs_next(objs, nlh))) {
		scope = stats_peek(nlh, &service);
		if (scope == PL_STATS_SCOPE_BACKEND && service)
			continue;
		stats_print(nlh);
		if (scope == PL_STATS_SCOPE_SERVICE && service)
			stats_print_backends(b, n, service);
	}
	/* Those of a service created while the dump went on. */
	qsort(b, n, sizeof(*b), stats_by_pos);
	for (i = 0; i < n; i++) {
		if (!b[i].printed)
			stats_print(b[i].nlh);
	}
	out_list_end();
	free(b);
}

/* "-o FORMAT": how show prints (text, or JSON with -j) or prometheus. */
static int stats_prometheus;

static int kw_output(struct pl_args *a, struct nl_msg *m,
		     const struct pl_kw *kw, const char *val)
{
	(void)m;
	(void)kw;
	if (!strcmp(val, "prometheus"))
		stats_prometheus = 1;
	else if (strcmp(val, "text"))
		return usage_err(a, "\"-o\" takes text or prometheus, not \"%s\"",
				 val);
	return 0;
}

static const struct pl_kw stats_show_kws[] = {
	{ "endpoint", kw_string, PL_A_STATS_ENDPOINT, NULL, 0 },
	{ "service", kw_string, PL_A_STATS_SERVICE, NULL, 0 },
	{ "-o", kw_output, 0, NULL, 0 },
	{ }
};

static const struct pl_kw stats_export_kws[] = {
	{ "endpoint", kw_string, PL_A_STATS_ENDPOINT, NULL, 0 },
	{ "service", kw_string, PL_A_STATS_SERVICE, NULL, 0 },
	{ }
};

/* The dump that show and export print, its keywords (kws) from a. */
static int stats_get(struct pl_args *a, const struct pl_kw *kws,
		     struct pl_objs *objs)
{
	struct nl_msg *m = nl_req(PL_CMD_STATS_GET, NLM_F_DUMP);
	int err;

	err = req_kws(a, m, kws);
	if (!err && req_attr(m, PL_A_STATS_ENDPOINT) &&
	    req_attr(m, PL_A_STATS_SERVICE))
		err = usage_err(a, "\"endpoint\" and \"service\" cannot both be given");
	if (!err)
		err = req_exists(a, m, PL_A_STATS_ENDPOINT, PL_CMD_ENDPOINT_GET,
				 PL_A_ENDPOINT_ID) ?:
		      req_exists(a, m, PL_A_STATS_SERVICE, PL_CMD_SERVICE_GET,
				 PL_A_SERVICE_NAME);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return nl_exec(m, objs);
}

static int stats_show(struct pl_args *a)
{
	struct pl_objs objs = { NULL };
	int err;

	stats_prometheus = 0;
	err = stats_get(a, stats_show_kws, &objs);
	if (!err && stats_prometheus && out_json())
		err = usage_err(a, "-j and \"-o prometheus\" cannot both be given");
	if (!err && stats_prometheus)
		metrics_print(stdout, &objs);
	else if (!err)
		stats_print_all(&objs);
	objs_free(&objs);
	return err;
}

/*
 * Write the Prometheus text to FILE.tmp, then rename it over FILE, as
 * node_exporter's textfile collector wants: a scrape never reads half.
 */
static int stats_export(struct pl_args *a)
{
	struct pl_objs objs = { NULL };
	const char *file;
	char tmp[4096];
	int err, n;
	FILE *f;

	err = arg_need(a, "FILE", &file);
	if (err)
		return err;
	n = snprintf(tmp, sizeof(tmp), "%s.%d.tmp", file, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return usage_err(a, "the file name is too long");
	err = stats_get(a, stats_export_kws, &objs);
	if (err)
		goto out;
	errno = 0;
	f = fopen(tmp, "w");
	if (f) {
		metrics_print(f, &objs);
		if (fflush(f) || fsync(fileno(f)))
			err = errno ?: EIO;
		if (fclose(f) && !err)
			err = errno ?: EIO;
		if (!err && rename(tmp, file))
			err = errno;
		if (err)
			unlink(tmp);
	} else {
		err = errno;
	}
	if (err) {
		fprintf(stderr, "pl-ctl: cannot write %s: %s\n", file,
			strerror(err));
		err = PL_EFAIL;
	}
out:
	objs_free(&objs);
	return err;
}

static const struct pl_cmd stats_cmds[] = {
	{ "show", stats_show,
	  "stats show [endpoint ID | service NAME] [-o { text | prometheus }]" },
	{ "export", stats_export,
	  "stats export FILE [endpoint ID | service NAME]" },
	{ }
};

const struct pl_object pl_stats = { "stats", stats_cmds };
