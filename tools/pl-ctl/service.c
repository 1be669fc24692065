// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl service: endpoint services (the provider side) and their source
 * addresses.
 *
 *   svc1 port 80:8080 port 443 acceptance manual cross-zone off
 *       idle-timeout 350 endpoints 1 backends 2
 *       source 192.0.2.10 az us-east-1a
 *   {"name":"svc1","listener":[{"port":80,"target-port":8080}],
 *    "acceptance":"manual","cross-zone":false,"idle-timeout":350,
 *    "source":[{"address":"192.0.2.10","az":"us-east-1a"}],
 *    "endpoints":1,"backends":2,"lb-digest":"0123456789abcdef"}
 *
 * The digest of the service's load-balancing tables is for comparing
 * routers that sync: plain text shows it with -d only.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "dns.h"
#include "health.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static struct nla_policy service_policy[PL_A_SERVICE_MAX + 1] = {
	[PL_A_SERVICE_NAME] = { .type = NLA_STRING },
	[PL_A_SERVICE_LISTENER] = { .type = NLA_NESTED },
	[PL_A_SERVICE_ACCEPTANCE] = { .type = NLA_U8 },
	[PL_A_SERVICE_CROSS_ZONE] = { .type = NLA_U8 },
	[PL_A_SERVICE_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[PL_A_SERVICE_SOURCE] = { .type = NLA_NESTED },
	[PL_A_SERVICE_ENDPOINTS] = { .type = NLA_U32 },
	[PL_A_SERVICE_BACKENDS] = { .type = NLA_U32 },
	[PL_A_SERVICE_HEALTH] = { .type = NLA_NESTED },
	[PL_A_SERVICE_UNHEALTHY_TERMINATION] = { .type = NLA_U8 },
	[PL_A_SERVICE_LB_DIGEST] = { .type = NLA_U64 },
	[PL_A_SERVICE_PRIVATE_DNS] = { .type = NLA_STRING },
};

static struct nla_policy listener_policy[PL_A_LISTENER_MAX + 1] = {
	[PL_A_LISTENER_PORT] = { .type = NLA_U16 },
	[PL_A_LISTENER_TARGET_PORT] = { .type = NLA_U16 },
};

static struct nla_policy source_policy[PL_A_SOURCE_MAX + 1] = {
	[PL_A_SOURCE_ADDRESS] = { .type = NLA_U32 },
	[PL_A_SOURCE_AZ] = { .type = NLA_STRING },
	[PL_A_SOURCE_ADDR_STATE] = { .type = NLA_U8 },
	[PL_A_SOURCE_CONFLICT] = { .type = NLA_U8 },
	[PL_A_SOURCE_CONFLICT_MAC] = { .type = NLA_UNSPEC },
	[PL_A_SOURCE_CONFLICT_IFINDEX] = { .type = NLA_U32 },
	[PL_A_SOURCE_IPV6] = { .minlen = 16 },
};

int service_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_SERVICE_MAX, service_policy))
		return -1;
	return tb[PL_A_SERVICE_NAME] && tb[PL_A_SERVICE_ACCEPTANCE] &&
	       tb[PL_A_SERVICE_CROSS_ZONE] && tb[PL_A_SERVICE_IDLE_TIMEOUT] ?
	       0 : -1;
}

int listener_parse(struct nlattr *nest, __u16 *port, __u16 *target)
{
	struct nlattr *tb[PL_A_LISTENER_MAX + 1];

	if (nla_parse_nested(tb, PL_A_LISTENER_MAX, nest, listener_policy) ||
	    !tb[PL_A_LISTENER_PORT])
		return -1;
	*port = nla_get_u16(tb[PL_A_LISTENER_PORT]);
	*target = *port;
	if (tb[PL_A_LISTENER_TARGET_PORT])
		*target = nla_get_u16(tb[PL_A_LISTENER_TARGET_PORT]);
	return 0;
}

/* A source nest: its address of either family as text (in buf) and AZ. */
int source_parse(struct nlattr *nest, char *buf, const char **az)
{
	struct nlattr *tb[PL_A_SOURCE_MAX + 1];

	if (nla_parse_nested(tb, PL_A_SOURCE_MAX, nest, source_policy) ||
	    !tb[PL_A_SOURCE_AZ])
		return -1;
	if (!attr_addr_str(tb[PL_A_SOURCE_ADDRESS], tb[PL_A_SOURCE_IPV6], buf))
		return -1;
	*az = nla_get_string(tb[PL_A_SOURCE_AZ]);
	return 0;
}

static void service_print_listeners(struct nlmsghdr *nlh)
{
	struct nlattr *nla = NULL;
	__u16 port, target;
	char buf[16];

	out_arr_begin("listener");
	while ((nla = nl_attr_next(nlh, PL_A_SERVICE_LISTENER, nla))) {
		if (listener_parse(nla, &port, &target))
			continue;
		out_item_begin();
		if (out_json()) {
			out_u32("port", NULL, port);
			out_u32("target-port", NULL, target);
		} else {
			snprintf(buf, sizeof(buf), port == target ? "%u" :
				 "%u:%u", port, target);
			out_str(NULL, "port", buf);
		}
		out_item_end();
	}
	out_arr_end();
}

static void service_print_sources(struct nlmsghdr *nlh)
{
	struct nlattr *nla = NULL, *tb[PL_A_SOURCE_MAX + 1];
	char addr[INET6_ADDRSTRLEN];
	const char *az;

	out_arr_begin("source");
	while ((nla = nl_attr_next(nlh, PL_A_SERVICE_SOURCE, nla))) {
		if (source_parse(nla, addr, &az) ||
		    nla_parse_nested(tb, PL_A_SOURCE_MAX, nla, source_policy))
			continue;
		out_item_begin();
		out_cont();
		out_str("address", "source", addr);
		out_str("az", "az", az);
		addr_state_print(tb[PL_A_SOURCE_ADDR_STATE],
				 tb[PL_A_SOURCE_CONFLICT],
				 tb[PL_A_SOURCE_CONFLICT_MAC],
				 tb[PL_A_SOURCE_CONFLICT_IFINDEX]);
		out_item_end();
	}
	out_arr_end();
}

void service_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1];
	char digest[PL_DIGEST_LEN];

	if (service_parse(nlh, tb))
		return;
	out_obj_begin(key);
	out_str("name", NULL, nla_get_string(tb[PL_A_SERVICE_NAME]));
	service_print_listeners(nlh);
	out_enum("acceptance", "acceptance", &pl_acceptances,
		 nla_get_u8(tb[PL_A_SERVICE_ACCEPTANCE]));
	out_bool("cross-zone", "cross-zone",
		 nla_get_u8(tb[PL_A_SERVICE_CROSS_ZONE]));
	out_u32("idle-timeout", "idle-timeout",
		nla_get_u32(tb[PL_A_SERVICE_IDLE_TIMEOUT]));
	if (out_json())
		service_print_sources(nlh);
	if (tb[PL_A_SERVICE_ENDPOINTS])
		out_u32("endpoints", "endpoints",
			nla_get_u32(tb[PL_A_SERVICE_ENDPOINTS]));
	if (tb[PL_A_SERVICE_BACKENDS])
		out_u32("backends", "backends",
			nla_get_u32(tb[PL_A_SERVICE_BACKENDS]));
	health_print(tb[PL_A_SERVICE_HEALTH],
		     tb[PL_A_SERVICE_UNHEALTHY_TERMINATION]);
	if (tb[PL_A_SERVICE_PRIVATE_DNS])
		out_str("private-dns", "private-dns",
			nla_get_string(tb[PL_A_SERVICE_PRIVATE_DNS]));
	if (tb[PL_A_SERVICE_LB_DIGEST] && (out_json() || out_details()))
		out_str("lb-digest", "lb-digest",
			config_digest_str(nla_get_u64(tb[PL_A_SERVICE_LB_DIGEST]),
					  digest));
	if (!out_json())
		service_print_sources(nlh);
	out_obj_end();
}

/* port PORT[:TARGET-PORT]: one listener nest, 1 to 65535 each. */
static int kw_listener(struct pl_args *a, struct nl_msg *m,
		       const struct pl_kw *kw, const char *val)
{
	const char *colon = strchr(val, ':');
	struct nlattr *nest;
	char port[16] = "";
	__u32 p, t = 0;
	__u16 v;
	int err;

	if (colon && (size_t)(colon - val) >= sizeof(port))
		return usage_err(a, "port \"%s\" is not PORT[:TARGET-PORT]",
				 val);
	if (colon)
		memcpy(port, val, colon - val);
	err = parse_uint(a, "port", colon ? port : val, pl_port_range.min,
			 pl_port_range.max, &p);
	if (!err && colon)
		err = parse_uint(a, "target port", colon + 1,
				 pl_port_range.min, pl_port_range.max, &t);
	err = err ?: req_count_max(a, m, kw->type, "ports", PL_MAX_LISTENERS) ?:
	      req_nest(a, m, kw->type, &nest);
	if (err)
		return err;
	v = p;
	err = req_put(a, m, PL_A_LISTENER_PORT, sizeof(v), &v);
	v = t;
	if (!err && colon)
		err = req_put(a, m, PL_A_LISTENER_TARGET_PORT, sizeof(v), &v);
	nla_nest_end(m, nest);
	return err;
}

static const struct pl_kw service_add_kws[] = {
	{ "port", kw_listener, PL_A_SERVICE_LISTENER, NULL,
	  PL_KW_REQUIRED | PL_KW_MULTI },
	{ "acceptance", kw_enum, PL_A_SERVICE_ACCEPTANCE, &pl_acceptances, 0 },
	{ "cross-zone", kw_enum, PL_A_SERVICE_CROSS_ZONE, &pl_on_off, 0 },
	{ "idle-timeout", kw_u32, PL_A_SERVICE_IDLE_TIMEOUT,
	  &pl_idle_timeout_range, 0 },
	{ "health", kw_health, PL_A_SERVICE_HEALTH, NULL, 0 },
	{ "unhealthy-termination", kw_enum, PL_A_SERVICE_UNHEALTHY_TERMINATION,
	  &pl_on_off, 0 },
	{ "private-dns", kw_private_dns, PL_A_SERVICE_PRIVATE_DNS, NULL, 0 },
	{ }
};

static const struct pl_kw service_set_kws[] = {
	{ "acceptance", kw_enum, PL_A_SERVICE_ACCEPTANCE, &pl_acceptances, 0 },
	{ "cross-zone", kw_enum, PL_A_SERVICE_CROSS_ZONE, &pl_on_off, 0 },
	{ "idle-timeout", kw_u32, PL_A_SERVICE_IDLE_TIMEOUT,
	  &pl_idle_timeout_range, 0 },
	{ "health", kw_health, PL_A_SERVICE_HEALTH, NULL, 0 },
	{ "unhealthy-termination", kw_enum, PL_A_SERVICE_UNHEALTHY_TERMINATION,
	  &pl_on_off, 0 },
	{ "private-dns", kw_private_dns, PL_A_SERVICE_PRIVATE_DNS, NULL, 0 },
	{ }
};

static int service_add(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SERVICE_ADD, 0);

	return req_send(m, req_name(a, m, PL_A_SERVICE_NAME, "NAME") ?:
			   req_kws(a, m, service_add_kws));
}

static int service_set(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SERVICE_SET, 0);
	int err;

	err = req_name(a, m, PL_A_SERVICE_NAME, "NAME");
	if (!err && !a->argc)
		err = usage_err(a, "nothing to set");
	return req_send(m, err ?: req_kws(a, m, service_set_kws));
}

static int service_del(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SERVICE_DEL, 0);

	return req_send(m, req_name(a, m, PL_A_SERVICE_NAME, "NAME") ?:
			   arg_end(a));
}

static int service_show(struct pl_args *a)
{
	struct nl_msg *m;

	if (a->argc != 1) {
		m = nl_req(PL_CMD_SERVICE_GET, NLM_F_DUMP);
		return req_show(m, arg_end(a), "services", service_print);
	}
	m = nl_req(PL_CMD_SERVICE_GET, 0);
	return req_show(m, req_name(a, m, PL_A_SERVICE_NAME, "NAME"),
			"services", service_print);
}

/* NAME ADDRESS, and az AZ to add: one source nest. */
static int service_source(struct pl_args *a, __u8 cmd)
{
	static const struct pl_kw kws[] = {
		{ "az", kw_string, PL_A_SOURCE_AZ, NULL, PL_KW_REQUIRED },
		{ }
	};
	struct nl_msg *m = nl_req(cmd, 0);
	struct nlattr *nest;
	int err;

	err = req_name(a, m, PL_A_SERVICE_NAME, "NAME");
	if (err)
		return req_send(m, err);
	err = req_nest(a, m, PL_A_SERVICE_SOURCE, &nest);
	if (err)
		return req_send(m, err);
	err = req_addr_any(a, m, PL_A_SOURCE_ADDRESS, PL_A_SOURCE_IPV6,
			   "ADDRESS");
	if (!err && cmd == PL_CMD_SERVICE_SOURCE_ADD)
		err = req_kws(a, m, kws);
	else if (!err)
		err = arg_end(a);
	nla_nest_end(m, nest);
	return req_send(m, err);
}

static int service_source_add(struct pl_args *a)
{
	return service_source(a, PL_CMD_SERVICE_SOURCE_ADD);
}

static int service_source_del(struct pl_args *a)
{
	return service_source(a, PL_CMD_SERVICE_SOURCE_DEL);
}

static const struct pl_cmd service_cmds[] = {
	{ "add", service_add,
	  "service add NAME port PORT[:TARGET-PORT] [port ...] [acceptance {auto|manual}] [cross-zone {on|off}] [idle-timeout SECONDS] [health {off|protocol {tcp|http|https} [port {traffic-port|PORT}] [path PATH] [matcher CODES] [interval SECONDS] [timeout SECONDS] [healthy-threshold N] [unhealthy-threshold N]}] [unhealthy-termination {on|off}] [private-dns DOMAIN-NAME]",
	},
	{ "set", service_set,
	  "service set NAME [acceptance {auto|manual}] [cross-zone {on|off}] [idle-timeout SECONDS] [health {off|protocol {tcp|http|https} [port {traffic-port|PORT}] [path PATH] [matcher CODES] [interval SECONDS] [timeout SECONDS] [healthy-threshold N] [unhealthy-threshold N]}] [unhealthy-termination {on|off}] [private-dns {DOMAIN-NAME|none}]",
	},
	{ "del", service_del, "service del NAME" },
	{ "show", service_show, "service show [NAME]" },
	{ "source add", service_source_add,
	  "service source add NAME ADDRESS az AZ" },
	{ "source del", service_source_del, "service source del NAME ADDRESS" },
	{ }
};

const struct pl_object pl_service = { "service", service_cmds };
