// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration model: requests (ops) applied in order to tables of
 * objects, with the kernel's rules where the diff depends on them: what
 * exists already or does not exist, what is in use, what deleting a
 * service takes with it, the defaults of what a request leaves out, and
 * the state of an endpoint (available when its service's acceptance is
 * auto as it is added, else pending; only a pending endpoint can be
 * accepted, and a rejected one stays rejected). Checks that do not change
 * what the diff does (addresses, overlaps, limits) are the kernel's.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "conf.h"
#include "dns.h"
#include "model.h"
#include "out.h"
#include "spec.h"

#define M_IDLE_TIMEOUT	350	/* the kernel's default idle timeout */
#define M_KEY_LEN	(PL_ARG_MAX + 16)
#define M_TB		32	/* more than any set's attributes */

static char m_err[512];

const char *model_error(void)
{
	return m_err;
}

__printf(1, 2)
static int m_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m_err, sizeof(m_err), fmt, ap);
	va_end(ap);
	return -1;
}

static char *m_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(pl_realloc(NULL, n), s, n);
}

/* FNV-1a. */
static unsigned int m_hash(const char *s)
{
	unsigned int h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void t_init(struct m_table *t)
{
	memset(t, 0, sizeof(*t));
	t->list.next = &t->list;
	t->list.prev = &t->list;
}

struct m_node *m_find(const struct m_table *t, const char *key)
{
	struct m_node *n;

	if (!t->nbuckets)
		return NULL;
	for (n = t->buckets[m_hash(key) % t->nbuckets]; n; n = n->hnext) {
		if (!strcmp(n->key, key))
			return n;
	}
	return NULL;
}

static void *m_zalloc(size_t size)
{
	return memset(pl_realloc(NULL, size), 0, size);
}

static void t_rehash(struct m_table *t)
{
	unsigned int nb = t->nbuckets ? 2 * t->nbuckets : 64, b;
	struct m_node **buckets = m_zalloc(nb * sizeof(*buckets)), *n;

	for (n = m_first(t); n; n = m_next(t, n)) {
		b = m_hash(n->key) % nb;
		n->hnext = buckets[b];
		buckets[b] = n;
	}
	free(t->buckets);
	t->buckets = buckets;
	t->nbuckets = nb;
}

/* Add n, whose key is set, at the end of t. */
static void t_add(struct m_table *t, struct m_node *n)
{
	unsigned int b;

	n->prev = t->list.prev;
	n->next = &t->list;
	t->list.prev->next = n;
	t->list.prev = n;
	if (++t->n > t->nbuckets) {
		t_rehash(t);
		return;
	}
	b = m_hash(n->key) % t->nbuckets;
	n->hnext = t->buckets[b];
	t->buckets[b] = n;
}

static void t_del(struct m_table *t, struct m_node *n)
{
	struct m_node **pp = &t->buckets[m_hash(n->key) % t->nbuckets];

	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	t->n--;
	free(n->key);
}

/* A new object of size bytes, with its node first, keyed key, in t. */
static void *t_new(struct m_table *t, size_t size, const char *key)
{
	struct m_node *n = m_zalloc(size);

	n->key = m_strdup(key);
	t_add(t, n);
	return n;
}

const char *backend_key(const char *svc, __u32 addr, char *buf)
{
	snprintf(buf, M_KEY_LEN, "%s/%08x", svc, addr);
	return buf;
}

static const char *ip_str(__u32 addr, char *buf)
{
	struct in_addr in = { .s_addr = addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* The parsed attributes of an op, and typed getters that default. */
struct m_req {
	const struct pl_op *op;
	struct nlattr *tb[M_TB];
};

static const char *r_str(struct m_req *r, int type)
{
	return r->tb[type] ? nla_get_string(r->tb[type]) : NULL;
}

static __u32 r_u32(struct m_req *r, int type, __u32 def)
{
	return r->tb[type] ? nla_get_u32(r->tb[type]) : def;
}

static __u16 r_u16(struct m_req *r, int type, __u16 def)
{
	return r->tb[type] ? nla_get_u16(r->tb[type]) : def;
}

static __u8 r_u8(struct m_req *r, int type, __u8 def)
{
	return r->tb[type] ? nla_get_u8(r->tb[type]) : def;
}

/* A name the request must hold (our parsers always put it). */
static const char *r_name(struct m_req *r, int type)
{
	return r_str(r, type) ?: "";
}

/* Each top-level attribute of type in the op, in order. */
static struct nlattr *r_next(struct m_req *r, int type, struct nlattr *prev)
{
	struct nlattr *nla = r->op->attrs;
	int rem = r->op->len;

	if (prev) {
		rem -= (char *)prev - (char *)nla;
		nla = nla_next(prev, &rem);
	}
	for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		if (nla_type(nla) == type)
			return nla;
	}
	return NULL;
}

static struct m_az *az_get(struct pl_model *m, const char *name)
{
	struct m_node *n = m_find(&m->azs, name);

	if (!n)
		m_fail("AZ \"%s\" does not exist", name);
	return (struct m_az *)n;
}

static struct m_subnet *subnet_get(struct pl_model *m, const char *id)
{
	struct m_node *n = m_find(&m->subnets, id);

	if (!n)
		m_fail("subnet \"%s\" does not exist", id);
	return (struct m_subnet *)n;
}

static struct m_service *service_get(struct pl_model *m, const char *name)
{
	struct m_node *n = m_find(&m->services, name);

	if (!n)
		m_fail("service \"%s\" does not exist", name);
	return (struct m_service *)n;
}

static struct m_endpoint *endpoint_get(struct pl_model *m, const char *id)
{
	struct m_node *n = m_find(&m->endpoints, id);

	if (!n)
		m_fail("endpoint \"%s\" does not exist", id);
	return (struct m_endpoint *)n;
}

/*
 * A name as the kernel takes it: letters, digits, '.', '_' and '-'. The
 * diff writes names back as plain words, so one with a blank or a quote
 * would be read back as something else: refuse it here, in the kernel's
 * words, at the line that has it.
 */
static int check_name(const char *what, const char *s)
{
	const char *p;

	if (!*s)
		return m_fail("%s is empty", what);
	for (p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' &&
		    *p != '-')
			return m_fail("%s \"%s\" holds '%c': use letters, digits, '.', '_' and '-'",
				      what, s, isprint((unsigned char)*p) ? *p : '?');
	}
	return 0;
}

/* A DNS name's characters, as the kernel checks them (it checks the rest). */
static int check_dns(const char *what, const char *s, int star)
{
	const char *p = s;

	while (isalnum((unsigned char)*p) || *p == '-' || *p == '.' ||
	       (star && p == s && *p == '*'))
		p++;
	if (!*p)
		return 0;
	return m_fail("%s \"%s\" holds '%c': a DNS name holds letters, digits, '-' and dots%s",
		      what, s, isprint((unsigned char)*p) ? *p : '?',
		      star ? ", and may start with \"*.\"" : "");
}

static int check_new(const struct m_table *t, const char *what, const char *key)
{
	if (m_find(t, key))
		return m_fail("%s \"%s\" exists already", what, key);
	return 0;
}

static int az_add(struct pl_model *m, struct m_req *r)
{
	const char *name = r_name(r, PL_A_AZ_NAME);
	struct m_az *az;

	if (check_name("AZ name", name) || check_new(&m->azs, "AZ", name) ||
	    (r_str(r, PL_A_AZ_ZONE_ID) &&
	     check_name("zone id", r_str(r, PL_A_AZ_ZONE_ID))))
		return -1;
	az = t_new(&m->azs, sizeof(*az), name);
	if (r_str(r, PL_A_AZ_ZONE_ID))
		az->zone_id = m_strdup(r_str(r, PL_A_AZ_ZONE_ID));
	az->state = PL_AZ_STATE_UP;
	az->node.line = r->op->line;
	az->state_line = r->op->line;
	return 0;
}

static int az_set(struct pl_model *m, struct m_req *r)
{
	struct m_az *az = az_get(m, r_name(r, PL_A_AZ_NAME));

	if (!az)
		return -1;
	az->state = r_u8(r, PL_A_AZ_STATE, az->state);
	az->state_line = r->op->line;
	return 0;
}

static int az_del(struct pl_model *m, struct m_req *r)
{
	struct m_az *az = az_get(m, r_name(r, PL_A_AZ_NAME));

	if (!az)
		return -1;
	if (az->users)
		return m_fail("AZ \"%s\" is in use by %u subnets, backends or sources",
			      az->node.key, az->users);
	t_del(&m->azs, &az->node);
	free(az->zone_id);
	free(az);
	return 0;
}

/* One more (or, with d -1, one fewer) user of an AZ. */
static void az_use(struct pl_model *m, const char *name, int d)
{
	struct m_az *az = (struct m_az *)m_find(&m->azs, name);

	if (az)
		az->users += d;
}

static int subnet_add(struct pl_model *m, struct m_req *r)
{
	const char *id = r_name(r, PL_A_SUBNET_ID);
	const char *az = r_name(r, PL_A_SUBNET_AZ);
	struct m_subnet *s;

	if (check_name("subnet id", id) ||
	    check_new(&m->subnets, "subnet", id) || !az_get(m, az))
		return -1;
	s = t_new(&m->subnets, sizeof(*s), id);
	s->prefix = r_u32(r, PL_A_SUBNET_PREFIX, 0);
	s->plen = r_u8(r, PL_A_SUBNET_PREFIX_LEN, 0);
	if (r->tb[PL_A_SUBNET_IPV6_PREFIX])
		memcpy(s->prefix6, nla_data(r->tb[PL_A_SUBNET_IPV6_PREFIX]),
		       sizeof(s->prefix6));
	s->plen6 = r_u8(r, PL_A_SUBNET_IPV6_PREFIX_LEN, 0);
	s->az = m_strdup(az);
	s->ifindex = r_u32(r, PL_A_SUBNET_IFINDEX, 0);
	s->probe = r_u8(r, PL_A_SUBNET_PROBE, 1);
	s->node.line = r->op->line;
	s->probe_line = r->op->line;
	az_use(m, az, 1);
	return 0;
}

static int subnet_set(struct pl_model *m, struct m_req *r)
{
	struct m_subnet *s = subnet_get(m, r_name(r, PL_A_SUBNET_ID));

	if (!s)
		return -1;
	s->probe = r_u8(r, PL_A_SUBNET_PROBE, s->probe);
	s->probe_line = r->op->line;
	return 0;
}

static void subnet_free(struct pl_model *m, struct m_subnet *s)
{
	az_use(m, s->az, -1);
	t_del(&m->subnets, &s->node);
	free(s->az);
	free(s);
}

static int subnet_del(struct pl_model *m, struct m_req *r)
{
	struct m_subnet *s = subnet_get(m, r_name(r, PL_A_SUBNET_ID));

	if (!s)
		return -1;
	if (s->enis)
		return m_fail("subnet \"%s\" is in use by %u endpoints",
			      s->node.key, s->enis);
	subnet_free(m, s);
	return 0;
}

static void service_listeners(struct m_service *svc, struct m_req *r)
{
	struct nlattr *nla = NULL, *tb[PL_A_LISTENER_MAX + 1];
	struct m_listener *l;

	while ((nla = r_next(r, PL_A_SERVICE_LISTENER, nla))) {
		if (nla_parse_nested(tb, PL_A_LISTENER_MAX, nla, NULL) ||
		    !tb[PL_A_LISTENER_PORT])
			continue;
		svc->ls = pl_realloc(svc->ls, (svc->n_ls + 1) * sizeof(*l));
		l = &svc->ls[svc->n_ls++];
		l->port = nla_get_u16(tb[PL_A_LISTENER_PORT]);
		l->target = tb[PL_A_LISTENER_TARGET_PORT] ?
			    nla_get_u16(tb[PL_A_LISTENER_TARGET_PORT]) :
			    l->port;
	}
}

static int check_private_dns(struct m_req *r)
{
	const char *s = r_str(r, PL_A_SERVICE_PRIVATE_DNS);

	return s ? check_dns("private DNS name", s, 1) : 0;
}

/*
 * acceptance, cross-zone, idle-timeout, health and unhealthy-termination,
 * those given; then lines.
 */
static void service_settings(struct m_service *svc, struct m_req *r)
{
	__u32 line = r->op->line;

	if (r->tb[PL_A_SERVICE_ACCEPTANCE]) {
		svc->acceptance = r_u8(r, PL_A_SERVICE_ACCEPTANCE, 0);
		svc->acceptance_line = line;
	}
	if (r->tb[PL_A_SERVICE_CROSS_ZONE]) {
		svc->cross_zone = r_u8(r, PL_A_SERVICE_CROSS_ZONE, 0);
		svc->cross_zone_line = line;
	}
	if (r->tb[PL_A_SERVICE_IDLE_TIMEOUT]) {
		svc->idle_timeout = r_u32(r, PL_A_SERVICE_IDLE_TIMEOUT, 0);
		svc->idle_timeout_line = line;
	}
	if (r->tb[PL_A_SERVICE_HEALTH]) {
		health_apply(&svc->health, r->tb[PL_A_SERVICE_HEALTH]);
		svc->health_line = line;
	}
	if (r->tb[PL_A_SERVICE_UNHEALTHY_TERMINATION]) {
		svc->termination = r_u8(r, PL_A_SERVICE_UNHEALTHY_TERMINATION,
					1);
		svc->termination_line = line;
	}
	if (r->tb[PL_A_SERVICE_PRIVATE_DNS]) {
		free(svc->private_dns);
		svc->private_dns = NULL;
		if (*r_str(r, PL_A_SERVICE_PRIVATE_DNS))
			svc->private_dns =
				m_strdup(r_str(r, PL_A_SERVICE_PRIVATE_DNS));
		svc->private_dns_line = line;
	}
}

static int service_add(struct pl_model *m, struct m_req *r)
{
	const char *name = r_name(r, PL_A_SERVICE_NAME);
	struct m_service *svc;

	if (check_name("service name", name) ||
	    check_new(&m->services, "service", name) ||
	    check_private_dns(r))
		return -1;
	svc = t_new(&m->services, sizeof(*svc), name);
	service_listeners(svc, r);
	svc->acceptance = PL_ACCEPTANCE_MANUAL;
	svc->idle_timeout = M_IDLE_TIMEOUT;
	svc->node.line = r->op->line;
	svc->acceptance_line = svc->node.line;
	svc->cross_zone_line = svc->node.line;
	svc->idle_timeout_line = svc->node.line;
	health_defaults(&svc->health);
	svc->health_line = svc->node.line;
	svc->termination = 1;
	svc->termination_line = svc->node.line;
	service_settings(svc, r);
	return 0;
}

static int service_set(struct pl_model *m, struct m_req *r)
{
	struct m_service *svc = service_get(m, r_name(r, PL_A_SERVICE_NAME));

	if (!svc || check_private_dns(r))
		return -1;
	service_settings(svc, r);
	return 0;
}

static void backend_free(struct pl_model *m, struct m_backend *b)
{
	az_use(m, b->az, -1);
	t_del(&m->backends, &b->node);
	free(b->svc);
	free(b->az);
	free(b);
}

/* A service's backends and sources, which go when it goes. */
static void service_empty(struct pl_model *m, struct m_service *svc)
{
	struct m_node *n, *next;
	unsigned int i;

	for (n = m->backends.list.next; n != &m->backends.list; n = next) {
		next = n->next;
		if (!strcmp(((struct m_backend *)n)->svc, svc->node.key))
			backend_free(m, (struct m_backend *)n);
	}
	for (i = 0; i < svc->n_src; i++) {
		az_use(m, svc->src[i].az, -1);
		free(svc->src[i].az);
	}
	svc->n_src = 0;
}

static void service_free(struct pl_model *m, struct m_service *svc)
{
	service_empty(m, svc);
	t_del(&m->services, &svc->node);
	health_free(&svc->health);
	free(svc->private_dns);
	free(svc->ls);
	free(svc->src);
	free(svc);
}

static int service_del(struct pl_model *m, struct m_req *r)
{
	struct m_service *svc = service_get(m, r_name(r, PL_A_SERVICE_NAME));

	if (!svc)
		return -1;
	if (svc->endpoints)
		return m_fail("service \"%s\" is in use by %u endpoints",
			      svc->node.key, svc->endpoints);
	service_free(m, svc);
	return 0;
}

static int source_same(const struct m_source *a, const struct m_source *b)
{
	return a->v6 == b->v6 &&
	       (a->v6 ? !memcmp(a->addr6, b->addr6, sizeof(a->addr6)) :
			a->addr == b->addr);
}

int source_find(const struct m_service *svc, const struct m_source *key)
{
	unsigned int i;

	for (i = 0; i < svc->n_src; i++) {
		if (source_same(&svc->src[i], key))
			return i;
	}
	return -1;
}

/* The source's address as text; buf holds INET6_ADDRSTRLEN bytes. */
const char *source_str(const struct m_source *src, char *buf)
{
	if (src->v6)
		return addr6_str(src->addr6, buf);
	return ip_str(src->addr, buf);
}

/* The one source nest of a source request: its address and AZ. */
static int source_req(struct m_req *r, struct m_source *key)
{
	struct nlattr *nla = r_next(r, PL_A_SERVICE_SOURCE, NULL);
	struct nlattr *tb[PL_A_SOURCE_MAX + 1];

	memset(key, 0, sizeof(*key));
	if (!nla || nla_parse_nested(tb, PL_A_SOURCE_MAX, nla, NULL))
		return m_fail("no source address");
	if (tb[PL_A_SOURCE_ADDRESS]) {
		key->addr = nla_get_u32(tb[PL_A_SOURCE_ADDRESS]);
	} else if (tb[PL_A_SOURCE_IPV6] &&
		   nla_len(tb[PL_A_SOURCE_IPV6]) == sizeof(key->addr6)) {
		key->v6 = 1;
		memcpy(key->addr6, nla_data(tb[PL_A_SOURCE_IPV6]),
		       sizeof(key->addr6));
	} else {
		return m_fail("no source address");
	}
	key->az = tb[PL_A_SOURCE_AZ] ? nla_get_string(tb[PL_A_SOURCE_AZ]) : "";
	return 0;
}

/* At most one source address of each family per zone, as the kernel's. */
static int source_add(struct pl_model *m, struct m_req *r)
{
	struct m_service *svc = service_get(m, r_name(r, PL_A_SERVICE_NAME));
	char buf[INET6_ADDRSTRLEN];
	struct m_source *src, key;
	unsigned int i;

	if (!svc || source_req(r, &key) || !az_get(m, key.az))
		return -1;
	for (i = 0; i < svc->n_src; i++) {
		src = &svc->src[i];
		if (source_same(src, &key) ||
		    (src->v6 == key.v6 && !strcmp(src->az, key.az)))
			return m_fail("service \"%s\" has source %s in AZ \"%s\" already",
				      svc->node.key, source_str(src, buf),
				      src->az);
	}
	svc->src = pl_realloc(svc->src, (svc->n_src + 1) * sizeof(*src));
	src = &svc->src[svc->n_src++];
	*src = key;
	src->az = m_strdup(key.az);
	src->line = r->op->line;
	az_use(m, key.az, 1);
	return 0;
}

static int source_del(struct pl_model *m, struct m_req *r)
{
	struct m_service *svc = service_get(m, r_name(r, PL_A_SERVICE_NAME));
	char buf[INET6_ADDRSTRLEN];
	struct m_source key;
	int i;

	if (!svc || source_req(r, &key))
		return -1;
	i = source_find(svc, &key);
	if (i < 0)
		return m_fail("service \"%s\" has no source %s", svc->node.key,
			      source_str(&key, buf));
	az_use(m, svc->src[i].az, -1);
	free(svc->src[i].az);
	memmove(&svc->src[i], &svc->src[i + 1],
		(--svc->n_src - i) * sizeof(*svc->src));
	return 0;
}

static struct m_backend *backend_get(struct pl_model *m, struct m_req *r)
{
	__u32 addr = r_u32(r, PL_A_BACKEND_ADDRESS, 0);
	const char *svc = r_name(r, PL_A_BACKEND_SERVICE);
	char key[M_KEY_LEN], buf[INET_ADDRSTRLEN];
	struct m_node *n;

	n = m_find(&m->backends, backend_key(svc, addr, key));
	if (!n)
		m_fail("service \"%s\" has no backend %s", svc,
		       ip_str(addr, buf));
	return (struct m_backend *)n;
}

static int backend_add(struct pl_model *m, struct m_req *r)
{
	__u32 addr = r_u32(r, PL_A_BACKEND_ADDRESS, 0);
	const char *svc = r_name(r, PL_A_BACKEND_SERVICE);
	const char *az = r_name(r, PL_A_BACKEND_AZ);
	char key[M_KEY_LEN], buf[INET_ADDRSTRLEN];
	struct m_backend *b;

	if (!service_get(m, svc) || !az_get(m, az))
		return -1;
	if (m_find(&m->backends, backend_key(svc, addr, key)))
		return m_fail("service \"%s\" has backend %s already", svc,
			      ip_str(addr, buf));
	b = t_new(&m->backends, sizeof(*b), key);
	b->svc = m_strdup(svc);
	b->addr = addr;
	b->az = m_strdup(az);
	b->port = r_u16(r, PL_A_BACKEND_PORT, 0);
	b->weight = r_u32(r, PL_A_BACKEND_WEIGHT, 1);
	b->state = PL_BACKEND_STATE_ACTIVE;
	b->node.line = r->op->line;
	b->weight_line = b->node.line;
	b->state_line = b->node.line;
	az_use(m, az, 1);
	return 0;
}

static int backend_set(struct pl_model *m, struct m_req *r)
{
	struct m_backend *b = backend_get(m, r);

	if (!b)
		return -1;
	if (r->tb[PL_A_BACKEND_WEIGHT]) {
		b->weight = r_u32(r, PL_A_BACKEND_WEIGHT, 0);
		b->weight_line = r->op->line;
	}
	if (r->tb[PL_A_BACKEND_STATE]) {
		b->state = r_u8(r, PL_A_BACKEND_STATE, 0);
		b->state_line = r->op->line;
	}
	return 0;
}

static int backend_del(struct pl_model *m, struct m_req *r)
{
	struct m_backend *b = backend_get(m, r);

	if (!b)
		return -1;
	backend_free(m, b);
	return 0;
}

int allow_find(const struct m_endpoint *ep, const struct m_allow *key)
{
	const struct m_allow *p;
	unsigned int i;

	for (i = 0; i < ep->n_allow; i++) {
		p = &ep->allow[i];
		if (p->v6 == key->v6 && p->len == key->len &&
		    (p->v6 ? !memcmp(p->addr6, key->addr6, sizeof(p->addr6)) :
			     p->addr == key->addr))
			return i;
	}
	return -1;
}

/* "A.B.C.D/LEN" or "X:X::X/LEN"; buf holds M_PREFIX_LEN bytes. */
const char *allow_str(const struct m_allow *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, M_PREFIX_LEN, "%s/%u",
		 p->v6 ? addr6_str(p->addr6, a) :
			 ip_str(p->addr, a), p->len);
	return buf;
}

/* One allow nest: its prefix, of either family. */
static int allow_parse(struct nlattr *nla, struct m_allow *p)
{
	struct nlattr *tb[PL_A_PREFIX_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (!nla || nla_parse_nested(tb, PL_A_PREFIX_MAX, nla, NULL) ||
	    !tb[PL_A_PREFIX_LEN])
		return m_fail("no allowed prefix");
	p->len = nla_get_u8(tb[PL_A_PREFIX_LEN]);
	if (tb[PL_A_PREFIX_ADDRESS]) {
		p->addr = nla_get_u32(tb[PL_A_PREFIX_ADDRESS]);
		return 0;
	}
	if (!tb[PL_A_PREFIX_IPV6] ||
	    nla_len(tb[PL_A_PREFIX_IPV6]) != sizeof(p->addr6))
		return m_fail("no allowed prefix");
	p->v6 = 1;
	memcpy(p->addr6, nla_data(tb[PL_A_PREFIX_IPV6]), sizeof(p->addr6));
	return 0;
}

static int allow_put(struct m_endpoint *ep, struct nlattr *nla, __u32 line)
{
	char buf[M_PREFIX_LEN];
	struct m_allow key;

	if (allow_parse(nla, &key))
		return -1;
	if (allow_find(ep, &key) >= 0)
		return m_fail("endpoint \"%s\" allows %s already",
			      ep->node.key, allow_str(&key, buf));
	key.line = line;
	ep->allow = pl_realloc(ep->allow, (ep->n_allow + 1) * sizeof(key));
	ep->allow[ep->n_allow++] = key;
	return 0;
}

static int eni_put(struct pl_model *m, struct m_endpoint *ep,
		   struct nlattr *nla)
{
	struct nlattr *tb[PL_A_ENI_MAX + 1];
	struct m_subnet *s;
	struct m_eni *e;

	if (nla_parse_nested(tb, PL_A_ENI_MAX, nla, NULL) ||
	    !tb[PL_A_ENI_SUBNET])
		return m_fail("an ENI without a subnet");
	s = subnet_get(m, nla_get_string(tb[PL_A_ENI_SUBNET]));
	if (!s)
		return -1;
	ep->enis = pl_realloc(ep->enis, (ep->n_enis + 1) * sizeof(*e));
	e = &ep->enis[ep->n_enis++];
	e->subnet = m_strdup(s->node.key);
	e->ip = tb[PL_A_ENI_IP] ? nla_get_u32(tb[PL_A_ENI_IP]) : 0;
	memset(e->ip6, 0, sizeof(e->ip6));
	if (tb[PL_A_ENI_IPV6] && nla_len(tb[PL_A_ENI_IPV6]) == sizeof(e->ip6))
		memcpy(e->ip6, nla_data(tb[PL_A_ENI_IPV6]), sizeof(e->ip6));
	s->enis++;
	return 0;
}

static void endpoint_free(struct pl_model *m, struct m_endpoint *ep)
{
	struct m_node *n;
	unsigned int i;

	for (i = 0; i < ep->n_enis; i++) {
		n = m_find(&m->subnets, ep->enis[i].subnet);
		if (n)
			((struct m_subnet *)n)->enis--;
		free(ep->enis[i].subnet);
	}
	n = m_find(&m->services, ep->svc);
	if (n)
		((struct m_service *)n)->endpoints--;
	t_del(&m->endpoints, &ep->node);
	free(ep->svc);
	free(ep->enis);
	free(ep->allow);
	free(ep);
}

static int endpoint_fill(struct pl_model *m, struct m_endpoint *ep,
			 struct m_req *r)
{
	struct nlattr *nla = NULL;

	while ((nla = r_next(r, PL_A_ENDPOINT_ENI, nla))) {
		if (eni_put(m, ep, nla))
			return -1;
	}
	while ((nla = r_next(r, PL_A_ENDPOINT_ALLOW, nla))) {
		if (allow_put(ep, nla, r->op->line))
			return -1;
	}
	return 0;
}

static int endpoint_add(struct pl_model *m, struct m_req *r)
{
	const char *id = r_name(r, PL_A_ENDPOINT_ID);
	struct m_endpoint *ep;
	struct m_service *svc;

	svc = service_get(m, r_name(r, PL_A_ENDPOINT_SERVICE));
	if (!svc || check_name("endpoint id", id) ||
	    check_new(&m->endpoints, "endpoint", id))
		return -1;
	ep = t_new(&m->endpoints, sizeof(*ep), id);
	ep->svc = m_strdup(svc->node.key);
	svc->endpoints++;
	ep->node.line = r->op->line;
	ep->state_line = ep->node.line;
	ep->state = svc->acceptance == PL_ACCEPTANCE_AUTO ?
		    PL_ENDPOINT_STATE_AVAILABLE :
		    PL_ENDPOINT_STATE_PENDING_ACCEPTANCE;
	/* As the kernel does: on when the service has a private name. */
	ep->private_dns = r_u8(r, PL_A_ENDPOINT_PRIVATE_DNS,
			       !!svc->private_dns);
	ep->private_dns_line = ep->node.line;
	ep->ip_type = r_u8(r, PL_A_ENDPOINT_IP_ADDRESS_TYPE,
			   PL_IP_ADDRESS_TYPE_IPV4);
	if (endpoint_fill(m, ep, r)) {
		endpoint_free(m, ep);
		return -1;
	}
	return 0;
}

static int endpoint_set(struct pl_model *m, struct m_req *r)
{
	struct m_endpoint *ep = endpoint_get(m, r_name(r, PL_A_ENDPOINT_ID));
	__u8 state = r_u8(r, PL_A_ENDPOINT_STATE, 0);

	if (!ep)
		return -1;
	if (r->tb[PL_A_ENDPOINT_PRIVATE_DNS]) {
		ep->private_dns = r_u8(r, PL_A_ENDPOINT_PRIVATE_DNS, 0);
		ep->private_dns_line = r->op->line;
	}
	if (!r->tb[PL_A_ENDPOINT_STATE])
		return 0;
	if (state == PL_ENDPOINT_STATE_PENDING_ACCEPTANCE)
		return m_fail("an endpoint cannot return to pending-acceptance");
	if (state == PL_ENDPOINT_STATE_AVAILABLE &&
	    ep->state != PL_ENDPOINT_STATE_PENDING_ACCEPTANCE)
		return m_fail("endpoint \"%s\" is %s: only a pending endpoint can be accepted",
			      ep->node.key,
			      pl_enum_name(&pl_endpoint_states, ep->state));
	if (state == PL_ENDPOINT_STATE_REJECTED &&
	    ep->state == PL_ENDPOINT_STATE_REJECTED)
		return m_fail("endpoint \"%s\" is rejected already: it cannot be rejected",
			      ep->node.key);
	ep->state = state;
	ep->state_line = r->op->line;
	return 0;
}

static int allow_add(struct pl_model *m, struct m_req *r)
{
	struct m_endpoint *ep = endpoint_get(m, r_name(r, PL_A_ENDPOINT_ID));

	if (!ep)
		return -1;
	return allow_put(ep, r_next(r, PL_A_ENDPOINT_ALLOW, NULL),
			 r->op->line);
}

static int allow_del(struct pl_model *m, struct m_req *r)
{
	struct m_endpoint *ep = endpoint_get(m, r_name(r, PL_A_ENDPOINT_ID));
	char buf[M_PREFIX_LEN];
	struct m_allow key;
	int i;

	if (!ep || allow_parse(r_next(r, PL_A_ENDPOINT_ALLOW, NULL), &key))
		return -1;
	i = allow_find(ep, &key);
	if (i < 0)
		return m_fail("endpoint \"%s\" does not allow %s",
			      ep->node.key, allow_str(&key, buf));
	memmove(&ep->allow[i], &ep->allow[i + 1],
		(--ep->n_allow - i) * sizeof(*ep->allow));
	return 0;
}

static int endpoint_del(struct pl_model *m, struct m_req *r)
{
	struct m_endpoint *ep = endpoint_get(m, r_name(r, PL_A_ENDPOINT_ID));

	if (!ep)
		return -1;
	endpoint_free(m, ep);
	return 0;
}

/* A limit's value (fast-path: 0 or 1). */
__u32 m_limit_get(const struct nlattr *a, int i)
{
	return m_limit_attr(i) == PL_A_LIMITS_FAST_PATH ? nla_get_u8(a) :
							  nla_get_u32(a);
}

/* A limit's value as save writes it; static storage. */
const char *m_limit_str(int i, __u32 val)
{
	static char s[16];

	if (m_limit_attr(i) == PL_A_LIMITS_FAST_PATH)
		return val ? "on" : "off";
	snprintf(s, sizeof(s), "%u", val);
	return s;
}

static int limits_set(struct pl_model *m, struct m_req *r)
{
	struct m_limits *l = &m->limits;
	int i;

	for (i = 0; i < M_LIMITS; i++) {
		if (!r->tb[m_limit_attr(i)])
			continue;
		l->val[i] = m_limit_get(r->tb[m_limit_attr(i)], i);
		l->line[i] = r->op->line;
		l->have |= 1U << i;
	}
	return 0;
}

static int dns_set(struct pl_model *m, struct m_req *r)
{
	if (check_dns("DNS suffix", r_str(r, PL_A_DNS_SUFFIX), 0))
		return -1;
	free(m->dns.suffix);
	m->dns.suffix = NULL;
	if (strcmp(r_str(r, PL_A_DNS_SUFFIX), PL_DNS_SUFFIX))
		m->dns.suffix = m_strdup(r_str(r, PL_A_DNS_SUFFIX));
	m->dns.suffix_line = r->op->line;
	return 0;
}

int consumer_find(const struct m_dns *dns, __u32 addr, __u8 len)
{
	unsigned int i;

	for (i = 0; i < dns->n_consumers; i++) {
		if (dns->consumers[i].addr == addr &&
		    dns->consumers[i].len == len)
			return i;
	}
	return -1;
}

static int consumer_edit(struct pl_model *m, struct m_req *r, int add)
{
	struct m_dns *dns = &m->dns;
	char buf[M_PREFIX_LEN];
	struct m_allow key;
	int i;

	if (allow_parse(r_next(r, PL_A_DNS_CONSUMER, NULL), &key))
		return -1;
	if (key.v6)	/* as the kernel */
		return m_fail("%s: an IPv6 prefix is not taken here (IPv4 only)",
			      allow_str(&key, buf));
	i = consumer_find(dns, key.addr, key.len);
	if (add && i >= 0)
		return m_fail("%s is a consumer prefix already",
			      allow_str(&key, buf));
	if (!add && i < 0)
		return m_fail("%s is not a consumer prefix",
			      allow_str(&key, buf));
	if (!add) {
		memmove(&dns->consumers[i], &dns->consumers[i + 1],
			(--dns->n_consumers - i) * sizeof(*dns->consumers));
		return 0;
	}
	dns->consumers = pl_realloc(dns->consumers, (dns->n_consumers + 1) *
				    sizeof(*dns->consumers));
	key.line = r->op->line;
	dns->consumers[dns->n_consumers++] = key;
	return 0;
}

static int consumer_add(struct pl_model *m, struct m_req *r)
{
	return consumer_edit(m, r, 1);
}

static int consumer_del(struct pl_model *m, struct m_req *r)
{
	return consumer_edit(m, r, 0);
}

static int ip6_any(const unsigned char *ip6)
{
	static const unsigned char zero[16];

	return !memcmp(ip6, zero, sizeof(zero));
}

/* Whether an endpoint's ENI matches want (whose unspecified IPs take any). */
int eni_matches(const struct m_eni *want, const struct m_endpoint *ep)
{
	const struct m_eni *e;
	unsigned int i;

	for (i = 0; i < ep->n_enis; i++) {
		e = &ep->enis[i];
		if (strcmp(e->subnet, want->subnet))
			continue;
		return (!want->ip || want->ip == e->ip) &&
		       (ip6_any(want->ip6) ||
			!memcmp(want->ip6, e->ip6, sizeof(e->ip6)));
	}
	return 0;
}

struct m_handler {
	__u8 cmd;
	int max;
	int (*fn)(struct pl_model *m, struct m_req *r);
};

static const struct m_handler m_handlers[] = {
	{ PL_CMD_AZ_ADD, PL_A_AZ_MAX, az_add },
	{ PL_CMD_AZ_SET, PL_A_AZ_MAX, az_set },
	{ PL_CMD_AZ_DEL, PL_A_AZ_MAX, az_del },
	{ PL_CMD_SUBNET_ADD, PL_A_SUBNET_MAX, subnet_add },
	{ PL_CMD_SUBNET_SET, PL_A_SUBNET_MAX, subnet_set },
	{ PL_CMD_SUBNET_DEL, PL_A_SUBNET_MAX, subnet_del },
	{ PL_CMD_SERVICE_ADD, PL_A_SERVICE_MAX, service_add },
	{ PL_CMD_SERVICE_SET, PL_A_SERVICE_MAX, service_set },
	{ PL_CMD_SERVICE_DEL, PL_A_SERVICE_MAX, service_del },
	{ PL_CMD_SERVICE_SOURCE_ADD, PL_A_SERVICE_MAX, source_add },
	{ PL_CMD_SERVICE_SOURCE_DEL, PL_A_SERVICE_MAX, source_del },
	{ PL_CMD_BACKEND_ADD, PL_A_BACKEND_MAX, backend_add },
	{ PL_CMD_BACKEND_SET, PL_A_BACKEND_MAX, backend_set },
	{ PL_CMD_BACKEND_DEL, PL_A_BACKEND_MAX, backend_del },
	{ PL_CMD_ENDPOINT_ADD, PL_A_ENDPOINT_MAX, endpoint_add },
	{ PL_CMD_ENDPOINT_SET, PL_A_ENDPOINT_MAX, endpoint_set },
	{ PL_CMD_ENDPOINT_ALLOW_ADD, PL_A_ENDPOINT_MAX, allow_add },
	{ PL_CMD_ENDPOINT_ALLOW_DEL, PL_A_ENDPOINT_MAX, allow_del },
	{ PL_CMD_ENDPOINT_DEL, PL_A_ENDPOINT_MAX, endpoint_del },
	{ PL_CMD_LIMITS_SET, PL_A_LIMITS_MAX, limits_set },
	{ PL_CMD_DNS_SET, PL_A_DNS_MAX, dns_set },
	{ PL_CMD_DNS_CONSUMER_ADD, PL_A_DNS_MAX, consumer_add },
	{ PL_CMD_DNS_CONSUMER_DEL, PL_A_DNS_MAX, consumer_del },
};

/*
 * Apply one op to the model. Returns 0, or -1 with the reason in
 * model_error(), the model unchanged.
 */
int model_apply(struct pl_model *m, const struct pl_op *op)
{
	struct m_req r = { .op = op };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(m_handlers); i++) {
		if (m_handlers[i].cmd != op->cmd)
			continue;
		if (m_handlers[i].max >= M_TB ||
		    nla_parse(r.tb, m_handlers[i].max, op->attrs, op->len,
			      NULL))
			return m_fail("malformed request");
		return m_handlers[i].fn(m, &r);
	}
	return m_fail("command %u cannot be part of a transaction", op->cmd);
}

void model_init(struct pl_model *m)
{
	memset(m, 0, sizeof(*m));
	t_init(&m->azs);
	t_init(&m->subnets);
	t_init(&m->services);
	t_init(&m->backends);
	t_init(&m->endpoints);
}

void model_free(struct pl_model *m)
{
	struct m_az *az;

	while (m->endpoints.n)
		endpoint_free(m, (struct m_endpoint *)m->endpoints.list.next);
	/* Backends first: a service would look for its own among them all. */
	while (m->backends.n)
		backend_free(m, (struct m_backend *)m->backends.list.next);
	while (m->services.n)
		service_free(m, (struct m_service *)m->services.list.next);
	while (m->subnets.n)
		subnet_free(m, (struct m_subnet *)m->subnets.list.next);
	while (m->azs.n) {
		az = (struct m_az *)m->azs.list.next;
		t_del(&m->azs, &az->node);
		free(az->zone_id);
		free(az);
	}
	free(m->azs.buckets);
	free(m->subnets.buckets);
	free(m->services.buckets);
	free(m->backends.buckets);
	free(m->endpoints.buckets);
	free(m->dns.suffix);
	free(m->dns.consumers);
	model_init(m);
}
