/* SPDX-License-Identifier: GPL-2.0 */
/* Interface endpoints: the consumer side. */

#ifndef _PL_ENDPOINT_H
#define _PL_ENDPOINT_H

#include "addr.h"
#include "stats.h"
#include "table.h"

struct pl_req;
struct pl_net;
struct pl_service;
struct pl_subnet;
struct nlattr;
struct sk_buff;

struct pl_endpoint;

struct pl_eni;

/*
 * An ENI's IPv6 address, apart from the ENI: only endpoints whose type has
 * IPv6 pay for it (one array per endpoint).
 */
struct pl_eni6 {
	struct pl_addr addr;		/* in the IPv6 address table */
	struct pl_eni *eni;
};

/* An endpoint's network interface: private IPs in one subnet. */
struct pl_eni {
	struct pl_addr addr;		/* IPv4, in the address table */
	struct pl_eni6 *v6;		/* NULL: no IPv6 address */
	struct pl_endpoint *ep;
	struct pl_subnet *subnet;
	atomic_t nflows;
	struct pl_counters __percpu *stats;
};

struct pl_prefix {
	union {
		__be32 addr;
		struct in6_addr addr6;
	};
	u8 len;
	u8 family;		/* AF_INET, AF_INET6 */
};

/* The sources allowed to use an endpoint; replaced whole, under RCU. */
struct pl_allow {
	struct rcu_head rcu;
	u32 n;
	struct pl_prefix prefixes[] __counted_by(n);
};

struct pl_endpoint {
	struct pl_obj obj;		/* key: the id */
	struct pl_service *svc;
	struct list_head svc_node;	/* in svc->endpoints */
	u8 state;			/* enum pl_endpoint_state; READ_ONCE() */
	u8 ip_type;			/* enum pl_ip_address_type */
	struct pl_allow __rcu *allow;	/* NULL: every source */
	u8 private_dns;			/* its service's private name is its */
	u8 dns_next;			/* ... staged (dns.h) */
	u64 digest;			/* pl_config_digest()'s items, or 0 */
	struct rcu_head rcu;
	u8 n_enis;
	struct pl_eni enis[] __counted_by(n_enis);
};

int pl_prefix_parse(struct pl_req *req, const struct nlattr *nest,
		    struct pl_prefix *p, bool v6);
const char *pl_prefix_str(const struct pl_prefix *p, char *buf);
#define PL_PREFIX_STR_LEN	52	/* INET6_ADDRSTRLEN + "/128" */
int pl_prefix_put(struct sk_buff *skb, int type, const struct pl_prefix *p);
bool pl_endpoint_allows(const struct pl_endpoint *ep, __be32 saddr);
void pl_endpoints_flush(struct pl_net *pn);
void pl_endpoint_notify(struct pl_net *pn, const struct pl_endpoint *ep);

/*
 * The ENI's address of index k (0: IPv4, 1: IPv6), NULL when the
 * endpoint's ip-address-type gives it none.
 */
static inline struct pl_addr *pl_eni_addr(struct pl_eni *eni, int k)
{
	if (k)
		return eni->v6 ? &eni->v6->addr : NULL;
	return eni->addr.family ? &eni->addr : NULL;
}

#define PL_ENI_ADDRS	2

#endif /* _PL_ENDPOINT_H */
