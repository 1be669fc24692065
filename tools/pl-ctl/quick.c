// SPDX-License-Identifier: GPL-2.0
/*
 * apply's quick path: a file diffed line by line against the file last
 * applied, when only backends differ.
 *
 * apply keeps a copy of each file it commits (quick_keep()), one per
 * network namespace, in PL_RUN_DIR. The kernel keeps that file's
 * fingerprint until the configuration changes. So while the kernel still
 * holds the copy's fingerprint, the copy is the configuration, and the
 * next file need not be diffed against all of it: the lines that differ
 * say what changed. When they are all backend lines, the two files are
 * modelled with only the lines the backends depend on (zones, subnets,
 * services, limits) and the backends those lines name, and diffed as
 * apply diffs (diff.c). Anything else (another kind of line changed, a
 * del line, no copy, a copy the kernel's fingerprint disowns) takes the
 * whole path.
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "args.h"
#include "cmd.h"
#include "diff.h"
#include "model.h"
#include "out.h"

#define PL_RUN_DIR	"/run/pl"
#define QUICK_DIR	PL_RUN_DIR "/applied"

enum q_kind {
	Q_NONE,		/* blank, or a comment */
	Q_FRAME,	/* modelled: what backends refer to */
	Q_BACKEND,	/* backend add|set SERVICE ADDRESS ... */
	Q_OTHER,	/* endpoints: left out */
};

struct q_word {
	const char *s;
	size_t len;
};

/* A line, small: a file of 60,000 lines has as many. */
struct q_line {
	const char *s;
	__u64 hash;
	__u32 len;
	/* Q_BACKEND with a plain key: its words, as offsets in the line */
	__u16 svc, svc_len, addr, addr_len;
	__u8 kind;		/* enum q_kind */
	__u8 matched;		/* the other file has the same line */
};

struct q_file {
	const char *name;
	struct q_line *v;
	size_t n;
	int del;		/* a line deletes something */
};

/* The copy of this namespace's file last applied: its path. */
static int quick_path(char *buf, size_t size)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -1;
	snprintf(buf, size, QUICK_DIR "/net-%llu-%llu",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	return 0;
}

void quick_keep(const struct apply_src *src)
{
	char path[128], tmp[160];
	int fd, ok;

	if (quick_path(path, sizeof(path)))
		return;
	mkdir(PL_RUN_DIR, 0755);
	mkdir(QUICK_DIR, 0700);
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ok = write(fd, src->buf, src->size) == (ssize_t)src->size;
	ok = !close(fd) && ok;
	if (!ok || rename(tmp, path))
		unlink(tmp);
}

/*
 * The copy, mapped, if the kernel's fingerprint is still its own. Only
 * ever replaced whole (quick_keep() renames a new one over it), it cannot
 * shrink under the mapping.
 */
static char *quick_load(__u64 kernel_fp, size_t *size)
{
	char path[128], *buf;
	int fd;

	if (!kernel_fp || quick_path(path, sizeof(path)))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = apply_map(fd, size);
	close(fd);
	if (buf && apply_fingerprint(buf, *size) != kernel_fp) {
		munmap(buf, *size);
		buf = NULL;
	}
	return buf;
}

static int q_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Up to n words of a line, as args_split() would see plain ones. */
static size_t q_words(const char *s, const char *end, struct q_word *w,
		      size_t n)
{
	size_t i = 0;

	while (i < n) {
		while (s < end && q_space(*s))
			s++;
		if (s == end || *s == '#')
			break;
		w[i].s = s;
		while (s < end && !q_space(*s))
			s++;
		w[i].len = s - w[i].s;
		i++;
	}
	return i;
}

static int q_is(const struct q_word *w, const char *word)
{
	return w->len == strlen(word) && !memcmp(w->s, word, w->len);
}

static void q_classify(struct q_file *f, struct q_line *l)
{
	struct q_word w[4];
	size_t n = q_words(l->s, l->s + l->len, w, 4), i;

	l->kind = Q_FRAME;
	if (!n) {
		l->kind = Q_NONE;
		return;
	}
	for (i = 1; i < n && i < 3; i++)
		f->del |= q_is(&w[i], "del");
	if (q_is(&w[0], "endpoint")) {
		l->kind = Q_OTHER;
	} else if (q_is(&w[0], "backend")) {
		l->kind = Q_BACKEND;
		/* Plain words only: quoting would hide the key. */
		if (n == 4 && !memchr(l->s, '\'', l->len) &&
		    !memchr(l->s, '"', l->len) &&
		    !memchr(l->s, '\\', l->len) &&
		    w[3].s + w[3].len - l->s <= UINT16_MAX) {
			l->svc = w[2].s - l->s;
			l->svc_len = w[2].len;
			l->addr = w[3].s - l->s;
			l->addr_len = w[3].len;
		}
	}
}

#define Q_SEED	0x706c2d63746c0002ULL

static void q_split(struct q_file *f, const char *buf, size_t size)
{
	const char *s = buf, *end = buf + size, *e;
	size_t cap = 1;

	/* Counted first: one allocation, none of it copied. */
	for (e = buf; (e = memchr(e, '\n', end - e)); e++)
		cap++;
	f->v = pl_realloc(NULL, cap * sizeof(*f->v));
	while (s < end) {
		struct q_line *l;

		e = memchr(s, '\n', end - s);
		if (!e)
			e = end;
		l = &f->v[f->n++];
		memset(l, 0, sizeof(*l));
		l->s = s;
		l->len = e - s;
		l->hash = apply_hash(s, l->len, Q_SEED);
		q_classify(f, l);
		s = e + 1;
	}
}

/* Slots for n entries, a power of two at least twice n. */
static size_t q_slots(size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	return size;
}

/* Pair each line of b with an equal line of a, where there is one. */
static void q_match(struct q_file *a, struct q_file *b)
{
	size_t size = q_slots(a->n), mask = size - 1, i, j;
	struct q_line **slot = calloc(size, sizeof(*slot));

	if (!slot)
		pl_realloc(NULL, (size_t)-1);
	for (i = 0; i < a->n; i++) {
		if (a->v[i].kind == Q_NONE)
			continue;
		for (j = a->v[i].hash & mask; slot[j]; j = (j + 1) & mask)
			;
		slot[j] = &a->v[i];
	}
	for (i = 0; i < b->n; i++) {
		struct q_line *l = &b->v[i], *o;

		if (l->kind == Q_NONE)
			continue;
		for (j = l->hash & mask; (o = slot[j]); j = (j + 1) & mask) {
			if (!o->matched && o->hash == l->hash &&
			    o->len == l->len && !memcmp(o->s, l->s, l->len)) {
				o->matched = 1;
				l->matched = 1;
				break;
			}
		}
	}
	free(slot);
}

static __u64 q_key_hash(const struct q_line *l)
{
	return apply_hash(l->s + l->addr, l->addr_len,
			  apply_hash(l->s + l->svc, l->svc_len, Q_SEED));
}

static int q_same_key(const struct q_line *a, const struct q_line *b)
{
	return a->svc_len == b->svc_len && a->addr_len == b->addr_len &&
	       !memcmp(a->s + a->svc, b->s + b->svc, a->svc_len) &&
	       !memcmp(a->s + a->addr, b->s + b->addr, a->addr_len);
}

/* The backends that changed, by their unmatched lines. */
struct q_keys {
	const struct q_line **slot;
	size_t mask;
	size_t n;
};

static void q_key_add(struct q_keys *k, const struct q_line *l)
{
	size_t j;

	for (j = q_key_hash(l) & k->mask; k->slot[j]; j = (j + 1) & k->mask)
		if (q_same_key(k->slot[j], l))
			return;
	k->slot[j] = l;
	k->n++;
}

static int q_key_has(const struct q_keys *k, const struct q_line *l)
{
	size_t j;

	for (j = q_key_hash(l) & k->mask; k->slot[j]; j = (j + 1) & k->mask)
		if (q_same_key(k->slot[j], l))
			return 1;
	return 0;
}

/* How many of f's lines the other file does not have. */
static size_t q_unmatched(const struct q_file *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->v[i].kind != Q_NONE && !f->v[i].matched;
	return n;
}

/*
 * Add f's unmatched lines to k: 0, or 1 when one is not a backend line
 * with a plain key. *changed counts them.
 */
static int q_changed(const struct q_file *f, struct q_keys *k,
		     size_t *changed)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const struct q_line *l = &f->v[i];

		if (l->kind == Q_NONE || l->matched)
			continue;
		if (l->kind != Q_BACKEND || !l->svc_len)
			return 1;
		q_key_add(k, l);
		(*changed)++;
	}
	return 0;
}

/*
 * Model f's frame and its lines of the backends in k, in the file's
 * order: 0, or PL_EFAIL when a line is refused (said when report).
 */
static int q_model(struct pl_model *m, struct q_file *f,
		   const struct q_keys *k, int report)
{
	size_t i, cap = 0;
	char *line = NULL;
	struct pl_op op;
	int err = 0;

	for (i = 0; !err && i < f->n; i++) {
		struct q_line *l = &f->v[i];

		if (l->kind != Q_FRAME &&
		    (l->kind != Q_BACKEND || !q_key_has(k, l)))
			continue;
		if (l->len + 2 > cap) {
			cap = 2 * (l->len + 2);
			line = pl_realloc(line, cap);
		}
		memcpy(line, l->s, l->len);
		line[l->len] = '\n';
		line[l->len + 1] = 0;
		err = conf_parse(line, f->name, i + 1, &op);
		if (!err && op.cmd && model_apply(m, &op)) {
			if (report) {
				fflush(stdout);
				fprintf(stderr, "pl-ctl: %s:%zu: %s\n", f->name,
					i + 1, model_error());
			}
			err = PL_EFAIL;
		}
		op_free(&op);
	}
	free(line);
	return err;
}

/*
 * The ops for the backends that changed between two files: 0, 1 (not so
 * simple), or an error in the new file, reported.
 */
static int q_diff(struct q_file *old, struct q_file *new,
		  struct pl_ops *ops)
{
	struct q_keys k = { NULL };
	struct pl_model mo, mn;
	size_t changed = 0;
	int err;

	if (old->del || new->del)
		return 1;
	q_match(old, new);
	k.mask = q_slots(q_unmatched(old) + q_unmatched(new)) - 1;
	k.slot = calloc(k.mask + 1, sizeof(*k.slot));
	if (!k.slot)
		pl_realloc(NULL, (size_t)-1);
	err = q_changed(old, &k, &changed) ?: q_changed(new, &k, &changed);
	if (!err && out_details())
		fprintf(stderr, "pl-ctl: %s: %zu lines of %zu backends differ from %s\n",
			new->name, changed, k.n, "the file last applied");
	model_init(&mo);
	model_init(&mn);
	/*
	 * A line of the new file refused here is the line the whole path
	 * would refuse first: the others are the last file's, which passed.
	 */
	if (!err)
		err = q_model(&mn, new, &k, 1);
	if (!err && q_model(&mo, old, &k, 0))
		err = 1;
	if (!err)
		err = diff_models(&mo, &mn, new->name, ops);
	model_free(&mo);
	model_free(&mn);
	free(k.slot);
	return err;
}

int quick_diff(const struct apply_src *src, __u64 kernel_fp,
	       struct pl_ops *ops)
{
	struct q_file old = { .name = "<last applied>" };
	struct q_file new = { .name = src->name };
	size_t size = 0;
	char *buf;
	int err;

	buf = quick_load(kernel_fp, &size);
	err = 1;
	if (buf) {
		q_split(&old, buf, size);
		q_split(&new, src->buf, src->size);
		err = q_diff(&old, &new, ops);
	}
	if (err == 1 && out_details())
		fprintf(stderr, "pl-ctl: %s: diffing the whole configuration\n",
			src->name);
	free(old.v);
	free(new.v);
	if (buf)
		munmap(buf, size);
	return err;
}
