// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl apply, diff, and -b FILE --atomic: whole configurations.
 *
 * apply makes the configuration what its file says, in one transaction:
 * it models the file and the kernel's configuration (as save prints it)
 * the same way, diffs them (diff.c), and sends the ops as one request,
 * computed against the generation it read: when the configuration
 * changed meanwhile, the kernel refuses it, and apply reads, diffs and
 * sends again, a few times. The transaction carries the file's
 * fingerprint (a hash of its bytes), which the kernel keeps until the
 * configuration changes: an apply that finds its file's fingerprint there
 * has nothing to do, and stops before reading anything else. diff prints
 * the ops instead; diff --from diffs two files, without the kernel. -b
 * FILE --atomic sends the file's lines as they are, as one transaction.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "apply.h"
#include "args.h"
#include "cmd.h"
#include "conf.h"
#include "diff.h"
#include "model.h"
#include "objects.h"
#include "out.h"
#include "txn.h"

#define APPLY_TRIES	4	/* the first, then 3 more on EAGAIN */

struct apply_feed {
	struct pl_model *m;
	const char *name;
	struct apply_src *keep;	/* if set, keeps the ops in its ops */
};

static int op_deletes(const struct pl_op *op)
{
	switch (op->cmd) {
	case PL_CMD_AZ_DEL: case PL_CMD_SUBNET_DEL: case PL_CMD_SERVICE_DEL:
	case PL_CMD_SERVICE_SOURCE_DEL: case PL_CMD_BACKEND_DEL:
	case PL_CMD_ENDPOINT_DEL: case PL_CMD_ENDPOINT_ALLOW_DEL:
		return 1;
	}
	return 0;
}

static int apply_model_err(const char *name, const struct pl_op *op)
{
	fflush(stdout);
	fprintf(stderr, "pl-ctl: %s:%u: %s\n", name, op->line, model_error());
	return PL_EFAIL;
}

/*
 * conf_read()'s callback: the op into the model, if there is one, and
 * kept, if asked.
 */
static int apply_model_op(struct pl_op *op, void *arg)
{
	struct apply_feed *f = arg;

	if (f->m && model_apply(f->m, op))
		return apply_model_err(f->name, op);
	if (f->keep) {
		f->keep->deletes |= op_deletes(op);
		ops_add(&f->keep->ops, op);
	}
	return 0;
}

/* Model the file (file "-": standard input); *name names it. */
static int apply_load(struct pl_model *m, const char *file,
		      const char **name)
{
	struct apply_feed f = { .m = m };
	FILE *in = conf_open(file, name);
	int err;

	if (!in)
		return PL_EFAIL;
	f.name = *name;
	err = conf_read(in, f.name, apply_model_op, &f);
	conf_close(in);
	return err;
}

/*
 * A 64-bit hash of size bytes, eight at a time: a file of megabytes is
 * hashed once or twice per apply, and its lines once more (quick.c).
 * Not for adversaries: equal hashes are followed by a byte comparison
 * wherever a wrong match would matter, except the fingerprint, which
 * only root's own files reach.
 */
static __u64 hash_mix(__u64 h, __u64 v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

__u64 apply_hash(const char *buf, size_t size, __u64 seed)
{
	__u64 h = seed ^ (size * 0xff51afd7ed558ccdULL), v;

	for (; size >= 8; buf += 8, size -= 8) {
		memcpy(&v, buf, 8);
		h = hash_mix(h, v);
	}
	v = 0;
	memcpy(&v, buf, size);
	h = hash_mix(h, v ^ ((__u64)size << 56));
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* The file's fingerprint: never 0, which means none. */
__u64 apply_fingerprint(const char *buf, size_t size)
{
	return apply_hash(buf, size, 0x706c2d63746c0001ULL) ?: 1;
}

/*
 * A regular file's bytes, mapped, or NULL (then read it). Mapped, a file
 * of 60,000 lines costs no copy and no page to clear: under emulation,
 * those were a good part of a quick apply.
 */
char *apply_map(int fd, size_t *size)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > SIZE_MAX)
		return NULL;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
		 0);
	if (p == MAP_FAILED)
		return NULL;
	*size = st.st_size;
	return p;
}

void apply_src_free(struct apply_src *src)
{
	if (src->mapped)
		munmap(src->buf, src->size);
	else
		free(src->buf);
	src->buf = NULL;
	ops_free(&src->ops);
}

/* Read file (-: standard input) whole into src. */
static int apply_slurp(const char *file, struct apply_src *src)
{
	FILE *in = conf_open(file, &src->name), *out;
	char chunk[65536];
	size_t n;
	int err = 0;

	if (!in)
		return PL_EFAIL;
	src->buf = apply_map(fileno(in), &src->size);
	if (src->buf) {
		src->mapped = 1;
		conf_close(in);
		src->fingerprint = apply_fingerprint(src->buf, src->size);
		return 0;
	}
	out = open_memstream(&src->buf, &src->size);
	if (!out)
		pl_realloc(NULL, (size_t)-1);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, n, out);
	if (ferror(in)) {
		fprintf(stderr, "pl-ctl: cannot read %s: %s\n", src->name,
			strerror(errno));
		err = PL_EFAIL;
	}
	fclose(out);
	conf_close(in);
	src->fingerprint = apply_fingerprint(src->buf, src->size);
	return err;
}

/* Parse what src holds into its ops. */
static int apply_load_src(struct apply_src *src)
{
	struct apply_feed f = { .name = src->name, .keep = src };
	FILE *in;
	int err;

	if (!src->size)
		return 0;
	in = fmemopen(src->buf, src->size, "r");
	if (!in)
		pl_realloc(NULL, (size_t)-1);
	err = conf_read(in, f.name, apply_model_op, &f);
	fclose(in);
	return err;
}

/*
 * Model what src's ops make, once: only needed for a diff, since into an
 * empty configuration the lines go as they are, and the kernel checks
 * them (modelling 60,000 lines is about half of parsing them).
 */
static int apply_want(struct pl_model *want, int *modelled,
		      const struct apply_src *src)
{
	size_t i;

	if (*modelled)
		return 0;
	*modelled = 1;
	for (i = 0; i < src->ops.n; i++) {
		if (model_apply(want, &src->ops.v[i]))
			return apply_model_err(src->name, &src->ops.v[i]);
	}
	return 0;
}

/*
 * Nothing that a file's lines would have to delete or reset: no object, no
 * DNS suffix or consumer prefix (limits a file leaves out stay as they
 * are, in a diff too).
 */
static int model_empty(const struct pl_model *m)
{
	return !m->azs.n && !m->subnets.n && !m->services.n &&
	       !m->backends.n && !m->endpoints.n && !m->dns.suffix &&
	       !m->dns.n_consumers;
}

/* Model the kernel's configuration, as save prints it. */
static int apply_load_kernel(struct pl_model *m)
{
	struct apply_feed f = { .m = m, .name = "<kernel>" };
	size_t size = 0;
	char *buf = NULL;
	FILE *out, *in;
	int err;

	out = open_memstream(&buf, &size);
	if (!out)
		pl_realloc(NULL, (size_t)-1);
	err = save_config(out);
	fclose(out);
	in = err ? NULL : fmemopen(buf, size ?: 1, "r");
	if (!err && !in)
		pl_realloc(NULL, (size_t)-1);
	if (!err)
		err = conf_read(in, f.name, apply_model_op, &f);
	if (in)
		fclose(in);
	free(buf);
	return err;
}

static void apply_print(const struct pl_ops *ops)
{
	size_t i;

	for (i = 0; i < ops->n; i++)
		printf("%s\n", ops->v[i].text);
}

/* Diff the kernel's configuration with want into ops. */
static int apply_diff_kernel(struct pl_model *want, const char *name,
			     struct pl_ops *ops)
{
	struct pl_model cur;
	int err;

	model_init(&cur);
	err = apply_load_kernel(&cur) ?: diff_models(&cur, want, name, ops);
	model_free(&cur);
	return err;
}

/*
 * The whole of apply, once: read, diff, send. With nothing to change, an
 * empty transaction still leaves the file's fingerprint with the kernel.
 * Into an empty configuration (model_empty(); a namespace's first apply,
 * as at boot), a file that deletes nothing is its own diff: its lines go
 * as they are, unmodelled, and the kernel checks them. Otherwise want is
 * modelled from them, once (apply_want()), and diffed.
 */
static int apply_once(struct pl_model *want, int *modelled,
		      const struct apply_src *src, int check)
{
	struct pl_ops ops = { NULL };
	const struct pl_ops *send = &ops;
	__u64 digest, fingerprint;
	struct pl_model cur;
	__u32 gen;
	int err;

	model_init(&cur);
	err = config_get(&gen, &digest, &fingerprint) ?:
	      apply_load_kernel(&cur);
	if (!err && model_empty(&cur) && !src->deletes) {
		send = &src->ops;
		if (out_details())
			fprintf(stderr, "pl-ctl: %s: %s\n", src->name,
				"the configuration is empty: sending the file's lines");
	} else if (!err) {
		err = apply_want(want, modelled, src) ?:
		      diff_models(&cur, want, src->name, &ops);
	}
	model_free(&cur);
	if (!err && (send->n || check || fingerprint != src->fingerprint))
		err = txn_send(send, src->name, check ? PL_TXN_CHECK : 0, gen,
			       check ? 0 : src->fingerprint, check);
	ops_free(&ops);
	return err;
}

/*
 * Has the kernel kept src's fingerprint, unchanged since? If not, apply
 * what differs from the file last applied, when quick.c can tell: *done
 * then too, unless the configuration changed meanwhile.
 */
static int apply_quick(const struct apply_src *src, int *done)
{
	struct pl_ops ops = { NULL };
	__u64 digest, fingerprint;
	size_t same = 0;
	__u32 gen;
	int err;

	err = config_get(&gen, &digest, &fingerprint);
	*done = !err && fingerprint == src->fingerprint;
	if (err || *done)
		return err;
	err = quick_diff(src, fingerprint, &ops, &same);
	if (!err) {
		err = txn_send(&ops, src->name, 0, gen, src->fingerprint, 0);
		*done = !err;
		if (!err)
			quick_keep_from(src, same);
		if (err == PL_TXN_AGAIN)
			err = 0;
	} else if (err == QUICK_WHOLE) {
		err = 0;
	}
	ops_free(&ops);
	return err;
}

static int apply_run(struct pl_args *a)
{
	struct apply_src src = { NULL };
	int check = 0, done = 0, modelled = 0, err, tries = 0;
	struct pl_model want;
	const char *file;

	if (arg_peek(a) && !strcmp(arg_peek(a), "--check")) {
		arg_next(a);
		check = 1;
	}
	err = arg_need(a, "FILE", &file) ?: arg_end(a);
	if (err)
		return err;
	model_init(&want);
	err = apply_slurp(file, &src);
	if (!err && !check)
		err = apply_quick(&src, &done);
	if (!err && !done)
		err = apply_load_src(&src);
	while (!err && !done) {
		err = apply_once(&want, &modelled, &src, check);
		if (!err && !check)
			quick_keep(&src);
		if (err != PL_TXN_AGAIN)
			break;
		if (++tries < APPLY_TRIES) {
			err = 0;
			continue;
		}
		fflush(stdout);
		fprintf(stderr, "pl-ctl: %s: the configuration kept changing (%d tries): %s\n",
			src.name, tries, txn_again_msg());
		err = PL_EFAIL;
	}
	model_free(&want);
	apply_src_free(&src);
	return err;
}

static int diff_run(struct pl_args *a)
{
	const char *from = NULL, *file, *name, *from_name;
	struct pl_ops ops = { NULL };
	struct pl_model want, cur;
	int err;

	if (arg_peek(a) && !strcmp(arg_peek(a), "--from")) {
		arg_next(a);
		err = arg_need(a, "OLD", &from);
		if (err)
			return err;
	}
	err = arg_need(a, "FILE", &file) ?: arg_end(a);
	if (err)
		return err;
	model_init(&want);
	model_init(&cur);
	err = apply_load(&want, file, &name);
	if (!err && from)
		err = apply_load(&cur, from, &from_name) ?:
		      diff_models(&cur, &want, name, &ops);
	else if (!err)
		err = apply_diff_kernel(&want, name, &ops);
	if (!err)
		apply_print(&ops);
	ops_free(&ops);
	model_free(&cur);
	model_free(&want);
	return err;
}

/* conf_read()'s callback for -b --atomic: keep the op as written. */
static int apply_keep_op(struct pl_op *op, void *arg)
{
	ops_add(arg, op);
	return 0;
}

/* -b FILE --atomic: the file's lines as they are, in one transaction. */
int apply_batch_atomic(const char *file)
{
	struct pl_ops ops = { NULL };
	const char *name;
	FILE *in = conf_open(file, &name);
	int err;

	if (!in)
		return PL_EFAIL;
	err = conf_read(in, name, apply_keep_op, &ops);
	conf_close(in);
	if (!err && ops.n)
		err = txn_send(&ops, name, 0, 0, 0, 0);
	ops_free(&ops);
	return err == PL_TXN_AGAIN ? PL_EFAIL : err;
}

static const struct pl_cmd apply_cmds[] = {
	{ NULL, apply_run, "apply [--check] FILE" },
	{ }
};

static const struct pl_cmd diff_cmds[] = {
	{ NULL, diff_run, "diff [--from OLD] FILE" },
	{ }
};

const struct pl_object pl_apply = { "apply", apply_cmds };
const struct pl_object pl_diff = { "diff", diff_cmds };
