// SPDX-License-Identifier: GPL-2.0
/*
 * Backends (targets) of a service: an address unique within the service,
 * a zone, an optional port, a weight and a state.
 */

#include <linux/sched.h>
#include <linux/slab.h>

#include "az.h"
#include "backend.h"
#include "compat.h"
#include "flow.h"
#include "health.h"
#include "lb.h"
#include "netlink.h"
#include "service.h"
#include "txn.h"

static_assert(offsetof(struct pl_backend, obj) == 0);

static struct pl_backend *pl_backend_lookup(struct pl_net *pn,
					    const struct pl_service *svc,
					    __be32 addr)
{
	struct pl_obj *obj;
	union pl_key key;

	pl_key_pair(&key, svc->obj.id, addr);
	obj = pl_table_lookup(&pn->backends, &key);
	return obj ? container_of(obj, struct pl_backend, obj) : NULL;
}

static int pl_backend_fill(struct sk_buff *skb, struct pl_net *pn,
			   const void *obj)
{
	const struct pl_backend *b = container_of(obj, struct pl_backend, obj);
	u8 health, reason;

	health = pl_backend_health(b, &reason);
	if (nla_put_string(skb, PL_A_BACKEND_SERVICE, b->svc->obj.key.name) ||
	    nla_put_in_addr(skb, PL_A_BACKEND_ADDRESS, b->addr) ||
	    nla_put_string(skb, PL_A_BACKEND_AZ, b->az->obj.key.name) ||
	    (b->port && nla_put_u16(skb, PL_A_BACKEND_PORT, b->port)) ||
	    nla_put_u32(skb, PL_A_BACKEND_WEIGHT, b->weight) ||
	    nla_put_u8(skb, PL_A_BACKEND_STATE, b->state) ||
	    nla_put_u8(skb, PL_A_BACKEND_HEALTH, health) ||
	    nla_put_u8(skb, PL_A_BACKEND_HEALTH_REASON, reason) ||
	    (b->health_code &&
	     nla_put_u16(skb, PL_A_BACKEND_HEALTH_CODE, b->health_code)))
		return -EMSGSIZE;
	return 0;
}

/* The service and address a request names. */
static int pl_backend_key(struct pl_req *req, struct pl_service **svc,
			  __be32 *addr)
{
	const struct nlattr *attr;

	attr = pl_req_attr(req, PL_A_BACKEND_SERVICE, "service name");
	if (!attr)
		return -EINVAL;
	*svc = pl_service_find(req, attr);
	if (IS_ERR(*svc))
		return PTR_ERR(*svc);
	attr = pl_req_attr(req, PL_A_BACKEND_ADDRESS, "backend address");
	return pl_req_unicast(req, attr, "backend address", addr);
}

/* The backend a request names, or an error pointer. */
static struct pl_backend *pl_backend_req(struct pl_req *req)
{
	struct pl_service *svc;
	struct pl_backend *b;
	__be32 addr;
	int err;

	err = pl_backend_key(req, &svc, &addr);
	if (err)
		return ERR_PTR(err);
	b = pl_backend_lookup(req->pn, svc, addr);
	if (!b)
		return ERR_PTR(pl_fail(req, -ENOENT,
				       req->info->attrs[PL_A_BACKEND_ADDRESS],
				       "service \"%s\" has no backend %pI4",
				       svc->obj.key.name, &addr));
	return b;
}

/*
 * weight and, for backend-set, state, when given. backend-add's policy
 * ends before state: its attribute array has no room for it.
 */
static bool pl_backend_settings(struct pl_req *req, struct pl_backend *b,
				bool set)
{
	struct nlattr **attrs = req->info->attrs;
	bool changed = false;
	u32 v;

	if (attrs[PL_A_BACKEND_WEIGHT]) {
		v = nla_get_u32(attrs[PL_A_BACKEND_WEIGHT]);
		changed |= b->weight != v;
		WRITE_ONCE(b->weight, v);
	}
	if (set && attrs[PL_A_BACKEND_STATE]) {
		v = nla_get_u8(attrs[PL_A_BACKEND_STATE]);
		changed |= b->state != v;
		WRITE_ONCE(b->state, v);
	}
	if (changed) {
		b->digest = 0;
		b->svc->backends_digest = 0;
	}
	return changed;
}

static struct pl_backend *pl_backend_new(struct pl_req *req,
					 struct pl_service *svc, __be32 addr)
{
	struct nlattr **attrs = req->info->attrs;
	const struct nlattr *az_attr;
	struct pl_backend *b;
	struct pl_az *az;

	az_attr = pl_req_attr(req, PL_A_BACKEND_AZ, "AZ");
	if (!az_attr)
		return ERR_PTR(-EINVAL);
	az = pl_az_find(req, az_attr);
	if (IS_ERR(az))
		return ERR_CAST(az);
	if (pl_table_full(&req->pn->backends))
		return ERR_PTR(pl_fail(req, -ENOSPC, NULL,
				       "backend limit reached (%u)",
				       req->pn->backends.max));
	if (svc->n_backends >= PL_MAX_SERVICE_BACKENDS)
		return ERR_PTR(pl_fail(req, -ENOSPC, NULL,
				       "service \"%s\" has %u backends, the most a service can have",
				       svc->obj.key.name, svc->n_backends));
	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->stats = pl_traffic_alloc();
	if (!b->stats) {
		kfree(b);
		return ERR_PTR(-ENOMEM);
	}
	pl_key_pair(&b->obj.key, svc->obj.id, addr);
	b->svc = svc;
	b->az = az;
	b->addr = addr;
	b->weight = 1;
	b->state = PL_BACKEND_STATE_ACTIVE;
	if (attrs[PL_A_BACKEND_PORT])
		b->port = nla_get_u16(attrs[PL_A_BACKEND_PORT]);
	pl_backend_settings(req, b, false);
	return b;
}

static bool pl_flow_of_backend(const struct pl_flow *f, const void *b)
{
	return f->backend == b;
}

/*
 * Mark the backend dead first, so that a flow created meanwhile dies at
 * birth (pl_flow_orphan()); reset its flows (a RST to each end); and let
 * the next snapshot of its service drop it, which frees it.
 */
static void pl_backend_free(struct pl_net *pn, struct pl_backend *b)
{
	struct pl_service *svc = b->svc;

	WRITE_ONCE(b->dead, 1);
	smp_mb();	/* pairs with pl_flow_orphan(): mark, then look */
	if (atomic_read(&b->nflows))
		pl_flows_kill_if(pn, pl_flow_of_backend, b, true);
	pl_table_remove(&pn->backends, &b->obj);
	list_move_tail(&b->list, &svc->dead_backends);
	svc->backends_digest = 0;
	svc->n_backends--;
	b->az->n_backends--;
	pl_lb_changed(pn, svc);
}

static void pl_backend_destroy(struct pl_net *pn, void *b)
{
	pl_backend_free(pn, b);
}

/* A transaction deletes the backend (d < 0), or puts it back. */
static void pl_backend_count(struct pl_net *pn, void *obj, int d)
{
	struct pl_backend *b = obj;

	b->svc->n_backends += d;
	b->az->n_backends += d;
}

/* Added by a transaction that fails: no snapshot has it yet. */
static void pl_backend_unmake(struct pl_net *pn, void *obj)
{
	struct pl_backend *b = obj;

	pl_table_remove(&pn->backends, &b->obj);
	list_del(&b->list);
	b->svc->backends_digest = 0;
	pl_backend_count(pn, b, -1);
	pl_traffic_free(b->stats);
	kfree_rcu(b, rcu);
}

static const struct pl_txn_kind pl_backend_kind = {
	.table = offsetof(struct pl_net, backends),
	.count = pl_backend_count,
	.destroy = pl_backend_destroy,
	.unmake = pl_backend_unmake,
};

static int pl_backend_add(struct pl_req *req)
{
	struct pl_service *svc;
	struct pl_backend *b;
	__be32 addr;
	int err;

	err = pl_backend_key(req, &svc, &addr);
	if (err)
		return err;
	if (pl_backend_lookup(req->pn, svc, addr))
		return pl_fail(req, -EEXIST,
			       req->info->attrs[PL_A_BACKEND_ADDRESS],
			       "service \"%s\" has backend %pI4 already",
			       svc->obj.key.name, &addr);
	b = pl_backend_new(req, svc, addr);
	if (IS_ERR(b))
		return PTR_ERR(b);
	err = pl_table_insert(&req->pn->backends, &b->obj);
	if (err) {
		pl_traffic_free(b->stats);
		kfree(b);
		return err;
	}
	list_add_tail(&b->list, &svc->backends);
	svc->backends_digest = 0;
	svc->n_backends++;
	b->az->n_backends++;
	pl_txn_added(req->pn, &pl_backend_kind, b);
	pl_lb_changed(req->pn, svc);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_BACKEND_ADD_NTF, pl_backend_fill, &b->obj);
	return 0;
}

static int pl_backend_set(struct pl_req *req)
{
	struct pl_backend *b = pl_backend_req(req);

	if (IS_ERR(b))
		return PTR_ERR(b);
	if (pl_txn_defer(req))
		return 0;
	if (!pl_backend_settings(req, b, true))
		return 0;
	pl_lb_changed(req->pn, b->svc);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_BACKEND_CHANGE_NTF, pl_backend_fill, &b->obj);
	return 0;
}

static int pl_backend_del(struct pl_req *req)
{
	struct pl_backend *b = pl_backend_req(req);

	if (IS_ERR(b))
		return PTR_ERR(b);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_BACKEND_DEL_NTF, pl_backend_fill, &b->obj);
	return pl_txn_del(req->pn, &pl_backend_kind, b);
}

static int pl_backend_get(struct pl_req *req)
{
	struct pl_backend *b;

	pl_lb_sync(req->pn);	/* may drop the lock: before the lookup */
	b = pl_backend_req(req);
	if (IS_ERR(b))
		return PTR_ERR(b);
	return pl_nl_reply(req, PL_CMD_BACKEND_GET, pl_backend_fill, &b->obj);
}

/* The reasons a checker may give for each verdict. */
static bool pl_health_reason_ok(u8 health, u8 reason)
{
	switch (health) {
	case PL_HEALTH_STATE_INITIAL:
		return reason == PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING;
	case PL_HEALTH_STATE_HEALTHY:
		return reason == PL_HEALTH_REASON_NONE;
	default:
		return reason == PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH ||
		       reason == PL_HEALTH_REASON_TIMEOUT ||
		       reason == PL_HEALTH_REASON_FAILED_HEALTH_CHECKS;
	}
}

/* Whether a backend of svc other than b would take new flows. */
static bool pl_service_other_fit(const struct pl_service *svc,
				 const struct pl_backend *b)
{
	const struct pl_backend *o;

	list_for_each_entry(o, &svc->backends, list) {
		if (o != b && pl_backend_usable(o) && pl_backend_fit(svc, o))
			return true;
	}
	return false;
}

/*
 * A backend that becomes unhealthy takes no new flows; with unhealthy
 * termination, its flows are reset, unless no other backend is healthy:
 * the service then fails open to all, and they would come right back.
 */
static void pl_backend_unfit(struct pl_net *pn, struct pl_backend *b)
{
	smp_mb();	/* the verdict, then the flows: pairs with the pick */
	if (b->svc->unhealthy_termination && atomic_read(&b->nflows) &&
	    pl_service_other_fit(b->svc, b))
		pl_flows_kill_if(pn, pl_flow_of_backend, b, true);
}

static int pl_backend_health_set(struct pl_req *req)
{
	struct nlattr **attrs = req->info->attrs;
	struct pl_backend *b = pl_backend_req(req);
	const struct nlattr *attr;
	u8 health, reason;
	u16 code;

	if (IS_ERR(b))
		return PTR_ERR(b);
	attr = pl_req_attr(req, PL_A_BACKEND_HEALTH, "health");
	if (!attr)
		return -EINVAL;
	health = nla_get_u8(attr);
	if (health > PL_HEALTH_STATE_UNHEALTHY)
		return pl_fail(req, -EINVAL, attr,
			       "a checker reports initial, healthy or unhealthy");
	reason = health == PL_HEALTH_STATE_UNHEALTHY ?
		 PL_HEALTH_REASON_FAILED_HEALTH_CHECKS :
		 health == PL_HEALTH_STATE_HEALTHY ? PL_HEALTH_REASON_NONE :
		 PL_HEALTH_REASON_INITIAL_HEALTH_CHECKING;
	if (attrs[PL_A_BACKEND_HEALTH_REASON])
		reason = nla_get_u8(attrs[PL_A_BACKEND_HEALTH_REASON]);
	if (!pl_health_reason_ok(health, reason))
		return pl_fail(req, -EINVAL, attrs[PL_A_BACKEND_HEALTH_REASON],
			       "that reason does not go with that health");
	if (b->svc->health.protocol == PL_HEALTH_PROTOCOL_NONE)
		return pl_fail(req, -EINVAL, attr,
			       "service \"%s\" has no health checks",
			       b->svc->obj.key.name);
	code = attrs[PL_A_BACKEND_HEALTH_CODE] &&
	       reason == PL_HEALTH_REASON_RESPONSE_CODE_MISMATCH ?
	       nla_get_u16(attrs[PL_A_BACKEND_HEALTH_CODE]) : 0;
	if (b->health == health && b->health_reason == reason &&
	    b->health_code == code)
		return 0;
	WRITE_ONCE(b->health, health);
	b->health_reason = reason;
	b->health_code = code;
	if (health == PL_HEALTH_STATE_UNHEALTHY)
		pl_backend_unfit(req->pn, b);
	pl_lb_changed(req->pn, b->svc);
	pl_net_state_changed(req->pn);
	pl_nl_notify(req, PL_CMD_BACKEND_CHANGE_NTF, pl_backend_fill, &b->obj);
	return 0;
}

/* Announce that every backend of the service goes with it. */
void pl_backends_notify_del(struct pl_req *req, struct pl_service *svc)
{
	struct pl_backend *b;

	list_for_each_entry(b, &svc->backends, list) {
		if (!b->obj.hidden)
			pl_nl_notify(req, PL_CMD_BACKEND_DEL_NTF,
				     pl_backend_fill, &b->obj);
		cond_resched();
	}
}

/*
 * Remove every backend of a service. A service may have tens of
 * thousands: let others run between them.
 */
void pl_backends_flush_service(struct pl_net *pn, struct pl_service *svc)
{
	struct pl_backend *b, *tmp;

	list_for_each_entry_safe(b, tmp, &svc->backends, list) {
		pl_backend_free(pn, b);
		cond_resched();
	}
}

int pl_nl_backend_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_backend_add);
}

int pl_nl_backend_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_backend_set);
}

int pl_nl_backend_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_backend_del);
}

int pl_nl_backend_health_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_backend_health_set);
}

int pl_nl_backend_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_backend_get);
}

static bool pl_backend_match(const struct pl_obj *obj, const void *name)
{
	const struct pl_backend *b = container_of(obj, struct pl_backend, obj);

	return !strcmp(b->svc->obj.key.name, name);
}

int pl_nl_backend_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *svc = pl_dump_attrs(cb)[PL_A_BACKEND_SERVICE];
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	struct pl_dump d = {
		.table = &pn->backends,
		.cmd = PL_CMD_BACKEND_GET,
		.fill = pl_backend_fill,
		.match = svc ? pl_backend_match : NULL,
		.arg = svc ? nla_data(svc) : NULL,
		.service = svc,
		.prepare = pl_lb_sync,
	};

	return pl_nl_dump(skb, cb, &d);
}
