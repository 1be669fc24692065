/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the pl selftests, on libmnl.
 *
 * Requests are built by hand, attribute by attribute, so that a test can
 * send exactly what it means to (malformed requests included), and every
 * answer is kept whole: the error, the extack message, the offset of the
 * offending attribute and the type of a missing one.
 */

#ifndef _PL_NL_H
#define _PL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/genetlink.h>
#include <linux/types.h>
#include <libmnl/libmnl.h>

#include <linux/pl.h>

/* An IPv4 address, in host byte order. */
#define PL_IP4(a, b, c, d) \
	((__u32)(a) << 24 | (__u32)(b) << 16 | (__u32)(c) << 8 | (__u32)(d))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Room for one datagram: dump parts are at most 32 KiB. */
#define PL_NL_BUF_SIZE	(64 * 1024)

/* A generic netlink socket that knows the pl family. */
struct pl_sock {
	struct mnl_socket *nl;
	__u32 portid;
	__u32 seq;
	__u16 family;		/* id of the "pl" family */
	__u32 config_grp;	/* id of its "config" multicast group */
	char *buf;		/* PL_NL_BUF_SIZE bytes, for receiving */
};

/* What the kernel answered to one request. */
struct pl_result {
	int error;		/* 0, or a negative errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, or "" */
	int offs;		/* NLMSGERR_ATTR_OFFS, or -1 */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	int miss_nest;		/* NLMSGERR_ATTR_MISS_NEST, or -1 */
	unsigned int msgs;	/* replies (or dump messages) seen */
	unsigned int parts;	/* datagrams read */
	bool intr;		/* a message carried NLM_F_DUMP_INTR */
	bool done;		/* the ack, error or NLMSG_DONE was read */
	__u16 end_type;		/* NLMSG_ERROR or NLMSG_DONE, once done */
};

/* Called for each reply, dump message or notification. */
typedef int (*pl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Builds request number i of a pipeline into nlh (header already put). */
typedef void (*pl_build_cb)(struct nlmsghdr *nlh, unsigned int i,
			    void *data);

/* The module */
const char *pl_ko_path(void);
int pl_load(void);

/* Sockets */
int pl_open(struct pl_sock *s);
void pl_close(struct pl_sock *s);
int pl_join_config(struct pl_sock *s);

/* Requests */
struct nlmsghdr *pl_msg(struct pl_sock *s, void *buf, __u8 cmd, __u16 flags);
int pl_send(struct pl_sock *s, const struct nlmsghdr *nlh);
int pl_read(struct pl_sock *s, __u32 seq, pl_msg_cb cb, void *data,
	    struct pl_result *r);
int pl_do(struct pl_sock *s, struct nlmsghdr *nlh, pl_msg_cb cb, void *data,
	  struct pl_result *r);
int pl_dump(struct pl_sock *s, struct nlmsghdr *nlh, pl_msg_cb cb,
	    void *data, struct pl_result *r);
int pl_pipeline(struct pl_sock *s, __u8 cmd, unsigned int n,
		pl_build_cb build, void *data, struct pl_result *first_err);
int pl_recv_ntf(struct pl_sock *s, int timeout_ms, pl_msg_cb cb, void *data);

/* Replies */
__u8 pl_cmd(const struct nlmsghdr *nlh);
void pl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
	      unsigned int max);
void pl_nest_attrs(const struct nlattr *nest, const struct nlattr **tb,
		   unsigned int max);
int pl_attr_offset(const struct nlmsghdr *nlh, const struct nlattr *attr);

/* Objects, for setting the scene (addresses in host byte order) */
int pl_az_add(struct pl_sock *s, const char *name, struct pl_result *r);
int pl_subnet_add(struct pl_sock *s, const char *id, __u32 prefix,
		  __u8 plen, const char *az, struct pl_result *r);
int pl_service_add(struct pl_sock *s, const char *name, __u16 port,
		   struct pl_result *r);
int pl_backend_add(struct pl_sock *s, const char *svc, __u32 addr,
		   const char *az, struct pl_result *r);
int pl_backends_add(struct pl_sock *s, const char *svc, const char *az,
		    __u32 first, unsigned int n, int weight,
		    struct pl_result *first_err);
int pl_endpoint_add(struct pl_sock *s, const char *id, const char *svc,
		    const char *subnet, struct pl_result *r);
int pl_limits_set(struct pl_sock *s, int type, __u32 value,
		  struct pl_result *r);
int pl_limits_get(struct pl_sock *s, __u32 *vals, unsigned int max);
int pl_count(struct pl_sock *s, __u8 cmd);
char *pl_snapshot(struct pl_sock *s, size_t *len);

/* Namespaces and memory */
int pl_netns_new(void);
int pl_netns_enter(int fd);
int pl_userns_new(void);

#endif /* _PL_NL_H */
