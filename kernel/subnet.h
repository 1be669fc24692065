/* SPDX-License-Identifier: GPL-2.0 */
/* Subnets: where endpoint IPs are placed. */

#ifndef _PL_SUBNET_H
#define _PL_SUBNET_H

#include <linux/in6.h>

#include "table.h"

struct pl_req;
struct pl_net;
struct pl_az;
struct nlattr;

struct pl_subnet {
	struct pl_obj obj;		/* key: the id */
	__be32 prefix;
	u8 plen;			/* 0: no IPv4 prefix */
	u8 plen6;			/* 0: no IPv6 prefix */
	struct in6_addr prefix6;
	u64 next_pick6;			/* IPv6 host offset to try first */
	int ifindex;			/* 0: found by route */
	u8 probe;			/* probe ENI IPs before use */
	struct pl_az *az;
	u32 n_enis;
	u32 next_pick;			/* host offset to try first */
	struct rcu_head rcu;
};

struct pl_subnet *pl_subnet_find(struct pl_req *req,
				 const struct nlattr *attr);
int pl_subnet_check_ip(struct pl_req *req, const struct pl_subnet *s,
		       __be32 ip, const struct nlattr *attr);
__be32 pl_subnet_pick_ip(struct pl_net *pn, struct pl_subnet *s);
int pl_subnet_check_ip6(struct pl_req *req, const struct pl_subnet *s,
			const struct in6_addr *ip, const struct nlattr *attr);
bool pl_subnet_pick_ip6(struct pl_net *pn, struct pl_subnet *s,
			struct in6_addr *ip);
void pl_subnets_flush(struct pl_net *pn);

#endif /* _PL_SUBNET_H */
