// SPDX-License-Identifier: GPL-2.0
/*
 * The address table. Writers hold the namespace's configuration lock;
 * readers hold rcu_read_lock(), and the owners of the entries free them
 * after a grace period.
 */

#include <linux/inetdevice.h>
#include <linux/jhash.h>
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

int pl_addrs_init(struct rhashtable *ht)
{
	return rhashtable_init(ht, &pl_addr_params);
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

/* Fails with -EEXIST when the address is taken, changing nothing. */
int pl_addr_insert(struct rhashtable *ht, struct pl_addr *a)
{
	return rhashtable_lookup_insert_fast(ht, &a->node, pl_addr_params);
}

void pl_addr_remove(struct rhashtable *ht, struct pl_addr *a)
{
	rhashtable_remove_fast(ht, &a->node, pl_addr_params);
}

/*
 * An address of the namespace itself (any interface) or a broadcast or
 * multicast one is never pl's: taking it would hijack the router's own.
 */
static int pl_addr_check_local(struct pl_req *req, __be32 ip,
			       const struct nlattr *attr)
{
	struct net *net = req->pn->net;
	char name[IFNAMSIZ] = "?";
	struct net_device *dev;
	unsigned int type;

	if (ipv4_is_multicast(ip) || ipv4_is_lbcast(ip) || ipv4_is_zeronet(ip))
		return pl_fail(req, -EADDRINUSE, attr,
			       "%pI4 is not a unicast address", &ip);
	type = inet_addr_type(net, ip);
	if (type != RTN_LOCAL && type != RTN_BROADCAST)
		return 0;
	rcu_read_lock();
	dev = __ip_dev_find(net, ip, false);
	if (dev)
		strscpy(name, dev->name, sizeof(name));
	rcu_read_unlock();
	if (type == RTN_BROADCAST)
		return pl_fail(req, -EADDRINUSE, attr,
			       "%pI4 is a broadcast address of this router",
			       &ip);
	return pl_fail(req, -EADDRINUSE, attr,
		       "%pI4 is an address of this router (dev %s)", &ip, name);
}

/* Refuse an address that pl or the router itself holds already. */
int pl_addr_check_free(struct pl_req *req, __be32 ip,
		       const struct nlattr *attr)
{
	const struct pl_addr *a = pl_addr_lookup(&req->pn->addrs, ip);
	const struct pl_source *src;
	const struct pl_eni *eni;

	if (!a)
		return pl_addr_check_local(req, ip, attr);
	if (a->kind == PL_ADDR_ENI) {
		eni = container_of(a, struct pl_eni, addr);
		return pl_fail(req, -EADDRINUSE, attr,
			       "%pI4 is taken by endpoint \"%s\"", &ip,
			       eni->ep->obj.key.name);
	}
	src = container_of(a, struct pl_source, addr);
	return pl_fail(req, -EADDRINUSE, attr,
		       "%pI4 is a source address of service \"%s\"", &ip,
		       src->svc->obj.key.name);
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
