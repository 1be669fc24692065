// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl: configure pl, PrivateLink-style interface endpoints for Linux
 * routers, through its generic-netlink family.
 *
 *   pl-ctl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * This file holds the options, the dispatch of OBJECT COMMAND to the
 * object files, help, and batch files.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "out.h"

static const struct pl_object *const objects[] = {
	&pl_az, &pl_subnet, &pl_service, &pl_backend, &pl_endpoint,
	&pl_limits, &pl_flow, &pl_stats, &pl_monitor, &pl_save, &pl_config,
	&pl_apply, &pl_diff, &pl_health, &pl_sync, &pl_dns, NULL
};

void *pl_realloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fputs("pl-ctl: out of memory\n", stderr);
		exit(PL_EFAIL);
	}
	return p;
}

/* The usage lines of obj's commands whose first word is group (if any). */
static void usage_object(FILE *f, const struct pl_object *obj,
			 const char *group, int *lines)
{
	const struct pl_cmd *c;
	size_t n = group ? strlen(group) : 0;

	for (c = obj->cmds; c->run; c++) {
		if (group && (!c->name || strncmp(c->name, group, n) ||
			      c->name[n] != ' '))
			continue;
		fprintf(f, "%s pl-ctl %s\n", (*lines)++ ? "      " : "Usage:",
			c->usage);
	}
}

/* The synopsis, and with full set, every command's. */
static void usage(FILE *f, int full)
{
	const struct pl_object *const *obj;
	int lines = 1;

	fputs("Usage: pl-ctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	      "       pl-ctl [OPTIONS] -b FILE [--atomic]\n"
	      "       pl-ctl help | pl-ctl OBJECT help\n"
	      "OBJECT := { az | subnet | service | backend | endpoint | limits | flow | stats | monitor | save | config | apply | diff | health | sync }\n"
	      "OPTIONS := { -j[son] | -p[retty] | -d[etails] | -n[etns] NETNS | -b[atch] FILE | --atomic | -V[ersion] | -h[elp] }\n",
	      f);
	if (!full)
		return;
	fputc('\n', f);
	for (obj = objects; *obj; obj++)
		usage_object(f, *obj, NULL, &lines);
}

static const struct pl_object *find_object(const char *name)
{
	const struct pl_object *const *obj;

	for (obj = objects; *obj; obj++) {
		if (!strcmp((*obj)->name, name))
			return *obj;
	}
	return NULL;
}

/* Does argv start with the (one or two words) command name? */
static int cmd_words(const char *name, int argc, char **argv)
{
	const char *space = strchr(name, ' ');

	if (!space)
		return !strcmp(argv[0], name) ? 1 : 0;
	if (argc < 2 || strncmp(argv[0], name, space - name) ||
	    argv[0][space - name])
		return 0;
	return !strcmp(argv[1], space + 1) ? 2 : 0;
}

/* argv[0] is the first word of a two-word command, such as "source". */
static int is_group(const struct pl_object *obj, const char *word)
{
	const struct pl_cmd *c;
	size_t n = strlen(word);

	for (c = obj->cmds; c->run; c++) {
		if (c->name && !strncmp(c->name, word, n) && c->name[n] == ' ')
			return 1;
	}
	return 0;
}

static int object_error(const struct pl_object *obj, const char *group,
			const char *fmt, const char *word)
{
	int lines = 0;

	fflush(stdout);
	fputs("pl-ctl: ", stderr);
	fprintf(stderr, fmt, word);
	fputc('\n', stderr);
	usage_object(stderr, obj, group, &lines);
	return PL_EUSAGE;
}

/* "help", or a command that is not one, after a group word. */
static int run_group(const struct pl_object *obj, int argc, char **argv)
{
	int lines = 0;

	if (argc > 1 && !strcmp(argv[1], "help")) {
		usage_object(stdout, obj, argv[0], &lines);
		return 0;
	}
	if (argc == 1)
		return object_error(obj, argv[0], "missing command after \"%s\"",
				    argv[0]);
	return object_error(obj, argv[0], "unknown command \"%s\"", argv[1]);
}

static int run_object(const struct pl_object *obj, int argc, char **argv)
{
	struct pl_args a = { .argc = argc, .argv = argv };
	const struct pl_cmd *c;
	int lines = 0, n;

	if (argc && !strcmp(argv[0], "help")) {
		usage_object(stdout, obj, NULL, &lines);
		return 0;
	}
	if (!obj->cmds[0].name) {
		a.cmd = &obj->cmds[0];
		return a.cmd->run(&a);
	}
	if (!argc)
		return object_error(obj, NULL, "missing command after \"%s\"",
				    obj->name);
	for (c = obj->cmds; c->run; c++) {
		n = cmd_words(c->name, argc, argv);
		if (n) {
			a.argc -= n;
			a.argv += n;
			a.cmd = c;
			return c->run(&a);
		}
	}
	if (is_group(obj, argv[0]))
		return run_group(obj, argc, argv);
	return object_error(obj, NULL, "unknown command \"%s\"", argv[0]);
}

/* Run one command line: OBJECT COMMAND [ARGS]. */
int pl_run(int argc, char **argv)
{
	const struct pl_object *obj;

	if (!argc) {
		fputs("pl-ctl: missing OBJECT\n", stderr);
		usage(stderr, 0);
		return PL_EUSAGE;
	}
	if (!strcmp(argv[0], "help")) {
		usage(stdout, 1);
		return 0;
	}
	obj = find_object(argv[0]);
	if (!obj) {
		fflush(stdout);
		fprintf(stderr, "pl-ctl: unknown object \"%s\"\n", argv[0]);
		usage(stderr, 0);
		return PL_EUSAGE;
	}
	return run_object(obj, argc - 1, argv + 1);
}

/* One command per line; stop at the first that fails. */
static int run_batch(const char *file)
{
	const char *name = strcmp(file, "-") ? file : "<stdin>", *msg;
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	struct pl_argv av = { NULL };
	unsigned long lineno = 0;
	size_t cap = 0;
	char *line = NULL;
	int err = 0;

	if (!f) {
		fprintf(stderr, "pl-ctl: cannot open batch file %s: %s\n",
			file, strerror(errno));
		return PL_EFAIL;
	}
	while (!err && getline(&line, &cap, f) >= 0) {
		lineno++;
		msg = args_split(line, &av);
		if (msg)
			err = usage_err(NULL, "%s", msg);
		else if (av.argc)
			err = pl_run(av.argc, av.argv);
		if (err)
			fprintf(stderr, "pl-ctl: batch file %s, line %lu: command failed\n",
				name, lineno);
	}
	if (!err && ferror(f)) {
		fprintf(stderr, "pl-ctl: cannot read batch file %s: %s\n",
			name, strerror(errno));
		err = PL_EFAIL;
	}
	free(line);
	free(av.argv);
	if (f != stdin)
		fclose(f);
	return err;
}

/* Like ip -n: run in the network namespace /run/netns/NAME. */
static int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "pl-ctl: cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return PL_EFAIL;
	}
	close(fd);
	return 0;
}

static const struct option options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "details", no_argument, NULL, 'd' },
	{ "netns", required_argument, NULL, 'n' },
	{ "batch", required_argument, NULL, 'b' },
	{ "atomic", no_argument, NULL, 'A' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

/* Exit status: 0, PL_EFAIL when refused or failed, PL_EUSAGE. */
static int finish(int err)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pl-ctl: cannot write output: %s\n",
			strerror(errno));
		return err ?: PL_EFAIL;
	}
	return err;
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *file = NULL;
	int json = 0, pretty = 0, details = 0, atomic = 0, c, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpdn:b:Vh", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'p':
			pretty = 1;
			break;
		case 'd':
			details = 1;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'b':
			file = optarg;
			break;
		case 'A':
			atomic = 1;
			break;
		case 'V':
			printf("pl-ctl %s\n", PL_VERSION);
			return finish(0);
		case 'h':
			usage(stdout, 1);
			return finish(0);
		case ':':
			fprintf(stderr, "pl-ctl: option \"%s\" needs an argument\n",
				argv[optind - 1]);
			usage(stderr, 0);
			return PL_EUSAGE;
		default:
			if (optopt)
				fprintf(stderr, "pl-ctl: unknown option \"-%c\"\n",
					optopt);
			else
				fprintf(stderr, "pl-ctl: unknown option \"%s\"\n",
					argv[optind - 1]);
			usage(stderr, 0);
			return PL_EUSAGE;
		}
	}
	out_init(json, pretty, details);
	if (file && optind < argc) {
		fprintf(stderr, "pl-ctl: unexpected argument \"%s\" after -b FILE\n",
			argv[optind]);
		return PL_EUSAGE;
	}
	if (atomic && !file) {
		fputs("pl-ctl: --atomic goes with -b FILE\n", stderr);
		usage(stderr, 0);
		return PL_EUSAGE;
	}
	if (netns && netns_enter(netns))
		return PL_EFAIL;
	if (file && atomic)
		err = apply_batch_atomic(file);
	else if (file)
		err = run_batch(file);
	else
		err = pl_run(argc - optind, argv + optind);
	return finish(err);
}
