/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flows as flow.c parses them, for flowlog.c.
 */

#ifndef PL_CTL_FLOW_H
#define PL_CTL_FLOW_H

#include <linux/types.h>

struct nlattr;
struct nlmsghdr;
struct pl_args;

/* One direction of a flow. */
struct flow_tuple {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

int tuple_parse(struct nlattr *nest, struct flow_tuple *t);
int flow_parse(struct nlmsghdr *nlh, struct nlattr **tb,
	       struct flow_tuple *orig, struct flow_tuple *reply);
int flow_reject_parse(struct nlmsghdr *nlh, struct nlattr **tb,
		      struct flow_tuple *orig);

/* pl-ctl flow log (flowlog.c). */
int flow_log(struct pl_args *a);

#endif /* PL_CTL_FLOW_H */
