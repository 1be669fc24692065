// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl save: print the whole configuration as a batch file that
 * "pl-ctl -b FILE" restores, in an empty namespace, to the same state:
 *
 *   limits, then AZs (and their state), subnets, services (all created
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

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "spec.h"

/* What save gets from the kernel, in the order it is restored. */
enum {
	SAVE_LIMITS,
	SAVE_AZ,
	SAVE_SUBNET,
	SAVE_SERVICE,
	SAVE_BACKEND,
	SAVE_ENDPOINT,
	SAVE_N
};

static const __u8 save_gets[SAVE_N] = {
	[SAVE_LIMITS] = PL_CMD_LIMITS_GET,
	[SAVE_AZ] = PL_CMD_AZ_GET,
	[SAVE_SUBNET] = PL_CMD_SUBNET_GET,
	[SAVE_SERVICE] = PL_CMD_SERVICE_GET,
	[SAVE_BACKEND] = PL_CMD_BACKEND_GET,
	[SAVE_ENDPOINT] = PL_CMD_ENDPOINT_GET,
};

static void save_limits(struct pl_objs *o)
{
	const struct pl_set *set = pl_cmd_set(PL_CMD_LIMITS_SET);
	struct nlattr *tb[PL_A_LIMITS_MAX + 1];
	struct nlmsghdr *nlh = objs_next(o, NULL);
	int i;

	if (!nlh || limits_parse(nlh, tb))
		return;
	fputs("limits set", stdout);
	for (i = PL_A_LIMITS_MAX_AZS; i <= PL_A_LIMITS_MAX_FLOWS; i++)
		printf(" %s %u", pl_attr_name(set, i), nla_get_u32(tb[i]));
	putchar('\n');
}

static void save_azs(struct pl_objs *o)
{
	struct nlattr *tb[PL_A_AZ_MAX + 1];
	struct nlmsghdr *nlh = NULL;
	const char *name;

	while ((nlh = objs_next(o, nlh))) {
		if (az_parse(nlh, tb))
			continue;
		name = nla_get_string(tb[PL_A_AZ_NAME]);
		printf("az add %s", name);
		if (tb[PL_A_AZ_ZONE_ID])
			printf(" id %s", nla_get_string(tb[PL_A_AZ_ZONE_ID]));
		putchar('\n');
		if (nla_get_u8(tb[PL_A_AZ_STATE]) != PL_AZ_STATE_UP)
			printf("az set %s state %s\n", name,
			       pl_enum_name(&pl_az_states,
					    nla_get_u8(tb[PL_A_AZ_STATE])));
	}
}

static void save_subnets(struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SUBNET_MAX + 1];
	char addr[INET_ADDRSTRLEN], dev[IF_NAMESIZE];
	struct nlmsghdr *nlh = NULL;

	while ((nlh = objs_next(o, nlh))) {
		if (subnet_parse(nlh, tb))
			continue;
		printf("subnet add %s prefix %s/%u az %s",
		       nla_get_string(tb[PL_A_SUBNET_ID]),
		       addr_str(nla_get_u32(tb[PL_A_SUBNET_PREFIX]), addr),
		       nla_get_u8(tb[PL_A_SUBNET_PREFIX_LEN]),
		       nla_get_string(tb[PL_A_SUBNET_AZ]));
		if (tb[PL_A_SUBNET_IFINDEX])
			printf(" dev %s",
			       subnet_dev(nla_get_u32(tb[PL_A_SUBNET_IFINDEX]),
					  dev));
		if (tb[PL_A_SUBNET_PROBE] && !nla_get_u8(tb[PL_A_SUBNET_PROBE]))
			fputs(" probe off", stdout);
		putchar('\n');
	}
}

static void save_service(struct nlmsghdr *nlh, struct nlattr **tb)
{
	const char *name = nla_get_string(tb[PL_A_SERVICE_NAME]), *az;
	char addr[INET_ADDRSTRLEN];
	struct nlattr *nla = NULL;
	__u16 port, target;
	__u32 a;

	printf("service add %s", name);
	while ((nla = nl_attr_next(nlh, PL_A_SERVICE_LISTENER, nla))) {
		if (listener_parse(nla, &port, &target))
			continue;
		printf(port == target ? " port %u" : " port %u:%u", port,
		       target);
	}
	printf(" acceptance manual cross-zone %s idle-timeout %u\n",
	       nla_get_u8(tb[PL_A_SERVICE_CROSS_ZONE]) ? "on" : "off",
	       nla_get_u32(tb[PL_A_SERVICE_IDLE_TIMEOUT]));
	while ((nla = nl_attr_next(nlh, PL_A_SERVICE_SOURCE, nla))) {
		if (!source_parse(nla, &a, &az))
			printf("service source add %s %s az %s\n", name,
			       addr_str(a, addr), az);
	}
}

static void save_services(struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	struct nlmsghdr *nlh = NULL;

	while ((nlh = objs_next(o, nlh))) {
		if (!service_parse(nlh, tb))
			save_service(nlh, tb);
	}
}

static void save_backends(struct pl_objs *o)
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
		printf("backend add %s %s az %s", svc, addr,
		       nla_get_string(tb[PL_A_BACKEND_AZ]));
		if (tb[PL_A_BACKEND_PORT])
			printf(" port %u", nla_get_u16(tb[PL_A_BACKEND_PORT]));
		printf(" weight %u\n", nla_get_u32(tb[PL_A_BACKEND_WEIGHT]));
		state = nla_get_u8(tb[PL_A_BACKEND_STATE]);
		if (state != PL_BACKEND_STATE_ACTIVE)
			printf("backend set %s %s state %s\n", svc, addr,
			       pl_enum_name(&pl_backend_states, state));
	}
}

static void save_endpoint(struct nlmsghdr *nlh, struct nlattr **tb)
{
	struct nlattr *nla = NULL, *eni[PL_A_ENI_MAX + 1];
	const char *id = nla_get_string(tb[PL_A_ENDPOINT_ID]);
	char addr[INET_ADDRSTRLEN];
	__u32 a;
	__u8 len;

	printf("endpoint add %s service %s", id,
	       nla_get_string(tb[PL_A_ENDPOINT_SERVICE]));
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ENI, nla))) {
		if (!eni_parse(nla, eni))
			printf(" subnet %s ip %s",
			       nla_get_string(eni[PL_A_ENI_SUBNET]),
			       addr_str(nla_get_u32(eni[PL_A_ENI_IP]), addr));
	}
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ALLOW, nla))) {
		if (!prefix_parse(nla, &a, &len))
			printf(" allow %s/%u", addr_str(a, addr), len);
	}
	putchar('\n');
	switch (nla_get_u8(tb[PL_A_ENDPOINT_STATE])) {
	case PL_ENDPOINT_STATE_AVAILABLE:
		printf("endpoint accept %s\n", id);
		break;
	case PL_ENDPOINT_STATE_REJECTED:
		printf("endpoint reject %s\n", id);
		break;
	}
}

static void save_endpoints(struct pl_objs *o)
{
	struct nlattr *tb[PL_A_ENDPOINT_MAX + 1];
	struct nlmsghdr *nlh = NULL;

	while ((nlh = objs_next(o, nlh))) {
		if (!endpoint_parse(nlh, tb))
			save_endpoint(nlh, tb);
	}
}

static void save_acceptance(struct pl_objs *o)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	struct nlmsghdr *nlh = NULL;
	__u8 acceptance;

	while ((nlh = objs_next(o, nlh))) {
		if (service_parse(nlh, tb))
			continue;
		acceptance = nla_get_u8(tb[PL_A_SERVICE_ACCEPTANCE]);
		if (acceptance != PL_ACCEPTANCE_MANUAL)
			printf("service set %s acceptance %s\n",
			       nla_get_string(tb[PL_A_SERVICE_NAME]),
			       pl_enum_name(&pl_acceptances, acceptance));
	}
}

static int save_fetch(struct pl_objs *objs)
{
	struct nl_msg *m;
	int i, err;

	for (i = 0; i < SAVE_N; i++) {
		m = nl_req(save_gets[i], i == SAVE_LIMITS ? 0 : NLM_F_DUMP);
		err = nl_exec(m, &objs[i]);
		if (err)
			return err;
	}
	return 0;
}

static int save_run(struct pl_args *a)
{
	struct pl_objs objs[SAVE_N] = { { NULL } };
	int i, err;

	err = arg_end(a) ?: save_fetch(objs);
	if (!err) {
		puts("# pl configuration, written by \"pl-ctl save\".");
		puts("# Restore it into an empty namespace with \"pl-ctl -b FILE\".");
		save_limits(&objs[SAVE_LIMITS]);
		save_azs(&objs[SAVE_AZ]);
		save_subnets(&objs[SAVE_SUBNET]);
		save_services(&objs[SAVE_SERVICE]);
		save_backends(&objs[SAVE_BACKEND]);
		save_endpoints(&objs[SAVE_ENDPOINT]);
		save_acceptance(&objs[SAVE_SERVICE]);
	}
	for (i = 0; i < SAVE_N; i++)
		objs_free(&objs[i]);
	return err;
}

static const struct pl_cmd save_object_cmds[] = {
	{ NULL, save_run, "save" },
	{ }
};

const struct pl_object pl_save = { "save", save_object_cmds };
