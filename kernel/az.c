// SPDX-License-Identifier: GPL-2.0
/*
 * Availability zones: a name, an optional zone id, and a state. Each zone
 * gets a small index that the packet path uses for per-zone arrays.
 */

#include <linux/slab.h>

#include "az.h"
#include "backend.h"
#include "lb.h"
#include "netlink.h"
#include "service.h"
#include "txn.h"

static_assert(offsetof(struct pl_az, obj) == 0);

static struct pl_az *pl_az_lookup(struct pl_net *pn, const union pl_key *key)
{
	struct pl_obj *obj = pl_table_lookup(&pn->azs, key);

	return obj ? container_of(obj, struct pl_az, obj) : NULL;
}

/* The zone a name attribute names, or an error pointer (request refused). */
struct pl_az *pl_az_find(struct pl_req *req, const struct nlattr *attr)
{
	union pl_key key;
	struct pl_az *az;
	int err;

	err = pl_req_name(req, attr, "AZ name", &key);
	if (err)
		return ERR_PTR(err);
	az = pl_az_lookup(req->pn, &key);
	if (!az)
		return ERR_PTR(pl_fail(req, -ENOENT, attr,
				       "AZ \"%s\" does not exist", key.name));
	return az;
}

static int pl_az_fill(struct sk_buff *skb, struct pl_net *pn, const void *obj)
{
	const struct pl_az *az = container_of(obj, struct pl_az, obj);

	if (nla_put_string(skb, PL_A_AZ_NAME, az->obj.key.name) ||
	    (az->zone_id[0] &&
	     nla_put_string(skb, PL_A_AZ_ZONE_ID, az->zone_id)) ||
	    nla_put_u8(skb, PL_A_AZ_STATE, az->state))
		return -EMSGSIZE;
	return 0;
}

/* Zone ids, like names, are unique. */
static int pl_az_check_zone_id(struct pl_req *req, const struct nlattr *attr)
{
	struct pl_net *pn = req->pn;
	unsigned long index;
	struct pl_obj *obj;
	union pl_key key;
	int err;

	err = pl_req_name(req, attr, "zone id", &key);
	if (err)
		return err;
	xa_for_each(&pn->azs.xa, index, obj) {
		struct pl_az *az = container_of(obj, struct pl_az, obj);

		if (!obj->hidden && !strcmp(az->zone_id, key.name))
			return pl_fail(req, -EEXIST, attr,
				       "zone id \"%s\" belongs to AZ \"%s\"",
				       key.name, obj->key.name);
	}
	return 0;
}

static void pl_az_free(struct pl_net *pn, struct pl_az *az)
{
	pl_table_remove(&pn->azs, &az->obj);
	__clear_bit(az->index, pn->az_indexes);
	kfree_rcu(az, rcu);
}

static void pl_az_destroy(struct pl_net *pn, void *az)
{
	pl_az_free(pn, az);
}

static const struct pl_txn_kind pl_az_kind = {
	.table = offsetof(struct pl_net, azs),
	.destroy = pl_az_destroy,
	.unmake = pl_az_destroy,
};

static int pl_az_add(struct pl_req *req)
{
	const struct nlattr *zone_id = req->info->attrs[PL_A_AZ_ZONE_ID];
	struct pl_net *pn = req->pn;
	unsigned int index;
	union pl_key key;
	struct pl_az *az;
	int err;

	err = pl_req_key(req, PL_A_AZ_NAME, "AZ name", &key);
	if (err)
		return err;
	if (pl_az_lookup(pn, &key))
		return pl_fail(req, -EEXIST, req->info->attrs[PL_A_AZ_NAME],
			       "AZ \"%s\" already exists", key.name);
	if (zone_id) {
		err = pl_az_check_zone_id(req, zone_id);
		if (err)
			return err;
	}
	if (pl_table_full(&pn->azs))
		return pl_fail(req, -ENOSPC, NULL,
			       "AZ limit reached (%u)", pn->azs.max);
	index = find_first_zero_bit(pn->az_indexes, PL_MAX_AZS);
	if (WARN_ON(index >= PL_MAX_AZS))
		return -ENOSPC;

	az = kzalloc(sizeof(*az), GFP_KERNEL_ACCOUNT);
	if (!az)
		return -ENOMEM;
	az->obj.key = key;
	az->index = index;
	az->state = PL_AZ_STATE_UP;
	if (zone_id)
		nla_strscpy(az->zone_id, zone_id, sizeof(az->zone_id));
	err = pl_table_insert(&pn->azs, &az->obj);
	if (err) {
		kfree(az);
		return err;
	}
	__set_bit(index, pn->az_indexes);
	pl_txn_added(pn, &pl_az_kind, az);
	pl_net_changed(pn);
	pl_nl_notify(req, PL_CMD_AZ_ADD_NTF, pl_az_fill, &az->obj);
	return 0;
}

static struct pl_az *pl_az_req(struct pl_req *req)
{
	const struct nlattr *attr = pl_req_attr(req, PL_A_AZ_NAME, "AZ name");

	return attr ? pl_az_find(req, attr) : ERR_PTR(-EINVAL);
}

/* Services with backends in the zone need new snapshots. */
static void pl_az_services_changed(struct pl_net *pn, struct pl_az *az)
{
	unsigned long index;
	struct pl_obj *obj;

	if (!az->n_backends)
		return;
	xa_for_each(&pn->services.xa, index, obj) {
		struct pl_service *svc;
		struct pl_backend *b;

		svc = container_of(obj, struct pl_service, obj);
		list_for_each_entry(b, &svc->backends, list) {
			if (b->az == az) {
				pl_lb_changed(pn, svc);
				break;
			}
		}
	}
}

static int pl_az_set(struct pl_req *req)
{
	const struct nlattr *state;
	struct pl_az *az;

	az = pl_az_req(req);
	if (IS_ERR(az))
		return PTR_ERR(az);
	state = pl_req_attr(req, PL_A_AZ_STATE, "state");
	if (!state)
		return -EINVAL;
	if (pl_txn_defer(req))
		return 0;
	if (az->state == nla_get_u8(state))
		return 0;
	WRITE_ONCE(az->state, nla_get_u8(state));
	pl_az_services_changed(req->pn, az);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_AZ_CHANGE_NTF, pl_az_fill, &az->obj);
	return 0;
}

static int pl_az_del(struct pl_req *req)
{
	struct pl_az *az;

	az = pl_az_req(req);
	if (IS_ERR(az))
		return PTR_ERR(az);
	if (az->n_subnets || az->n_backends || az->n_sources)
		return pl_fail(req, -EBUSY, req->info->attrs[PL_A_AZ_NAME],
			       "AZ \"%s\" is in use by %u subnet(s), %u backend(s) and %u source address(es)",
			       az->obj.key.name, az->n_subnets,
			       az->n_backends, az->n_sources);
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_AZ_DEL_NTF, pl_az_fill, &az->obj);
	return pl_txn_del(req->pn, &pl_az_kind, az);
}

static int pl_az_get(struct pl_req *req)
{
	struct pl_az *az = pl_az_req(req);

	if (IS_ERR(az))
		return PTR_ERR(az);
	return pl_nl_reply(req, PL_CMD_AZ_GET, pl_az_fill, &az->obj);
}

void pl_azs_flush(struct pl_net *pn)
{
	unsigned long index;
	struct pl_obj *obj;

	xa_for_each(&pn->azs.xa, index, obj)
		pl_az_free(pn, container_of(obj, struct pl_az, obj));
}

int pl_nl_az_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_az_add);
}

int pl_nl_az_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_az_set);
}

int pl_nl_az_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_az_del);
}

int pl_nl_az_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_az_get);
}

int pl_nl_az_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	struct pl_dump d = {
		.table = &pn->azs,
		.cmd = PL_CMD_AZ_GET,
		.fill = pl_az_fill,
	};

	return pl_nl_dump(skb, cb, &d);
}
