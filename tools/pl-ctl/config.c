// SPDX-License-Identifier: GPL-2.0
/*
 * pl-ctl config: the configuration's generation and digest, and the
 * summary of a committed transaction, as monitor prints it.
 *
 *   generation 42 digest 0123456789abcdef
 *   generation 42 added 3 changed 1 deleted 0 digest 0123456789abcdef
 *   {"generation":42,"digest":"0123456789abcdef"}
 */

#include <stdio.h>

#include <linux/pl.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "cmd.h"
#include "compiler.h"
#include "nl.h"
#include "objects.h"
#include "out.h"
#include "req.h"

static struct nla_policy config_policy[PL_A_CONFIG_MAX + 1] = {
	[PL_A_CONFIG_FLAGS] = { .type = NLA_U32 },
	[PL_A_CONFIG_GENERATION] = { .type = NLA_U32 },
	[PL_A_CONFIG_OP] = { .type = NLA_NESTED },
	[PL_A_CONFIG_ADDED] = { .type = NLA_U32 },
	[PL_A_CONFIG_CHANGED] = { .type = NLA_U32 },
	[PL_A_CONFIG_DELETED] = { .type = NLA_U32 },
	[PL_A_CONFIG_DIGEST] = { .type = NLA_U64 },
	[PL_A_CONFIG_FINGERPRINT] = { .type = NLA_U64 },
};

int config_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nl_parse(nlh, tb, PL_A_CONFIG_MAX, config_policy))
		return -1;
	return tb[PL_A_CONFIG_GENERATION] && tb[PL_A_CONFIG_DIGEST] ? 0 : -1;
}

/* A digest as 16 lowercase hex digits; buf holds 17 bytes. */
const char *config_digest_str(__u64 digest, char *buf)
{
	snprintf(buf, PL_DIGEST_LEN, "%016llx", (unsigned long long)digest);
	return buf;
}

/* The generation, the counts of a commit (when given), the digest. */
void config_print(struct nlmsghdr *nlh, const char *key)
{
	static const struct {
		int type;
		const char *name;
	} counts[] = {
		{ PL_A_CONFIG_ADDED, "added" },
		{ PL_A_CONFIG_CHANGED, "changed" },
		{ PL_A_CONFIG_DELETED, "deleted" },
	};
	struct nlattr *tb[PL_A_CONFIG_MAX + 1];
	char digest[PL_DIGEST_LEN];
	unsigned int i;

	if (config_parse(nlh, tb))
		return;
	out_obj_begin(key);
	out_u32("generation", "generation",
		nla_get_u32(tb[PL_A_CONFIG_GENERATION]));
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		if (tb[counts[i].type])
			out_u32(counts[i].name, counts[i].name,
				nla_get_u32(tb[counts[i].type]));
	}
	out_str("digest", "digest",
		config_digest_str(nla_get_u64(tb[PL_A_CONFIG_DIGEST]), digest));
	out_obj_end();
}

/*
 * The kernel's generation, digest and (when fingerprint is given) the
 * fingerprint of the last apply, 0 if none or changed since (config-get).
 */
int config_get(__u32 *generation, __u64 *digest, __u64 *fingerprint)
{
	struct nlattr *tb[PL_A_CONFIG_MAX + 1];
	struct pl_objs objs = { NULL };
	struct nlmsghdr *nlh;
	int err;

	err = nl_exec(nl_req(PL_CMD_CONFIG_GET, 0), &objs);
	if (err)
		goto out;
	nlh = objs_next(&objs, NULL);
	if (!nlh || config_parse(nlh, tb)) {
		fputs("pl-ctl: config-get: no generation and digest in the reply\n",
		      stderr);
		err = PL_EFAIL;
		goto out;
	}
	*generation = nla_get_u32(tb[PL_A_CONFIG_GENERATION]);
	*digest = nla_get_u64(tb[PL_A_CONFIG_DIGEST]);
	if (fingerprint)
		*fingerprint = tb[PL_A_CONFIG_FINGERPRINT] ?
			       nla_get_u64(tb[PL_A_CONFIG_FINGERPRINT]) : 0;
out:
	objs_free(&objs);
	return err;
}

static int config_digest(struct pl_args *a)
{
	char buf[PL_DIGEST_LEN];
	__u64 digest;
	__u32 gen;
	int err;

	err = arg_end(a) ?: config_get(&gen, &digest, NULL);
	if (!err)
		printf("%s\n", config_digest_str(digest, buf));
	return err;
}

static int config_show(struct pl_args *a)
{
	struct pl_objs objs = { NULL };
	int err;

	err = arg_end(a);
	if (err)
		return err;
	err = nl_exec(nl_req(PL_CMD_CONFIG_GET, 0), &objs);
	if (!err && objs.n) {
		out_doc_begin();
		config_print(objs_next(&objs, NULL), "config");
		out_doc_end();
	}
	objs_free(&objs);
	return err;
}

static const struct pl_cmd config_cmds[] = {
	{ "show", config_show, "config show" },
	{ "digest", config_digest, "config digest" },
	{ }
};

const struct pl_object pl_config = { "config", config_cmds };
