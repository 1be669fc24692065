/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reporting the kernel's refusal of a request: its extended ack message,
 * the attribute it blames, the policy bound it enforced, or the attribute
 * it found missing.
 */

#ifndef PL_CTL_EXTACK_H
#define PL_CTL_EXTACK_H

#include <linux/netlink.h>

struct nl_msg;

void extack_err(const struct nlmsgerr *e, struct nl_msg *req);
void extack_done(const struct nlmsghdr *nlh, struct nl_msg *req);
void extack_hook(int (*fn)(int error, const char *msg, void *arg), void *arg);

#endif /* PL_CTL_EXTACK_H */
