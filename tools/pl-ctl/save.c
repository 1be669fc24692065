// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl save: print the whole configuration as a batch file that
 * "pl-ctl -b FILE" restores, in an empty namespace, to the same state:
 *
 *   limits, DNS settings, then AZs (and their state), subnets, services (all created
 *   with acceptance manual) and their source addresses, backends (and
 *   their state), endpoints with every ENI IP, then "endpoint accept" or
 *   "endpoint reject" for those no longer pending, and at last "service
 *   set NAME acceptance auto" for auto services, so that a pending
 *   endpoint of an auto service stays pending.
 *
 * Objects are listed in creation order, as dumps return them, so that
 * saving the restored configuration prints the same text.
 */

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "dns.h"
#include "health.h"
#include "model.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "spec.h"

/* What save gets from the kernel, in the order it is restored. */
enum {
	SAVE_LIMITS,
	SAVE_DNS,
	SAVE_AZ,
	SAVE_SUBNET,
	SAVE_SERVICE,
	SAVE_BACKEND,
	SAVE_ENDPOINT,
	SAVE_N
};

static const __u8 save_gets[SAVE_N] = {
	[SAVE_LIMITS] = PL_CMD_LIMITS_GET,
	[SAVE_DNS] = PL_CMD_DNS_GET,
	[SAVE_AZ] = PL_CMD_AZ_GET,
	[SAVE_SUBNET] = PL_CMD_SUBNET_GET,
	[SAVE_SERVICE] = PL_CMD_SERVICE_GET,
	[SAVE_BACKEND] = PL_CMD_BACKEND_GET,
	[SAVE_ENDPOINT] = PL_CMD_ENDPOINT_GET,
};

static void save_limits(FILE *f, struct pl_objs *o)
{
	const struct pl_set *set = pl_cmd_set(PL_CMD_LIMITS_SET);
	struct nlattr *tb[PL_A_LIMITS_MAX + 1];
	struct nlmsghdr *nlh = objs_next(o, NULL);
	int i;

	if (!nlh || limits_parse(nlh, tb))
		return;
	fputs("limits set", f);
	for (i = 0; i < M_LIMITS; i++)
		fprintf(f, " %s %s", pl_attr_name(set, m_limit_attr(i)),
			m_limit_str(i, m_limit_get(tb[m_limit_attr(i)], i)));
	fputc('\n', f);
}

/* The DNS suffix, unless it is the default, and the consumer prefixes. */
static void save_dns(FILE *f, struct pl_objs *o)
{
	struct nlmsghdr *nlh = objs_next(o, NULL);
	char addr[INET_ADDRSTRLEN];
	struct nlattr *nla = NULL;
	const char *suffix;
	__u32 a;
	__u8 len;

	nla = nlh ? nl_attr_next(nlh, PL_A_DNS_SUFFIX, NULL) : NULL;
	if (!nla)
		return;
	suffix = nla_get_string(nla);
	if (strcmp(suffix, PL_DNS_SUFFIX))
		fprintf(f, "dns set suffix %s\n", suffix);
	nla = NULL;
	while ((nla = nl_attr_next(nlh, PL_A_DNS_CONSUMER, nla))) {
		if (!prefix_parse(nla, &a, &len))
			fprintf(f, "dns consumer add %s/%u\n", addr_str(a, addr),
				len);
	}
}

static void save_azs(FILE *f, struct pl_objs *o)
{
	struct nlattr *tb[PL_A_AZ_MAX + 1];
	struct nlmsghdr *nlh = NULL;
	const char *name;

	while ((nlh = objs_next(o, nlh))) {
		if (az_parse(nlh, tb))
			continue;
		name = nla_get_string(tb[PL_A_AZ_NAME]);
		fprintf(f, "az add %s", name);
		if (tb[PL_A_AZ_ZONE_ID])
			fprintf(f, " id %s", nla_get_string(tb[PL_A_AZ_ZONE_ID]));
		fputc('\n', f);
		if (nla_get_u8(tb[PL_A_AZ_STATE]) != PL_AZ_STATE_UP)
			fprintf(f, "az set %s state %s\n", name,
				pl_enum_name(&pl_az_states,
					     nla_get_u8(tb[PL_A_AZ_STATE])));
	}
}

static void save_subnets(FILE *f, struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SUBNET_MAX + 1];
	char addr[INET6_ADDRSTRLEN], dev[IF_NAMESIZE];
	struct nlmsghdr *nlh = NULL;

	while ((nlh = objs_next(o, nlh))) {
		if (subnet_parse(nlh, tb))
			continue;
		fprintf(f, "subnet add %s", nla_get_string(tb[PL_A_SUBNET_ID]));
		if (tb[PL_A_SUBNET_PREFIX])
			fprintf(f, " prefix %s/%u",
				addr_str(nla_get_u32(tb[PL_A_SUBNET_PREFIX]),
					 addr),
				nla_get_u8(tb[PL_A_SUBNET_PREFIX_LEN]));
		if (tb[PL_A_SUBNET_IPV6_PREFIX])
			fprintf(f, " ipv6-prefix %s/%u",
				addr6_str(nla_data(tb[PL_A_SUBNET_IPV6_PREFIX]),
					  addr),
				nla_get_u8(tb[PL_A_SUBNET_IPV6_PREFIX_LEN]));
		fprintf(f, " az %s", nla_get_string(tb[PL_A_SUBNET_AZ]));
		if (tb[PL_A_SUBNET_IFINDEX])
			fprintf(f, " dev %s",
				subnet_dev(nla_get_u32(tb[PL_A_SUBNET_IFINDEX]),
					   dev));
		if (tb[PL_A_SUBNET_PROBE] && !nla_get_u8(tb[PL_A_SUBNET_PROBE]))
			fputs(" probe off", f);
		fputc('\n', f);
	}
}

/* A service's health checks and unhealthy termination, when not off. */
static void save_health(FILE *f, struct nlattr **tb)
{
	struct nlattr *term = tb[PL_A_SERVICE_UNHEALTHY_TERMINATION];
	struct pl_health h;

	if (!health_parse(tb[PL_A_SERVICE_HEALTH], &h))
		health_write(f, &h);
	if (term && !nla_get_u8(term))
		fputs(" unhealthy-termination off", f);
}

static void save_service(FILE *f, struct nlmsghdr *nlh, struct nlattr **tb)
{
	const char *name = nla_get_string(tb[PL_A_SERVICE_NAME]), *az;
	char src[INET6_ADDRSTRLEN];
	struct nlattr *nla = NULL;
	__u16 port, target;

	fprintf(f, "service add %s", name);
	while ((nla = nl_attr_next(nlh, PL_A_SERVICE_LISTENER, nla))) {
		if (listener_parse(nla, &port, &target))
			continue;
		fprintf(f, port == target ? " port %u" : " port %u:%u", port,
			target);
	}
	fprintf(f, " acceptance manual cross-zone %s idle-timeout %u",
		nla_get_u8(tb[PL_A_SERVICE_CROSS_ZONE]) ? "on" : "off",
		nla_get_u32(tb[PL_A_SERVICE_IDLE_TIMEOUT]));
	save_health(f, tb);
	if (tb[PL_A_SERVICE_PRIVATE_DNS])
		fprintf(f, " private-dns %s",
			nla_get_string(tb[PL_A_SERVICE_PRIVATE_DNS]));
	fputc('\n', f);
	while ((nla = nl_attr_next(nlh, PL_A_SERVICE_SOURCE, nla))) {
		if (!source_parse(nla, src, &az))
			fprintf(f, "service source add %s %s az %s\n", name,
				src, az);
	}
}

static void save_services(FILE *f, struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	struct nlmsghdr *nlh = NULL;

	while ((nlh = objs_next(o, nlh))) {
		if (!service_parse(nlh, tb))
			save_service(f, nlh, tb);
	}
}

static void save_backends(FILE *f, struct pl_objs *o)
{
	struct nlattr *tb[PL_A_BACKEND_MAX + 1];
	struct nlmsghdr *nlh = NULL;
	char addr[INET_ADDRSTRLEN];
	const char *svc;
	__u8 state;

	while ((nlh = objs_next(o, nlh))) {
		if (backend_parse(nlh, tb))
			continue;
		svc = nla_get_string(tb[PL_A_BACKEND_SERVICE]);
		addr_str(nla_get_u32(tb[PL_A_BACKEND_ADDRESS]), addr);
		fprintf(f, "backend add %s %s az %s", svc, addr,
			nla_get_string(tb[PL_A_BACKEND_AZ]));
		if (tb[PL_A_BACKEND_PORT])
			fprintf(f, " port %u", nla_get_u16(tb[PL_A_BACKEND_PORT]));
		fprintf(f, " weight %u\n", nla_get_u32(tb[PL_A_BACKEND_WEIGHT]));
		state = nla_get_u8(tb[PL_A_BACKEND_STATE]);
		if (state != PL_BACKEND_STATE_ACTIVE)
			fprintf(f, "backend set %s %s state %s\n", svc, addr,
				pl_enum_name(&pl_backend_states, state));
	}
}

/* The services that have a private DNS name, sorted, to look up. */
struct save_named {
	const char **v;
	size_t n;
};

static int save_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void save_named_init(struct save_named *s, struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	struct nlmsghdr *nlh = NULL;

	while ((nlh = objs_next(o, nlh))) {
		if (service_parse(nlh, tb) || !tb[PL_A_SERVICE_PRIVATE_DNS])
			continue;
		s->v = pl_realloc(s->v, (s->n + 1) * sizeof(*s->v));
		s->v[s->n++] = nla_get_string(tb[PL_A_SERVICE_NAME]);
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), save_name_cmp);
}

static int save_named(const struct save_named *s, const char *svc)
{
	return s->n && bsearch(&svc, s->v, s->n, sizeof(*s->v), save_name_cmp);
}

static void save_endpoint(FILE *f, struct nlmsghdr *nlh,
			  struct nlattr **tb, const struct save_named *named)
{
	struct nlattr *dns = tb[PL_A_ENDPOINT_PRIVATE_DNS];
	int on = dns && nla_get_u8(dns);
	struct nlattr *nla = NULL, *eni[PL_A_ENI_MAX + 1];
	struct nlattr *type = tb[PL_A_ENDPOINT_IP_ADDRESS_TYPE];
	const char *id = nla_get_string(tb[PL_A_ENDPOINT_ID]);
	char addr[INET6_ADDRSTRLEN];
	char prefix[PREFIX_TEXT_LEN];

	fprintf(f, "endpoint add %s service %s", id,
		nla_get_string(tb[PL_A_ENDPOINT_SERVICE]));
	if (type && nla_get_u8(type) != PL_IP_ADDRESS_TYPE_IPV4)
		fprintf(f, " ip-address-type %s",
			pl_enum_name(&pl_ip_address_types, nla_get_u8(type)));
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ENI, nla))) {
		if (eni_parse(nla, eni))
			continue;
		fprintf(f, " subnet %s", nla_get_string(eni[PL_A_ENI_SUBNET]));
		if (eni[PL_A_ENI_IP])
			fprintf(f, " ip %s",
				addr_str(nla_get_u32(eni[PL_A_ENI_IP]), addr));
		if (eni[PL_A_ENI_IPV6])
			fprintf(f, " ipv6 %s",
				addr6_str(nla_data(eni[PL_A_ENI_IPV6]), addr));
	}
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ALLOW, nla))) {
		if (!prefix_text(nla, prefix))
			fprintf(f, " allow %s", prefix);
	}
	/* Unless it is the default: on when the service has a name. */
	if (on != save_named(named,
			     nla_get_string(tb[PL_A_ENDPOINT_SERVICE])))
		fprintf(f, " private-dns %s", on ? "on" : "off");
	fputc('\n', f);
	switch (nla_get_u8(tb[PL_A_ENDPOINT_STATE])) {
	case PL_ENDPOINT_STATE_AVAILABLE:
		fprintf(f, "endpoint accept %s\n", id);
		break;
	case PL_ENDPOINT_STATE_REJECTED:
		fprintf(f, "endpoint reject %s\n", id);
		break;
	}
}

static void save_endpoints(FILE *f, struct pl_objs *o,
			   struct pl_objs *services)
{
	struct nlattr *tb[PL_A_ENDPOINT_MAX + 1];
	struct save_named named = { NULL };
	struct nlmsghdr *nlh = NULL;

	save_named_init(&named, services);
	while ((nlh = objs_next(o, nlh))) {
		if (!endpoint_parse(nlh, tb))
			save_endpoint(f, nlh, tb, &named);
	}
	free(named.v);
}

static void save_acceptance(FILE *f, struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	struct nlmsghdr *nlh = NULL;
	__u8 acceptance;

	while ((nlh = objs_next(o, nlh))) {
		if (service_parse(nlh, tb))
			continue;
		acceptance = nla_get_u8(tb[PL_A_SERVICE_ACCEPTANCE]);
		if (acceptance != PL_ACCEPTANCE_MANUAL)
			fprintf(f, "service set %s acceptance %s\n",
				nla_get_string(tb[PL_A_SERVICE_NAME]),
				pl_enum_name(&pl_acceptances, acceptance));
	}
}

static int save_fetch(struct pl_objs *objs)
{
	struct nl_msg *m;
	int i, err;

	for (i = 0; i < SAVE_N; i++) {
		m = nl_req(save_gets[i],
			   i == SAVE_LIMITS || i == SAVE_DNS ? 0 : NLM_F_DUMP);
		err = nl_exec(m, &objs[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Write the whole configuration to f, as save prints it: apply reads the
 * kernel's configuration this way, through the same parser as its file.
 */
int save_config(FILE *f)
{
	struct pl_objs objs[SAVE_N] = { { NULL } };
	int i, err;

	err = save_fetch(objs);
	if (!err) {
		fputs("# pl configuration, written by \"pl-ctl save\".\n", f);
		fputs("# Restore it into an empty namespace with \"pl-ctl -b FILE\".\n",
		      f);
		save_limits(f, &objs[SAVE_LIMITS]);
		save_dns(f, &objs[SAVE_DNS]);
		save_azs(f, &objs[SAVE_AZ]);
		save_subnets(f, &objs[SAVE_SUBNET]);
		save_services(f, &objs[SAVE_SERVICE]);
		save_backends(f, &objs[SAVE_BACKEND]);
		save_endpoints(f, &objs[SAVE_ENDPOINT], &objs[SAVE_SERVICE]);
		save_acceptance(f, &objs[SAVE_SERVICE]);
	}
	for (i = 0; i < SAVE_N; i++)
		objs_free(&objs[i]);
	return err;
}

static int save_run(struct pl_args *a)
{
	return arg_end(a) ?: save_config(stdout);
}

static const struct pl_cmd save_object_cmds[] = {
	{ NULL, save_run, "save" },
	{ }
};

const struct pl_object pl_save = { "save", save_object_cmds };
