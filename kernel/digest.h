/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration's digest: the same for any two namespaces configured
 * alike, whatever the order their objects were created in.
 */

#ifndef _PL_DIGEST_H
#define _PL_DIGEST_H

#include <linux/types.h>

struct pl_net;

u64 pl_config_digest(struct pl_net *pn);

#endif /* _PL_DIGEST_H */
