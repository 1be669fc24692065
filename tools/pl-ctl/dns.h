/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS: the names of endpoints (regional, zonal and private), as the
 * kernel's configuration gives them, for endpoint show, endpoint dns and
 * dns sync.
 */

#ifndef PL_CTL_DNS_H
#define PL_CTL_DNS_H

#include <stdio.h>

#include <linux/pl.h>
#include <linux/types.h>

struct nl_msg;
struct nlmsghdr;
struct pl_args;
struct pl_kw;

#define PL_DNS_SUFFIX	"vpce.internal"	/* unless dns set suffix */
#define PL_DNS_LEN	256
#define PL_DNS_TTL	60
#define PL_DNS_VIEW	"pl"

int kw_private_dns(struct pl_args *a, struct nl_msg *m,
		   const struct pl_kw *kw, const char *val);

/* One name's address: an A record. */
struct dns_rr {
	char *name;		/* without the final dot */
	__u32 ip;
	int private;		/* for consumers only (the view) */
};

/* A private name's zone in the view: the name, or a wildcard's parent. */
struct dns_zone {
	char *name;
	int redirect;		/* a wildcard: the zone answers every name */
};

struct dns_prefix {
	__u32 addr;
	__u8 len;
};

/* What a resolver serves for a namespace's endpoints. */
struct dns_data {
	char suffix[PL_DNS_SUFFIX_MAX + 1];
	struct dns_rr *rr;
	size_t n_rr;
	struct dns_zone *zones;
	size_t n_zones;
	struct dns_prefix *consumers;	/* subnets, then dns consumers */
	size_t n_consumers;
	size_t n_subnets;		/* the first n_consumers */
};

int dns_data_load(struct dns_data *d, const char *id, const char *svc);
void dns_data_free(struct dns_data *d);
void dns_write_unbound(FILE *f, const struct dns_data *d);

/* The suffix, and services' private names, for endpoint show and dns. */
int dns_names_load(void);
int dns_suffix_load(void);
void dns_suffix_note(struct nlmsghdr *nlh);
const char *dns_suffix(void);
const char *dns_private_name(const char *svc);
void dns_names_free(void);

int dns_sync(struct pl_args *a);

#endif /* PL_CTL_DNS_H */
