/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS: the namespace's name suffix and consumer prefixes, services' private
 * DNS names and who claims them. The packet path reads none of it; pl-ctl
 * turns it into a resolver's data (pl-ctl endpoint dns, pl-ctl dns sync).
 *
 * A private name and an endpoint's private-dns switch each have a staged
 * value (dns_next) beside the committed one: a transaction changes the
 * staged values at once, so that its end can check the claims of the
 * configuration it leads to, and the commit makes them the committed ones.
 * Outside a transaction both are always the same.
 */

#ifndef _PL_DNS_H
#define _PL_DNS_H

#include <linux/types.h>
#include <uapi/linux/pl.h>

#include "endpoint.h"

struct pl_net;
struct pl_req;
struct pl_service;
struct nlattr;

#define PL_DNS_DEFAULT_SUFFIX "vpce.internal"

struct pl_dns {
	char suffix[PL_DNS_SUFFIX_MAX + 1];
	u32 n_consumers;
	struct pl_prefix consumers[PL_DNS_MAX_CONSUMERS];
};

void pl_dns_init(struct pl_net *pn);
int pl_dns_service_name(struct pl_req *req, const struct nlattr *attr,
			char **name);
int pl_dns_stage_service(struct pl_req *req, struct pl_service *svc,
			 char *name);
bool pl_dns_commit_service(struct pl_net *pn, struct pl_service *svc);
void pl_dns_free_service(struct pl_service *svc);
int pl_dns_stage_endpoint(struct pl_req *req, struct pl_endpoint *ep, u8 on);
bool pl_dns_commit_endpoint(struct pl_endpoint *ep);
int pl_dns_check(struct pl_req *req, const struct pl_endpoint *extra);

#endif /* _PL_DNS_H */
