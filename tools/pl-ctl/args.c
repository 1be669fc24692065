// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line arguments: walking them, reporting usage errors, strict
 * parsing of values, and splitting batch lines.
 *
 * A value that does not parse, or falls outside the range the spec gives
 * the attribute it goes to (a port of 0 or 70000, a weight above 256, a
 * prefix length of 30 for a subnet), is a usage error: the same mistake
 * gets the same status, and nothing is sent. What only the kernel can
 * judge (names, addresses in use, host bits set) is left to it.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "spec.h"

const char *arg_next(struct pl_args *a)
{
	if (!a->argc)
		return NULL;
	a->argc--;
	return *a->argv++;
}

const char *arg_peek(const struct pl_args *a)
{
	return a->argc ? a->argv[0] : NULL;
}

/* A required positional argument. */
int arg_need(struct pl_args *a, const char *what, const char **val)
{
	*val = arg_next(a);
	if (!*val)
		return usage_err(a, "missing %s", what);
	return 0;
}

int arg_end(struct pl_args *a)
{
	if (a->argc)
		return usage_err(a, "unexpected argument \"%s\"", a->argv[0]);
	return 0;
}

/* The file and line being parsed, for apply: errors name them. */
static struct {
	const char *file;
	unsigned long line;
} where;

void args_where(const char *file, unsigned long line)
{
	where.file = file;
	where.line = line;
}

/* "pl-ctl: ", then "FILE:LINE: " when parsing a file for apply. */
static void err_begin(void)
{
	fflush(stdout);
	fputs("pl-ctl: ", stderr);
	if (where.file)
		fprintf(stderr, "%s:%lu: ", where.file, where.line);
}

int usage_err(const struct pl_args *a, const char *fmt, ...)
{
	va_list ap;

	err_begin();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (a && a->cmd)
		fprintf(stderr, "Usage: pl-ctl %s\n", a->cmd->usage);
	return PL_EUSAGE;
}

/* What the system refuses while parsing (an interface that is missing). */
int fail_err(const char *fmt, ...)
{
	va_list ap;

	err_begin();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PL_EFAIL;
}

/* Decimal digits: 0, -1 for junk, -2 above max. */
static int digits(const char *s, __u32 max, __u32 *v)
{
	unsigned long long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -2;
	}
	*v = n;
	return 0;
}

/* Decimal digits only (no sign, no space, no base prefix), min to max. */
int parse_uint(const struct pl_args *a, const char *what, const char *s,
	       __u32 min, __u32 max, __u32 *v)
{
	switch (digits(s, max, v)) {
	case -1:
		return usage_err(a, "%s \"%s\" is not a number", what, s);
	case -2:
		goto range;
	}
	if (*v >= min)
		return 0;
range:
	return usage_err(a, "%s \"%s\" is out of range (%u to %u)", what, s,
			 min, max);
}

/* A dotted quad, in network byte order. */
int parse_addr(const struct pl_args *a, const char *what, const char *s,
	       __u32 *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return usage_err(a, "%s \"%s\" is not an IPv4 address", what,
				 s);
	*addr = in.s_addr;
	return 0;
}

/* A.B.C.D/LEN, or A.B.C.D alone (a /32) when need_len is 0. */
int parse_prefix(const struct pl_args *a, const char *what, const char *s,
		 int need_len, __u32 *addr, __u8 *len)
{
	const char *slash = strchr(s, '/');
	char buf[INET_ADDRSTRLEN];
	struct in_addr in;
	__u32 n = 32;
	size_t alen;

	alen = slash ? (size_t)(slash - s) : strlen(s);
	if ((!slash && need_len) || alen >= sizeof(buf))
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		goto bad;
	if (slash && digits(slash + 1, 32, &n))
		goto bad;
	*addr = in.s_addr;
	*len = n;
	return 0;

bad:
	return usage_err(a, "%s \"%s\" is not an IPv4 prefix (A.B.C.D/LEN, LEN 0 to 32)",
			 what, s);
}

/* An IPv6 address, 16 bytes in network order. */
int parse_addr6(const struct pl_args *a, const char *what, const char *s,
		void *addr)
{
	if (inet_pton(AF_INET6, s, addr) != 1)
		return usage_err(a, "%s \"%s\" is not an IPv6 address", what,
				 s);
	return 0;
}

/* X:X::X/LEN, LEN 0 to 128. */
int parse_prefix6(const struct pl_args *a, const char *what, const char *s,
		  void *addr, __u8 *len)
{
	const char *slash = strchr(s, '/');
	char buf[INET6_ADDRSTRLEN];
	__u32 n;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		goto bad;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1 || digits(slash + 1, 128, &n))
		goto bad;
	*len = n;
	return 0;

bad:
	return usage_err(a, "%s \"%s\" is not an IPv6 prefix (X:X::X/LEN, LEN 0 to 128)",
			 what, s);
}

int parse_enum(const struct pl_args *a, const char *what, const char *s,
	       const struct pl_enum *e, __u8 *v)
{
	char list[128] = "";
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < e->n; i++) {
		if (!strcmp(s, e->names[i])) {
			*v = i;
			return 0;
		}
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				i ? ", " : "", e->names[i]);
		if (off >= sizeof(list))
			off = sizeof(list) - 1;
	}
	return usage_err(a, "%s \"%s\" is not one of: %s", what, s, list);
}

/* Any string the kernel can be asked about; it checks names itself. */
int parse_string(const struct pl_args *a, const char *what, const char *s)
{
	if (strlen(s) > PL_ARG_MAX)
		return usage_err(a, "%s \"%.20s...\" is too long", what, s);
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static void argv_push(struct pl_argv *out, char *arg)
{
	if (out->argc + 1 >= out->cap) {
		out->cap = out->cap ? 2 * out->cap : 64;
		out->argv = pl_realloc(out->argv,
				       out->cap * sizeof(*out->argv));
	}
	out->argv[out->argc++] = arg;
	out->argv[out->argc] = NULL;
}

/* Characters that stand for themselves: not blank, quote, backslash or NUL. */
static int is_plain(char c)
{
	switch (c) {
	case '\0': case ' ': case '\t': case '\r': case '\n': case '\v':
	case '\f': case '\'': case '"': case '\\':
		return 0;
	}
	return 1;
}

/*
 * One argument starting at *rp, unquoted in place; *rp moves past it.
 * Returns an error message, or NULL.
 */
static const char *split_one(char **rp)
{
	char *r = *rp, *w, quote = 0;

	/* Most arguments are plain all through: nothing to move. */
	while (is_plain(*r))
		r++;
	for (w = r; *r && (quote || !is_space(*r)); r++) {
		if (quote == '\'' && *r == quote) {
			quote = 0;
		} else if (quote == '\'') {
			*w++ = *r;
		} else if (*r == '\\') {
			if (!*++r)
				return "a backslash ends the line";
			*w++ = *r;
		} else if (*r == '"' && quote) {
			quote = 0;
		} else if ((*r == '"' || *r == '\'') && !quote) {
			quote = *r;
		} else {
			*w++ = *r;
		}
	}
	if (quote)
		return "unterminated quote";
	*rp = *r ? r + 1 : r;
	*w = '\0';
	return NULL;
}

/*
 * Split a batch line as iproute2 does: arguments are separated by blanks,
 * '...' quotes literally, "..." quotes with backslash escapes, a backslash
 * escapes the next character, and '#' starting an argument starts a
 * comment. Returns an error message, or NULL.
 */
const char *args_split(char *line, struct pl_argv *out)
{
	const char *err;
	char *arg;

	out->argc = 0;
	argv_push(out, NULL);
	out->argc = 0;
	for (;;) {
		while (is_space(*line))
			line++;
		if (!*line || *line == '#')
			return NULL;
		arg = line;
		err = split_one(&line);
		if (err)
			return err;
		argv_push(out, arg);
	}
}
