// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl dns sync: keep a running unbound in step with the endpoints.
 *
 * It listens to the config group and, after each change, changes only
 * what differs from what unbound serves of pl's, with unbound-control:
 *
 *   the suffix's static zone and its local-data (the endpoint names), and
 *   the zones and local-data of the view "pl" (the private names).
 *
 * Names whose records differ are removed and added whole. Nothing is
 * restarted. What unbound serves is listed at the start, and every
 * DNS_SYNC_PERIOD ms (in case unbound restarted, or was changed by hand);
 * in between, sync trusts what it left there.
 *
 * The view itself, and which clients use it, are unbound's configuration:
 * with fragment FILE, sync also keeps FILE (the include that "endpoint dns
 * format unbound" prints) up to date, and when the consumer prefixes in it
 * change, has unbound reload it, keeping its cache.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "dns.h"
#include "endpoint.h"
#include "monitor.h"
#include "out.h"

#define DNS_SYNC_PERIOD	10000	/* ms between checks with no change */
#define DNS_SYNC_SETTLE	20	/* ms after a change, for the rest of it */
#define DNS_SYNC_RETRY	1000	/* ms after unbound failed */

/* Lines of text, sorted to be diffed. */
struct lines {
	char **v;
	size_t n;
};

struct dns_sync {
	const char *config;	/* unbound-control -c, or NULL */
	const char *fragment;	/* the include to keep, or NULL */
	char suffix[PL_DNS_SUFFIX_MAX + 1];	/* of the last sync */
	int dirty;
	int failed;
	/* What the last sync left in unbound, trusted while known. */
	int known;
	struct lines data;	/* the suffix's records */
	struct lines vzones;	/* the view's zones */
	struct lines vdata;	/* the view's records */
};

static void lines_add(struct lines *l, const char *s, size_t len)
{
	char *copy = pl_realloc(NULL, len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	l->v = pl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = copy;
}

static void lines_free(struct lines *l)
{
	while (l->n)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

static int lines_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_sort(struct lines *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), lines_cmp);
}

static int lines_has(const struct lines *l, const char *s)
{
	return l->n && bsearch(&s, l->v, l->n, sizeof(*l->v), lines_cmp);
}

/* Move from into to (emptied first); from is left empty. */
static void lines_move(struct lines *to, struct lines *from)
{
	lines_free(to);
	*to = *from;
	*from = (struct lines){ NULL };
}

/*
 * Run unbound-control CMD ARGS..., with input on its stdin; its output
 * into out (split into lines) unless out is NULL. 0, or -1 said on
 * stderr: unbound-control failed, or answered with an error.
 */
static int uc_run(struct dns_sync *s, const char *input, struct lines *out,
		  const char *cmd, const char *arg1, const char *arg2,
		  const char *arg3)
{
	const char *argv[9];
	int in[2], res[2], n = 0, status;
	char buf[4096], *text = NULL;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	argv[n++] = "unbound-control";
	if (s->config) {
		argv[n++] = "-c";
		argv[n++] = s->config;
	}
	argv[n++] = cmd;
	argv[n++] = arg1;
	argv[n++] = arg2;
	argv[n++] = arg3;
	argv[n] = NULL;
	if (pipe2(in, O_CLOEXEC) || pipe2(res, O_CLOEXEC)) {
		perror("pl-ctl: dns sync: pipe");
		return -1;
	}
	pid = fork();
	if (!pid) {
		dup2(in[0], 0);
		dup2(res[1], 1);
		dup2(res[1], 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	if (input && pid > 0 && write(in[1], input, strlen(input)) < 0)
		perror("pl-ctl: dns sync: unbound-control");
	close(in[1]);
	while ((r = read(res[0], buf, sizeof(buf))) > 0) {
		text = pl_realloc(text, len + r + 1);
		memcpy(text + len, buf, r);
		len += r;
	}
	close(res[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	if (text)
		text[len] = '\0';
	if (status || (text && (!strncmp(text, "error", 5) ||
				!strncmp(text, "no view", 7)))) {
		fprintf(stderr, "pl-ctl: dns sync: unbound-control %s%s%s: %s",
			cmd, arg1 ? " " : "", arg1 ?: "",
			text && *text ? text :
			status == 127 << 8 ? "cannot be run\n" : "failed\n");
		free(text);
		return -1;
	}
	for (char *p = text, *nl; out && p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl != p && *p)
			lines_add(out, p, nl ? (size_t)(nl - p) : strlen(p));
	}
	free(text);
	return 0;
}

/* The record lines of unbound's list_local_data, for one name and IP. */
static void rr_line(struct lines *l, const struct dns_rr *rr)
{
	char line[PL_DNS_LEN + 64], ip[INET_ADDRSTRLEN];

	snprintf(line, sizeof(line), "%s.\t%u\tIN\tA\t%s", rr->name,
		 PL_DNS_TTL, addr_str(rr->ip, ip));
	lines_add(l, line, strlen(line));
}

/* The owner name of a record line ("name.\t..."), into buf. */
static const char *rr_owner(const char *line, char *buf, size_t size)
{
	size_t n = strcspn(line, "\t ");

	snprintf(buf, size, "%.*s", (int)n, line);
	return buf;
}

/* Does a record line belong to the zone suffix (name ends with it)? */
static int in_zone(const char *line, const char *suffix)
{
	char owner[PL_DNS_LEN + 8];
	size_t n, m = strlen(suffix);

	rr_owner(line, owner, sizeof(owner));
	n = strlen(owner);
	return n > m + 1 && owner[n - 1] == '.' &&
	       !strncmp(owner + n - m - 1, suffix, m) &&
	       (n == m + 1 || owner[n - m - 2] == '.');
}

/*
 * Make the records cur into want: names with a record too many go whole,
 * then every wanted record that is missing or whose name went is added.
 */
static int rr_diff(struct dns_sync *s, const struct lines *cur,
		   const struct lines *want, const char *view,
		   unsigned int *added, unsigned int *removed)
{
	struct lines gone = { NULL }, add = { NULL };
	char *names = NULL, *recs = NULL, owner[PL_DNS_LEN + 8];
	size_t nlen = 0, rlen = 0, i;
	int err = 0;

	for (i = 0; i < cur->n; i++) {
		if (lines_has(want, cur->v[i]))
			continue;
		rr_owner(cur->v[i], owner, sizeof(owner));
		if (!lines_has(&gone, owner)) {
			lines_add(&gone, owner, strlen(owner));
			lines_sort(&gone);
		}
	}
	for (i = 0; i < want->n; i++) {
		rr_owner(want->v[i], owner, sizeof(owner));
		if (!lines_has(cur, want->v[i]) || lines_has(&gone, owner))
			lines_add(&add, want->v[i], strlen(want->v[i]));
	}
	for (i = 0; i < gone.n; i++) {
		names = pl_realloc(names, nlen + strlen(gone.v[i]) + 2);
		nlen += sprintf(names + nlen, "%s\n", gone.v[i]);
	}
	for (i = 0; i < add.n; i++) {
		recs = pl_realloc(recs, rlen + strlen(add.v[i]) + 2);
		rlen += sprintf(recs + rlen, "%s\n", add.v[i]);
	}
	if (gone.n)
		err = view ? uc_run(s, names, NULL, "view_local_datas_remove",
				    view, NULL, NULL) :
		      uc_run(s, names, NULL, "local_datas_remove", NULL, NULL,
			     NULL);
	if (!err && add.n)
		err = view ? uc_run(s, recs, NULL, "view_local_datas", view,
				    NULL, NULL) :
		      uc_run(s, recs, NULL, "local_datas", NULL, NULL, NULL);
	*added += add.n;
	*removed += gone.n;
	free(names);
	free(recs);
	lines_free(&gone);
	lines_free(&add);
	return err;
}

/* The suffix's static zone, and its records. */
static int sync_suffix(struct dns_sync *s, const struct dns_data *d,
		       unsigned int *added, unsigned int *removed)
{
	struct lines zones = { NULL }, cur = { NULL }, want = { NULL };
	char zone[PL_DNS_SUFFIX_MAX + 16];
	struct lines all = { NULL };
	size_t i;
	int err;

	if (s->suffix[0] && strcmp(s->suffix, d->suffix)) {
		snprintf(zone, sizeof(zone), "%s.", s->suffix);
		uc_run(s, NULL, NULL, "local_zone_remove", zone, NULL, NULL);
		s->known = 0;
	}
	for (i = 0; i < d->n_rr; i++) {
		if (!d->rr[i].private)
			rr_line(&want, &d->rr[i]);
	}
	lines_sort(&want);
	err = 0;
	if (s->known) {
		lines_move(&cur, &s->data);
		goto diff;
	}
	snprintf(zone, sizeof(zone), "%s. static", d->suffix);
	err = uc_run(s, NULL, &zones, "list_local_zones", NULL, NULL, NULL);
	lines_sort(&zones);
	if (!err && !lines_has(&zones, zone)) {
		snprintf(zone, sizeof(zone), "%s.", d->suffix);
		err = uc_run(s, NULL, NULL, "local_zone", zone, "static", NULL);
	}
	if (!err)
		err = uc_run(s, NULL, &all, "list_local_data", NULL, NULL, NULL);
	for (i = 0; i < all.n; i++) {
		if (in_zone(all.v[i], d->suffix))
			lines_add(&cur, all.v[i], strlen(all.v[i]));
	}
	lines_sort(&cur);
diff:
	if (!err)
		err = rr_diff(s, &cur, &want, NULL, added, removed);
	if (!err) {
		snprintf(s->suffix, sizeof(s->suffix), "%s", d->suffix);
		lines_move(&s->data, &want);
	}
	lines_free(&zones);
	lines_free(&all);
	lines_free(&cur);
	lines_free(&want);
	return err;
}

/* The view's zones ("name. type"), then its records. */
static int sync_view(struct dns_sync *s, const struct dns_data *d,
		     unsigned int *added, unsigned int *removed)
{
	struct lines cur = { NULL }, want = { NULL };
	char line[PL_DNS_LEN + 32], *sp;
	size_t i;
	int err = 0;

	if (s->known)
		lines_move(&cur, &s->vzones);
	else
		err = uc_run(s, NULL, &cur, "view_list_local_zones",
			     PL_DNS_VIEW, NULL, NULL);
	for (i = 0; i < d->n_zones; i++) {
		snprintf(line, sizeof(line), "%s. %s", d->zones[i].name,
			 d->zones[i].redirect ? "redirect" : "typetransparent");
		lines_add(&want, line, strlen(line));
	}
	lines_sort(&cur);
	lines_sort(&want);
	for (i = 0; !err && i < cur.n; i++) {
		if (lines_has(&want, cur.v[i]))
			continue;
		sp = strchr(cur.v[i], ' ');
		if (sp)
			*sp = '\0';
		err = uc_run(s, NULL, NULL, "view_local_zone_remove",
			     PL_DNS_VIEW, cur.v[i], NULL);
		if (sp)
			*sp = ' ';
	}
	for (i = 0; !err && i < want.n; i++) {
		if (lines_has(&cur, want.v[i]))
			continue;
		sp = strchr(want.v[i], ' ');
		*sp = '\0';
		err = uc_run(s, NULL, NULL, "view_local_zone", PL_DNS_VIEW,
			     want.v[i], sp + 1);
		*sp = ' ';
	}
	lines_free(&cur);
	lines_move(&s->vzones, &want);
	if (s->known)
		lines_move(&cur, &s->vdata);
	else if (!err)
		err = uc_run(s, NULL, &cur, "view_list_local_data",
			     PL_DNS_VIEW, NULL, NULL);
	for (i = 0; i < d->n_rr; i++) {
		if (d->rr[i].private)
			rr_line(&want, &d->rr[i]);
	}
	lines_sort(&cur);
	lines_sort(&want);
	if (!err)
		err = rr_diff(s, &cur, &want, PL_DNS_VIEW, added, removed);
	lines_move(&s->vdata, &want);
	lines_free(&cur);
	return err;
}

/* The access-control lines of a fragment, one after another. */
static char *acl_lines(const char *text)
{
	size_t len = 0, n;
	char *acl = pl_realloc(NULL, 1);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "access-control", 14))
			continue;
		n = strcspn(p, "\n") + 1;
		acl = pl_realloc(acl, len + n + 1);
		memcpy(acl + len, p, n);
		len += n;
	}
	acl[len] = '\0';
	return acl;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, r;
	char buf[4096];

	if (!f)
		return NULL;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0) {
		text = pl_realloc(text, len + r + 1);
		memcpy(text + len, buf, r);
		len += r;
		text[len] = '\0';
	}
	fclose(f);
	return text ?: calloc(1, 1);
}

/*
 * Write the fragment when it changed (whole, by rename). Returns 1 when
 * its consumer prefixes changed too: unbound must read it again.
 */
static int sync_fragment(struct dns_sync *s, const struct dns_data *d)
{
	char *text = NULL, *old, *a, *b, tmp[4096];
	size_t len = 0;
	int reload = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return -1;
	dns_write_unbound(f, d);
	fclose(f);
	old = read_file(s->fragment);
	if (old && !strcmp(old, text)) {
		free(old);
		free(text);
		return 0;
	}
	a = acl_lines(old ?: "");
	b = acl_lines(text);
	reload = strcmp(a, b) != 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->fragment);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, s->fragment)) {
		fprintf(stderr, "pl-ctl: dns sync: %s: %s\n", s->fragment,
			strerror(errno));
		reload = -1;
	}
	free(a);
	free(b);
	free(old);
	free(text);
	return reload;
}

/* Bring unbound in step with pl: 0, or -1 to try again later. */
static int sync_once(struct dns_sync *s)
{
	unsigned int added = 0, removed = 0;
	struct dns_data d;
	int err, reload = 0;

	err = dns_data_load(&d, NULL, NULL);
	if (err) {
		dns_data_free(&d);
		return -1;
	}
	if (s->fragment)
		reload = sync_fragment(s, &d);
	if (reload > 0) {
		s->known = 0;
		err = uc_run(s, NULL, NULL, "reload_keep_cache", NULL, NULL,
			     NULL);
		if (!err)
			printf("dns sync: consumer prefixes changed: unbound reloaded %s\n",
			       s->fragment);
	}
	err = err ?: reload < 0 ? -1 : 0;
	err = err ?: sync_suffix(s, &d, &added, &removed) ?:
	      sync_view(s, &d, &added, &removed);
	/* What it left is what unbound serves, unless something failed. */
	s->known = !err;
	if (!err && (added || removed))
		printf("dns sync: %u records added, %u names removed\n", added,
		       removed);
	fflush(stdout);
	dns_data_free(&d);
	return err;
}

static void sync_event(struct nlmsghdr *nlh __maybe_unused, void *arg)
{
	((struct dns_sync *)arg)->dirty = 1;
}

static void sync_lost(void *arg)
{
	((struct dns_sync *)arg)->dirty = 1;
}

static int sync_timeout(void *arg)
{
	struct dns_sync *s = arg;

	if (s->dirty)
		return DNS_SYNC_SETTLE;
	return s->failed ? DNS_SYNC_RETRY : DNS_SYNC_PERIOD;
}

static void sync_idle(void *arg)
{
	struct dns_sync *s = arg;

	/* No change came: list what unbound serves again. */
	if (!s->dirty)
		s->known = 0;
	s->dirty = 0;
	s->failed = sync_once(s) != 0;
}

/* dns sync [unbound-config FILE] [fragment FILE] */
int dns_sync(struct pl_args *a)
{
	static const char *const groups[] = { "config" };
	struct dns_sync s = { NULL };
	struct mon_listener l = {
		.who = "dns sync", .event = sync_event, .lost = sync_lost,
		.timeout = sync_timeout, .idle = sync_idle, .arg = &s,
	};
	const char *word, **slot;
	int err;

	while ((word = arg_next(a))) {
		slot = !strcmp(word, "unbound-config") ? &s.config :
		       !strcmp(word, "fragment") ? &s.fragment : NULL;
		if (!slot || *slot)
			return usage_err(a, "unexpected argument \"%s\"", word);
		err = arg_need(a, "FILE", slot);
		if (err)
			return err;
	}
	if (out_json())
		return usage_err(a, "dns sync has no JSON output");
	/* An unbound-control that exits before reading its input. */
	signal(SIGPIPE, SIG_IGN);
	s.dirty = 1;
	err = mon_listen(groups, 1, &l);
	lines_free(&s.data);
	lines_free(&s.vzones);
	lines_free(&s.vdata);
	return err;
}
