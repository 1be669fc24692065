// SPDX-License-Identifier: GPL-2.0
/*
 * Flows over netlink: the flow-get dump, flow-flush, and the flows
 * multicast group that announces flows created and destroyed, and the
 * packets to ENIs rejected before they made a flow.
 */

#include <linux/slab.h>
#include <net/ip.h>

#include "backend.h"
#include "compat.h"
#include "endpoint.h"
#include "flow.h"
#include "netlink.h"
#include "service.h"
#include "subnet.h"

static int pl_tuple_put(struct sk_buff *skb, int type,
			const struct pl_tuple *t)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_in_addr(skb, PL_A_TUPLE_SADDR, t->saddr.ip) ||
	    nla_put_in_addr(skb, PL_A_TUPLE_DADDR, t->daddr.ip) ||
	    nla_put_u16(skb, PL_A_TUPLE_SPORT, ntohs(t->sport)) ||
	    nla_put_u16(skb, PL_A_TUPLE_DPORT, ntohs(t->dport)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static u64 pl_ms_since(u32 then)
{
	return jiffies_to_msecs((u32)jiffies - then);
}

static int pl_flow_fill(struct sk_buff *skb, const struct pl_flow *f)
{
	const struct pl_endpoint *ep = f->eni->ep;
	struct pl_tuple orig, reply;

	pl_flow_tuple(f, PL_DIR_ORIG, &orig);
	pl_flow_tuple(f, PL_DIR_REPLY, &reply);

	if (nla_put_string(skb, PL_A_FLOW_ENDPOINT, ep->obj.key.name) ||
	    nla_put_string(skb, PL_A_FLOW_SERVICE, ep->svc->obj.key.name) ||
	    nla_put_in_addr(skb, PL_A_FLOW_BACKEND, f->backend->addr) ||
	    pl_tuple_put(skb, PL_A_FLOW_ORIG, &orig) ||
	    pl_tuple_put(skb, PL_A_FLOW_REPLY, &reply) ||
	    nla_put_u8(skb, PL_A_FLOW_STATE, READ_ONCE(f->state)) ||
	    nla_put_u64_64bit(skb, PL_A_FLOW_AGE, pl_ms_since(f->created),
			      PL_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_FLOW_IDLE,
			      pl_ms_since(READ_ONCE(f->last_seen)),
			      PL_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_FLOW_PACKETS_ORIG,
			      f->packets[PL_DIR_ORIG], PL_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_FLOW_BYTES_ORIG,
			      f->bytes[PL_DIR_ORIG], PL_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_FLOW_PACKETS_REPLY,
			      f->packets[PL_DIR_REPLY], PL_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_FLOW_BYTES_REPLY,
			      f->bytes[PL_DIR_REPLY], PL_A_FLOW_PAD) ||
	    (f->node && nla_put_u32(skb, PL_A_FLOW_NODE, f->node)) ||
	    ((f->flags & PL_FLOW_LEARNED) &&
	     nla_put_flag(skb, PL_A_FLOW_LEARNED)) ||
	    nla_put_string(skb, PL_A_FLOW_SUBNET,
			   f->eni->subnet->obj.key.name))
		return -EMSGSIZE;
	return 0;
}

/* Announce a flow born or dead, if anybody listens. Any context. */
void pl_flow_notify(struct pl_net *pn, const struct pl_flow *f, u8 cmd)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&pl_nl_family, pn->net, PL_NLGRP_FLOWS))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		goto err;
	hdr = genlmsg_put(skb, 0, 0, &pl_nl_family, 0, cmd);
	if (!hdr || pl_flow_fill(skb, f)) {
		nlmsg_free(skb);
		goto err;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&pl_nl_family, pn->net, skb, 0, PL_NLGRP_FLOWS,
				GFP_ATOMIC);
	return;
err:
	genl_set_err(&pl_nl_family, pn->net, 0, PL_NLGRP_FLOWS, -ENOBUFS);
}

/* May one more rejection be announced this second? Else count it. */
static bool pl_reject_admit(struct pl_rejects *r)
{
	unsigned long now = jiffies, start = READ_ONCE(r->start);
	u32 max = READ_ONCE(r->max);

	if (!max)
		return false;
	if (time_after_eq(now, start + HZ) &&
	    try_cmpxchg(&r->start, &start, now))
		atomic_set(&r->sent, 0);
	if (atomic_inc_return(&r->sent) <= max)
		return true;
	atomic_inc(&r->suppressed);
	return false;
}

/* The packet's addresses and ports (0 for protocols without any). */
static int pl_reject_tuple(struct sk_buff *msg, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct pl_tuple t = {
		.saddr.ip = iph->saddr, .daddr.ip = iph->daddr,
		.family = AF_INET,
	};
	__be16 _ports[2];
	const __be16 *ports;

	if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) &&
	    !ip_is_fragment(iph)) {
		ports = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ports),
					   _ports);
		if (ports) {
			t.sport = ports[0];
			t.dport = ports[1];
		}
	}
	return pl_tuple_put(msg, PL_A_FLOW_ORIG, &t);
}

static int pl_reject_fill(struct sk_buff *msg, const struct pl_eni *eni,
			  const struct sk_buff *skb, int why, u32 suppressed)
{
	const struct pl_endpoint *ep = eni->ep;

	if (nla_put_string(msg, PL_A_FLOW_ENDPOINT, ep->obj.key.name) ||
	    nla_put_string(msg, PL_A_FLOW_SERVICE, ep->svc->obj.key.name) ||
	    nla_put_string(msg, PL_A_FLOW_SUBNET, eni->subnet->obj.key.name) ||
	    pl_reject_tuple(msg, skb) ||
	    nla_put_u8(msg, PL_A_FLOW_PROTOCOL, ip_hdr(skb)->protocol) ||
	    nla_put_u64_64bit(msg, PL_A_FLOW_BYTES_ORIG, skb->len,
			      PL_A_FLOW_PAD) ||
	    nla_put_u8(msg, PL_A_FLOW_REASON, why) ||
	    (suppressed && nla_put_u32(msg, PL_A_FLOW_SUPPRESSED, suppressed)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Announce a packet to an ENI refused before it made a flow, if anybody
 * listens, at most max-reject-logs a second; the next announcement says
 * how many were not. Under RCU, in the packet path.
 */
void pl_flow_reject(struct pl_net *pn, const struct pl_eni *eni,
		    const struct sk_buff *skb, int why)
{
	struct pl_rejects *r = &pn->flows.rejects;
	struct sk_buff *msg;
	u32 suppressed;
	void *hdr;

	if (!genl_has_listeners(&pl_nl_family, pn->net, PL_NLGRP_FLOWS) ||
	    !pl_reject_admit(r))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		goto err;
	hdr = genlmsg_put(msg, 0, 0, &pl_nl_family, 0, PL_CMD_FLOW_REJECT_NTF);
	suppressed = atomic_xchg(&r->suppressed, 0);
	if (!hdr || pl_reject_fill(msg, eni, skb, why, suppressed)) {
		atomic_add(suppressed, &r->suppressed);
		nlmsg_free(msg);
		goto err;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&pl_nl_family, pn->net, msg, 0, PL_NLGRP_FLOWS,
				GFP_ATOMIC);
	return;
err:
	atomic_inc(&r->suppressed);
	genl_set_err(&pl_nl_family, pn->net, 0, PL_NLGRP_FLOWS, -ENOBUFS);
}

struct pl_flow_dump {
	struct pl_flows_pos pos;
	u32 ep_id;			/* endpoint filter; ids are cyclic */
	__be32 backend;
	bool filter_ep;
};

static struct pl_flow_dump *pl_flow_dump_of(struct netlink_callback *cb)
{
	return *(struct pl_flow_dump **)cb->ctx;
}

/* An endpoint filter that names no endpoint matches nothing. */
static void pl_flow_dump_filter(struct pl_net *pn, struct pl_flow_dump *d,
				struct nlattr **attrs)
{
	const struct nlattr *ep = attrs[PL_A_FLOW_ENDPOINT];
	union pl_key key;
	struct pl_obj *obj;

	if (attrs[PL_A_FLOW_BACKEND])
		d->backend = nla_get_in_addr(attrs[PL_A_FLOW_BACKEND]);
	if (!ep)
		return;
	d->filter_ep = true;
	pl_key_name(&key, nla_data(ep));
	mutex_lock(&pn->lock);
	obj = pl_table_lookup(&pn->endpoints, &key);
	d->ep_id = obj ? obj->id : 0;	/* 0 is no object's id */
	mutex_unlock(&pn->lock);
}

int pl_nl_flow_get_dump_start(struct netlink_callback *cb)
{
	struct pl_net *pn = pl_net(sock_net(cb->skb->sk));
	struct pl_flow_dump *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	pl_flow_dump_filter(pn, d, pl_dump_attrs(cb));
	*(struct pl_flow_dump **)cb->ctx = d;
	return 0;
}

int pl_nl_flow_get_dump_done(struct netlink_callback *cb)
{
	kfree(pl_flow_dump_of(cb));
	return 0;
}

static bool pl_flow_dump_match(const struct pl_flow_dump *d,
			       const struct pl_flow *f)
{
	if (d->filter_ep && f->eni->ep->obj.id != d->ep_id)
		return false;
	return !d->backend || f->backend->addr == d->backend;
}

static int pl_flow_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct pl_flow *f)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &pl_nl_family, NLM_F_MULTI, PL_CMD_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (pl_flow_fill(skb, f)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

struct pl_flow_dump_walk {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int pl_flow_dump_walk(struct pl_flow *f, void *arg)
{
	struct pl_flow_dump_walk *w = arg;

	/* Not before its flow-add: it may yet be discarded unannounced. */
	if (READ_ONCE(f->life) == PL_FLOW_NEW)
		return 0;
	if (!pl_flow_dump_match(pl_flow_dump_of(w->cb), f))
		return 0;
	return pl_flow_dump_one(w->skb, w->cb, f);
}

/* Flows come and go during a dump: it is not a snapshot. */
int pl_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pl_net *pn = pl_net(sock_net(cb->skb->sk));
	struct pl_flow_dump_walk w = { skb, cb };
	int err;

	err = pl_flows_walk(pn, &pl_flow_dump_of(cb)->pos, U32_MAX,
			    pl_flow_dump_walk, &w);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static bool pl_flow_match_ep(const struct pl_flow *f, const void *ep)
{
	return f->eni->ep == ep;
}

static int pl_flow_flush(struct pl_req *req)
{
	const struct nlattr *attr = req->info->attrs[PL_A_FLOW_ENDPOINT];
	struct pl_obj *obj = NULL;
	union pl_key key;
	int err;

	if (attr) {
		err = pl_req_name(req, attr, "endpoint id", &key);
		if (err)
			return err;
		obj = pl_table_lookup(&req->pn->endpoints, &key);
		if (!obj)
			return pl_fail(req, -ENOENT, attr,
				       "endpoint \"%s\" does not exist",
				       key.name);
	}
	pl_flows_kill_if(req->pn, obj ? pl_flow_match_ep : NULL,
			 obj ? container_of(obj, struct pl_endpoint, obj) : NULL,
			 false);
	return 0;
}

int pl_nl_flow_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_flow_flush);
}
