// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl endpoint dns: the DNS names of endpoints, for a resolver.
 *
 * Each ENI's IP gets the endpoint's regional name and its zone's name, and
 * the service's private DNS name when the endpoint has private-dns on:
 *
 *   # vpce-2: pending-acceptance
 *   10.0.1.4<TAB>vpce-1.svc1.vpce.internal vpce-1-us-east-1a.svc1.vpce.internal api.example.com
 *
 * so that the regional name resolves to every ENI and each zonal name to
 * the ENI in its zone (format hosts, the default; endpoints that are not
 * available are listed too, after a comment saying so). format unbound
 * prints an unbound.conf fragment that serves the names (see
 * dns_write_unbound()), format zone an RFC 1035 zone file of the endpoint
 * names; both of the available endpoints, or of the one ID or service
 * given. With -j:
 *
 *   {"metainfo":{...},
 *    "dns":[{"endpoint":"vpce-1","state":"available","ip":"10.0.1.4",
 *            "names":["vpce-1.svc1.vpce.internal",
 *                     "vpce-1-us-east-1a.svc1.vpce.internal"]}]}
 *
 * pl-ctl dns: the namespace's DNS settings (suffix and consumer prefixes).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "dns.h"
#include "endpoint.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

/*
 * A DNS name, folded to lower case and without a final dot, as the kernel
 * keeps it, at most *kw->arg bytes (else a private name's); the kernel
 * checks the rest.
 */
static int kw_dns_name(struct pl_args *a, struct nl_msg *m,
		       const struct pl_kw *kw, const char *val)
{
	unsigned int max = kw->arg ? *(const unsigned int *)kw->arg :
			   PL_DNS_NAME_MAX;
	char buf[PL_DNS_NAME_MAX + 2];
	size_t i, len = strlen(val);

	if (len && val[len - 1] == '.')
		len--;
	if (len > max)
		return usage_err(a, "%s \"%s\" is longer than %u bytes",
				 kw->name, val, max);
	for (i = 0; i < len; i++)
		buf[i] = tolower((unsigned char)val[i]);
	buf[len] = '\0';
	return req_put_str(a, m, kw->type, kw->name, buf);
}

/* private-dns DOMAIN-NAME, or none (an empty name). */
int kw_private_dns(struct pl_args *a, struct nl_msg *m,
		   const struct pl_kw *kw, const char *val)
{
	return kw_dns_name(a, m, kw, strcmp(val, "none") ? val : "");
}

/* The suffix and the services' private names, loaded once. */
struct dns_svc {
	char *name;
	char *private;
};

static struct {
	char suffix[PL_DNS_SUFFIX_MAX + 1];
	struct dns_svc *svcs;
	size_t n;
	int loaded;
} names;

static struct nla_policy dns_policy[PL_A_DNS_MAX + 1] = {
	[PL_A_DNS_SUFFIX] = { .type = NLA_STRING },
	[PL_A_DNS_CONSUMER] = { .type = NLA_NESTED },
};

static int dns_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_DNS_MAX, dns_policy))
		return -1;
	return tb[PL_A_DNS_SUFFIX] ? 0 : -1;
}

static int dns_svc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dns_svc *)a)->name,
		      ((const struct dns_svc *)b)->name);
}

static char *dns_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(pl_realloc(NULL, n), s, n);
}

/* The namespace's suffix, into suffix, and its consumer prefixes. */
static int dns_get(char *suffix, struct dns_data *d)
{
	struct nl_msg *m = nl_req(PL_CMD_DNS_GET, 0);
	struct pl_objs objs = { NULL };
	struct nlattr *tb[PL_A_DNS_MAX + 1], *nla = NULL;
	struct nlmsghdr *nlh;
	int err;

	err = nl_exec(m, &objs);
	nlh = err ? NULL : objs_next(&objs, NULL);
	if (!err && (!nlh || dns_parse(nlh, tb)))
		err = fail_err("the kernel sent no DNS settings");
	if (!err) {
		snprintf(suffix, PL_DNS_SUFFIX_MAX + 1, "%s",
			 nla_get_string(tb[PL_A_DNS_SUFFIX]));
		while (d && (nla = nl_attr_next(nlh, PL_A_DNS_CONSUMER, nla))) {
			d->consumers = pl_realloc(d->consumers,
						  (d->n_consumers + 1) *
						  sizeof(*d->consumers));
			if (!prefix_parse(nla, &d->consumers[d->n_consumers].addr,
					  &d->consumers[d->n_consumers].len))
				d->n_consumers++;
		}
	}
	objs_free(&objs);
	return err;
}

int dns_names_load(void)
{
	struct nl_msg *m = nl_req(PL_CMD_SERVICE_GET, NLM_F_DUMP);
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	struct pl_objs objs = { NULL };
	struct nlmsghdr *nlh = NULL;
	int err;

	dns_names_free();
	err = dns_get(names.suffix, NULL) ?: nl_exec(m, &objs);
	while (!err && (nlh = objs_next(&objs, nlh))) {
		if (service_parse(nlh, tb) || !tb[PL_A_SERVICE_PRIVATE_DNS])
			continue;
		names.svcs = pl_realloc(names.svcs,
					(names.n + 1) * sizeof(*names.svcs));
		names.svcs[names.n].name =
			dns_strdup(nla_get_string(tb[PL_A_SERVICE_NAME]));
		names.svcs[names.n++].private =
			dns_strdup(nla_get_string(tb[PL_A_SERVICE_PRIVATE_DNS]));
	}
	objs_free(&objs);
	if (names.n)
		qsort(names.svcs, names.n, sizeof(*names.svcs), dns_svc_cmp);
	names.loaded = !err;
	return err;
}

/* The suffix alone: endpoint names right, private names unknown. */
int dns_suffix_load(void)
{
	int err;

	dns_names_free();
	err = dns_get(names.suffix, NULL);
	names.loaded = !err;
	return err;
}

/* A dns-change-ntf: the suffix from then on. */
void dns_suffix_note(struct nlmsghdr *nlh)
{
	struct nlattr *tb[PL_A_DNS_MAX + 1];

	if (dns_parse(nlh, tb))
		return;
	snprintf(names.suffix, sizeof(names.suffix), "%s",
		 nla_get_string(tb[PL_A_DNS_SUFFIX]));
	names.loaded = 1;
}

void dns_names_free(void)
{
	size_t i;

	for (i = 0; i < names.n; i++) {
		free(names.svcs[i].name);
		free(names.svcs[i].private);
	}
	free(names.svcs);
	memset(&names, 0, sizeof(names));
}

const char *dns_suffix(void)
{
	return names.loaded ? names.suffix : PL_DNS_SUFFIX;
}

const char *dns_private_name(const char *svc)
{
	struct dns_svc key = { .name = (char *)svc }, *found;

	if (!names.n)
		return NULL;
	found = bsearch(&key, names.svcs, names.n, sizeof(*names.svcs),
			dns_svc_cmp);
	return found ? found->private : NULL;
}

/*
 * An ENI IP in conflict with another host or the router (see ADDRESSES in
 * pl-ctl(8)) is not pl's: its line is commented out, saying why.
 */
static const char *dns_conflict(struct nlattr **tb)
{
	__u8 kind;

	if (!tb[PL_A_ENI_ADDR_STATE] ||
	    nla_get_u8(tb[PL_A_ENI_ADDR_STATE]) != PL_ADDR_STATE_CONFLICT ||
	    !tb[PL_A_ENI_CONFLICT])
		return NULL;
	kind = nla_get_u8(tb[PL_A_ENI_CONFLICT]);
	if (kind == PL_ADDR_CONFLICT_CLAIMED)
		return NULL;		/* pl keeps serving it */
	return pl_enum_name(&pl_addr_conflicts, kind) ?: "unknown";
}

/* An endpoint as the formats see it. */
struct dns_ep {
	const char *id;
	const char *svc;
	const char *state;
	int available;
	const char *private;	/* the private name it claims, or NULL */
	char regional[PL_DNS_LEN];
};

static int dns_ep_parse(struct nlmsghdr *nlh, struct nlattr **tb,
			struct dns_ep *ep)
{
	__u8 state;

	if (endpoint_parse(nlh, tb))
		return -1;
	ep->id = nla_get_string(tb[PL_A_ENDPOINT_ID]);
	ep->svc = nla_get_string(tb[PL_A_ENDPOINT_SERVICE]);
	state = nla_get_u8(tb[PL_A_ENDPOINT_STATE]);
	ep->available = state == PL_ENDPOINT_STATE_AVAILABLE;
	ep->state = pl_enum_name(&pl_endpoint_states, state) ?: "unknown";
	ep->private = NULL;
	if (tb[PL_A_ENDPOINT_PRIVATE_DNS] &&
	    nla_get_u8(tb[PL_A_ENDPOINT_PRIVATE_DNS]))
		ep->private = dns_private_name(ep->svc);
	endpoint_dns_name(ep->regional, ep->id, NULL, ep->svc);
	return 0;
}

static void hosts_eni(const struct dns_ep *ep, struct nlattr *nest)
{
	struct nlattr *tb[PL_A_ENI_MAX + 1];
	char zonal[PL_DNS_LEN], ip[INET_ADDRSTRLEN];
	/* /etc/hosts has no wildcards. */
	const char *private = ep->private && ep->private[0] != '*' ?
			      ep->private : NULL;
	const char *conflict;

	if (eni_parse(nest, tb) || !tb[PL_A_ENI_IP])
		return;
	endpoint_dns_name(zonal, ep->id, nla_get_string(tb[PL_A_ENI_AZ]),
			  ep->svc);
	addr_str(nla_get_u32(tb[PL_A_ENI_IP]), ip);
	conflict = dns_conflict(tb);
	if (!out_json()) {
		if (conflict)
			printf("# %s: conflict %s\n# ", ip, conflict);
		printf("%s\t%s %s%s%s\n", ip, ep->regional, zonal,
		       private ? " " : "", private ?: "");
		return;
	}
	out_obj_begin(NULL);
	out_str("endpoint", NULL, ep->id);
	out_str("state", NULL, ep->state);
	if (conflict)
		out_str("conflict", NULL, conflict);
	out_str("ip", NULL, ip);
	out_arr_begin("names");
	out_str(NULL, NULL, ep->regional);
	out_str(NULL, NULL, zonal);
	if (ep->private)
		out_str(NULL, NULL, ep->private);
	out_arr_end();
	out_obj_end();
}

static void hosts_endpoint(struct nlmsghdr *nlh, const char *key __maybe_unused)
{
	struct nlattr *tb[PL_A_ENDPOINT_MAX + 1], *nla = NULL;
	struct dns_ep ep;

	if (dns_ep_parse(nlh, tb, &ep))
		return;
	if (!out_json() && !ep.available)
		printf("# %s: %s\n", ep.id, ep.state);
	if (!out_json() && ep.private && ep.private[0] == '*')
		printf("# %s: %s cannot be written as a hosts line\n", ep.id,
		       ep.private);
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ENI, nla)))
		hosts_eni(&ep, nla);
}

static void dns_rr_add(struct dns_data *d, const char *name, __u32 ip,
		       int private)
{
	d->rr = pl_realloc(d->rr, (d->n_rr + 1) * sizeof(*d->rr));
	d->rr[d->n_rr].name = dns_strdup(name);
	d->rr[d->n_rr].ip = ip;
	d->rr[d->n_rr++].private = private;
}

/* The view's zone of a private name: itself, or a wildcard's parent. */
static const char *dns_zone_add(struct dns_data *d, const char *private)
{
	int redirect = !strncmp(private, "*.", 2);
	const char *zone = redirect ? private + 2 : private;
	size_t i;

	for (i = 0; i < d->n_zones; i++) {
		if (!strcmp(d->zones[i].name, zone))
			return zone;
	}
	d->zones = pl_realloc(d->zones, (d->n_zones + 1) * sizeof(*d->zones));
	d->zones[d->n_zones].name = dns_strdup(zone);
	d->zones[d->n_zones++].redirect = redirect;
	return zone;
}

/*
 * The records of an available endpoint, for the ENIs that are pl's; only
 * those of endpoint id, or of service svc, when given.
 */
static void dns_data_endpoint(struct dns_data *d, struct nlmsghdr *nlh,
			      const char *id, const char *svc)
{
	struct nlattr *tb[PL_A_ENDPOINT_MAX + 1], *eni[PL_A_ENI_MAX + 1];
	struct nlattr *nla = NULL;
	char zonal[PL_DNS_LEN];
	const char *zone = NULL;
	struct dns_ep ep;
	__u32 ip;

	if (dns_ep_parse(nlh, tb, &ep) || !ep.available ||
	    (id && strcmp(id, ep.id)) || (svc && strcmp(svc, ep.svc)))
		return;
	if (ep.private)
		zone = dns_zone_add(d, ep.private);
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ENI, nla))) {
		/* IPv6 addresses are not served yet: no AAAA records. */
		if (eni_parse(nla, eni) || !eni[PL_A_ENI_IP] ||
		    dns_conflict(eni))
			continue;
		ip = nla_get_u32(eni[PL_A_ENI_IP]);
		endpoint_dns_name(zonal, ep.id,
				  nla_get_string(eni[PL_A_ENI_AZ]), ep.svc);
		dns_rr_add(d, ep.regional, ip, 0);
		dns_rr_add(d, zonal, ip, 0);
		if (zone)
			dns_rr_add(d, zone, ip, 1);
	}
}

static int dns_subnets(struct dns_data *d)
{
	struct nl_msg *m = nl_req(PL_CMD_SUBNET_GET, NLM_F_DUMP);
	struct nlattr *tb[PL_A_SUBNET_MAX + 1];
	struct pl_objs objs = { NULL };
	struct nlmsghdr *nlh = NULL;
	int err;

	err = nl_exec(m, &objs);
	while (!err && (nlh = objs_next(&objs, nlh))) {
		if (subnet_parse(nlh, tb) || !tb[PL_A_SUBNET_PREFIX])
			continue;
		d->consumers = pl_realloc(d->consumers, (d->n_consumers + 1) *
					  sizeof(*d->consumers));
		d->consumers[d->n_consumers].addr =
			nla_get_u32(tb[PL_A_SUBNET_PREFIX]);
		d->consumers[d->n_consumers++].len =
			nla_get_u8(tb[PL_A_SUBNET_PREFIX_LEN]);
	}
	objs_free(&objs);
	d->n_subnets = d->n_consumers;
	return err;
}

/* What a resolver serves for the namespace (or some endpoints of it). */
int dns_data_load(struct dns_data *d, const char *id, const char *svc)
{
	struct nl_msg *m;
	struct pl_objs objs = { NULL };
	struct nlmsghdr *nlh = NULL;
	int err;

	memset(d, 0, sizeof(*d));
	err = dns_names_load() ?: dns_subnets(d) ?: dns_get(d->suffix, d);
	if (err)
		return err;
	m = nl_req(PL_CMD_ENDPOINT_GET, NLM_F_DUMP);
	err = nl_exec(m, &objs);
	while (!err && (nlh = objs_next(&objs, nlh)))
		dns_data_endpoint(d, nlh, id, svc);
	objs_free(&objs);
	return err;
}

void dns_data_free(struct dns_data *d)
{
	size_t i;

	for (i = 0; i < d->n_rr; i++)
		free(d->rr[i].name);
	for (i = 0; i < d->n_zones; i++)
		free(d->zones[i].name);
	free(d->rr);
	free(d->zones);
	free(d->consumers);
	memset(d, 0, sizeof(*d));
}

/*
 * An unbound.conf fragment, for an include: line (in the server: clause
 * or at the top level, as Debian's unbound.conf.d is).
 * Everyone resolves the endpoint names (a static zone of the suffix); the
 * private names are in a view that only the consumers (the subnets and
 * the dns consumer prefixes) use, and that falls back to the server's
 * data and recursion for every other name. It starts and ends in
 * server:, so that what follows the include line stays where it was.
 */
void dns_write_unbound(FILE *f, const struct dns_data *d)
{
	char ip[INET_ADDRSTRLEN];
	size_t i;

	fprintf(f, "# pl: the endpoints' DNS names, written by \"pl-ctl endpoint dns\n"
		"# format unbound\". Include it in unbound.conf (include: or\n"
		"# include-toplevel:); \"pl-ctl dns sync\" keeps a running unbound in\n"
		"# step with pl.\n");
	fprintf(f, "server:\n");
	fprintf(f, "local-zone: \"%s.\" static\n", d->suffix);
	for (i = 0; i < d->n_rr; i++) {
		if (!d->rr[i].private)
			fprintf(f, "local-data: \"%s. %u IN A %s\"\n",
				d->rr[i].name, PL_DNS_TTL,
				addr_str(d->rr[i].ip, ip));
	}
	for (i = 0; i < d->n_consumers; i++) {
		addr_str(d->consumers[i].addr, ip);
		fprintf(f, "access-control: %s/%u allow\n", ip,
			d->consumers[i].len);
		fprintf(f, "access-control-view: %s/%u %s\n", ip,
			d->consumers[i].len, PL_DNS_VIEW);
	}
	fprintf(f, "view:\n\tname: \"%s\"\n\tview-first: yes\n", PL_DNS_VIEW);
	for (i = 0; i < d->n_zones; i++)
		fprintf(f, "\tlocal-zone: \"%s.\" %s\n", d->zones[i].name,
			d->zones[i].redirect ? "redirect" : "typetransparent");
	for (i = 0; i < d->n_rr; i++) {
		if (d->rr[i].private)
			fprintf(f, "\tlocal-data: \"%s. %u IN A %s\"\n",
				d->rr[i].name, PL_DNS_TTL,
				addr_str(d->rr[i].ip, ip));
	}
	fprintf(f, "server:\n");
}

/*
 * An RFC 1035 zone file of the endpoint names, whose SOA serial is the
 * time it was written (it increases from one to the next). Private names
 * need a view, which a zone file cannot say: they are listed as comments.
 */
static void dns_write_zone(FILE *f, const struct dns_data *d)
{
	char ip[INET_ADDRSTRLEN];
	size_t i, n = strlen(d->suffix);

	fprintf(f, "; pl: the endpoints' DNS names, written by \"%s\".\n",
		"pl-ctl endpoint dns format zone");
	fprintf(f, "$ORIGIN %s.\n$TTL %u\n", d->suffix, PL_DNS_TTL);
	fprintf(f, "@\tIN\tSOA\tlocalhost. hostmaster.%s. ( %lu 3600 600 86400 %u )\n",
		d->suffix, (unsigned long)time(NULL), PL_DNS_TTL);
	fprintf(f, "@\tIN\tNS\tlocalhost.\n");
	for (i = 0; i < d->n_rr; i++) {
		const char *name = d->rr[i].name;
		size_t len = strlen(name);

		addr_str(d->rr[i].ip, ip);
		if (d->rr[i].private)
			fprintf(f, "; private, for consumers only: %s. IN A %s\n",
				name, ip);
		else if (len > n + 1)
			fprintf(f, "%.*s\tIN\tA\t%s\n", (int)(len - n - 1), name,
				ip);
	}
}

/* [ID | service NAME] [format {hosts|unbound|zone}] */
int endpoint_dns(struct pl_args *a)
{
	static const char *const formats[] = { "hosts", "unbound", "zone" };
	static const struct pl_enum format_enum = { formats, 3 };
	const char *id = NULL, *svc = NULL;
	struct dns_data d;
	struct nl_msg *m;
	__u8 format = 0;
	int err;

	if (a->argc >= 2 && !strcmp(a->argv[a->argc - 2], "format")) {
		err = parse_enum(a, "format", a->argv[a->argc - 1],
				 &format_enum, &format);
		if (err)
			return err;
		a->argc -= 2;
	}
	if (format && out_json())
		return usage_err(a, "format %s has no JSON form",
				 formats[format]);
	if (!format) {
		m = endpoint_get(a, &err);
		if (!err)
			err = dns_names_load();
		return req_show(m, err, "dns", hosts_endpoint);
	}
	if (a->argc == 1) {
		id = arg_next(a);
	} else if (a->argc && !strcmp(arg_peek(a), "service")) {
		arg_next(a);
		err = arg_need(a, "NAME", &svc);
		if (err)
			return err;
	}
	err = arg_end(a);
	if (err)
		return err;
	err = dns_data_load(&d, id, svc);
	if (!err && format == 1)
		dns_write_unbound(stdout, &d);
	else if (!err)
		dns_write_zone(stdout, &d);
	dns_data_free(&d);
	return err;
}

/* pl-ctl dns show, and monitor */
void dns_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_DNS_MAX + 1], *nla = NULL;
	__u32 addr;
	__u8 len;

	if (dns_parse(nlh, tb))
		return;
	out_obj_begin(key);
	out_str("suffix", "suffix", nla_get_string(tb[PL_A_DNS_SUFFIX]));
	out_arr_begin("consumers");
	while ((nla = nl_attr_next(nlh, PL_A_DNS_CONSUMER, nla))) {
		if (prefix_parse(nla, &addr, &len))
			continue;
		out_cont();
		out_prefix(NULL, "consumer", addr, len);
	}
	out_arr_end();
	out_obj_end();
}

static int dns_show(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_DNS_GET, 0);

	return req_show(m, arg_end(a), "dns", dns_print);
}

static int dns_set(struct pl_args *a)
{
	static const unsigned int max = PL_DNS_SUFFIX_MAX;
	static const struct pl_kw kws[] = {
		{ "suffix", kw_dns_name, PL_A_DNS_SUFFIX, &max, PL_KW_REQUIRED },
		{ }
	};
	struct nl_msg *m = nl_req(PL_CMD_DNS_SET, 0);

	return req_send(m, req_kws(a, m, kws));
}

/* PREFIX: one consumer nest; A.B.C.D alone is a /32. */
static int dns_consumer(struct pl_args *a, __u8 cmd)
{
	struct nl_msg *m = nl_req(cmd, 0);
	struct nlattr *nest;
	const char *prefix;
	__u32 addr;
	__u8 len;
	int err;

	err = arg_need(a, "PREFIX", &prefix) ?: arg_end(a) ?:
	      parse_prefix(a, "consumer prefix", prefix, 0, &addr, &len) ?:
	      req_nest(a, m, PL_A_DNS_CONSUMER, &nest);
	if (err)
		return req_send(m, err);
	err = req_put(a, m, PL_A_PREFIX_ADDRESS, sizeof(addr), &addr) ?:
	      req_put_u8(a, m, PL_A_PREFIX_LEN, len);
	nla_nest_end(m, nest);
	return req_send(m, err);
}

static int dns_consumer_add(struct pl_args *a)
{
	return dns_consumer(a, PL_CMD_DNS_CONSUMER_ADD);
}

static int dns_consumer_del(struct pl_args *a)
{
	return dns_consumer(a, PL_CMD_DNS_CONSUMER_DEL);
}

static const struct pl_cmd dns_cmds[] = {
	{ "set", dns_set, "dns set suffix SUFFIX" },
	{ "consumer add", dns_consumer_add, "dns consumer add PREFIX" },
	{ "consumer del", dns_consumer_del, "dns consumer del PREFIX" },
	{ "show", dns_show, "dns show" },
	{ "sync", dns_sync, "dns sync [unbound-config FILE] [fragment FILE]" },
	{ }
};

const struct pl_object pl_dns = { "dns", dns_cmds };
