/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One reply of a stats dump, parsed: stats.c prints it as text or JSON,
 * metrics.c in the Prometheus text format.
 */

#ifndef PL_CTL_STATS_H
#define PL_CTL_STATS_H

#include <stdio.h>

#include <linux/pl.h>
#include <netlink/attr.h>

#include "nl.h"

struct stats_msg {
	struct nlattr *tb[PL_A_STATS_MAX + 1];
	struct nlattr *ctr[PL_A_COUNTERS_MAX + 1];
	struct nlattr *drops[PL_A_DROPS_MAX + 1];
	__u8 scope;
};

int stats_parse(struct nlmsghdr *nlh, struct stats_msg *s);

/* The counters of a stats dump, in the Prometheus text format, to f. */
void metrics_print(FILE *f, const struct pl_objs *objs);

#endif /* PL_CTL_STATS_H */
