// SPDX-License-Identifier: GPL-2.0
/*
 * The sync commands: sync-set, sync-get, sync-del, sync-peer-add and
 * sync-peer-del. Sync is this router's part in a fleet, not
 * configuration: it stays out of the generation, the digest and
 * config-apply.
 */

#include <linux/inetdevice.h>
#include <net/route.h>

#include "addr.h"
#include "netlink.h"
#include "sync.h"

static struct pl_sync *pl_sync_get_locked(struct pl_net *pn)
{
	return rcu_dereference_protected(pn->sync, lockdep_is_held(&pn->lock));
}

static int pl_sync_fill_peer(struct sk_buff *skb, const struct pl_sync_peer *p)
{
	unsigned long heard = READ_ONCE(p->last_heard);
	struct nlattr *nest;

	nest = nla_nest_start(skb, PL_A_SYNC_PEER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in_addr(skb, PL_A_SYNC_PEER_ADDRESS, p->addr) ||
	    nla_put_u32(skb, PL_A_SYNC_PEER_NODE, READ_ONCE(p->node)) ||
	    nla_put_u8(skb, PL_A_SYNC_PEER_REACHABLE,
		       heard && time_before(jiffies, heard + PL_SYNC_SILENT)) ||
	    (heard && nla_put_u64_64bit(skb, PL_A_SYNC_PEER_LAST_HEARD,
					jiffies_to_msecs(jiffies - heard),
					PL_A_SYNC_PEER_PAD)) ||
	    (READ_ONCE(p->heard) &&
	     (nla_put_u8(skb, PL_A_SYNC_PEER_PHASE, READ_ONCE(p->phase)) ||
	      nla_put_u64_64bit(skb, PL_A_SYNC_PEER_DIGEST,
				READ_ONCE(p->digest), PL_A_SYNC_PEER_PAD))) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_FLOWS_SENT,
			      atomic64_read(&p->flows_sent),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_FLOWS_RECEIVED,
			      atomic64_read(&p->flows_received),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_MESSAGES_SENT,
			      atomic64_read(&p->msgs_sent),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_MESSAGES_RECEIVED,
			      atomic64_read(&p->msgs_received),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_MESSAGES_LOST,
			      atomic64_read(&p->msgs_lost),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_MESSAGES_REPAIRED,
			      atomic64_read(&p->msgs_repaired),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_PEER_MESSAGES_RESENT,
			      atomic64_read(&p->msgs_resent),
			      PL_A_SYNC_PEER_PAD) ||
	    nla_put_u8(skb, PL_A_SYNC_PEER_BULK_RECEIVED,
		       READ_ONCE(p->bulk_received))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The settings, the state and the peers; nothing for a router left alone. */
int pl_sync_fill(struct sk_buff *skb, struct pl_net *pn, const void *obj)
{
	struct pl_sync *s = (struct pl_sync *)obj;
	const struct pl_sync_peer *p;

	if (!s)
		return 0;
	if (nla_put_u32(skb, PL_A_SYNC_NODE, s->node) ||
	    nla_put_in_addr(skb, PL_A_SYNC_LOCAL, s->local) ||
	    nla_put_u16(skb, PL_A_SYNC_PORT, s->port) ||
	    nla_put_u32(skb, PL_A_SYNC_ANNOUNCE_TABLE, s->table) ||
	    nla_put_u8(skb, PL_A_SYNC_STATE, s->state) ||
	    nla_put_u8(skb, PL_A_SYNC_PHASE, s->phase) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_DIGEST, pl_sync_digest(s),
			      PL_A_SYNC_PAD) ||
	    nla_put_u32(skb, PL_A_SYNC_FLOWS, atomic_read(&pn->flows.count)) ||
	    nla_put_u32(skb, PL_A_SYNC_LEARNED,
			atomic_read(&pn->flows.learned)) ||
	    nla_put_u64_64bit(skb, PL_A_SYNC_MESSAGES_REJECTED,
			      atomic64_read(&pn->sync_stats.rejected),
			      PL_A_SYNC_PAD))
		return -EMSGSIZE;
	list_for_each_entry(p, &s->peers, list) {
		if (pl_sync_fill_peer(skb, p))
			return -EMSGSIZE;
	}
	return 0;
}

static int pl_sync_get(struct pl_req *req)
{
	struct pl_sync *s = pl_sync_get_locked(req->pn);

	if (!s)
		return pl_fail(req, -ENOENT, NULL,
			       "this router is in no fleet (sync set)");
	return pl_nl_reply(req, PL_CMD_SYNC_GET, pl_sync_fill, s);
}

/* Is addr fit to send sync messages from: this router's, not pl's? */
static int pl_sync_check_local(struct pl_req *req, const struct nlattr *attr,
			       __be32 *local)
{
	int err = pl_req_unicast(req, attr, "local address", local);

	if (err)
		return err;
	if (inet_addr_type(req->pn->net, *local) != RTN_LOCAL)
		return pl_fail(req, -EADDRNOTAVAIL, attr,
			       "local address %pI4 is not an address of this router",
			       local);
	if (pl_addr_lookup(&req->pn->addrs, *local))
		return pl_fail(req, -EADDRINUSE, attr,
			       "local address %pI4 is an ENI IP or a source address of pl",
			       local);
	return 0;
}

/* What a sync-set asks for, checked. */
struct pl_sync_args {
	u32 node;
	__be32 local;
	u16 port;
	const u8 *key;
	u32 table;
	u8 state;
	bool has_node, has_local, has_port, has_table, has_state;
};

static int pl_sync_parse(struct pl_req *req, struct pl_sync_args *a)
{
	struct nlattr **attrs = req->info->attrs;
	int err;

	a->has_node = attrs[PL_A_SYNC_NODE];
	if (a->has_node)
		a->node = nla_get_u32(attrs[PL_A_SYNC_NODE]);
	a->has_local = attrs[PL_A_SYNC_LOCAL];
	if (a->has_local) {
		err = pl_sync_check_local(req, attrs[PL_A_SYNC_LOCAL],
					  &a->local);
		if (err)
			return err;
	}
	a->has_port = attrs[PL_A_SYNC_PORT];
	if (a->has_port)
		a->port = nla_get_u16(attrs[PL_A_SYNC_PORT]);
	if (attrs[PL_A_SYNC_KEY])
		a->key = nla_data(attrs[PL_A_SYNC_KEY]);
	a->has_table = attrs[PL_A_SYNC_ANNOUNCE_TABLE];
	if (a->has_table)
		a->table = nla_get_u32(attrs[PL_A_SYNC_ANNOUNCE_TABLE]);
	if (a->has_table && (a->table == RT_TABLE_LOCAL ||
			     a->table == RT_TABLE_MAIN ||
			     a->table == RT_TABLE_DEFAULT))
		return pl_fail(req, -EINVAL, attrs[PL_A_SYNC_ANNOUNCE_TABLE],
			       "announce-table %u is one the router forwards with: name a table of its own",
			       a->table);
	a->has_state = attrs[PL_A_SYNC_STATE];
	if (a->has_state)
		a->state = nla_get_u8(attrs[PL_A_SYNC_STATE]);
	return 0;
}

/* Join a fleet: node, local address and key are needed. */
static int pl_sync_create(struct pl_req *req, const struct pl_sync_args *a)
{
	struct pl_net *pn = req->pn;
	struct pl_sync *s;
	int err;

	if (!a->has_node || !a->has_local || !a->key)
		return pl_fail(req, -EINVAL, NULL,
			       "joining a fleet needs a node id, a local address and a key");
	s = pl_sync_alloc(pn);
	if (!s)
		return -ENOMEM;
	s->node = a->node;
	s->local = a->local;
	if (a->has_port)
		s->port = a->port;
	s->table = a->table;
	s->state = a->state;
	err = pl_sync_start(s);
	if (err) {
		pl_fail(req, err, NULL,
			"cannot open UDP port %u on %pI4 for sync",
			s->port, &s->local);
		kfree(s);
		return err;
	}
	pl_sync_set_key(s, a->key);
	rcu_assign_pointer(pn->sync, s);
	return 0;
}

/* Move the socket to another address or port. */
static int pl_sync_move(struct pl_req *req, struct pl_sync *s, __be32 local,
			u16 port)
{
	struct socket *sock, *old = s->sock;
	int err;

	if (local == s->local && port == s->port)
		return 0;
	err = pl_sync_bind(s, local, port, &sock);
	if (err)
		return pl_fail(req, err, NULL,
			       "cannot open UDP port %u on %pI4 for sync",
			       port, &local);
	WRITE_ONCE(s->local, local);
	WRITE_ONCE(s->port, port);
	s->sock = sock;
	pl_sync_unbind(old);
	return 0;
}

/* Change what the request gives of a router already in a fleet. */
static int pl_sync_change(struct pl_req *req, struct pl_sync *s,
			  const struct pl_sync_args *a)
{
	int err;

	err = pl_sync_move(req, s, a->has_local ? a->local : s->local,
			   a->has_port ? a->port : s->port);
	if (err)
		return err;
	if (a->has_node)
		WRITE_ONCE(s->node, a->node);
	if (a->key)
		pl_sync_set_key(s, a->key);
	if (a->has_table)
		s->table = a->table;
	if (a->has_state)
		s->state = a->state;
	if (s->phase != PL_SYNC_PHASE_JOINING)
		pl_sync_set_phase(s, s->state == PL_SYNC_STATE_ACTIVE ?
				  PL_SYNC_PHASE_ACTIVE :
				  PL_SYNC_PHASE_DRAINING);
	pl_announce_update(s);
	return 0;
}

static int pl_sync_set(struct pl_req *req)
{
	struct pl_sync *s = pl_sync_get_locked(req->pn);
	struct pl_sync_args a = {};
	int err;

	err = pl_sync_parse(req, &a);
	if (err)
		return err;
	err = s ? pl_sync_change(req, s, &a) : pl_sync_create(req, &a);
	if (err)
		return err;
	pl_net_state_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SYNC_CHANGE_NTF, pl_sync_fill,
		     pl_sync_get_locked(req->pn));
	return 0;
}

static int pl_sync_del(struct pl_req *req)
{
	struct pl_net *pn = req->pn;
	struct pl_sync *s = pl_sync_get_locked(pn);

	if (!s)
		return pl_fail(req, -ENOENT, NULL,
			       "this router is in no fleet (sync set)");
	RCU_INIT_POINTER(pn->sync, NULL);
	pl_sync_stop(s);
	pl_net_state_changed(pn);
	pl_nl_notify(req, PL_CMD_SYNC_CHANGE_NTF, pl_sync_fill, NULL);
	return 0;
}

/* The peer address a peer-add or peer-del names. */
static int pl_sync_peer_addr(struct pl_req *req, struct pl_sync *s,
			     __be32 *addr)
{
	struct nlattr *tb[PL_A_SYNC_PEER_MAX + 1];
	const struct nlattr *nest;
	int err;

	if (!s)
		return pl_fail(req, -ENOENT, NULL,
			       "this router is in no fleet (sync set)");
	if (pl_req_count(req, PL_A_SYNC_PEER) > 1)
		return pl_fail(req, -EINVAL, NULL, "one peer at a time");
	nest = pl_req_attr(req, PL_A_SYNC_PEER, "peer");
	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, PL_A_SYNC_PEER_MAX, nest,
			       pl_sync_peer_nl_policy, req->info->extack);
	if (err)
		return err;
	if (!pl_nest_attr(req, nest, tb, PL_A_SYNC_PEER_ADDRESS,
			  "peer address"))
		return -EINVAL;
	err = pl_req_unicast(req, tb[PL_A_SYNC_PEER_ADDRESS], "peer address",
			     addr);
	if (err)
		return err;
	return 0;
}

static struct pl_sync_peer *pl_sync_peer_find(struct pl_sync *s, __be32 addr)
{
	struct pl_sync_peer *p;

	list_for_each_entry(p, &s->peers, list) {
		if (p->addr == addr)
			return p;
	}
	return NULL;
}

static int pl_sync_peer_add(struct pl_req *req)
{
	struct pl_sync *s = pl_sync_get_locked(req->pn);
	struct pl_sync_peer *p;
	unsigned int n = 0;
	__be32 addr;
	int err;

	err = pl_sync_peer_addr(req, s, &addr);
	if (err)
		return err;
	if (addr == s->local)
		return pl_fail(req, -EINVAL, NULL,
			       "%pI4 is this router's own sync address", &addr);
	if (pl_sync_peer_find(s, addr))
		return pl_fail(req, -EEXIST, NULL, "peer %pI4 exists", &addr);
	list_for_each_entry(p, &s->peers, list)
		n++;
	if (n >= PL_SYNC_MAX_PEERS)
		return pl_fail(req, -ENOSPC, NULL,
			       "a router has at most %u peers (a fleet, %u routers)",
			       PL_SYNC_MAX_PEERS, PL_SYNC_MAX_NODE);
	p = pl_sync_peer_alloc(addr);
	if (!p)
		return -ENOMEM;
	list_add_tail_rcu(&p->list, &s->peers);
	mod_delayed_work(system_power_efficient_wq, &s->tick, 0);
	pl_net_state_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SYNC_CHANGE_NTF, pl_sync_fill, s);
	return 0;
}

static int pl_sync_peer_del(struct pl_req *req)
{
	struct pl_sync *s = pl_sync_get_locked(req->pn);
	struct pl_sync_peer *p;
	__be32 addr;
	int err;

	err = pl_sync_peer_addr(req, s, &addr);
	if (err)
		return err;
	p = pl_sync_peer_find(s, addr);
	if (!p)
		return pl_fail(req, -ENOENT, NULL, "no peer %pI4", &addr);
	list_del_rcu(&p->list);
	pl_sync_peer_free_rcu(p);
	pl_net_state_changed(req->pn);
	pl_nl_notify(req, PL_CMD_SYNC_CHANGE_NTF, pl_sync_fill, s);
	return 0;
}

int pl_nl_sync_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_sync_set);
}

int pl_nl_sync_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_sync_get);
}

int pl_nl_sync_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_sync_del);
}

int pl_nl_sync_peer_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_sync_peer_add);
}

int pl_nl_sync_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_sync_peer_del);
}
