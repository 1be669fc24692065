/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions: ops sent as one config-apply request, carried out all or
 * none.
 */

#ifndef PL_CTL_TXN_H
#define PL_CTL_TXN_H

#include <linux/types.h>

struct pl_ops;

#define PL_TXN_CHECK	0x1	/* config flags bit 0: validate, discard */
#define PL_TXN_AGAIN	(-1)	/* the configuration changed meanwhile */

int txn_send(const struct pl_ops *ops, const char *file, __u32 flags,
	     __u32 generation, __u64 fingerprint, int print);
const char *txn_again_msg(void);

#endif /* PL_CTL_TXN_H */
