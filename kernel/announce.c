// SPDX-License-Identifier: GPL-2.0
/*
 * Announcements through the routing table: the router adds and removes
 * its blackhole routes with rtnetlink requests of its own, from a kernel
 * socket, as "ip route replace blackhole ADDR/32 table T proto 201"
 * would, so that the daemon that exports the table sees ordinary routes.
 * They come and go with the phase (sync.c), are kept true every second
 * as addresses come and go, and are removed when the router drains,
 * leaves the fleet, or unloads pl.
 */

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "addr.h"
#include "announce.h"
#include "net.h"
#include "sync.h"

#define PL_ANNOUNCE_BATCH	64	/* requests per sendmsg */
#define PL_ANNOUNCE_MSG		NLMSG_ALIGN(NLMSG_LENGTH(sizeof(struct rtmsg)) + \
					    2 * nla_total_size(4))

static int pl_announce_cmp(const void *a, const void *b)
{
	u32 x = ntohl(*(const __be32 *)a), y = ntohl(*(const __be32 *)b);

	return x < y ? -1 : x > y;
}

/* Put one route request at buf; its length. */
static u32 pl_announce_req(void *buf, int type, u32 table, __be32 addr)
{
	struct nlmsghdr *nlh = buf;
	struct rtmsg *rtm = nlmsg_data(nlh);
	struct nlattr *nla;

	memset(buf, 0, PL_ANNOUNCE_MSG);
	nlh->nlmsg_len = PL_ANNOUNCE_MSG;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (type == RTM_NEWROUTE)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = PL_RTPROT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_BLACKHOLE;
	nla = (void *)rtm + NLMSG_ALIGN(sizeof(*rtm));
	nla->nla_type = RTA_DST;
	nla->nla_len = nla_attr_size(4);
	memcpy(nla_data(nla), &addr, 4);
	nla = (void *)nla + nla_total_size(4);
	nla->nla_type = RTA_TABLE;
	nla->nla_len = nla_attr_size(4);
	memcpy(nla_data(nla), &table, 4);
	return PL_ANNOUNCE_MSG;
}

/* Read away what rtnetlink answered (errors only: no ACK is asked for). */
static void pl_announce_drain(struct socket *nl, void *buf, size_t size)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec iov = { buf, size };

	while (kernel_recvmsg(nl, &msg, &iov, 1, size, MSG_DONTWAIT) > 0)
		;
}

/* Add (RTM_NEWROUTE) or remove (RTM_DELROUTE) routes to addrs in table. */
static void pl_announce_routes(struct pl_announce *an, int type, u32 table,
			       const __be32 *addrs, u32 n)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	size_t size = PL_ANNOUNCE_BATCH * PL_ANNOUNCE_MSG;
	struct msghdr msg = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
	};
	struct kvec iov;
	u32 i = 0, len;
	void *buf;

	if (!n || !an->nl)
		return;
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return;
	while (i < n) {
		for (len = 0; i < n && len < size; i++)
			len += pl_announce_req(buf + len, type, table, addrs[i]);
		iov.iov_base = buf;
		iov.iov_len = len;
		kernel_sendmsg(an->nl, &msg, &iov, 1, len);
		pl_announce_drain(an->nl, buf, size);
	}
	kfree(buf);
}

/* The addresses to announce now, sorted; *n of them. */
static __be32 *pl_announce_wanted(struct pl_net *pn, u32 *n)
{
	u32 max = atomic_read(&pn->addrs.nelems), i = 0;
	struct rhashtable_iter it;
	struct pl_addr *a;
	__be32 *addrs;

	addrs = kvmalloc_array(max ?: 1, sizeof(*addrs), GFP_KERNEL);
	if (!addrs)
		return NULL;
	rhashtable_walk_enter(&pn->addrs, &it);
	rhashtable_walk_start(&it);
	while ((a = rhashtable_walk_next(&it)) && i < max) {
		if (IS_ERR(a))
			continue;
		if (pl_addr_serves(a))
			addrs[i++] = a->addr;
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	sort(addrs, i, sizeof(*addrs), pl_announce_cmp, NULL);
	*n = i;
	return addrs;
}

/* Those of a (sorted) that b (sorted) lacks, moved to the front of a. */
static u32 pl_announce_minus(__be32 *a, u32 na, const __be32 *b, u32 nb)
{
	u32 i, j = 0, k = 0;

	for (i = 0; i < na; i++) {
		while (j < nb && pl_announce_cmp(&b[j], &a[i]) < 0)
			j++;
		if (j < nb && b[j] == a[i])
			continue;
		a[k++] = a[i];
	}
	return k;
}

static __be32 *pl_announce_copy(const __be32 *src, u32 n)
{
	__be32 *p = kvmalloc_array(n ?: 1, sizeof(*p), GFP_KERNEL);

	if (p && n)
		memcpy(p, src, n * sizeof(*p));
	return p;
}

static int pl_announce_open(struct pl_sync *s)
{
	struct pl_announce *an = &s->announce;

	if (an->nl)
		return 0;
	return sock_create_kern(s->pn->net, AF_NETLINK, SOCK_RAW,
				NETLINK_ROUTE, &an->nl);
}

/*
 * Make the routes what the phase and the addresses say. Under the
 * configuration lock.
 */
void pl_announce_update(struct pl_sync *s)
{
	struct pl_announce *an = &s->announce;
	bool on = s->table && s->phase == PL_SYNC_PHASE_ACTIVE;
	__be32 *want = NULL, *gone, *add;
	u32 nwant = 0, ngone, nadd;

	if (!on && !an->n)
		return;
	if (on) {
		want = pl_announce_wanted(s->pn, &nwant);
		if (!want || pl_announce_open(s))
			goto out;
	}
	if (an->table != s->table) {	/* moved: all go, from the old one */
		pl_announce_routes(an, RTM_DELROUTE, an->table, an->addrs,
				   an->n);
		an->n = 0;
	}
	gone = pl_announce_copy(an->addrs, an->n);
	add = pl_announce_copy(want, nwant);
	if (gone && add) {
		ngone = pl_announce_minus(gone, an->n, want, nwant);
		nadd = pl_announce_minus(add, nwant, an->addrs, an->n);
		pl_announce_routes(an, RTM_DELROUTE, an->table, gone, ngone);
		pl_announce_routes(an, RTM_NEWROUTE, s->table, add, nadd);
		kvfree(an->addrs);
		an->addrs = want;
		an->n = nwant;
		an->table = s->table;
		want = NULL;
	}
	kvfree(gone);
	kvfree(add);
out:
	kvfree(want);
}

/* Withdraw every route and close the socket. */
void pl_announce_stop(struct pl_sync *s)
{
	struct pl_announce *an = &s->announce;

	pl_announce_routes(an, RTM_DELROUTE, an->table, an->addrs, an->n);
	kvfree(an->addrs);
	an->addrs = NULL;
	an->n = 0;
	if (an->nl)
		sock_release(an->nl);
	an->nl = NULL;
}
