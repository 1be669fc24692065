// SPDX-License-Identifier: GPL-2.0
/*
 * Requests built from arguments. A request is built whole before it is
 * sent; on a usage error it is dropped, so that the kernel never sees a
 * half-parsed command.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "args.h"
#include "nl.h"
#include "out.h"
#include "req.h"
#include "spec.h"

static const struct pl_kw *kw_find(const struct pl_kw *kws, const char *word)
{
	for (; kws->name; kws++) {
		if (!strcmp(kws->name, word))
			return kws;
	}
	return NULL;
}

static int kw_check_required(struct pl_args *a, const struct pl_kw *kws,
			     unsigned long seen)
{
	const struct pl_kw *kw;
	unsigned long bit;

	for (kw = kws; kw->name; kw++) {
		bit = 1UL << (kw - kws);
		if ((kw->flags & PL_KW_REQUIRED) && !(seen & bit))
			return usage_err(a, "missing \"%s\"", kw->name);
	}
	return 0;
}

/* The remaining arguments: keywords of kws, each followed by its value. */
int req_kws(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kws)
{
	const struct pl_kw *kw;
	const char *word, *val;
	unsigned long seen = 0, bit;
	int err;

	while ((word = arg_next(a))) {
		kw = kw_find(kws, word);
		if (!kw)
			return usage_err(a, "unknown argument \"%s\"", word);
		bit = 1UL << (kw - kws);
		if ((seen & bit) && !(kw->flags & PL_KW_MULTI))
			return usage_err(a, "\"%s\" is given twice", word);
		seen |= bit;
		val = arg_next(a);
		if (!val)
			return usage_err(a, "missing value after \"%s\"", word);
		err = kw->parse(a, m, kw, val);
		if (err)
			return err;
	}
	return kw_check_required(a, kws, seen);
}

int req_put(const struct pl_args *a, struct nl_msg *m, int type, int len,
	    const void *data)
{
	if (nl_put(m, type, len, data))
		return usage_err(a, "too many arguments for one request");
	return 0;
}

int req_put_u8(const struct pl_args *a, struct nl_msg *m, int type, __u8 v)
{
	return req_put(a, m, type, sizeof(v), &v);
}

int req_put_str(const struct pl_args *a, struct nl_msg *m, int type,
		const char *what, const char *s)
{
	return parse_string(a, what, s) ?:
	       req_put(a, m, type, strlen(s) + 1, s);
}

/* Start a nest; the caller ends it with nla_nest_end(). */
int req_nest(const struct pl_args *a, struct nl_msg *m, int type,
	     struct nlattr **nest)
{
	*nest = nla_nest_start(m, type);
	if (!*nest)
		return usage_err(a, "too many arguments for one request");
	return 0;
}

int kw_string(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	      const char *val)
{
	return req_put_str(a, m, kw->type, kw->name, val);
}

/* The range of a number: kw->arg, or else what its type holds. */
static struct pl_range kw_range(const struct pl_kw *kw, __u32 max)
{
	const struct pl_range *r = kw->arg;

	return r ? *r : (struct pl_range){ 0, max };
}

int kw_u16(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	   const char *val)
{
	struct pl_range r = kw_range(kw, 0xffff);
	__u32 v;
	__u16 v16;
	int err;

	err = parse_uint(a, kw->name, val, r.min, r.max, &v);
	if (err)
		return err;
	v16 = v;
	return req_put(a, m, kw->type, sizeof(v16), &v16);
}

int kw_u32(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	   const char *val)
{
	struct pl_range r = kw_range(kw, 0xffffffff);
	__u32 v;
	int err;

	err = parse_uint(a, kw->name, val, r.min, r.max, &v);
	if (err)
		return err;
	return req_put(a, m, kw->type, sizeof(v), &v);
}

/* kw->arg is the struct pl_enum of the value's names. */
int kw_enum(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	    const char *val)
{
	__u8 v;
	int err;

	err = parse_enum(a, kw->name, val, kw->arg, &v);
	if (err)
		return err;
	return req_put_u8(a, m, kw->type, v);
}

/* An IPv4 address. */
int kw_addr(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	    const char *val)
{
	return req_addr_str(a, m, kw->type, kw->name, val);
}

/* A required positional name. */
int req_name(struct pl_args *a, struct nl_msg *m, int type, const char *what)
{
	const char *s;

	return arg_need(a, what, &s) ?: req_put_str(a, m, type, what, s);
}

int req_addr_str(const struct pl_args *a, struct nl_msg *m, int type,
		 const char *what, const char *s)
{
	__u32 addr;

	return parse_addr(a, what, s, &addr) ?:
	       req_put(a, m, type, sizeof(addr), &addr);
}

/* A required positional address of either family: type4's or type6's. */
int req_addr_any(struct pl_args *a, struct nl_msg *m, int type4, int type6,
		 const char *what)
{
	unsigned char addr6[16];
	struct in_addr in;
	const char *s;

	if (arg_need(a, what, &s))
		return -1;
	if (inet_pton(AF_INET, s, &in) == 1)
		return req_put(a, m, type4, sizeof(in), &in);
	if (inet_pton(AF_INET6, s, addr6) == 1)
		return req_put(a, m, type6, sizeof(addr6), addr6);
	return usage_err(a, "%s \"%s\" is not an IPv4 or IPv6 address", what,
			 s);
}

/* A required positional IPv4 address. */
int req_addr(struct pl_args *a, struct nl_msg *m, int type, const char *what)
{
	const char *s;

	return arg_need(a, what, &s) ?: req_addr_str(a, m, type, what, s);
}

/*
 * A service name, the last argument, that filters a dump: it must exist,
 * so that a typo is not taken for a service without objects.
 */
int req_service(struct pl_args *a, struct nl_msg *m, int type)
{
	const char *name = arg_peek(a);
	struct nl_msg *get;
	int err;

	if (a->argc > 1)
		return usage_err(a, "unexpected argument \"%s\"", a->argv[1]);
	get = nl_req(PL_CMD_SERVICE_GET, 0);
	err = req_send(get, req_name(a, get, PL_A_SERVICE_NAME, "SERVICE"));
	return err ?: req_put_str(a, m, type, "SERVICE", name);
}

/* The top-level attribute of type that m holds, or NULL. */
struct nlattr *req_attr(struct nl_msg *m, int type)
{
	return nlmsg_find_attr(nlmsg_hdr(m), GENL_HDRLEN, type);
}

/*
 * Room for one more top-level attribute of type in m, which may hold at
 * most max of them (the spec's max-listeners, max-allow): a usage error
 * naming what when it is full.
 */
int req_count_max(const struct pl_args *a, struct nl_msg *m, int type,
		  const char *what, unsigned int max)
{
	struct nlattr *nla = NULL;
	unsigned int n = 0;

	while ((nla = nl_attr_next(nlmsg_hdr(m), type, nla)))
		n++;
	if (n >= max)
		return usage_err(a, "too many %s (at most %u)", what, max);
	return 0;
}

/*
 * A name that filters a dump (the attribute type of m, if m has it) must
 * name an object that exists, so that a typo is not taken for an object
 * without flows or counters: get it (cmd, with the name as name_type),
 * and let the kernel say when it does not exist.
 */
int req_exists(const struct pl_args *a, struct nl_msg *m, int type, __u8 cmd,
	       int name_type)
{
	struct nlattr *name = req_attr(m, type);
	struct nl_msg *get;

	if (!name)
		return 0;
	get = nl_req(cmd, 0);
	return req_send(get, req_put(a, get, name_type, nla_len(name),
				     nla_data(name)));
}

/* Where req_send() puts requests instead of sending them, or NULL. */
static struct nl_msg **req_slot;

/*
 * Keep the requests that commands build in *slot instead of sending them
 * (NULL: send them again): apply parses its file's lines this way.
 */
void req_capture(struct nl_msg **slot)
{
	req_slot = slot;
}

/* Send m unless building it failed (err); free it either way. */
int req_send(struct nl_msg *m, int err)
{
	if (err) {
		nlmsg_free(m);
		return err;
	}
	if (req_slot) {
		nlmsg_free(*req_slot);
		*req_slot = m;
		return 0;
	}
	return nl_exec(m, NULL);
}

/* Send a get or dump request, then print every reply as a list, key. */
int req_show(struct nl_msg *m, int err, const char *key,
	     void (*print)(struct nlmsghdr *nlh, const char *key))
{
	struct pl_objs objs = { NULL };
	struct nlmsghdr *nlh;

	if (err) {
		nlmsg_free(m);
		return err;
	}
	err = nl_exec(m, &objs);
	if (!err) {
		out_list_begin(key);
		for (nlh = objs_next(&objs, NULL); nlh;
		     nlh = objs_next(&objs, nlh))
			print(nlh, NULL);
		out_list_end();
	}
	objs_free(&objs);
	return err;
}

struct req_stream {
	const char *key;
	void (*print)(struct nlmsghdr *nlh, const char *key);
	unsigned int n;
};

static void req_stream_one(struct nlmsghdr *nlh, void *arg)
{
	struct req_stream *st = arg;

	if (!st->n++)
		out_list_begin(st->key);
	st->print(nlh, NULL);
}

/*
 * Send a dump request, and print each reply as it arrives, as a list, key:
 * for dumps that are no snapshots, and may be large (flows). The list is
 * ended even when the dump fails part way, after its error.
 */
int req_stream(struct nl_msg *m, int err, const char *key,
	       void (*print)(struct nlmsghdr *nlh, const char *key))
{
	struct req_stream st = { .key = key, .print = print };

	if (err) {
		nlmsg_free(m);
		return err;
	}
	err = nl_dump_each(m, req_stream_one, &st);
	if (!err && !st.n)
		out_list_begin(key);
	if (!err || st.n)
		out_list_end();
	return err;
}
