/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling why the pl family is missing: module not loaded, or not
 * installed for the running kernel.
 */

#ifndef PL_CTL_KMOD_H
#define PL_CTL_KMOD_H

void kmod_explain(void);

#endif /* PL_CTL_KMOD_H */
