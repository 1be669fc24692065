// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family: request handling shared by every object.
 *
 * Each do request runs under its namespace's configuration lock and either
 * succeeds whole or changes nothing. A refusal carries an extack message
 * formatted into the request context; since that buffer lives on the
 * handler's stack, the error ack is sent from here, while it is still
 * valid, and -EINTR tells the netlink core that the request was answered.
 * This works alike on 6.1, which cannot format extack messages, and on
 * 6.12, whose own buffer holds 80 bytes.
 */

#include <linux/ctype.h>
#include <linux/in.h>
#include <net/genetlink.h>

#include "compat.h"
#include "netlink.h"
#include "txn.h"

#ifdef PL_KERNEL_HAS_SPLIT_OPS
/* On 6.1, compat-genl.c has this. */
int pl_nl_find_do(u8 cmd, struct pl_do_op *op)
{
	unsigned int i;

	for (i = 0; i < pl_nl_family.n_split_ops; i++) {
		const struct genl_split_ops *s = &pl_nl_family.split_ops[i];

		if (s->cmd == cmd && (s->flags & GENL_CMD_CAP_DO)) {
			op->doit = s->doit;
			op->policy = s->policy;
			op->maxattr = s->maxattr;
			return 0;
		}
	}
	return -EOPNOTSUPP;
}
#endif

/* Answer the request with err and msg, and tell the core it is answered. */
int pl_nl_ack(struct sk_buff *skb, struct genl_info *info, int err,
	      const char *msg)
{
	info->extack->_msg = msg;
	/* netlink_ack() only reads the header it is given. */
	netlink_ack(skb, (struct nlmsghdr *)info->nlhdr, err, info->extack);
	info->extack->_msg = NULL;
	return -EINTR;
}

int pl_nl_do(struct sk_buff *skb, struct genl_info *info,
	     int (*handler)(struct pl_req *req))
{
	struct pl_req req = {
		.info = info,
		.pn = pl_net(genl_info_net(info)),
	};
	int err;

	/* A request of a transaction, which holds the lock already. */
	if (READ_ONCE(req.pn->txn_owner) == current)
		return pl_txn_request(&req, handler);
	req.head = genlmsg_data(info->genlhdr);
	req.len = genlmsg_len(info->genlhdr);
	mutex_lock(&req.pn->lock);
	err = handler(&req);
	if (err && req.msg[0])
		err = pl_nl_ack(skb, info, err, req.msg);
	mutex_unlock(&req.pn->lock);
	return err;
}

/* Refuse the request: err, with a message and the offending attribute. */
int pl_fail(struct pl_req *req, int err, const struct nlattr *attr,
	    const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vscnprintf(req->msg, sizeof(req->msg), fmt, args);
	va_end(args);
	if (attr)
		NL_SET_BAD_ATTR(req->info->extack, attr);
	return err;
}

/* A required top-level attribute, or NULL with the request refused. */
const struct nlattr *pl_req_attr(struct pl_req *req, int type,
				 const char *what)
{
	struct genl_info *info = req->info;

	if (GENL_REQ_ATTR_CHECK(info, type)) {
		pl_fail(req, -EINVAL, NULL, "missing %s", what);
		return NULL;
	}
	return info->attrs[type];
}

/* A required attribute of a parsed nest, or NULL with the request refused. */
const struct nlattr *pl_nest_attr(struct pl_req *req,
				  const struct nlattr *nest,
				  struct nlattr **tb, int type,
				  const char *what)
{
	if (NL_REQ_ATTR_CHECK(req->info->extack, nest, tb, type)) {
		pl_fail(req, -EINVAL, NULL, "missing %s", what);
		return NULL;
	}
	return tb[type];
}

/* Names hold letters, digits, '.', '_' and '-'; the policy bounds length. */
int pl_req_name(struct pl_req *req, const struct nlattr *attr,
		const char *what, union pl_key *key)
{
	const char *s = nla_data(attr), *p;

	if (!*s)
		return pl_fail(req, -EINVAL, attr, "%s is empty", what);
	for (p = s; *p; p++) {
		if (!isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
			return pl_fail(req, -EINVAL, attr,
				       "%s \"%s\" holds '%c': use letters, digits, '.', '_' and '-'",
				       what, s, isprint(*p) ? *p : '?');
	}
	pl_key_name(key, s);
	return 0;
}

/* A required name attribute, checked, as a key. */
int pl_req_key(struct pl_req *req, int type, const char *what,
	       union pl_key *key)
{
	const struct nlattr *attr = pl_req_attr(req, type, what);

	if (!attr)
		return -EINVAL;
	return pl_req_name(req, attr, what, key);
}

/* A required address attribute that must be a unicast address. */
int pl_req_unicast(struct pl_req *req, const struct nlattr *attr,
		   const char *what, __be32 *addr)
{
	__be32 a;

	if (!attr)
		return -EINVAL;
	a = nla_get_in_addr(attr);
	if (ipv4_is_zeronet(a) || ipv4_is_lbcast(a) || ipv4_is_multicast(a) ||
	    ipv4_is_loopback(a))
		return pl_fail(req, -EINVAL, attr,
			       "%s %pI4 is not a unicast address", what, &a);
	*addr = a;
	return 0;
}

/* How many top-level attributes of a type the request holds. */
int pl_req_count(struct pl_req *req, int type)
{
	const struct nlattr *pos;
	int rem, n = 0;

	nla_for_each_attr(pos, pl_req_head(req), pl_req_len(req), rem)
		n += nla_type(pos) == type;
	return n;
}

/* A message about obj, or ERR_PTR(-ENOMEM) or ERR_PTR(-EMSGSIZE). */
static struct sk_buff *pl_nl_msg(struct genl_info *info, struct pl_net *pn,
				 u8 cmd, pl_fill_t fill, const void *obj)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	if (info)
		hdr = genlmsg_put_reply(skb, info, &pl_nl_family, 0, cmd);
	else
		hdr = genlmsg_put(skb, 0, 0, &pl_nl_family, 0, cmd);
	if (!hdr || fill(skb, pn, obj)) {
		nlmsg_free(skb);
		return ERR_PTR(-EMSGSIZE);
	}
	genlmsg_end(skb, hdr);
	return skb;
}

int pl_nl_reply(struct pl_req *req, u8 cmd, pl_fill_t fill, const void *obj)
{
	struct sk_buff *skb;

	if (req->pn->txn)	/* the transaction's reply is its summary */
		return 0;
	skb = pl_nl_msg(req->info, req->pn, cmd, fill, obj);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	return genlmsg_reply(skb, req->info);
}

/* Announce a change on the config group (and echo it if asked to). */
void pl_nl_notify(struct pl_req *req, u8 cmd, pl_fill_t fill,
		  const void *obj)
{
	struct genl_info *info = req->info;
	struct sk_buff *skb;

	if (!genl_has_listeners(&pl_nl_family, req->pn->net, PL_NLGRP_CONFIG) &&
	    !(info->nlhdr->nlmsg_flags & NLM_F_ECHO)) {
		if (req->pn->txn)
			pl_txn_note(req->pn, cmd, NULL);
		return;
	}
	skb = pl_nl_msg(NULL, req->pn, cmd, fill, obj);
	if (req->pn->txn) {	/* sent at the commit, or never */
		pl_txn_note(req->pn, cmd, skb);
		return;
	}
	if (IS_ERR(skb)) {
		genl_set_err(&pl_nl_family, req->pn->net, 0, PL_NLGRP_CONFIG,
			     -ENOBUFS);
		return;
	}
	genl_notify(&pl_nl_family, skb, info, PL_NLGRP_CONFIG, GFP_KERNEL);
}

/* Announce a change nobody asked for (the prober's) on the config group. */
void pl_nl_announce(struct pl_net *pn, u8 cmd, pl_fill_t fill,
		    const void *obj)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&pl_nl_family, pn->net, PL_NLGRP_CONFIG))
		return;
	skb = pl_nl_msg(NULL, pn, cmd, fill, obj);
	if (IS_ERR(skb)) {
		genl_set_err(&pl_nl_family, pn->net, 0, PL_NLGRP_CONFIG,
			     -ENOBUFS);
		return;
	}
	genlmsg_multicast_netns(&pl_nl_family, pn->net, skb, 0,
				PL_NLGRP_CONFIG, GFP_KERNEL);
}

static int pl_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			  struct pl_net *pn, const struct pl_dump *d,
			  const struct pl_obj *obj)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &pl_nl_family, NLM_F_MULTI, d->cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	err = d->fill(skb, pn, obj);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Before the first part: check the service filter, bring state up to date. */
static int pl_nl_dump_start(struct pl_net *pn, struct netlink_callback *cb,
			    const struct pl_dump *d)
{
	union pl_key key;

	if (d->service) {
		pl_key_name(&key, nla_data(d->service));
		if (!pl_table_lookup(&pn->services, &key)) {
			NL_SET_ERR_MSG_ATTR(cb->extack, d->service,
					    "service does not exist");
			return -ENOENT;
		}
	}
	if (d->prepare)
		d->prepare(pn);
	return 0;
}

struct pl_dump_ctx {
	u32 next_id;
	bool done;
};

/*
 * Dump a table in creation order, resuming at the first object not sent.
 * cb->seq carries the generation so that a dump that raced with a change
 * is flagged NLM_F_DUMP_INTR.
 */
int pl_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
	       const struct pl_dump *d)
{
	struct pl_dump_ctx *ctx = (struct pl_dump_ctx *)cb->ctx;
	struct pl_net *pn = pl_net(sock_net(skb->sk));
	u32 id = ctx->next_id;
	struct pl_obj *obj;
	int err = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	if (ctx->done)
		return 0;
	mutex_lock(&pn->lock);
	if (!id) {
		err = pl_nl_dump_start(pn, cb, d);
		if (err) {
			mutex_unlock(&pn->lock);
			return err;
		}
	}
	cb->seq = pn->gen;
	while ((obj = pl_table_next(d->table, &id))) {
		if (!d->match || d->match(obj, d->arg)) {
			err = pl_nl_dump_one(skb, cb, pn, d, obj);
			if (err)
				break;
		}
		if (id == U32_MAX) {
			obj = NULL;
			break;
		}
		id++;
	}
	mutex_unlock(&pn->lock);
	ctx->next_id = id;
	ctx->done = !obj;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/*
 * The flows group tells who connects to whom: like the flow-get dump, it
 * takes CAP_NET_ADMIN in the namespace's user namespace, as the spec says
 * (admin-perm); ynl-gen-c of 6.12 leaves group flags out, so set them here.
 */
static struct genl_multicast_group pl_nl_groups[PL_NLGRP_FLOWS + 1];

static void pl_nl_restrict_groups(void)
{
	if (WARN_ON(pl_nl_family.n_mcgrps != ARRAY_SIZE(pl_nl_groups)))
		return;
	memcpy(pl_nl_groups, pl_nl_family.mcgrps, sizeof(pl_nl_groups));
	pl_nl_groups[PL_NLGRP_FLOWS].flags = GENL_MCAST_CAP_NET_ADMIN;
	pl_nl_family.mcgrps = pl_nl_groups;
}

int pl_nl_init(void)
{
	int err;

	err = pl_compat_genl_init();
	if (err)
		return err;
	pl_nl_restrict_groups();
	err = genl_register_family(&pl_nl_family);
	if (err)
		pl_compat_genl_exit();
	return err;
}

void pl_nl_exit(void)
{
	genl_unregister_family(&pl_nl_family);
	pl_compat_genl_exit();
}
