// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl limits: the namespace's object limits, and their usage.
 *
 *   azs 2 max 32
 *   subnets 3 max 10000
 *   services 1 max 10000
 *   backends 4 max 200000
 *   endpoints 1 max 100000
 *   flows 12 max 262144
 *   reject-logs max 100 per second
 *   fast-path on
 *   {"metainfo":{...},"limits":{"max-azs":32,...,"azs":2,...,"flows":12,
 *    "max-reject-logs":100,"fast-path":true}}
 */

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

/* max-X for each X, then each X in use, in the same order. */
#define PL_LIMITS	(PL_A_LIMITS_AZS - PL_A_LIMITS_MAX_AZS)

static struct nla_policy limits_policy[PL_A_LIMITS_MAX + 1] = {
	[PL_A_LIMITS_MAX_AZS ... PL_A_LIMITS_MAX_REJECT_LOGS] = {
		.type = NLA_U32
	},
	[PL_A_LIMITS_FAST_PATH] = { .type = NLA_U8 },
};

int limits_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	int i;

	if (nl_parse(nlh, tb, PL_A_LIMITS_MAX, limits_policy))
		return -1;
	for (i = PL_A_LIMITS_MAX_AZS; i <= PL_A_LIMITS_FAST_PATH; i++) {
		if (!tb[i])
			return -1;
	}
	return 0;
}

void limits_print(struct nlmsghdr *nlh, const char *key)
{
	const struct pl_set *set = pl_cmd_set(PL_CMD_LIMITS_GET);
	struct nlattr *tb[PL_A_LIMITS_MAX + 1];
	int i, used;

	if (limits_parse(nlh, tb))
		return;
	out_obj_begin(key);
	for (i = PL_A_LIMITS_MAX_AZS; i <= PL_A_LIMITS_MAX_FLOWS; i++) {
		if (out_json()) {
			out_u32(pl_attr_name(set, i), NULL, nla_get_u32(tb[i]));
			continue;
		}
		used = i + PL_LIMITS;
		if (i != PL_A_LIMITS_MAX_AZS)
			out_newline();
		out_u32(NULL, pl_attr_name(set, used), nla_get_u32(tb[used]));
		out_u32(NULL, "max", nla_get_u32(tb[i]));
	}
	for (i = PL_A_LIMITS_AZS; out_json() && i <= PL_A_LIMITS_FLOWS; i++)
		out_u32(pl_attr_name(set, i), NULL, nla_get_u32(tb[i]));
	i = PL_A_LIMITS_MAX_REJECT_LOGS;
	if (out_json()) {
		out_u32(pl_attr_name(set, i), NULL, nla_get_u32(tb[i]));
	} else {
		out_newline();
		out_u32(NULL, "reject-logs max", nla_get_u32(tb[i]));
		out_str(NULL, "per second", NULL);
		out_newline();
	}
	out_bool(pl_attr_name(set, PL_A_LIMITS_FAST_PATH), "fast-path",
		 nla_get_u8(tb[PL_A_LIMITS_FAST_PATH]));
	out_obj_end();
}

static int limits_show(struct pl_args *a)
{
	struct pl_objs objs = { NULL };
	struct nl_msg *m;
	int err;

	m = nl_req(PL_CMD_LIMITS_GET, 0);
	err = arg_end(a);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	err = nl_exec(m, &objs);
	if (!err && objs.n) {
		out_doc_begin();
		limits_print(objs_next(&objs, NULL), "limits");
		out_doc_end();
	}
	objs_free(&objs);
	return err;
}

static const struct pl_kw limits_set_kws[] = {
	{ "max-azs", kw_u32, PL_A_LIMITS_MAX_AZS, &pl_max_azs_range, 0 },
	{ "max-subnets", kw_u32, PL_A_LIMITS_MAX_SUBNETS,
	  &pl_limit_range, 0 },
	{ "max-services", kw_u32, PL_A_LIMITS_MAX_SERVICES,
	  &pl_limit_range, 0 },
	{ "max-backends", kw_u32, PL_A_LIMITS_MAX_BACKENDS,
	  &pl_limit_range, 0 },
	{ "max-endpoints", kw_u32, PL_A_LIMITS_MAX_ENDPOINTS,
	  &pl_limit_range, 0 },
	{ "max-flows", kw_u32, PL_A_LIMITS_MAX_FLOWS,
	  &pl_limit_range, 0 },
	{ "max-reject-logs", kw_u32, PL_A_LIMITS_MAX_REJECT_LOGS, NULL, 0 },
	{ "fast-path", kw_enum, PL_A_LIMITS_FAST_PATH, &pl_on_off, 0 },
	{ }
};

static int limits_set(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_LIMITS_SET, 0);

	if (!a->argc)
		return req_send(m, usage_err(a, "nothing to set"));
	return req_send(m, req_kws(a, m, limits_set_kws));
}

static const struct pl_cmd limits_cmds[] = {
	{ "show", limits_show, "limits show" },
	{ "set", limits_set,
	  "limits set [max-azs N] [max-subnets N] [max-services N] [max-backends N] [max-endpoints N] [max-flows N] [max-reject-logs N] [fast-path {on|off}]",
	},
	{ }
};

const struct pl_object pl_limits = { "limits", limits_cmds };
