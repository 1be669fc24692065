/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The addresses pl owns in a namespace: endpoint IPs (ENIs) and services'
 * source addresses. One table holds both, so that no address is taken
 * twice, and so that the packet path finds the owner of a destination
 * address with one lookup.
 */

#ifndef _PL_ADDR_H
#define _PL_ADDR_H

#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rhashtable.h>

struct net;
struct pl_req;
struct nlattr;
struct sk_buff;

enum pl_addr_kind {
	PL_ADDR_ENI,
	PL_ADDR_SOURCE,
};

/* What the packet path and the prober tell the prober's work (acd.c). */
enum {
	PL_ACD_SEEN = BIT(0),	/* another host used the address */
	PL_ACD_LOCAL = BIT(1),	/* a local address came or went */
};

/*
 * An address of pl's, in the table of its family: pn->addrs (IPv4) or
 * pn->addrs6 (IPv6). Only IPv4 addresses are served so far; IPv6 ones are
 * held, so that no two owners take one, and nothing else.
 */
struct pl_addr {
	struct rhash_head node;
	union {
		__be32 addr;
		struct in6_addr addr6;
	};
	u8 family;		/* AF_INET, AF_INET6; 0: none (not in a table) */
	u8 kind;		/* enum pl_addr_kind */
	u8 serve;		/* READ_ONCE(): the packet path handles it */
	u8 state;		/* enum pl_addr_state; READ_ONCE() */
	u8 conflict;		/* enum pl_addr_conflict; READ_ONCE() */
	u8 probe:1;		/* probe it before use */
	u8 picked:1;		/* the kernel chose it: move on when in use */
	u8 step;		/* probes, then announcements, sent */
	u8 mac[ETH_ALEN];	/* the other host, in a conflict */
	int ifindex;		/* where it is probed and announced, or 0 */
	int conflict_ifindex;	/* the local interface that has it */
	unsigned long due;	/* jiffies of the next step */
	struct list_head timed;	/* in pn->acd.timed while probing or announcing */
	/* Reports from the packet path and notifiers, under pn->acd.lock. */
	struct list_head report;
	u8 reported;		/* PL_ACD_* */
	u8 gone;		/* removed: no more reports */
	u8 report_mac[ETH_ALEN];
	/*
	 * In an open transaction (txn.c): PL_ADDR_TXN_GONE when its owner is
	 * deleted, PL_ADDR_TXN_TAKEN when a new owner takes it over at the
	 * commit; txn_old is the entry a new address replaces then.
	 */
	u8 txn_gone;
	struct pl_addr *txn_old;
};

enum {
	PL_ADDR_TXN_GONE = 1,
	PL_ADDR_TXN_TAKEN,
};

/* The netlink attribute types of an address nest (ENI or source). */
struct pl_addr_attrs {
	int state, conflict, mac, ifindex;
};

int pl_addrs_init(struct rhashtable *ht, int family);
void pl_addrs_destroy(struct rhashtable *ht);
struct pl_addr *pl_addr_lookup(struct rhashtable *ht, __be32 addr);
struct pl_addr *pl_addr_lookup_rcu(struct rhashtable *ht, __be32 addr);
int pl_addr_insert(struct rhashtable *ht, struct pl_addr *a);
void pl_addr_remove(struct rhashtable *ht, struct pl_addr *a);
int pl_addr_publish(struct rhashtable *ht, struct pl_addr *a);
int pl_addr_check_free(struct pl_req *req, __be32 ip,
		       const struct nlattr *attr);
int pl_addr_check_free6(struct pl_req *req, const struct in6_addr *ip,
			const struct nlattr *attr);
struct pl_addr *pl_addr6_lookup(struct rhashtable *ht,
				const struct in6_addr *addr);
bool pl_addr6_local(struct net *net, const struct in6_addr *addr);
unsigned int pl_addr_local(struct net *net, __be32 addr, int *ifindex);
#define PL_ADDR_STR_LEN	48	/* INET6_ADDRSTRLEN */
const char *pl_addr_str(const struct pl_addr *a, char *buf);
int pl_addr_fill(struct sk_buff *skb, const struct pl_addr *a,
		 const struct pl_addr_attrs *t);

/* A new address: pl_acd_forget() works on it before pl_acd_start(). */
static inline void pl_addr_init(struct pl_addr *a)
{
	INIT_LIST_HEAD(&a->timed);
	INIT_LIST_HEAD(&a->report);
}

/* Does pl answer ARP for the address and translate its traffic? */
static inline bool pl_addr_serves(const struct pl_addr *a)
{
	return READ_ONCE(a->serve);
}

#endif /* _PL_ADDR_H */
