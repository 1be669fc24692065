/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of objects, as iproute2-like plain text or as JSON, through one
 * set of calls: each value has a JSON key and a plain-text keyword (NULL
 * for none), and JSON-only or plain-only calls do nothing in the other
 * mode. Details that JSON always has, plain text shows with -d only
 * (out_details()).
 */

#ifndef PL_CTL_OUT_H
#define PL_CTL_OUT_H

#include <linux/types.h>

struct pl_enum;

void out_init(int json, int pretty, int details);
int out_json(void);
int out_details(void);
void out_oneline(int on);
void out_flush(void);

/*
 * A JSON document: an object of the metainfo, then of the output under
 * its own key (an object opened with that key, or a list); nothing in
 * plain text.
 */
void out_doc_begin(void);
void out_doc_end(void);

/*
 * A list of objects: a JSON document holding an array under key, or one
 * object per line.
 */
void out_list_begin(const char *key);
void out_list_end(void);

/* An object: a JSON object, or a line (with its continuation lines). */
void out_obj_begin(const char *key);
void out_obj_end(void);

/*
 * A continuation line in plain text (out_cont() indents it), unless one
 * line is asked for.
 */
void out_cont(void);
void out_newline(void);

/* Spaces that start a plain line, for objects listed under another. */
void out_indent(unsigned int n);

/* A JSON object within an object; nothing in plain text. */
void out_nest_begin(const char *key);
void out_nest_end(void);

/* A JSON array of values or objects within an object. */
void out_arr_begin(const char *key);
void out_arr_end(void);
void out_item_begin(void);
void out_item_end(void);

void out_word(const char *word);
void out_str(const char *key, const char *word, const char *val);
void out_u32(const char *key, const char *word, __u32 v);
void out_u64(const char *key, const char *word, __u64 v);
void out_bool(const char *key, const char *word, int v);
void out_ms(const char *key, const char *word, __u64 ms);
void out_enum(const char *key, const char *word, const struct pl_enum *e,
	      unsigned int v);
void out_addr(const char *key, const char *word, __u32 addr);
void out_addr6(const char *key, const char *word, const void *addr);
void out_prefix6(const char *key, const char *word, const void *addr,
		 unsigned int len);
void out_prefix(const char *key, const char *word, __u32 addr,
		unsigned int len);

const char *addr_str(__u32 addr, char *buf);
const char *addr6_str(const void *addr, char *buf);
struct nlattr;
const char *attr_addr_str(const struct nlattr *v4, const struct nlattr *v6,
			  char *buf);

#endif /* PL_CTL_OUT_H */
