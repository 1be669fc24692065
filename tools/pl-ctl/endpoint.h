/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Endpoints as dns.c sees them: their DNS names, and the request that
 * gets one endpoint or all of them.
 */

#ifndef PL_CTL_ENDPOINT_H
#define PL_CTL_ENDPOINT_H

#include "dns.h"

struct nl_msg;
struct pl_args;

const char *endpoint_dns_name(char *buf, const char *id, const char *az,
			      const char *svc);
struct nl_msg *endpoint_get(struct pl_args *a, int *err);

/* eni- and 17 hex digits, as AWS names ENIs. */
#define PL_ENI_ID_LEN	22

const char *eni_id(char *buf, const char *endpoint, const char *subnet);

#endif /* PL_CTL_ENDPOINT_H */
