// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl subnet: subnets in one zone (an IPv4 prefix, an IPv6 prefix or
 * both), where endpoint IPs are placed.
 *
 *   subnet-a prefix 10.0.1.0/24 ipv6-prefix 2001:db8:1::/64 az us-east-1a
 *       dev eth1 probe on                      (on one line)
 *   {"id":"subnet-a","prefix":"10.0.1.0/24","ipv6-prefix":"2001:db8:1::/64",
 *    "az":"us-east-1a","ifindex":3,"dev":"eth1","probe":true}
 */

#include <net/if.h>
#include <stdio.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static struct nla_policy subnet_policy[PL_A_SUBNET_MAX + 1] = {
	[PL_A_SUBNET_ID] = { .type = NLA_STRING },
	[PL_A_SUBNET_PREFIX] = { .type = NLA_U32 },
	[PL_A_SUBNET_PREFIX_LEN] = { .type = NLA_U8 },
	[PL_A_SUBNET_AZ] = { .type = NLA_STRING },
	[PL_A_SUBNET_IFINDEX] = { .type = NLA_U32 },
	[PL_A_SUBNET_PROBE] = { .type = NLA_U8 },
	[PL_A_SUBNET_IPV6_PREFIX] = { .minlen = 16 },
	[PL_A_SUBNET_IPV6_PREFIX_LEN] = { .type = NLA_U8 },
};

int subnet_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_SUBNET_MAX, subnet_policy))
		return -1;
	if (!tb[PL_A_SUBNET_PREFIX] != !tb[PL_A_SUBNET_PREFIX_LEN] ||
	    !tb[PL_A_SUBNET_IPV6_PREFIX] != !tb[PL_A_SUBNET_IPV6_PREFIX_LEN])
		return -1;
	return tb[PL_A_SUBNET_ID] && tb[PL_A_SUBNET_AZ] &&
	       (tb[PL_A_SUBNET_PREFIX] || tb[PL_A_SUBNET_IPV6_PREFIX]) ? 0 : -1;
}

/* The interface's name, or "ifN" when it has none (any more). */
const char *subnet_dev(__u32 ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

void subnet_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_SUBNET_MAX + 1];
	char dev[IF_NAMESIZE];
	__u32 ifindex;

	if (subnet_parse(nlh, tb))
		return;
	out_obj_begin(key);
	out_str("id", NULL, nla_get_string(tb[PL_A_SUBNET_ID]));
	if (tb[PL_A_SUBNET_PREFIX])
		out_prefix("prefix", "prefix",
			   nla_get_u32(tb[PL_A_SUBNET_PREFIX]),
			   nla_get_u8(tb[PL_A_SUBNET_PREFIX_LEN]));
	if (tb[PL_A_SUBNET_IPV6_PREFIX])
		out_prefix6("ipv6-prefix", "ipv6-prefix",
			    nla_data(tb[PL_A_SUBNET_IPV6_PREFIX]),
			    nla_get_u8(tb[PL_A_SUBNET_IPV6_PREFIX_LEN]));
	out_str("az", "az", nla_get_string(tb[PL_A_SUBNET_AZ]));
	if (tb[PL_A_SUBNET_IFINDEX]) {
		ifindex = nla_get_u32(tb[PL_A_SUBNET_IFINDEX]);
		if (out_json())
			out_u32("ifindex", NULL, ifindex);
		out_str("dev", "dev", subnet_dev(ifindex, dev));
	}
	if (tb[PL_A_SUBNET_PROBE])
		out_bool("probe", "probe", nla_get_u8(tb[PL_A_SUBNET_PROBE]));
	out_obj_end();
}

/* prefix A.B.C.D/LEN, LEN 1 to 29: two attributes. */
static int kw_prefix(struct pl_args *a, struct nl_msg *m,
		     const struct pl_kw *kw, const char *val)
{
	const struct pl_range *r = &pl_subnet_len_range;
	__u32 addr;
	__u8 len;
	int err;

	err = parse_prefix(a, kw->name, val, 1, &addr, &len);
	if (!err && (len < r->min || len > r->max))
		err = usage_err(a, "%s \"%s\": length %u is out of range (%u to %u)",
				kw->name, val, len, r->min, r->max);
	return err ?:
	       req_put(a, m, PL_A_SUBNET_PREFIX, sizeof(addr), &addr) ?:
	       req_put_u8(a, m, PL_A_SUBNET_PREFIX_LEN, len);
}

/* ipv6-prefix X:X::/LEN, LEN 1 to 124: two attributes. */
static int kw_prefix6(struct pl_args *a, struct nl_msg *m,
		      const struct pl_kw *kw, const char *val)
{
	const struct pl_range *r = &pl_subnet_len6_range;
	unsigned char addr[16];
	__u8 len;
	int err;

	err = parse_prefix6(a, kw->name, val, addr, &len);
	if (!err && (len < r->min || len > r->max))
		err = usage_err(a, "%s \"%s\": length %u is out of range (%u to %u)",
				kw->name, val, len, r->min, r->max);
	return err ?:
	       req_put(a, m, PL_A_SUBNET_IPV6_PREFIX, sizeof(addr), addr) ?:
	       req_put_u8(a, m, PL_A_SUBNET_IPV6_PREFIX_LEN, len);
}

/* dev IFNAME: its index, in the namespace pl-ctl runs in. */
static int kw_dev(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
		  const char *val)
{
	__u32 ifindex = if_nametoindex(val);

	if (!ifindex)
		return fail_err("interface \"%s\" does not exist", val);
	return req_put(a, m, kw->type, sizeof(ifindex), &ifindex);
}

static const struct pl_kw subnet_add_kws[] = {
	{ "prefix", kw_prefix, PL_A_SUBNET_PREFIX, NULL, 0 },
	{ "ipv6-prefix", kw_prefix6, PL_A_SUBNET_IPV6_PREFIX, NULL, 0 },
	{ "az", kw_string, PL_A_SUBNET_AZ, NULL, PL_KW_REQUIRED },
	{ "dev", kw_dev, PL_A_SUBNET_IFINDEX, NULL, 0 },
	{ "probe", kw_enum, PL_A_SUBNET_PROBE, &pl_on_off, 0 },
	{ }
};

static const struct pl_kw subnet_set_kws[] = {
	{ "probe", kw_enum, PL_A_SUBNET_PROBE, &pl_on_off, PL_KW_REQUIRED },
	{ }
};

static int subnet_add(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SUBNET_ADD, 0);
	int err;

	err = req_name(a, m, PL_A_SUBNET_ID, "ID") ?:
	      req_kws(a, m, subnet_add_kws);
	if (!err && !req_attr(m, PL_A_SUBNET_PREFIX) &&
	    !req_attr(m, PL_A_SUBNET_IPV6_PREFIX))
		err = usage_err(a, "missing \"prefix\" or \"ipv6-prefix\"");
	return req_send(m, err);
}

static int subnet_set(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SUBNET_SET, 0);

	return req_send(m, req_name(a, m, PL_A_SUBNET_ID, "ID") ?:
			   req_kws(a, m, subnet_set_kws));
}

static int subnet_del(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SUBNET_DEL, 0);

	return req_send(m, req_name(a, m, PL_A_SUBNET_ID, "ID") ?:
			   arg_end(a));
}

static int subnet_show(struct pl_args *a)
{
	struct nl_msg *m;

	if (a->argc != 1) {
		m = nl_req(PL_CMD_SUBNET_GET, NLM_F_DUMP);
		return req_show(m, arg_end(a), "subnets", subnet_print);
	}
	m = nl_req(PL_CMD_SUBNET_GET, 0);
	return req_show(m, req_name(a, m, PL_A_SUBNET_ID, "ID"),
			"subnets", subnet_print);
}

static const struct pl_cmd subnet_cmds[] = {
	{ "add", subnet_add,
	  "subnet add ID [prefix A.B.C.D/LEN] [ipv6-prefix X:X::/LEN] az AZ [dev IFNAME] [probe {on|off}]",
	},
	{ "set", subnet_set, "subnet set ID probe {on|off}" },
	{ "del", subnet_del, "subnet del ID" },
	{ "show", subnet_show, "subnet show [ID]" },
	{ }
};

const struct pl_object pl_subnet = { "subnet", subnet_cmds };
