/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apply's file, whole, as apply.c reads it and quick.c diffs it against
 * the file last applied.
 */

#ifndef PL_CTL_APPLY_H
#define PL_CTL_APPLY_H

#include <stddef.h>

#include <linux/types.h>

#include "conf.h"

struct apply_src {
	char *buf;
	size_t size;
	const char *name;
	__u64 fingerprint;	/* apply_fingerprint() of buf */
	struct pl_ops ops;	/* its lines, as apply_load_src() parsed them */
	int deletes;		/* whether any of them deletes */
	int mapped;		/* buf is the file, mapped */
};

__u64 apply_hash(const char *buf, size_t size, __u64 seed);
char *apply_map(int fd, size_t *size);
void apply_src_free(struct apply_src *src);
__u64 apply_fingerprint(const char *buf, size_t size);

#define QUICK_WHOLE	(-1)	/* the quick path declines */

/*
 * The ops that take the file last applied (its fingerprint the kernel's,
 * kernel_fp) to src, diffed line by line when only backends differ:
 * 0 with *ops filled and *same the bytes the two files share at their
 * start, QUICK_WHOLE when that cannot be done (apply then diffs the whole
 * configuration), or an exit status, the error reported.
 */
int quick_diff(const struct apply_src *src, __u64 kernel_fp,
	       struct pl_ops *ops, size_t *same);

/*
 * quick_diff() from the file last applied, given: its size bytes at buf,
 * and whether one of its lines deletes (del).
 */
int quick_diff_from(const char *buf, size_t size, int del,
		    const struct apply_src *src, struct pl_ops *ops,
		    size_t *same);

/* Keep src as the file last applied, for the next quick_diff(). */
void quick_keep(const struct apply_src *src);

/* The same, after a quick_diff() that said how much the copy has (same). */
void quick_keep_from(const struct apply_src *src, size_t same);

#endif /* PL_CTL_APPLY_H */
