/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration files, as save prints them and apply reads them: each
 * line parsed by the command's own parser into the request it would
 * send, kept as an op of a transaction instead.
 */

#ifndef PL_CTL_CONF_H
#define PL_CTL_CONF_H

#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

/* One request of a transaction: a command and its attributes. */
struct pl_op {
	__u8 cmd;
	__u32 line;	/* of the file that asked for it, or 0 */
	__u32 len;
	void *attrs;	/* the attributes after the genl header */
	char *text;	/* the request in the file's grammar, or NULL */
};

struct pl_ops {
	struct pl_op *v;
	size_t n;
	size_t cap;
};

void ops_add(struct pl_ops *ops, struct pl_op *op);
void ops_free(struct pl_ops *ops);
void op_free(struct pl_op *op);

int conf_parse(char *line, const char *file, unsigned long lineno,
	       struct pl_op *op);
FILE *conf_open(const char *file, const char **name);
void conf_close(FILE *f);
int conf_read(FILE *f, const char *name,
	      int (*fn)(struct pl_op *op, void *arg), void *arg);

#endif /* PL_CTL_CONF_H */
