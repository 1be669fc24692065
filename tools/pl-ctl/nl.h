/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink side: one socket and one family resolution for a whole run
 * (batch included), requests acknowledged or refused with the kernel's
 * message, dumps buffered whole and retried when interrupted (or handed
 * over as they arrive, for those that are not snapshots), and a socket
 * subscribed to multicast groups for monitor, which also hears of the
 * family going away.
 */

#ifndef PL_CTL_NL_H
#define PL_CTL_NL_H

#include <stddef.h>

#include <linux/types.h>
#include <netlink/genl/genl.h>

/* Replies of a request or a dump, kept whole: netlink messages in a row. */
struct pl_objs {
	char *buf;
	size_t len;
	size_t cap;
	unsigned int n;
};

struct nlmsghdr *objs_next(const struct pl_objs *o, struct nlmsghdr *prev);
void objs_free(struct pl_objs *o);

int nl_open(void);
void nl_reset(void);
void nl_set_quiet(int quiet);
struct nl_msg *nl_req(__u8 cmd, int flags);
void nl_req_done(struct nl_msg *m);
struct nl_msg *nl_req_large(__u8 cmd, size_t size);
int nl_put(struct nl_msg *m, int type, size_t len, const void *data);
int nl_exec(struct nl_msg *m, struct pl_objs *replies);
int nl_dump_each(struct nl_msg *m,
		 void (*each)(struct nlmsghdr *nlh, void *arg), void *arg);
struct nl_sock *nl_monitor(const char *const *groups, unsigned int n);
int nl_is_pl(const struct nlmsghdr *nlh);
int nl_family_gone(struct nlmsghdr *nlh);
struct nlattr *nl_attr_next(struct nlmsghdr *nlh, int type,
			    struct nlattr *prev);
int nl_parse(struct nlmsghdr *nlh, struct nlattr **tb, int max,
	     const struct nla_policy *policy);

#endif /* PL_CTL_NL_H */
