/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A configuration as pl-ctl models it: the objects that requests build,
 * with the kernel's rules for what they refer to and for the states of
 * endpoints. apply builds one from its file and one from the kernel, the
 * same way, and diffs them (diff.c).
 */

#ifndef PL_CTL_MODEL_H
#define PL_CTL_MODEL_H

#include <linux/pl.h>
#include <linux/types.h>

#include "health.h"

struct pl_op;

/* An object in a table: found by its key, listed in creation order. */
struct m_node {
	struct m_node *hnext;
	struct m_node *prev;
	struct m_node *next;
	char *key;
	__u32 line;		/* of the file's line that added it */
	int doomed;		/* to be deleted (diff) */
};

struct m_table {
	struct m_node **buckets;
	unsigned int nbuckets;
	unsigned int n;
	struct m_node list;
};

/* The first object of t, and the one after n: NULL at the end. */
static inline struct m_node *m_first(const struct m_table *t)
{
	return t->list.next != &t->list ? t->list.next : NULL;
}

static inline struct m_node *m_next(const struct m_table *t,
				    const struct m_node *n)
{
	return n->next != &t->list ? n->next : NULL;
}

struct m_az {
	struct m_node node;
	char *zone_id;		/* or NULL */
	__u8 state;
	__u32 state_line;
	unsigned int users;	/* subnets, backends and sources in it */
};

struct m_subnet {
	struct m_node node;
	__u32 prefix;
	__u8 plen;		/* 0: no IPv4 prefix */
	__u8 plen6;		/* 0: no IPv6 prefix */
	unsigned char prefix6[16];
	__u8 probe;
	__u32 ifindex;
	char *az;
	__u32 probe_line;
	unsigned int enis;
};

struct m_listener {
	__u16 port;
	__u16 target;
};

/* A source address: IPv4 (addr) or IPv6 (addr6, v6 set). */
struct m_source {
	__u32 addr;
	unsigned char addr6[16];
	__u8 v6;
	char *az;
	__u32 line;
	int doomed;
};

struct m_service {
	struct m_node node;
	struct m_listener *ls;
	unsigned int n_ls;
	struct m_source *src;
	unsigned int n_src;
	__u8 acceptance;
	__u8 cross_zone;
	__u32 idle_timeout;
	__u32 acceptance_line;
	__u32 cross_zone_line;
	__u32 idle_timeout_line;
	struct pl_health health;	/* its strings owned */
	__u32 health_line;
	__u8 termination;		/* unhealthy termination */
	__u32 termination_line;
	char *private_dns;		/* or NULL */
	__u32 private_dns_line;
	unsigned int endpoints;
	int want_manual;	/* manual while endpoints are added (diff) */
};

struct m_backend {
	struct m_node node;
	char *svc;
	__u32 addr;
	char *az;
	__u16 port;
	__u8 state;
	__u32 weight;
	__u32 weight_line;
	__u32 state_line;
};

struct m_eni {
	char *subnet;
	__u32 ip;		/* 0: any */
	unsigned char ip6[16];	/* all zero: any */
};

/* A prefix: IPv4 (addr), or IPv6 (addr6, v6 set) in allow lists. */
struct m_allow {
	__u32 addr;
	__u8 len;
	__u8 v6;
	unsigned char addr6[16];
	__u32 line;
};

struct m_endpoint {
	struct m_node node;
	char *svc;
	struct m_eni *enis;
	unsigned int n_enis;
	struct m_allow *allow;
	unsigned int n_allow;
	__u8 ip_type;		/* enum pl_ip_address_type */
	__u8 state;
	__u32 state_line;
	__u8 private_dns;
	__u32 private_dns_line;
};

/* The DNS settings: those a file does not set are the defaults. */
struct m_dns {
	char *suffix;		/* NULL: the default */
	__u32 suffix_line;
	struct m_allow *consumers;
	unsigned int n_consumers;
};

/* The limits limits-set takes, in the order save writes them. */
#define M_LIMITS	(PL_A_LIMITS_MAX_FLOWS - PL_A_LIMITS_MAX_AZS + 3)

static inline int m_limit_attr(int i)
{
	if (i < M_LIMITS - 2)
		return PL_A_LIMITS_MAX_AZS + i;
	return i == M_LIMITS - 2 ? PL_A_LIMITS_MAX_REJECT_LOGS :
				   PL_A_LIMITS_FAST_PATH;
}

struct nlattr;

__u32 m_limit_get(const struct nlattr *a, int i);
const char *m_limit_str(int i, __u32 val);

/* The limits a file sets: those it does not set are left as they are. */
struct m_limits {
	__u32 val[M_LIMITS];
	__u32 line[M_LIMITS];
	unsigned int have;	/* bit i: val[i] is set */
};

struct pl_model {
	struct m_table azs;
	struct m_table subnets;
	struct m_table services;
	struct m_table backends;
	struct m_table endpoints;
	struct m_limits limits;
	struct m_dns dns;
};

void model_init(struct pl_model *m);
void model_free(struct pl_model *m);
int model_apply(struct pl_model *m, const struct pl_op *op);
const char *model_error(void);

struct m_node *m_find(const struct m_table *t, const char *key);
const char *backend_key(const char *svc, __u32 addr, char *buf);
int eni_matches(const struct m_eni *want, const struct m_endpoint *ep);
int allow_find(const struct m_endpoint *ep, const struct m_allow *key);
const char *allow_str(const struct m_allow *p, char *buf);
#define M_PREFIX_LEN	(INET6_ADDRSTRLEN + 4)
int source_find(const struct m_service *svc, const struct m_source *key);
const char *source_str(const struct m_source *src, char *buf);
int consumer_find(const struct m_dns *dns, __u32 addr, __u8 len);

#endif /* PL_CTL_MODEL_H */
