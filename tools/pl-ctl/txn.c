// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: a list of ops sent as one config-apply request, one
 * config-op nest each (its command, its file's line, its attributes).
 * One request may be several MB: its buffer and the socket's send buffer
 * are sized to it.
 *
 * The kernel names the op it refused, "line N: reason" (or "request K:
 * reason" for an op without a line), which is reported as
 *
 *   pl-ctl: FILE:N: reason
 *   pl-ctl: FILE: "backend del web 10.0.2.5": reason
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pl.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "args.h"
#include "conf.h"
#include "extack.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "txn.h"

/* The op nest's attributes besides attrs: cmd, line, and their headers. */
#define TXN_OP_ROOM	(4 * NLA_HDRLEN + 2 * NLA_ALIGN(sizeof(__u32)))

struct txn_ctx {
	const struct pl_ops *ops;
	const char *file;
	int again;
};

static char txn_again[256];

/* The kernel's message when it refused with EAGAIN. */
const char *txn_again_msg(void)
{
	return txn_again;
}

/* The op the kernel's "request K: " names, in the grammar, if known. */
static void txn_request(struct txn_ctx *c, unsigned long k, const char *why)
{
	const struct pl_op *op = k && k <= c->ops->n ? &c->ops->v[k - 1] :
				 NULL;

	if (op && op->line)
		fprintf(stderr, "pl-ctl: %s:%u: %s\n", c->file, op->line, why);
	else if (op && op->text)
		fprintf(stderr, "pl-ctl: %s: \"%s\": %s\n", c->file, op->text,
			why);
	else
		fprintf(stderr, "pl-ctl: %s: request %lu: %s\n", c->file, k,
			why);
}

/* extack's hook: report the refusal with the file and line. */
static int txn_refused(int error, const char *msg, void *arg)
{
	struct txn_ctx *c = arg;
	unsigned long n;
	int off = 0;

	fflush(stdout);
	if (error == -EAGAIN) {
		c->again = 1;
		snprintf(txn_again, sizeof(txn_again), "%s",
			 *msg ? msg : strerror(EAGAIN));
		return 1;
	}
	if (sscanf(msg, "line %lu: %n", &n, &off) == 1 && off)
		fprintf(stderr, "pl-ctl: %s:%lu: %s\n", c->file, n, msg + off);
	else if (sscanf(msg, "request %lu: %n", &n, &off) == 1 && off)
		txn_request(c, n, msg + off);
	else if (*msg)
		fprintf(stderr, "pl-ctl: %s: %s\n", c->file, msg);
	else
		fprintf(stderr, "pl-ctl: %s: %s%s\n", c->file, strerror(-error),
			error == -EPERM ? " (it needs CAP_NET_ADMIN)" : "");
	return 1;
}

static size_t txn_size(const struct pl_ops *ops)
{
	/* flags, generation and fingerprint (and its alignment pad) */
	size_t i, size = 4 * NLA_HDRLEN + 2 * NLA_ALIGN(sizeof(__u32)) +
			 NLA_ALIGN(sizeof(__u64));

	for (i = 0; i < ops->n; i++)
		size += TXN_OP_ROOM + NLA_ALIGN(ops->v[i].len);
	return size;
}

static int txn_put_op(struct nl_msg *m, const struct pl_op *op)
{
	struct nlattr *nest = nla_nest_start(m, PL_A_CONFIG_OP);

	if (!nest || nla_put_u8(m, PL_A_CONFIG_OP_CMD, op->cmd) ||
	    nla_put_u32(m, PL_A_CONFIG_OP_LINE, op->line) ||
	    nla_put(m, PL_A_CONFIG_OP_ATTRS, op->len, op->attrs))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

static struct nl_msg *txn_build(const struct pl_ops *ops, __u32 flags,
				__u32 generation, __u64 fingerprint)
{
	struct nl_msg *m = nl_req_large(PL_CMD_CONFIG_APPLY, txn_size(ops));
	size_t i;

	if (!m)
		return NULL;
	if (nla_put_u32(m, PL_A_CONFIG_FLAGS, flags) ||
	    nla_put_u32(m, PL_A_CONFIG_GENERATION, generation) ||
	    (fingerprint &&
	     nla_put_u64(m, PL_A_CONFIG_FINGERPRINT, fingerprint)))
		goto full;
	for (i = 0; i < ops->n; i++) {
		if (txn_put_op(m, &ops->v[i]))
			goto full;
	}
	return m;
full:
	fputs("pl-ctl: internal error: the transaction does not fit its buffer\n",
	      stderr);
	nlmsg_free(m);
	return NULL;
}

/*
 * Send ops as one transaction (flags: PL_TXN_CHECK), computed against
 * generation (0: whatever it is), making the configuration what the
 * source of the given fingerprint (0: none) says. With print set, print the reply's
 * summary. Returns 0, PL_TXN_AGAIN when the configuration changed since
 * generation (nothing reported: txn_again_msg() has the kernel's word),
 * or an exit status with the error reported, naming file and its lines.
 */
int txn_send(const struct pl_ops *ops, const char *file, __u32 flags,
	     __u32 generation, __u64 fingerprint, int print)
{
	struct txn_ctx c = { .ops = ops, .file = file };
	struct pl_objs objs = { NULL };
	struct nl_msg *m;
	int err;

	m = txn_build(ops, flags, generation, fingerprint);
	if (!m)
		return PL_EFAIL;
	extack_hook(txn_refused, &c);
	err = nl_exec(m, &objs);
	extack_hook(NULL, NULL);
	if (err && c.again)
		err = PL_TXN_AGAIN;
	if (!err && print && objs.n) {
		out_doc_begin();
		config_print(objs_next(&objs, NULL), "config");
		out_doc_end();
	}
	objs_free(&objs);
	return err;
}
