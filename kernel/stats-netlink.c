// SPDX-License-Identifier: GPL-2.0
/*
 * Counters over netlink: the stats-get dump gives the namespace, then each
 * endpoint and its ENIs, then each service, then each backend, each with
 * its counters summed over CPUs (and over ENIs and backends).
 */

#include "az.h"
#include "backend.h"
#include "compat.h"
#include "endpoint.h"
#include "netlink.h"
#include "service.h"
#include "stats.h"
#include "subnet.h"

static int pl_sum_put(struct sk_buff *skb, const struct pl_sum *sum)
{
	struct nlattr *nest, *drops;
	u64 dropped = 0;
	int i;

	nest = nla_nest_start(skb, PL_A_STATS_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	drops = nla_nest_start(skb, PL_A_COUNTERS_DROPS);
	if (!drops)
		return -EMSGSIZE;
	for (i = 0; i < PL_DROP_MAX; i++) {
		dropped += sum->c.drops[i];
		if (nla_put_u64_64bit(skb, pl_drop_attr(i), sum->c.drops[i],
				      PL_A_DROPS_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, drops);
	if (nla_put_u64_64bit(skb, PL_A_COUNTERS_ACTIVE_CONNECTIONS,
			      pl_sum_active(sum), PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_NEW_CONNECTIONS,
			      sum->c.t.new_conns, PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_BYTES, sum->c.t.bytes,
			      PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_PACKETS, sum->c.t.packets,
			      PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_DROPPED, dropped,
			      PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_RST_RECEIVED, sum->c.t.rst_rx,
			      PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_ZONE_FALLBACKS,
			      sum->c.t.zone_fallbacks, PL_A_COUNTERS_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_COUNTERS_ADDRESS_CONFLICTS,
			      sum->c.address_conflicts, PL_A_COUNTERS_PAD))
		return -EMSGSIZE;
	if (sum->sync &&
	    (nla_put_u64_64bit(skb, PL_A_COUNTERS_SYNC_SENT, sum->sync_sent,
			       PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_SYNC_RECEIVED,
			       sum->sync_received, PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_SYNC_REJECTED,
			       sum->sync_rejected, PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_SYNC_LOST, sum->sync_lost,
			       PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_SYNC_HELD, sum->sync_held,
			       PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_SYNC_RELEASED,
			       sum->sync_released, PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_FAST_PATH_PACKETS,
			       sum->c.fast_path, PL_A_COUNTERS_PAD) ||
	     nla_put_u64_64bit(skb, PL_A_COUNTERS_FULL_PATH_PACKETS,
			       pl_sum_full_path(sum), PL_A_COUNTERS_PAD)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

struct pl_stats_ctx {
	u8 phase;
	u32 next_id;
};

enum {
	PL_STATS_NAMESPACE,
	PL_STATS_ENDPOINTS,
	PL_STATS_SERVICES,
	PL_STATS_BACKENDS,
	PL_STATS_DONE,
};

typedef int (*pl_stats_fill_t)(struct sk_buff *skb, const void *obj);

/* One message: scope, what fill() puts, and the counters. */
static int pl_stats_put(struct sk_buff *skb, struct netlink_callback *cb,
			u8 scope, pl_stats_fill_t fill, const void *obj,
			const struct pl_sum *sum)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &pl_nl_family, NLM_F_MULTI, PL_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(skb, PL_A_STATS_SCOPE, scope) ||
	    (fill && fill(skb, obj)) || pl_sum_put(skb, sum)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int pl_stats_namespace(struct sk_buff *skb, struct netlink_callback *cb,
			      struct pl_net *pn)
{
	struct pl_sum sum = {};

	pl_sum_add(&sum, pn->stats);
	sum.sync = true;
	sum.sync_sent = atomic64_read(&pn->sync_stats.sent);
	sum.sync_received = atomic64_read(&pn->sync_stats.received);
	sum.sync_rejected = atomic64_read(&pn->sync_stats.rejected);
	sum.sync_lost = atomic64_read(&pn->sync_stats.lost);
	sum.sync_held = atomic64_read(&pn->sync_stats.held);
	sum.sync_released = atomic64_read(&pn->sync_stats.released);
	return pl_stats_put(skb, cb, PL_STATS_SCOPE_NAMESPACE, NULL, NULL,
			    &sum);
}

static int pl_stats_eni_fill(struct sk_buff *skb, const void *obj)
{
	const struct pl_eni *eni = obj;

	if (nla_put_string(skb, PL_A_STATS_ENDPOINT, eni->ep->obj.key.name) ||
	    (eni->addr.family &&
	     nla_put_in_addr(skb, PL_A_STATS_ADDRESS, eni->addr.addr)) ||
	    (eni->v6 &&
	     nla_put_in6_addr(skb, PL_A_STATS_IPV6, &eni->v6->addr.addr6)) ||
	    nla_put_string(skb, PL_A_STATS_AZ, eni->subnet->az->obj.key.name))
		return -EMSGSIZE;
	return 0;
}

static int pl_stats_endpoint_fill(struct sk_buff *skb, const void *obj)
{
	const struct pl_endpoint *ep = obj;

	if (nla_put_string(skb, PL_A_STATS_ENDPOINT, ep->obj.key.name) ||
	    nla_put_string(skb, PL_A_STATS_SERVICE, ep->svc->obj.key.name))
		return -EMSGSIZE;
	return 0;
}

/* An endpoint and its ENIs, all or none. */
static int pl_stats_endpoint(struct sk_buff *skb, struct netlink_callback *cb,
			     struct pl_endpoint *ep)
{
	unsigned char *mark = skb_tail_pointer(skb);
	struct pl_sum sum = {};
	int err;
	u8 i;

	for (i = 0; i < ep->n_enis; i++)
		pl_sum_eni(&sum, &ep->enis[i], true);
	err = pl_stats_put(skb, cb, PL_STATS_SCOPE_ENDPOINT,
			   pl_stats_endpoint_fill, ep, &sum);
	for (i = 0; !err && i < ep->n_enis; i++) {
		memset(&sum, 0, sizeof(sum));
		pl_sum_eni(&sum, &ep->enis[i], true);
		err = pl_stats_put(skb, cb, PL_STATS_SCOPE_ENI,
				   pl_stats_eni_fill, &ep->enis[i], &sum);
	}
	if (err)
		nlmsg_trim(skb, mark);
	return err;
}

static void pl_sum_backend(struct pl_sum *sum, struct pl_backend *b)
{
	pl_sum_traffic(sum, b->stats);
}

static int pl_stats_service_fill(struct sk_buff *skb, const void *obj)
{
	const struct pl_service *svc = obj;

	return nla_put_string(skb, PL_A_STATS_SERVICE, svc->obj.key.name);
}

/* A service: its backends' traffic, its endpoints' drops. */
static int pl_stats_service(struct sk_buff *skb, struct netlink_callback *cb,
			    struct pl_service *svc)
{
	struct pl_endpoint *ep;
	struct pl_backend *b;
	struct pl_sum sum = {};
	u8 i;

	list_for_each_entry(b, &svc->backends, list)
		pl_sum_backend(&sum, b);
	list_for_each_entry(ep, &svc->endpoints, svc_node) {
		for (i = 0; i < ep->n_enis; i++)
			pl_sum_eni(&sum, &ep->enis[i], false);
	}
	return pl_stats_put(skb, cb, PL_STATS_SCOPE_SERVICE,
			    pl_stats_service_fill, svc, &sum);
}

static int pl_stats_backend_fill(struct sk_buff *skb, const void *obj)
{
	const struct pl_backend *b = obj;

	if (nla_put_string(skb, PL_A_STATS_SERVICE, b->svc->obj.key.name) ||
	    nla_put_in_addr(skb, PL_A_STATS_ADDRESS, b->addr) ||
	    nla_put_string(skb, PL_A_STATS_AZ, b->az->obj.key.name))
		return -EMSGSIZE;
	return 0;
}

static int pl_stats_backend(struct sk_buff *skb, struct netlink_callback *cb,
			    struct pl_backend *b)
{
	struct pl_sum sum = {};

	pl_sum_backend(&sum, b);
	return pl_stats_put(skb, cb, PL_STATS_SCOPE_BACKEND,
			    pl_stats_backend_fill, b, &sum);
}

/* Does the object pass the request's filters? */
static bool pl_stats_match(struct nlattr **attrs, u8 phase,
			   const struct pl_obj *obj)
{
	const struct nlattr *ep = attrs[PL_A_STATS_ENDPOINT];
	const struct nlattr *svc = attrs[PL_A_STATS_SERVICE];
	const char *name = obj->key.name;

	if (phase == PL_STATS_BACKENDS)
		name = container_of(obj, struct pl_backend, obj)->svc->obj.key.name;
	if (phase == PL_STATS_ENDPOINTS)
		return !svc && (!ep || !strcmp(nla_data(ep), name));
	return !ep && (!svc || !strcmp(nla_data(svc), name));
}

static int pl_stats_one(struct sk_buff *skb, struct netlink_callback *cb,
			u8 phase, struct pl_obj *obj)
{
	switch (phase) {
	case PL_STATS_ENDPOINTS:
		return pl_stats_endpoint(skb, cb,
			container_of(obj, struct pl_endpoint, obj));
	case PL_STATS_SERVICES:
		return pl_stats_service(skb, cb,
			container_of(obj, struct pl_service, obj));
	default:
		return pl_stats_backend(skb, cb,
			container_of(obj, struct pl_backend, obj));
	}
}

static struct pl_table *pl_stats_table(struct pl_net *pn, u8 phase)
{
	if (phase == PL_STATS_ENDPOINTS)
		return &pn->endpoints;
	return phase == PL_STATS_SERVICES ? &pn->services : &pn->backends;
}

static int pl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb,
			 struct pl_net *pn, struct pl_stats_ctx *ctx)
{
	struct nlattr **attrs = pl_dump_attrs(cb);
	struct pl_obj *obj;
	int err = 0;

	if (ctx->phase == PL_STATS_NAMESPACE) {
		if (!attrs[PL_A_STATS_ENDPOINT] && !attrs[PL_A_STATS_SERVICE])
			err = pl_stats_namespace(skb, cb, pn);
		if (err)
			return err;
		ctx->phase++;
	}
	for (; ctx->phase < PL_STATS_DONE; ctx->phase++, ctx->next_id = 0) {
		struct pl_table *t = pl_stats_table(pn, ctx->phase);

		while ((obj = pl_table_next(t, &ctx->next_id))) {
			if (pl_stats_match(attrs, ctx->phase, obj)) {
				err = pl_stats_one(skb, cb, ctx->phase, obj);
				if (err)
					return err;
			}
			if (ctx->next_id++ == U32_MAX)
				break;
		}
	}
	return 0;
}

int pl_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pl_stats_ctx *ctx = (struct pl_stats_ctx *)cb->ctx;
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	int err;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	mutex_lock(&pn->lock);
	err = pl_stats_dump(skb, cb, pn, ctx);
	mutex_unlock(&pn->lock);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}
