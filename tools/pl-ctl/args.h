/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line arguments: walking them, reporting usage errors, strict
 * parsing of numbers, addresses, prefixes and keywords, and splitting
 * batch lines into arguments.
 */

#ifndef PL_CTL_ARGS_H
#define PL_CTL_ARGS_H

#include <linux/types.h>

#include "compiler.h"

#define PL_EFAIL	1	/* the kernel or the system refused */
#define PL_EUSAGE	2	/* the command line is wrong */

/* Longest string argument pl-ctl encodes; the kernel bounds names. */
#define PL_ARG_MAX	1024

struct pl_cmd;
struct pl_enum;

/* The arguments that follow a command, and the command for its usage. */
struct pl_args {
	int argc;
	char **argv;
	const struct pl_cmd *cmd;
};

const char *arg_next(struct pl_args *a);
const char *arg_peek(const struct pl_args *a);
int arg_need(struct pl_args *a, const char *what, const char **val);
int arg_end(struct pl_args *a);

__printf(2, 3)
int usage_err(const struct pl_args *a, const char *fmt, ...);
__printf(1, 2)
int fail_err(const char *fmt, ...);
void args_where(const char *file, unsigned long line);

int parse_uint(const struct pl_args *a, const char *what, const char *s,
	       __u32 min, __u32 max, __u32 *v);
int parse_addr(const struct pl_args *a, const char *what, const char *s,
	       __u32 *addr);
int parse_addr6(const struct pl_args *a, const char *what, const char *s,
		void *addr);
int parse_prefix6(const struct pl_args *a, const char *what, const char *s,
		  void *addr, __u8 *len);
int parse_prefix(const struct pl_args *a, const char *what, const char *s,
		 int need_len, __u32 *addr, __u8 *len);
int parse_enum(const struct pl_args *a, const char *what, const char *s,
	       const struct pl_enum *e, __u8 *v);
int parse_string(const struct pl_args *a, const char *what, const char *s);

/* A batch line split into arguments, in place. */
struct pl_argv {
	char **argv;
	int argc;
	int cap;
};

const char *args_split(char *line, struct pl_argv *out);

#endif /* PL_CTL_ARGS_H */
