// SPDX-License-Identifier: GPL-2.0
/*
 * Interface endpoints: an id, the service they connect to, one network
 * interface (ENI) per subnet they are placed in (at most one per zone),
 * the source prefixes allowed to use them, and their state.
 */

#include <linux/inetdevice.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "acd.h"
#include "az.h"
#include "compat.h"
#include "dns.h"
#include "endpoint.h"
#include "flow.h"
#include "hook.h"
#include "netlink.h"
#include "service.h"
#include "subnet.h"
#include "txn.h"

static_assert(offsetof(struct pl_endpoint, obj) == 0);

static struct pl_endpoint *pl_endpoint_lookup(struct pl_net *pn,
					      const union pl_key *key)
{
	struct pl_obj *obj = pl_table_lookup(&pn->endpoints, key);

	return obj ? container_of(obj, struct pl_endpoint, obj) : NULL;
}

static const struct pl_addr_attrs pl_eni_addr_attrs = {
	.state = PL_A_ENI_ADDR_STATE,
	.conflict = PL_A_ENI_CONFLICT,
	.mac = PL_A_ENI_CONFLICT_MAC,
	.ifindex = PL_A_ENI_CONFLICT_IFINDEX,
};

static int pl_endpoint_fill_enis(struct sk_buff *skb,
				 const struct pl_endpoint *ep)
{
	u8 i;

	for (i = 0; i < ep->n_enis; i++) {
		const struct pl_eni *eni = &ep->enis[i];
		struct nlattr *nest;

		nest = nla_nest_start(skb, PL_A_ENDPOINT_ENI);
		if (!nest ||
		    nla_put_string(skb, PL_A_ENI_SUBNET,
				   eni->subnet->obj.key.name) ||
		    nla_put_string(skb, PL_A_ENI_AZ,
				   eni->subnet->az->obj.key.name))
			return -EMSGSIZE;
		if (eni->addr.family &&
		    (nla_put_in_addr(skb, PL_A_ENI_IP, eni->addr.addr) ||
		     pl_addr_fill(skb, &eni->addr, &pl_eni_addr_attrs)))
			return -EMSGSIZE;
		if (eni->v6 &&
		    nla_put_in6_addr(skb, PL_A_ENI_IPV6, &eni->v6->addr.addr6))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

int pl_prefix_put(struct sk_buff *skb, int type, const struct pl_prefix *p)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_u8(skb, PL_A_PREFIX_LEN, p->len) ||
	    (p->family == AF_INET6 ?
	     nla_put_in6_addr(skb, PL_A_PREFIX_IPV6, &p->addr6) :
	     nla_put_in_addr(skb, PL_A_PREFIX_ADDRESS, p->addr)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The allow list, which only the configuration lock's holder may use. */
static struct pl_allow *pl_endpoint_allow(struct pl_net *pn,
					  const struct pl_endpoint *ep)
{
	return rcu_dereference_protected(ep->allow,
					 lockdep_is_held(&pn->lock));
}

static int pl_endpoint_fill(struct sk_buff *skb, struct pl_net *pn,
			    const void *obj)
{
	const struct pl_endpoint *ep;
	const struct pl_allow *allow;
	u32 i;

	ep = container_of(obj, struct pl_endpoint, obj);
	if (nla_put_string(skb, PL_A_ENDPOINT_ID, ep->obj.key.name) ||
	    nla_put_string(skb, PL_A_ENDPOINT_SERVICE, ep->svc->obj.key.name) ||
	    pl_endpoint_fill_enis(skb, ep) ||
	    nla_put_u8(skb, PL_A_ENDPOINT_STATE, ep->state) ||
	    nla_put_u8(skb, PL_A_ENDPOINT_PRIVATE_DNS, ep->private_dns) ||
	    nla_put_u8(skb, PL_A_ENDPOINT_IP_ADDRESS_TYPE, ep->ip_type))
		return -EMSGSIZE;
	allow = pl_endpoint_allow(pn, ep);
	for (i = 0; allow && i < allow->n; i++) {
		if (pl_prefix_put(skb, PL_A_ENDPOINT_ALLOW,
				  &allow->prefixes[i]))
			return -EMSGSIZE;
	}
	return 0;
}

static const char *const pl_ip_type_names[] = {
	[PL_IP_ADDRESS_TYPE_IPV4] = "ipv4",
	[PL_IP_ADDRESS_TYPE_DUALSTACK] = "dualstack",
	[PL_IP_ADDRESS_TYPE_IPV6] = "ipv6",
};

/*
 * The ENI's addresses of the families its endpoint's ip-address-type
 * gives it, as the request has them: the given ones checked, the others
 * left unspecified for pl_endpoint_place() to pick.
 */
static int pl_eni_parse_ips(struct pl_req *req, struct pl_eni *eni,
			    struct nlattr **tb, const struct nlattr *nest)
{
	const char *type = pl_ip_type_names[eni->ep->ip_type];
	const struct pl_subnet *s = eni->subnet;
	bool v4 = eni->ep->ip_type != PL_IP_ADDRESS_TYPE_IPV6;
	bool v6 = eni->ep->ip_type != PL_IP_ADDRESS_TYPE_IPV4;
	const struct nlattr *a;
	int err;

	if ((v4 && !s->plen) || (v6 && !s->plen6))
		return pl_fail(req, -EINVAL, nest,
			       "subnet \"%s\" has no %s prefix, which an endpoint of ip-address-type %s needs",
			       s->obj.key.name, s->plen ? "IPv6" : "IPv4",
			       type);
	a = tb[PL_A_ENI_IP];
	if (a && !v4)
		return pl_fail(req, -EINVAL, a,
			       "an endpoint of ip-address-type %s has no IPv4 address",
			       type);
	if (v4)
		eni->addr.family = AF_INET;
	if (a) {
		eni->addr.addr = nla_get_in_addr(a);
		err = pl_subnet_check_ip(req, s, eni->addr.addr, a) ?:
		      pl_addr_check_free(req, eni->addr.addr, a);
		if (err)
			return err;
	}
	a = tb[PL_A_ENI_IPV6];
	if (a && !v6)
		return pl_fail(req, -EINVAL, a,
			       "an endpoint of ip-address-type %s has no IPv6 address",
			       type);
	if (!a)
		return 0;
	eni->v6->addr.addr6 = nla_get_in6_addr(a);
	return pl_subnet_check_ip6(req, s, &eni->v6->addr.addr6, a) ?:
	       pl_addr_check_free6(req, &eni->v6->addr.addr6, a);
}

/* Parse one ENI nest; its IPs stay unspecified when the kernel picks them. */
static int pl_eni_parse(struct pl_req *req, const struct nlattr *nest,
			struct pl_endpoint *ep, u8 n)
{
	struct pl_eni *eni = &ep->enis[n];
	struct nlattr *tb[PL_A_ENI_MAX + 1];
	const struct nlattr *a;
	struct pl_subnet *s;
	u8 i;
	int err;

	err = nla_parse_nested(tb, PL_A_ENI_MAX, nest, pl_eni_nl_policy,
			       req->info->extack);
	if (err)
		return err;
	a = pl_nest_attr(req, nest, tb, PL_A_ENI_SUBNET, "ENI subnet");
	if (!a)
		return -EINVAL;
	s = pl_subnet_find(req, a);
	if (IS_ERR(s))
		return PTR_ERR(s);
	for (i = 0; i < n; i++) {
		if (ep->enis[i].subnet->az == s->az)
			return pl_fail(req, -EINVAL, a,
				       "subnets \"%s\" and \"%s\" are both in AZ \"%s\": one ENI per AZ",
				       ep->enis[i].subnet->obj.key.name,
				       s->obj.key.name, s->az->obj.key.name);
	}
	eni->subnet = s;
	eni->ep = ep;
	eni->addr.kind = PL_ADDR_ENI;
	return pl_eni_parse_ips(req, eni, tb, nest);
}

static int pl_endpoint_enis(struct pl_req *req, struct pl_endpoint *ep)
{
	const struct nlattr *pos;
	int rem, err;
	u8 n = 0;

	nla_for_each_attr(pos, pl_req_head(req), pl_req_len(req), rem) {
		if (nla_type(pos) != PL_A_ENDPOINT_ENI)
			continue;
		err = pl_eni_parse(req, pos, ep, n++);
		if (err)
			return err;
	}
	return 0;
}

/* Pick the ENI's address a when it was not given; false when none is free. */
static bool pl_eni_pick(struct pl_net *pn, struct pl_eni *eni,
			struct pl_addr *a)
{
	if (a->family == AF_INET6) {
		if (!ipv6_addr_any(&a->addr6))
			return true;
		a->picked = 1;
		return pl_subnet_pick_ip6(pn, eni->subnet, &a->addr6);
	}
	if (a->addr)
		return true;
	a->picked = 1;
	a->addr = pl_subnet_pick_ip(pn, eni->subnet);
	return a->addr;
}

/* Take the ENIs' addresses out of their tables, those before k of ENI i. */
static void pl_endpoint_unplace_to(struct pl_net *pn, struct pl_endpoint *ep,
				   u8 i, int k)
{
	struct pl_addr *a;

	while (i || k) {
		if (!k--) {
			i--;
			k = PL_ENI_ADDRS - 1;
		}
		a = pl_eni_addr(&ep->enis[i], k);
		if (a)
			pl_addr_remove(pl_addrs_of(pn, a->family), a);
	}
}

/* Put every ENI's addresses in their tables, picking those not given. */
static int pl_endpoint_place(struct pl_req *req, struct pl_endpoint *ep)
{
	struct pl_net *pn = req->pn;
	struct pl_addr *a;
	int err = 0, k;
	u8 i;

	for (i = 0; i < ep->n_enis; i++) {
		struct pl_eni *eni = &ep->enis[i];

		for (k = 0; k < PL_ENI_ADDRS; k++) {
			a = pl_eni_addr(eni, k);
			if (!a)
				continue;
			if (!pl_eni_pick(pn, eni, a))
				err = pl_fail(req, -ENOSPC, NULL,
					      "subnet \"%s\" has no free %s address",
					      eni->subnet->obj.key.name,
					      k ? "IPv6" : "IPv4");
			else
				err = pl_addr_insert(pl_addrs_of(pn, a->family),
						     a);
			if (err)
				goto err_unplace;
		}
	}
	return 0;

err_unplace:
	pl_endpoint_unplace_to(pn, ep, i, k);
	return err;
}

/* "A.B.C.D/LEN" or "X:X::X/LEN"; buf holds PL_PREFIX_STR_LEN bytes. */
const char *pl_prefix_str(const struct pl_prefix *p, char *buf)
{
	if (p->family == AF_INET6)
		snprintf(buf, PL_PREFIX_STR_LEN, "%pI6c/%u", &p->addr6, p->len);
	else
		snprintf(buf, PL_PREFIX_STR_LEN, "%pI4/%u", &p->addr, p->len);
	return buf;
}

/* The IPv6 address attribute of a prefix nest, checked. */
static int pl_prefix_parse6(struct pl_req *req, const struct nlattr *a,
			    struct pl_prefix *p)
{
	struct in6_addr net;
	char buf[PL_PREFIX_STR_LEN];

	p->family = AF_INET6;
	p->addr6 = nla_get_in6_addr(a);
	ipv6_addr_prefix(&net, &p->addr6, p->len);
	if (!ipv6_addr_equal(&net, &p->addr6))
		return pl_fail(req, -EINVAL, a, "%s has host bits set",
			       pl_prefix_str(p, buf));
	return 0;
}

/* A prefix nest; an IPv6 one only where v6 says it may be. */
int pl_prefix_parse(struct pl_req *req, const struct nlattr *nest,
		    struct pl_prefix *p, bool v6)
{
	struct nlattr *tb[PL_A_PREFIX_MAX + 1];
	const struct nlattr *a, *l;
	char buf[PL_PREFIX_STR_LEN];
	int err;

	err = nla_parse_nested(tb, PL_A_PREFIX_MAX, nest, pl_prefix_nl_policy,
			       req->info->extack);
	if (err)
		return err;
	l = pl_nest_attr(req, nest, tb, PL_A_PREFIX_LEN, "prefix length");
	if (!l)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->len = nla_get_u8(l);
	a = tb[PL_A_PREFIX_IPV6];
	if (a && tb[PL_A_PREFIX_ADDRESS])
		return pl_fail(req, -EINVAL, a, "give a prefix of one family");
	if (a && !v6)
		return pl_fail(req, -EINVAL, a,
			       "an IPv6 prefix is not taken here (IPv4 only)");
	if (a)
		return pl_prefix_parse6(req, a, p);
	a = pl_nest_attr(req, nest, tb, PL_A_PREFIX_ADDRESS, "prefix address");
	if (!a)
		return -EINVAL;
	p->family = AF_INET;
	p->addr = nla_get_in_addr(a);
	if (p->len > 32)
		return pl_fail(req, -EINVAL, l,
			       "an IPv4 prefix is at most 32 bits long, not %u",
			       p->len);
	if (p->addr & ~inet_make_mask(p->len))
		return pl_fail(req, -EINVAL, a, "%s has host bits set",
			       pl_prefix_str(p, buf));
	return 0;
}

static bool pl_prefix_equal(const struct pl_prefix *a,
			    const struct pl_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       (a->family == AF_INET6 ? ipv6_addr_equal(&a->addr6, &b->addr6) :
					a->addr == b->addr);
}

static int pl_allow_find(const struct pl_allow *allow,
			 const struct pl_prefix *p)
{
	u32 i;

	for (i = 0; allow && i < allow->n; i++) {
		if (pl_prefix_equal(&allow->prefixes[i], p))
			return i;
	}
	return -1;
}

static struct pl_allow *pl_allow_alloc(struct pl_req *req, u32 n)
{
	struct pl_allow *allow;

	if (n > PL_MAX_ALLOW)
		return ERR_PTR(pl_fail(req, -E2BIG, NULL,
				       "an endpoint allows at most %u prefixes",
				       PL_MAX_ALLOW));
	allow = kzalloc(struct_size(allow, prefixes, n), GFP_KERNEL_ACCOUNT);
	if (!allow)
		return ERR_PTR(-ENOMEM);
	allow->n = n;
	return allow;
}

/* The allow list of an endpoint-add request; NULL when there is none. */
static struct pl_allow *pl_endpoint_allow_req(struct pl_req *req)
{
	u32 n = pl_req_count(req, PL_A_ENDPOINT_ALLOW), i = 0;
	char buf[PL_PREFIX_STR_LEN];
	const struct nlattr *pos;
	struct pl_allow *allow;
	int rem, err;

	if (!n)
		return NULL;
	allow = pl_allow_alloc(req, n);
	if (IS_ERR(allow))
		return allow;
	allow->n = 0;
	nla_for_each_attr(pos, pl_req_head(req), pl_req_len(req), rem) {
		struct pl_prefix *p = &allow->prefixes[i];

		if (nla_type(pos) != PL_A_ENDPOINT_ALLOW)
			continue;
		err = pl_prefix_parse(req, pos, p, true);
		if (!err && pl_allow_find(allow, p) >= 0)
			err = pl_fail(req, -EEXIST, pos,
				      "prefix %s is given twice",
				      pl_prefix_str(p, buf));
		if (err) {
			kfree(allow);
			return ERR_PTR(err);
		}
		allow->n = ++i;
	}
	return allow;
}

/* Free an endpoint no packet can reach any more. */
static void pl_endpoint_destroy(struct pl_endpoint *ep)
{
	/*
	 * The ENIs' counters are one allocation, and so are their IPv6
	 * addresses (pl_endpoint_alloc()).
	 */
	if (ep->n_enis) {
		pl_counters_free(ep->enis[0].stats);
		kfree(ep->enis[0].v6);
	}
	kfree(ep);
}

/* Each ENI's IPv6 address, when the endpoint's type has IPv6. */
static int pl_endpoint_alloc6(struct pl_endpoint *ep)
{
	struct pl_eni6 *v6;
	u8 i;

	v6 = kcalloc(ep->n_enis, sizeof(*v6), GFP_KERNEL_ACCOUNT);
	if (!v6)
		return -ENOMEM;
	for (i = 0; i < ep->n_enis; i++) {
		pl_addr_init(&v6[i].addr);
		v6[i].addr.family = AF_INET6;
		v6[i].addr.kind = PL_ADDR_ENI;
		v6[i].eni = &ep->enis[i];
		ep->enis[i].v6 = &v6[i];
	}
	return 0;
}

static void pl_endpoint_free_rcu(struct rcu_head *head)
{
	pl_endpoint_destroy(container_of(head, struct pl_endpoint, rcu));
}

static struct pl_endpoint *pl_endpoint_alloc(struct pl_req *req)
{
	int n = pl_req_count(req, PL_A_ENDPOINT_ENI), i;
	struct pl_endpoint *ep;

	if (!n) {
		NL_SET_ERR_ATTR_MISS(req->info->extack, NULL,
				     PL_A_ENDPOINT_ENI);
		return ERR_PTR(pl_fail(req, -EINVAL, NULL,
				       "an endpoint needs a subnet"));
	}
	if (n > PL_MAX_AZS)
		return ERR_PTR(pl_fail(req, -E2BIG, NULL,
				       "an endpoint has at most one ENI per AZ"));
	if (pl_table_full(&req->pn->endpoints))
		return ERR_PTR(pl_fail(req, -ENOSPC, NULL,
				       "endpoint limit reached (%u)",
				       req->pn->endpoints.max));
	ep = kzalloc(struct_size(ep, enis, n), GFP_KERNEL_ACCOUNT);
	if (!ep)
		return ERR_PTR(-ENOMEM);
	ep->n_enis = n;
	ep->enis[0].stats = pl_counters_alloc(n);
	if (!ep->enis[0].stats) {
		kfree(ep);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < n; i++) {
		pl_addr_init(&ep->enis[i].addr);
		ep->enis[i].stats = ep->enis[0].stats + i;
	}
	return ep;
}

static void pl_endpoint_link(struct pl_endpoint *ep)
{
	struct pl_service *svc = ep->svc;
	u8 i;

	svc->n_endpoints++;
	list_add_tail(&ep->svc_node, &svc->endpoints);
	for (i = 0; i < ep->n_enis; i++)
		ep->enis[i].subnet->n_enis++;
	if (svc->acceptance == PL_ACCEPTANCE_AUTO)
		WRITE_ONCE(ep->state, PL_ENDPOINT_STATE_AVAILABLE);
	ep->digest = 0;
}

/* Everything but the table entry and the addresses is checked first. */
static struct pl_endpoint *pl_endpoint_build(struct pl_req *req,
					     const union pl_key *key)
{
	const struct nlattr *attr;
	struct pl_service *svc;
	struct pl_endpoint *ep;
	struct pl_allow *allow;
	int err;

	attr = pl_req_attr(req, PL_A_ENDPOINT_SERVICE, "service name");
	if (!attr)
		return ERR_PTR(-EINVAL);
	svc = pl_service_find(req, attr);
	if (IS_ERR(svc))
		return ERR_CAST(svc);
	ep = pl_endpoint_alloc(req);
	if (IS_ERR(ep))
		return ep;
	ep->obj.key = *key;
	ep->svc = svc;
	ep->state = PL_ENDPOINT_STATE_PENDING_ACCEPTANCE;
	/* As on AWS: on when the service has a private name. */
	attr = req->info->attrs[PL_A_ENDPOINT_PRIVATE_DNS];
	ep->private_dns = attr ? nla_get_u8(attr) : !!svc->dns_next;
	ep->dns_next = ep->private_dns;
	attr = req->info->attrs[PL_A_ENDPOINT_IP_ADDRESS_TYPE];
	ep->ip_type = attr ? nla_get_u8(attr) : PL_IP_ADDRESS_TYPE_IPV4;
	err = ep->ip_type != PL_IP_ADDRESS_TYPE_IPV4 ?
	      pl_endpoint_alloc6(ep) : 0;
	if (err)
		goto err_free;
	err = pl_endpoint_enis(req, ep);
	if (err)
		goto err_free;
	allow = pl_endpoint_allow_req(req);
	if (IS_ERR(allow)) {
		err = PTR_ERR(allow);
		goto err_free;
	}
	RCU_INIT_POINTER(ep->allow, allow);
	return ep;

err_free:
	pl_endpoint_destroy(ep);
	return ERR_PTR(err);
}

static void pl_endpoint_unplace(struct pl_net *pn, struct pl_endpoint *ep)
{
	pl_endpoint_unplace_to(pn, ep, ep->n_enis, 0);
}

static bool pl_flow_of_endpoint(const struct pl_flow *f, const void *ep)
{
	return f->eni->ep == ep;
}

/*
 * The endpoint stops carrying traffic: its state is set first, so that a
 * flow created meanwhile dies at birth (pl_flow_orphan()); then its flows go.
 */
static void pl_endpoint_stop(struct pl_net *pn, struct pl_endpoint *ep,
			     u8 state)
{
	u8 i;

	WRITE_ONCE(ep->state, state);
	ep->digest = 0;
	smp_mb();	/* pairs with pl_flow_orphan(): mark, then look */
	for (i = 0; i < ep->n_enis; i++) {
		if (atomic_read(&ep->enis[i].nflows)) {
			pl_flows_kill_if(pn, pl_flow_of_endpoint, ep, false);
			return;
		}
	}
}

static void pl_endpoint_free(struct pl_net *pn, struct pl_endpoint *ep)
{
	struct pl_allow *allow = pl_endpoint_allow(pn, ep);
	u8 i;

	pl_endpoint_stop(pn, ep, PL_ENDPOINT_STATE_REJECTED);
	for (i = 0; i < ep->n_enis; i++) {
		pl_acd_forget(pn, &ep->enis[i].addr);
		ep->enis[i].subnet->n_enis--;
	}
	pl_endpoint_unplace(pn, ep);
	pl_table_remove(&pn->endpoints, &ep->obj);
	list_del(&ep->svc_node);
	ep->svc->n_endpoints--;
	if (allow)
		kfree_rcu(allow, rcu);
	call_rcu(&ep->rcu, pl_endpoint_free_rcu);
}

static void pl_endpoint_destroy_kind(struct pl_net *pn, void *ep)
{
	pl_endpoint_free(pn, ep);
}

/* A transaction deletes the endpoint (d < 0), or puts it back. */
static void pl_endpoint_count(struct pl_net *pn, void *obj, int d)
{
	struct pl_endpoint *ep = obj;
	u8 i;

	ep->svc->n_endpoints += d;
	for (i = 0; i < ep->n_enis; i++) {
		ep->enis[i].subnet->n_enis += d;
		ep->enis[i].addr.txn_gone = d < 0 ? PL_ADDR_TXN_GONE : 0;
		if (ep->enis[i].v6)
			ep->enis[i].v6->addr.txn_gone = d < 0 ?
							PL_ADDR_TXN_GONE : 0;
	}
}

/* Serve the endpoint's addresses, once probed. */
static void pl_endpoint_publish(struct pl_net *pn, void *obj)
{
	struct pl_endpoint *ep = obj;
	u8 i;

	for (i = 0; i < ep->n_enis; i++) {
		struct pl_addr *a = &ep->enis[i].addr;

		if (a->family && pl_addr_publish(&pn->addrs, a))
			pr_warn_ratelimited("pl: no memory for endpoint address %pI4\n",
					    &a->addr);
		if (a->family)
			pl_acd_start(pn, a, ep->enis[i].subnet->probe,
				     a->picked);
		/* IPv6 addresses are held, not served yet: no probing. */
		a = pl_eni_addr(&ep->enis[i], 1);
		if (a && pl_addr_publish(&pn->addrs6, a))
			pr_warn_ratelimited("pl: no memory for endpoint address %pI6c\n",
					    &a->addr6);
	}
}

static const struct pl_txn_kind pl_endpoint_kind = {
	.table = offsetof(struct pl_net, endpoints),
	.count = pl_endpoint_count,
	.destroy = pl_endpoint_destroy_kind,
	.publish = pl_endpoint_publish,
	.unmake = pl_endpoint_destroy_kind,
};

static int pl_endpoint_add(struct pl_req *req)
{
	struct pl_net *pn = req->pn;
	struct pl_endpoint *ep;
	union pl_key key;
	int err;

	err = pl_req_key(req, PL_A_ENDPOINT_ID, "endpoint id", &key);
	if (err)
		return err;
	if (pl_endpoint_lookup(pn, &key))
		return pl_fail(req, -EEXIST, req->info->attrs[PL_A_ENDPOINT_ID],
			       "endpoint \"%s\" already exists", key.name);
	ep = pl_endpoint_build(req, &key);
	if (IS_ERR(ep))
		return PTR_ERR(ep);
	err = pl_endpoint_place(req, ep);
	if (err)
		goto err_free;
	if (ep->private_dns && pl_txn_staging(pn->txn))
		pn->txn->dns = true;	/* checked at its end */
	else if (ep->private_dns)
		err = pl_dns_check(req, ep);
	if (err)
		goto err_unplace;
	/* Everything is checked: only memory can fail from here on. */
	err = pl_txn_hooks(pn) ?: pl_table_insert(&pn->endpoints, &ep->obj);
	if (err)
		goto err_unplace;
	pl_endpoint_link(ep);
	if (!pl_txn_added(pn, &pl_endpoint_kind, ep))
		pl_endpoint_publish(pn, ep);
	pl_net_changed(pn);
	pl_nl_notify(req, PL_CMD_ENDPOINT_ADD_NTF, pl_endpoint_fill, &ep->obj);
	/* The endpoint exists now, whether or not the reply gets through. */
	pl_nl_reply(req, PL_CMD_ENDPOINT_ADD, pl_endpoint_fill, &ep->obj);
	return 0;

err_unplace:
	pl_endpoint_unplace(pn, ep);
	synchronize_rcu();	/* packets may have found the ENIs */
err_free:
	kfree(pl_endpoint_allow(pn, ep));
	pl_endpoint_destroy(ep);
	return err;
}

/* Does the endpoint's security group let saddr in? Called under RCU. */
bool pl_endpoint_allows(const struct pl_endpoint *ep, __be32 saddr)
{
	const struct pl_allow *allow = rcu_dereference(ep->allow);
	u32 i;

	if (!allow)
		return true;
	for (i = 0; i < allow->n; i++) {
		const struct pl_prefix *p = &allow->prefixes[i];

		if (p->family == AF_INET &&
		    !((saddr ^ p->addr) & inet_make_mask(p->len)))
			return true;
	}
	return false;
}

static struct pl_endpoint *pl_endpoint_req(struct pl_req *req)
{
	struct pl_endpoint *ep;
	union pl_key key;
	int err;

	err = pl_req_key(req, PL_A_ENDPOINT_ID, "endpoint id", &key);
	if (err)
		return ERR_PTR(err);
	ep = pl_endpoint_lookup(req->pn, &key);
	if (!ep)
		return ERR_PTR(pl_fail(req, -ENOENT,
				       req->info->attrs[PL_A_ENDPOINT_ID],
				       "endpoint \"%s\" does not exist",
				       key.name));
	return ep;
}

/* An ENI's address changed owner or state (acd.c). */
void pl_endpoint_notify(struct pl_net *pn, const struct pl_endpoint *ep)
{
	pl_nl_announce(pn, PL_CMD_ENDPOINT_CHANGE_NTF, pl_endpoint_fill,
		       &ep->obj);
}

static void pl_endpoint_changed(struct pl_req *req, struct pl_endpoint *ep)
{
	ep->digest = 0;
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_ENDPOINT_CHANGE_NTF, pl_endpoint_fill,
		     &ep->obj);
}

static const char *const pl_endpoint_state_names[] = {
	[PL_ENDPOINT_STATE_PENDING_ACCEPTANCE] = "pending-acceptance",
	[PL_ENDPOINT_STATE_AVAILABLE] = "available",
	[PL_ENDPOINT_STATE_REJECTED] = "rejected",
};

/*
 * Accept (available) or reject (rejected). As on AWS, only a pending
 * endpoint can be accepted (AcceptVpcEndpointConnections), and only a
 * pending or available one rejected (RejectVpcEndpointConnections): a
 * rejected one stays rejected. Anything else is refused, changing nothing.
 */
/* Is the state change attr asks for one the endpoint can make? */
static int pl_endpoint_state_check(struct pl_req *req,
				   const struct pl_endpoint *ep,
				   const struct nlattr *attr)
{
	u8 state = nla_get_u8(attr);

	if (state == PL_ENDPOINT_STATE_PENDING_ACCEPTANCE)
		return pl_fail(req, -EINVAL, attr,
			       "an endpoint cannot return to pending-acceptance");
	if (state == PL_ENDPOINT_STATE_AVAILABLE &&
	    ep->state != PL_ENDPOINT_STATE_PENDING_ACCEPTANCE)
		return pl_fail(req, -EINVAL, attr,
			       "endpoint \"%s\" is %s, not pending-acceptance: only a pending endpoint can be accepted",
			       ep->obj.key.name,
			       pl_endpoint_state_names[ep->state]);
	if (state == PL_ENDPOINT_STATE_REJECTED &&
	    ep->state == PL_ENDPOINT_STATE_REJECTED)
		return pl_fail(req, -EINVAL, attr,
			       "endpoint \"%s\" is rejected already: only a pending or available endpoint can be rejected",
			       ep->obj.key.name);
	return 0;
}

static int pl_endpoint_set(struct pl_req *req)
{
	struct pl_endpoint *ep = pl_endpoint_req(req);
	struct nlattr **attrs = req->info->attrs;
	const struct nlattr *state = attrs[PL_A_ENDPOINT_STATE];
	const struct nlattr *dns = attrs[PL_A_ENDPOINT_PRIVATE_DNS];
	bool changed;
	int err;

	if (IS_ERR(ep))
		return PTR_ERR(ep);
	if (!state && !dns) {
		NL_SET_ERR_ATTR_MISS(req->info->extack, NULL,
				     PL_A_ENDPOINT_STATE);
		return pl_fail(req, -EINVAL, NULL,
			       "give a state or private-dns to change");
	}
	err = state ? pl_endpoint_state_check(req, ep, state) : 0;
	if (err)
		return err;
	/* At the commit, the staged switch is taken as it is. */
	if (dns && !pl_txn_committing(req->pn->txn)) {
		err = pl_dns_stage_endpoint(req, ep, nla_get_u8(dns));
		if (err)
			return err;
	}
	if (pl_txn_defer(req))
		return 0;
	changed = pl_dns_commit_endpoint(ep);
	if (state && nla_get_u8(state) == PL_ENDPOINT_STATE_REJECTED) {
		pl_endpoint_stop(req->pn, ep, nla_get_u8(state));
		changed = true;
	} else if (state) {
		changed |= ep->state != nla_get_u8(state);
		WRITE_ONCE(ep->state, nla_get_u8(state));
	}
	if (changed)
		pl_endpoint_changed(req, ep);
	return 0;
}

/* Copy old into new, leaving out index skip and adding extra. */
static void pl_allow_copy(struct pl_allow *new, const struct pl_allow *old,
			  int skip, const struct pl_prefix *extra)
{
	u32 i, n = 0;

	for (i = 0; old && i < old->n; i++) {
		if (i != skip)
			new->prefixes[n++] = old->prefixes[i];
	}
	if (extra)
		new->prefixes[n] = *extra;
}

/* Replace the endpoint's allow list by a copy with one prefix more or less. */
static int pl_endpoint_allow_edit(struct pl_req *req, bool add)
{
	struct pl_endpoint *ep = pl_endpoint_req(req);
	char buf[PL_PREFIX_STR_LEN];
	struct pl_allow *old, *new;
	const struct nlattr *attr;
	struct pl_prefix p;
	int err, at;
	u32 n;

	if (IS_ERR(ep))
		return PTR_ERR(ep);
	if (pl_req_count(req, PL_A_ENDPOINT_ALLOW) > 1)
		return pl_fail(req, -EINVAL, NULL, "give one prefix per request");
	attr = pl_req_attr(req, PL_A_ENDPOINT_ALLOW, "prefix");
	if (!attr)
		return -EINVAL;
	err = pl_prefix_parse(req, attr, &p, true);
	if (err)
		return err;
	old = pl_endpoint_allow(req->pn, ep);
	at = pl_allow_find(old, &p);
	if (add && at >= 0)
		return pl_fail(req, -EEXIST, attr,
			       "endpoint \"%s\" allows %s already",
			       ep->obj.key.name, pl_prefix_str(&p, buf));
	if (!add && at < 0)
		return pl_fail(req, -ENOENT, attr,
			       "endpoint \"%s\" does not allow %s",
			       ep->obj.key.name, pl_prefix_str(&p, buf));
	if (pl_txn_defer(req))
		return 0;
	n = (old ? old->n : 0) + (add ? 1 : -1);
	new = NULL;
	if (n) {
		new = pl_allow_alloc(req, n);
		if (IS_ERR(new))
			return PTR_ERR(new);
		pl_allow_copy(new, old, add ? -1 : at, add ? &p : NULL);
	}
	rcu_assign_pointer(ep->allow, new);
	if (old)
		kfree_rcu(old, rcu);
	pl_endpoint_changed(req, ep);
	return 0;
}

static int pl_endpoint_allow_add(struct pl_req *req)
{
	return pl_endpoint_allow_edit(req, true);
}

static int pl_endpoint_allow_del(struct pl_req *req)
{
	return pl_endpoint_allow_edit(req, false);
}

static int pl_endpoint_del(struct pl_req *req)
{
	struct pl_endpoint *ep = pl_endpoint_req(req);

	if (IS_ERR(ep))
		return PTR_ERR(ep);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_ENDPOINT_DEL_NTF, pl_endpoint_fill, &ep->obj);
	return pl_txn_del(req->pn, &pl_endpoint_kind, ep);
}

static int pl_endpoint_get(struct pl_req *req)
{
	struct pl_endpoint *ep = pl_endpoint_req(req);

	if (IS_ERR(ep))
		return PTR_ERR(ep);
	return pl_nl_reply(req, PL_CMD_ENDPOINT_GET, pl_endpoint_fill,
			   &ep->obj);
}

void pl_endpoints_flush(struct pl_net *pn)
{
	unsigned long index;
	struct pl_obj *obj;

	xa_for_each(&pn->endpoints.xa, index, obj) {
		pl_endpoint_free(pn, container_of(obj, struct pl_endpoint, obj));
		cond_resched();	/* there may be 100,000 */
	}
}

int pl_nl_endpoint_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_endpoint_add);
}

int pl_nl_endpoint_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_endpoint_set);
}

int pl_nl_endpoint_allow_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_endpoint_allow_add);
}

int pl_nl_endpoint_allow_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_endpoint_allow_del);
}

int pl_nl_endpoint_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_endpoint_del);
}

int pl_nl_endpoint_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_endpoint_get);
}

static bool pl_endpoint_match(const struct pl_obj *obj, const void *name)
{
	const struct pl_endpoint *ep;

	ep = container_of(obj, struct pl_endpoint, obj);
	return !strcmp(ep->svc->obj.key.name, name);
}

int pl_nl_endpoint_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *svc = pl_dump_attrs(cb)[PL_A_ENDPOINT_SERVICE];
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	struct pl_dump d = {
		.table = &pn->endpoints,
		.cmd = PL_CMD_ENDPOINT_GET,
		.fill = pl_endpoint_fill,
		.match = svc ? pl_endpoint_match : NULL,
		.arg = svc ? nla_data(svc) : NULL,
		.service = svc,
	};

	return pl_nl_dump(skb, cb, &d);
}
