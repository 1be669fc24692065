/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's names for the compiler features pl-ctl uses, which a
 * program outside the kernel has to define itself.
 */

#ifndef PL_CTL_COMPILER_H
#define PL_CTL_COMPILER_H

#define __pl_attribute(x)	__attribute__(x)
#define __printf(a, b)	__pl_attribute((__format__(__printf__, a, b)))
#define __maybe_unused		__pl_attribute((__unused__))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#endif /* PL_CTL_COMPILER_H */
