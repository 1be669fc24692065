// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: config-apply runs many requests as one, all or none (see
 * txn.h for how), and config-get reads the generation and the digest.
 */

#include <linux/sched.h>
#include <linux/slab.h>

#include "compat.h"
#include "digest.h"
#include "dns.h"
#include "hook.h"
#include "lb.h"
#include "netlink.h"
#include "txn.h"

/* Notifications kept for the commit; past this, listeners get ENOBUFS. */
#define PL_TXN_MAX_NOTES	8192

/* One staged change, finished at the commit or undone at an abort. */
struct pl_txn_rec {
	struct list_head list;
	const struct pl_txn_kind *kind;	/* NULL: a set request, rerun */
	union {
		void *obj;
		const struct nlattr *op;
	};
	bool add;
};

/* The requests a transaction may carry. */
static bool pl_txn_allowed(u8 cmd)
{
	switch (cmd) {
	case PL_CMD_AZ_ADD: case PL_CMD_AZ_SET: case PL_CMD_AZ_DEL:
	case PL_CMD_SUBNET_ADD: case PL_CMD_SUBNET_SET: case PL_CMD_SUBNET_DEL:
	case PL_CMD_SERVICE_ADD: case PL_CMD_SERVICE_SET:
	case PL_CMD_SERVICE_DEL: case PL_CMD_SERVICE_SOURCE_ADD:
	case PL_CMD_SERVICE_SOURCE_DEL:
	case PL_CMD_BACKEND_ADD: case PL_CMD_BACKEND_SET:
	case PL_CMD_BACKEND_DEL:
	case PL_CMD_ENDPOINT_ADD: case PL_CMD_ENDPOINT_SET:
	case PL_CMD_ENDPOINT_DEL: case PL_CMD_ENDPOINT_ALLOW_ADD:
	case PL_CMD_ENDPOINT_ALLOW_DEL:
	case PL_CMD_LIMITS_SET:
	case PL_CMD_DNS_SET: case PL_CMD_DNS_CONSUMER_ADD:
	case PL_CMD_DNS_CONSUMER_DEL:
		return true;
	}
	return false;
}

static struct pl_txn_rec *pl_txn_take(struct pl_txn *t)
{
	struct pl_txn_rec *rec = t->spare;

	t->spare = NULL;
	list_add_tail(&rec->list, &t->recs);
	return rec;
}

static struct pl_table *pl_txn_table(struct pl_net *pn,
				     const struct pl_txn_kind *k)
{
	return (struct pl_table *)((char *)pn + k->table);
}

/*
 * Delete obj: at once outside a transaction, else hidden now and destroyed
 * at the commit. Every request stages one change at most.
 */
int pl_txn_del(struct pl_net *pn, const struct pl_txn_kind *k, void *obj)
{
	struct pl_txn_rec *rec;

	if (!pl_txn_staging(pn->txn)) {
		k->destroy(pn, obj);
		return 0;
	}
	rec = pl_txn_take(pn->txn);
	rec->kind = k;
	rec->obj = obj;
	rec->add = false;
	if (k->table)
		pl_table_hide(pl_txn_table(pn, k), obj);
	if (k->count)
		k->count(pn, obj, -1);
	return 0;
}

/*
 * obj was added. Outside a transaction, false: the caller publishes it
 * (serves its addresses). In one, true: that waits for the commit.
 */
bool pl_txn_added(struct pl_net *pn, const struct pl_txn_kind *k, void *obj)
{
	struct pl_txn_rec *rec;

	if (!pl_txn_staging(pn->txn))
		return false;
	rec = pl_txn_take(pn->txn);
	rec->kind = k;
	rec->obj = obj;
	rec->add = true;
	return true;
}

/*
 * Keep obj for the commit (k->publish) or an abort (k->unmake), besides
 * what the request stages otherwise.
 */
int pl_txn_keep(struct pl_net *pn, const struct pl_txn_kind *k, void *obj)
{
	struct pl_txn_rec *rec;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL_ACCOUNT);
	if (!rec)
		return -ENOMEM;
	rec->kind = k;
	rec->obj = obj;
	rec->add = true;
	list_add_tail(&rec->list, &pn->txn->recs);
	return 0;
}

/*
 * A set request, checked: in a transaction it takes effect at the commit,
 * where it runs again (true); outside one, now (false).
 */
bool pl_txn_defer(struct pl_req *req)
{
	struct pl_txn *t = req->pn->txn;
	struct pl_txn_rec *rec;

	if (!pl_txn_staging(t))
		return false;
	rec = pl_txn_take(t);
	rec->kind = NULL;
	rec->op = t->op;
	t->deferred++;
	return true;
}

/* Hooks go in with the first address; in a transaction, at the commit. */
int pl_txn_hooks(struct pl_net *pn)
{
	if (pl_txn_staging(pn->txn)) {
		pn->txn->hooks = true;
		return 0;
	}
	return pl_hooks_enable(pn);
}

/* What a staged request adds or deletes, for the summary. */
static void pl_txn_count(struct pl_txn *t, u8 cmd)
{
	switch (cmd) {
	case PL_CMD_AZ_ADD: case PL_CMD_SUBNET_ADD: case PL_CMD_SERVICE_ADD:
	case PL_CMD_SERVICE_SOURCE_ADD: case PL_CMD_BACKEND_ADD:
	case PL_CMD_ENDPOINT_ADD:
		t->added++;
		break;
	case PL_CMD_AZ_DEL: case PL_CMD_SUBNET_DEL: case PL_CMD_SERVICE_DEL:
	case PL_CMD_SERVICE_SOURCE_DEL: case PL_CMD_BACKEND_DEL:
	case PL_CMD_ENDPOINT_DEL:
		t->deleted++;
		break;
	}
}

/*
 * A notification of the transaction (skb: NULL, nobody listens). Those
 * of set requests, run at the commit, and of limits-set and the dns
 * requests, run at once,
 * count what changed.
 */
void pl_txn_note(struct pl_net *pn, u8 cmd, struct sk_buff *skb)
{
	struct pl_txn *t = pn->txn;

	if (t->phase == PL_TXN_COMMIT || cmd == PL_CMD_LIMITS_CHANGE_NTF ||
	    cmd == PL_CMD_DNS_CHANGE_NTF)
		t->changed++;
	if (!IS_ERR_OR_NULL(skb) && t->n_notes >= PL_TXN_MAX_NOTES) {
		nlmsg_free(skb);
		skb = ERR_PTR(-ENOBUFS);
	}
	if (IS_ERR(skb))
		t->notes_lost = true;
	if (IS_ERR_OR_NULL(skb))
		return;
	__skb_queue_tail(&t->notes, skb);
	t->n_notes++;
}

/* Run one request of the transaction through its ordinary handler. */
static int pl_txn_run(struct pl_net *pn, struct pl_txn *t,
		      const struct nlattr *op)
{
	struct nlattr *tb[PL_A_CONFIG_OP_MAX + 1], **attrs;
	struct genl_info info = *t->info;
	const struct nlattr *data;
	struct pl_do_op d;
	int err;
	u8 cmd;

	err = nla_parse_nested(tb, PL_A_CONFIG_OP_MAX, op,
			       pl_config_op_nl_policy, info.extack);
	if (err)
		return err;
	if (!tb[PL_A_CONFIG_OP_CMD] || !tb[PL_A_CONFIG_OP_ATTRS]) {
		NL_SET_ERR_MSG_ATTR(info.extack, op,
				    "a request needs a command and attributes");
		return -EINVAL;
	}
	cmd = nla_get_u8(tb[PL_A_CONFIG_OP_CMD]);
	if (!pl_txn_allowed(cmd) || pl_nl_find_do(cmd, &d)) {
		NL_SET_ERR_MSG_ATTR(info.extack, tb[PL_A_CONFIG_OP_CMD],
				    "this command cannot be part of a transaction");
		return -EOPNOTSUPP;
	}
	attrs = kcalloc(d.maxattr + 1, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;
	data = tb[PL_A_CONFIG_OP_ATTRS];
	err = __nla_parse(attrs, d.maxattr, nla_data(data), nla_len(data),
			  d.policy, NL_VALIDATE_STRICT, info.extack);
	if (!err) {
		info.attrs = attrs;
		t->op = op;
		t->op_attrs = nla_data(data);
		t->op_len = nla_len(data);
		err = d.doit(NULL, &info);
		if (!err && t->phase == PL_TXN_STAGE)
			pl_txn_count(t, cmd);
	}
	kfree(attrs);
	return err;
}

/* pl_nl_do() for a request of the transaction: the lock is held. */
int pl_txn_request(struct pl_req *req, int (*handler)(struct pl_req *req))
{
	struct pl_txn *t = req->pn->txn;
	int err;

	req->head = t->op_attrs;
	req->len = t->op_len;
	err = handler(req);
	if (err && req->msg[0])
		strscpy(t->msg, req->msg, sizeof(t->msg));
	return err;
}

/* Undo the staged changes, the latest first. */
static void pl_txn_abort(struct pl_net *pn, struct pl_txn *t)
{
	struct pl_txn_rec *rec, *tmp;

	list_for_each_entry_safe_reverse(rec, tmp, &t->recs, list) {
		const struct pl_txn_kind *k = rec->kind;

		if (k && rec->add) {
			k->unmake(pn, rec->obj);
		} else if (k) {
			if (k->count)
				k->count(pn, rec->obj, 1);
			if (k->table)
				pl_table_unhide(pl_txn_table(pn, k), rec->obj);
		}
		list_del(&rec->list);
		kfree(rec);
		cond_resched();
	}
	__skb_queue_purge(&t->notes);
}

/* Carry out the set requests, then finish deletions and additions. */
static void pl_txn_finish(struct pl_net *pn, struct pl_txn *t)
{
	struct netlink_ext_ack *extack = t->info->extack;
	struct pl_txn_rec *rec, *tmp;

	list_for_each_entry(rec, &t->recs, list) {
		/*
		 * Checked at staging; one whose object a later request of
		 * the transaction deleted finds nothing, and does nothing.
		 */
		if (!rec->kind)
			pl_txn_run(pn, t, rec->op);
	}
	/* Nothing of that goes into the reply. */
	extack->_msg = NULL;
	extack->bad_attr = NULL;
	list_for_each_entry_safe(rec, tmp, &t->recs, list) {
		const struct pl_txn_kind *k = rec->kind;

		if (k && rec->add) {
			if (k->publish)
				k->publish(pn, rec->obj);
		} else if (k) {
			if (k->count)
				k->count(pn, rec->obj, 1);
			k->destroy(pn, rec->obj);
		}
		list_del(&rec->list);
		kfree(rec);
		cond_resched();
	}
}

/*
 * Hold new flows off, wait until no packet can be looking at the
 * configuration, change it, rebuild the snapshots of the services whose
 * backends changed, and let new flows in again.
 */
static void pl_txn_commit(struct pl_net *pn, struct pl_txn *t)
{
	WRITE_ONCE(pn->busy, 1);
	synchronize_rcu_expedited();
	t->phase = PL_TXN_COMMIT;
	pl_txn_finish(pn, t);
	pl_lb_sync_now(pn);
	/* Pairs with pl_config_busy(): the changes, then new flows. */
	smp_store_release(&pn->busy, 0);
	/* One generation for the whole transaction. */
	pl_net_changed(pn);
	pn->config_gen = t->config_gen + 1 ?: 1;
}

static int pl_config_fill(struct sk_buff *skb, struct pl_net *pn,
			  const void *obj)
{
	const struct pl_txn *t = obj;

	if (nla_put_u32(skb, PL_A_CONFIG_GENERATION, pn->config_gen) ||
	    (t && (nla_put_u32(skb, PL_A_CONFIG_ADDED, t->added) ||
		   /* Unchecked, a set request counts as a change. */
		   nla_put_u32(skb, PL_A_CONFIG_CHANGED,
			       t->changed + (t->check ? t->deferred : 0)) ||
		   nla_put_u32(skb, PL_A_CONFIG_DELETED, t->deleted))) ||
	    nla_put_u64_64bit(skb, PL_A_CONFIG_DIGEST, pl_config_digest(pn),
			      PL_A_CONFIG_PAD))
		return -EMSGSIZE;
	if (!t && pn->fingerprint_gen == pn->config_gen &&
	    nla_put_u64_64bit(skb, PL_A_CONFIG_FINGERPRINT, pn->fingerprint,
			      PL_A_CONFIG_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Send what the transaction's requests announced, then its summary. */
static void pl_txn_announce(struct pl_req *req, struct pl_txn *t)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&t->notes)))
		genl_notify(&pl_nl_family, skb, t->info, PL_NLGRP_CONFIG,
			    GFP_KERNEL);
	if (t->notes_lost)
		genl_set_err(&pl_nl_family, req->pn->net, 0, PL_NLGRP_CONFIG,
			     -ENOBUFS);
	pl_nl_notify(req, PL_CMD_CONFIG_COMMIT_NTF, pl_config_fill, t);
}

/* Name the failed request: its line, else its place in the transaction. */
static int pl_txn_failed(struct pl_req *req, struct pl_txn *t,
			 const struct nlattr *op, u32 index, int err)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct nlattr *line = nla_find_nested(op, PL_A_CONFIG_OP_LINE);
	char where[24];

	if (line && nla_len(line) == sizeof(u32) && nla_get_u32(line))
		snprintf(where, sizeof(where), "line %u", nla_get_u32(line));
	else
		snprintf(where, sizeof(where), "request %u", index);
	if (t->msg[0])
		return pl_fail(req, err, NULL, "%s: %s", where, t->msg);
	if (extack->_msg)
		err = pl_fail(req, err, NULL, "%s: %s", where, extack->_msg);
	else
		err = pl_fail(req, err, NULL, "%s: %pe", where, ERR_PTR(err));
	extack->_msg = NULL;
	return err;
}

/* Stage every request; on the first error, say which one failed. */
static int pl_txn_stage(struct pl_req *req, struct pl_txn *t, bool check)
{
	const struct nlattr *op;
	u32 index = 0;
	int rem, err;

	nla_for_each_attr(op, pl_req_head(req), pl_req_len(req), rem) {
		if (nla_type(op) != PL_A_CONFIG_OP)
			continue;
		index++;
		t->spare = kzalloc(sizeof(*t->spare), GFP_KERNEL_ACCOUNT);
		if (!t->spare)
			return -ENOMEM;
		t->msg[0] = 0;
		err = pl_txn_run(req->pn, t, op);
		kfree(t->spare);
		t->spare = NULL;
		if (err)
			return pl_txn_failed(req, t, op, index, err);
		cond_resched();
	}
	/* Private DNS names, claimed by the configuration staged. */
	if (t->dns) {
		err = pl_dns_check(req, NULL);
		if (err)
			return err;
	}
	/* The one thing a commit may need that can fail: before it. */
	return t->hooks && !check ? pl_hooks_enable(req->pn) : 0;
}

static int pl_config_apply(struct pl_req *req)
{
	struct nlattr **attrs = req->info->attrs;
	struct pl_net *pn = req->pn;
	u32 gen = 0, flags = 0;
	struct pl_txn *t;
	int err;

	if (attrs[PL_A_CONFIG_GENERATION])
		gen = nla_get_u32(attrs[PL_A_CONFIG_GENERATION]);
	if (attrs[PL_A_CONFIG_FLAGS])
		flags = nla_get_u32(attrs[PL_A_CONFIG_FLAGS]);
	if (gen && gen != pn->config_gen)
		return pl_fail(req, -EAGAIN, attrs[PL_A_CONFIG_GENERATION],
			       "the configuration changed since generation %u (it is at %u): read it again",
			       gen, pn->config_gen);
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->info = req->info;
	INIT_LIST_HEAD(&t->recs);
	__skb_queue_head_init(&t->notes);
	t->config_gen = pn->config_gen;
	pn->txn = t;
	WRITE_ONCE(pn->txn_owner, current);
	t->check = flags & PL_CONFIG_FLAGS_CHECK;
	err = pl_txn_stage(req, t, t->check);
	/* A transaction that changes nothing is no commit. */
	if (err || t->check || list_empty(&t->recs)) {
		pl_txn_abort(pn, t);
		pn->config_gen = t->config_gen;
	} else {
		pl_txn_commit(pn, t);
	}
	WRITE_ONCE(pn->txn_owner, NULL);
	pn->txn = NULL;
	if (!err && !t->check && attrs[PL_A_CONFIG_FINGERPRINT]) {
		pn->fingerprint = nla_get_u64(attrs[PL_A_CONFIG_FINGERPRINT]);
		pn->fingerprint_gen = pn->config_gen;
	}
	if (!err) {
		/* Committed, whether or not the reply gets through. */
		pl_nl_reply(req, PL_CMD_CONFIG_APPLY, pl_config_fill, t);
		if (t->phase == PL_TXN_COMMIT)
			pl_txn_announce(req, t);
	}
	kfree(t);
	return err;
}

static int pl_config_get(struct pl_req *req)
{
	return pl_nl_reply(req, PL_CMD_CONFIG_GET, pl_config_fill, NULL);
}

int pl_nl_config_apply_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_config_apply);
}

int pl_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_config_get);
}
