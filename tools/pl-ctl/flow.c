// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl flow: the TCP connections carried through endpoints, shown as
 * conntrack shows its own, on one line each, and flushed; flow log is
 * flowlog.c.
 *
 *   tcp established orig 10.0.1.10:45722 -> 10.0.1.50:80
 *       reply 192.168.1.10:8080 -> 192.168.1.100:58262 endpoint vpce-1
 *       subnet subnet-a service svc backend 192.168.1.10 age 7.4s idle 0.2s
 *       packets 5/4 bytes 268/235 node 2 learned    (all on one line)
 *   {"endpoint":"vpce-1","subnet":"subnet-a","service":"svc",
 *    "backend":"192.168.1.10","orig":{"saddr":"10.0.1.10",
 *    "daddr":"10.0.1.50","sport":45722,"dport":80},
 *    "reply":{"saddr":"192.168.1.10",...},
 *    "state":"established","age":7412,"idle":203,"packets-orig":5,
 *    "bytes-orig":268,"packets-reply":4,"bytes-reply":235,"node":2,
 *    "learned":true}
 *
 * Ages are in seconds to a tenth in plain text, in milliseconds in JSON;
 * packets and bytes are orig/reply. The node that created the flow, and
 * whether it was learned from a peer, come only while routers sync. Flows
 * come and go while they are dumped: a dump is no snapshot, and is
 * printed as it arrives.
 */

#include <arpa/inet.h>
#include <stdio.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "flow.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static struct nla_policy flow_policy[PL_A_FLOW_MAX + 1] = {
	[PL_A_FLOW_ENDPOINT] = { .type = NLA_STRING },
	[PL_A_FLOW_SERVICE] = { .type = NLA_STRING },
	[PL_A_FLOW_BACKEND] = { .type = NLA_U32 },
	[PL_A_FLOW_ORIG] = { .type = NLA_NESTED },
	[PL_A_FLOW_REPLY] = { .type = NLA_NESTED },
	[PL_A_FLOW_STATE] = { .type = NLA_U8 },
	[PL_A_FLOW_AGE ... PL_A_FLOW_BYTES_REPLY] = { .type = NLA_U64 },
	[PL_A_FLOW_NODE] = { .type = NLA_U32 },
	[PL_A_FLOW_LEARNED] = { .type = NLA_FLAG },
	[PL_A_FLOW_SUBNET] = { .type = NLA_STRING },
	[PL_A_FLOW_PROTOCOL] = { .type = NLA_U8 },
	[PL_A_FLOW_REASON] = { .type = NLA_U8 },
	[PL_A_FLOW_SUPPRESSED] = { .type = NLA_U32 },
};

static struct nla_policy tuple_policy[PL_A_TUPLE_MAX + 1] = {
	[PL_A_TUPLE_SADDR] = { .type = NLA_U32 },
	[PL_A_TUPLE_DADDR] = { .type = NLA_U32 },
	[PL_A_TUPLE_SPORT] = { .type = NLA_U16 },
	[PL_A_TUPLE_DPORT] = { .type = NLA_U16 },
};

int tuple_parse(struct nlattr *nest, struct flow_tuple *t)
{
	struct nlattr *tb[PL_A_TUPLE_MAX + 1];
	int i;

	if (!nest || nla_parse_nested(tb, PL_A_TUPLE_MAX, nest, tuple_policy))
		return -1;
	for (i = PL_A_TUPLE_SADDR; i <= PL_A_TUPLE_DPORT; i++) {
		if (!tb[i])
			return -1;
	}
	t->saddr = nla_get_u32(tb[PL_A_TUPLE_SADDR]);
	t->daddr = nla_get_u32(tb[PL_A_TUPLE_DADDR]);
	t->sport = nla_get_u16(tb[PL_A_TUPLE_SPORT]);
	t->dport = nla_get_u16(tb[PL_A_TUPLE_DPORT]);
	return 0;
}

/* A flow-get reply or a flow notification, with both its tuples. */
int flow_parse(struct nlmsghdr *nlh, struct nlattr **tb,
	       struct flow_tuple *orig, struct flow_tuple *reply)
{
	int i;

	if (nl_parse(nlh, tb, PL_A_FLOW_MAX, flow_policy))
		return -1;
	for (i = PL_A_FLOW_ENDPOINT; i <= PL_A_FLOW_BYTES_REPLY; i++) {
		if (!tb[i])
			return -1;
	}
	return tuple_parse(tb[PL_A_FLOW_ORIG], orig) ?:
	       tuple_parse(tb[PL_A_FLOW_REPLY], reply);
}

/* A flow-reject notification: its names and its packet's tuple. */
int flow_reject_parse(struct nlmsghdr *nlh, struct nlattr **tb,
		      struct flow_tuple *orig)
{
	static const int need[] = {
		PL_A_FLOW_ENDPOINT, PL_A_FLOW_SERVICE, PL_A_FLOW_SUBNET,
		PL_A_FLOW_PROTOCOL, PL_A_FLOW_REASON,
	};
	unsigned int i;

	if (nl_parse(nlh, tb, PL_A_FLOW_MAX, flow_policy))
		return -1;
	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!tb[need[i]])
			return -1;
	}
	return tuple_parse(tb[PL_A_FLOW_ORIG], orig);
}

/* Plain: ADDR:PORT -> ADDR:PORT; JSON: an object of the four. */
static void flow_print_tuple(const char *key, const struct flow_tuple *t)
{
	char addr[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN + 8];

	if (out_json()) {
		out_nest_begin(key);
		out_addr("saddr", NULL, t->saddr);
		out_addr("daddr", NULL, t->daddr);
		out_u32("sport", NULL, t->sport);
		out_u32("dport", NULL, t->dport);
		out_nest_end();
		return;
	}
	snprintf(s, sizeof(s), "%s:%u", addr_str(t->saddr, addr), t->sport);
	out_str(NULL, key, s);
	out_word("->");
	snprintf(s, sizeof(s), "%s:%u", addr_str(t->daddr, addr), t->dport);
	out_word(s);
}

/* Plain: packets ORIG/REPLY bytes ORIG/REPLY; JSON: the spec's four. */
static void flow_print_counts(struct nlattr **tb)
{
	const struct pl_set *set = pl_cmd_set(PL_CMD_FLOW_GET);
	char s[48];
	int i;

	if (out_json()) {
		for (i = PL_A_FLOW_PACKETS_ORIG; i <= PL_A_FLOW_BYTES_REPLY; i++)
			out_u64(pl_attr_name(set, i), NULL, nla_get_u64(tb[i]));
		return;
	}
	snprintf(s, sizeof(s), "%llu/%llu",
		 (unsigned long long)nla_get_u64(tb[PL_A_FLOW_PACKETS_ORIG]),
		 (unsigned long long)nla_get_u64(tb[PL_A_FLOW_PACKETS_REPLY]));
	out_str(NULL, "packets", s);
	snprintf(s, sizeof(s), "%llu/%llu",
		 (unsigned long long)nla_get_u64(tb[PL_A_FLOW_BYTES_ORIG]),
		 (unsigned long long)nla_get_u64(tb[PL_A_FLOW_BYTES_REPLY]));
	out_str(NULL, "bytes", s);
}

/*
 * While routers sync: the node that created the flow, and whether it was
 * learned from a peer (plain: "learned" when it was).
 */
static void flow_print_sync(struct nlattr **tb)
{
	int learned = !!tb[PL_A_FLOW_LEARNED];

	if (tb[PL_A_FLOW_NODE])
		out_u32("node", "node", nla_get_u32(tb[PL_A_FLOW_NODE]));
	if (out_json() && (tb[PL_A_FLOW_NODE] || learned))
		out_bool("learned", NULL, learned);
	else if (learned)
		out_word("learned");
}

static void flow_print_names(struct nlattr **tb)
{
	out_str("endpoint", "endpoint",
		nla_get_string(tb[PL_A_FLOW_ENDPOINT]));
	if (tb[PL_A_FLOW_SUBNET])
		out_str("subnet", "subnet",
			nla_get_string(tb[PL_A_FLOW_SUBNET]));
	out_str("service", "service", nla_get_string(tb[PL_A_FLOW_SERVICE]));
	out_addr("backend", "backend", nla_get_u32(tb[PL_A_FLOW_BACKEND]));
}

/* Plain text leads as conntrack does; JSON keeps the spec's order. */
void flow_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_FLOW_MAX + 1];
	struct flow_tuple orig, reply;
	__u8 state;

	if (flow_parse(nlh, tb, &orig, &reply))
		return;
	state = nla_get_u8(tb[PL_A_FLOW_STATE]);
	out_obj_begin(key);
	if (out_json()) {
		flow_print_names(tb);
		flow_print_tuple("orig", &orig);
		flow_print_tuple("reply", &reply);
		out_enum("state", NULL, &pl_flow_states, state);
	} else {
		out_word("tcp");
		out_enum(NULL, NULL, &pl_flow_states, state);
		flow_print_tuple("orig", &orig);
		flow_print_tuple("reply", &reply);
		flow_print_names(tb);
	}
	out_ms("age", "age", nla_get_u64(tb[PL_A_FLOW_AGE]));
	out_ms("idle", "idle", nla_get_u64(tb[PL_A_FLOW_IDLE]));
	flow_print_counts(tb);
	flow_print_sync(tb);
	out_obj_end();
}

static const struct pl_kw flow_show_kws[] = {
	{ "endpoint", kw_string, PL_A_FLOW_ENDPOINT, NULL, 0 },
	{ "backend", kw_addr, PL_A_FLOW_BACKEND, NULL, 0 },
	{ }
};

static int flow_show(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_FLOW_GET, NLM_F_DUMP);
	int err;

	err = req_kws(a, m, flow_show_kws) ?:
	      req_exists(a, m, PL_A_FLOW_ENDPOINT, PL_CMD_ENDPOINT_GET,
			 PL_A_ENDPOINT_ID);
	return req_stream(m, err, "flows", flow_print);
}

static const struct pl_kw flow_flush_kws[] = {
	{ "endpoint", kw_string, PL_A_FLOW_ENDPOINT, NULL, 0 },
	{ }
};

static int flow_flush(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_FLOW_FLUSH, 0);

	return req_send(m, req_kws(a, m, flow_flush_kws));
}

static const struct pl_cmd flow_cmds[] = {
	{ "show", flow_show, "flow show [endpoint ID] [backend ADDRESS]" },
	{ "flush", flow_flush, "flow flush [endpoint ID]" },
	{ "log", flow_log,
	  "flow log [endpoint ID] [format {aws|json}] [account ID]" },
	{ }
};

const struct pl_object pl_flow = { "flow", flow_cmds };
