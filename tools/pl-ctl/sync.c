// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl sync: flow-state sync between the routers of a fleet (scale-out),
 * which share one configuration and one key: this router's settings, its
 * peers, and what it knows of them.
 *
 *   node 1 local 10.9.0.1 port 8849 state active phase active
 *       announce-table 100 digest 0123456789abcdef            (one line)
 *       flows 12 learned 8 rejected 0
 *   peer 10.9.0.2 node 2 reachable yes last-heard 0.4s phase active
 *       digest 0123456789abcdef                               (one line)
 *       flows sent 10 received 8 messages sent 20 received 19 lost 0
 *       repaired 0 bulk received                              (one line)
 *   {"node":1,"local":"10.9.0.1","port":8849,"announce-table":100,
 *    "state":"active","phase":"active","digest":"0123456789abcdef",
 *    "flows":12,"learned":8,"messages-rejected":0,
 *    "peers":[{"address":"10.9.0.2","node":2,"reachable":true,
 *    "last-heard":400,"phase":"active","digest":"0123456789abcdef",
 *    "digest-match":true,"flows-sent":10,...,"bulk-received":true}]}
 *
 * A peer not heard from yet has node 0 ("-" in plain text) and no
 * last-heard ("never"). Sync is not configuration: save leaves it out,
 * and apply refuses it.
 */

#include <arpa/inet.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "keyfile.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static struct nla_policy sync_policy[PL_A_SYNC_MAX + 1] = {
	[PL_A_SYNC_NODE] = { .type = NLA_U32 },
	[PL_A_SYNC_LOCAL] = { .type = NLA_U32 },
	[PL_A_SYNC_PORT] = { .type = NLA_U16 },
	[PL_A_SYNC_ANNOUNCE_TABLE] = { .type = NLA_U32 },
	[PL_A_SYNC_STATE] = { .type = NLA_U8 },
	[PL_A_SYNC_PHASE] = { .type = NLA_U8 },
	[PL_A_SYNC_PEER] = { .type = NLA_NESTED },
	[PL_A_SYNC_DIGEST] = { .type = NLA_U64 },
	[PL_A_SYNC_FLOWS] = { .type = NLA_U32 },
	[PL_A_SYNC_LEARNED] = { .type = NLA_U32 },
	[PL_A_SYNC_MESSAGES_REJECTED] = { .type = NLA_U64 },
};

static struct nla_policy peer_policy[PL_A_SYNC_PEER_MAX + 1] = {
	[PL_A_SYNC_PEER_ADDRESS] = { .type = NLA_U32 },
	[PL_A_SYNC_PEER_NODE] = { .type = NLA_U32 },
	[PL_A_SYNC_PEER_REACHABLE] = { .type = NLA_U8 },
	[PL_A_SYNC_PEER_LAST_HEARD] = { .type = NLA_U64 },
	[PL_A_SYNC_PEER_PHASE] = { .type = NLA_U8 },
	[PL_A_SYNC_PEER_DIGEST ... PL_A_SYNC_PEER_MESSAGES_REPAIRED] = {
		.type = NLA_U64
	},
	[PL_A_SYNC_PEER_BULK_RECEIVED] = { .type = NLA_U8 },
	[PL_A_SYNC_PEER_MESSAGES_RESENT] = { .type = NLA_U64 },
};

/*
 * Sync runs between routers: their addresses are unicast ones, not in
 * 0.0.0.0/8, 224.0.0.0/4 (multicast) or 240.0.0.0/4 (with the broadcast).
 */
static int parse_unicast(const struct pl_args *a, const char *what,
			 const char *s, __u32 *addr)
{
	__u32 h;
	int err;

	err = parse_addr(a, what, s, addr);
	if (err)
		return err;
	h = ntohl(*addr);
	if (!(h >> 24) || (h >> 28) >= 0xe)
		return usage_err(a, "%s \"%s\" is not a unicast address",
				 what, s);
	return 0;
}

static int kw_unicast(struct pl_args *a, struct nl_msg *m,
		      const struct pl_kw *kw, const char *val)
{
	__u32 addr;

	return parse_unicast(a, kw->name, val, &addr) ?:
	       req_put(a, m, kw->type, sizeof(addr), &addr);
}

/* key-file FILE: the key, read now, never shown. */
static int kw_key_file(struct pl_args *a, struct nl_msg *m,
		       const struct pl_kw *kw, const char *val)
{
	unsigned char key[PL_SYNC_KEY_LEN];
	int err;

	err = key_file_read(val, key, sizeof(key)) ?:
	      req_put(a, m, kw->type, sizeof(key), key);
	explicit_bzero(key, sizeof(key));
	return err;
}

/* Table name in one rt_tables file, of "NUMBER NAME" lines: its number. */
static int rt_table_in(const char *path, const char *name, __u32 *id)
{
	FILE *f = fopen(path, "re");
	char line[256], word[256];
	unsigned long v;
	char *p, *end;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " \t");
		if (*p == '#')
			continue;
		v = strtoul(p, &end, 0);
		if (end == p || v > 0xffffffffUL ||
		    sscanf(end, "%255s", word) != 1)
			continue;
		found = !strcmp(word, name);
		if (found)
			*id = v;
	}
	fclose(f);
	return found;
}

/*
 * A table by name, as ip route finds it: local, main and default, then
 * iproute2's rt_tables files.
 */
static int rt_table_id(const char *name, __u32 *id)
{
	static const char *const files[] = {
		"/etc/iproute2/rt_tables", "/etc/iproute2/rt_tables.d/*.conf",
		"/usr/share/iproute2/rt_tables",
		"/usr/share/iproute2/rt_tables.d/*.conf",
	};
	static const struct {
		const char *name;
		__u32 id;
	} builtin[] = { { "default", 253 }, { "main", 254 }, { "local", 255 } };
	unsigned int i;
	size_t j;
	glob_t g;
	int found = 0;

	for (i = 0; i < ARRAY_SIZE(builtin); i++) {
		if (!strcmp(name, builtin[i].name)) {
			*id = builtin[i].id;
			return 1;
		}
	}
	for (i = 0; !found && i < ARRAY_SIZE(files); i++) {
		if (glob(files[i], 0, NULL, &g))
			continue;
		for (j = 0; !found && j < g.gl_pathc; j++)
			found = rt_table_in(g.gl_pathv[j], name, id);
		globfree(&g);
	}
	return found;
}

/* announce-table TABLE: a number, or a name as ip route takes it. */
static int kw_table(struct pl_args *a, struct nl_msg *m,
		    const struct pl_kw *kw, const char *val)
{
	__u32 id;
	int err;

	if (*val >= '0' && *val <= '9')
		err = parse_uint(a, kw->name, val, 0, 0xffffffff, &id);
	else if (rt_table_id(val, &id))
		err = 0;
	else
		err = usage_err(a, "%s \"%s\" is not a number or a table of rt_tables",
				kw->name, val);
	return err ?: req_put(a, m, kw->type, sizeof(id), &id);
}

static const struct pl_kw sync_set_kws[] = {
	{ "node", kw_u32, PL_A_SYNC_NODE, &pl_sync_node_range, 0 },
	{ "local", kw_unicast, PL_A_SYNC_LOCAL, NULL, 0 },
	{ "port", kw_u16, PL_A_SYNC_PORT, &pl_port_range, 0 },
	{ "key-file", kw_key_file, PL_A_SYNC_KEY, NULL, 0 },
	{ "announce-table", kw_table, PL_A_SYNC_ANNOUNCE_TABLE, NULL, 0 },
	{ "state", kw_enum, PL_A_SYNC_STATE, &pl_sync_states, 0 },
	{ }
};

/*
 * Whatever is given; the kernel wants node, local and key-file the first
 * time, and says so. The key is wiped from the request once sent.
 */
static int sync_set(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SYNC_SET, 0);
	struct nlattr *key;
	int err;

	if (!a->argc)
		return req_send(m, usage_err(a, "nothing to set"));
	nlmsg_get(m);
	err = req_send(m, req_kws(a, m, sync_set_kws));
	key = req_attr(m, PL_A_SYNC_KEY);
	if (key)
		explicit_bzero(nla_data(key), nla_len(key));
	nlmsg_free(m);
	return err;
}

/* ADDRESS: one peer nest. */
static int sync_peer(struct pl_args *a, __u8 cmd)
{
	struct nl_msg *m = nl_req(cmd, 0);
	struct nlattr *nest;
	const char *s;
	__u32 addr;
	int err;

	err = arg_need(a, "ADDRESS", &s) ?:
	      parse_unicast(a, "ADDRESS", s, &addr) ?: arg_end(a) ?:
	      req_nest(a, m, PL_A_SYNC_PEER, &nest);
	if (!err) {
		err = req_put(a, m, PL_A_SYNC_PEER_ADDRESS, sizeof(addr),
			      &addr);
		nla_nest_end(m, nest);
	}
	return req_send(m, err);
}

static int sync_peer_add(struct pl_args *a)
{
	return sync_peer(a, PL_CMD_SYNC_PEER_ADD);
}

static int sync_peer_del(struct pl_args *a)
{
	return sync_peer(a, PL_CMD_SYNC_PEER_DEL);
}

static int sync_del(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SYNC_DEL, 0);

	return req_send(m, arg_end(a));
}

static void sync_u32(const struct nlattr *nla, const char *key,
		     const char *word)
{
	if (nla)
		out_u32(key, word, nla_get_u32(nla));
}

static void sync_u64(const struct nlattr *nla, const char *key,
		     const char *word)
{
	if (nla)
		out_u64(key, word, nla_get_u64(nla));
}

static void sync_digest(const struct nlattr *nla, const char *key,
			const char *word)
{
	char buf[PL_DIGEST_LEN];

	if (nla)
		out_str(key, word, config_digest_str(nla_get_u64(nla), buf));
}

/* This router: plain text has announce-table late, and not when 0. */
static void sync_print_head(struct nlattr **tb)
{
	struct nlattr *table = tb[PL_A_SYNC_ANNOUNCE_TABLE];

	sync_u32(tb[PL_A_SYNC_NODE], "node", "node");
	if (tb[PL_A_SYNC_LOCAL])
		out_addr("local", "local", nla_get_u32(tb[PL_A_SYNC_LOCAL]));
	if (tb[PL_A_SYNC_PORT])
		out_u32("port", "port", nla_get_u16(tb[PL_A_SYNC_PORT]));
	if (out_json())
		sync_u32(table, "announce-table", NULL);
	if (tb[PL_A_SYNC_STATE])
		out_enum("state", "state", &pl_sync_states,
			 nla_get_u8(tb[PL_A_SYNC_STATE]));
	if (tb[PL_A_SYNC_PHASE])
		out_enum("phase", "phase", &pl_sync_phases,
			 nla_get_u8(tb[PL_A_SYNC_PHASE]));
	if (!out_json() && table && nla_get_u32(table))
		sync_u32(table, NULL, "announce-table");
	sync_digest(tb[PL_A_SYNC_DIGEST], "digest", "digest");
	if (tb[PL_A_SYNC_FLOWS] || tb[PL_A_SYNC_LEARNED] ||
	    tb[PL_A_SYNC_MESSAGES_REJECTED])
		out_cont();
	sync_u32(tb[PL_A_SYNC_FLOWS], "flows", "flows");
	sync_u32(tb[PL_A_SYNC_LEARNED], "learned", "learned");
	sync_u64(tb[PL_A_SYNC_MESSAGES_REJECTED], "messages-rejected",
		 "rejected");
}

/* Plain: "flows sent N received N messages sent N ... bulk received". */
static void sync_print_peer_counts(struct nlattr **p)
{
	static const struct {
		int type;
		const char *group;
		const char *word;
	} c[] = {
		{ PL_A_SYNC_PEER_FLOWS_SENT, "flows", "sent" },
		{ PL_A_SYNC_PEER_FLOWS_RECEIVED, "flows", "received" },
		{ PL_A_SYNC_PEER_MESSAGES_SENT, "messages", "sent" },
		{ PL_A_SYNC_PEER_MESSAGES_RECEIVED, "messages", "received" },
		{ PL_A_SYNC_PEER_MESSAGES_LOST, "messages", "lost" },
		{ PL_A_SYNC_PEER_MESSAGES_REPAIRED, "messages", "repaired" },
		{ PL_A_SYNC_PEER_MESSAGES_RESENT, "messages", "resent" },
	};
	const struct pl_set *set = pl_attr_nest(pl_cmd_set(PL_CMD_SYNC_GET),
						PL_A_SYNC_PEER);
	struct nlattr *bulk = p[PL_A_SYNC_PEER_BULK_RECEIVED];
	const char *group = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		if (!p[c[i].type])
			continue;
		if (strcmp(group, c[i].group))
			out_word(c[i].group);
		group = c[i].group;
		out_u64(pl_attr_name(set, c[i].type), c[i].word,
			nla_get_u64(p[c[i].type]));
	}
	if (bulk && out_json())
		out_bool("bulk-received", NULL, nla_get_u8(bulk));
	else if (bulk)
		out_str(NULL, "bulk", nla_get_u8(bulk) ? "received" : "pending");
}

/* A peer, on a line of its own; digest: this router's, or NULL. */
static void sync_print_peer(struct nlattr **p, const struct nlattr *digest)
{
	struct nlattr *node = p[PL_A_SYNC_PEER_NODE];
	struct nlattr *heard = p[PL_A_SYNC_PEER_LAST_HEARD];
	struct nlattr *reach = p[PL_A_SYNC_PEER_REACHABLE];
	struct nlattr *theirs = p[PL_A_SYNC_PEER_DIGEST];
	int json = out_json();

	out_item_begin();
	out_newline();
	if (p[PL_A_SYNC_PEER_ADDRESS])
		out_addr("address", "peer",
			 nla_get_u32(p[PL_A_SYNC_PEER_ADDRESS]));
	if (node && (json || nla_get_u32(node)))
		out_u32("node", "node", nla_get_u32(node));
	else if (node)
		out_str(NULL, "node", "-");
	if (reach && json)
		out_bool("reachable", NULL, nla_get_u8(reach));
	else if (reach)
		out_str(NULL, "reachable", nla_get_u8(reach) ? "yes" : "no");
	if (heard)
		out_ms("last-heard", "last-heard", nla_get_u64(heard));
	else if (!json)
		out_str(NULL, "last-heard", "never");
	if (p[PL_A_SYNC_PEER_PHASE])
		out_enum("phase", "phase", &pl_sync_phases,
			 nla_get_u8(p[PL_A_SYNC_PEER_PHASE]));
	sync_digest(theirs, "digest", "digest");
	if (json && theirs && digest)
		out_bool("digest-match", NULL,
			 nla_get_u64(theirs) == nla_get_u64(digest));
	out_cont();
	sync_print_peer_counts(p);
	out_item_end();
}

/* Each peer nest of a sync message, parsed into p; NULL at the end. */
static struct nlattr *sync_next_peer(struct nlmsghdr *nlh,
				     struct nlattr *prev, struct nlattr **p)
{
	while ((prev = nl_attr_next(nlh, PL_A_SYNC_PEER, prev))) {
		if (!nla_parse_nested(p, PL_A_SYNC_PEER_MAX, prev,
				      peer_policy))
			return prev;
	}
	return NULL;
}

/* A sync-get reply or a sync-change notification. */
void sync_print(struct nlmsghdr *nlh, const char *key)
{
	struct nlattr *tb[PL_A_SYNC_MAX + 1], *p[PL_A_SYNC_PEER_MAX + 1];
	struct nlattr *nla = NULL;

	if (nl_parse(nlh, tb, PL_A_SYNC_MAX, sync_policy))
		return;
	out_obj_begin(key);
	sync_print_head(tb);
	out_arr_begin("peers");
	while ((nla = sync_next_peer(nlh, nla, p)))
		sync_print_peer(p, tb[PL_A_SYNC_DIGEST]);
	out_arr_end();
	out_obj_end();
}

/* For monitor: a notification without a node says that sync was deleted. */
const char *sync_action(struct nlmsghdr *nlh)
{
	return nl_attr_next(nlh, PL_A_SYNC_NODE, NULL) ? "set" : "del";
}

/* On stderr: each peer whose configuration differs from this router's. */
static void sync_warn(struct nlmsghdr *nlh)
{
	struct nlattr *tb[PL_A_SYNC_MAX + 1], *p[PL_A_SYNC_PEER_MAX + 1];
	char addr[INET_ADDRSTRLEN], ours[PL_DIGEST_LEN], theirs[PL_DIGEST_LEN];
	struct nlattr *nla = NULL;
	__u64 digest;

	if (nl_parse(nlh, tb, PL_A_SYNC_MAX, sync_policy) ||
	    !tb[PL_A_SYNC_DIGEST])
		return;
	digest = nla_get_u64(tb[PL_A_SYNC_DIGEST]);
	config_digest_str(digest, ours);
	while ((nla = sync_next_peer(nlh, nla, p))) {
		if (!p[PL_A_SYNC_PEER_ADDRESS] || !p[PL_A_SYNC_PEER_DIGEST] ||
		    nla_get_u64(p[PL_A_SYNC_PEER_DIGEST]) == digest)
			continue;
		fprintf(stderr, "pl-ctl: warning: peer %s",
			addr_str(nla_get_u32(p[PL_A_SYNC_PEER_ADDRESS]), addr));
		if (p[PL_A_SYNC_PEER_NODE] &&
		    nla_get_u32(p[PL_A_SYNC_PEER_NODE]))
			fprintf(stderr, " (node %u)",
				nla_get_u32(p[PL_A_SYNC_PEER_NODE]));
		fprintf(stderr, " has configuration digest %s, this router has %s\n",
			config_digest_str(nla_get_u64(p[PL_A_SYNC_PEER_DIGEST]),
					  theirs), ours);
	}
}

static int sync_show(struct pl_args *a)
{
	struct nl_msg *m = nl_req(PL_CMD_SYNC_GET, 0);
	struct pl_objs objs = { NULL };
	struct nlmsghdr *nlh;
	int err;

	err = arg_end(a);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	err = nl_exec(m, &objs);
	nlh = err ? NULL : objs_next(&objs, NULL);
	if (nlh) {
		out_doc_begin();
		sync_print(nlh, "sync");
		out_doc_end();
		out_flush();
		sync_warn(nlh);
	}
	objs_free(&objs);
	return err;
}

static const struct pl_cmd sync_cmds[] = {
	{ "set", sync_set,
	  "sync set [node NODE-ID] [local ADDRESS] [port PORT] [key-file FILE] [announce-table TABLE] [state {active|drain}]",
	},
	{ "peer add", sync_peer_add, "sync peer add ADDRESS" },
	{ "peer del", sync_peer_del, "sync peer del ADDRESS" },
	{ "show", sync_show, "sync show" },
	{ "del", sync_del, "sync del" },
	{ }
};

const struct pl_object pl_sync = { "sync", sync_cmds };
