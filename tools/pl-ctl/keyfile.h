/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key files: a secret key of a fixed size, as base64 text, such as
 * "wg genkey" writes.
 */

#ifndef PL_CTL_KEYFILE_H
#define PL_CTL_KEYFILE_H

#include <stddef.h>

int key_file_read(const char *file, unsigned char *key, size_t len);

#endif /* PL_CTL_KEYFILE_H */
