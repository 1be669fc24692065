/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Announcements: while a router of a fleet is active, a blackhole host
 * route for each of its ENI IPs and source addresses in the routing table
 * the operator names, for a routing daemon (BIRD, FRR) to announce.
 */

#ifndef _PL_ANNOUNCE_H
#define _PL_ANNOUNCE_H

#include <linux/types.h>

/* The routes' protocol, for daemons' filters (rt_protos: 201 pl). */
#define PL_RTPROT 201

struct pl_sync;
struct socket;

/* The routes this router keeps. */
struct pl_announce {
	struct socket *nl;		/* to rtnetlink, once needed */
	u32 table;			/* where they are */
	u32 n;
	__be32 *addrs;			/* sorted */
};

void pl_announce_update(struct pl_sync *s);
void pl_announce_stop(struct pl_sync *s);

#endif /* _PL_ANNOUNCE_H */
