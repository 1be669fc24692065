// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoint services: listener ports (each mapped to a target port), how
 * endpoints are admitted, whether flows cross zones, the idle timeout, and
 * one provider-side source address per zone. Backends are in backend.c.
 */

#include <linux/sched.h>
#include <linux/slab.h>

#include "acd.h"
#include "az.h"
#include "backend.h"
#include "dns.h"
#include "endpoint.h"
#include "hook.h"
#include "lb.h"
#include "netlink.h"
#include "service.h"
#include "txn.h"

static_assert(offsetof(struct pl_service, obj) == 0);

static struct pl_service *pl_service_lookup(struct pl_net *pn,
					    const union pl_key *key)
{
	struct pl_obj *obj = pl_table_lookup(&pn->services, key);

	return obj ? container_of(obj, struct pl_service, obj) : NULL;
}

struct pl_service *pl_service_find(struct pl_req *req,
				   const struct nlattr *attr)
{
	struct pl_service *svc;
	union pl_key key;
	int err;

	err = pl_req_name(req, attr, "service name", &key);
	if (err)
		return ERR_PTR(err);
	svc = pl_service_lookup(req->pn, &key);
	if (!svc)
		return ERR_PTR(pl_fail(req, -ENOENT, attr,
				       "service \"%s\" does not exist",
				       key.name));
	return svc;
}

/* The listener of a port, or NULL. Called under RCU. */
const struct pl_listener *
pl_service_listener(const struct pl_service *svc, __be16 port)
{
	u16 p = ntohs(port), i;

	for (i = 0; i < svc->n_listeners; i++) {
		if (svc->listeners[i].port == p)
			return &svc->listeners[i];
	}
	return NULL;
}

/*
 * The address flows of a zone leave from: that zone's source address, else
 * any. 0 when the service has none. Only addresses pl serves count: one
 * still being probed, or added by a transaction not committed yet, would
 * get no replies. Called under RCU.
 */
__be32 pl_service_source(const struct pl_service *svc, const struct pl_az *az)
{
	const struct pl_source *src;
	__be32 any = 0;

	list_for_each_entry_rcu(src, &svc->sources, list) {
		if (src->addr.family != AF_INET || !pl_addr_serves(&src->addr))
			continue;
		if (src->az == az)
			return src->addr.addr;
		if (!any)
			any = src->addr.addr;
	}
	return any;
}

static int pl_service_fill_listeners(struct sk_buff *skb,
				     const struct pl_service *svc)
{
	u16 i;

	for (i = 0; i < svc->n_listeners; i++) {
		const struct pl_listener *l = &svc->listeners[i];
		struct nlattr *nest;

		nest = nla_nest_start(skb, PL_A_SERVICE_LISTENER);
		if (!nest || nla_put_u16(skb, PL_A_LISTENER_PORT, l->port) ||
		    nla_put_u16(skb, PL_A_LISTENER_TARGET_PORT,
				l->target_port))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static const struct pl_addr_attrs pl_source_addr_attrs = {
	.state = PL_A_SOURCE_ADDR_STATE,
	.conflict = PL_A_SOURCE_CONFLICT,
	.mac = PL_A_SOURCE_CONFLICT_MAC,
	.ifindex = PL_A_SOURCE_CONFLICT_IFINDEX,
};

static int pl_service_fill_sources(struct sk_buff *skb,
				   const struct pl_service *svc)
{
	const struct pl_source *src;

	list_for_each_entry(src, &svc->sources, list) {
		struct nlattr *nest;

		if (src->hidden)
			continue;
		nest = nla_nest_start(skb, PL_A_SERVICE_SOURCE);
		if (!nest ||
		    nla_put_string(skb, PL_A_SOURCE_AZ, src->az->obj.key.name))
			return -EMSGSIZE;
		if (src->addr.family == AF_INET6) {
			if (nla_put_in6_addr(skb, PL_A_SOURCE_IPV6,
					     &src->addr.addr6))
				return -EMSGSIZE;
		} else if (nla_put_in_addr(skb, PL_A_SOURCE_ADDRESS,
					   src->addr.addr) ||
			   pl_addr_fill(skb, &src->addr,
					&pl_source_addr_attrs)) {
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int pl_service_fill(struct sk_buff *skb, struct pl_net *pn,
			   const void *obj)
{
	const struct pl_service *svc;

	svc = container_of(obj, struct pl_service, obj);
	if (nla_put_string(skb, PL_A_SERVICE_NAME, svc->obj.key.name) ||
	    pl_service_fill_listeners(skb, svc) ||
	    nla_put_u8(skb, PL_A_SERVICE_ACCEPTANCE, svc->acceptance) ||
	    nla_put_u8(skb, PL_A_SERVICE_CROSS_ZONE, svc->cross_zone) ||
	    nla_put_u32(skb, PL_A_SERVICE_IDLE_TIMEOUT, svc->idle_timeout) ||
	    pl_service_fill_sources(skb, svc) ||
	    nla_put_u32(skb, PL_A_SERVICE_ENDPOINTS, svc->n_endpoints) ||
	    nla_put_u32(skb, PL_A_SERVICE_BACKENDS, svc->n_backends) ||
	    pl_health_fill(skb, &svc->health) ||
	    nla_put_u8(skb, PL_A_SERVICE_UNHEALTHY_TERMINATION,
		       svc->unhealthy_termination) ||
	    nla_put_u64_64bit(skb, PL_A_SERVICE_LB_DIGEST,
			      pl_lb_digest(pn, svc), PL_A_SERVICE_PAD) ||
	    (svc->private_dns &&
	     nla_put_string(skb, PL_A_SERVICE_PRIVATE_DNS, svc->private_dns)))
		return -EMSGSIZE;
	return 0;
}

static int pl_listener_parse(struct pl_req *req, const struct nlattr *nest,
			     struct pl_listener *l)
{
	struct nlattr *tb[PL_A_LISTENER_MAX + 1];
	const struct nlattr *port;
	int err;

	err = nla_parse_nested(tb, PL_A_LISTENER_MAX, nest,
			       pl_listener_nl_policy, req->info->extack);
	if (err)
		return err;
	port = pl_nest_attr(req, nest, tb, PL_A_LISTENER_PORT,
			    "listener port");
	if (!port)
		return -EINVAL;
	l->port = nla_get_u16(port);
	l->target_port = l->port;
	if (tb[PL_A_LISTENER_TARGET_PORT])
		l->target_port = nla_get_u16(tb[PL_A_LISTENER_TARGET_PORT]);
	return 0;
}

/* Fill svc->listeners from the request; ports must not repeat. */
static int pl_service_listeners(struct pl_req *req, struct pl_service *svc)
{
	const struct nlattr *pos;
	int rem, err;
	u16 i, n = 0;

	nla_for_each_attr(pos, pl_req_head(req), pl_req_len(req), rem) {
		struct pl_listener *l = &svc->listeners[n];

		if (nla_type(pos) != PL_A_SERVICE_LISTENER)
			continue;
		err = pl_listener_parse(req, pos, l);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			if (svc->listeners[i].port == l->port)
				return pl_fail(req, -EINVAL, pos,
					       "listener port %u is given twice",
					       l->port);
		}
		n++;
	}
	return 0;
}

/*
 * New health settings. Checks that start anew start from initial, and the
 * backends that take flows change whenever checks start or stop.
 */
static bool pl_service_health(struct pl_req *req, struct pl_service *svc,
			      struct pl_health_cfg *health)
{
	bool was_on = svc->health.protocol != PL_HEALTH_PROTOCOL_NONE;
	bool on = health->protocol != PL_HEALTH_PROTOCOL_NONE;
	struct pl_backend *b;

	if (!pl_health_replace(&svc->health, health))
		return false;
	if (was_on == on)
		return true;
	list_for_each_entry(b, &svc->backends, list) {
		WRITE_ONCE(b->health, PL_HEALTH_STATE_INITIAL);
		b->health_reason = PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING;
		b->health_code = 0;
	}
	pl_lb_changed(req->pn, svc);
	return true;
}

/* acceptance, cross-zone, idle-timeout and the health checks, when given. */
static bool pl_service_settings(struct pl_req *req, struct pl_service *svc,
				struct pl_health_cfg *health)
{
	struct nlattr **attrs = req->info->attrs;
	bool changed = false;
	u32 v;

	svc->digest = 0;
	if (attrs[PL_A_SERVICE_ACCEPTANCE]) {
		v = nla_get_u8(attrs[PL_A_SERVICE_ACCEPTANCE]);
		changed |= svc->acceptance != v;
		svc->acceptance = v;
	}
	if (attrs[PL_A_SERVICE_CROSS_ZONE]) {
		v = nla_get_u8(attrs[PL_A_SERVICE_CROSS_ZONE]);
		changed |= svc->cross_zone != v;
		WRITE_ONCE(svc->cross_zone, v);
	}
	if (attrs[PL_A_SERVICE_IDLE_TIMEOUT]) {
		v = nla_get_u32(attrs[PL_A_SERVICE_IDLE_TIMEOUT]);
		changed |= svc->idle_timeout != v;
		WRITE_ONCE(svc->idle_timeout, v);
	}
	if (attrs[PL_A_SERVICE_UNHEALTHY_TERMINATION]) {
		v = nla_get_u8(attrs[PL_A_SERVICE_UNHEALTHY_TERMINATION]);
		changed |= svc->unhealthy_termination != v;
		svc->unhealthy_termination = v;
	}
	if (attrs[PL_A_SERVICE_HEALTH])
		changed |= pl_service_health(req, svc, health);
	else
		pl_health_free(health);
	return changed;
}

static void pl_source_free(struct pl_net *pn, struct pl_source *src)
{
	pl_acd_forget(pn, &src->addr);
	pl_addr_remove(pl_addrs_of(pn, src->addr.family), &src->addr);
	list_del_rcu(&src->list);
	src->svc->digest = 0;
	src->az->n_sources--;
	kfree_rcu(src, rcu);
}

/* A transaction deletes the source (d < 0), or puts it back. */
static void pl_source_count(struct pl_source *src, int d)
{
	src->az->n_sources += d;
	src->addr.txn_gone = d < 0 ? PL_ADDR_TXN_GONE : 0;
}

static void pl_source_kind_count(struct pl_net *pn, void *src, int d)
{
	((struct pl_source *)src)->hidden = d < 0;
	pl_source_count(src, d);
}

static void pl_source_destroy(struct pl_net *pn, void *src)
{
	pl_source_free(pn, src);
}

static void pl_source_publish(struct pl_net *pn, void *obj)
{
	struct pl_source *src = obj;

	if (pl_addr_publish(pl_addrs_of(pn, src->addr.family), &src->addr))
		pr_warn_ratelimited("pl: no memory for a source address of service \"%s\"\n",
				    src->svc->obj.key.name);
	/* IPv6 addresses are held, not served yet: no probing. */
	if (src->addr.family == AF_INET)
		pl_acd_start(pn, &src->addr, true, false);
}

static const struct pl_txn_kind pl_source_kind = {
	.count = pl_source_kind_count,
	.destroy = pl_source_destroy,
	.publish = pl_source_publish,
	.unmake = pl_source_destroy,
};

/* The service's backends are gone already. */
static void pl_service_free(struct pl_net *pn, struct pl_service *svc)
{
	struct pl_source *src, *tmp;

	list_for_each_entry_safe(src, tmp, &svc->sources, list)
		pl_source_free(pn, src);
	pl_table_remove(&pn->services, &svc->obj);
	pl_health_free(&svc->health);
	pl_dns_free_service(svc);
	kfree_rcu(svc, rcu);
}

/* What the service's sources and backends hold, when it goes (d < 0). */
static void pl_service_count(struct pl_net *pn, void *obj, int d)
{
	struct pl_service *svc = obj;
	struct pl_source *src;
	struct pl_backend *b;

	list_for_each_entry(src, &svc->sources, list) {
		if (!src->hidden)
			pl_source_count(src, d);
	}
	list_for_each_entry(b, &svc->backends, list) {
		if (!b->obj.hidden)
			b->az->n_backends += d;
	}
}

static void pl_service_destroy(struct pl_net *pn, void *svc)
{
	pl_backends_flush_service(pn, svc);
	pl_lb_service_gone(pn, svc);
	pl_service_free(pn, svc);
}

static const struct pl_txn_kind pl_service_kind = {
	.table = offsetof(struct pl_net, services),
	.count = pl_service_count,
	.destroy = pl_service_destroy,
	.unmake = pl_service_destroy,
};

static struct pl_service *pl_service_alloc(struct pl_req *req, int n)
{
	struct pl_service *svc;

	if (!n) {
		NL_SET_ERR_ATTR_MISS(req->info->extack, NULL,
				     PL_A_SERVICE_LISTENER);
		return ERR_PTR(pl_fail(req, -EINVAL, NULL,
				       "a service needs a listener port"));
	}
	if (n > PL_MAX_LISTENERS)
		return ERR_PTR(pl_fail(req, -E2BIG, NULL,
				       "a service has at most %u listener ports",
				       PL_MAX_LISTENERS));
	svc = kzalloc(struct_size(svc, listeners, n), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->n_listeners = n;
	svc->acceptance = PL_ACCEPTANCE_MANUAL;
	svc->idle_timeout = PL_DEFAULT_IDLE_TIMEOUT;
	svc->unhealthy_termination = 1;
	pl_health_init(&svc->health);
	INIT_LIST_HEAD(&svc->sources);
	INIT_LIST_HEAD(&svc->backends);
	INIT_LIST_HEAD(&svc->dead_backends);
	INIT_LIST_HEAD(&svc->endpoints);
	INIT_LIST_HEAD(&svc->lb_dirty);
	return svc;
}

/* The request's health nest (if any) over svc's settings, checked. */
static int pl_service_health_req(struct pl_req *req, struct pl_service *svc,
				 struct pl_health_cfg *health)
{
	const struct nlattr *nest = req->info->attrs[PL_A_SERVICE_HEALTH];

	memset(health, 0, sizeof(*health));
	return nest ? pl_health_parse(req, nest, &svc->health, health) : 0;
}

static int pl_service_add(struct pl_req *req)
{
	struct pl_health_cfg health;
	struct pl_net *pn = req->pn;
	struct pl_service *svc;
	union pl_key key;
	int err;

	err = pl_req_key(req, PL_A_SERVICE_NAME, "service name", &key);
	if (err)
		return err;
	if (pl_service_lookup(pn, &key))
		return pl_fail(req, -EEXIST, req->info->attrs[PL_A_SERVICE_NAME],
			       "service \"%s\" already exists", key.name);
	if (pl_table_full(&pn->services))
		return pl_fail(req, -ENOSPC, NULL, "service limit reached (%u)",
			       pn->services.max);
	svc = pl_service_alloc(req, pl_req_count(req, PL_A_SERVICE_LISTENER));
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	svc->obj.key = key;
	err = pl_service_listeners(req, svc) ?:
	      pl_service_health_req(req, svc, &health);
	if (err)
		goto err_free;
	if (req->info->attrs[PL_A_SERVICE_PRIVATE_DNS]) {
		err = pl_dns_service_name(req,
					  req->info->attrs[PL_A_SERVICE_PRIVATE_DNS],
					  &svc->private_dns);
		if (err)
			goto err_health;
		svc->dns_next = svc->private_dns;
	}
	pl_service_settings(req, svc, &health);
	err = pl_table_insert(&pn->services, &svc->obj);
	if (err)
		goto err_free;
	pl_txn_added(pn, &pl_service_kind, svc);
	pl_net_changed(pn);
	pl_nl_notify(req, PL_CMD_SERVICE_ADD_NTF, pl_service_fill, &svc->obj);
	return 0;

err_health:
	pl_health_free(&health);
err_free:
	pl_health_free(&svc->health);
	pl_dns_free_service(svc);
	kfree(svc);
	return err;
}

static struct pl_service *pl_service_req(struct pl_req *req)
{
	const struct nlattr *attr;

	attr = pl_req_attr(req, PL_A_SERVICE_NAME, "service name");
	return attr ? pl_service_find(req, attr) : ERR_PTR(-EINVAL);
}

/* A source address changed state (acd.c). */
void pl_service_notify(struct pl_net *pn, const struct pl_service *svc)
{
	pl_nl_announce(pn, PL_CMD_SERVICE_CHANGE_NTF, pl_service_fill,
		       &svc->obj);
}

static void pl_service_changed(struct pl_req *req, struct pl_service *svc)
{
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SERVICE_CHANGE_NTF, pl_service_fill,
		     &svc->obj);
}

/*
 * A private name in a set request, checked and staged. At the commit of a
 * transaction, the one staged is taken as it is.
 */
static int pl_service_dns_req(struct pl_req *req, struct pl_service *svc)
{
	const struct nlattr *attr = req->info->attrs[PL_A_SERVICE_PRIVATE_DNS];
	char *name;
	int err;

	if (!attr || pl_txn_committing(req->pn->txn))
		return 0;
	err = pl_dns_service_name(req, attr, &name);
	return err ?: pl_dns_stage_service(req, svc, name);
}

static int pl_service_set(struct pl_req *req)
{
	struct pl_service *svc = pl_service_req(req);
	struct pl_health_cfg health;
	int err;

	if (IS_ERR(svc))
		return PTR_ERR(svc);
	err = pl_service_health_req(req, svc, &health);
	if (err)
		return err;
	err = pl_service_dns_req(req, svc);
	if (err) {
		pl_health_free(&health);
		return err;
	}
	if (pl_txn_defer(req)) {
		pl_health_free(&health);
		return 0;
	}
	if (pl_service_settings(req, svc, &health) |
	    pl_dns_commit_service(req->pn, svc))
		pl_service_changed(req, svc);
	return 0;
}

static int pl_service_del(struct pl_req *req)
{
	struct pl_service *svc = pl_service_req(req);

	if (IS_ERR(svc))
		return PTR_ERR(svc);
	if (svc->n_endpoints)
		return pl_fail(req, -EBUSY, req->info->attrs[PL_A_SERVICE_NAME],
			       "service \"%s\" is in use by %u endpoint(s)",
			       svc->obj.key.name, svc->n_endpoints);
	pl_backends_notify_del(req, svc);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SERVICE_DEL_NTF, pl_service_fill, &svc->obj);
	return pl_txn_del(req->pn, &pl_service_kind, svc);
}

static int pl_service_get(struct pl_req *req)
{
	struct pl_service *svc;

	pl_lb_sync(req->pn);	/* may drop the lock: before the lookup */
	svc = pl_service_req(req);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	return pl_nl_reply(req, PL_CMD_SERVICE_GET, pl_service_fill,
			   &svc->obj);
}

/* The one source nest of a source-add or source-del request, parsed. */
static int pl_source_req(struct pl_req *req, struct nlattr **tb,
			 const struct nlattr **nest)
{
	if (pl_req_count(req, PL_A_SERVICE_SOURCE) > 1)
		return pl_fail(req, -EINVAL, NULL,
			       "give one source address per request");
	*nest = pl_req_attr(req, PL_A_SERVICE_SOURCE, "source");
	if (!*nest)
		return -EINVAL;
	return nla_parse_nested(tb, PL_A_SOURCE_MAX, *nest,
				pl_source_nl_policy, req->info->extack);
}

/* At most one source address of each family per zone. */
static int pl_source_check(struct pl_req *req, struct pl_service *svc,
			   const struct pl_az *az, int family,
			   const struct nlattr *attr)
{
	const struct pl_source *src;
	char buf[PL_ADDR_STR_LEN];

	list_for_each_entry(src, &svc->sources, list) {
		if (!src->hidden && src->az == az &&
		    src->addr.family == family)
			return pl_fail(req, -EEXIST, attr,
				       "service \"%s\" has source %s in AZ \"%s\" already",
				       svc->obj.key.name,
				       pl_addr_str(&src->addr, buf),
				       az->obj.key.name);
	}
	return 0;
}

/*
 * The source address of a request's nest, of either family, checked as
 * unicast and free; a names the attribute.
 */
static int pl_source_addr(struct pl_req *req, struct nlattr **tb,
			  const struct nlattr *nest, struct pl_addr *addr,
			  const struct nlattr **a)
{
	*a = tb[PL_A_SOURCE_IPV6];
	if (*a && tb[PL_A_SOURCE_ADDRESS])
		return pl_fail(req, -EINVAL, *a,
			       "give a source address of one family");
	if (!*a) {
		addr->family = AF_INET;
		*a = pl_nest_attr(req, nest, tb, PL_A_SOURCE_ADDRESS,
				  "source address");
		return pl_req_unicast(req, *a, "source address", &addr->addr);
	}
	addr->family = AF_INET6;
	addr->addr6 = nla_get_in6_addr(*a);
	return 0;
}

static int pl_source_add(struct pl_req *req)
{
	struct nlattr *tb[PL_A_SOURCE_MAX + 1];
	const struct nlattr *nest, *a;
	struct pl_service *svc;
	struct pl_addr addr = { };
	struct pl_source *src;
	struct pl_az *az;
	int err;

	svc = pl_service_req(req);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	err = pl_source_req(req, tb, &nest);
	if (err)
		return err;
	a = pl_nest_attr(req, nest, tb, PL_A_SOURCE_AZ, "source AZ");
	if (!a)
		return -EINVAL;
	az = pl_az_find(req, a);
	if (IS_ERR(az))
		return PTR_ERR(az);
	err = pl_source_addr(req, tb, nest, &addr, &a) ?:
	      pl_source_check(req, svc, az, addr.family, tb[PL_A_SOURCE_AZ]);
	if (err)
		return err;
	err = addr.family == AF_INET6 ?
	      pl_addr_check_free6(req, &addr.addr6, a) :
	      pl_addr_check_free(req, addr.addr, a);
	if (err)
		return err;

	err = pl_txn_hooks(req->pn);
	if (err)
		return err;
	src = kzalloc(sizeof(*src), GFP_KERNEL_ACCOUNT);
	if (!src)
		return -ENOMEM;
	pl_addr_init(&src->addr);
	src->addr.addr6 = addr.addr6;	/* either family's */
	src->addr.family = addr.family;
	src->addr.kind = PL_ADDR_SOURCE;
	src->svc = svc;
	src->az = az;
	err = pl_addr_insert(pl_addrs_of(req->pn, addr.family), &src->addr);
	if (err) {
		kfree(src);
		return err;
	}
	list_add_tail_rcu(&src->list, &svc->sources);
	svc->digest = 0;
	az->n_sources++;
	if (!pl_txn_added(req->pn, &pl_source_kind, src) &&
	    addr.family == AF_INET)
		pl_acd_start(req->pn, &src->addr, true, false);
	pl_service_changed(req, svc);
	return 0;
}

static int pl_source_del(struct pl_req *req)
{
	struct nlattr *tb[PL_A_SOURCE_MAX + 1];
	const struct nlattr *nest, *a;
	struct pl_service *svc;
	struct pl_addr addr = { };
	struct pl_source *src;
	char buf[PL_ADDR_STR_LEN];
	int err;

	svc = pl_service_req(req);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	err = pl_source_req(req, tb, &nest);
	if (err)
		return err;
	a = tb[PL_A_SOURCE_IPV6] ?:
	    pl_nest_attr(req, nest, tb, PL_A_SOURCE_ADDRESS, "source address");
	if (!a)
		return -EINVAL;
	addr.family = tb[PL_A_SOURCE_IPV6] ? AF_INET6 : AF_INET;
	if (addr.family == AF_INET6)
		addr.addr6 = nla_get_in6_addr(a);
	else
		addr.addr = nla_get_in_addr(a);
	list_for_each_entry(src, &svc->sources, list) {
		if (!src->hidden && src->addr.family == addr.family &&
		    !memcmp(&src->addr.addr6, &addr.addr6,
			    addr.family == AF_INET6 ? 16 : 4)) {
			pl_service_changed(req, svc);
			return pl_txn_del(req->pn, &pl_source_kind, src);
		}
	}
	return pl_fail(req, -ENOENT, a, "service \"%s\" has no source %s",
		       svc->obj.key.name, pl_addr_str(&addr, buf));
}

void pl_services_flush(struct pl_net *pn)
{
	unsigned long index;
	struct pl_obj *obj;

	xa_for_each(&pn->services.xa, index, obj) {
		struct pl_service *svc;

		svc = container_of(obj, struct pl_service, obj);
		pl_backends_flush_service(pn, svc);
		pl_lb_service_gone(pn, svc);
		pl_service_free(pn, svc);
		cond_resched();
	}
}

int pl_nl_service_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_service_add);
}

int pl_nl_service_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_service_set);
}

int pl_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_service_del);
}

int pl_nl_service_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_service_get);
}

int pl_nl_service_source_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_source_add);
}

int pl_nl_service_source_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_source_del);
}

int pl_nl_service_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	struct pl_dump d = {
		.table = &pn->services,
		.cmd = PL_CMD_SERVICE_GET,
		.fill = pl_service_fill,
		.prepare = pl_lb_sync,
	};

	return pl_nl_dump(skb, cb, &d);
}
