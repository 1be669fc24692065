// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration's digest: each item of the configuration (limits, an
 * AZ, a subnet, a service, a source address, a backend, an endpoint, an
 * ENI, an allowed prefix; a private DNS name, an endpoint's private-dns
 * switch on, a DNS suffix other than the default, a consumer prefix) is
 * hashed alone, from what "pl-ctl save" prints of it, and the hashes are
 * added up, so that order does not matter.
 * Interfaces count by name, not index; nothing of the run-time state (an
 * address's probing, counters) is in it.
 */

#include <linux/netdevice.h>
#include <linux/siphash.h>

#include "az.h"
#include "backend.h"
#include "digest.h"
#include "endpoint.h"
#include "net.h"
#include "service.h"
#include "subnet.h"

/* Fixed, so that every router computes the same digest. */
static const siphash_key_t pl_digest_key = {
	{ 0x706c2d636f6e6669ULL, 0x672d646967657374ULL }
};

/* One item, its fields one after another, each as long as it is. */
struct pl_item {
	u8 buf[3 * PL_NAME_LEN + 64];
	size_t len;
};

static void pl_item_start(struct pl_item *it, char kind)
{
	it->buf[0] = kind;
	it->len = 1;
}

static void pl_item_put(struct pl_item *it, const void *p, size_t n)
{
	if (WARN_ON_ONCE(it->len + n > sizeof(it->buf)))
		return;
	memcpy(it->buf + it->len, p, n);
	it->len += n;
}

static void pl_item_u32(struct pl_item *it, u32 v)
{
	pl_item_put(it, &v, sizeof(v));
}

/* A string, with its terminating NUL, so that fields cannot run together. */
static void pl_item_str(struct pl_item *it, const char *s)
{
	pl_item_put(it, s, strnlen(s, PL_NAME_LEN - 1) + 1);
}

static u64 pl_item_hash(const struct pl_item *it)
{
	return siphash(it->buf, it->len, &pl_digest_key);
}

static u64 pl_digest_limits(struct pl_net *pn)
{
	struct pl_item it;

	pl_item_start(&it, 'L');
	pl_item_u32(&it, pn->azs.max);
	pl_item_u32(&it, pn->subnets.max);
	pl_item_u32(&it, pn->services.max);
	pl_item_u32(&it, pn->backends.max);
	pl_item_u32(&it, pn->endpoints.max);
	pl_item_u32(&it, READ_ONCE(pn->flows.max));
	pl_item_u32(&it, READ_ONCE(pn->flows.rejects.max));
	/* Only when off: the digests of earlier versions' configurations. */
	if (!READ_ONCE(pn->fast_path))
		pl_item_u32(&it, 0);
	return pl_item_hash(&it);
}

static u64 pl_digest_az(const struct pl_az *az)
{
	struct pl_item it;

	pl_item_start(&it, 'A');
	pl_item_str(&it, az->obj.key.name);
	pl_item_str(&it, az->zone_id);
	pl_item_u32(&it, az->state);
	return pl_item_hash(&it);
}

static u64 pl_digest_subnet(struct pl_net *pn, const struct pl_subnet *s)
{
	char dev[IFNAMSIZ] = "";
	struct net_device *nd;
	struct pl_item it;

	if (s->ifindex) {
		rcu_read_lock();
		nd = dev_get_by_index_rcu(pn->net, s->ifindex);
		if (nd)
			strscpy(dev, nd->name, sizeof(dev));
		rcu_read_unlock();
	}
	pl_item_start(&it, 'S');
	pl_item_str(&it, s->obj.key.name);
	pl_item_u32(&it, (__force u32)s->prefix);
	pl_item_u32(&it, s->plen);
	pl_item_str(&it, s->az->obj.key.name);
	pl_item_str(&it, dev);
	pl_item_u32(&it, s->probe);
	if (s->plen6) {		/* IPv4-only subnets hash as they did */
		pl_item_put(&it, &s->prefix6, sizeof(s->prefix6));
		pl_item_u32(&it, s->plen6);
	}
	return pl_item_hash(&it);
}

/* A string of any length, as its hash. */
static void pl_item_long_str(struct pl_item *it, const char *s)
{
	u64 h = s ? siphash(s, strlen(s), &pl_digest_key) : 0;

	pl_item_put(it, &h, sizeof(h));
}

static void pl_digest_health(struct pl_item *it,
			     const struct pl_health_cfg *cfg)
{
	pl_item_u32(it, cfg->protocol);
	pl_item_u32(it, cfg->port);
	pl_item_u32(it, cfg->interval);
	pl_item_u32(it, cfg->timeout);
	pl_item_u32(it, cfg->healthy_threshold);
	pl_item_u32(it, cfg->unhealthy_threshold);
	pl_item_long_str(it, cfg->path);
	pl_item_long_str(it, cfg->matcher);
}

static u64 pl_digest_service_items(const struct pl_service *svc)
{
	const struct pl_source *src;
	struct pl_item it;
	u64 sum;
	u16 i;

	pl_item_start(&it, 'V');
	pl_item_str(&it, svc->obj.key.name);
	pl_item_u32(&it, svc->acceptance);
	pl_item_u32(&it, svc->cross_zone);
	pl_item_u32(&it, svc->idle_timeout);
	pl_item_u32(&it, svc->unhealthy_termination);
	pl_digest_health(&it, &svc->health);
	sum = pl_item_hash(&it);
	for (i = 0; i < svc->n_listeners; i++) {
		pl_item_start(&it, 'L');
		pl_item_str(&it, svc->obj.key.name);
		pl_item_u32(&it, svc->listeners[i].port);
		pl_item_u32(&it, svc->listeners[i].target_port);
		sum += pl_item_hash(&it);
	}
	list_for_each_entry(src, &svc->sources, list) {
		pl_item_start(&it, 'R');
		pl_item_str(&it, svc->obj.key.name);
		pl_item_str(&it, src->az->obj.key.name);
		if (src->addr.family == AF_INET6)
			pl_item_put(&it, &src->addr.addr6,
				    sizeof(src->addr.addr6));
		else
			pl_item_u32(&it, (__force u32)src->addr.addr);
		sum += pl_item_hash(&it);
	}
	if (svc->private_dns) {
		pl_item_start(&it, 'D');
		pl_item_str(&it, svc->obj.key.name);
		pl_item_long_str(&it, svc->private_dns);
		sum += pl_item_hash(&it);
	}
	return sum;
}

/*
 * Services' and endpoints' items, kept as backends' are: a one-change
 * apply would otherwise hash every one of them again. Whatever changes
 * one of their items clears it (svc->digest, ep->digest).
 */
static u64 pl_digest_service(struct pl_service *svc, bool fresh)
{
	if (fresh)
		return pl_digest_service_items(svc);
	if (!svc->digest)
		svc->digest = pl_digest_service_items(svc);
	return svc->digest;
}

/* The DNS settings, when they are not the defaults. */
static u64 pl_digest_dns(const struct pl_dns *dns)
{
	struct pl_item it;
	u64 sum = 0;
	u32 i;

	if (strcmp(dns->suffix, PL_DNS_DEFAULT_SUFFIX)) {
		pl_item_start(&it, 'X');
		pl_item_long_str(&it, dns->suffix);
		sum += pl_item_hash(&it);
	}
	for (i = 0; i < dns->n_consumers; i++) {
		pl_item_start(&it, 'C');
		pl_item_u32(&it, (__force u32)dns->consumers[i].addr);
		pl_item_u32(&it, dns->consumers[i].len);
		sum += pl_item_hash(&it);
	}
	return sum;
}

/*
 * A backend's item, kept: a configuration holds many more backends than
 * anything else, and only their weight and state change (backend-set
 * clears it then).
 */
static u64 pl_digest_backend(struct pl_backend *b, bool fresh)
{
	struct pl_item it;

	if (b->digest && !fresh)
		return b->digest;
	pl_item_start(&it, 'B');
	pl_item_str(&it, b->svc->obj.key.name);
	pl_item_u32(&it, (__force u32)b->addr);
	pl_item_str(&it, b->az->obj.key.name);
	pl_item_u32(&it, b->port);
	pl_item_u32(&it, b->weight);
	pl_item_u32(&it, b->state);
	if (fresh)
		return pl_item_hash(&it);
	b->digest = pl_item_hash(&it);
	return b->digest;
}

static u64 pl_digest_endpoint_items(struct pl_net *pn,
				    const struct pl_endpoint *ep)
{
	const char *id = ep->obj.key.name;
	const struct pl_allow *allow;
	struct pl_item it;
	u64 sum;
	u32 i;

	pl_item_start(&it, 'E');
	pl_item_str(&it, id);
	pl_item_str(&it, ep->svc->obj.key.name);
	pl_item_u32(&it, ep->state);
	if (ep->ip_type != PL_IP_ADDRESS_TYPE_IPV4)
		pl_item_u32(&it, ep->ip_type);
	sum = pl_item_hash(&it);
	if (ep->private_dns) {
		pl_item_start(&it, 'd');
		pl_item_str(&it, id);
		sum += pl_item_hash(&it);
	}
	for (i = 0; i < ep->n_enis; i++) {
		pl_item_start(&it, 'N');
		pl_item_str(&it, id);
		pl_item_str(&it, ep->enis[i].subnet->obj.key.name);
		pl_item_u32(&it, (__force u32)ep->enis[i].addr.addr);
		if (ep->enis[i].v6)
			pl_item_put(&it, &ep->enis[i].v6->addr.addr6,
				    sizeof(struct in6_addr));
		sum += pl_item_hash(&it);
	}
	allow = rcu_dereference_protected(ep->allow,
					  lockdep_is_held(&pn->lock));
	for (i = 0; allow && i < allow->n; i++) {
		pl_item_start(&it, 'P');
		pl_item_str(&it, id);
		if (allow->prefixes[i].family == AF_INET6)
			pl_item_put(&it, &allow->prefixes[i].addr6,
				    sizeof(struct in6_addr));
		else
			pl_item_u32(&it,
				    (__force u32)allow->prefixes[i].addr);
		pl_item_u32(&it, allow->prefixes[i].len);
		sum += pl_item_hash(&it);
	}
	return sum;
}

/*
 * The sum of a service's backends' items, kept too, so that a digest
 * after a one-backend change walks the services, not every backend.
 * Adding, changing or deleting a backend clears it (backend.c).
 */
static u64 pl_digest_backends(struct pl_service *svc)
{
	struct pl_backend *b;
	u64 sum = 0;

	if (svc->backends_digest)
		return svc->backends_digest;
	list_for_each_entry(b, &svc->backends, list)
		sum += pl_digest_backend(b, false);
	svc->backends_digest = sum;
	return sum;
}

static u64 pl_digest_endpoint(struct pl_net *pn, struct pl_endpoint *ep,
			      bool fresh)
{
	if (fresh)
		return pl_digest_endpoint_items(pn, ep);
	if (!ep->digest)
		ep->digest = pl_digest_endpoint_items(pn, ep);
	return ep->digest;
}

/*
 * Called under the configuration lock. fresh: hash every item again,
 * rather than take the kept ones, and find the backends in their table
 * rather than in their services' lists.
 */
static u64 pl_digest(struct pl_net *pn, bool fresh)
{
	unsigned long index;
	struct pl_obj *obj;
	u64 sum;

	lockdep_assert_held(&pn->lock);
	sum = pl_digest_limits(pn) + pl_digest_dns(&pn->dns);
	xa_for_each(&pn->azs.xa, index, obj)
		sum += pl_digest_az(container_of(obj, struct pl_az, obj));
	xa_for_each(&pn->subnets.xa, index, obj)
		sum += pl_digest_subnet(pn, container_of(obj, struct pl_subnet,
							 obj));
	xa_for_each(&pn->services.xa, index, obj) {
		struct pl_service *svc = container_of(obj, struct pl_service,
						      obj);

		sum += pl_digest_service(svc, fresh);
		if (!fresh)
			sum += pl_digest_backends(svc);
		cond_resched();
	}
	/* Kept sums are by service; the check finds each in the table. */
	if (fresh) {
		xa_for_each(&pn->backends.xa, index, obj) {
			sum += pl_digest_backend(container_of(obj,
							      struct pl_backend,
							      obj), true);
			cond_resched();
		}
	}
	xa_for_each(&pn->endpoints.xa, index, obj) {
		sum += pl_digest_endpoint(pn, container_of(obj,
							   struct pl_endpoint,
							   obj), fresh);
		cond_resched();
	}
	return sum;
}

/*
 * The digest, computed again only after a change: every apply reads it,
 * and a large configuration takes a while to hash. Keyed by gen, which
 * an aborted transaction does not take back (config_gen it does). A
 * subnet's device renamed shows at the next change. Under the
 * configuration lock.
 */
u64 pl_config_digest(struct pl_net *pn)
{
	lockdep_assert_held(&pn->lock);
	if (pn->digest_gen != pn->gen) {
		pn->digest = pl_digest(pn, false);
		pn->digest_gen = pn->gen;
		/* A debug build checks that no kept item is stale. */
		WARN_ONCE(IS_ENABLED(CONFIG_PL_SELFTEST) &&
			  pn->digest != pl_digest(pn, true),
			  "pl: a kept digest item is stale\n");
	}
	return pn->digest;
}
