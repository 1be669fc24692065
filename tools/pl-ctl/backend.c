// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl backend: the backends (targets) of a service.
 *
 *   svc1 10.0.0.1 az us-east-1a port 8080 weight 1 state active
 *   {"service":"svc1","address":"10.0.0.1","az":"us-east-1a","port":8080,
 *    "weight":1,"state":"active"}
 */

#include <stdio.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static struct nla_policy backend_policy[PL_A_BACKEND_MAX + 1] = {
	[PL_A_BACKEND_SERVICE] = { .type = NLA_STRING },
	[PL_A_BACKEND_ADDRESS] = { .type = NLA_U32 },
	[PL_A_BACKEND_AZ] = { .type = NLA_STRING },
	[PL_A_BACKEND_PORT] = { .type = NLA_U16 },
	[PL_A_BACKEND_WEIGHT] = { .type = NLA_U32 },
	[PL_A_BACKEND_STATE] = { .type = NLA_U8 },
	[PL_A_BACKEND_HEALTH] = { .type = NLA_U8 },
	[PL_A_BACKEND_HEALTH_REASON] = { .type = NLA_U8 },
	[PL_A_BACKEND_HEALTH_CODE] = { .type = NLA_U16 },
};

/* AWS's reason codes and descriptions, by enum pl_health_reason. */
static const struct {
	const char *code;
	const char *description;
} health_reasons[] = {
	[PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING] = {
		"Elb.InitialHealthChecking", "Initial health checks in progress" },
	[PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH] = {
		"Target.ResponseCodeMismatch",
		"Health checks failed with these codes: [%u]" },
	[PL_HEALTH_REASON_TIMEOUT] = { "Target.Timeout", "Request timed out" },
	[PL_HEALTH_REASON_FAILED_HEALTH_CHECKS] = {
		"Target.FailedHealthChecks", "Health checks failed" },
	[PL_HEALTH_REASON_NOT_IN_USE] = {
		"Target.NotInUse",
		"Target takes no new flows: weight 0, or its zone is down" },
	[PL_HEALTH_REASON_DEREGISTRATION_IN_PROGRESS] = {
		"Target.DeregistrationInProgress", "Target is draining" },
	[PL_HEALTH_REASON_HEALTH_CHECK_DISABLED] = {
		"Target.HealthCheckDisabled", "Health checks are disabled" },
};

/* health STATE [reason CODE [code N]]; JSON: a health object. */
static void backend_print_health(struct nlattr **tb)
{
	unsigned int reason = 0, code = 0;
	char desc[96];

	if (!tb[PL_A_BACKEND_HEALTH])
		return;
	if (tb[PL_A_BACKEND_HEALTH_REASON])
		reason = nla_get_u8(tb[PL_A_BACKEND_HEALTH_REASON]);
	if (tb[PL_A_BACKEND_HEALTH_CODE])
		code = nla_get_u16(tb[PL_A_BACKEND_HEALTH_CODE]);
	out_nest_begin("health");
	out_enum("state", "health", &pl_health_states,
		 nla_get_u8(tb[PL_A_BACKEND_HEALTH]));
	if (reason < ARRAY_SIZE(health_reasons) &&
	    health_reasons[reason].code) {
		out_str("reason", "reason", health_reasons[reason].code);
		if (code)
			out_u32("code", "code", code);
		snprintf(desc, sizeof(desc),
			 health_reasons[reason].description, code);
		if (out_json())
			out_str("description", NULL, desc);
	}
	out_nest_end();
}

int backend_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_BACKEND_MAX, backend_policy))
		return -1;
	return tb[PL_A_BACKEND_SERVICE] && tb[PL_A_BACKEND_ADDRESS] &&
	       tb[PL_A_BACKEND_AZ] && tb[PL_A_BACKEND_WEIGHT] &&
	       tb[PL_A_BACKEND_STATE] ? 0 : -1;
}

void backend_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_BACKEND_MAX + 1];

	if (backend_parse(nlh, tb))
		return;
	out_obj_begin(key);
	out_str("service", NULL, nla_get_string(tb[PL_A_BACKEND_SERVICE]));
	out_addr("address", NULL, nla_get_u32(tb[PL_A_BACKEND_ADDRESS]));
	out_str("az", "az", nla_get_string(tb[PL_A_BACKEND_AZ]));
	if (tb[PL_A_BACKEND_PORT])
		out_u32("port", "port", nla_get_u16(tb[PL_A_BACKEND_PORT]));
	out_u32("weight", "weight", nla_get_u32(tb[PL_A_BACKEND_WEIGHT]));
	out_enum("state", "state", &pl_backend_states,
		 nla_get_u8(tb[PL_A_BACKEND_STATE]));
	backend_print_health(tb);
	out_obj_end();
}

/* SERVICE ADDRESS, which name a backend. */
static int backend_key(struct pl_args *a, struct nl_msg *m)
{
	return req_name(a, m, PL_A_BACKEND_SERVICE, "SERVICE") ?:
	       req_addr(a, m, PL_A_BACKEND_ADDRESS, "ADDRESS");
}

static const struct pl_kw backend_add_kws[] = {
	{ "az", kw_string, PL_A_BACKEND_AZ, NULL, PL_KW_REQUIRED },
	{ "port", kw_u16, PL_A_BACKEND_PORT, &pl_port_range, 0 },
	{ "weight", kw_u32, PL_A_BACKEND_WEIGHT, &pl_weight_range, 0 },
	{ }
};

static int backend_add(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_BACKEND_ADD, 0);

	return req_send(m, backend_key(a, m) ?:
			   req_kws(a, m, backend_add_kws));
}

static const struct pl_kw backend_set_kws[] = {
	{ "weight", kw_u32, PL_A_BACKEND_WEIGHT, &pl_weight_range, 0 },
	{ "state", kw_enum, PL_A_BACKEND_STATE, &pl_backend_states, 0 },
	{ }
};

static int backend_set(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_BACKEND_SET, 0);
	int err;

	err = backend_key(a, m);
	if (!err && !a->argc)
		err = usage_err(a, "nothing to set");
	return req_send(m, err ?: req_kws(a, m, backend_set_kws));
}

static int backend_del(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_BACKEND_DEL, 0);

	return req_send(m, backend_key(a, m) ?: arg_end(a));
}

static int backend_show(struct pl_args *a)
{
	struct nl_msg *m;

	if (!a->argc) {
		m = nl_req(PL_CMD_BACKEND_GET, NLM_F_DUMP);
		return req_show(m, 0, "backends", backend_print);
	}
	if (a->argc == 1) {
		m = nl_req(PL_CMD_BACKEND_GET, NLM_F_DUMP);
		return req_show(m, req_service(a, m, PL_A_BACKEND_SERVICE),
				"backends", backend_print);
	}
	m = nl_req(PL_CMD_BACKEND_GET, 0);
	return req_show(m, backend_key(a, m) ?: arg_end(a), "backends",
			backend_print);
}

static const struct pl_cmd backend_cmds[] = {
	{ "add", backend_add,
	  "backend add SERVICE ADDRESS az AZ [port PORT] [weight W]" },
	{ "set", backend_set,
	  "backend set SERVICE ADDRESS [weight W] [state {active|drain}]" },
	{ "del", backend_del, "backend del SERVICE ADDRESS" },
	{ "show", backend_show, "backend show [SERVICE [ADDRESS]]" },
	{ }
};

const struct pl_object pl_backend = { "backend", backend_cmds };
