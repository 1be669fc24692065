// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl flow log: flow logs as VPC Flow Logs writes them, one record per
 * flow when it ends (ACCEPT) and one per packet to an ENI refused before
 * it made a flow (REJECT), read from the "flows" multicast group:
 *
 *   2 - eni-004b103bc737e50e8 10.0.1.10 10.0.1.50 45722 80 6 10 1214
 *     1764990000 1764990003 ACCEPT OK                 (all on one line)
 *   {"version":2,"account-id":"-","interface-id":"eni-004b103bc737e50e8",
 *    "srcaddr":"10.0.1.10","dstaddr":"10.0.1.50","srcport":45722,
 *    "dstport":80,"protocol":6,"packets":10,"bytes":1214,
 *    "start":1764990000,"end":1764990003,"action":"ACCEPT",
 *    "log-status":"OK","endpoint":"vpce-1","subnet":"subnet-a",
 *    "service":"svc","backend":"192.168.1.11"}
 *
 * The aws format is the version-2 default line: version account-id
 * interface-id srcaddr dstaddr srcport dstport protocol packets bytes start
 * end action log-status. Packets and bytes count both directions, start
 * is the flow's first packet and end its last, in Unix seconds. The kernel
 * announces at most limits' max-reject-logs rejections a second; those it
 * did not, and records this socket could not take, come as a SKIPDATA
 * record (with "skipped", how many, in JSON when the kernel said).
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "endpoint.h"
#include "flow.h"
#include "monitor.h"
#include "nl.h"
#include "out.h"
#include "req.h"
#include "spec.h"

enum { FL_AWS, FL_JSON };

static const char *const fl_format_names[] = { "aws", "json" };
static const struct pl_enum fl_formats = { fl_format_names, 2 };

struct fl_opts {
	const char *endpoint;	/* NULL: every endpoint's */
	const char *account;
	__u8 format;
};

/* One record: a flow that ended, a packet rejected, or records skipped. */
struct fl_rec {
	const char *eni;	/* "-" when unknown */
	const struct flow_tuple *t;	/* NULL for SKIPDATA */
	__u8 protocol;
	__u64 packets, bytes;
	__u64 start, end;
	const char *action;	/* ACCEPT, REJECT, NULL for SKIPDATA */
	__u32 skipped;		/* SKIPDATA: how many, 0 when unknown */
	struct nlattr **tb;	/* the notification, for JSON's extras */
};

static void fl_aws(const struct fl_opts *o, const struct fl_rec *r)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	if (!r->t) {
		printf("2 %s %s - - - - - - - %llu %llu - SKIPDATA\n",
		       o->account, r->eni, (unsigned long long)r->start,
		       (unsigned long long)r->end);
		return;
	}
	printf("2 %s %s %s %s %u %u %u %llu %llu %llu %llu %s OK\n",
	       o->account, r->eni, addr_str(r->t->saddr, s),
	       addr_str(r->t->daddr, d), r->t->sport, r->t->dport,
	       r->protocol, (unsigned long long)r->packets,
	       (unsigned long long)r->bytes, (unsigned long long)r->start,
	       (unsigned long long)r->end, r->action);
}

/* JSON: the aws fields under their names, then pl's own. */
static void fl_json(const struct fl_opts *o, const struct fl_rec *r)
{
	struct nlattr **tb = r->tb;

	out_obj_begin(NULL);
	out_u32("version", NULL, 2);
	out_str("account-id", NULL, o->account);
	out_str("interface-id", NULL, r->eni);
	if (r->t) {
		out_addr("srcaddr", NULL, r->t->saddr);
		out_addr("dstaddr", NULL, r->t->daddr);
		out_u32("srcport", NULL, r->t->sport);
		out_u32("dstport", NULL, r->t->dport);
		out_u32("protocol", NULL, r->protocol);
		out_u64("packets", NULL, r->packets);
		out_u64("bytes", NULL, r->bytes);
	}
	out_u64("start", NULL, r->start);
	out_u64("end", NULL, r->end);
	if (r->action)
		out_str("action", NULL, r->action);
	out_str("log-status", NULL, r->action ? "OK" : "SKIPDATA");
	if (r->skipped)
		out_u32("skipped", NULL, r->skipped);
	if (tb && tb[PL_A_FLOW_ENDPOINT]) {
		out_str("endpoint", NULL, nla_get_string(tb[PL_A_FLOW_ENDPOINT]));
		out_str("subnet", NULL, nla_get_string(tb[PL_A_FLOW_SUBNET]));
		out_str("service", NULL, nla_get_string(tb[PL_A_FLOW_SERVICE]));
	}
	if (tb && tb[PL_A_FLOW_BACKEND])
		out_addr("backend", NULL, nla_get_u32(tb[PL_A_FLOW_BACKEND]));
	if (tb && tb[PL_A_FLOW_REASON])
		out_enum("reason", NULL, &pl_drop_reasons,
			 nla_get_u8(tb[PL_A_FLOW_REASON]));
	out_obj_end();
}

static void fl_emit(const struct fl_opts *o, const struct fl_rec *r)
{
	if (o->format == FL_JSON)
		fl_json(o, r);
	else
		fl_aws(o, r);
}

static __u64 fl_now(void)
{
	return (__u64)time(NULL);
}

/* Milliseconds ago, as Unix seconds. */
static __u64 fl_ago(__u64 now, struct nlattr *ms)
{
	__u64 s = nla_get_u64(ms) / 1000;

	return s < now ? now - s : 0;
}

static int fl_wanted(const struct fl_opts *o, struct nlattr **tb)
{
	return !o->endpoint ||
	       !strcmp(o->endpoint, nla_get_string(tb[PL_A_FLOW_ENDPOINT]));
}

static void fl_accept(const struct fl_opts *o, struct nlmsghdr *nlh)
{
	struct nlattr *tb[PL_A_FLOW_MAX + 1];
	struct flow_tuple orig, reply;
	char eni[PL_ENI_ID_LEN];
	struct fl_rec r = { .t = &orig, .protocol = 6, .action = "ACCEPT" };
	__u64 now = fl_now();

	if (flow_parse(nlh, tb, &orig, &reply) || !tb[PL_A_FLOW_SUBNET] ||
	    !fl_wanted(o, tb))
		return;
	r.eni = eni_id(eni, nla_get_string(tb[PL_A_FLOW_ENDPOINT]),
		       nla_get_string(tb[PL_A_FLOW_SUBNET]));
	r.packets = nla_get_u64(tb[PL_A_FLOW_PACKETS_ORIG]) +
		    nla_get_u64(tb[PL_A_FLOW_PACKETS_REPLY]);
	r.bytes = nla_get_u64(tb[PL_A_FLOW_BYTES_ORIG]) +
		  nla_get_u64(tb[PL_A_FLOW_BYTES_REPLY]);
	r.start = fl_ago(now, tb[PL_A_FLOW_AGE]);
	r.end = fl_ago(now, tb[PL_A_FLOW_IDLE]);
	r.tb = tb;
	fl_emit(o, &r);
}

static void fl_reject(const struct fl_opts *o, struct nlmsghdr *nlh)
{
	struct nlattr *tb[PL_A_FLOW_MAX + 1];
	struct flow_tuple orig;
	char eni[PL_ENI_ID_LEN];
	struct fl_rec r = { .t = &orig, .packets = 1, .action = "REJECT" };

	if (flow_reject_parse(nlh, tb, &orig) || !fl_wanted(o, tb))
		return;
	r.eni = eni_id(eni, nla_get_string(tb[PL_A_FLOW_ENDPOINT]),
		       nla_get_string(tb[PL_A_FLOW_SUBNET]));
	r.start = fl_now();
	r.end = r.start;
	if (tb[PL_A_FLOW_SUPPRESSED]) {
		/* Rejections the kernel did not announce, on any ENI. */
		struct fl_rec skip = {
			.eni = "-", .start = r.start, .end = r.end,
			.skipped = nla_get_u32(tb[PL_A_FLOW_SUPPRESSED]),
		};
		fl_emit(o, &skip);
	}
	r.protocol = nla_get_u8(tb[PL_A_FLOW_PROTOCOL]);
	r.bytes = tb[PL_A_FLOW_BYTES_ORIG] ?
		  nla_get_u64(tb[PL_A_FLOW_BYTES_ORIG]) : 0;
	r.tb = tb;
	fl_emit(o, &r);
}

static void fl_event(struct nlmsghdr *nlh, void *arg)
{
	__u8 cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;

	if (cmd == PL_CMD_FLOW_DEL_NTF)
		fl_accept(arg, nlh);
	else if (cmd == PL_CMD_FLOW_REJECT_NTF)
		fl_reject(arg, nlh);
}

/* The socket overran: some records, of any ENI, are gone. */
static void fl_lost(void *arg)
{
	struct fl_rec r = { .eni = "-" };

	r.start = fl_now();
	r.end = r.start;
	fl_emit(arg, &r);
}

static int fl_opts_parse(struct pl_args *a, struct fl_opts *o)
{
	const char *kw, *val;
	int err = 0;

	o->format = out_json() ? FL_JSON : FL_AWS;
	o->account = "-";
	while (!err && (kw = arg_next(a))) {
		err = arg_need(a, kw, &val);
		if (err)
			break;
		if (!strcmp(kw, "endpoint"))
			err = parse_string(a, "endpoint", val);
		else if (!strcmp(kw, "format"))
			err = parse_enum(a, "format", val, &fl_formats,
					 &o->format);
		else if (!strcmp(kw, "account"))
			err = parse_string(a, "account", val);
		else
			err = usage_err(a, "unknown keyword \"%s\"", kw);
		if (err)
			break;
		if (!strcmp(kw, "endpoint"))
			o->endpoint = val;
		else if (!strcmp(kw, "account"))
			o->account = val;
	}
	if (!err && o->account[strcspn(o->account, " \t\n")])
		err = usage_err(a, "account \"%s\" has a blank", o->account);
	return err;
}

int flow_log(struct pl_args *a)
{
	static const char *const groups[] = { PL_MCGRP_FLOWS };
	struct fl_opts o = { NULL };
	struct mon_listener l = {
		.who = "flow log", .event = fl_event, .lost = fl_lost,
		.arg = &o,
	};
	struct nl_msg *get;
	int err;

	err = fl_opts_parse(a, &o);
	if (!err && o.format == FL_AWS && out_json())
		err = usage_err(a, "-j and \"format aws\" cannot both be given");
	if (err)
		return err;
	if (o.endpoint) {
		/* A typo must not look like an endpoint without traffic. */
		get = nl_req(PL_CMD_ENDPOINT_GET, 0);
		err = req_send(get, req_put(a, get, PL_A_ENDPOINT_ID,
					    strlen(o.endpoint) + 1,
					    o.endpoint));
		if (err)
			return err;
	}
	if (o.format == FL_JSON && !out_json())
		out_init(1, 0, 0);
	return mon_listen(groups, 1, &l);
}
