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
 *
 * Under emulation every pass over 3 MB shows, so the quick path makes as
 * few as it can. The copy starts with a comment line that holds its
 * fingerprint, whether a line of it deletes (so that its lines need not
 * be read for del) and its length. The lines the two files share at their
 * start and their end are matched by comparing the files' bytes; the new
 * file's shared lines are the old file's, moved, and only the lines in
 * between are split, hashed and matched one by one. A line's kind is read
 * from its first word; the words of a backend line only where it may be
 * one that changed, and those of a service line to model only the
 * services the changed backends are of. After the commit, the copy is
 * written over in place from the first byte that differs.
 */

#include <fcntl.h>
#include <stddef.h>
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
	__u64 hash;		/* only of lines the files do not share */
	__u32 len;
	/* Q_BACKEND with a plain key: its words, as offsets in the line */
	__u16 svc, svc_len, addr, addr_len;
	__u8 kind;		/* enum q_kind */
	__u8 matched;		/* the other file has the same line */
	__u8 parsed;		/* svc and addr are read (q_parse()) */
	__u8 pick;		/* a backend line of a key that changed */
};

struct q_file {
	const char *name;
	const char *buf;
	size_t size;
	struct q_line *v;
	size_t n;
	/* v[from, to): the lines between what the files share at their ends */
	size_t from, to;
	int del;		/* a line deletes something */
};

/*
 * The copy's first line: its fingerprint, 1 if a line deletes, and how
 * long the file after it is (what follows is left over).
 */
#define Q_HEAD		"# pl-ctl applied "
#define Q_HEAD_FMT	Q_HEAD "%016llx %d %016llx\n"
#define Q_HEAD_LEN	(sizeof(Q_HEAD) - 1 + 16 + 3 + 16 + 1)

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

static void q_head_fmt(char *head, const struct apply_src *src)
{
	snprintf(head, Q_HEAD_LEN + 1, Q_HEAD_FMT,
		 (unsigned long long)src->fingerprint, !!src->deletes,
		 (unsigned long long)src->size);
}

void quick_keep(const struct apply_src *src)
{
	char path[128], tmp[160], head[Q_HEAD_LEN + 1];
	int fd, ok;

	if (quick_path(path, sizeof(path)))
		return;
	mkdir(PL_RUN_DIR, 0755);
	mkdir(QUICK_DIR, 0700);
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	q_head_fmt(head, src);
	ok = write(fd, head, Q_HEAD_LEN) == Q_HEAD_LEN &&
	     write(fd, src->buf, src->size) == (ssize_t)src->size;
	ok = !close(fd) && ok;
	if (!ok || rename(tmp, path))
		unlink(tmp);
}

/*
 * Keep src as the copy, in place of the copy quick_diff() read, whose
 * first same bytes it shares: only the rest is written, into pages the
 * copy has (a 3 MB file written anew costs more under emulation than the
 * diff). The first line is spoilt first and written last, so that the
 * copy is never trusted half-written; one that goes wrong is removed. A
 * copy that another apply replaced meanwhile is written over, and fails
 * its fingerprint.
 */
void quick_keep_from(const struct apply_src *src, size_t same)
{
	char path[128], head[Q_HEAD_LEN + 1];
	size_t rest = src->size - same;
	int fd, ok;

	if (quick_path(path, sizeof(path)))
		return;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		quick_keep(src);
		return;
	}
	q_head_fmt(head, src);
	ok = pwrite(fd, "!", 1, 0) == 1 &&
	     pwrite(fd, src->buf + same, rest, Q_HEAD_LEN + same) ==
	     (ssize_t)rest &&
	     pwrite(fd, head, Q_HEAD_LEN, 0) == Q_HEAD_LEN;
	ok = !close(fd) && ok;
	if (!ok)
		unlink(path);
}

/*
 * The copy's first line: 0, with its fingerprint, del flag and the length
 * of the file after it, or -1.
 */
static int q_head(const char *buf, size_t size, __u64 *fp, int *del,
		  size_t *len)
{
	char head[Q_HEAD_LEN + 1], *e;

	if (size < Q_HEAD_LEN)
		return -1;
	memcpy(head, buf, Q_HEAD_LEN);
	head[Q_HEAD_LEN] = 0;
	if (strncmp(head, Q_HEAD, sizeof(Q_HEAD) - 1))
		return -1;
	*fp = strtoull(head + sizeof(Q_HEAD) - 1, &e, 16);
	if (e != head + sizeof(Q_HEAD) - 1 + 16 || e[0] != ' ' ||
	    (e[1] != '0' && e[1] != '1') || e[2] != ' ')
		return -1;
	*del = e[1] == '1';
	*len = strtoull(e + 3, &e, 16);
	if (e != head + Q_HEAD_LEN - 1 || *e != '\n' ||
	    *len > size - Q_HEAD_LEN)
		return -1;
	return 0;
}

/*
 * The copy, mapped (*size bytes), if its fingerprint is the kernel's: its
 * lines at *lines, *len bytes of them, *del set if one deletes. Replaced
 * whole (quick_keep() renames a new one over it) or written over in
 * place, never truncated, it cannot shrink under the mapping.
 */
static char *quick_load(__u64 kernel_fp, size_t *size, const char **lines,
			size_t *len, int *del)
{
	char path[128], *buf;
	__u64 fp;
	int fd;

	if (!kernel_fp || quick_path(path, sizeof(path)))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = apply_map(fd, size);
	close(fd);
	if (!buf)
		return NULL;
	*lines = buf + Q_HEAD_LEN;
	/* Whatever its first line says, a copy changed since is not used. */
	if (q_head(buf, *size, &fp, del, len) || fp != kernel_fp ||
	    apply_fingerprint(*lines, *len) != fp) {
		munmap(buf, *size);
		return NULL;
	}
	return buf;
}

static int q_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Up to n words of a line, as args_split() would see plain ones. */
static size_t q_words(const struct q_line *l, struct q_word *w, size_t n)
{
	const char *s = l->s, *end = l->s + l->len;
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

/* Whether the line starts with word (and a space), as most do. */
static int q_starts(const struct q_line *l, const char *word, size_t len)
{
	return l->len > len && !memcmp(l->s, word, len) && q_space(l->s[len]);
}

/* A line's kind, by its first word. */
static void q_kind(struct q_line *l)
{
	struct q_word w;

	if (q_starts(l, "backend", 7))
		l->kind = Q_BACKEND;
	else if (q_starts(l, "endpoint", 8))
		l->kind = Q_OTHER;
	else if (!q_words(l, &w, 1))
		l->kind = Q_NONE;
	else if (q_is(&w, "backend"))
		l->kind = Q_BACKEND;
	else if (q_is(&w, "endpoint"))
		l->kind = Q_OTHER;
	else
		l->kind = Q_FRAME;
}

/* Whether the line deletes: del as its second or third word. */
static int q_deletes(const struct q_line *l)
{
	struct q_word w[3];
	size_t n = q_words(l, w, 3), i;

	for (i = 1; i < n; i++)
		if (q_is(&w[i], "del"))
			return 1;
	return 0;
}

/* A backend line's key, if it is written plain (svc_len stays 0 if not). */
static void q_parse(struct q_line *l)
{
	struct q_word w[4];

	if (l->parsed)
		return;
	l->parsed = 1;
	/* Plain words only: quoting would hide the key. */
	if (q_words(l, w, 4) == 4 && !memchr(l->s, '\'', l->len) &&
	    !memchr(l->s, '"', l->len) && !memchr(l->s, '\\', l->len) &&
	    w[3].s + w[3].len - l->s <= UINT16_MAX) {
		l->svc = w[2].s - l->s;
		l->svc_len = w[2].len;
		l->addr = w[3].s - l->s;
		l->addr_len = w[3].len;
	}
}

#define Q_SEED	0x706c2d63746c0002ULL
#define Q_CHUNK	4096

/*
 * What two files share at their ends: lines that end before head, and
 * lines that start at or after tail in each, are the same lines in both,
 * in the same order. An apply that changes a few lines leaves most of the
 * file there, and those lines need no hash and no match.
 */
struct q_trim {
	size_t head;
	size_t tail;		/* this file's */
};

static void q_trim(const struct q_file *a, struct q_trim *ta,
		   const struct q_file *b, struct q_trim *tb)
{
	size_t na = a->size, nb = b->size, n = na < nb ? na : nb, i = 0, j = 0;
	const char *x = a->buf, *y = b->buf, *nl;

	while (n - i >= Q_CHUNK && !memcmp(x + i, y + i, Q_CHUNK))
		i += Q_CHUNK;
	while (i < n && x[i] == y[i])
		i++;
	while (n - i - j >= Q_CHUNK &&
	       !memcmp(x + na - j - Q_CHUNK, y + nb - j - Q_CHUNK, Q_CHUNK))
		j += Q_CHUNK;
	while (j < n - i && x[na - j - 1] == y[nb - j - 1])
		j++;
	ta->head = i;
	tb->head = i;
	/* The first line that starts in the common end, after its newline */
	nl = memchr(x + na - j, '\n', j);
	ta->tail = nl ? (size_t)(nl - x) + 1 : na;
	tb->tail = ta->tail - na + nb;
}

/* Room for one more line in f, which has *cap. */
static struct q_line *q_push(struct q_file *f, size_t *cap)
{
	if (f->n == *cap) {
		*cap *= 2;
		f->v = pl_realloc(f->v, *cap * sizeof(*f->v));
	}
	return &f->v[f->n++];
}

/*
 * f's lines from s to stop (or its end): their kinds, and the hashes of
 * those that the other file may not share. With mine set (the new file),
 * whether those delete, in f->del.
 */
static void q_lines(struct q_file *f, size_t *cap, const char *s,
		    const char *stop, const struct q_trim *t, int mine)
{
	const char *end = f->buf + f->size, *e;

	while (s < stop) {
		struct q_line *l = q_push(f, cap);

		e = memchr(s, '\n', end - s);
		if (!e)
			e = end;
		memset(l, 0, sizeof(*l));
		l->s = s;
		l->len = e - s;
		q_kind(l);
		if ((size_t)(e - f->buf) < t->head ||
		    (size_t)(s - f->buf) >= t->tail) {
			l->matched = 1;
		} else if (l->kind != Q_NONE) {
			l->hash = apply_hash(s, l->len, Q_SEED);
			if (mine)
				f->del |= q_deletes(l);
		}
		s = e + 1;
	}
}

/* The old file's lines, all read, and where the shared ones end and start. */
static void q_split_old(struct q_file *f, const struct q_trim *t)
{
	size_t cap = f->size / 32 + 16;

	f->v = pl_realloc(NULL, cap * sizeof(*f->v));
	q_lines(f, &cap, f->buf, f->buf + f->size, t, 0);
	while (f->from < f->n &&
	       (size_t)(f->v[f->from].s + f->v[f->from].len - f->buf) <
	       t->head)
		f->from++;
	f->to = f->n;
	while (f->to > f->from &&
	       (size_t)(f->v[f->to - 1].s - f->buf) >= t->tail)
		f->to--;
}

/* One of the old file's lines, as the new one has it (moved by shift). */
static void q_copy(struct q_file *f, size_t *cap, const struct q_line *o,
		   const char *obuf, ptrdiff_t shift)
{
	struct q_line *l = q_push(f, cap);

	*l = *o;
	l->s = f->buf + (o->s - obuf) + shift;
}

/*
 * The new file's lines. Those it shares with the old one at its start and
 * its end are the old file's lines, moved: only the lines between them
 * are looked for, hashed and read for del.
 */
static void q_split_new(struct q_file *f, const struct q_file *old,
			const struct q_trim *t)
{
	ptrdiff_t shift = (ptrdiff_t)f->size - (ptrdiff_t)old->size;
	size_t cap = old->n + 16, i;
	const char *s = f->buf;

	f->v = pl_realloc(NULL, cap * sizeof(*f->v));
	for (i = 0; i < old->from; i++)
		q_copy(f, &cap, &old->v[i], old->buf, 0);
	if (old->from)
		s += old->v[old->from - 1].s + old->v[old->from - 1].len + 1 -
		     old->buf;
	f->from = f->n;
	q_lines(f, &cap, s, f->buf + t->tail, t, 1);
	f->to = f->n;
	for (i = old->to; i < old->n; i++)
		q_copy(f, &cap, &old->v[i], old->buf, shift);
}

/* Slots for n entries, a power of two at least twice n. */
static size_t q_slots(size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	return size;
}

/* How many of f's lines the other file does not have. */
static size_t q_unmatched(const struct q_file *f)
{
	size_t i, n = 0;

	for (i = f->from; i < f->to; i++)
		n += f->v[i].kind != Q_NONE && !f->v[i].matched;
	return n;
}

/*
 * Pair each line of b with an equal line of a, where there is one: 0, or
 * 1 when the pairs are not in the same order in both files. A line that
 * moved may have moved before what it needs (a backend set before its
 * add, a backend before its zone), which only a model of the whole file
 * can tell.
 */
static int q_match(struct q_file *a, struct q_file *b)
{
	size_t n = q_unmatched(a), size = q_slots(n), mask = size - 1, i, j;
	struct q_line **slot = calloc(size, sizeof(*slot));
	const struct q_line *last = NULL;
	int moved = 0;

	if (!slot)
		pl_realloc(NULL, (size_t)-1);
	for (i = a->from; n && i < a->to; i++) {
		if (a->v[i].kind == Q_NONE || a->v[i].matched)
			continue;
		for (j = a->v[i].hash & mask; slot[j]; j = (j + 1) & mask)
			;
		slot[j] = &a->v[i];
	}
	for (i = b->from; n && i < b->to; i++) {
		struct q_line *l = &b->v[i], *o;

		if (l->kind == Q_NONE || l->matched)
			continue;
		for (j = l->hash & mask; (o = slot[j]); j = (j + 1) & mask) {
			if (!o->matched && o->hash == l->hash &&
			    o->len == l->len && !memcmp(o->s, l->s, l->len)) {
				o->matched = 1;
				l->matched = 1;
				moved |= last && o < last;
				last = o;
				break;
			}
		}
	}
	free(slot);
	return moved;
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

#define Q_FEW	16	/* keys compared in place (q_fast_key()) */

/* The backends that changed, by their unmatched lines. */
struct q_keys {
	const struct q_line **slot;
	size_t mask;
	size_t n;
	const struct q_line *few[Q_FEW];	/* the first Q_FEW */
};

static void q_key_add(struct q_keys *k, const struct q_line *l)
{
	size_t j;

	for (j = q_key_hash(l) & k->mask; k->slot[j]; j = (j + 1) & k->mask)
		if (q_same_key(k->slot[j], l))
			return;
	k->slot[j] = l;
	if (k->n < Q_FEW)
		k->few[k->n] = l;
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

/*
 * Add f's unmatched lines to k: 0, or 1 when one is not a backend line
 * with a plain key. *changed counts them.
 */
static int q_changed(struct q_file *f, struct q_keys *k, size_t *changed)
{
	size_t i;

	for (i = f->from; i < f->to; i++) {
		struct q_line *l = &f->v[i];

		if (l->kind == Q_NONE || l->matched)
			continue;
		if (l->kind == Q_BACKEND)
			q_parse(l);
		if (l->kind != Q_BACKEND || !l->svc_len)
			return 1;
		q_key_add(k, l);
		(*changed)++;
	}
	return 0;
}

/* Mark l if it is a backend line of a key in k: 0, or 1 if it hides its key. */
static int q_pick(struct q_line *l, const struct q_keys *k)
{
	if (l->kind != Q_BACKEND)
		return 0;
	q_parse(l);
	if (!l->svc_len)
		return 1;
	l->pick = q_key_has(k, l);
	return 0;
}

/*
 * Whether backend line l is of one of the few keys, read in place when it
 * is written "backend VERB SERVICE ADDRESS ..." with single spaces, as
 * save writes it: -1 when it is not, and must be read word by word. Only
 * for a file without quoting, which could spell a key otherwise.
 */
static int q_fast_key(const struct q_line *l, const struct q_keys *k)
{
	const char *w = l->s + 12, *end = l->s + l->len, *a;
	size_t i;

	if (l->len < 14 || l->s[7] != ' ' || l->s[11] != ' ' ||
	    q_space(l->s[8]) || q_space(*w))
		return -1;
	for (i = 0; i < k->n; i++) {
		const struct q_line *key = k->few[i];

		a = w + key->svc_len + 1;
		if (a + key->addr_len > end ||
		    memcmp(w, key->s + key->svc, key->svc_len) ||
		    !q_space(a[-1]))
			continue;
		if (q_space(*a))
			return -1;
		if (!memcmp(a, key->s + key->addr, key->addr_len) &&
		    (a + key->addr_len == end || q_space(a[key->addr_len])))
			return 1;
	}
	return 0;
}

/* Whether the lines v[from, to) of f quote or escape anything. */
static int q_quoted(const struct q_file *f, size_t from, size_t to)
{
	const char *s, *end;

	if (from == to)
		return 0;
	s = f->v[from].s;
	end = f->v[to - 1].s + f->v[to - 1].len;
	return memchr(s, '\'', end - s) || memchr(s, '"', end - s) ||
	       memchr(s, '\\', end - s);
}

/*
 * Mark f's backend lines v[from, to) of the keys in k: 0, or 1 when one
 * of them is not written plain.
 */
static int q_picks(struct q_file *f, const struct q_keys *k, size_t from,
		   size_t to)
{
	int fast = k->n <= Q_FEW && !q_quoted(f, from, to), r;
	size_t i;

	for (i = from; i < to; i++) {
		struct q_line *l = &f->v[i];

		if (l->kind != Q_BACKEND)
			continue;
		r = fast ? q_fast_key(l, k) : -1;
		if (r >= 0)
			l->pick = r;
		else if (q_pick(l, k))
			return 1;
	}
	return 0;
}

/* The lines the new file shares with the old one: the same picks. */
static void q_picks_shared(struct q_file *new, const struct q_file *old)
{
	size_t i, tail = old->n - old->to;

	for (i = 0; i < new->from; i++)
		new->v[i].pick = old->v[i].pick;
	for (i = 0; i < tail; i++)
		new->v[new->to + i].pick = old->v[old->to + i].pick;
}

/*
 * Whether a service line is one the changed backends need: it names one
 * of their services, or it cannot be told (quoting, many keys).
 */
static int q_service_needed(const struct q_line *l, const struct q_keys *k)
{
	const struct q_word *name;
	struct q_word w[4];
	size_t n, i;

	if (k->n > Q_FEW || memchr(l->s, '\'', l->len) ||
	    memchr(l->s, '"', l->len) || memchr(l->s, '\\', l->len))
		return 1;
	n = q_words(l, w, 4);
	if (n < 3 || (q_is(&w[1], "source") && n < 4))
		return 1;
	name = q_is(&w[1], "source") ? &w[3] : &w[2];
	for (i = 0; i < k->n; i++) {
		const struct q_line *key = k->few[i];

		if (key->svc_len == name->len &&
		    !memcmp(key->s + key->svc, name->s, name->len))
			return 1;
	}
	return 0;
}

/*
 * Model f's frame (but for services no picked backend is of) and its
 * lines of the backends picked, in the file's order: 0, or PL_EFAIL when
 * a line is refused (said when report).
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

		if (l->kind != Q_FRAME && !l->pick)
			continue;
		/* Other services' lines are the same in both files. */
		if (l->kind == Q_FRAME && q_starts(l, "service", 7) &&
		    !q_service_needed(l, k))
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
 * The ops for the backends that changed between two files: 0, QUICK_WHOLE
 * (not so simple), or an error in the new file, reported.
 */
static int q_diff(struct q_file *old, struct q_file *new,
		  struct pl_ops *ops)
{
	struct q_keys k = { NULL };
	struct pl_model mo, mn;
	size_t changed = 0;
	int err;

	if (old->del || new->del || q_match(old, new))
		return QUICK_WHOLE;
	k.mask = q_slots(q_unmatched(old) + q_unmatched(new)) - 1;
	k.slot = calloc(k.mask + 1, sizeof(*k.slot));
	if (!k.slot)
		pl_realloc(NULL, (size_t)-1);
	if (q_changed(old, &k, &changed) || q_changed(new, &k, &changed) ||
	    q_picks(old, &k, 0, old->n) || q_picks(new, &k, new->from, new->to))
		err = QUICK_WHOLE;
	else
		err = 0;
	if (!err)
		q_picks_shared(new, old);
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
		err = QUICK_WHOLE;
	if (!err)
		err = diff_models(&mo, &mn, new->name, ops);
	model_free(&mo);
	model_free(&mn);
	free(k.slot);
	return err;
}

int quick_diff_from(const char *buf, size_t size, int del,
		    const struct apply_src *src, struct pl_ops *ops,
		    size_t *same)
{
	struct q_file old = { .name = "<last applied>", .buf = buf,
			      .size = size, .del = del };
	struct q_file new = { .name = src->name, .buf = src->buf,
			      .size = src->size };
	struct q_trim to, tn;
	int err;

	q_trim(&old, &to, &new, &tn);
	*same = to.head;
	q_split_old(&old, &to);
	q_split_new(&new, &old, &tn);
	err = q_diff(&old, &new, ops);
	free(old.v);
	free(new.v);
	return err;
}

int quick_diff(const struct apply_src *src, __u64 kernel_fp,
	       struct pl_ops *ops, size_t *same)
{
	int err = QUICK_WHOLE, del;
	size_t size = 0, len;
	const char *lines;
	char *buf;

	buf = quick_load(kernel_fp, &size, &lines, &len, &del);
	if (buf) {
		err = quick_diff_from(lines, len, del, src, ops, same);
		munmap(buf, size);
	}
	if (err == QUICK_WHOLE && out_details())
		fprintf(stderr, "pl-ctl: %s: diffing the whole configuration\n",
			src->name);
	return err;
}
