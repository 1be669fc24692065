// SPDX-License-Identifier: GPL-2.0
/*
 * DNS settings (see dns.h): dns-get, dns-set and dns-consumer-add/del, the
 * checks of DNS names, and the rule that one namespace has at most one
 * endpoint with private-dns on per private name.
 */

#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "dns.h"
#include "endpoint.h"
#include "netlink.h"
#include "service.h"
#include "txn.h"

void pl_dns_init(struct pl_net *pn)
{
	strscpy(pn->dns.suffix, PL_DNS_DEFAULT_SUFFIX, sizeof(pn->dns.suffix));
	pn->dns.n_consumers = 0;
}

/*
 * Check a DNS name in place, folding it to lower case and dropping a final
 * dot: labels of letters, digits and '-' (neither first nor last), 1 to 63
 * bytes, at least min of them; the first may be '*' when star.
 */
static int pl_dns_name_check(struct pl_req *req, const struct nlattr *attr,
			     char *s, const char *what, u32 min, bool star)
{
	size_t len = strlen(s);
	u32 labels = 0;
	char *l, *p;

	if (len && s[len - 1] == '.')
		s[--len] = 0;
	if (!len)
		return pl_fail(req, -EINVAL, attr, "%s is empty", what);
	for (l = s; l; l = p ? p + 1 : NULL) {
		size_t n;

		p = strchr(l, '.');
		n = p ? p - l : strlen(l);
		labels++;
		if (!n)
			return pl_fail(req, -EINVAL, attr,
				       "%s \"%s\" has an empty label", what, s);
		if (n > 63)
			return pl_fail(req, -EINVAL, attr,
				       "%s \"%s\" has a label longer than 63 bytes",
				       what, s);
		if (star && l == s && n == 1 && *l == '*')
			continue;
		if (*l == '-' || l[n - 1] == '-')
			return pl_fail(req, -EINVAL, attr,
				       "%s \"%s\" has a label that starts or ends with '-'",
				       what, s);
		for (; n; n--, l++) {
			if (!isalnum(*l) && *l != '-')
				return pl_fail(req, -EINVAL, attr,
					       "%s \"%s\" holds '%c': a DNS name holds letters, digits, '-' and dots%s",
					       what, s, isprint(*l) ? *l : '?',
					       star ? ", and may start with \"*.\"" : "");
			*l = tolower(*l);
		}
	}
	if (labels < min)
		return pl_fail(req, -EINVAL, attr,
			       "%s \"%s\" needs at least %u labels", what, s,
			       min);
	return 0;
}

/* A private DNS name from attr (NULL for an empty one: none). */
int pl_dns_service_name(struct pl_req *req, const struct nlattr *attr,
			char **name)
{
	char buf[PL_DNS_NAME_MAX + 1];
	int err;

	*name = NULL;
	nla_strscpy(buf, attr, sizeof(buf));
	if (!buf[0])
		return 0;
	err = pl_dns_name_check(req, attr, buf, "private DNS name", 2, true);
	if (err)
		return err;
	*name = kstrdup(buf, GFP_KERNEL_ACCOUNT);
	return *name ? 0 : -ENOMEM;
}

static bool pl_dns_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* What a transaction changed, to put back if it fails. */
struct pl_dns_undo {
	struct pl_service *svc;
	struct pl_endpoint *ep;
	char *name;		/* svc->dns_next before */
	u8 on;			/* ep->dns_next before */
	struct pl_dns *dns;	/* the namespace's settings before */
};

/*
 * Committed: a staged name the commit did not keep is freed (the one
 * committed before was replaced; so was one a later request replaced).
 */
static void pl_dns_undo_forget(struct pl_net *pn, void *obj)
{
	struct pl_dns_undo *u = obj;

	if (u->svc && u->name != u->svc->private_dns &&
	    u->name != u->svc->dns_next)
		kfree(u->name);
	kfree(u->dns);
	kfree(u);
}

/* Aborted, the latest change first. */
static void pl_dns_undo_restore(struct pl_net *pn, void *obj)
{
	struct pl_dns_undo *u = obj;

	if (u->svc) {
		if (u->svc->dns_next != u->svc->private_dns &&
		    u->svc->dns_next != u->name)
			kfree(u->svc->dns_next);
		u->svc->dns_next = u->name;
	}
	if (u->ep)
		u->ep->dns_next = u->on;
	if (u->dns)
		pn->dns = *u->dns;
	kfree(u->dns);
	kfree(u);
}

static const struct pl_txn_kind pl_dns_undo_kind = {
	.publish = pl_dns_undo_forget,
	.unmake = pl_dns_undo_restore,
};

/* In a transaction, keep what to put back; the claims are checked at its end. */
static struct pl_dns_undo *pl_dns_undo(struct pl_net *pn)
{
	struct pl_dns_undo *u;

	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return NULL;
	if (pl_txn_keep(pn, &pl_dns_undo_kind, u)) {
		kfree(u);
		return NULL;
	}
	pn->txn->dns = true;
	return u;
}

/*
 * svc's private name becomes name (taken over; NULL for none): staged in
 * a transaction, else checked against the other endpoints' claims.
 * pl_dns_commit_service() then makes it the committed one.
 */
int pl_dns_stage_service(struct pl_req *req, struct pl_service *svc,
			 char *name)
{
	struct pl_dns_undo *u;
	char *prev;
	int err;

	if (pl_txn_staging(req->pn->txn)) {
		u = pl_dns_undo(req->pn);
		if (!u) {
			kfree(name);
			return -ENOMEM;
		}
		u->svc = svc;
		u->name = svc->dns_next;
		svc->dns_next = name;
		return 0;
	}
	prev = svc->dns_next;
	svc->dns_next = name;
	err = pl_dns_check(req, NULL);
	if (err) {
		svc->dns_next = prev;
		kfree(name);
	}
	return err;
}

/* The staged name becomes the committed one; has it changed? */
bool pl_dns_commit_service(struct pl_net *pn, struct pl_service *svc)
{
	char *old = svc->private_dns;

	if (old == svc->dns_next)
		return false;
	svc->private_dns = svc->dns_next;
	svc->digest = 0;
	/* In a transaction, its records free what it replaced. */
	if (!pn->txn)
		kfree(old);
	return !pl_dns_same(old, svc->private_dns);
}

void pl_dns_free_service(struct pl_service *svc)
{
	if (svc->dns_next != svc->private_dns)
		kfree(svc->dns_next);
	kfree(svc->private_dns);
	svc->private_dns = NULL;
	svc->dns_next = NULL;
	svc->digest = 0;
}

/* The same for an endpoint's private-dns switch. */
int pl_dns_stage_endpoint(struct pl_req *req, struct pl_endpoint *ep, u8 on)
{
	struct pl_dns_undo *u;
	u8 prev = ep->dns_next;
	int err;

	if (pl_txn_staging(req->pn->txn)) {
		u = pl_dns_undo(req->pn);
		if (!u)
			return -ENOMEM;
		u->ep = ep;
		u->on = prev;
		ep->dns_next = on;
		return 0;
	}
	ep->dns_next = on;
	err = on && !prev ? pl_dns_check(req, NULL) : 0;
	if (err)
		ep->dns_next = prev;
	return err;
}

bool pl_dns_commit_endpoint(struct pl_endpoint *ep)
{
	bool changed = ep->private_dns != ep->dns_next;

	ep->private_dns = ep->dns_next;
	if (changed)
		ep->digest = 0;
	return changed;
}

/* The name an endpoint claims, staged, or NULL. */
static const char *pl_dns_claim(const struct pl_endpoint *ep)
{
	if (ep->obj.hidden || ep->svc->obj.hidden || !ep->dns_next)
		return NULL;
	return ep->svc->dns_next;
}

static int pl_dns_claim_cmp(const void *a, const void *b)
{
	const struct pl_endpoint *x = *(const struct pl_endpoint **)a;
	const struct pl_endpoint *y = *(const struct pl_endpoint **)b;

	return strcmp(pl_dns_claim(x), pl_dns_claim(y)) ?:
	       strcmp(x->obj.key.name, y->obj.key.name);
}

/* The endpoints that claim a name, extra too if it does: into out, counted. */
static u32 pl_dns_claims(struct pl_net *pn, const struct pl_endpoint *extra,
			 const struct pl_endpoint **out)
{
	struct pl_obj *obj;
	u32 id = 0, n = 0;

	for (; (obj = pl_table_next(&pn->endpoints, &id)); id++) {
		const struct pl_endpoint *ep;

		ep = container_of(obj, struct pl_endpoint, obj);
		if (!pl_dns_claim(ep))
			continue;
		if (out)
			out[n] = ep;
		n++;
		cond_resched();
	}
	if (extra && pl_dns_claim(extra)) {
		if (out)
			out[n] = extra;
		n++;
	}
	return n;
}

/*
 * At most one endpoint with private-dns on per private name, in the
 * staged configuration, with extra (an endpoint being added) in it.
 */
int pl_dns_check(struct pl_req *req, const struct pl_endpoint *extra)
{
	const struct pl_endpoint **c;
	int err = 0;
	u32 n, i;

	n = pl_dns_claims(req->pn, extra, NULL);
	if (n < 2)
		return 0;
	c = kvmalloc_array(n, sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	n = pl_dns_claims(req->pn, extra, c);
	sort(c, n, sizeof(*c), pl_dns_claim_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (strcmp(pl_dns_claim(c[i - 1]), pl_dns_claim(c[i])))
			continue;
		err = pl_fail(req, -EEXIST, NULL,
			      "endpoints \"%s\" and \"%s\" both claim private DNS name \"%s\": turn private-dns off on one of them",
			      c[i - 1]->obj.key.name, c[i]->obj.key.name,
			      pl_dns_claim(c[i]));
		break;
	}
	kvfree(c);
	return err;
}

static int pl_dns_fill(struct sk_buff *skb, struct pl_net *pn,
		       const void *obj)
{
	u32 i;

	if (nla_put_string(skb, PL_A_DNS_SUFFIX, pn->dns.suffix))
		return -EMSGSIZE;
	for (i = 0; i < pn->dns.n_consumers; i++) {
		if (pl_prefix_put(skb, PL_A_DNS_CONSUMER,
				  &pn->dns.consumers[i]))
			return -EMSGSIZE;
	}
	return 0;
}

static int pl_dns_get(struct pl_req *req)
{
	return pl_nl_reply(req, PL_CMD_DNS_GET, pl_dns_fill, NULL);
}

/* A change to the settings: kept to put back in a transaction. */
static int pl_dns_save(struct pl_req *req)
{
	struct pl_dns_undo *u;

	if (!pl_txn_staging(req->pn->txn))
		return 0;
	u = pl_dns_undo(req->pn);
	if (!u)
		return -ENOMEM;
	u->dns = kmemdup(&req->pn->dns, sizeof(req->pn->dns),
			 GFP_KERNEL_ACCOUNT);
	return u->dns ? 0 : -ENOMEM;
}

static void pl_dns_changed(struct pl_req *req)
{
	pl_net_changed(req->pn);
	pl_nl_notify(req, PL_CMD_DNS_CHANGE_NTF, pl_dns_fill, NULL);
}

static int pl_dns_set(struct pl_req *req)
{
	const struct nlattr *attr;
	char buf[PL_DNS_SUFFIX_MAX + 1];
	int err;

	attr = pl_req_attr(req, PL_A_DNS_SUFFIX, "suffix");
	if (!attr)
		return -EINVAL;
	nla_strscpy(buf, attr, sizeof(buf));
	err = pl_dns_name_check(req, attr, buf, "DNS suffix", 1, false);
	if (err)
		return err;
	if (!strcmp(buf, req->pn->dns.suffix))
		return 0;
	err = pl_dns_save(req);
	if (err)
		return err;
	strscpy(req->pn->dns.suffix, buf, sizeof(req->pn->dns.suffix));
	pl_dns_changed(req);
	return 0;
}

static int pl_dns_consumer_find(const struct pl_dns *dns,
				const struct pl_prefix *p)
{
	u32 i;

	for (i = 0; i < dns->n_consumers; i++) {
		if (dns->consumers[i].addr == p->addr &&
		    dns->consumers[i].len == p->len)	/* IPv4 only */
			return i;
	}
	return -1;
}

static int pl_dns_consumer_edit(struct pl_req *req, bool add)
{
	struct pl_dns *dns = &req->pn->dns;
	char buf[PL_PREFIX_STR_LEN];
	const struct nlattr *attr;
	struct pl_prefix p;
	int err, at;

	if (pl_req_count(req, PL_A_DNS_CONSUMER) > 1)
		return pl_fail(req, -EINVAL, NULL, "give one prefix per request");
	attr = pl_req_attr(req, PL_A_DNS_CONSUMER, "consumer prefix");
	if (!attr)
		return -EINVAL;
	err = pl_prefix_parse(req, attr, &p, false);
	if (err)
		return err;
	at = pl_dns_consumer_find(dns, &p);
	if (add && at >= 0)
		return pl_fail(req, -EEXIST, attr,
			       "%s is a consumer prefix already",
			       pl_prefix_str(&p, buf));
	if (!add && at < 0)
		return pl_fail(req, -ENOENT, attr,
			       "%s is not a consumer prefix",
			       pl_prefix_str(&p, buf));
	if (add && dns->n_consumers >= PL_DNS_MAX_CONSUMERS)
		return pl_fail(req, -ENOSPC, attr,
			       "a namespace has at most %u consumer prefixes",
			       PL_DNS_MAX_CONSUMERS);
	err = pl_dns_save(req);
	if (err)
		return err;
	if (add) {
		dns->consumers[dns->n_consumers++] = p;
	} else {
		memmove(&dns->consumers[at], &dns->consumers[at + 1],
			(dns->n_consumers - at - 1) * sizeof(p));
		dns->n_consumers--;
	}
	pl_dns_changed(req);
	return 0;
}

static int pl_dns_consumer_add(struct pl_req *req)
{
	return pl_dns_consumer_edit(req, true);
}

static int pl_dns_consumer_del(struct pl_req *req)
{
	return pl_dns_consumer_edit(req, false);
}

int pl_nl_dns_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_dns_get);
}

int pl_nl_dns_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_dns_set);
}

int pl_nl_dns_consumer_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_dns_consumer_add);
}

int pl_nl_dns_consumer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pl_nl_do(skb, info, pl_dns_consumer_del);
}
