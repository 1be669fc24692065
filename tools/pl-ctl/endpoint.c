// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl endpoint: interface endpoints (the consumer side), their ENIs,
 * allowed source prefixes, state and DNS names.
 *
 *   vpce-1 service svc1 state available dns vpce-1.svc1.vpce.internal
 *       private-dns on private-name api.example.com
 *       ip-address-type dualstack                (when not ipv4)
 *       eni subnet-a ip 10.0.1.4 ipv6 2001:db8:1::4 az us-east-1a
 *           dns vpce-1-us-east-1a.svc1.vpce.internal
 *           id eni-004b103bc737e50e8                 (on the same line)
 *       allow 10.0.0.0/16
 *   {"id":"vpce-1","service":"svc1","state":"available",
 *    "dns":"vpce-1.svc1.vpce.internal","private-dns":true,
 *    "private-name":"api.example.com","ip-address-type":"dualstack",
 *    "eni":[{"subnet":"subnet-a","ip":"10.0.1.4","ipv6":"2001:db8:1::4",
 *    "az":"us-east-1a",
 *    "dns":"vpce-1-us-east-1a.svc1.vpce.internal",
 *    "id":"eni-004b103bc737e50e8"}],"allow":["10.0.0.0/16"]}
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

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

static struct nla_policy endpoint_policy[PL_A_ENDPOINT_MAX + 1] = {
	[PL_A_ENDPOINT_ID] = { .type = NLA_STRING },
	[PL_A_ENDPOINT_SERVICE] = { .type = NLA_STRING },
	[PL_A_ENDPOINT_ENI] = { .type = NLA_NESTED },
	[PL_A_ENDPOINT_ALLOW] = { .type = NLA_NESTED },
	[PL_A_ENDPOINT_STATE] = { .type = NLA_U8 },
	[PL_A_ENDPOINT_PRIVATE_DNS] = { .type = NLA_U8 },
	[PL_A_ENDPOINT_IP_ADDRESS_TYPE] = { .type = NLA_U8 },
};

static struct nla_policy eni_policy[PL_A_ENI_MAX + 1] = {
	[PL_A_ENI_SUBNET] = { .type = NLA_STRING },
	[PL_A_ENI_IP] = { .type = NLA_U32 },
	[PL_A_ENI_AZ] = { .type = NLA_STRING },
	[PL_A_ENI_ADDR_STATE] = { .type = NLA_U8 },
	[PL_A_ENI_CONFLICT] = { .type = NLA_U8 },
	[PL_A_ENI_CONFLICT_MAC] = { .type = NLA_UNSPEC },
	[PL_A_ENI_CONFLICT_IFINDEX] = { .type = NLA_U32 },
	[PL_A_ENI_IPV6] = { .minlen = 16 },
};

static struct nla_policy prefix_policy[PL_A_PREFIX_MAX + 1] = {
	[PL_A_PREFIX_ADDRESS] = { .type = NLA_U32 },
	[PL_A_PREFIX_LEN] = { .type = NLA_U8 },
	[PL_A_PREFIX_IPV6] = { .minlen = 16 },
};

int endpoint_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_ENDPOINT_MAX, endpoint_policy))
		return -1;
	return tb[PL_A_ENDPOINT_ID] && tb[PL_A_ENDPOINT_SERVICE] &&
	       tb[PL_A_ENDPOINT_STATE] ? 0 : -1;
}

int eni_parse(struct nlattr *nest, struct nlattr **tb)
{
	if (nla_parse_nested(tb, PL_A_ENI_MAX, nest, eni_policy))
		return -1;
	return tb[PL_A_ENI_SUBNET] && tb[PL_A_ENI_AZ] &&
	       (tb[PL_A_ENI_IP] || tb[PL_A_ENI_IPV6]) ? 0 : -1;
}

int prefix_parse(struct nlattr *nest, __u32 *addr, __u8 *len)
{
	struct nlattr *tb[PL_A_PREFIX_MAX + 1];

	if (nla_parse_nested(tb, PL_A_PREFIX_MAX, nest, prefix_policy) ||
	    !tb[PL_A_PREFIX_ADDRESS] || !tb[PL_A_PREFIX_LEN])
		return -1;
	*addr = nla_get_u32(tb[PL_A_PREFIX_ADDRESS]);
	*len = nla_get_u8(tb[PL_A_PREFIX_LEN]);
	return 0;
}

/* A prefix nest of either family as "A.B.C.D/LEN" or "X:X::X/LEN". */
int prefix_text(struct nlattr *nest, char *buf)
{
	struct nlattr *tb[PL_A_PREFIX_MAX + 1];
	char a[INET6_ADDRSTRLEN];

	if (nla_parse_nested(tb, PL_A_PREFIX_MAX, nest, prefix_policy) ||
	    !tb[PL_A_PREFIX_LEN])
		return -1;
	if (!attr_addr_str(tb[PL_A_PREFIX_ADDRESS], tb[PL_A_PREFIX_IPV6], a))
		return -1;
	snprintf(buf, PREFIX_TEXT_LEN, "%s/%u", a,
		 nla_get_u8(tb[PL_A_PREFIX_LEN]));
	return 0;
}

/* ID.SERVICE.SUFFIX, or ID-AZ.SERVICE.SUFFIX with an AZ (dns.c). */
const char *endpoint_dns_name(char *buf, const char *id, const char *az,
			      const char *svc)
{
	snprintf(buf, PL_DNS_LEN, "%s%s%s.%s.%s", id, az ? "-" : "",
		 az ? az : "", svc, dns_suffix());
	return buf;
}

/*
 * The ENI's id in flow logs: a hash of its endpoint and subnet, the same
 * on every router with the same configuration (FNV-1a).
 */
const char *eni_id(char *buf, const char *endpoint, const char *subnet)
{
	const char *const parts[] = { endpoint, subnet };
	__u64 h = 0xcbf29ce484222325ULL;
	const unsigned char *p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		for (p = (const unsigned char *)parts[i]; ; p++) {
			h = (h ^ *p) * 0x100000001b3ULL;
			if (!*p)
				break;
		}
	}
	snprintf(buf, PL_ENI_ID_LEN, "eni-%017llx", (unsigned long long)h);
	return buf;
}

static void endpoint_print_enis(struct nlmsghdr *nlh, const char *id,
				const char *svc)
{
	struct nlattr *nla = NULL, *tb[PL_A_ENI_MAX + 1];
	char dns[PL_DNS_LEN], eni[PL_ENI_ID_LEN];
	const char *az, *subnet;

	out_arr_begin("eni");
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ENI, nla))) {
		if (eni_parse(nla, tb))
			continue;
		az = nla_get_string(tb[PL_A_ENI_AZ]);
		subnet = nla_get_string(tb[PL_A_ENI_SUBNET]);
		out_item_begin();
		out_cont();
		out_str("subnet", "eni", subnet);
		if (tb[PL_A_ENI_IP])
			out_addr("ip", "ip", nla_get_u32(tb[PL_A_ENI_IP]));
		if (tb[PL_A_ENI_IPV6])
			out_addr6("ipv6", "ipv6", nla_data(tb[PL_A_ENI_IPV6]));
		out_str("az", "az", az);
		out_str("dns", "dns", endpoint_dns_name(dns, id, az, svc));
		out_str("id", "id", eni_id(eni, id, subnet));
		addr_state_print(tb[PL_A_ENI_ADDR_STATE], tb[PL_A_ENI_CONFLICT],
				 tb[PL_A_ENI_CONFLICT_MAC],
				 tb[PL_A_ENI_CONFLICT_IFINDEX]);
		out_item_end();
	}
	out_arr_end();
}

static void endpoint_print_allow(struct nlmsghdr *nlh)
{
	char prefix[PREFIX_TEXT_LEN];
	struct nlattr *nla = NULL;

	out_arr_begin("allow");
	while ((nla = nl_attr_next(nlh, PL_A_ENDPOINT_ALLOW, nla))) {
		if (prefix_text(nla, prefix))
			continue;
		out_cont();
		out_str(NULL, "allow", prefix);
	}
	out_arr_end();
}

void endpoint_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_ENDPOINT_MAX + 1];
	const char *id, *svc;
	char dns[PL_DNS_LEN];
	__u8 type;
	int on;

	if (endpoint_parse(nlh, tb))
		return;
	id = nla_get_string(tb[PL_A_ENDPOINT_ID]);
	svc = nla_get_string(tb[PL_A_ENDPOINT_SERVICE]);
	out_obj_begin(key);
	out_str("id", NULL, id);
	out_str("service", "service", svc);
	out_enum("state", "state", &pl_endpoint_states,
		 nla_get_u8(tb[PL_A_ENDPOINT_STATE]));
	out_str("dns", "dns", endpoint_dns_name(dns, id, NULL, svc));
	on = tb[PL_A_ENDPOINT_PRIVATE_DNS] &&
	     nla_get_u8(tb[PL_A_ENDPOINT_PRIVATE_DNS]);
	out_bool("private-dns", "private-dns", on);
	if (on && dns_private_name(svc))
		out_str("private-name", "private-name", dns_private_name(svc));
	type = tb[PL_A_ENDPOINT_IP_ADDRESS_TYPE] ?
	       nla_get_u8(tb[PL_A_ENDPOINT_IP_ADDRESS_TYPE]) :
	       PL_IP_ADDRESS_TYPE_IPV4;
	if (out_json() || type != PL_IP_ADDRESS_TYPE_IPV4)
		out_enum("ip-address-type", "ip-address-type",
			 &pl_ip_address_types, type);
	endpoint_print_enis(nlh, id, svc);
	endpoint_print_allow(nlh);
	out_obj_end();
}

/* subnet SUBNET [ip ADDRESS] [ipv6 ADDRESS]: one ENI nest. */
static int kw_eni(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
		  const char *val)
{
	unsigned char addr6[16];
	const char *ip, *word;
	struct nlattr *nest;
	int err, v6, seen = 0;

	err = req_nest(a, m, kw->type, &nest);
	if (err)
		return err;
	err = req_put_str(a, m, PL_A_ENI_SUBNET, "subnet", val);
	while (!err && arg_peek(a) && (!strcmp(arg_peek(a), "ip") ||
				       !strcmp(arg_peek(a), "ipv6"))) {
		word = arg_next(a);
		v6 = word[2] == 'v';
		if (seen & (1 << v6)) {
			err = usage_err(a, "\"%s\" given twice for subnet \"%s\"",
					word, val);
			break;
		}
		seen |= 1 << v6;
		ip = arg_next(a);
		if (!ip)
			err = usage_err(a, "missing value after \"%s\"", word);
		else if (!v6)
			err = req_addr_str(a, m, PL_A_ENI_IP, "ip", ip);
		else
			err = parse_addr6(a, "ipv6", ip, addr6) ?:
			      req_put(a, m, PL_A_ENI_IPV6, sizeof(addr6),
				      addr6);
	}
	nla_nest_end(m, nest);
	return err;
}

static int kw_ip(struct pl_args *a, struct nl_msg *m __maybe_unused,
		 const struct pl_kw *kw, const char *val __maybe_unused)
{
	return usage_err(a, "\"%s\" must follow \"subnet SUBNET\"",
			 kw->name);
}

/*
 * An IPv6 prefix of an allow list: X:X::X/LEN, or X:X::X alone (a /128);
 * the address in addr6.
 */
static int parse_allow6(struct pl_args *a, const char *val,
			unsigned char *addr6, __u8 *len)
{
	*len = 128;
	if (strchr(val, '/'))
		return parse_prefix6(a, "allow prefix", val, addr6, len);
	return parse_addr6(a, "allow prefix", val, addr6);
}

/*
 * allow PREFIX: one prefix nest; A.B.C.D alone is a /32, X:X::X alone a
 * /128.
 */
static int kw_allow(struct pl_args *a, struct nl_msg *m,
		    const struct pl_kw *kw, const char *val)
{
	int v6 = !!strchr(val, ':');
	unsigned char addr6[16];
	struct nlattr *nest;
	__u32 addr;
	__u8 len;
	int err;

	err = (v6 ? parse_allow6(a, val, addr6, &len) :
		    parse_prefix(a, "allow prefix", val, 0, &addr, &len)) ?:
	      req_count_max(a, m, kw->type, "allow prefixes", PL_MAX_ALLOW) ?:
	      req_nest(a, m, kw->type, &nest);
	if (err)
		return err;
	err = (v6 ? req_put(a, m, PL_A_PREFIX_IPV6, sizeof(addr6), addr6) :
		    req_put(a, m, PL_A_PREFIX_ADDRESS, sizeof(addr), &addr)) ?:
	      req_put_u8(a, m, PL_A_PREFIX_LEN, len);
	nla_nest_end(m, nest);
	return err;
}

static const struct pl_kw endpoint_add_kws[] = {
	{ "service", kw_string, PL_A_ENDPOINT_SERVICE, NULL, PL_KW_REQUIRED },
	{ "subnet", kw_eni, PL_A_ENDPOINT_ENI, NULL,
	  PL_KW_REQUIRED | PL_KW_MULTI },
	{ "ip", kw_ip, 0, NULL, PL_KW_MULTI },
	{ "ipv6", kw_ip, 0, NULL, PL_KW_MULTI },
	{ "ip-address-type", kw_enum, PL_A_ENDPOINT_IP_ADDRESS_TYPE,
	  &pl_ip_address_types, 0 },
	{ "allow", kw_allow, PL_A_ENDPOINT_ALLOW, NULL, PL_KW_MULTI },
	{ "private-dns", kw_enum, PL_A_ENDPOINT_PRIVATE_DNS, &pl_on_off, 0 },
	{ }
};

static int endpoint_add(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_ENDPOINT_ADD, 0);

	return req_send(m, req_name(a, m, PL_A_ENDPOINT_ID, "ID") ?:
			   req_kws(a, m, endpoint_add_kws));
}

static int endpoint_set_state(struct pl_args *a, __u8 state)
{
	struct nl_msg *m = nl_req(PL_CMD_ENDPOINT_SET, 0);

	return req_send(m, req_name(a, m, PL_A_ENDPOINT_ID, "ID") ?:
			   arg_end(a) ?:
			   req_put_u8(a, m, PL_A_ENDPOINT_STATE, state));
}

static int endpoint_set(struct pl_args *a)
{
	static const struct pl_kw kws[] = {
		{ "private-dns", kw_enum, PL_A_ENDPOINT_PRIVATE_DNS, &pl_on_off,
		  PL_KW_REQUIRED },
		{ }
	};
	struct nl_msg *m = nl_req(PL_CMD_ENDPOINT_SET, 0);

	return req_send(m, req_name(a, m, PL_A_ENDPOINT_ID, "ID") ?:
			   req_kws(a, m, kws));
}

static int endpoint_accept(struct pl_args *a)
{
	return endpoint_set_state(a, PL_ENDPOINT_STATE_AVAILABLE);
}

static int endpoint_reject(struct pl_args *a)
{
	return endpoint_set_state(a, PL_ENDPOINT_STATE_REJECTED);
}

static int endpoint_allow_edit(struct pl_args *a, __u8 cmd)
{
	static const struct pl_kw kw = { "allow", kw_allow,
					 PL_A_ENDPOINT_ALLOW, NULL, 0 };
	struct nl_msg *m = nl_req(cmd, 0);
	const char *prefix;

	return req_send(m, req_name(a, m, PL_A_ENDPOINT_ID, "ID") ?:
			   arg_need(a, "PREFIX", &prefix) ?: arg_end(a) ?:
			   kw_allow(a, m, &kw, prefix));
}

static int endpoint_allow_add(struct pl_args *a)
{
	return endpoint_allow_edit(a, PL_CMD_ENDPOINT_ALLOW_ADD);
}

static int endpoint_allow_del(struct pl_args *a)
{
	return endpoint_allow_edit(a, PL_CMD_ENDPOINT_ALLOW_DEL);
}

static int endpoint_del(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_ENDPOINT_DEL, 0);

	return req_send(m, req_name(a, m, PL_A_ENDPOINT_ID, "ID") ?:
			   arg_end(a));
}

/* A get of one endpoint, or a dump of all, or of one service's. */
struct nl_msg *endpoint_get(struct pl_args *a, int *err)
{
	struct nl_msg *m;

	if (a->argc == 1) {
		m = nl_req(PL_CMD_ENDPOINT_GET, 0);
		*err = req_name(a, m, PL_A_ENDPOINT_ID, "ID");
		return m;
	}
	m = nl_req(PL_CMD_ENDPOINT_GET, NLM_F_DUMP);
	if (!a->argc)
		*err = 0;
	else if (!strcmp(arg_next(a), "service"))
		*err = req_service(a, m, PL_A_ENDPOINT_SERVICE);
	else
		*err = arg_end(a);
	return m;
}

static int endpoint_show(struct pl_args *a)
{
	struct nl_msg *m;
	int err;

	m = endpoint_get(a, &err);
	if (!err)
		err = dns_names_load();
	return req_show(m, err, "endpoints", endpoint_print);
}

static const struct pl_cmd endpoint_cmds[] = {
	{ "add", endpoint_add,
	  "endpoint add ID service NAME [ip-address-type {ipv4|dualstack|ipv6}] subnet SUBNET [ip ADDRESS] [ipv6 ADDRESS] [subnet SUBNET [ip ADDRESS] [ipv6 ADDRESS]]... [allow PREFIX]... [private-dns {on|off}]",
	},
	{ "set", endpoint_set, "endpoint set ID private-dns {on|off}" },
	{ "accept", endpoint_accept, "endpoint accept ID" },
	{ "reject", endpoint_reject, "endpoint reject ID" },
	{ "allow add", endpoint_allow_add, "endpoint allow add ID PREFIX" },
	{ "allow del", endpoint_allow_del, "endpoint allow del ID PREFIX" },
	{ "del", endpoint_del, "endpoint del ID" },
	{ "show", endpoint_show, "endpoint show [ID | service NAME]" },
	{ "dns", endpoint_dns,
	  "endpoint dns [ID | service NAME] [format {hosts|unbound|zone}]" },
	{ }
};

const struct pl_object pl_endpoint = { "endpoint", endpoint_cmds };
