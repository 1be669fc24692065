// SPDX-License-Identifier: GPL-2.0
/*
 * A helper for the shell selftests, much faster than a Python tool in a
 * TCG guest: it configures pl in the current network namespace and reports
 * what is there.
 *
 *   pl_helper populate      an object of every kind (two of most), changed limits
 *   pl_helper usage [NAME...]  the limits and the objects in use, as
 *                           name=value (azs, max-azs, ...; NAMEs: those only)
 *   pl_helper count         what each dump returns, as name=value
 *   pl_helper az-add NAME   create an AZ
 *   pl_helper az-del NAME   delete an AZ
 *   pl_helper az-flood PREFIX N
 *                           try to create AZs PREFIX0 ... PREFIX<N-1>; print
 *                           how many were created and refused (ENOSPC), and
 *                           the first refusal's message
 *   pl_helper mcgrp         the id of the config multicast group
 *
 * Exit status 0 on success, 1 on a refusal (its message on stderr), 2 on
 * misuse.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_nl.h"

static int fail(const char *what, const struct pl_result *r)
{
	fprintf(stderr, "pl_helper: %s: %s%s%s\n", what, strerror(-r->error),
		r->msg[0] ? ": " : "", r->msg);
	return 1;
}

static int by_name(struct pl_sock *s, __u8 cmd, int type, const char *name,
		   struct pl_result *r)
{
	char buf[1024];
	struct nlmsghdr *nlh = pl_msg(s, buf, cmd, 0);

	mnl_attr_put_strz(nlh, type, name);
	return pl_do(s, nlh, NULL, NULL, r);
}

static int populate(struct pl_sock *s)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct pl_result r;
	char buf[1024];

	nlh = pl_msg(s, buf, PL_CMD_AZ_ADD, 0);
	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, "az-a");
	mnl_attr_put_strz(nlh, PL_A_AZ_ZONE_ID, "use1-az1");
	if (pl_do(s, nlh, NULL, NULL, &r))
		return fail("az-add az-a", &r);
	if (pl_az_add(s, "az-b", &r))
		return fail("az-add az-b", &r);
	if (pl_subnet_add(s, "sn-a", PL_IP4(10, 1, 0, 0), 24, "az-a", &r))
		return fail("subnet-add sn-a", &r);
	if (pl_subnet_add(s, "sn-b", PL_IP4(10, 1, 1, 0), 24, "az-b", &r))
		return fail("subnet-add sn-b", &r);

	nlh = pl_msg(s, buf, PL_CMD_SERVICE_ADD, 0);
	mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_LISTENER);
	mnl_attr_put_u16(nlh, PL_A_LISTENER_PORT, 80);
	mnl_attr_put_u16(nlh, PL_A_LISTENER_TARGET_PORT, 8080);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u8(nlh, PL_A_SERVICE_ACCEPTANCE, PL_ACCEPTANCE_AUTO);
	if (pl_do(s, nlh, NULL, NULL, &r))
		return fail("service-add svc", &r);

	nlh = pl_msg(s, buf, PL_CMD_SERVICE_SOURCE_ADD, 0);
	mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_SOURCE);
	mnl_attr_put_u32(nlh, PL_A_SOURCE_ADDRESS, htonl(PL_IP4(192, 0, 2, 1)));
	mnl_attr_put_strz(nlh, PL_A_SOURCE_AZ, "az-a");
	mnl_attr_nest_end(nlh, nest);
	if (pl_do(s, nlh, NULL, NULL, &r))
		return fail("service-source-add svc", &r);

	if (pl_backend_add(s, "svc", PL_IP4(10, 2, 0, 1), "az-a", &r) ||
	    pl_backend_add(s, "svc", PL_IP4(10, 2, 0, 2), "az-b", &r))
		return fail("backend-add", &r);

	nlh = pl_msg(s, buf, PL_CMD_ENDPOINT_ADD, 0);
	mnl_attr_put_strz(nlh, PL_A_ENDPOINT_ID, "ep");
	mnl_attr_put_strz(nlh, PL_A_ENDPOINT_SERVICE, "svc");
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	mnl_attr_put_strz(nlh, PL_A_ENI_SUBNET, "sn-a");
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	mnl_attr_put_strz(nlh, PL_A_ENI_SUBNET, "sn-b");
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ALLOW);
	mnl_attr_put_u32(nlh, PL_A_PREFIX_ADDRESS, htonl(PL_IP4(172, 16, 0, 0)));
	mnl_attr_put_u8(nlh, PL_A_PREFIX_LEN, 12);
	mnl_attr_nest_end(nlh, nest);
	if (pl_do(s, nlh, NULL, NULL, &r))
		return fail("endpoint-add ep", &r);

	if (pl_limits_set(s, PL_A_LIMITS_MAX_SERVICES, 50, &r))
		return fail("limits-set", &r);
	return 0;
}

static int usage(struct pl_sock *s, int argc, char **argv)
{
	static const char * const names[PL_A_LIMITS_MAX + 1] = {
		[PL_A_LIMITS_AZS] = "azs",
		[PL_A_LIMITS_SUBNETS] = "subnets",
		[PL_A_LIMITS_SERVICES] = "services",
		[PL_A_LIMITS_BACKENDS] = "backends",
		[PL_A_LIMITS_ENDPOINTS] = "endpoints",
		[PL_A_LIMITS_MAX_AZS] = "max-azs",
		[PL_A_LIMITS_MAX_SUBNETS] = "max-subnets",
		[PL_A_LIMITS_MAX_SERVICES] = "max-services",
		[PL_A_LIMITS_MAX_BACKENDS] = "max-backends",
		[PL_A_LIMITS_MAX_ENDPOINTS] = "max-endpoints",
		[PL_A_LIMITS_MAX_FLOWS] = "max-flows",
		[PL_A_LIMITS_FLOWS] = "flows",
	};
	__u32 lim[PL_A_LIMITS_MAX + 1];
	int i, t, n = 0;
	int err;

	err = pl_limits_get(s, lim, PL_A_LIMITS_MAX);
	if (err) {
		fprintf(stderr, "pl_helper: limits-get: %s\n", strerror(-err));
		return 1;
	}
	for (i = 0; i < (argc ?: 1); i++) {
		for (t = 1; t <= PL_A_LIMITS_MAX; t++) {
			if (!names[t] || (argc && strcmp(argv[i], names[t])))
				continue;
			printf("%s%s=%u", n++ ? " " : "", names[t], lim[t]);
		}
	}
	printf("\n");
	return 0;
}

static int count(struct pl_sock *s)
{
	static const struct {
		__u8 cmd;
		const char *name;
	} dumps[] = {
		{ PL_CMD_AZ_GET, "az" },
		{ PL_CMD_SUBNET_GET, "subnet" },
		{ PL_CMD_SERVICE_GET, "service" },
		{ PL_CMD_BACKEND_GET, "backend" },
		{ PL_CMD_ENDPOINT_GET, "endpoint" },
	};
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(dumps); i++) {
		n = pl_count(s, dumps[i].cmd);
		if (n < 0) {
			fprintf(stderr, "pl_helper: %s dump: %s\n",
				dumps[i].name, strerror(-n));
			return 1;
		}
		printf("%s%s=%d", i ? " " : "", dumps[i].name, n);
	}
	printf("\n");
	return 0;
}

static int az_flood(struct pl_sock *s, const char *prefix, int n)
{
	int i, made = 0, full = 0;
	char name[64], msg[256] = "";
	struct pl_result r;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		if (!pl_az_add(s, name, &r)) {
			made++;
			continue;
		}
		if (r.error != -ENOSPC)
			return fail("az-add", &r);
		if (!full++)
			snprintf(msg, sizeof(msg), "%s", r.msg);
	}
	printf("created=%d refused=%d %s\n", made, full, msg);
	return 0;
}

int main(int argc, char **argv)
{
	struct pl_result r;
	struct pl_sock s;
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: pl_helper populate|usage [NAME...]|count|mcgrp|%s\n",
			"az-add NAME|az-del NAME|az-flood PREFIX N");
		return 2;
	}
	err = pl_open(&s);
	if (err) {
		fprintf(stderr, "pl_helper: cannot open the pl family: %s\n",
			strerror(-err));
		return 1;
	}
	if (!strcmp(argv[1], "populate"))
		err = populate(&s);
	else if (!strcmp(argv[1], "usage"))
		err = usage(&s, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "count"))
		err = count(&s);
	else if (!strcmp(argv[1], "mcgrp"))
		printf("%u\n", s.config_grp);
	else if (!strcmp(argv[1], "az-add") && argc == 3)
		err = pl_az_add(&s, argv[2], &r) ? fail("az-add", &r) : 0;
	else if (!strcmp(argv[1], "az-flood") && argc == 4)
		err = az_flood(&s, argv[2], atoi(argv[3]));
	else if (!strcmp(argv[1], "az-del") && argc == 3)
		err = by_name(&s, PL_CMD_AZ_DEL, PL_A_AZ_NAME, argv[2], &r) ?
		      fail("az-del", &r) : 0;
	else
		err = 2;
	pl_close(&s);
	return err;
}
