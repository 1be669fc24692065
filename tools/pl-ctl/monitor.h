/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listening to pl's multicast groups, as monitor and flow log do.
 */

#ifndef PL_CTL_MONITOR_H
#define PL_CTL_MONITOR_H

struct nlmsghdr;

struct mon_listener {
	const char *who;	/* for messages: "monitor", "flow log" */
	/* Each pl message (a valid generic-netlink header) that comes. */
	void (*event)(struct nlmsghdr *nlh, void *arg);
	/* Messages were lost: the socket's receive buffer overran. */
	void (*lost)(void *arg);
	/* Optional: ms until idle() is due (-1: never), asked before each wait. */
	int (*timeout)(void *arg);
	void (*idle)(void *arg);
	void *arg;
};

int mon_listen(const char *const *groups, unsigned int n,
	       const struct mon_listener *l);

#endif /* PL_CTL_MONITOR_H */
