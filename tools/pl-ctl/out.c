// SPDX-License-Identifier: GPL-2.0
/*
 * Output of objects as plain text or JSON.
 *
 * Plain text is iproute2-like: an object is a line of words, its first
 * one naming it, then keyword-value pairs. Lists within an object (source
 * addresses, ENIs, allowed prefixes) go on continuation lines indented by
 * four spaces, or on the same line when one line is asked for (monitor).
 *
 * Every JSON document is an object that starts with "metainfo" (pl-ctl's
 * version and the JSON schema's), then holds the output under one key:
 *
 *   {"metainfo":{"version":"0.1.0","json_schema_version":1},"azs":[...]}
 *
 * monitor prints the metainfo alone first, then one object per event.
 */

#include <arpa/inet.h>
#include <stdio.h>

#include <netlink/attr.h>

#include "json.h"
#include "out.h"
#include "spec.h"

/*
 * Within one schema version, members and enum values may be added, never
 * removed, renamed or given another type: pl-ctl(8), "JSON OUTPUT".
 */
#define PL_JSON_SCHEMA_VERSION	1

static struct {
	int json;
	int details;	/* -d: plain text shows what JSON always does */
	int oneline;
	int words;	/* words written on the current plain line */
} out;

void out_init(int json, int pretty, int details)
{
	out.json = json;
	out.details = details;
	json_init(stdout, pretty);
}

int out_json(void)
{
	return out.json;
}

int out_details(void)
{
	return out.details;
}

void out_oneline(int on)
{
	out.oneline = on;
}

void out_flush(void)
{
	fflush(stdout);
}

void out_doc_begin(void)
{
	if (!out.json)
		return;
	json_begin_object(NULL);
	json_begin_object("metainfo");
	json_string("version", PL_VERSION);
	json_uint("json_schema_version", PL_JSON_SCHEMA_VERSION);
	json_end_object();
}

void out_doc_end(void)
{
	if (out.json)
		json_end_object();
}

void out_list_begin(const char *key)
{
	if (!out.json)
		return;
	out_doc_begin();
	json_begin_array(key);
}

void out_list_end(void)
{
	if (!out.json)
		return;
	json_end_array();
	out_doc_end();
}

void out_obj_begin(const char *key)
{
	if (out.json)
		json_begin_object(key);
	else
		out.words = 0;
}

void out_obj_end(void)
{
	if (out.json)
		json_end_object();
	else
		putchar('\n');
}

void out_cont(void)
{
	if (out.json || out.oneline)
		return;
	fputs("\n    ", stdout);
	out.words = 0;
}

void out_newline(void)
{
	if (out.json || out.oneline)
		return;
	putchar('\n');
	out.words = 0;
}

void out_indent(unsigned int n)
{
	if (out.json || out.oneline || out.words)
		return;
	printf("%*s", n, "");
}

void out_nest_begin(const char *key)
{
	if (out.json)
		json_begin_object(key);
}

void out_nest_end(void)
{
	if (out.json)
		json_end_object();
}

void out_arr_begin(const char *key)
{
	if (out.json)
		json_begin_array(key);
}

void out_arr_end(void)
{
	if (out.json)
		json_end_array();
}

void out_item_begin(void)
{
	if (out.json)
		json_begin_object(NULL);
}

void out_item_end(void)
{
	if (out.json)
		json_end_object();
}

void out_word(const char *word)
{
	if (out.json || !word)
		return;
	if (out.words++)
		putchar(' ');
	fputs(word, stdout);
}

void out_str(const char *key, const char *word, const char *val)
{
	if (out.json) {
		json_string(key, val);
		return;
	}
	out_word(word);
	out_word(val);
}

void out_u32(const char *key, const char *word, __u32 v)
{
	char buf[16];

	if (out.json) {
		json_uint(key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%u", v);
	out_str(key, word, buf);
}

void out_u64(const char *key, const char *word, __u64 v)
{
	char buf[24];

	if (out.json) {
		json_uint(key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	out_str(key, word, buf);
}

/* JSON true or false; plain on or off. */
void out_bool(const char *key, const char *word, int v)
{
	if (out.json)
		json_bool(key, v);
	else
		out_str(key, word, v ? "on" : "off");
}

/* Milliseconds: JSON as they are, plain in seconds to a tenth (7.4s). */
void out_ms(const char *key, const char *word, __u64 ms)
{
	char s[32];

	if (out.json) {
		json_uint(key, ms);
		return;
	}
	snprintf(s, sizeof(s), "%llu.%llus", (unsigned long long)ms / 1000,
		 (unsigned long long)ms % 1000 / 100);
	out_str(key, word, s);
}

/* An enum value by name, or by number when it has none. */
void out_enum(const char *key, const char *word, const struct pl_enum *e,
	      unsigned int v)
{
	const char *name = pl_enum_name(e, v);

	if (name)
		out_str(key, word, name);
	else
		out_u32(key, word, v);
}

/* addr is in network byte order; buf holds INET_ADDRSTRLEN bytes. */
/* inet_ntop()'s text, without its cost: save and diff print thousands. */
const char *addr_str(__u32 addr, char *buf)
{
	const unsigned char *b = (const unsigned char *)&addr;
	char *p = buf;
	int i;

	for (i = 0; i < 4; i++) {
		if (b[i] >= 100)
			*p++ = '0' + b[i] / 100;
		if (b[i] >= 10)
			*p++ = '0' + b[i] / 10 % 10;
		*p++ = '0' + b[i] % 10;
		*p++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

/* addr is 16 bytes in network order; buf holds INET6_ADDRSTRLEN bytes. */
const char *addr6_str(const void *addr, char *buf)
{
	return inet_ntop(AF_INET6, addr, buf, INET6_ADDRSTRLEN) ?: "?";
}

/*
 * The text of whichever address attribute a nest holds: v4 (a u32) or v6
 * (16 bytes); NULL when it holds neither. buf holds INET6_ADDRSTRLEN bytes.
 */
const char *attr_addr_str(const struct nlattr *v4, const struct nlattr *v6,
			  char *buf)
{
	if (v4)
		return addr_str(nla_get_u32(v4), buf);
	if (v6 && nla_len(v6) == 16)
		return addr6_str(nla_data(v6), buf);
	return NULL;
}

void out_addr(const char *key, const char *word, __u32 addr)
{
	char buf[INET_ADDRSTRLEN];

	out_str(key, word, addr_str(addr, buf));
}

/* addr is 16 bytes in network order. */
void out_addr6(const char *key, const char *word, const void *addr)
{
	char buf[INET6_ADDRSTRLEN];

	out_str(key, word, addr6_str(addr, buf));
}

void out_prefix6(const char *key, const char *word, const void *addr,
		 unsigned int len)
{
	char buf[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN + 4];

	snprintf(s, sizeof(s), "%s/%u", addr6_str(addr, buf), len);
	out_str(key, word, s);
}

void out_prefix(const char *key, const char *word, __u32 addr,
		unsigned int len)
{
	char buf[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN + 4];

	snprintf(s, sizeof(s), "%s/%u", addr_str(addr, buf), len);
	out_str(key, word, s);
}
