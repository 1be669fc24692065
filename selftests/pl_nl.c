// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink for the pl selftests, on libmnl: see pl_nl.h.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* unshare(), setns() */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pl_nl.h"

/* A request is at most this long; pipelines send many in one datagram. */
#define PL_REQ_MAX	1024
#define PL_BATCH_BYTES	(128 * 1024)

/* The pl.ko to load: $PL_KO, or the one built for the running kernel. */
const char *pl_ko_path(void)
{
	static const char * const rel[] = {
		"%s/../../%s/pl.ko",	/* installed: build/kselftest/pl/ */
		"%s/../build/%s/pl.ko",	/* in the source tree: selftests/ */
	};
	static char path[PATH_MAX + 256];
	char exe[PATH_MAX], *slash;
	struct utsname u;
	const char *env;
	unsigned int i;
	ssize_t n;

	env = getenv("PL_KO");
	if (env && *env)
		return env;
	if (uname(&u))
		return NULL;
	env = getenv("PL_TOP");
	if (env && *env) {
		snprintf(path, sizeof(path), "%s/build/%s/pl.ko", env,
			 u.release);
		if (!access(path, R_OK))
			return path;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		snprintf(path, sizeof(path), rel[i], exe, u.release);
		if (!access(path, R_OK))
			return path;
	}
	return NULL;
}

/* Load pl.ko unless it is loaded already. */
int pl_load(void)
{
	const char *path;
	int fd, err = 0;

	if (!access("/sys/module/pl", F_OK))
		return 0;
	path = pl_ko_path();
	if (!path)
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		err = -errno;
	close(fd);
	return err;
}

static struct nlmsghdr *pl_genl_put(void *buf, __u16 type, __u8 cmd,
				    __u8 version, __u16 flags, __u32 seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct pl_resolve {
	__u16 family;
	__u32 grp;
};

static int pl_resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *pos, *grp;
	const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct pl_resolve *res = data;

	pl_attrs(nlh, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_FAMILY_ID])
		res->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(pos, tb[CTRL_ATTR_MCAST_GROUPS]) {
		grp = pos;
		pl_nest_attrs(grp, g, CTRL_ATTR_MCAST_GRP_MAX);
		if (g[CTRL_ATTR_MCAST_GRP_NAME] && g[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]),
			    PL_MCGRP_CONFIG))
			res->grp = mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

/*
 * Open a socket in the current network namespace and resolve the family.
 * Fails with -ENOENT when pl is not loaded.
 */
int pl_open(struct pl_sock *s)
{
	char req[PL_REQ_MAX];
	struct pl_resolve res = { 0 };
	struct pl_result r;
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(s, 0, sizeof(*s));
	s->buf = malloc(PL_NL_BUF_SIZE);
	if (!s->buf)
		return -ENOMEM;
	s->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!s->nl) {
		err = -errno;
		goto err_free;
	}
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one))) {
		err = -errno;
		goto err_close;
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = 1;

	nlh = pl_genl_put(req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0,
			  ++s->seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PL_FAMILY_NAME);
	err = pl_do(s, nlh, pl_resolve_cb, &res, &r);
	if (err)
		goto err_close;
	if (!res.family || !res.grp) {
		err = -EPROTO;
		goto err_close;
	}
	s->family = res.family;
	s->config_grp = res.grp;
	return 0;

err_close:
	mnl_socket_close(s->nl);
	s->nl = NULL;
err_free:
	free(s->buf);
	s->buf = NULL;
	return err;
}

void pl_close(struct pl_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

/* Listen to the config multicast group. */
int pl_join_config(struct pl_sock *s)
{
	int grp = s->config_grp;

	if (mnl_socket_setsockopt(s->nl, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)))
		return -errno;
	return 0;
}

/* Start a request of the pl family in buf (PL_REQ_MAX bytes or more). */
struct nlmsghdr *pl_msg(struct pl_sock *s, void *buf, __u8 cmd, __u16 flags)
{
	return pl_genl_put(buf, s->family, cmd, PL_FAMILY_VERSION, flags,
			   ++s->seq);
}

int pl_send(struct pl_sock *s, const struct nlmsghdr *nlh)
{
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

static void pl_result_init(struct pl_result *r)
{
	memset(r, 0, sizeof(*r));
	r->offs = -1;
	r->miss_type = -1;
	r->miss_nest = -1;
}

static int pl_ext_ack_cb(const struct nlattr *attr, void *data)
{
	struct pl_result *r = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		snprintf(r->msg, sizeof(r->msg), "%.*s",
			 (int)mnl_attr_get_payload_len(attr),
			 (const char *)mnl_attr_get_payload(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		r->offs = mnl_attr_get_u32(attr);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		r->miss_type = mnl_attr_get_u32(attr);
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		r->miss_nest = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

/* An NLMSG_ERROR (ack) or NLMSG_DONE message, with its extack. */
static void pl_parse_ack(const struct nlmsghdr *nlh, struct pl_result *r)
{
	unsigned int off;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
			r->error = -EBADMSG;
			return;
		}
		r->error = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(e->msg));
	} else {
		const int *e = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*e))
			r->error = *e;
		off = sizeof(*e);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    off < mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, pl_ext_ack_cb, r);
}

/*
 * Read one datagram: every message of request seq (any message when seq is
 * 0) goes to cb, until the ack or NLMSG_DONE. Returns 1 when more is to
 * come, 0 when the answer is complete, or a negative errno.
 */
int pl_read(struct pl_sock *s, __u32 seq, pl_msg_cb cb, void *data,
	    struct pl_result *r)
{
	const struct nlmsghdr *nlh;
	int len, err;

	len = mnl_socket_recvfrom(s->nl, s->buf, PL_NL_BUF_SIZE);
	if (len < 0)
		return -errno;
	r->parts++;
	for (nlh = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (seq && nlh->nlmsg_seq != seq)
			continue;	/* a notification, or a stale answer */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
		case NLMSG_DONE:
			pl_parse_ack(nlh, r);
			r->done = true;
			r->end_type = nlh->nlmsg_type;
			break;
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			break;
		default:
			r->msgs++;
			err = cb ? cb(nlh, data) : 0;
			if (err < 0 && !r->error)
				r->error = err;
		}
	}
	return r->done ? 0 : 1;
}

static int pl_talk(struct pl_sock *s, struct nlmsghdr *nlh, pl_msg_cb cb,
		   void *data, struct pl_result *r)
{
	struct pl_result local;
	int err;

	if (!r)
		r = &local;
	pl_result_init(r);
	err = pl_send(s, nlh);
	if (err)
		return err;
	do {
		err = pl_read(s, nlh->nlmsg_seq, cb, data, r);
	} while (err > 0);
	return err ?: r->error;
}

/* Send a do request and read its replies and its ack. */
int pl_do(struct pl_sock *s, struct nlmsghdr *nlh, pl_msg_cb cb, void *data,
	  struct pl_result *r)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	return pl_talk(s, nlh, cb, data, r);
}

/* Send a dump request and read it to its end. */
int pl_dump(struct pl_sock *s, struct nlmsghdr *nlh, pl_msg_cb cb,
	    void *data, struct pl_result *r)
{
	nlh->nlmsg_flags |= NLM_F_DUMP;
	return pl_talk(s, nlh, cb, data, r);
}

/* Room for the acks of a batch: big enough not to drop any. */
static int pl_batch_size(struct pl_sock *s)
{
	int fd = mnl_socket_get_fd(s->nl), size = 16 << 20, one = 1;
	socklen_t len = sizeof(size);

	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len))
		return 64;
	/* An ack takes well under 2 KiB of receive buffer. */
	size /= 2048;
	return size < 1 ? 1 : size > 4096 ? 4096 : size;
}

struct pl_batch {
	__u32 first_seq;
	unsigned int n, acked, failed;
	struct pl_result *first_err;
};

static int pl_batch_collect(struct pl_sock *s, struct pl_batch *b)
{
	const struct nlmsghdr *nlh;
	struct pl_result r;
	int len;

	while (b->acked < b->n) {
		len = mnl_socket_recvfrom(s->nl, s->buf, PL_NL_BUF_SIZE);
		if (len < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_seq - b->first_seq >= b->n)
				continue;
			b->acked++;
			pl_result_init(&r);
			pl_parse_ack(nlh, &r);
			if (!r.error)
				continue;
			if (!b->failed++ && b->first_err)
				*b->first_err = r;
		}
	}
	return 0;
}

/*
 * Send n requests of cmd, many per datagram, without waiting for each
 * ack; then collect the acks. Returns how many requests were refused (the
 * first refusal is kept in first_err), or a negative errno.
 */
int pl_pipeline(struct pl_sock *s, __u8 cmd, unsigned int n,
		pl_build_cb build, void *data, struct pl_result *first_err)
{
	unsigned int i = 0, batch = pl_batch_size(s), failed = 0;
	struct pl_batch b;
	struct nlmsghdr *nlh;
	size_t off;
	char *buf;
	int err = 0;

	if (first_err)
		pl_result_init(first_err);
	buf = malloc(PL_BATCH_BYTES);
	if (!buf)
		return -ENOMEM;
	while (i < n) {
		memset(&b, 0, sizeof(b));
		b.first_seq = s->seq + 1;
		b.first_err = failed ? NULL : first_err;
		for (off = 0; i < n && b.n < batch &&
		     off + PL_REQ_MAX <= PL_BATCH_BYTES; i++, b.n++) {
			nlh = pl_msg(s, buf + off, cmd, NLM_F_ACK);
			build(nlh, i, data);
			off += nlh->nlmsg_len;
		}
		if (mnl_socket_sendto(s->nl, buf, off) < 0) {
			err = -errno;
			break;
		}
		err = pl_batch_collect(s, &b);
		if (err)
			break;
		failed += b.failed;
	}
	free(buf);
	return err ?: (int)failed;
}

/*
 * Read what the config group sent, waiting up to timeout_ms for the first
 * datagram: returns how many messages were read (0: none), or -errno.
 */
int pl_recv_ntf(struct pl_sock *s, int timeout_ms, pl_msg_cb cb, void *data)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(s->nl), .events = POLLIN };
	const struct nlmsghdr *nlh;
	int len, n = 0;

	if (poll(&pfd, 1, timeout_ms) < 0)
		return -errno;
	while ((len = recv(pfd.fd, s->buf, PL_NL_BUF_SIZE, MSG_DONTWAIT)) > 0) {
		for (nlh = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			n++;
			if (cb)
				cb(nlh, data);
		}
	}
	if (len < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -errno;
	return n;
}

__u8 pl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	return genl->cmd;
}

/* The top-level attributes of a message (the last of each type). */
void pl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
	      unsigned int max)
{
	const struct nlattr *attr;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) <= max)
			tb[mnl_attr_get_type(attr)] = attr;
	}
}

void pl_nest_attrs(const struct nlattr *nest, const struct nlattr **tb,
		   unsigned int max)
{
	const struct nlattr *attr;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) <= max)
			tb[mnl_attr_get_type(attr)] = attr;
	}
}

/* Where an attribute sits in a request, as NLMSGERR_ATTR_OFFS counts. */
int pl_attr_offset(const struct nlmsghdr *nlh, const struct nlattr *attr)
{
	return (const char *)attr - (const char *)nlh;
}

int pl_az_add(struct pl_sock *s, const char *name, struct pl_result *r)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_AZ_ADD, 0);

	mnl_attr_put_strz(nlh, PL_A_AZ_NAME, name);
	return pl_do(s, nlh, NULL, NULL, r);
}

int pl_subnet_add(struct pl_sock *s, const char *id, __u32 prefix,
		  __u8 plen, const char *az, struct pl_result *r)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_SUBNET_ADD, 0);

	mnl_attr_put_strz(nlh, PL_A_SUBNET_ID, id);
	mnl_attr_put_u32(nlh, PL_A_SUBNET_PREFIX, htonl(prefix));
	mnl_attr_put_u8(nlh, PL_A_SUBNET_PREFIX_LEN, plen);
	mnl_attr_put_strz(nlh, PL_A_SUBNET_AZ, az);
	return pl_do(s, nlh, NULL, NULL, r);
}

int pl_service_add(struct pl_sock *s, const char *name, __u16 port,
		   struct pl_result *r)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_SERVICE_ADD, 0);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, PL_A_SERVICE_NAME, name);
	nest = mnl_attr_nest_start(nlh, PL_A_SERVICE_LISTENER);
	mnl_attr_put_u16(nlh, PL_A_LISTENER_PORT, port);
	mnl_attr_nest_end(nlh, nest);
	return pl_do(s, nlh, NULL, NULL, r);
}

static void pl_backend_put(struct nlmsghdr *nlh, const char *svc, __u32 addr,
			   const char *az)
{
	mnl_attr_put_strz(nlh, PL_A_BACKEND_SERVICE, svc);
	mnl_attr_put_u32(nlh, PL_A_BACKEND_ADDRESS, htonl(addr));
	mnl_attr_put_strz(nlh, PL_A_BACKEND_AZ, az);
}

int pl_backend_add(struct pl_sock *s, const char *svc, __u32 addr,
		   const char *az, struct pl_result *r)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_BACKEND_ADD, 0);

	pl_backend_put(nlh, svc, addr, az);
	return pl_do(s, nlh, NULL, NULL, r);
}

struct pl_backends {
	const char *svc, *az;
	__u32 first;
	int weight;
};

static void pl_backends_build(struct nlmsghdr *nlh, unsigned int i,
			      void *data)
{
	const struct pl_backends *b = data;

	pl_backend_put(nlh, b->svc, b->first + i, b->az);
	if (b->weight >= 0)
		mnl_attr_put_u32(nlh, PL_A_BACKEND_WEIGHT, b->weight);
}

/*
 * n backends of svc in az, at addresses first, first + 1, ..., of the
 * given weight (the default when negative).
 */
int pl_backends_add(struct pl_sock *s, const char *svc, const char *az,
		    __u32 first, unsigned int n, int weight,
		    struct pl_result *first_err)
{
	struct pl_backends b = {
		.svc = svc, .az = az, .first = first, .weight = weight,
	};

	return pl_pipeline(s, PL_CMD_BACKEND_ADD, n, pl_backends_build, &b,
			   first_err);
}

/* An endpoint with one ENI in subnet, its IP picked by the kernel. */
int pl_endpoint_add(struct pl_sock *s, const char *id, const char *svc,
		    const char *subnet, struct pl_result *r)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_ENDPOINT_ADD, 0);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, PL_A_ENDPOINT_ID, id);
	mnl_attr_put_strz(nlh, PL_A_ENDPOINT_SERVICE, svc);
	nest = mnl_attr_nest_start(nlh, PL_A_ENDPOINT_ENI);
	mnl_attr_put_strz(nlh, PL_A_ENI_SUBNET, subnet);
	mnl_attr_nest_end(nlh, nest);
	return pl_do(s, nlh, NULL, NULL, r);
}

int pl_limits_set(struct pl_sock *s, int type, __u32 value,
		  struct pl_result *r)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_LIMITS_SET, 0);

	mnl_attr_put_u32(nlh, type, value);
	return pl_do(s, nlh, NULL, NULL, r);
}

struct pl_u32s {
	__u32 *vals;
	unsigned int max;
};

static int pl_u32s_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct pl_u32s *v = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) <= v->max &&
		    mnl_attr_get_payload_len(attr) == sizeof(__u32))
			v->vals[mnl_attr_get_type(attr)] = mnl_attr_get_u32(attr);
	}
	return 0;
}

/* vals[PL_A_LIMITS_*] (max + 1 entries), or a negative errno. */
int pl_limits_get(struct pl_sock *s, __u32 *vals, unsigned int max)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, PL_CMD_LIMITS_GET, 0);
	struct pl_u32s v = { .vals = vals, .max = max };
	struct pl_result r;
	int err;

	memset(vals, 0xff, (max + 1) * sizeof(*vals));
	err = pl_do(s, nlh, pl_u32s_cb, &v, &r);
	if (!err && r.msgs != 1)
		err = -EBADMSG;
	return err;
}

/* How many objects a dump returns, or a negative errno. */
int pl_count(struct pl_sock *s, __u8 cmd)
{
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh = pl_msg(s, buf, cmd, 0);
	struct pl_result r;
	int err;

	err = pl_dump(s, nlh, NULL, NULL, &r);
	return err ?: (int)r.msgs;
}

struct pl_snap {
	char *buf;
	size_t len, size;
	int err;
};

static int pl_snap_cb(const struct nlmsghdr *nlh, void *data)
{
	size_t n = mnl_nlmsg_get_payload_len(nlh);
	struct pl_snap *sn = data;
	__u32 len = n;
	char *p;

	if (sn->len + sizeof(len) + n > sn->size) {
		sn->size = (sn->len + sizeof(len) + n) * 2;
		p = realloc(sn->buf, sn->size);
		if (!p) {
			sn->err = -ENOMEM;
			return -ENOMEM;
		}
		sn->buf = p;
	}
	memcpy(sn->buf + sn->len, &len, sizeof(len));
	memcpy(sn->buf + sn->len + sizeof(len), mnl_nlmsg_get_payload(nlh), n);
	sn->len += sizeof(len) + n;
	return 0;
}

/*
 * Everything the namespace's configuration shows: every dump, the limits
 * and the DNS settings, as bytes to compare. NULL on failure.
 */
char *pl_snapshot(struct pl_sock *s, size_t *len)
{
	static const __u8 dumps[] = {
		PL_CMD_AZ_GET, PL_CMD_SUBNET_GET, PL_CMD_SERVICE_GET,
		PL_CMD_BACKEND_GET, PL_CMD_ENDPOINT_GET,
	};
	struct pl_snap sn = { 0 };
	char buf[PL_REQ_MAX];
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < sizeof(dumps) && !sn.err; i++) {
		nlh = pl_msg(s, buf, dumps[i], 0);
		if (pl_dump(s, nlh, pl_snap_cb, &sn, NULL))
			sn.err = -EIO;
	}
	nlh = pl_msg(s, buf, PL_CMD_LIMITS_GET, 0);
	if (!sn.err && pl_do(s, nlh, pl_snap_cb, &sn, NULL))
		sn.err = -EIO;
	nlh = pl_msg(s, buf, PL_CMD_DNS_GET, 0);
	if (!sn.err && pl_do(s, nlh, pl_snap_cb, &sn, NULL))
		sn.err = -EIO;
	if (sn.err) {
		free(sn.buf);
		return NULL;
	}
	*len = sn.len;
	return sn.buf ?: calloc(1, 1);
}

/* Move the caller into a new network namespace. */
int pl_netns_new(void)
{
	return unshare(CLONE_NEWNET) ? -errno : 0;
}

int pl_netns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) ? -errno : 0;
}

static int pl_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Move the caller into a new user namespace where it is root (its own uid
 * and gid mapped to 0), and a new network namespace that it owns.
 */
int pl_userns_new(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int err;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -errno;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	err = pl_write_file("/proc/self/uid_map", map);
	if (err)
		return err;
	err = pl_write_file("/proc/self/setgroups", "deny");
	if (err && err != -ENOENT)
		return err;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return pl_write_file("/proc/self/gid_map", map);
}
