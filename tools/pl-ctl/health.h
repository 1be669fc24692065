/* SPDX-License-Identifier: GPL-2.0 */
/* Health checks: a service's settings (health.c) and the checker (checker.c). */

#ifndef PL_CTL_HEALTH_H
#define PL_CTL_HEALTH_H

#include <stdio.h>

#include <linux/types.h>

struct nl_msg;
struct nlattr;
struct pl_args;
struct pl_kw;

/* A service's health nest, as the kernel replies it (defaults filled in). */
struct pl_health {
	__u8 protocol;		/* enum pl_health_protocol */
	__u16 port;		/* 0: the traffic port */
	const char *path;
	const char *matcher;
	__u32 interval;
	__u32 timeout;
	__u8 healthy;
	__u8 unhealthy;
};

int kw_health(struct pl_args *a, struct nl_msg *m, const struct pl_kw *kw,
	      const char *val);
int health_parse(const struct nlattr *nest, struct pl_health *h);
int health_http(const struct pl_health *h);
void health_print(const struct nlattr *nest, const struct nlattr *term);

void health_defaults(struct pl_health *h);
void health_free(struct pl_health *h);
void health_apply(struct pl_health *h, const struct nlattr *nest);
int health_equal(const struct pl_health *a, const struct pl_health *b);
void health_write(FILE *f, const struct pl_health *h);
char *health_words(const struct pl_health *h);

#endif /* PL_CTL_HEALTH_H */
