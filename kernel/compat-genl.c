// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.1 predates split generic-netlink operations (6.2), which the
 * code that ynl-gen-c.py generates from the YNL spec uses. On 6.1 only,
 * this file compiles the generated netlink-gen.c against a local copy of
 * struct genl_split_ops, then folds each command's do and dump entries into
 * one struct genl_ops at module load. A command whose do and dump requests
 * have different policies gets the union of both, so on 6.1 a dump accepts
 * (and ignores) the attributes of the matching do request.
 */

#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"

struct pl_split_ops {
	union {
		struct {
			void *pre_doit;
			int (*doit)(struct sk_buff *skb, struct genl_info *info);
			void *post_doit;
		};
		struct {
			int (*start)(struct netlink_callback *cb);
			int (*dumpit)(struct sk_buff *skb,
				      struct netlink_callback *cb);
			int (*done)(struct netlink_callback *cb);
		};
	};
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

struct pl_split_family {
	char name[GENL_NAMSIZ];
	unsigned int version;
	bool netnsok;
	bool parallel_ops;
	struct module *module;
	const struct pl_split_ops *split_ops;
	unsigned int n_split_ops;
	const struct genl_multicast_group *mcgrps;
	unsigned int n_mcgrps;
};

#define genl_split_ops pl_split_ops
#define genl_family pl_split_family
#define pl_nl_family pl_nl_split_family
#include "netlink-gen.c"
#undef pl_nl_family
#undef genl_family
#undef genl_split_ops

#define PL_CMD_CAPS (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL)

static struct genl_ops pl_compat_ops[ARRAY_SIZE(pl_nl_ops)];
static struct nla_policy *pl_compat_policies[ARRAY_SIZE(pl_nl_ops)];
static unsigned int pl_compat_n_policies;

struct genl_family pl_nl_family __ro_after_init;

/* The union of two policies, for a command whose do and dump differ. */
static int pl_compat_merge(struct genl_ops *op, const struct pl_split_ops *s)
{
	unsigned int max = max(op->maxattr, s->maxattr), i;
	struct nla_policy *pol;

	pol = kcalloc(max + 1, sizeof(*pol), GFP_KERNEL);
	if (!pol)
		return -ENOMEM;
	/* Entries have const members: copy them as bytes. */
	for (i = 0; i <= max; i++) {
		if (i <= op->maxattr && op->policy[i].type)
			memcpy(&pol[i], &op->policy[i], sizeof(*pol));
		else if (i <= s->maxattr)
			memcpy(&pol[i], &s->policy[i], sizeof(*pol));
	}
	pl_compat_policies[pl_compat_n_policies++] = pol;
	op->policy = pol;
	op->maxattr = max;
	return 0;
}

static int pl_compat_fold(struct genl_ops *op, const struct pl_split_ops *s)
{
	/* One genl_ops serves both: it needs the permissions of either. */
	op->flags |= s->flags & ~PL_CMD_CAPS;
	if (s->flags & GENL_CMD_CAP_DO) {
		op->doit = s->doit;
	} else {
		op->start = s->start;
		op->dumpit = s->dumpit;
		op->done = s->done;
	}
	op->validate |= s->validate;
	if (!s->policy || s->policy == op->policy)
		return 0;
	if (!op->policy) {
		op->policy = s->policy;
		op->maxattr = s->maxattr;
		return 0;
	}
	return pl_compat_merge(op, s);
}

int pl_compat_genl_init(void)
{
	const struct pl_split_family *f = &pl_nl_split_family;
	unsigned int i, n = 0;
	int err;

	for (i = 0; i < f->n_split_ops; i++) {
		const struct pl_split_ops *s = &f->split_ops[i];
		struct genl_ops *op = NULL;

		if (n && pl_compat_ops[n - 1].cmd == s->cmd)
			op = &pl_compat_ops[n - 1];
		if (!op) {
			op = &pl_compat_ops[n++];
			op->cmd = s->cmd;
		}
		err = pl_compat_fold(op, s);
		if (err) {
			pl_compat_genl_exit();
			return err;
		}
	}
	strscpy(pl_nl_family.name, f->name, sizeof(pl_nl_family.name));
	pl_nl_family.version = f->version;
	pl_nl_family.netnsok = f->netnsok;
	pl_nl_family.parallel_ops = f->parallel_ops;
	pl_nl_family.module = f->module;
	pl_nl_family.ops = pl_compat_ops;
	pl_nl_family.n_ops = n;
	pl_nl_family.mcgrps = f->mcgrps;
	pl_nl_family.n_mcgrps = f->n_mcgrps;
	return 0;
}

int pl_nl_find_do(u8 cmd, struct pl_do_op *op)
{
	const struct pl_split_family *f = &pl_nl_split_family;
	unsigned int i;

	for (i = 0; i < f->n_split_ops; i++) {
		const struct pl_split_ops *s = &f->split_ops[i];

		if (s->cmd == cmd && (s->flags & GENL_CMD_CAP_DO)) {
			op->doit = s->doit;
			op->policy = s->policy;
			op->maxattr = s->maxattr;
			return 0;
		}
	}
	return -EOPNOTSUPP;
}

void pl_compat_genl_exit(void)
{
	while (pl_compat_n_policies)
		kfree(pl_compat_policies[--pl_compat_n_policies]);
}
