/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels pl supports (Debian 12's 6.1 and 6.12)
 * is kept here, and nowhere else.
 */

#ifndef _PL_COMPAT_H
#define _PL_COMPAT_H

#include <net/genetlink.h>
#ifdef PL_KERNEL_HAS_NET_GSO_H
#include <net/gso.h>		/* skb_gso_validate_network_len() */
#endif
#ifdef PL_KERNEL_HAS_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* Kbuild defines PL_KERNEL_HAS_* for what the target kernel offers. */
#ifndef PL_KERNEL_HAS_SPLIT_OPS
/*
 * 6.1 has no split do/dump operations, which the code generated from the
 * YNL spec registers: compat-genl.c folds them into struct genl_ops.
 */
extern struct genl_family pl_nl_family;	/* as netlink-gen.h declares it */
int pl_compat_genl_init(void);
void pl_compat_genl_exit(void);
#else
static inline int pl_compat_genl_init(void)
{
	return 0;
}

static inline void pl_compat_genl_exit(void)
{
}
#endif

/* A command's do handler and request policy, from the spec's split ops. */
struct pl_do_op {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	const struct nla_policy *policy;
	unsigned int maxattr;
};

int pl_nl_find_do(u8 cmd, struct pl_do_op *op);

/* The request attributes of a dump. */
static inline struct nlattr **pl_dump_attrs(struct netlink_callback *cb)
{
#ifdef PL_KERNEL_HAS_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _PL_COMPAT_H */
