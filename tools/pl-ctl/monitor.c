// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl monitor: print every change announced on the "config" multicast
 * group, or every flow created and destroyed as announced on the "flows"
 * group (which takes CAP_NET_ADMIN), or both, one line each, as the
 * object, the action, then the object as show prints it (on one line):
 *
 *   az add us-east-1a id use1-az1 state up
 *   backend set svc1 10.0.0.1 az us-east-1a weight 0 state drain
 *   flow add tcp syn-sent orig 10.0.1.10:45722 -> 10.0.1.50:80 ...
 *   config commit generation 42 added 3 changed 1 deleted 0 digest ...
 *   sync set node 1 local 10.9.0.1 port 8849 state drain phase draining ...
 *   {"action":"set","object":"backend","backend":{"service":"svc1",...}}
 *
 * A deletion shows the object's last state; a transaction's changes come
 * each as its own event, then the summary of its commit. SIGINT and SIGTERM end it
 * (status 0); so does the family going away, as the generic-netlink
 * controller announces when pl is unloaded (status 1, said on stderr).
 * With -j, the first line is the metainfo alone: {"metainfo":{...}}.
 * Changes of this router's sync (settings, phase, peers) come as "sync
 * set", and as "sync del" when it leaves the fleet: they are no
 * configuration, but go on the "config" group.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "dns.h"
#include "monitor.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "spec.h"

/* What to monitor, and the groups each takes. */
enum { MON_CONFIG, MON_FLOWS, MON_ALL };

static const char *const mon_names[] = { "config", "flows", "all" };
static const struct pl_enum mon_what = { mon_names, ARRAY_SIZE(mon_names) };

static const char *const mon_groups[] = { PL_MCGRP_CONFIG, PL_MCGRP_FLOWS };

struct mon_event {
	__u8 cmd;
	const char *object;
	const char *action;	/* NULL: the event says (sync_action()) */
	void (*print)(struct nlmsghdr *nlh, const char *key);
};

static const struct mon_event mon_events[] = {
	{ PL_CMD_AZ_ADD_NTF, "az", "add", az_print },
	{ PL_CMD_AZ_CHANGE_NTF, "az", "set", az_print },
	{ PL_CMD_AZ_DEL_NTF, "az", "del", az_print },
	{ PL_CMD_SUBNET_ADD_NTF, "subnet", "add", subnet_print },
	{ PL_CMD_SUBNET_CHANGE_NTF, "subnet", "set", subnet_print },
	{ PL_CMD_SUBNET_DEL_NTF, "subnet", "del", subnet_print },
	{ PL_CMD_SERVICE_ADD_NTF, "service", "add", service_print },
	{ PL_CMD_SERVICE_CHANGE_NTF, "service", "set", service_print },
	{ PL_CMD_SERVICE_DEL_NTF, "service", "del", service_print },
	{ PL_CMD_BACKEND_ADD_NTF, "backend", "add", backend_print },
	{ PL_CMD_BACKEND_CHANGE_NTF, "backend", "set", backend_print },
	{ PL_CMD_BACKEND_DEL_NTF, "backend", "del", backend_print },
	{ PL_CMD_ENDPOINT_ADD_NTF, "endpoint", "add", endpoint_print },
	{ PL_CMD_ENDPOINT_CHANGE_NTF, "endpoint", "set", endpoint_print },
	{ PL_CMD_ENDPOINT_DEL_NTF, "endpoint", "del", endpoint_print },
	{ PL_CMD_LIMITS_CHANGE_NTF, "limits", "set", limits_print },
	{ PL_CMD_DNS_CHANGE_NTF, "dns", "set", dns_print },
	{ PL_CMD_CONFIG_COMMIT_NTF, "config", "commit", config_print },
	{ PL_CMD_SYNC_CHANGE_NTF, "sync", NULL, sync_print },
	{ PL_CMD_FLOW_ADD_NTF, "flow", "add", flow_print },
	{ PL_CMD_FLOW_DEL_NTF, "flow", "del", flow_print },
};

static const struct mon_event *mon_find(__u8 cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mon_events); i++) {
		if (mon_events[i].cmd == cmd)
			return &mon_events[i];
	}
	return NULL;
}

/* Print one event as monitor does. */
static void mon_print(struct nlmsghdr *nlh, void *arg __maybe_unused)
{
	const struct mon_event *ev;
	const char *action;

	ev = mon_find(((struct genlmsghdr *)nlmsg_data(nlh))->cmd);
	if (!ev)
		return;
	if (ev->print == dns_print)
		dns_suffix_note(nlh);	/* for the endpoint names after it */
	action = ev->action ?: sync_action(nlh);
	if (out_json()) {
		out_obj_begin(NULL);
		out_str("action", NULL, action);
		out_str("object", NULL, ev->object);
		ev->print(nlh, ev->object);
		out_obj_end();
	} else {
		printf("%s %s ", ev->object, action);
		ev->print(nlh, NULL);
	}
}

struct mon_state {
	const struct mon_listener *l;
	int gone;		/* the pl family went away (unloaded) */
};

static int mon_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct mon_state *st = arg;

	if (nl_family_gone(nlh)) {
		st->gone = 1;
		return NL_STOP;
	}
	if (!nl_is_pl(nlh) || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	st->l->event(nlh, st->l->arg);
	out_flush();
	return NL_OK;
}

/* Notifications are not replies: their sequence numbers are not ours. */
static int mon_seq_ok(struct nl_msg *msg __maybe_unused,
		      void *arg __maybe_unused)
{
	return NL_OK;
}

/* Take the signal, so that it does not strike when unblocked. */
static void mon_signal(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) < 0)
		perror("pl-ctl: signalfd");
}

/*
 * Read events until a signal comes (returns 0) or the family goes away
 * (PL_EFAIL, said on stderr).
 */
static int mon_loop(struct nl_sock *sk, struct nl_cb *cb, int sfd,
		    struct mon_state *st)
{
	struct pollfd pfd[2] = {
		{ .fd = nl_socket_get_fd(sk), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	const char *who = st->l->who;
	int err, ms, n;

	for (;;) {
		ms = st->l->timeout ? st->l->timeout(st->l->arg) : -1;
		n = poll(pfd, 2, ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("pl-ctl: poll");
			return PL_EFAIL;
		}
		if (!n) {
			st->l->idle(st->l->arg);
			continue;
		}
		if (pfd[1].revents) {
			mon_signal(sfd);
			return 0;
		}
		if (!pfd[0].revents)
			continue;
		err = nl_recvmsgs(sk, cb);
		if (st->gone) {
			fflush(stdout);
			fprintf(stderr, "pl-ctl: %s: the pl module was unloaded\n",
				who);
			return PL_EFAIL;
		}
		if (err == -NLE_NOMEM) {
			if (st->l->lost)
				st->l->lost(st->l->arg);
			out_flush();
			fprintf(stderr, "pl-ctl: %s: events were lost (receive buffer overrun)\n",
				who);
		} else if (err < 0) {
			fprintf(stderr, "pl-ctl: %s: %s\n", who,
				nl_geterror(err));
			return PL_EFAIL;
		}
	}
}

/*
 * Listen to the groups until SIGINT or SIGTERM (0) or until pl goes away
 * (PL_EFAIL). With -j, the first line is the metainfo alone.
 */
int mon_listen(const char *const *groups, unsigned int n,
	       const struct mon_listener *l)
{
	struct mon_state st = { l, 0 };
	sigset_t mask, old;
	struct nl_sock *sk;
	struct nl_cb *cb;
	int sfd, err;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	sk = nl_monitor(groups, n);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	err = PL_EFAIL;
	if (sfd >= 0 && sk && cb) {
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mon_event, &st);
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mon_seq_ok, NULL);
		nl_socket_set_nonblocking(sk);
		out_doc_begin();
		out_doc_end();
		out_flush();
		out_oneline(1);
		err = mon_loop(sk, cb, sfd, &st);
		out_oneline(0);
	} else if (sfd < 0) {
		perror("pl-ctl: signalfd");
	}
	if (cb)
		nl_cb_put(cb);
	if (sk)
		nl_socket_free(sk);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

static int monitor_run(struct pl_args *a)
{
	static const struct mon_listener l = {
		.who = "monitor", .event = mon_print,
	};
	const char *word = arg_next(a);
	__u8 what = MON_CONFIG;
	int err;

	err = (word ? parse_enum(a, "what to monitor", word, &mon_what,
				 &what) : 0) ?: arg_end(a);
	if (err)
		return err;
	/* Endpoint names with the namespace's suffix (else the default). */
	dns_suffix_load();
	if (what == MON_ALL)
		return mon_listen(mon_groups, ARRAY_SIZE(mon_groups), &l);
	return mon_listen(&mon_groups[what], 1, &l);
}

static const struct pl_cmd monitor_cmds[] = {
	{ NULL, monitor_run, "monitor [config | flows | all]" },
	{ }
};

const struct pl_object pl_monitor = { "monitor", monitor_cmds };
