/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The diff of two configuration models: the ops, in the file's grammar,
 * that turn one into the other, touching only what differs.
 */

#ifndef PL_CTL_DIFF_H
#define PL_CTL_DIFF_H

struct pl_model;
struct pl_ops;

int diff_models(struct pl_model *cur, struct pl_model *want,
		const char *file, struct pl_ops *ops);

#endif /* PL_CTL_DIFF_H */
