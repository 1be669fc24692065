// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl az: availability zones.
 *
 *   us-east-1a id use1-az1 state up
 *   {"name":"us-east-1a","zone-id":"use1-az1","state":"up"}
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

static struct nla_policy az_policy[PL_A_AZ_MAX + 1] = {
	[PL_A_AZ_NAME] = { .type = NLA_STRING },
	[PL_A_AZ_ZONE_ID] = { .type = NLA_STRING },
	[PL_A_AZ_STATE] = { .type = NLA_U8 },
};

int az_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_AZ_MAX, az_policy))
		return -1;
	return tb[PL_A_AZ_NAME] && tb[PL_A_AZ_STATE] ? 0 : -1;
}

void az_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_AZ_MAX + 1];

	if (az_parse(nlh, tb))
		return;
	out_obj_begin(key);
	out_str("name", NULL, nla_get_string(tb[PL_A_AZ_NAME]));
	if (tb[PL_A_AZ_ZONE_ID])
		out_str("zone-id", "id", nla_get_string(tb[PL_A_AZ_ZONE_ID]));
	out_enum("state", "state", &pl_az_states,
		 nla_get_u8(tb[PL_A_AZ_STATE]));
	out_obj_end();
}

static const struct pl_kw az_add_kws[] = {
	{ "id", kw_string, PL_A_AZ_ZONE_ID, NULL, 0 },
	{ }
};

static int az_add(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_AZ_ADD, 0);

	return req_send(m, req_name(a, m, PL_A_AZ_NAME, "NAME") ?:
			   req_kws(a, m, az_add_kws));
}

static const struct pl_kw az_set_kws[] = {
	{ "state", kw_enum, PL_A_AZ_STATE, &pl_az_states, PL_KW_REQUIRED },
	{ }
};

static int az_set(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_AZ_SET, 0);

	return req_send(m, req_name(a, m, PL_A_AZ_NAME, "NAME") ?:
			   req_kws(a, m, az_set_kws));
}

static int az_del(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_AZ_DEL, 0);

	return req_send(m, req_name(a, m, PL_A_AZ_NAME, "NAME") ?:
			   arg_end(a));
}

static int az_show(struct pl_args *a)
{
	struct nl_msg *m;

	if (a->argc != 1) {
		m = nl_req(PL_CMD_AZ_GET, NLM_F_DUMP);
		return req_show(m, arg_end(a), "azs", az_print);
	}
	m = nl_req(PL_CMD_AZ_GET, 0);
	return req_show(m, req_name(a, m, PL_A_AZ_NAME, "NAME"), "azs",
			az_print);
}

static const struct pl_cmd az_cmds[] = {
	{ "add", az_add, "az add NAME [id ZONE-ID]" },
	{ "set", az_set, "az set NAME state {up|down}" },
	{ "del", az_del, "az del NAME" },
	{ "show", az_show, "az show [NAME]" },
	{ }
};

const struct pl_object pl_az = { "az", az_cmds };
