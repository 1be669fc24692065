/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health checks: a service's settings for them, and its backends' health.
 * The checks themselves run in userspace (pl-ctl health run), which tells
 * the kernel its verdict on each backend; the kernel keeps the verdict and
 * the packet path follows it.
 */

#ifndef _PL_HEALTH_H
#define _PL_HEALTH_H

#include <linux/types.h>

struct nlattr;
struct sk_buff;
struct pl_req;
struct pl_backend;
struct pl_service;

/* A Network Load Balancer's defaults. */
#define PL_HEALTH_INTERVAL	30
#define PL_HEALTH_TIMEOUT_TCP	10	/* and https */
#define PL_HEALTH_TIMEOUT_HTTP	6
#define PL_HEALTH_HEALTHY	5
#define PL_HEALTH_UNHEALTHY	2

struct pl_health_cfg {
	u8 protocol;		/* enum pl_health_protocol; READ_ONCE() */
	u8 healthy_threshold;
	u8 unhealthy_threshold;
	u16 port;		/* 0: the traffic port */
	u32 interval;		/* seconds */
	u32 timeout;		/* seconds; 0: the protocol's default */
	char *path;		/* http and https only, else NULL */
	char *matcher;		/* http and https only, else NULL */
};

void pl_health_init(struct pl_health_cfg *cfg);
void pl_health_free(struct pl_health_cfg *cfg);
int pl_health_parse(struct pl_req *req, const struct nlattr *nest,
		    const struct pl_health_cfg *old, struct pl_health_cfg *cfg);
bool pl_health_replace(struct pl_health_cfg *cur, struct pl_health_cfg *cfg);
int pl_health_fill(struct sk_buff *skb, const struct pl_health_cfg *cfg);

bool pl_backend_fit(const struct pl_service *svc, const struct pl_backend *b);
u8 pl_backend_health(const struct pl_backend *b, u8 *reason);

#endif /* _PL_HEALTH_H */
