// SPDX-License-Identifier: GPL-2.0
/*
 * The health checker's targets: every backend of a service with health
 * checks whose health is initial, healthy or unhealthy (a drained, unused
 * or unchecked one is not probed). Each reading of the configuration (two
 * dumps: services, then backends) adds the new ones, with their first probe
 * at a random point of their interval, updates the others' settings, and
 * drops those that went; a target with a probe in flight is freed when its
 * probe ends.
 */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "checker.h"
#include "health.h"
#include "nl.h"
#include "objects.h"

/* A service with health checks, as the checker needs it. */
struct hc_svc {
	const char *name;
	struct pl_health h;
	__u16 traffic_port;		/* its first listener's target port */
};

static size_t hc_hash(const char *svc, __u32 addr)
{
	size_t h = 2166136261u;

	for (; *svc; svc++)
		h = (h ^ (unsigned char)*svc) * 16777619u;
	return (h ^ addr) * 16777619u;
}

static struct hc_target *hc_find(const struct hc_map *map, const char *svc,
				 __u32 addr)
{
	struct hc_target *t;

	if (!map->nb)
		return NULL;
	for (t = map->buckets[hc_hash(svc, addr) % map->nb]; t; t = t->hnext) {
		if (t->addr == addr && !strcmp(t->svc, svc))
			return t;
	}
	return NULL;
}

static void *hc_alloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p)
		abort();
	return p;
}

static void hc_rehash(struct hc_map *map)
{
	size_t nb = map->nb ? 2 * map->nb : 256, i, b;
	struct hc_target *t;

	free(map->buckets);
	map->buckets = calloc(nb, sizeof(*map->buckets));
	if (!map->buckets)
		abort();
	map->nb = nb;
	for (i = 0; i < map->n; i++) {
		t = map->v[i];
		b = hc_hash(t->svc, t->addr) % nb;
		t->hnext = map->buckets[b];
		map->buckets[b] = t;
	}
}

static struct hc_target *hc_add(struct hc_map *map, const char *svc,
				__u32 addr)
{
	struct hc_target *t = hc_alloc(NULL, sizeof(*t));
	size_t b;

	memset(t, 0, sizeof(*t));
	t->svc = strdup(svc);
	if (!t->svc)
		abort();
	t->addr = addr;
	if (map->n == map->cap) {
		map->cap = map->cap ? 2 * map->cap : 256;
		map->v = hc_alloc(map->v, map->cap * sizeof(*map->v));
	}
	t->index = map->n;
	map->v[map->n++] = t;
	if (map->n > map->nb) {
		hc_rehash(map);
	} else {
		b = hc_hash(svc, addr) % map->nb;
		t->hnext = map->buckets[b];
		map->buckets[b] = t;
	}
	return t;
}

void hc_target_free(struct hc_target *t)
{
	free(t->svc);
	free(t->path);
	free(t);
}

/* Take t out of the table: freed now, or when its probe ends. */
static void hc_remove(struct hc_map *map, struct hc_target *t)
{
	struct hc_target **pp = &map->buckets[hc_hash(t->svc, t->addr) %
					      map->nb];

	while (*pp != t)
		pp = &(*pp)->hnext;
	*pp = t->hnext;
	map->v[t->index] = map->v[--map->n];
	map->v[t->index]->index = t->index;
	if (!t->inflight) {
		hc_target_free(t);
		return;
	}
	t->dead = 1;
	t->dnext = map->dead;
	t->dprev = NULL;
	if (map->dead)
		map->dead->dprev = t;
	map->dead = t;
}

static const struct hc_svc *hc_svc_find(const struct hc_svc *v, size_t n,
					const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].name, name))
			return &v[i];
	}
	return NULL;
}

/* The target's settings from its service's. */
static void hc_settings(struct hc_target *t, const struct hc_svc *s,
			__u16 backend_port)
{
	const struct pl_health *h = &s->h;
	char err[128];

	t->spec.dst.sin_family = AF_INET;
	t->spec.dst.sin_addr.s_addr = t->addr;
	t->spec.dst.sin_port = htons(h->port ?: backend_port ?:
				     s->traffic_port);
	t->spec.proto = h->protocol == PL_HEALTH_PROTOCOL_HTTPS ? PROBE_HTTPS :
			h->protocol == PL_HEALTH_PROTOCOL_HTTP ? PROBE_HTTP :
			PROBE_TCP;
	if (!t->path || strcmp(t->path, h->path)) {
		free(t->path);
		t->path = strdup(h->path);
		if (!t->path)
			abort();
	}
	t->spec.path = t->path;
	if (probe_matcher_parse(h->matcher, &t->spec.matcher, err, sizeof(err)))
		memset(&t->spec.matcher, 0, sizeof(t->spec.matcher));
	t->spec.timeout_ms = h->timeout * 1000;
	t->interval_ms = h->interval * 1000;
	t->healthy = h->healthy;
	t->unhealthy = h->unhealthy;
}

/* One backend of the dump: a target to add, update or leave out. */
static void hc_backend(struct hc_map *map, struct hc *hc,
		       const struct hc_svc *s, struct nlattr **tb,
		       long long now)
{
	__u32 addr = nla_get_u32(tb[PL_A_BACKEND_ADDRESS]);
	__u8 health, reason = 0;
	struct hc_target *t;
	__u16 code = 0;

	if (!tb[PL_A_BACKEND_HEALTH])
		return;
	health = nla_get_u8(tb[PL_A_BACKEND_HEALTH]);
	if (health > PL_HEALTH_STATE_UNHEALTHY)
		return;		/* draining, unused: not probed */
	if (tb[PL_A_BACKEND_HEALTH_REASON])
		reason = nla_get_u8(tb[PL_A_BACKEND_HEALTH_REASON]);
	if (tb[PL_A_BACKEND_HEALTH_CODE])
		code = nla_get_u16(tb[PL_A_BACKEND_HEALTH_CODE]);
	t = hc_find(map, s->name, addr);
	if (!t) {
		t = hc_add(map, s->name, addr);
		t->hc = hc;
		t->due = now + random() % (s->h.interval * 1000);
		t->verdict = PL_HEALTH_STATE_INITIAL;
	}
	t->seen = 1;
	hc_settings(t, s, tb[PL_A_BACKEND_PORT] ?
		    nla_get_u16(tb[PL_A_BACKEND_PORT]) : 0);
	if (health == t->verdict && reason == t->reason && code == t->code)
		return;
	if (t->verdict == PL_HEALTH_STATE_INITIAL) {
		/* the kernel's word, from before this checker started */
		t->verdict = health;
		t->reason = reason;
		t->code = code;
		return;
	}
	hc_tell(hc, t);
}

/* The services with health checks, and their first target port. */
static size_t hc_services(struct pl_objs *o, struct hc_svc **out)
{
	struct nlattr *tb[PL_A_SERVICE_MAX + 1], *ls;
	struct nlmsghdr *nlh = NULL;
	struct hc_svc *v = NULL;
	__u16 port, target;
	size_t n = 0;

	while ((nlh = objs_next(o, nlh))) {
		if (service_parse(nlh, tb))
			continue;
		v = hc_alloc(v, (n + 1) * sizeof(*v));
		if (health_parse(tb[PL_A_SERVICE_HEALTH], &v[n].h) ||
		    v[n].h.protocol == PL_HEALTH_PROTOCOL_NONE)
			continue;
		v[n].name = nla_get_string(tb[PL_A_SERVICE_NAME]);
		ls = nl_attr_next(nlh, PL_A_SERVICE_LISTENER, NULL);
		v[n].traffic_port = ls && !listener_parse(ls, &port, &target) ?
				    target : 0;
		n++;
	}
	*out = v;
	return n;
}

/* Read services and backends; 0, or -1 when the module cannot be asked. */
int hc_map_sync(struct hc_map *map, struct hc *hc, long long now)
{
	struct pl_objs svcs = { NULL }, bes = { NULL };
	struct nlattr *tb[PL_A_BACKEND_MAX + 1];
	struct nlmsghdr *nlh = NULL;
	const struct hc_svc *s;
	struct hc_svc *v = NULL;
	size_t i, n;

	if (nl_exec(nl_req(PL_CMD_SERVICE_GET, NLM_F_DUMP), &svcs) ||
	    nl_exec(nl_req(PL_CMD_BACKEND_GET, NLM_F_DUMP), &bes)) {
		objs_free(&svcs);
		objs_free(&bes);
		return -1;
	}
	n = hc_services(&svcs, &v);
	for (i = 0; i < map->n; i++)
		map->v[i]->seen = 0;
	while ((nlh = objs_next(&bes, nlh))) {
		if (backend_parse(nlh, tb))
			continue;
		s = hc_svc_find(v, n,
				nla_get_string(tb[PL_A_BACKEND_SERVICE]));
		if (s)
			hc_backend(map, hc, s, tb, now);
	}
	for (i = map->n; i-- > 0;) {
		if (!map->v[i]->seen)
			hc_remove(map, map->v[i]);
	}
	free(v);
	objs_free(&svcs);
	objs_free(&bes);
	return 0;
}

/* Whether a notification only says what this checker told the kernel. */
int hc_own_event(struct hc_map *map, struct nlmsghdr *nlh)
{
	struct nlattr *tb[PL_A_BACKEND_MAX + 1];
	struct hc_target *t;

	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd !=
	    PL_CMD_BACKEND_CHANGE_NTF || backend_parse(nlh, tb) ||
	    !tb[PL_A_BACKEND_HEALTH])
		return 0;
	t = hc_find(map, nla_get_string(tb[PL_A_BACKEND_SERVICE]),
		    nla_get_u32(tb[PL_A_BACKEND_ADDRESS]));
	return t && t->verdict == nla_get_u8(tb[PL_A_BACKEND_HEALTH]);
}

/* A dead target's probe ended: free it. */
void hc_target_done(struct hc_map *map, struct hc_target *t)
{
	if (t->dprev)
		t->dprev->dnext = t->dnext;
	else
		map->dead = t->dnext;
	if (t->dnext)
		t->dnext->dprev = t->dprev;
	hc_target_free(t);
}

/* Drop every target (the module went away). */
void hc_map_clear(struct hc_map *map)
{
	while (map->n)
		hc_remove(map, map->v[map->n - 1]);
}

/* Free the table, and the dead targets, once no probe can end. */
void hc_map_free(struct hc_map *map)
{
	struct hc_target *t;

	hc_map_clear(map);
	while ((t = map->dead)) {
		map->dead = t->dnext;
		hc_target_free(t);
	}
	free(map->buckets);
	free(map->v);
	memset(map, 0, sizeof(*map));
}
