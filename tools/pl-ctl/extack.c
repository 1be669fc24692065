// SPDX-License-Identifier: GPL-2.0
/*
 * Report a refused request on stderr, as
 *
 *   Error: MESSAGE (attribute "NAME", BOUND)
 *   Error: MESSAGE (missing attribute "NAME")
 *   Error: Operation not permitted (it needs CAP_NET_ADMIN)
 *
 * MESSAGE is the kernel's extack message, or strerror() without one. The
 * attribute the kernel blames is found at its offset in our request, and
 * named as the spec does ("listener.port" for a nested one); BOUND is the
 * policy's range or length limit when the kernel sent it.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "extack.h"
#include "spec.h"

#define PATH_LEN 128

static struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_POLICY] = { .type = NLA_NESTED },
	[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_NEST] = { .type = NLA_U32 },
};

static struct nla_policy bound_policy[NL_POLICY_TYPE_ATTR_MAX + 1] = {
	[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] = { .type = NLA_U64 },
	[NL_POLICY_TYPE_ATTR_MAX_VALUE_S] = { .type = NLA_U64 },
	[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] = { .type = NLA_U64 },
	[NL_POLICY_TYPE_ATTR_MAX_VALUE_U] = { .type = NLA_U64 },
	[NL_POLICY_TYPE_ATTR_MIN_LENGTH] = { .type = NLA_U32 },
	[NL_POLICY_TYPE_ATTR_MAX_LENGTH] = { .type = NLA_U32 },
};

/* Append the attribute's name (its number, if unknown) to path. */
static void path_add(char *path, const struct pl_set *set, int type)
{
	const char *name = pl_attr_name(set, type);
	size_t len = strlen(path);

	if (name)
		snprintf(path + len, PATH_LEN - len, "%s%s", len ? "." : "",
			 name);
	else
		snprintf(path + len, PATH_LEN - len, "%s%d", len ? "." : "",
			 type);
}

/*
 * Name the attribute at byte offset off of the message at base, looking
 * among the attributes at head and in their nests. Returns 0 when found,
 * with *nest the set of the attribute's own attributes, if it has some.
 */
static int attr_find(const char *base, struct nlattr *head, int len,
		     const struct pl_set *set, unsigned int off, char *path,
		     const struct pl_set **nest)
{
	struct nlattr *nla;
	unsigned int start;
	int rem;

	nla_for_each_attr(nla, head, len, rem) {
		start = (const char *)nla - base;
		if (off < start || off >= start + nla->nla_len)
			continue;
		path_add(path, set, nla_type(nla));
		set = pl_attr_nest(set, nla_type(nla));
		if (off == start) {
			*nest = set;
			return 0;
		}
		if (!set)
			return -1;
		return attr_find(base, nla_data(nla), nla_len(nla), set, off,
				 path, nest);
	}
	return -1;
}

/* The path of the attribute at off in req, or NULL. */
static const char *attr_at(struct nl_msg *req, unsigned int off, char *path,
			   const struct pl_set **nest)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	struct genlmsghdr *g = nlmsg_data(nlh);
	const struct pl_set *set = pl_cmd_set(g->cmd);
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	path[0] = '\0';
	if (off < (unsigned int)hdr || off >= nlh->nlmsg_len)
		return NULL;
	if (attr_find((const char *)nlh, (struct nlattr *)((char *)nlh + hdr),
		      nlh->nlmsg_len - hdr, set, off, path, nest))
		return NULL;
	return path;
}

static void print_range(struct nlattr **tb)
{
	struct nlattr *min_u = tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U];
	struct nlattr *max_u = tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U];
	struct nlattr *min_s = tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S];
	struct nlattr *max_s = tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S];

	if (min_u && max_u)
		fprintf(stderr, ", range %llu-%llu",
			(unsigned long long)nla_get_u64(min_u),
			(unsigned long long)nla_get_u64(max_u));
	else if (min_s && max_s)
		fprintf(stderr, ", range %lld-%lld",
			(long long)nla_get_u64(min_s),
			(long long)nla_get_u64(max_s));
}

/* The bound of the policy the attribute broke: its range or length. */
static void print_bound(struct nlattr *pol)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];

	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, pol, bound_policy))
		return;
	print_range(tb);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		fprintf(stderr, ", at most %u bytes",
			nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
	else if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH])
		fprintf(stderr, ", at least %u bytes",
			nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]));
}

/* The attribute the kernel found missing, in the nest at off or on top. */
static void print_missing(struct nl_msg *req, struct nlattr **tb)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(req));
	const struct pl_set *set = pl_cmd_set(g->cmd);
	int type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	char path[PATH_LEN] = "";

	if (tb[NLMSGERR_ATTR_MISS_NEST] &&
	    !attr_at(req, nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]), path,
		     &set))
		set = NULL;
	path_add(path, set, type);
	fprintf(stderr, " (missing attribute \"%s\")", path);
}

/* Who reports refusals instead of report(), when set: apply does. */
static struct {
	int (*fn)(int error, const char *msg, void *arg);
	void *arg;
} hook;

/*
 * Hand the refusals of requests to fn, with the kernel's message ("" for
 * none), instead of reporting them; fn returns 0 to have them reported
 * all the same. NULL: report them again.
 */
void extack_hook(int (*fn)(int error, const char *msg, void *arg), void *arg)
{
	hook.fn = fn;
	hook.arg = arg;
}

static void report(int error, struct nlattr *tlv, int len, struct nl_msg *req)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	char msg[256] = "", path[PATH_LEN];
	const struct pl_set *nest;

	if (tlv && nla_parse(tb, NLMSGERR_ATTR_MAX, tlv, len, extack_policy))
		memset(tb, 0, sizeof(tb));
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(msg, tb[NLMSGERR_ATTR_MSG], sizeof(msg));
	if (hook.fn && hook.fn(error, msg, hook.arg))
		return;
	fflush(stdout);
	fprintf(stderr, "Error: %s", msg[0] ? msg : strerror(-error));
	/* pl refuses nothing with EPERM itself: it is the lack of privilege. */
	if (!msg[0] && error == -EPERM)
		fputs(" (it needs CAP_NET_ADMIN)", stderr);
	if (tb[NLMSGERR_ATTR_OFFS]) {
		if (attr_at(req, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]), path,
			    &nest))
			fprintf(stderr, " (attribute \"%s\"", path);
		else
			fprintf(stderr, " (at offset %u",
				nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
		if (tb[NLMSGERR_ATTR_POLICY])
			print_bound(tb[NLMSGERR_ATTR_POLICY]);
		fputc(')', stderr);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		print_missing(req, tb);
	fputc('\n', stderr);
}

/* An error ack: the TLVs follow the request, or its header when capped. */
void extack_err(const struct nlmsgerr *e, struct nl_msg *req)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e -
						    NLMSG_HDRLEN);
	int off = sizeof(*e), len;

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		report(e->error, NULL, 0, req);
	else
		report(e->error, (struct nlattr *)((char *)e + off), len, req);
}

/* A failed dump: its NLMSG_DONE holds the error, then the TLVs. */
void extack_done(const struct nlmsghdr *nlh, struct nl_msg *req)
{
	int error, len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(error);
	const char *data = (const char *)nlh + NLMSG_HDRLEN;

	memcpy(&error, data, sizeof(error));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		report(error, NULL, 0, req);
	else
		report(error, (struct nlattr *)(data + sizeof(error)), len,
		       req);
}
