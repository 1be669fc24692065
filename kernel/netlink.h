/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the generic-netlink handlers: a request context whose errors
 * carry a formatted extack message naming what is wrong, replies,
 * notifications on the config group, and resumable dumps.
 */

#ifndef _PL_NETLINK_H
#define _PL_NETLINK_H

#include <net/genetlink.h>

#include "netlink-gen.h"
#include "net.h"

#define PL_MSG_LEN 192

/* One request, handled under its namespace's configuration lock. */
struct pl_req {
	struct genl_info *info;
	struct pl_net *pn;
	struct nlattr *head;		/* the top-level attributes */
	int len;
	char msg[PL_MSG_LEN];
};

/* Put obj's attributes in a message; called under pn's configuration lock. */
typedef int (*pl_fill_t)(struct sk_buff *skb, struct pl_net *pn,
			 const void *obj);

int pl_nl_do(struct sk_buff *skb, struct genl_info *info,
	     int (*handler)(struct pl_req *req));
int pl_nl_ack(struct sk_buff *skb, struct genl_info *info, int err,
	      const char *msg);
int pl_txn_request(struct pl_req *req, int (*handler)(struct pl_req *req));

__printf(4, 5)
int pl_fail(struct pl_req *req, int err, const struct nlattr *attr,
	    const char *fmt, ...);

const struct nlattr *pl_req_attr(struct pl_req *req, int type,
				 const char *what);
const struct nlattr *pl_nest_attr(struct pl_req *req,
				  const struct nlattr *nest,
				  struct nlattr **tb, int type,
				  const char *what);
int pl_req_name(struct pl_req *req, const struct nlattr *attr,
		const char *what, union pl_key *key);
int pl_req_key(struct pl_req *req, int type, const char *what,
	       union pl_key *key);

int pl_req_unicast(struct pl_req *req, const struct nlattr *attr,
		   const char *what, __be32 *addr);
int pl_req_count(struct pl_req *req, int type);

/* The request's top-level attributes, for those that may repeat. */
static inline struct nlattr *pl_req_head(const struct pl_req *req)
{
	return req->head;
}

static inline int pl_req_len(const struct pl_req *req)
{
	return req->len;
}

int pl_nl_reply(struct pl_req *req, u8 cmd, pl_fill_t fill, const void *obj);
void pl_nl_notify(struct pl_req *req, u8 cmd, pl_fill_t fill,
		  const void *obj);
void pl_nl_announce(struct pl_net *pn, u8 cmd, pl_fill_t fill,
		    const void *obj);

/* A dump of one table, optionally filtered. */
struct pl_dump {
	struct pl_table *table;
	u8 cmd;
	pl_fill_t fill;
	bool (*match)(const struct pl_obj *obj, const void *arg);
	const void *arg;
	const struct nlattr *service;	/* a filter: must name a service */
	void (*prepare)(struct pl_net *pn);	/* before the first part */
};

int pl_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
	       const struct pl_dump *d);

int pl_nl_init(void);
void pl_nl_exit(void);

#endif /* _PL_NETLINK_H */
