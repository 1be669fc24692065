/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests built from arguments: positional values, tables of keywords
 * with their values, sending the request, and showing the replies.
 */

#ifndef PL_CTL_REQ_H
#define PL_CTL_REQ_H

#include <linux/types.h>

struct nl_msg;
struct nlattr;
struct nlmsghdr;
struct pl_args;

/* A keyword and how its value goes into the request. */
struct pl_kw {
	const char *name;
	int (*parse)(struct pl_args *a, struct nl_msg *m,
		     const struct pl_kw *kw, const char *val);
	int type;		/* attribute */
	const void *arg;	/* for parse: a pl_enum, a pl_range */
	unsigned int flags;
};

#define PL_KW_REQUIRED	0x1
#define PL_KW_MULTI	0x2

int req_kws(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kws);

int kw_string(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	      const char *val);
int kw_u16(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	   const char *val);
int kw_u32(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	   const char *val);
int kw_enum(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	    const char *val);
int kw_addr(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	    const char *val);

int req_name(struct pl_args *a, struct nl_msg *m, int type,
	     const char *what);
int req_addr(struct pl_args *a, struct nl_msg *m, int type,
	     const char *what);
int req_addr_any(struct pl_args *a, struct nl_msg *m, int type4, int type6,
		 const char *what);
int req_addr_str(const struct pl_args *a, struct nl_msg *m, int type,
		 const char *what, const char *s);
int req_put(const struct pl_args *a, struct nl_msg *m, int type, int len,
	    const void *data);
int req_put_u8(const struct pl_args *a, struct nl_msg *m, int type, __u8 v);
int req_put_str(const struct pl_args *a, struct nl_msg *m, int type,
		const char *what, const char *s);

int req_nest(const struct pl_args *a, struct nl_msg *m, int type,
	     struct nlattr **nest);

int req_service(struct pl_args *a, struct nl_msg *m, int type);
struct nlattr *req_attr(struct nl_msg *m, int type);
int req_count_max(const struct pl_args *a, struct nl_msg *m, int type,
		  const char *what, unsigned int max);
int req_exists(const struct pl_args *a, struct nl_msg *m, int type, __u8 cmd,
	       int name_type);

void req_capture(struct nl_msg **slot);
int req_send(struct nl_msg *m, int err);

int req_show(struct nl_msg *m, int err, const char *key,
	     void (*print)(struct nlmsghdr *nlh, const char *key));
int req_stream(struct nl_msg *m, int err, const char *key,
	       void (*print)(struct nlmsghdr *nlh, const char *key));

#endif /* PL_CTL_REQ_H */
