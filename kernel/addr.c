// SPDX-License-Identifier: GPL-2.0
/*
 * The address table. Writers hold the namespace's configuration lock;
 * readers hold rcu_read_lock(), and the owners of the entries free them
 * after a grace period.
 */

#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <net/addrconf.h>
#include <net/route.h>

#include "addr.h"
#include "endpoint.h"
#include "netlink.h"
#include "service.h"

/*
 * Every packet pl's hook sees is looked up here, so the key's hash and
 * comparison are a word's, inlined, not jhash2() and memcmp() calls.
 */
static u32 pl_addr_hash(const void *data, u32 len, u32 seed)
{
	return jhash_1word(*(const u32 *)data, seed);
}

static int pl_addr_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct pl_addr *a = obj;

	return a->addr != *(const __be32 *)arg->key;
}

static const struct rhashtable_params pl_addr_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct pl_addr, addr),
	.head_offset = offsetof(struct pl_addr, node),
	.hashfn = pl_addr_hash,
	.obj_cmpfn = pl_addr_cmp,
	.automatic_shrinking = true,
};

/* IPv6 addresses are configuration only so far: the generic hash will do. */
static const struct rhashtable_params pl_addr6_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct pl_addr, addr6),
	.head_offset = offsetof(struct pl_addr, node),
	.automatic_shrinking = true,
};

static_assert(offsetof(struct pl_addr, addr) ==
	      offsetof(struct pl_addr, addr6));

int pl_addrs_init(struct rhashtable *ht, int family)
{
	return rhashtable_init(ht, family == AF_INET6 ? &pl_addr6_params :
							&pl_addr_params);
}

void pl_addrs_destroy(struct rhashtable *ht)
{
	WARN_ON(atomic_read(&ht->nelems));
	rhashtable_destroy(ht);
}

struct pl_addr *pl_addr_lookup(struct rhashtable *ht, __be32 addr)
{
	return rhashtable_lookup_fast(ht, &addr, pl_addr_params);
}

/* The same, for the packet path, which holds rcu_read_lock() already. */
struct pl_addr *pl_addr_lookup_rcu(struct rhashtable *ht, __be32 addr)
{
	return rhashtable_lookup(ht, &addr, pl_addr_params);
}

struct pl_addr *pl_addr6_lookup(struct rhashtable *ht,
				const struct in6_addr *addr)
{
	return rhashtable_lookup_fast(ht, addr, pl_addr6_params);
}

/* The entry of a's table with a's address. */
static struct pl_addr *pl_addr_find(struct rhashtable *ht,
				    const struct pl_addr *a)
{
	if (a->family == AF_INET6)
		return pl_addr6_lookup(ht, &a->addr6);
	return pl_addr_lookup(ht, a->addr);
}

static int pl_addr_add(struct rhashtable *ht, struct pl_addr *a)
{
	if (a->family == AF_INET6)
		return rhashtable_lookup_insert_fast(ht, &a->node,
						     pl_addr6_params);
	return rhashtable_lookup_insert_fast(ht, &a->node, pl_addr_params);
}

/*
 * Fails with -EEXIST when the address is taken, changing nothing. An
 * address whose owner the open transaction deletes is taken over: the new
 * entry goes in at the commit (pl_addr_publish()).
 */
int pl_addr_insert(struct rhashtable *ht, struct pl_addr *a)
{
	struct pl_addr *old;
	int err;

	a->txn_old = NULL;
	err = pl_addr_add(ht, a);
	if (err != -EEXIST)
		return err;
	old = pl_addr_find(ht, a);
	if (!old || old->txn_gone != PL_ADDR_TXN_GONE)
		return err;
	old->txn_gone = PL_ADDR_TXN_TAKEN;
	a->txn_old = old;
	return 0;
}

void pl_addr_remove(struct rhashtable *ht, struct pl_addr *a)
{
	if (a->txn_old) {	/* never went in */
		a->txn_old = NULL;
		return;
	}
	if (a->family == AF_INET6)
		rhashtable_remove_fast(ht, &a->node, pl_addr6_params);
	else
		rhashtable_remove_fast(ht, &a->node, pl_addr_params);
}

/* At a commit: put in an address that takes over a deleted owner's. */
int pl_addr_publish(struct rhashtable *ht, struct pl_addr *a)
{
	struct pl_addr *old = a->txn_old;

	if (!old)
		return 0;
	a->txn_old = NULL;
	if (a->family == AF_INET6 ?
	    !rhashtable_replace_fast(ht, &old->node, &a->node,
				     pl_addr6_params) :
	    !rhashtable_replace_fast(ht, &old->node, &a->node, pl_addr_params))
		return 0;
	/* The old owner is gone already: the key is free. */
	return pl_addr_add(ht, a);
}

/*
 * The interface whose broadcast address addr is, or 0. Under RCU. As
 * fib_add_ifaddr() does, the prefix's broadcast address counts whether
 * or not the address was given one ("brd").
 */
static bool pl_addr_ifa_broadcast(const struct in_ifaddr *ifa, __be32 addr)
{
	if (ifa->ifa_broadcast == addr)
		return true;
	return ifa->ifa_prefixlen < 31 &&
	       ((ifa->ifa_local | ~ifa->ifa_mask) == addr ||
		(ifa->ifa_local & ifa->ifa_mask) == addr);
}

/* The interface whose broadcast address addr is, or 0. Under RCU. */
static int pl_addr_broadcast(struct net *net, __be32 addr)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	struct net_device *dev;

	for_each_netdev_rcu(net, dev) {
		in_dev = __in_dev_get_rcu(dev);
		if (!in_dev)
			continue;
		in_dev_for_each_ifa_rcu(ifa, in_dev) {
			if (pl_addr_ifa_broadcast(ifa, addr))
				return dev->ifindex;
		}
	}
	return 0;
}

/*
 * Is addr the router's own: RTN_LOCAL (an address of an interface) or
 * RTN_BROADCAST (an interface's broadcast address), with that interface
 * in *ifindex; 0 when it is not. inet_addr_type() alone says broadcast of
 * every address while the namespace has no local table yet.
 */
unsigned int pl_addr_local(struct net *net, __be32 addr, int *ifindex)
{
	unsigned int type = inet_addr_type(net, addr);
	struct net_device *dev;

	*ifindex = 0;
	if (type != RTN_LOCAL && type != RTN_BROADCAST)
		return 0;
	rcu_read_lock();
	if (type == RTN_LOCAL) {
		dev = __ip_dev_find(net, addr, false);
		if (dev)
			*ifindex = dev->ifindex;
	} else {
		*ifindex = pl_addr_broadcast(net, addr);
		if (!*ifindex)
			type = 0;
	}
	rcu_read_unlock();
	return type;
}

/*
 * An address of the namespace itself (any interface) or a broadcast or
 * multicast one is never pl's: taking it would hijack the router's own.
 */
static int pl_addr_check_local(struct pl_req *req, __be32 ip,
			       const struct nlattr *attr)
{
	char name[IFNAMSIZ] = "?";
	struct net_device *dev;
	unsigned int type;
	int ifindex;

	if (ipv4_is_multicast(ip) || ipv4_is_lbcast(ip) || ipv4_is_zeronet(ip))
		return pl_fail(req, -EADDRINUSE, attr,
			       "%pI4 is not a unicast address", &ip);
	type = pl_addr_local(req->pn->net, ip, &ifindex);
	if (!type)
		return 0;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(req->pn->net, ifindex);
	if (dev)
		strscpy(name, dev->name, sizeof(name));
	rcu_read_unlock();
	if (type == RTN_BROADCAST)
		return pl_fail(req, -EADDRINUSE, attr,
			       "%pI4 is a broadcast address of this router (dev %s)",
			       &ip, name);
	return pl_fail(req, -EADDRINUSE, attr,
		       "%pI4 is an address of this router (dev %s)", &ip, name);
}

/*
 * An IPv6 address of the namespace itself, or one that is not a global
 * unicast address, is never pl's.
 */
static int pl_addr_check_local6(struct pl_req *req,
				const struct in6_addr *ip,
				const struct nlattr *attr)
{
	char name[IFNAMSIZ] = "?";
	struct net_device *dev;
	int type = ipv6_addr_type(ip);

	if (!(type & IPV6_ADDR_UNICAST) || (type & IPV6_ADDR_LINKLOCAL) ||
	    (type & IPV6_ADDR_LOOPBACK) || (type & IPV6_ADDR_MAPPED))
		return pl_fail(req, -EADDRINUSE, attr,
			       "%pI6c is not a global unicast address", ip);
	if (!pl_addr6_local(req->pn->net, ip))
		return 0;
	rcu_read_lock();
	dev = ipv6_dev_find(req->pn->net, ip, NULL);
	if (dev)
		strscpy(name, dev->name, sizeof(name));
	rcu_read_unlock();
	return pl_fail(req, -EADDRINUSE, attr,
		       "%pI6c is an address of this router (dev %s)", ip, name);
}

/* The address as text; buf holds PL_ADDR_STR_LEN bytes. */
const char *pl_addr_str(const struct pl_addr *a, char *buf)
{
	if (a->family == AF_INET6)
		snprintf(buf, PL_ADDR_STR_LEN, "%pI6c", &a->addr6);
	else
		snprintf(buf, PL_ADDR_STR_LEN, "%pI4", &a->addr);
	return buf;
}

/* Is addr an address of one of the namespace's interfaces? */
bool pl_addr6_local(struct net *net, const struct in6_addr *addr)
{
	return ipv6_chk_addr(net, addr, NULL, 0);
}

/* Refuse a, when another of pl's owns its address already (txt names it). */
static int pl_addr_check_owner(struct pl_req *req, const struct pl_addr *a,
			       const char *txt, const struct nlattr *attr)
{
	const struct pl_source *src;
	const struct pl_eni *eni;

	if (a->txn_gone == PL_ADDR_TXN_TAKEN)
		return pl_fail(req, -EADDRINUSE, attr,
			       "%s is taken by an earlier request of this transaction",
			       txt);
	if (a->kind == PL_ADDR_ENI) {
		eni = a->family == AF_INET6 ?
		      container_of(a, struct pl_eni6, addr)->eni :
		      container_of(a, struct pl_eni, addr);
		return pl_fail(req, -EADDRINUSE, attr,
			       "%s is taken by endpoint \"%s\"", txt,
			       eni->ep->obj.key.name);
	}
	src = container_of(a, struct pl_source, addr);
	return pl_fail(req, -EADDRINUSE, attr,
		       "%s is a source address of service \"%s\"", txt,
		       src->svc->obj.key.name);
}

/* Refuse an address that pl or the router itself holds already. */
int pl_addr_check_free(struct pl_req *req, __be32 ip,
		       const struct nlattr *attr)
{
	const struct pl_addr *a = pl_addr_lookup(&req->pn->addrs, ip);
	char txt[16];

	if (!a || a->txn_gone == PL_ADDR_TXN_GONE)
		return pl_addr_check_local(req, ip, attr);
	snprintf(txt, sizeof(txt), "%pI4", &ip);
	return pl_addr_check_owner(req, a, txt, attr);
}

int pl_addr_check_free6(struct pl_req *req, const struct in6_addr *ip,
			const struct nlattr *attr)
{
	const struct pl_addr *a = pl_addr6_lookup(&req->pn->addrs6, ip);
	char txt[PL_ADDR_STR_LEN];

	if (!a || a->txn_gone == PL_ADDR_TXN_GONE)
		return pl_addr_check_local6(req, ip, attr);
	snprintf(txt, sizeof(txt), "%pI6c", ip);
	return pl_addr_check_owner(req, a, txt, attr);
}

/* The address's state, in the nest being built. */
int pl_addr_fill(struct sk_buff *skb, const struct pl_addr *a,
		 const struct pl_addr_attrs *t)
{
	if (nla_put_u8(skb, t->state, a->state))
		return -EMSGSIZE;
	if (a->state != PL_ADDR_STATE_CONFLICT)
		return 0;
	if (nla_put_u8(skb, t->conflict, a->conflict))
		return -EMSGSIZE;
	if (a->conflict == PL_ADDR_CONFLICT_LOCAL)
		return nla_put_u32(skb, t->ifindex, a->conflict_ifindex);
	return nla_put(skb, t->mac, ETH_ALEN, a->mac);
}
