// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration files: the lines of "pl-ctl -b" files that change the
 * configuration, which save prints and apply reads. Each line is parsed
 * by its command's own parser, which builds the request it would send;
 * the request is kept instead (req_capture()), as an op: its command and
 * its attributes, as a config-op nest carries them. Errors name the file
 * and the line: "pl-ctl: FILE:LINE: reason".
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "args.h"
#include "cmd.h"
#include "conf.h"
#include "nl.h"
#include "req.h"

/* The commands a transaction may hold, by their words. */
static const char *const conf_cmds[] = {
	"az add", "az set", "az del",
	"subnet add", "subnet set", "subnet del",
	"service add", "service set", "service del",
	"service source add", "service source del",
	"backend add", "backend set", "backend del",
	"endpoint add", "endpoint set", "endpoint accept", "endpoint reject",
	"endpoint allow add", "endpoint allow del", "endpoint del",
	"limits set",
	"dns set", "dns consumer add", "dns consumer del",
	NULL
};

void ops_add(struct pl_ops *ops, struct pl_op *op)
{
	if (ops->n == ops->cap) {
		ops->cap = ops->cap ? 2 * ops->cap : 256;
		ops->v = pl_realloc(ops->v, ops->cap * sizeof(*ops->v));
	}
	ops->v[ops->n++] = *op;
	memset(op, 0, sizeof(*op));
}

void op_free(struct pl_op *op)
{
	free(op->attrs);
	free(op->text);
	memset(op, 0, sizeof(*op));
}

void ops_free(struct pl_ops *ops)
{
	size_t i;

	for (i = 0; i < ops->n; i++)
		op_free(&ops->v[i]);
	free(ops->v);
	memset(ops, 0, sizeof(*ops));
}

/* Whether argv starts with the words of cmd (a line per call: keep it lean). */
static int conf_words(const char *cmd, int argc, char **argv)
{
	const char *w;
	int i;

	for (i = 0; i < argc; i++) {
		for (w = argv[i]; *w && *w == *cmd; w++)
			cmd++;
		if (*w)
			return 0;
		if (!*cmd)
			return 1;
		if (*cmd++ != ' ')
			return 0;
	}
	return 0;
}

static int conf_allowed(int argc, char **argv)
{
	const char *const *c;

	for (c = conf_cmds; *c; c++) {
		if (conf_words(*c, argc, argv))
			return 1;
	}
	return 0;
}

/* The request m holds, as an op: its command and attributes. */
static void conf_op(struct nl_msg *m, struct pl_op *op)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));

	op->cmd = g->cmd;
	op->len = genlmsg_attrlen(g, 0);
	op->attrs = pl_realloc(NULL, op->len ?: 1);
	memcpy(op->attrs, genlmsg_attrdata(g, 0), op->len);
}

/* Parse the split line av into op, with errors naming file and lineno. */
static int conf_run(struct pl_argv *av, const char *file,
		    unsigned long lineno, struct pl_op *op)
{
	struct nl_msg *m = NULL;
	int err;

	args_where(file, lineno);
	if (!conf_allowed(av->argc, av->argv)) {
		err = usage_err(NULL, "\"%s%s%s\" is not a command that changes the configuration",
				av->argv[0], av->argc > 1 ? " " : "",
				av->argc > 1 ? av->argv[1] : "");
		goto out;
	}
	req_capture(&m);
	err = pl_run(av->argc, av->argv);
	req_capture(NULL);
	if (!err && m)
		conf_op(m, op);
out:
	args_where(NULL, 0);
	nl_req_done(m);
	return err;
}

/*
 * Parse one line (which is split in place) into op; a blank line or a
 * comment leaves op->cmd 0. Returns 0, or the command's exit status with
 * the error reported.
 */
int conf_parse(char *line, const char *file, unsigned long lineno,
	       struct pl_op *op)
{
	static struct pl_argv av;
	const char *msg;

	memset(op, 0, sizeof(*op));
	op->line = lineno;
	msg = args_split(line, &av);
	if (msg) {
		args_where(file, lineno);
		usage_err(NULL, "%s", msg);
		args_where(NULL, 0);
		return PL_EUSAGE;
	}
	if (!av.argc)
		return 0;
	return conf_run(&av, file, lineno, op);
}

/* Open a file to read, "-" for standard input; *name is for messages. */
FILE *conf_open(const char *file, const char **name)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;

	*name = strcmp(file, "-") ? file : "<stdin>";
	if (!f) {
		fflush(stdout);
		fprintf(stderr, "pl-ctl: cannot open %s: %s\n", file,
			strerror(errno));
	}
	return f;
}

void conf_close(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}

/*
 * Parse every line of f, named name in messages, and hand each op to fn,
 * which takes it (and may clear it). Stops at the first error: returns
 * its status, or fn's.
 */
int conf_read(FILE *f, const char *name,
	      int (*fn)(struct pl_op *op, void *arg), void *arg)
{
	unsigned long lineno = 0;
	struct pl_op op;
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	while (!err && getline(&line, &cap, f) >= 0) {
		err = conf_parse(line, name, ++lineno, &op);
		if (!err && op.cmd)
			err = fn(&op, arg);
		op_free(&op);
	}
	if (!err && ferror(f)) {
		fprintf(stderr, "pl-ctl: cannot read %s: %s\n", name,
			strerror(errno));
		err = PL_EFAIL;
	}
	free(line);
	return err;
}
