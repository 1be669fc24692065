// SPDX-License-Identifier: GPL-2.0
/*
 * pl's counters in the Prometheus text format (version 0.0.4), for
 * "stats show -o prometheus" and "stats export FILE" (node_exporter's
 * textfile collector). Each family has its HELP and TYPE lines, then its
 * samples, from the replies of its scope:
 *
 *   pl_*              the namespace's, with pl_drops_total{reason}
 *   pl_endpoint_*     each ENI's: {endpoint, service, eni, az}
 *   pl_backend_*      each backend's: {service, backend, az}
 *
 * The endpoint and service scopes are sums of those, which PromQL adds up
 * itself: they are left out. An ENI's drop reasons that are zero are left
 * out too (tens of thousands of ENIs times 18 reasons); the namespace's
 * are all there. Documentation/metrics.rst maps each family to the
 * CloudWatch metric it mirrors.
 */

#include <arpa/inet.h>
#include <string.h>

#include "compiler.h"
#include "out.h"
#include "spec.h"
#include "stats.h"

#define M_DROPS	0	/* the family of the drop reasons */

struct metric {
	const char *name;
	__u8 scope;
	int attr;		/* PL_A_COUNTERS_*, or M_DROPS */
	int gauge;
	const char *help;
};

#define NS	PL_STATS_SCOPE_NAMESPACE
#define ENI	PL_STATS_SCOPE_ENI
#define BE	PL_STATS_SCOPE_BACKEND
#define C(x)	PL_A_COUNTERS_##x

static const struct metric metrics[] = {
	{ "pl_active_connections", NS, C(ACTIVE_CONNECTIONS), 1,
	  "Flows open through pl in this network namespace." },
	{ "pl_new_connections_total", NS, C(NEW_CONNECTIONS), 0,
	  "Flows pl created." },
	{ "pl_bytes_total", NS, C(BYTES), 0,
	  "Bytes pl translated, both directions." },
	{ "pl_packets_total", NS, C(PACKETS), 0,
	  "Packets pl translated, both directions." },
	{ "pl_rst_received_total", NS, C(RST_RECEIVED), 0,
	  "TCP resets pl passed on, from either side." },
	{ "pl_zone_fallbacks_total", NS, C(ZONE_FALLBACKS), 0,
	  "New flows sent to a backend outside the ENI's zone, for want of one in it." },
	{ "pl_address_conflicts_total", NS, C(ADDRESS_CONFLICTS), 0,
	  "Times another host claimed an ENI or source address." },
	{ "pl_drops_total", NS, M_DROPS, 0,
	  "Packets pl dropped, by reason." },
	{ "pl_sync_sent_total", NS, C(SYNC_SENT), 0,
	  "Flow records sent to sync peers." },
	{ "pl_sync_received_total", NS, C(SYNC_RECEIVED), 0,
	  "Flow records received from sync peers." },
	{ "pl_sync_rejected_total", NS, C(SYNC_REJECTED), 0,
	  "Sync messages rejected (authentication, version)." },
	{ "pl_sync_lost_total", NS, C(SYNC_LOST), 0,
	  "Flow records lost on the way to or from sync peers." },
	{ "pl_sync_held_total", NS, C(SYNC_HELD), 0,
	  "Packets held until their flow's record came from a peer." },
	{ "pl_sync_released_total", NS, C(SYNC_RELEASED), 0,
	  "Held packets released when their flow's record came." },
	{ "pl_fast_path_packets_total", NS, C(FAST_PATH_PACKETS), 0,
	  "Packets of flows pl sent to their next hop itself (the fast path)." },
	{ "pl_full_path_packets_total", NS, C(FULL_PATH_PACKETS), 0,
	  "Packets of flows pl handed back to the stack to forward." },
	{ "pl_endpoint_active_connections", ENI, C(ACTIVE_CONNECTIONS), 1,
	  "Flows open through the ENI." },
	{ "pl_endpoint_new_connections_total", ENI, C(NEW_CONNECTIONS), 0,
	  "Flows created through the ENI." },
	{ "pl_endpoint_bytes_total", ENI, C(BYTES), 0,
	  "Bytes through the ENI, both directions." },
	{ "pl_endpoint_packets_total", ENI, C(PACKETS), 0,
	  "Packets through the ENI, both directions." },
	{ "pl_endpoint_rst_received_total", ENI, C(RST_RECEIVED), 0,
	  "TCP resets through the ENI, from either side." },
	{ "pl_endpoint_zone_fallbacks_total", ENI, C(ZONE_FALLBACKS), 0,
	  "Flows of the ENI sent to a backend in another zone." },
	{ "pl_endpoint_address_conflicts_total", ENI, C(ADDRESS_CONFLICTS), 0,
	  "Times another host claimed the ENI's address." },
	{ "pl_endpoint_drops_total", ENI, M_DROPS, 0,
	  "Packets to the ENI dropped, by reason (reasons never seen: absent)." },
	{ "pl_backend_active_connections", BE, C(ACTIVE_CONNECTIONS), 1,
	  "Flows open to the backend." },
	{ "pl_backend_new_connections_total", BE, C(NEW_CONNECTIONS), 0,
	  "Flows sent to the backend." },
	{ "pl_backend_bytes_total", BE, C(BYTES), 0,
	  "Bytes to and from the backend." },
	{ "pl_backend_packets_total", BE, C(PACKETS), 0,
	  "Packets to and from the backend." },
	{ "pl_backend_rst_received_total", BE, C(RST_RECEIVED), 0,
	  "TCP resets on the backend's flows, from either side." },
	{ "pl_backend_zone_fallbacks_total", BE, C(ZONE_FALLBACKS), 0,
	  "Flows sent to the backend from an ENI of another zone." },
};

/* A label's value, escaped as the format wants. */
static void m_label(FILE *f, const char *sep, const char *key,
		    const char *val)
{
	fprintf(f, "%s%s=\"", sep, key);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fputc('\\', f);
		if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

static void m_str(FILE *f, const char **sep, const char *key,
		  const struct nlattr *a)
{
	if (!a)
		return;
	m_label(f, *sep, key, nla_get_string(a));
	*sep = ",";
}

/* The labels of a reply: what its counters belong to. */
static void m_labels(FILE *f, const struct stats_msg *s, const char *reason)
{
	char addr[INET6_ADDRSTRLEN];
	const char *sep = "{", *a;

	if (s->scope == ENI)
		m_str(f, &sep, "endpoint", s->tb[PL_A_STATS_ENDPOINT]);
	m_str(f, &sep, "service", s->tb[PL_A_STATS_SERVICE]);
	/* An IPv6-only ENI is named by its IPv6 address. */
	a = attr_addr_str(s->tb[PL_A_STATS_ADDRESS], s->tb[PL_A_STATS_IPV6],
			  addr);
	if (a) {
		m_label(f, sep, s->scope == ENI ? "eni" : "backend", a);
		sep = ",";
	}
	m_str(f, &sep, "az", s->tb[PL_A_STATS_AZ]);
	if (reason) {
		m_label(f, sep, "reason", reason);
		sep = ",";
	}
	if (*sep == ',')
		fputc('}', f);
}

static void m_sample(FILE *f, const struct metric *m, int *first,
		     const struct stats_msg *s, const char *reason, __u64 v)
{
	if (*first) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help,
			m->name, m->gauge ? "gauge" : "counter");
		*first = 0;
	}
	fputs(m->name, f);
	m_labels(f, s, reason);
	fprintf(f, " %llu\n", (unsigned long long)v);
}

static void m_drops(FILE *f, const struct metric *m, int *first,
		    const struct stats_msg *s)
{
	const struct pl_set *set = pl_cmd_set(PL_CMD_STATS_GET);
	__u64 v;
	int i;

	set = pl_attr_nest(pl_attr_nest(set, PL_A_STATS_COUNTERS),
			   PL_A_COUNTERS_DROPS);
	for (i = PL_A_DROPS_NOT_TCP; i <= PL_A_DROPS_MAX; i++) {
		if (i == PL_A_DROPS_PAD || !s->drops[i])
			continue;
		v = nla_get_u64(s->drops[i]);
		if (v || s->scope == NS)
			m_sample(f, m, first, s, pl_attr_name(set, i), v);
	}
}

void metrics_print(FILE *f, const struct pl_objs *objs)
{
	const struct metric *m;
	struct nlmsghdr *nlh;
	struct stats_msg s;
	int first;

	for (m = metrics; m < metrics + ARRAY_SIZE(metrics); m++) {
		first = 1;
		for (nlh = objs_next(objs, NULL); nlh;
		     nlh = objs_next(objs, nlh)) {
			if (stats_parse(nlh, &s) || s.scope != m->scope)
				continue;
			if (m->attr == M_DROPS)
				m_drops(f, m, &first, &s);
			else if (s.ctr[m->attr])
				m_sample(f, m, &first, &s, NULL,
					 nla_get_u64(s.ctr[m->attr]));
		}
	}
}
