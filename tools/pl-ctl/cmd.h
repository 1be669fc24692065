/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Objects and their commands, as main.c dispatches them: every object file
 * exports one struct pl_object.
 */

#ifndef PL_CTL_CMD_H
#define PL_CTL_CMD_H

#include <stddef.h>

#include "args.h"

/* One command: "add", or two words such as "source add". */
struct pl_cmd {
	const char *name;	/* NULL: the object is the command */
	int (*run)(struct pl_args *a);
	const char *usage;	/* the synopsis, after "pl-ctl " */
};

struct pl_object {
	const char *name;
	const struct pl_cmd *cmds;	/* ends with an entry without run */
};

extern const struct pl_object pl_az;
extern const struct pl_object pl_subnet;
extern const struct pl_object pl_service;
extern const struct pl_object pl_backend;
extern const struct pl_object pl_endpoint;
extern const struct pl_object pl_limits;
extern const struct pl_object pl_flow;
extern const struct pl_object pl_stats;
extern const struct pl_object pl_monitor;
extern const struct pl_object pl_save;
extern const struct pl_object pl_config;
extern const struct pl_object pl_apply;
extern const struct pl_object pl_health;
extern const struct pl_object pl_diff;
extern const struct pl_object pl_sync;
extern const struct pl_object pl_dns;

/* -b FILE --atomic: the file's lines as one transaction. */
int apply_batch_atomic(const char *file);

/* Run one command line, OBJECT COMMAND [ARGS]: main.c's dispatch. */
int pl_run(int argc, char **argv);

/* Memory allocation that exits on failure. */
void *pl_realloc(void *p, size_t size);

#endif /* PL_CTL_CMD_H */
