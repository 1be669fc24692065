/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer. A value inside an object takes a key; a value
 * inside an array, or at the top, takes NULL.
 */

#ifndef PL_CTL_JSON_H
#define PL_CTL_JSON_H

#include <stdio.h>

void json_init(FILE *f, int pretty);
void json_begin_object(const char *key);
void json_end_object(void);
void json_begin_array(const char *key);
void json_end_array(void);
void json_string(const char *key, const char *s);
void json_uint(const char *key, unsigned long long v);
void json_bool(const char *key, int v);

#endif /* PL_CTL_JSON_H */
