// SPDX-License-Identifier: GPL-2.0
/*
 * Subnets: an IPv4 prefix, an IPv6 prefix or both, in one zone; no two
 * subnets' prefixes of a family overlap. Endpoint IPs are placed in them.
 * As on AWS, an IPv4 subnet's network address, first three host addresses
 * and broadcast address are reserved, and an IPv6 subnet's first four
 * addresses and last one.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "addr.h"
#include "az.h"
#include "netlink.h"
#include "subnet.h"
#include "txn.h"

static_assert(offsetof(struct pl_subnet, obj) == 0);

#define PL_SUBNET_RESERVED 4	/* the network address and three hosts */

static struct pl_subnet *pl_subnet_lookup(struct pl_net *pn,
					  const union pl_key *key)
{
	struct pl_obj *obj = pl_table_lookup(&pn->subnets, key);

	return obj ? container_of(obj, struct pl_subnet, obj) : NULL;
}

struct pl_subnet *pl_subnet_find(struct pl_req *req,
				 const struct nlattr *attr)
{
	struct pl_subnet *s;
	union pl_key key;
	int err;

	err = pl_req_name(req, attr, "subnet id", &key);
	if (err)
		return ERR_PTR(err);
	s = pl_subnet_lookup(req->pn, &key);
	if (!s)
		return ERR_PTR(pl_fail(req, -ENOENT, attr,
				       "subnet \"%s\" does not exist",
				       key.name));
	return s;
}

static u32 pl_subnet_size(const struct pl_subnet *s)
{
	return 1U << (32 - s->plen);
}

/* An ENI IP must be a host address of the subnet that AWS leaves free. */
int pl_subnet_check_ip(struct pl_req *req, const struct pl_subnet *s,
		       __be32 ip, const struct nlattr *attr)
{
	u32 off = ntohl(ip) - ntohl(s->prefix);

	if ((ip ^ s->prefix) & inet_make_mask(s->plen))
		return pl_fail(req, -EINVAL, attr,
			       "%pI4 is outside subnet \"%s\" (%pI4/%u)",
			       &ip, s->obj.key.name, &s->prefix, s->plen);
	if (off < PL_SUBNET_RESERVED || off == pl_subnet_size(s) - 1)
		return pl_fail(req, -EINVAL, attr,
			       "%pI4 is reserved in subnet \"%s\" (network, first three hosts and broadcast)",
			       &ip, s->obj.key.name);
	return 0;
}

/* An address of the router itself (or a broadcast one) is never picked. */
static bool pl_subnet_local(struct pl_net *pn, __be32 ip)
{
	int ifindex;

	return pl_addr_local(pn->net, ip, &ifindex);
}

/* A free host address, or 0 when the subnet is full. */
__be32 pl_subnet_pick_ip(struct pl_net *pn, struct pl_subnet *s)
{
	u32 size = pl_subnet_size(s), first = PL_SUBNET_RESERVED;
	u32 n = size - first - 1, off, i;

	off = clamp(s->next_pick, first, size - 2);
	for (i = 0; i < n; i++) {
		__be32 ip = htonl(ntohl(s->prefix) + off);

		if (!pl_addr_lookup(&pn->addrs, ip) && !pl_subnet_local(pn, ip)) {
			s->next_pick = off + 1;
			return ip;
		}
		if (++off == size - 1)
			off = first;
	}
	return 0;
}

/* The host part of ip in a subnet's IPv6 prefix: is it a reserved one? */
static bool pl_subnet_reserved6(const struct pl_subnet *s,
				const struct in6_addr *ip)
{
	struct in6_addr mask, host;
	int i;

	for (i = 0; i < 4; i++) {
		int bits = clamp_t(int, s->plen6 - 32 * i, 0, 32);

		mask.s6_addr32[i] = bits ? htonl(~0U << (32 - bits)) : 0;
		host.s6_addr32[i] = ip->s6_addr32[i] & ~mask.s6_addr32[i];
	}
	if (!host.s6_addr32[0] && !host.s6_addr32[1] && !host.s6_addr32[2] &&
	    ntohl(host.s6_addr32[3]) < PL_SUBNET_RESERVED)
		return true;	/* the first four */
	for (i = 0; i < 4; i++) {
		if (host.s6_addr32[i] != ~mask.s6_addr32[i])
			return false;
	}
	return true;		/* the last one */
}

/* An IPv6 ENI IP must be in the subnet's IPv6 prefix, and not reserved. */
int pl_subnet_check_ip6(struct pl_req *req, const struct pl_subnet *s,
			const struct in6_addr *ip, const struct nlattr *attr)
{
	if (!ipv6_prefix_equal(ip, &s->prefix6, s->plen6))
		return pl_fail(req, -EINVAL, attr,
			       "%pI6c is outside subnet \"%s\" (%pI6c/%u)",
			       ip, s->obj.key.name, &s->prefix6, s->plen6);
	if (pl_subnet_reserved6(s, ip))
		return pl_fail(req, -EINVAL, attr,
			       "%pI6c is reserved in subnet \"%s\" (the first four addresses and the last)",
			       ip, s->obj.key.name);
	return 0;
}

/*
 * A free IPv6 host address, false when none was found. The offsets tried
 * fit in the low 64 bits; at most as many are taken as pl's own addresses
 * and the router's, so the search is bounded by those.
 */
bool pl_subnet_pick_ip6(struct pl_net *pn, struct pl_subnet *s,
			struct in6_addr *ip)
{
	u64 last = s->plen6 > 64 ? (1ULL << (128 - s->plen6)) - 2 : U64_MAX - 1;
	u64 base = (u64)ntohl(s->prefix6.s6_addr32[2]) << 32 |
		   ntohl(s->prefix6.s6_addr32[3]);
	u64 off, n;

	n = min_t(u64, last - PL_SUBNET_RESERVED + 1,
		  atomic_read(&pn->addrs6.nelems) + 4096);
	off = clamp_t(u64, s->next_pick6, PL_SUBNET_RESERVED, last);
	*ip = s->prefix6;
	while (n--) {
		ip->s6_addr32[2] = htonl((base + off) >> 32);
		ip->s6_addr32[3] = htonl((u32)(base + off));
		if (!pl_addr6_lookup(&pn->addrs6, ip) &&
		    !pl_addr6_local(pn->net, ip)) {
			s->next_pick6 = off + 1;
			return true;
		}
		off = off == last ? PL_SUBNET_RESERVED : off + 1;
	}
	return false;
}

static int pl_subnet_fill(struct sk_buff *skb, struct pl_net *pn,
			  const void *obj)
{
	const struct pl_subnet *s = container_of(obj, struct pl_subnet, obj);

	if (nla_put_string(skb, PL_A_SUBNET_ID, s->obj.key.name) ||
	    (s->plen &&
	     (nla_put_in_addr(skb, PL_A_SUBNET_PREFIX, s->prefix) ||
	      nla_put_u8(skb, PL_A_SUBNET_PREFIX_LEN, s->plen))) ||
	    (s->plen6 &&
	     (nla_put_in6_addr(skb, PL_A_SUBNET_IPV6_PREFIX, &s->prefix6) ||
	      nla_put_u8(skb, PL_A_SUBNET_IPV6_PREFIX_LEN, s->plen6))) ||
	    nla_put_string(skb, PL_A_SUBNET_AZ, s->az->obj.key.name) ||
	    (s->ifindex && nla_put_u32(skb, PL_A_SUBNET_IFINDEX, s->ifindex)) ||
	    nla_put_u8(skb, PL_A_SUBNET_PROBE, s->probe))
		return -EMSGSIZE;
	return 0;
}

static int pl_subnet_check_overlap(struct pl_req *req, __be32 prefix, u8 plen)
{
	unsigned long index;
	struct pl_obj *obj;

	xa_for_each(&req->pn->subnets.xa, index, obj) {
		struct pl_subnet *s = container_of(obj, struct pl_subnet, obj);

		if (obj->hidden || !s->plen ||
		    ((prefix ^ s->prefix) & inet_make_mask(min(plen, s->plen))))
			continue;
		return pl_fail(req, -EEXIST,
			       req->info->attrs[PL_A_SUBNET_PREFIX],
			       "%pI4/%u overlaps subnet \"%s\" (%pI4/%u)",
			       &prefix, plen, obj->key.name, &s->prefix,
			       s->plen);
	}
	return 0;
}

static int pl_subnet_check_dev(struct pl_req *req, const struct nlattr *attr)
{
	struct net_device *dev;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(req->pn->net, nla_get_u32(attr));
	rcu_read_unlock();
	if (!dev)
		return pl_fail(req, -ENODEV, attr, "no interface has index %u",
			       nla_get_u32(attr));
	return 0;
}

static int pl_subnet_check_overlap6(struct pl_req *req,
				    const struct in6_addr *prefix, u8 plen)
{
	unsigned long index;
	struct pl_obj *obj;

	xa_for_each(&req->pn->subnets.xa, index, obj) {
		struct pl_subnet *s = container_of(obj, struct pl_subnet, obj);

		if (obj->hidden || !s->plen6 ||
		    !ipv6_prefix_equal(prefix, &s->prefix6,
				       min(plen, s->plen6)))
			continue;
		return pl_fail(req, -EEXIST,
			       req->info->attrs[PL_A_SUBNET_IPV6_PREFIX],
			       "%pI6c/%u overlaps subnet \"%s\" (%pI6c/%u)",
			       prefix, plen, obj->key.name, &s->prefix6,
			       s->plen6);
	}
	return 0;
}

/*
 * A family's prefix attributes come both or neither; with one alone, the
 * request is refused, naming the other as missing.
 */
static int pl_subnet_pair(struct pl_req *req, int addr_type, int len_type,
			  const char *what)
{
	struct nlattr **attrs = req->info->attrs;

	if (!attrs[addr_type] == !attrs[len_type])
		return 0;
	if (!attrs[addr_type])
		return pl_req_attr(req, addr_type, what) ? 0 : -EINVAL;
	return pl_req_attr(req, len_type, "prefix length") ? 0 : -EINVAL;
}

/* The prefix attributes, checked: an IPv4 prefix, an IPv6 one, or both. */
static int pl_subnet_prefix(struct pl_req *req, struct pl_subnet *s)
{
	struct nlattr **attrs = req->info->attrs;
	const struct nlattr *a;
	struct in6_addr net;
	int err;

	err = pl_subnet_pair(req, PL_A_SUBNET_PREFIX, PL_A_SUBNET_PREFIX_LEN,
			     "prefix") ?:
	      pl_subnet_pair(req, PL_A_SUBNET_IPV6_PREFIX,
			     PL_A_SUBNET_IPV6_PREFIX_LEN, "IPv6 prefix");
	if (err)
		return err;
	if (!attrs[PL_A_SUBNET_PREFIX] && !attrs[PL_A_SUBNET_IPV6_PREFIX]) {
		NL_SET_ERR_ATTR_MISS(req->info->extack, NULL,
				     PL_A_SUBNET_PREFIX);
		return pl_fail(req, -EINVAL, NULL,
			       "a subnet needs a prefix, an IPv6 prefix, or both");
	}
	a = attrs[PL_A_SUBNET_PREFIX];
	if (a) {
		s->prefix = nla_get_in_addr(a);
		s->plen = nla_get_u8(attrs[PL_A_SUBNET_PREFIX_LEN]);
		if (s->prefix & ~inet_make_mask(s->plen))
			return pl_fail(req, -EINVAL, a,
				       "%pI4/%u has host bits set", &s->prefix,
				       s->plen);
		err = pl_subnet_check_overlap(req, s->prefix, s->plen);
		if (err)
			return err;
	}
	a = attrs[PL_A_SUBNET_IPV6_PREFIX];
	if (!a)
		return 0;
	s->prefix6 = nla_get_in6_addr(a);
	s->plen6 = nla_get_u8(attrs[PL_A_SUBNET_IPV6_PREFIX_LEN]);
	ipv6_addr_prefix(&net, &s->prefix6, s->plen6);
	if (!ipv6_addr_equal(&net, &s->prefix6))
		return pl_fail(req, -EINVAL, a, "%pI6c/%u has host bits set",
			       &s->prefix6, s->plen6);
	if (ipv6_addr_type(&s->prefix6) & (IPV6_ADDR_MULTICAST |
					   IPV6_ADDR_LINKLOCAL))
		return pl_fail(req, -EINVAL, a,
			       "%pI6c/%u is not a global unicast prefix",
			       &s->prefix6, s->plen6);
	return pl_subnet_check_overlap6(req, &s->prefix6, s->plen6);
}

static void pl_subnet_free(struct pl_net *pn, struct pl_subnet *s)
{
	pl_table_remove(&pn->subnets, &s->obj);
	s->az->n_subnets--;
	kfree_rcu(s, rcu);
}

static void pl_subnet_destroy(struct pl_net *pn, void *s)
{
	pl_subnet_free(pn, s);
}

static void pl_subnet_count(struct pl_net *pn, void *obj, int d)
{
	struct pl_subnet *s = obj;

	s->az->n_subnets += d;
}

static const struct pl_txn_kind pl_subnet_kind = {
	.table = offsetof(struct pl_net, subnets),
	.count = pl_subnet_count,
	.destroy = pl_subnet_destroy,
	.unmake = pl_subnet_destroy,
};

static int pl_subnet_add(struct pl_req *req)
{
	struct nlattr **attrs = req->info->attrs;
	const struct nlattr *az_attr;
	struct pl_net *pn = req->pn;
	struct pl_subnet p = { }, *s;
	union pl_key key;
	struct pl_az *az;
	int err;

	err = pl_req_key(req, PL_A_SUBNET_ID, "subnet id", &key);
	if (err)
		return err;
	if (pl_subnet_lookup(pn, &key))
		return pl_fail(req, -EEXIST, attrs[PL_A_SUBNET_ID],
			       "subnet \"%s\" already exists", key.name);
	err = pl_subnet_prefix(req, &p);
	if (err)
		return err;
	az_attr = pl_req_attr(req, PL_A_SUBNET_AZ, "AZ");
	if (!az_attr)
		return -EINVAL;
	az = pl_az_find(req, az_attr);
	if (IS_ERR(az))
		return PTR_ERR(az);
	if (attrs[PL_A_SUBNET_IFINDEX]) {
		err = pl_subnet_check_dev(req, attrs[PL_A_SUBNET_IFINDEX]);
		if (err)
			return err;
	}
	if (pl_table_full(&pn->subnets))
		return pl_fail(req, -ENOSPC, NULL, "subnet limit reached (%u)",
			       pn->subnets.max);

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->obj.key = key;
	s->prefix = p.prefix;
	s->plen = p.plen;
	s->prefix6 = p.prefix6;
	s->plen6 = p.plen6;
	s->az = az;
	if (attrs[PL_A_SUBNET_IFINDEX])
		s->ifindex = nla_get_u32(attrs[PL_A_SUBNET_IFINDEX]);
	s->probe = attrs[PL_A_SUBNET_PROBE] ?
		   nla_get_u8(attrs[PL_A_SUBNET_PROBE]) : 1;
	err = pl_table_insert(&pn->subnets, &s->obj);
	if (err) {
		kfree(s);
		return err;
	}
	az->n_subnets++;
	pl_txn_added(pn, &pl_subnet_kind, s);
	pl_net_changed(pn);
	pl_nl_notify(req, PL_CMD_SUBNET_ADD_NTF, pl_subnet_fill, &s->obj);
	return 0;
}

static struct pl_subnet *pl_subnet_req(struct pl_req *req)
{
	const struct nlattr *attr;

	attr = pl_req_attr(req, PL_A_SUBNET_ID, "subnet id");
	return attr ? pl_subnet_find(req, attr) : ERR_PTR(-EINVAL);
}

/* Probing applies to ENIs placed from then on. */
static int pl_subnet_set(struct pl_req *req)
{
	struct pl_subnet *s = pl_subnet_req(req);
	const struct nlattr *attr;

	if (IS_ERR(s))
		return PTR_ERR(s);
	attr = pl_req_attr(req, PL_A_SUBNET_PROBE, "probe");
	if (!attr)
		return -EINVAL;
	if (pl_txn_defer(req))
		return 0;
	if (s->probe == nla_get_u8(attr))
		return 0;
	s->probe = nla_get_u8(attr);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SUBNET_CHANGE_NTF, pl_subnet_fill, &s->obj);
	return 0;
}

static int pl_subnet_del(struct pl_req *req)
{
	struct pl_subnet *s = pl_subnet_req(req);

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (s->n_enis)
		return pl_fail(req, -EBUSY, req->info->attrs[PL_A_SUBNET_ID],
			       "subnet \"%s\" is in use by %u endpoint(s)",
			       s->obj.key.name, s->n_enis);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SUBNET_DEL_NTF, pl_subnet_fill, &s->obj);
	return pl_txn_del(req->pn, &pl_subnet_kind, s);
}

static int pl_subnet_get(struct pl_req *req)
{
	struct pl_subnet *s = pl_subnet_req(req);

	if (IS_ERR(s))
		return PTR_ERR(s);
	return pl_nl_reply(req, PL_CMD_SUBNET_GET, pl_subnet_fill, &s->obj);
}

void pl_subnets_flush(struct pl_net *pn)
{
	unsigned long index;
	struct pl_obj *obj;

	xa_for_each(&pn->subnets.xa, index, obj)
		pl_subnet_free(pn, container_of(obj, struct pl_subnet, obj));
}

int pl_nl_subnet_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_subnet_add);
}

int pl_nl_subnet_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_subnet_set);
}

int pl_nl_subnet_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_subnet_del);
}

int pl_nl_subnet_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_subnet_get);
}

int pl_nl_subnet_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	struct pl_dump d = {
		.table = &pn->subnets,
		.cmd = PL_CMD_SUBNET_GET,
		.fill = pl_subnet_fill,
	};

	return pl_nl_dump(skb, cb, &d);
}
