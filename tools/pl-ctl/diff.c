// SPDX-License-Identifier: GPL-2.0
/*
 * The diff of two configuration models, cur (what is) and want (what the
 * file says), as the ops that turn cur into want, in this order:
 *
 *   deletes, dependents first: endpoints, allowed prefixes, backends,
 *   sources, services (which take their backends and sources with them),
 *   subnets, AZs; then limits and DNS settings; then adds, in dependency order: AZs,
 *   subnets, services, sources, backends, endpoints and allowed prefixes;
 *   then sets: AZ states, probes, service settings, backends' weights
 *   and states, endpoints' private DNS switches and their acceptance or
 *   rejection.
 *
 * Only what differs is touched: a setting that a set command changes is
 * set; an object whose other attributes differ (an AZ's zone id, a
 * subnet's prefix, AZ or device, a service's listeners, a source's or a
 * backend's AZ, a backend's port, an endpoint's service or ENIs), or whose
 * endpoint state no set reaches (an available endpoint to be pending, a
 * rejected one to be anything else), is deleted and added again, with what
 * depends on it.
 *
 * Each op is printed in the grammar, parsed back by the command's parser
 * into its request, and applied to cur, so that cur becomes want step by
 * step: what diff prints is what apply sends. A second diff of the result
 * must find nothing left to do.
 */

#include <arpa/inet.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "conf.h"
#include "diff.h"
#include "dns.h"
#include "model.h"
#include "objects.h"
#include "out.h"
#include "spec.h"

struct d_ctx {
	struct pl_model *cur;
	struct pl_model *want;
	const char *file;
	struct pl_ops *ops;
	int err;
};

/* A line being built. */
struct d_buf {
	char *s;
	size_t len;
	size_t cap;
};

__printf(2, 0)
static void vbprintf(struct d_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	for (;;) {
		va_copy(aq, ap);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, aq);
		va_end(aq);
		if (b->len + n < b->cap)
			break;
		b->cap = 2 * (b->len + n + 64);
		b->s = pl_realloc(b->s, b->cap);
	}
	b->len += n;
}

__printf(2, 3)
static void bprintf(struct d_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbprintf(b, fmt, ap);
	va_end(ap);
}

/* Apply the op of text (taken) to cur, and keep it. */
static void emit_text(struct d_ctx *c, __u32 line, char *text)
{
	char *copy = strdup(text);
	struct pl_op op = { 0 };
	int err;

	if (!copy)
		pl_realloc(NULL, (size_t)-1);
	err = c->err ? -1 : conf_parse(copy, c->file, line, &op);
	free(copy);
	if (!err && model_apply(c->cur, &op)) {
		fprintf(stderr, "pl-ctl: %s:%u: internal error: \"%s\": %s\n",
			c->file, line, text, model_error());
		err = PL_EFAIL;
	}
	if (err) {
		c->err = c->err ?: (err < 0 ? PL_EFAIL : err);
		op_free(&op);
		free(text);
		return;
	}
	op.line = line;
	op.text = text;
	ops_add(c->ops, &op);
}

__printf(3, 4)
static void emit(struct d_ctx *c, __u32 line, const char *fmt, ...)
{
	struct d_buf b = { NULL };
	va_list ap;

	va_start(ap, fmt);
	vbprintf(&b, fmt, ap);
	va_end(ap);
	emit_text(c, line, b.s);
}

static const char *ip(__u32 addr, char *buf)
{
	return addr_str(addr, buf);
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static struct m_az *f_az(struct pl_model *m, const char *key)
{
	return (struct m_az *)m_find(&m->azs, key);
}

static struct m_subnet *f_subnet(struct pl_model *m, const char *key)
{
	return (struct m_subnet *)m_find(&m->subnets, key);
}

static struct m_service *f_service(struct pl_model *m, const char *key)
{
	return (struct m_service *)m_find(&m->services, key);
}

static struct m_backend *f_backend(struct pl_model *m, const char *key)
{
	return (struct m_backend *)m_find(&m->backends, key);
}

static struct m_endpoint *f_endpoint(struct pl_model *m, const char *key)
{
	return (struct m_endpoint *)m_find(&m->endpoints, key);
}

static int az_doomed(struct pl_model *m, const char *name)
{
	struct m_az *az = f_az(m, name);

	return az && az->node.doomed;
}

static int listeners_equal(const struct m_service *a,
			   const struct m_service *b)
{
	unsigned int i, j;

	if (a->n_ls != b->n_ls)
		return 0;
	for (i = 0; i < a->n_ls; i++) {
		for (j = 0; j < b->n_ls; j++) {
			if (a->ls[i].port == b->ls[j].port &&
			    a->ls[i].target == b->ls[j].target)
				break;
		}
		if (j == b->n_ls)
			return 0;
	}
	return 1;
}

static int enis_equal(const struct m_endpoint *want,
		      const struct m_endpoint *ep)
{
	unsigned int i;

	if (want->n_enis != ep->n_enis)
		return 0;
	for (i = 0; i < want->n_enis; i++) {
		if (!eni_matches(&want->enis[i], ep))
			return 0;
	}
	return 1;
}

/* What cur has that want does not have alike: to be deleted. */
static void doom_azs_subnets(struct d_ctx *c)
{
	struct m_subnet *s, *ws;
	struct m_az *az, *w;
	struct m_node *n;

	for (n = m_first(&c->cur->azs); n; n = m_next(&c->cur->azs, n)) {
		az = (struct m_az *)n;
		w = f_az(c->want, n->key);
		az->node.doomed = !w || !str_eq(az->zone_id, w->zone_id);
	}
	for (n = m_first(&c->cur->subnets); n; n = m_next(&c->cur->subnets, n)) {
		s = (struct m_subnet *)n;
		ws = f_subnet(c->want, n->key);
		s->node.doomed = !ws || s->prefix != ws->prefix ||
			    s->plen != ws->plen || s->plen6 != ws->plen6 ||
			    memcmp(s->prefix6, ws->prefix6,
				   sizeof(s->prefix6)) ||
			    strcmp(s->az, ws->az) ||
			    s->ifindex != ws->ifindex ||
			    az_doomed(c->cur, s->az);
	}
}

static void doom_sources(struct d_ctx *c, struct m_service *svc,
			 struct m_service *w)
{
	struct m_source *src;
	unsigned int i;
	int j;

	for (i = 0; i < svc->n_src; i++) {
		src = &svc->src[i];
		j = w ? source_find(w, src) : -1;
		src->doomed = svc->node.doomed || j < 0 ||
			      strcmp(src->az, w->src[j].az) ||
			      az_doomed(c->cur, src->az);
	}
}

static void doom_services(struct d_ctx *c)
{
	struct m_service *svc, *w;
	struct m_backend *b, *wb;
	struct m_node *n;

	for (n = m_first(&c->cur->services); n;
	     n = m_next(&c->cur->services, n)) {
		svc = (struct m_service *)n;
		w = f_service(c->want, n->key);
		svc->node.doomed = !w || !listeners_equal(svc, w);
		doom_sources(c, svc, w);
	}
	for (n = m_first(&c->want->services); n;
	     n = m_next(&c->want->services, n))
		((struct m_service *)n)->want_manual = 0;
	for (n = m_first(&c->cur->backends); n;
	     n = m_next(&c->cur->backends, n)) {
		b = (struct m_backend *)n;
		wb = f_backend(c->want, n->key);
		svc = f_service(c->cur, b->svc);
		b->node.doomed = !wb || strcmp(b->az, wb->az) ||
			    b->port != wb->port || (svc && svc->node.doomed) ||
			    az_doomed(c->cur, b->az);
	}
}

/* Whether no set takes an endpoint from state from to state to. */
static int state_unreachable(__u8 from, __u8 to)
{
	if (from == to)
		return 0;
	return from == PL_ENDPOINT_STATE_REJECTED ||
	       to == PL_ENDPOINT_STATE_PENDING_ACCEPTANCE;
}

static int endpoint_doomed(struct d_ctx *c, struct m_endpoint *ep,
			   struct m_endpoint *w)
{
	struct m_service *svc = f_service(c->cur, ep->svc);
	struct m_subnet *s;
	unsigned int i;

	if (!w || strcmp(ep->svc, w->svc) || (svc && svc->node.doomed) ||
	    ep->ip_type != w->ip_type || !enis_equal(w, ep) ||
	    state_unreachable(ep->state, w->state))
		return 1;
	for (i = 0; i < ep->n_enis; i++) {
		s = f_subnet(c->cur, ep->enis[i].subnet);
		if (s && s->node.doomed)
			return 1;
	}
	return 0;
}

static void doom(struct d_ctx *c)
{
	struct m_endpoint *ep;
	struct m_node *n;

	doom_azs_subnets(c);
	doom_services(c);
	for (n = m_first(&c->cur->endpoints); n;
	     n = m_next(&c->cur->endpoints, n)) {
		ep = (struct m_endpoint *)n;
		ep->node.doomed = endpoint_doomed(c, ep,
						  f_endpoint(c->want, n->key));
	}
}

/* The line of want's object of key in t (0 if none): what asks for a del. */
static __u32 want_line(struct m_table *t, const char *key)
{
	struct m_node *n = m_find(t, key);

	return n ? n->line : 0;
}

static void del_endpoints(struct d_ctx *c)
{
	struct m_endpoint *ep, *w;
	struct m_node *n, *next;
	char pbuf[M_PREFIX_LEN];
	unsigned int i;

	for (n = c->cur->endpoints.list.next; n != &c->cur->endpoints.list;
	     n = next) {
		next = n->next;
		ep = (struct m_endpoint *)n;
		if (ep->node.doomed) {
			emit(c, want_line(&c->want->endpoints, n->key),
			     "endpoint del %s", n->key);
			continue;
		}
		w = f_endpoint(c->want, n->key);
		for (i = ep->n_allow; i-- > 0;) {
			if (allow_find(w, &ep->allow[i]) < 0)
				emit(c, 0, "endpoint allow del %s %s",
				     n->key, allow_str(&ep->allow[i], pbuf));
		}
	}
}

static void del_backends_sources(struct d_ctx *c)
{
	struct m_node *n, *next;
	char buf[INET6_ADDRSTRLEN];
	struct m_service *svc;
	struct m_backend *b;
	unsigned int i;

	for (n = c->cur->backends.list.next; n != &c->cur->backends.list;
	     n = next) {
		next = n->next;
		b = (struct m_backend *)n;
		svc = f_service(c->cur, b->svc);
		if (b->node.doomed && !svc->node.doomed)
			emit(c, want_line(&c->want->backends, n->key),
			     "backend del %s %s", b->svc, ip(b->addr, buf));
	}
	for (n = m_first(&c->cur->services); n;
	     n = m_next(&c->cur->services, n)) {
		svc = (struct m_service *)n;
		for (i = svc->n_src; !svc->node.doomed && i-- > 0;) {
			if (svc->src[i].doomed)
				emit(c, 0, "service source del %s %s", n->key,
				     source_str(&svc->src[i], buf));
		}
	}
}

/* Delete the doomed objects of table t: "OBJECT del KEY". */
static void del_table(struct d_ctx *c, struct m_table *t,
		      struct m_table *want, const char *object)
{
	struct m_node *n, *next;

	for (n = t->list.next; n != &t->list; n = next) {
		next = n->next;
		if (n->doomed)
			emit(c, want_line(want, n->key), "%s del %s", object,
			     n->key);
	}
}

static void deletes(struct d_ctx *c)
{
	del_endpoints(c);
	del_backends_sources(c);
	del_table(c, &c->cur->services, &c->want->services, "service");
	del_table(c, &c->cur->subnets, &c->want->subnets, "subnet");
	del_table(c, &c->cur->azs, &c->want->azs, "az");
}

static void set_limits(struct d_ctx *c)
{
	const struct pl_set *set = pl_cmd_set(PL_CMD_LIMITS_SET);
	struct m_limits *cur = &c->cur->limits, *w = &c->want->limits;
	struct d_buf b = { NULL };
	__u32 line = 0;
	int i;

	for (i = 0; i < M_LIMITS; i++) {
		if (!(w->have & (1U << i)) ||
		    ((cur->have & (1U << i)) && cur->val[i] == w->val[i]))
			continue;
		if (!b.len) {
			bprintf(&b, "%s set", "limits");
			line = w->line[i];
		}
		bprintf(&b, " %s %s", pl_attr_name(set, m_limit_attr(i)),
			m_limit_str(i, w->val[i]));
	}
	if (b.len)
		emit_text(c, line, b.s);
}

/* The DNS suffix, and the consumer prefixes to delete and to add. */
static void set_dns(struct d_ctx *c)
{
	struct m_dns *cur = &c->cur->dns, *w = &c->want->dns;
	char buf[INET_ADDRSTRLEN];
	unsigned int i;

	if (!str_eq(cur->suffix, w->suffix))
		emit(c, w->suffix_line, "dns set suffix %s",
		     w->suffix ?: PL_DNS_SUFFIX);
	for (i = cur->n_consumers; i-- > 0;) {
		if (consumer_find(w, cur->consumers[i].addr,
				  cur->consumers[i].len) < 0)
			emit(c, 0, "dns consumer del %s/%u",
			     ip(cur->consumers[i].addr, buf),
			     cur->consumers[i].len);
	}
	for (i = 0; i < w->n_consumers; i++) {
		if (consumer_find(cur, w->consumers[i].addr,
				  w->consumers[i].len) < 0)
			emit(c, w->consumers[i].line, "dns consumer add %s/%u",
			     ip(w->consumers[i].addr, buf),
			     w->consumers[i].len);
	}
}

/* " prefix A.B.C.D/LEN", " ipv6-prefix X:X::/LEN", or both, in buf. */
static const char *subnet_prefixes(const struct m_subnet *s, char *buf)
{
	char a[INET6_ADDRSTRLEN];
	int n = 0;

	buf[0] = '\0';
	if (s->plen)
		n = sprintf(buf, " prefix %s/%u", ip(s->prefix, a), s->plen);
	if (s->plen6)
		sprintf(buf + n, " ipv6-prefix %s/%u",
			addr6_str(s->prefix6, a),
			s->plen6);
	return buf;
}

static void add_azs_subnets(struct d_ctx *c)
{
	char buf[2 * INET6_ADDRSTRLEN + 32], dev[IF_NAMESIZE + 8];
	struct m_subnet *s;
	struct m_az *az;
	struct m_node *n;

	for (n = m_first(&c->want->azs); n; n = m_next(&c->want->azs, n)) {
		az = (struct m_az *)n;
		if (m_find(&c->cur->azs, n->key))
			continue;
		if (az->zone_id)
			emit(c, az->node.line, "az add %s id %s", n->key,
			     az->zone_id);
		else
			emit(c, az->node.line, "az add %s", n->key);
	}
	for (n = m_first(&c->want->subnets); n;
	     n = m_next(&c->want->subnets, n)) {
		s = (struct m_subnet *)n;
		if (m_find(&c->cur->subnets, n->key))
			continue;
		dev[0] = '\0';
		if (s->ifindex) {
			snprintf(dev, sizeof(dev), " dev ");
			subnet_dev(s->ifindex, dev + 5);
		}
		emit(c, s->node.line, "subnet add %s%s az %s%s%s", n->key,
		     subnet_prefixes(s, buf), s->az, dev,
		     s->probe ? "" : " probe off");
	}
}

/*
 * The services whose endpoints to be added must end pending: those are
 * added while their service's acceptance is manual.
 */
static void want_manual(struct d_ctx *c)
{
	struct m_endpoint *ep;
	struct m_service *svc;
	struct m_node *n;

	for (n = m_first(&c->want->endpoints); n;
	     n = m_next(&c->want->endpoints, n)) {
		ep = (struct m_endpoint *)n;
		if (ep->state != PL_ENDPOINT_STATE_PENDING_ACCEPTANCE ||
		    m_find(&c->cur->endpoints, n->key))
			continue;
		svc = f_service(c->want, ep->svc);
		svc->want_manual = 1;
	}
}

static void add_service(struct d_ctx *c, struct m_service *svc)
{
	__u8 acceptance = svc->want_manual ? PL_ACCEPTANCE_MANUAL :
			  svc->acceptance;
	struct d_buf b = { NULL };
	unsigned int i;
	char *health;

	bprintf(&b, "service add %s", svc->node.key);
	for (i = 0; i < svc->n_ls; i++) {
		bprintf(&b, " port %u", svc->ls[i].port);
		if (svc->ls[i].target != svc->ls[i].port)
			bprintf(&b, ":%u", svc->ls[i].target);
	}
	bprintf(&b, " acceptance %s cross-zone %s idle-timeout %u",
		pl_enum_name(&pl_acceptances, acceptance),
		svc->cross_zone ? "on" : "off", svc->idle_timeout);
	health = health_words(&svc->health);
	bprintf(&b, "%s%s", health,
		svc->termination ? "" : " unhealthy-termination off");
	free(health);
	if (svc->private_dns)
		bprintf(&b, " private-dns %s", svc->private_dns);
	emit_text(c, svc->node.line, b.s);
}

static void add_services(struct d_ctx *c)
{
	char buf[INET6_ADDRSTRLEN];
	struct m_service *svc, *cur;
	struct m_node *n;
	unsigned int i;

	want_manual(c);
	for (n = m_first(&c->want->services); n;
	     n = m_next(&c->want->services, n)) {
		if (!m_find(&c->cur->services, n->key))
			add_service(c, (struct m_service *)n);
	}
	for (n = m_first(&c->want->services); n;
	     n = m_next(&c->want->services, n)) {
		svc = (struct m_service *)n;
		cur = f_service(c->cur, n->key);
		for (i = 0; cur && i < svc->n_src; i++) {
			if (source_find(cur, &svc->src[i]) < 0)
				emit(c, svc->src[i].line,
				     "service source add %s %s az %s", n->key,
				     source_str(&svc->src[i], buf),
				     svc->src[i].az);
		}
	}
}

static void add_backends(struct d_ctx *c)
{
	char buf[INET_ADDRSTRLEN], port[16];
	struct m_backend *b;
	struct m_node *n;

	for (n = m_first(&c->want->backends); n;
	     n = m_next(&c->want->backends, n)) {
		b = (struct m_backend *)n;
		if (m_find(&c->cur->backends, n->key))
			continue;
		port[0] = '\0';
		if (b->port)
			snprintf(port, sizeof(port), " port %u", b->port);
		emit(c, b->node.line, "backend add %s %s az %s%s weight %u", b->svc,
		     ip(b->addr, buf), b->az, port, b->weight);
	}
}

static void add_endpoint(struct d_ctx *c, struct m_endpoint *ep)
{
	static const unsigned char any6[16];
	char buf[INET6_ADDRSTRLEN], pbuf[M_PREFIX_LEN];
	struct m_service *svc;
	struct d_buf b = { NULL };
	unsigned int i;

	bprintf(&b, "endpoint add %s service %s", ep->node.key, ep->svc);
	if (ep->ip_type != PL_IP_ADDRESS_TYPE_IPV4)
		bprintf(&b, " ip-address-type %s",
			pl_enum_name(&pl_ip_address_types, ep->ip_type));
	for (i = 0; i < ep->n_enis; i++) {
		bprintf(&b, " subnet %s", ep->enis[i].subnet);
		if (ep->enis[i].ip)
			bprintf(&b, " ip %s", ip(ep->enis[i].ip, buf));
		if (memcmp(ep->enis[i].ip6, any6, sizeof(any6)))
			bprintf(&b, " ipv6 %s",
				addr6_str(ep->enis[i].ip6, buf));
	}
	for (i = 0; i < ep->n_allow; i++)
		bprintf(&b, " allow %s", allow_str(&ep->allow[i], pbuf));
	/* Unless it is the default, which the service has now. */
	svc = f_service(c->cur, ep->svc);
	if (svc && ep->private_dns != !!svc->private_dns)
		bprintf(&b, " private-dns %s", ep->private_dns ? "on" : "off");
	emit_text(c, ep->node.line, b.s);
}

/* Existing services that are auto, where a pending endpoint is added. */
static void endpoints_manual(struct d_ctx *c)
{
	struct m_service *svc, *cur;
	struct m_node *n;

	for (n = m_first(&c->want->services); n;
	     n = m_next(&c->want->services, n)) {
		svc = (struct m_service *)n;
		cur = f_service(c->cur, n->key);
		if (svc->want_manual && cur &&
		    cur->acceptance == PL_ACCEPTANCE_AUTO)
			emit(c, svc->node.line, "service set %s acceptance manual",
			     n->key);
	}
}

static void add_endpoints(struct d_ctx *c)
{
	char pbuf[M_PREFIX_LEN];
	struct m_endpoint *ep, *cur;
	struct m_node *n;
	unsigned int i;

	endpoints_manual(c);
	for (n = m_first(&c->want->endpoints); n;
	     n = m_next(&c->want->endpoints, n)) {
		if (!m_find(&c->cur->endpoints, n->key))
			add_endpoint(c, (struct m_endpoint *)n);
	}
	for (n = m_first(&c->want->endpoints); n;
	     n = m_next(&c->want->endpoints, n)) {
		ep = (struct m_endpoint *)n;
		cur = f_endpoint(c->cur, n->key);
		for (i = 0; cur && i < ep->n_allow; i++) {
			if (allow_find(cur, &ep->allow[i]) < 0)
				emit(c, ep->allow[i].line,
				     "endpoint allow add %s %s", n->key,
				     allow_str(&ep->allow[i], pbuf));
		}
	}
}

static void adds(struct d_ctx *c)
{
	add_azs_subnets(c);
	add_services(c);
	add_backends(c);
	add_endpoints(c);
}

static void set_azs_subnets(struct d_ctx *c)
{
	struct m_subnet *s, *cs;
	struct m_az *az, *caz;
	struct m_node *n;

	for (n = m_first(&c->want->azs); n; n = m_next(&c->want->azs, n)) {
		az = (struct m_az *)n;
		caz = f_az(c->cur, n->key);
		if (caz && caz->state != az->state)
			emit(c, az->state_line, "az set %s state %s", n->key,
			     pl_enum_name(&pl_az_states, az->state));
	}
	for (n = m_first(&c->want->subnets); n;
	     n = m_next(&c->want->subnets, n)) {
		s = (struct m_subnet *)n;
		cs = f_subnet(c->cur, n->key);
		if (cs && cs->probe != s->probe)
			emit(c, s->probe_line, "subnet set %s probe %s", n->key,
			     s->probe ? "on" : "off");
	}
}

/* A set command being built: its words so far, and the line of the first. */
struct d_set {
	struct d_buf b;
	size_t base;
	__u32 line;
};

/* Add " WORD VALUE" when the values differ. */
static void set_word(struct d_set *s, __u32 line, const char *word,
		     const char *val, int differ)
{
	if (!differ)
		return;
	if (s->b.len == s->base)
		s->line = line;
	bprintf(&s->b, " %s %s", word, val);
}

/* Emit the set command, if it has something to set. */
static void set_emit(struct d_ctx *c, struct d_set *s)
{
	if (s->b.len > s->base)
		emit_text(c, s->line, s->b.s);
	else
		free(s->b.s);
}

static void set_service(struct d_ctx *c, struct m_service *w,
			struct m_service *cur)
{
	int acceptance = w->acceptance != cur->acceptance;
	int cross_zone = w->cross_zone != cur->cross_zone;
	int idle_timeout = w->idle_timeout != cur->idle_timeout;
	int termination = w->termination != cur->termination;
	int health_differs = !health_equal(&w->health, &cur->health);
	int dns = !str_eq(w->private_dns, cur->private_dns);
	struct d_set s = { .line = 0 };
	char idle[16], *health;

	/* Most services are as they were: format nothing for them. */
	if (!acceptance && !cross_zone && !idle_timeout && !termination &&
	    !health_differs && !dns)
		return;
	bprintf(&s.b, "service set %s", w->node.key);
	s.base = s.b.len;
	set_word(&s, w->acceptance_line, "acceptance",
		 pl_enum_name(&pl_acceptances, w->acceptance), acceptance);
	set_word(&s, w->cross_zone_line, "cross-zone",
		 w->cross_zone ? "on" : "off", cross_zone);
	snprintf(idle, sizeof(idle), "%u", w->idle_timeout);
	set_word(&s, w->idle_timeout_line, "idle-timeout", idle, idle_timeout);
	set_word(&s, w->termination_line, "unhealthy-termination",
		 w->termination ? "on" : "off", termination);
	if (health_differs) {
		health = health_words(&w->health);
		set_word(&s, w->health_line, "health",
			 *health ? health + strlen(" health ") : "off", 1);
		free(health);
	}
	set_word(&s, w->private_dns_line, "private-dns",
		 w->private_dns ?: "none", dns);
	set_emit(c, &s);
}

static void set_backend(struct d_ctx *c, struct m_backend *w,
			struct m_backend *cur)
{
	int weight_differs = w->weight != cur->weight;
	int state = w->state != cur->state;
	char buf[INET_ADDRSTRLEN], weight[16];
	struct d_set s = { .line = 0 };

	if (!weight_differs && !state)
		return;
	bprintf(&s.b, "backend set %s %s", w->svc, ip(w->addr, buf));
	s.base = s.b.len;
	snprintf(weight, sizeof(weight), "%u", w->weight);
	set_word(&s, w->weight_line, "weight", weight, weight_differs);
	set_word(&s, w->state_line, "state",
		 pl_enum_name(&pl_backend_states, w->state), state);
	set_emit(c, &s);
}

static void set_endpoint(struct d_ctx *c, struct m_endpoint *w,
			 struct m_endpoint *cur)
{
	if (w->private_dns != cur->private_dns)
		emit(c, w->private_dns_line, "endpoint set %s private-dns %s",
		     w->node.key, w->private_dns ? "on" : "off");
	if (w->state == cur->state)
		return;
	if (w->state == PL_ENDPOINT_STATE_AVAILABLE)
		emit(c, w->state_line, "endpoint accept %s", w->node.key);
	else
		emit(c, w->state_line, "endpoint reject %s", w->node.key);
}

static void sets(struct d_ctx *c)
{
	struct m_node *n, *cur;

	set_azs_subnets(c);
	for (n = m_first(&c->want->services); n;
	     n = m_next(&c->want->services, n)) {
		cur = m_find(&c->cur->services, n->key);
		if (cur)
			set_service(c, (struct m_service *)n,
				    (struct m_service *)cur);
	}
	for (n = m_first(&c->want->backends); n;
	     n = m_next(&c->want->backends, n)) {
		cur = m_find(&c->cur->backends, n->key);
		if (cur)
			set_backend(c, (struct m_backend *)n,
				    (struct m_backend *)cur);
	}
	for (n = m_first(&c->want->endpoints); n;
	     n = m_next(&c->want->endpoints, n)) {
		cur = m_find(&c->cur->endpoints, n->key);
		if (cur)
			set_endpoint(c, (struct m_endpoint *)n,
				     (struct m_endpoint *)cur);
	}
}

static int diff_once(struct pl_model *cur, struct pl_model *want,
		     const char *file, struct pl_ops *ops)
{
	struct d_ctx c = {
		.cur = cur, .want = want, .file = file, .ops = ops,
	};

	doom(&c);
	deletes(&c);
	set_limits(&c);
	set_dns(&c);
	adds(&c);
	sets(&c);
	return c.err;
}

/*
 * The ops that turn cur into want, into ops; cur becomes want. file names
 * want's file in messages. Returns 0, or an exit status with the error
 * reported.
 */
int diff_models(struct pl_model *cur, struct pl_model *want,
		const char *file, struct pl_ops *ops)
{
	struct pl_ops left = { NULL };
	int err;

	err = diff_once(cur, want, file, ops);
	if (!err)
		err = diff_once(cur, want, file, &left);
	if (!err && left.n) {
		fflush(stdout);
		fprintf(stderr, "pl-ctl: %s: internal error: the diff leaves \"%s\" to do\n",
			file, left.v[0].text);
		err = PL_EFAIL;
	}
	ops_free(&left);
	return err;
}
