// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink side of pl-ctl, over libnl.
 *
 * One socket serves a whole run: the family is resolved once, on the
 * first request, so that a batch of any length costs one round trip per
 * line. Requests are built before the socket is opened (their family is
 * filled in when sent), so that usage errors never need the module.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/pl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "extack.h"
#include "kmod.h"
#include "nl.h"

#define PL_MSG_SIZE	16384	/* largest request: lists of listeners, subnets */
#define PL_MSG_SMALL	1024	/* any other request */
#define PL_RECV_SIZE	65536	/* receive buffer; dumps send 32 KiB */
#define PL_MON_RCVBUF	(4 * 1024 * 1024)
#define PL_DUMP_TRIES	5

/* The generic-netlink controller, and its group announcing families. */
#define PL_CTRL_NAME		"nlctrl"
#define PL_CTRL_MCGRP_NOTIFY	"notify"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static struct {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	int quiet;		/* say nothing when the family is missing */
} nl;

/* One request in flight: where its replies go, and how it ended. */
struct pl_xfer {
	struct nl_msg *req;
	struct pl_objs *objs;
	void (*each)(struct nlmsghdr *nlh, void *arg);	/* or each reply */
	void *arg;
	int error;	/* the kernel's negative errno */
	int done;
};

static void objs_add(struct pl_objs *o, const struct nlmsghdr *nlh)
{
	size_t size = NLMSG_ALIGN(nlh->nlmsg_len);

	if (o->len + size > o->cap) {
		o->cap = o->cap ? 2 * o->cap : PL_RECV_SIZE;
		if (o->cap < o->len + size)
			o->cap = o->len + size;
		o->buf = pl_realloc(o->buf, o->cap);
	}
	memcpy(o->buf + o->len, nlh, nlh->nlmsg_len);
	o->len += size;
	o->n++;
}

/* The message after prev (the first one when prev is NULL), or NULL. */
struct nlmsghdr *objs_next(const struct pl_objs *o, struct nlmsghdr *prev)
{
	size_t off = 0;

	if (prev)
		off = (char *)prev - o->buf + NLMSG_ALIGN(prev->nlmsg_len);
	return off < o->len ? (struct nlmsghdr *)(o->buf + off) : NULL;
}

void objs_free(struct pl_objs *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

static int nl_sys_err(const char *what, int err)
{
	fflush(stdout);
	fprintf(stderr, "pl-ctl: %s: %s\n", what, nl_geterror(err));
	return PL_EFAIL;
}

static struct nl_sock *nl_sock_new(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, fd, err;

	if (!sk) {
		nl_sys_err("netlink socket", -NLE_NOMEM);
		return NULL;
	}
	err = genl_connect(sk);
	if (err) {
		nl_sys_err("netlink socket", err);
		nl_socket_free(sk);
		return NULL;
	}
	fd = nl_socket_get_fd(sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_enable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, PL_RECV_SIZE);
	return sk;
}

/* Open the socket and resolve the family, once. */
int nl_open(void)
{
	if (nl.sk)
		return 0;
	nl.cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl.cb)
		return nl_sys_err("netlink", -NLE_NOMEM);
	nl.sk = nl_sock_new();
	if (!nl.sk)
		return PL_EFAIL;
	nl.family = genl_ctrl_resolve(nl.sk, PL_FAMILY_NAME);
	if (nl.family >= 0)
		return 0;
	if (nl.quiet)
		;
	else if (nl.family == -NLE_OBJ_NOTFOUND)
		kmod_explain();
	else
		nl_sys_err("cannot resolve the netlink family \"pl\"",
			   nl.family);
	nl_reset();
	return PL_EFAIL;
}

/*
 * Forget the socket and the family, to resolve it again (the module was
 * reloaded); quiet, to not say why it cannot be resolved.
 */
void nl_reset(void)
{
	if (nl.sk)
		nl_socket_free(nl.sk);
	if (nl.cb)
		nl_cb_put(nl.cb);
	nl.sk = NULL;
	nl.cb = NULL;
}

void nl_set_quiet(int quiet)
{
	nl.quiet = quiet;
}

/*
 * Room for a request: libnl clears the whole buffer, which a batch does
 * for every line, so only requests that carry lists get the large one.
 */
static size_t nl_req_size(__u8 cmd)
{
	switch (cmd) {
	case PL_CMD_SERVICE_ADD:
	case PL_CMD_SERVICE_SET:
	case PL_CMD_ENDPOINT_ADD:
	case PL_CMD_ENDPOINT_SET:
		return PL_MSG_SIZE;
	default:
		return PL_MSG_SMALL;
	}
}

/*
 * Requests that were built and never sent (apply and -b --atomic parse
 * tens of thousands): kept for the next one of their size, so that libnl
 * neither allocates nor clears a buffer per line.
 */
static struct nl_msg *nl_spare[2];

static struct nl_msg **nl_spare_slot(size_t size)
{
	if (size == PL_MSG_SMALL)
		return &nl_spare[0];
	if (size == PL_MSG_SIZE)
		return &nl_spare[1];
	return NULL;
}

/* A request for cmd with room for size bytes in all. */
static struct nl_msg *nl_req_alloc(__u8 cmd, int flags, size_t size)
{
	struct nl_msg **spare = nl_spare_slot(size), *m = NULL;

	if (spare && *spare) {
		m = *spare;
		*spare = NULL;
		nlmsg_hdr(m)->nlmsg_len = NLMSG_HDRLEN;
	} else {
		m = nlmsg_alloc_size(size);
	}
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags, cmd,
			       PL_FAMILY_VERSION)) {
		fputs("pl-ctl: out of memory\n", stderr);
		exit(PL_EFAIL);
	}
	return m;
}

/* A request for cmd; its family is filled in when it is sent. */
struct nl_msg *nl_req(__u8 cmd, int flags)
{
	return nl_req_alloc(cmd, flags, nl_req_size(cmd));
}

/* Done with m, a request from nl_req() that was never sent. */
void nl_req_done(struct nl_msg *m)
{
	struct nl_msg **spare;

	if (!m)
		return;
	spare = nl_spare_slot(nlmsg_get_max_size(m));
	if (spare && !*spare) {
		*spare = m;
		return;
	}
	nlmsg_free(m);
}

/*
 * A request of size bytes (a transaction, of up to several MB), and a
 * send buffer on the socket that takes it: SO_SNDBUFFORCE, which needs
 * CAP_NET_ADMIN, else SO_SNDBUF (bounded by net.core.wmem_max).
 */
struct nl_msg *nl_req_large(__u8 cmd, size_t size)
{
	int fd, buf;

	if (nl_open())
		return NULL;
	size += NLMSG_HDRLEN + GENL_HDRLEN;
	buf = size > INT_MAX / 2 - PL_RECV_SIZE ? INT_MAX / 2 :
	      (int)size + PL_RECV_SIZE;
	fd = nl_socket_get_fd(nl.sk);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return nl_req_alloc(cmd, 0, size);
}

int nl_put(struct nl_msg *m, int type, size_t len, const void *data)
{
	return nla_put(m, type, len, data);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct pl_xfer *x = arg;

	if (x->objs)
		objs_add(x->objs, nlmsg_hdr(msg));
	else if (x->each)
		x->each(nlmsg_hdr(msg), x->arg);
	return NL_OK;
}

static int on_ack(struct nl_msg *msg __maybe_unused, void *arg)
{
	struct pl_xfer *x = arg;

	x->done = 1;
	return NL_STOP;
}

/* The end of a dump, which carries an error when the dump failed. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct pl_xfer *x = arg;
	int err = 0;

	x->done = 1;
	if (nlmsg_datalen(nlh) >= (int)sizeof(err))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		x->error = err;
		extack_done(nlh, x->req);
	}
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla __maybe_unused, struct nlmsgerr *e,
		    void *arg)
{
	struct pl_xfer *x = arg;

	x->done = 1;
	x->error = e->error;
	extack_err(e, x->req);
	return NL_STOP;
}

/* Send x->req and read until its ack, error or end of dump. */
static int nl_xfer(struct pl_xfer *x)
{
	struct nlmsghdr *nlh = nlmsg_hdr(x->req);
	struct pl_objs *objs = x->objs;
	int err;

	nlh->nlmsg_seq = NL_AUTO_SEQ;
	nlh->nlmsg_pid = NL_AUTO_PORT;
	if (objs) {
		objs->len = 0;
		objs->n = 0;
	}
	nl_cb_set(nl.cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(nl.cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_set(nl.cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, x);
	nl_cb_err(nl.cb, NL_CB_CUSTOM, on_error, x);
	err = nl_send_auto(nl.sk, x->req);
	if (err < 0)
		return nl_sys_err("netlink send", err);
	while (!x->done) {
		err = nl_recvmsgs_report(nl.sk, nl.cb);
		if (x->error)
			return PL_EFAIL;
		if (err == -NLE_DUMP_INTR)
			return err;
		if (err < 0)
			return nl_sys_err("netlink receive", err);
		if (!err && !x->done) {
			fputs("pl-ctl: netlink receive: no reply\n", stderr);
			return PL_EFAIL;
		}
	}
	return 0;
}

/*
 * Send a request (a dump when it has NLM_F_DUMP), keep its replies in
 * replies (when not NULL), and free it. A dump that a change interrupted
 * is started over. Returns 0, or PL_EFAIL with the error reported.
 */
int nl_exec(struct nl_msg *m, struct pl_objs *replies)
{
	struct pl_xfer x;
	int err, tries = 0;

	err = nl_open();
	if (!err)
		nlmsg_hdr(m)->nlmsg_type = nl.family;
	while (!err) {
		x = (struct pl_xfer){ .req = m, .objs = replies };
		err = nl_xfer(&x);
		if (err != -NLE_DUMP_INTR)
			break;
		if (++tries == PL_DUMP_TRIES) {
			fflush(stdout);
			fprintf(stderr,
				"pl-ctl: the configuration kept changing during %d dumps in a row: try again\n",
				tries);
			err = PL_EFAIL;
		} else {
			err = 0;
		}
	}
	nlmsg_free(m);
	return err;
}

/*
 * Send a dump request and hand each reply to each() as it arrives, keeping
 * none: for dumps that are not snapshots (flows), which the kernel does
 * not flag as interrupted, and which can be large. Frees m. Returns 0, or
 * PL_EFAIL with the error reported.
 */
int nl_dump_each(struct nl_msg *m,
		 void (*each)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	struct pl_xfer x = { .req = m, .each = each, .arg = arg };
	int err;

	err = nl_open();
	if (!err) {
		nlmsg_hdr(m)->nlmsg_type = nl.family;
		err = nl_xfer(&x);
	}
	if (err == -NLE_DUMP_INTR) {
		fflush(stdout);
		fputs("pl-ctl: the dump was interrupted: try again\n", stderr);
		err = PL_EFAIL;
	}
	nlmsg_free(m);
	return err;
}

/* Join one multicast group; only CAP_NET_ADMIN may join some. */
static int nl_join(struct nl_sock *sk, const char *family, const char *name)
{
	char what[64];
	int grp, err;

	grp = genl_ctrl_resolve_grp(nl.sk, family, name);
	if (grp < 0) {
		snprintf(what, sizeof(what),
			 "cannot resolve the \"%s\" multicast group", name);
		return nl_sys_err(what, grp);
	}
	err = nl_socket_add_membership(sk, grp);
	if (err == -NLE_PERM) {
		fflush(stdout);
		fprintf(stderr,
			"pl-ctl: cannot join the \"%s\" multicast group: %s (it needs CAP_NET_ADMIN)\n",
			name, nl_geterror(err));
		return PL_EFAIL;
	}
	if (err) {
		snprintf(what, sizeof(what),
			 "cannot join the \"%s\" multicast group", name);
		return nl_sys_err(what, err);
	}
	return 0;
}

/*
 * A second socket, subscribed to the n multicast groups named, and to the
 * generic-netlink controller's "notify" group, which announces the family
 * going away (see nl_family_gone()). The controller's group comes first:
 * once the family's groups are resolved and joined, its removal cannot go
 * unseen.
 */
struct nl_sock *nl_monitor(const char *const *groups, unsigned int n)
{
	struct nl_sock *sk;
	unsigned int i;

	if (nl_open())
		return NULL;
	sk = nl_sock_new();
	if (!sk)
		return NULL;
	nl_socket_disable_seq_check(sk);
	nl_socket_set_buffer_size(sk, PL_MON_RCVBUF, 0);
	if (nl_join(sk, PL_CTRL_NAME, PL_CTRL_MCGRP_NOTIFY)) {
		nl_socket_free(sk);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (nl_join(sk, PL_FAMILY_NAME, groups[i])) {
			nl_socket_free(sk);
			return NULL;
		}
	}
	return sk;
}

/* Whether nlh is a message of the pl family (a notification, to monitor). */
int nl_is_pl(const struct nlmsghdr *nlh)
{
	return nl.sk && nlh->nlmsg_type == nl.family;
}

/* Whether nlh is the controller's announcement that the pl family is gone. */
int nl_family_gone(struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_type != GENL_ID_CTRL || !genlmsg_valid_hdr(nlh, 0) ||
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CTRL_CMD_DELFAMILY)
		return 0;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0)
		return 0;
	return tb[CTRL_ATTR_FAMILY_NAME] &&
	       !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
		       PL_FAMILY_NAME);
}

/* Parse a reply or notification; report a malformed one. */
int nl_parse(struct nlmsghdr *nlh, struct nlattr **tb, int max,
	     const struct nla_policy *policy)
{
	int err = genlmsg_parse(nlh, 0, tb, max, policy);

	if (err < 0) {
		fflush(stdout);
		fprintf(stderr, "pl-ctl: malformed message from the kernel (command %u): %s\n",
			((struct genlmsghdr *)nlmsg_data(nlh))->cmd,
			nl_geterror(err));
	}
	return err;
}

/* Each top-level attribute of type in a message, in order. */
struct nlattr *nl_attr_next(struct nlmsghdr *nlh, int type,
			    struct nlattr *prev)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *nla = genlmsg_attrdata(g, 0);
	int rem = genlmsg_attrlen(g, 0);

	if (prev) {
		rem -= (char *)prev - (char *)nla;
		nla = nla_next(prev, &rem);
	}
	for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		if (nla_type(nla) == type)
			return nla;
	}
	return NULL;
}
