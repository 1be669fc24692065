// SPDX-License-Identifier: GPL-2.0
/*
 * Health probes of backends, in one epoll loop without threads, as an NLB
 * makes them:
 *
 *   tcp    a connect that completes, then a normal close (a FIN);
 *   http   a connect, "GET PATH HTTP/1.1" with Host, User-Agent, Connection:
 *          close and Accept, then the status line, whose code must match;
 *   https  the same over TLS (OpenSSL, non-blocking), with SNI when the
 *          host is a name, and no certificate verification.
 *
 * Each probe is a non-blocking socket in the loop's epoll set, and a
 * deadline in a min-heap: probe_loop_run() waits until the nearest
 * deadline at most, then times out what is due, so that neither an event
 * nor a timeout costs more than O(log n) with many probes in flight.
 * A probe that ends before probe_start() returns (a connect refused at
 * once) waits on a list for the next run, so that done is never called
 * from probe_start().
 *
 * No signal reaches the caller: plain sends use MSG_NOSIGNAL, and TLS
 * goes through a socket BIO of ours that does the same.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "compiler.h"
#include "probe.h"
#include "tls.h"

#define PROBE_EVENTS	512	/* epoll events handled per wait */
#define PROBE_LINE	64	/* bytes of the status line kept */
#define PROBE_PATH_MAX	1024	/* as an NLB's health check path */
#define PROBE_HOST_MAX	255
#define PROBE_NONE	UINT_MAX	/* heap index of a probe not in it */

/* What epoll's data.ptr points to: a probe or a watch. */
enum probe_kind {
	PROBE_KIND_PROBE,
	PROBE_KIND_WATCH,
};

enum probe_state {
	PROBE_CONNECT,		/* connecting */
	PROBE_TLS,		/* in the TLS handshake */
	PROBE_SEND,		/* sending the request */
	PROBE_RECV,		/* reading the status line */
};

struct probe {
	enum probe_kind kind;		/* first: see epoll's data.ptr */
	struct probe_loop *loop;
	int fd;
	enum probe_proto proto;
	enum probe_state state;
	unsigned int events;		/* in the epoll set */
	unsigned int heap;		/* index in loop->heap, or PROBE_NONE */
	unsigned int timeout_ms;
	uint64_t deadline;		/* CLOCK_MONOTONIC, ns */
	SSL *ssl;
	int sys_err;			/* the BIO's last errno */
	int eof;			/* the BIO read an end of file */
	struct probe_matcher matcher;
	void (*done)(void *arg, const struct probe_outcome *o);
	void *arg;
	struct probe *next;		/* on loop->ended */
	struct probe_outcome out;	/* once ended */
	size_t line_len;
	char line[PROBE_LINE];
	size_t req_len, req_off;
	char req[];			/* the HTTP request */
};

struct probe_watch {
	enum probe_kind kind;		/* first: see epoll's data.ptr */
	int fd;
	void (*fn)(void *arg);		/* NULL once unwatched */
	void *arg;
	struct probe_watch *next;
};

struct probe_loop {
	int epfd;
	int running;			/* in probe_loop_run() */
	int starting;			/* in probe_start() */
	unsigned int inflight;
	int completed;			/* callbacks in this run */
	struct probe **heap;		/* by deadline, nearest first */
	unsigned int heap_n, heap_cap;
	struct probe *ended, **ended_tail;	/* ended, not called back */
	struct probe_watch *watches;
	struct probe_watch *unwatched;	/* freed at the end of a run */
	SSL_CTX *ssl_ctx;
	BIO_METHOD *bio_method;
};

/* Matchers */

static int matcher_err(const char *s, char *err, size_t errlen,
		       const char *fmt, ...)
	__printf(4, 5);

static int matcher_err(const char *s, char *err, size_t errlen,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "matcher \"%s\": ", s);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A code at *p: its value, with *p past its digits; -1 when there is no
 * digit, or 1000 for more than three digits (out of range all the same).
 */
static int matcher_code(const char **p)
{
	const char *s = *p;
	int v = 0;

	while (*s >= '0' && *s <= '9') {
		if (v < 1000)
			v = v * 10 + (*s - '0');
		s++;
	}
	if (s == *p)
		return -1;
	if (s - *p > 3)
		v = 1000;
	*p = s;
	return v;
}

/* One code or range, from s up to end; 0 or -1 with err set. */
static int matcher_item(const char *whole, const char *s, const char *end,
			struct probe_matcher *m, char *err, size_t errlen)
{
	const char *p = s;
	int len = (int)(end - s);
	int lo, hi;

	if (s == end)
		return matcher_err(whole, err, errlen, "a code is missing");
	lo = matcher_code(&p);
	hi = lo;
	if (lo >= 0 && *p == '-') {
		p++;
		hi = matcher_code(&p);
	}
	if (lo < 0 || hi < 0 || p != end)
		return matcher_err(whole, err, errlen,
				   "\"%.*s\" is not a code or a range of codes",
				   len, s);
	if (lo < PROBE_CODE_MIN || lo > PROBE_CODE_MAX ||
	    hi < PROBE_CODE_MIN || hi > PROBE_CODE_MAX)
		return matcher_err(whole, err, errlen, "codes are %d to %d",
				   PROBE_CODE_MIN, PROBE_CODE_MAX);
	if (lo > hi)
		return matcher_err(whole, err, errlen,
				   "range %.*s ends before it starts", len, s);
	if (m->n == PROBE_MATCHER_MAX)
		return matcher_err(whole, err, errlen,
				   "more than %d codes or ranges",
				   PROBE_MATCHER_MAX);
	m->r[m->n].lo = lo;
	m->r[m->n].hi = hi;
	m->n++;
	return 0;
}

int probe_matcher_parse(const char *s, struct probe_matcher *m, char *err,
			size_t errlen)
{
	const char *p = s, *end;

	memset(m, 0, sizeof(*m));
	if (!*s)
		return matcher_err(s, err, errlen, "no code");
	for (;;) {
		end = p + strcspn(p, ",");
		if (matcher_item(s, p, end, m, err, errlen))
			return -1;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

int probe_matcher_match(const struct probe_matcher *m, unsigned int code)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (code >= m->r[i].lo && code <= m->r[i].hi)
			return 1;
	return 0;
}

/* Deadlines: a min-heap of probes in flight */

static uint64_t probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void heap_set(struct probe_loop *l, unsigned int i, struct probe *p)
{
	l->heap[i] = p;
	p->heap = i;
}

static void heap_up(struct probe_loop *l, unsigned int i)
{
	struct probe *p = l->heap[i];
	unsigned int parent;

	while (i) {
		parent = (i - 1) / 2;
		if (l->heap[parent]->deadline <= p->deadline)
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, p);
}

static void heap_down(struct probe_loop *l, unsigned int i)
{
	struct probe *p = l->heap[i];
	unsigned int c;

	while ((c = 2 * i + 1) < l->heap_n) {
		if (c + 1 < l->heap_n &&
		    l->heap[c + 1]->deadline < l->heap[c]->deadline)
			c++;
		if (p->deadline <= l->heap[c]->deadline)
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, p);
}

static int heap_add(struct probe_loop *l, struct probe *p)
{
	struct probe **h;
	unsigned int cap;

	if (l->heap_n == l->heap_cap) {
		cap = l->heap_cap ? 2 * l->heap_cap : 64;
		h = realloc(l->heap, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		l->heap = h;
		l->heap_cap = cap;
	}
	heap_set(l, l->heap_n++, p);
	heap_up(l, p->heap);
	return 0;
}

static void heap_del(struct probe_loop *l, struct probe *p)
{
	unsigned int i = p->heap;
	struct probe *last;

	p->heap = PROBE_NONE;
	last = l->heap[--l->heap_n];
	if (i == l->heap_n)
		return;
	heap_set(l, i, last);
	heap_up(l, i);
	heap_down(l, last->heap);
}

/* Ending probes */

static void probe_free(struct probe *p)
{
	if (p->ssl)
		SSL_free(p->ssl);	/* and its BIO */
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

/* Call back, and free, an ended probe. */
static void probe_complete(struct probe *p)
{
	struct probe_loop *l = p->loop;

	l->inflight--;
	l->completed++;
	p->done(p->arg, &p->out);
	free(p);
}

/*
 * End a probe: close its socket (after a TLS close_notify when the
 * exchange went well), and call back now when in probe_loop_run(), else
 * (and from probe_start()) at the next run.
 */
static void probe_end(struct probe *p, enum probe_result result, int err,
		      const char *fmt, ...)
	__printf(4, 5);

static void probe_end(struct probe *p, enum probe_result result, int err,
		      const char *fmt, ...)
{
	struct probe_loop *l = p->loop;
	va_list ap;

	p->out.result = result;
	p->out.err = err;
	va_start(ap, fmt);
	vsnprintf(p->out.detail, sizeof(p->out.detail), fmt, ap);
	va_end(ap);
	if (p->heap != PROBE_NONE)
		heap_del(l, p);
	if (p->ssl) {
		if (p->state == PROBE_RECV && result != PROBE_FAILED)
			SSL_shutdown(p->ssl);
		SSL_free(p->ssl);
		p->ssl = NULL;
		ERR_clear_error();
	}
	close(p->fd);
	p->fd = -1;
	if (l->running && !l->starting) {
		probe_complete(p);
		return;
	}
	p->next = NULL;
	*l->ended_tail = p;
	l->ended_tail = &p->next;
}

/* End a probe on a system error: "what: " and its lower-case strerror(). */
static void probe_end_errno(struct probe *p, int err, const char *what)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "%s", strerror(err));
	if (msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z')
		msg[0] += 'a' - 'A';
	if (what)
		probe_end(p, PROBE_FAILED, err, "%s: %s", what, msg);
	else
		probe_end(p, PROBE_FAILED, err, "%s", msg);
}

static const char *probe_phase(const struct probe *p)
{
	switch (p->state) {
	case PROBE_CONNECT:
		return "connect";
	case PROBE_TLS:
		return "TLS handshake";
	case PROBE_SEND:
		return "HTTP request";
	default:
		return "HTTP response";
	}
}

static void probe_timeout(struct probe *p)
{
	probe_end(p, PROBE_TIMEOUT, 0, "timed out after %u ms (%s)",
		  p->timeout_ms, probe_phase(p));
}

/* TLS: a socket BIO that sends with MSG_NOSIGNAL */

static int bio_write(BIO *b, const char *buf, size_t len, size_t *written)
{
	struct probe *p = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = send(p->fd, buf, len, MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			BIO_set_retry_write(b);
		else
			p->sys_err = errno;
		return 0;
	}
	*written = n;
	return 1;
}

static int bio_read(BIO *b, char *buf, size_t len, size_t *readbytes)
{
	struct probe *p = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = recv(p->fd, buf, len, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			BIO_set_retry_read(b);
		else
			p->sys_err = errno;
		return 0;
	}
	if (!n) {
		p->eof = 1;
		return 0;
	}
	*readbytes = n;
	return 1;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct probe *p = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_EOF:
		return p->eof;
	default:
		return 0;
	}
}

static BIO_METHOD *bio_method_new(void)
{
	static int type;	/* OpenSSL has 127 types to give out */
	BIO_METHOD *m;

	if (!type)
		type = BIO_get_new_index();
	if (type < 0)
		return NULL;
	m = BIO_meth_new(type | BIO_TYPE_SOURCE_SINK, "pl-probe socket");
	if (!m)
		return NULL;
	if (!BIO_meth_set_write_ex(m, bio_write) ||
	    !BIO_meth_set_read_ex(m, bio_read) ||
	    !BIO_meth_set_ctrl(m, bio_ctrl)) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

/*
 * The health check carries no secret and verifies no certificate: refusing
 * an old backend's protocol or key would only make it look down.
 */
static SSL_CTX *ssl_ctx_new(void)
{
	SSL_CTX *ctx;

	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

/* The name in host to send as SNI, in name: 0 when host is an address. */
static int probe_sni(const char *host, char *name, size_t size)
{
	struct in_addr a;
	size_t len;

	if (host[0] == '[')
		return 0;		/* [v6]:port */
	len = strcspn(host, ":");
	if (host[len] == ':' && strchr(host + len + 1, ':'))
		return 0;		/* bare v6 */
	if (!len || len >= size)
		return 0;
	memcpy(name, host, len);
	name[len] = '\0';
	return inet_pton(AF_INET, name, &a) != 1;
}

static int probe_ssl_new(struct probe *p, const char *host)
{
	struct probe_loop *l = p->loop;
	char name[PROBE_HOST_MAX + 1];
	int err = -ENOMEM;
	BIO *bio;

	p->ssl = SSL_new(l->ssl_ctx);
	bio = BIO_new(l->bio_method);
	if (!p->ssl || !bio)
		goto fail;
	BIO_set_data(bio, p);
	BIO_set_init(bio, 1);
	SSL_set_bio(p->ssl, bio, bio);	/* the SSL owns the BIO now */
	bio = NULL;
	if (host && probe_sni(host, name, sizeof(name)) &&
	    !SSL_set_tlsext_host_name(p->ssl, name)) {
		err = -EINVAL;
		goto fail;
	}
	SSL_set_connect_state(p->ssl);
	return 0;
fail:
	BIO_free(bio);
	SSL_free(p->ssl);
	p->ssl = NULL;
	ERR_clear_error();
	return err;
}

/* End a probe on a TLS call's failure, e from SSL_get_error(). */
static void probe_tls_fail(struct probe *p, int e, const char *what)
{
	unsigned long code = ERR_peek_error();
	const char *reason = code ? ERR_reason_error_string(code) : NULL;

	if (e == SSL_ERROR_SYSCALL && p->sys_err) {
		probe_end_errno(p, p->sys_err, what);
	} else if (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL) {
		probe_end(p, PROBE_FAILED, 0, "%s: connection closed", what);
	} else {
		probe_end(p, PROBE_FAILED, 0, "%s: %s", what,
			  reason ? reason : "TLS error");
	}
}

/* Events */

static int probe_want(struct probe *p, unsigned int events)
{
	struct epoll_event ev = { .events = events, .data.ptr = p };

	if (p->events == events)
		return 0;
	if (epoll_ctl(p->loop->epfd, EPOLL_CTL_MOD, p->fd, &ev)) {
		probe_end_errno(p, errno, "epoll");
		return -1;
	}
	p->events = events;
	return 0;
}

/*
 * Move bytes over the plain socket or TLS: bytes moved, 0 at the end of
 * the stream, or -1 when the probe waits (for the events it wants now) or
 * has ended.
 */
static ssize_t probe_io(struct probe *p, void *buf, size_t len, int write)
{
	size_t done = 0;
	ssize_t n;
	int r, e;

	if (!p->ssl) {
		if (write)
			n = send(p->fd, buf, len, MSG_NOSIGNAL);
		else
			n = recv(p->fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno != EAGAIN && errno != EINTR) {
			probe_end_errno(p, errno, NULL);
			return -1;
		}
		probe_want(p, write ? EPOLLOUT : EPOLLIN);
		return -1;
	}
	ERR_clear_error();
	if (write)
		r = SSL_write_ex(p->ssl, buf, len, &done);
	else
		r = SSL_read_ex(p->ssl, buf, len, &done);
	if (r)
		return done;
	e = SSL_get_error(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		probe_want(p, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
		return -1;
	}
	if (!write && (e == SSL_ERROR_ZERO_RETURN ||
		       (e == SSL_ERROR_SYSCALL && !p->sys_err)))
		return 0;
	probe_tls_fail(p, e, "TLS");
	return -1;
}

/* Parse the status line: "HTTP/1.x NNN" then a space or its end. */
static int http_code(const char *s, size_t len)
{
	if (len < 12 || memcmp(s, "HTTP/1.", 7) || s[7] < '0' || s[7] > '9' ||
	    s[8] != ' ')
		return -1;
	if (s[9] < '1' || s[9] > '9' || s[10] < '0' || s[10] > '9' ||
	    s[11] < '0' || s[11] > '9')
		return -1;
	if (len > 12 && s[12] != ' ' && s[12] != '\r' && s[12] != '\n')
		return -1;
	return (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
}

/* End a probe on its status line, complete or cut short by an EOF. */
static void probe_status(struct probe *p)
{
	size_t len = strcspn(p->line, "\r\n"), i;
	int code = http_code(p->line, len);

	if (code < 0) {
		if (!p->line_len) {
			probe_end(p, PROBE_FAILED, 0,
				  "connection closed before the HTTP status line");
			return;
		}
		for (i = 0; i < len; i++)
			if (p->line[i] < ' ' || p->line[i] > '~')
				p->line[i] = '?';
		probe_end(p, PROBE_FAILED, 0, "bad HTTP status line \"%.*s\"",
			  (int)(len > 40 ? 40 : len), p->line);
		return;
	}
	p->out.http_code = code;
	probe_end(p, probe_matcher_match(&p->matcher, code) ? PROBE_OK :
		  PROBE_MISMATCH, 0, "HTTP %d", code);
}

static void probe_recv(struct probe *p)
{
	size_t room = sizeof(p->line) - 1 - p->line_len;
	ssize_t n;

	p->state = PROBE_RECV;
	for (;;) {
		n = probe_io(p, p->line + p->line_len, room, 0);
		if (n < 0)
			return;
		p->line_len += n;
		p->line[p->line_len] = '\0';
		room -= n;
		if (!n || !room || memchr(p->line, '\n', p->line_len)) {
			probe_status(p);
			return;
		}
	}
}

static void probe_send(struct probe *p)
{
	ssize_t n;

	p->state = PROBE_SEND;
	while (p->req_off < p->req_len) {
		n = probe_io(p, p->req + p->req_off, p->req_len - p->req_off,
			     1);
		if (n < 0)
			return;
		p->req_off += n;
	}
	if (!probe_want(p, EPOLLIN))
		probe_recv(p);
}

static void probe_handshake(struct probe *p)
{
	int r, e;

	p->state = PROBE_TLS;
	ERR_clear_error();
	r = SSL_connect(p->ssl);
	if (r == 1) {
		probe_send(p);
		return;
	}
	e = SSL_get_error(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		probe_want(p, EPOLLIN);
	else if (e == SSL_ERROR_WANT_WRITE)
		probe_want(p, EPOLLOUT);
	else
		probe_tls_fail(p, e, "TLS handshake failed");
}

static void probe_connected(struct probe *p)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		probe_end_errno(p, err, NULL);
		return;
	}
	switch (p->proto) {
	case PROBE_TCP:
		probe_end(p, PROBE_OK, 0, "connected");
		break;
	case PROBE_HTTP:
		probe_send(p);
		break;
	case PROBE_HTTPS:
		probe_handshake(p);
		break;
	}
}

static void probe_event(struct probe *p)
{
	switch (p->state) {
	case PROBE_CONNECT:
		probe_connected(p);
		break;
	case PROBE_TLS:
		probe_handshake(p);
		break;
	case PROBE_SEND:
		probe_send(p);
		break;
	case PROBE_RECV:
		probe_recv(p);
		break;
	}
}

/* Starting probes */

/* Printable ASCII, no space: nothing to split a request line or header. */
static int probe_token_ok(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= max || s[i] <= ' ' || s[i] > '~')
			return 0;
	return i > 0;
}

static int probe_spec_ok(const struct probe_spec *s)
{
	if (s->dst.sin_family != AF_INET || !s->timeout_ms ||
	    s->timeout_ms > INT_MAX || s->matcher.n > PROBE_MATCHER_MAX)
		return 0;
	switch (s->proto) {
	case PROBE_TCP:
		return 1;
	case PROBE_HTTP:
	case PROBE_HTTPS:
		if (s->path && (s->path[0] != '/' ||
				!probe_token_ok(s->path, PROBE_PATH_MAX)))
			return 0;
		return !s->host || probe_token_ok(s->host, PROBE_HOST_MAX);
	default:
		return 0;
	}
}

/* The request, into buf (of size; NULL, 0 to measure it). */
static int probe_request(const struct probe_spec *s, char *buf, size_t size)
{
	unsigned int port = ntohs(s->dst.sin_port);
	char addr[INET_ADDRSTRLEN + 6];
	const char *host = s->host;

	if (!host) {
		inet_ntop(AF_INET, &s->dst.sin_addr, addr, INET_ADDRSTRLEN);
		if (port != (s->proto == PROBE_HTTPS ? 443 : 80))
			snprintf(addr + strlen(addr), 7, ":%u", port);
		host = addr;
	}
	return snprintf(buf, size,
			"GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: pl-health/1\r\nConnection: close\r\nAccept: */*\r\n\r\n",
			s->path ? s->path : "/", host);
}

static struct probe *probe_new(struct probe_loop *l,
			       const struct probe_spec *s)
{
	size_t len = 0;
	struct probe *p;

	if (s->proto != PROBE_TCP)
		len = probe_request(s, NULL, 0);
	p = calloc(1, sizeof(*p) + len + 1);
	if (!p)
		return NULL;
	p->kind = PROBE_KIND_PROBE;
	p->loop = l;
	p->fd = -1;
	p->proto = s->proto;
	p->state = PROBE_CONNECT;
	p->heap = PROBE_NONE;
	p->timeout_ms = s->timeout_ms;
	p->matcher = s->matcher;
	if (!p->matcher.n) {		/* an NLB's default */
		p->matcher.n = 1;
		p->matcher.r[0].lo = 200;
		p->matcher.r[0].hi = 399;
	}
	if (len)
		p->req_len = probe_request(s, p->req, len + 1);
	return p;
}

/* Socket, epoll and connect; 0 (also when the probe ended) or -errno. */
static int probe_connect(struct probe *p, const struct probe_spec *s)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = p };
	struct probe_loop *l = p->loop;
	int err;

	p->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -errno;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, p->fd, &ev))
		return -errno;
	p->events = EPOLLOUT;
	err = heap_add(l, p);
	if (err)
		return err;
	l->inflight++;
	if (!connect(p->fd, (const struct sockaddr *)&s->dst, sizeof(s->dst)))
		return 0;		/* level-triggered EPOLLOUT follows */
	err = errno;
	if (err == EINPROGRESS)
		return 0;
	if (err == EAGAIN || err == EADDRNOTAVAIL || err == ENOBUFS) {
		/* out of local ports or memory: the caller's problem */
		heap_del(l, p);
		l->inflight--;
		return -err;
	}
	probe_end_errno(p, err, NULL);
	return 0;
}

int probe_start(struct probe_loop *l, const struct probe_spec *s,
		void (*done)(void *arg, const struct probe_outcome *o),
		void *arg)
{
	struct probe *p;
	int err;

	if (!done || !probe_spec_ok(s))
		return -EINVAL;
	p = probe_new(l, s);
	if (!p)
		return -ENOMEM;
	p->done = done;
	p->arg = arg;
	p->deadline = probe_now() + (uint64_t)s->timeout_ms * 1000000;
	if (s->proto == PROBE_HTTPS) {
		err = probe_ssl_new(p, s->host);
		if (err)
			goto fail;
	}
	l->starting = 1;
	err = probe_connect(p, s);
	l->starting = 0;
	if (err)
		goto fail;
	return 0;
fail:
	if (p->heap != PROBE_NONE)
		heap_del(l, p);
	probe_free(p);
	return err;
}

/* The loop */

struct probe_loop *probe_loop_new(void)
{
	struct probe_loop *l;

	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->ended_tail = &l->ended;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (tls_load()) {
		if (l->epfd >= 0)
			close(l->epfd);
		free(l);
		return NULL;
	}
	l->ssl_ctx = ssl_ctx_new();
	l->bio_method = bio_method_new();
	if (l->epfd < 0 || !l->ssl_ctx || !l->bio_method) {
		probe_loop_free(l);
		return NULL;
	}
	return l;
}

static void watches_free(struct probe_watch *w)
{
	struct probe_watch *next;

	for (; w; w = next) {
		next = w->next;
		free(w);
	}
}

void probe_loop_free(struct probe_loop *l)
{
	struct probe *p, *next;
	unsigned int i;

	if (!l)
		return;
	for (i = 0; i < l->heap_n; i++)
		probe_free(l->heap[i]);
	for (p = l->ended; p; p = next) {
		next = p->next;
		probe_free(p);
	}
	watches_free(l->watches);
	watches_free(l->unwatched);
	free(l->heap);
	if (l->epfd >= 0)
		close(l->epfd);
	SSL_CTX_free(l->ssl_ctx);
	BIO_meth_free(l->bio_method);
	ERR_clear_error();
	free(l);
}

unsigned int probe_loop_inflight(const struct probe_loop *l)
{
	return l->inflight;
}

int probe_loop_watch(struct probe_loop *l, int fd, void (*fn)(void *arg),
		     void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct probe_watch *w;

	if (!fn)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->kind = PROBE_KIND_WATCH;
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		free(w);
		return -errno;
	}
	w->next = l->watches;
	l->watches = w;
	return 0;
}

int probe_loop_unwatch(struct probe_loop *l, int fd)
{
	struct probe_watch **pw, *w;

	for (pw = &l->watches; (w = *pw); pw = &w->next) {
		if (w->fd != fd)
			continue;
		*pw = w->next;
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		/* an event of this run may point to it still */
		w->fn = NULL;
		w->next = l->unwatched;
		l->unwatched = w;
		return 0;
	}
	return -ENOENT;
}

/* How long to wait: timeout_ms, or less for the nearest deadline. */
static int probe_wait_ms(struct probe_loop *l, int timeout_ms)
{
	uint64_t now, ms;

	if (l->ended)
		return 0;
	if (!l->heap_n)
		return timeout_ms;
	now = probe_now();
	if (l->heap[0]->deadline <= now)
		return 0;
	ms = (l->heap[0]->deadline - now + 999999) / 1000000;
	if (timeout_ms >= 0 && ms > (uint64_t)timeout_ms)
		return timeout_ms;
	return (int)ms;		/* deadlines are INT_MAX ms away at most */
}

/* Call back the probes that ended outside of a run. */
static void probe_call_ended(struct probe_loop *l)
{
	struct probe *p;

	while ((p = l->ended)) {
		l->ended = p->next;
		if (!l->ended)
			l->ended_tail = &l->ended;
		probe_complete(p);
	}
}

static void probe_expire(struct probe_loop *l)
{
	uint64_t now = probe_now();

	while (l->heap_n && l->heap[0]->deadline <= now)
		probe_timeout(l->heap[0]);
}

static void probe_dispatch(struct epoll_event *ev)
{
	struct probe_watch *w = ev->data.ptr;
	enum probe_kind *kind = ev->data.ptr;

	if (*kind == PROBE_KIND_PROBE)
		probe_event(ev->data.ptr);
	else if (w->fn)
		w->fn(w->arg);
}

int probe_loop_run(struct probe_loop *l, int timeout_ms)
{
	struct epoll_event ev[PROBE_EVENTS];
	int n, i, wait;

	if (l->running)
		return -EBUSY;
	l->running = 1;
	l->completed = 0;
	probe_call_ended(l);
	wait = probe_wait_ms(l, l->completed ? 0 : timeout_ms);
	n = epoll_wait(l->epfd, ev, PROBE_EVENTS, wait);
	if (n < 0 && errno != EINTR) {
		n = -errno;
		goto out;
	}
	for (i = 0; i < n; i++)
		probe_dispatch(&ev[i]);
	probe_expire(l);
	n = l->completed;
out:
	watches_free(l->unwatched);
	l->unwatched = NULL;
	l->running = 0;
	return n;
}
