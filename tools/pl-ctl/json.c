// SPDX-License-Identifier: GPL-2.0
/*
 * A small JSON writer: objects, arrays, strings, unsigned numbers and
 * booleans, written compact on one line, or pretty-printed with an indent
 * of four spaces. A top-level value ends with a newline.
 */

#include <stdio.h>

#include "json.h"

#define JSON_DEPTH 16

static struct {
	FILE *f;
	int pretty;
	int depth;
	unsigned int count[JSON_DEPTH];	/* values written at a depth */
} js = { .f = NULL };

void json_init(FILE *f, int pretty)
{
	js.f = f;
	js.pretty = pretty;
	js.depth = 0;
}

static void json_indent(void)
{
	int i;

	fputc('\n', js.f);
	for (i = 0; i < js.depth; i++)
		fputs("    ", js.f);
}

static void json_quoted(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', js.f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(js.f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(js.f, "\\u%04x", *p);
		else
			fputc(*p, js.f);
	}
	fputc('"', js.f);
}

/* Separate a value from the one before it, and write its key. */
static void json_value(const char *key)
{
	if (js.depth) {
		if (js.count[js.depth]++)
			fputc(',', js.f);
		if (js.pretty)
			json_indent();
	}
	if (key) {
		json_quoted(key);
		fputs(js.pretty ? ": " : ":", js.f);
	}
}

static void json_end_value(void)
{
	if (!js.depth)
		fputc('\n', js.f);
}

static void json_open(const char *key, int c)
{
	json_value(key);
	fputc(c, js.f);
	if (js.depth < JSON_DEPTH - 1)
		js.depth++;
	js.count[js.depth] = 0;
}

static void json_close(int c)
{
	unsigned int n = js.count[js.depth];

	if (js.depth)
		js.depth--;
	if (js.pretty && n)
		json_indent();
	fputc(c, js.f);
	json_end_value();
}

void json_begin_object(const char *key)
{
	json_open(key, '{');
}

void json_end_object(void)
{
	json_close('}');
}

void json_begin_array(const char *key)
{
	json_open(key, '[');
}

void json_end_array(void)
{
	json_close(']');
}

void json_string(const char *key, const char *s)
{
	json_value(key);
	json_quoted(s);
	json_end_value();
}

void json_uint(const char *key, unsigned long long v)
{
	json_value(key);
	fprintf(js.f, "%llu", v);
	json_end_value();
}

void json_bool(const char *key, int v)
{
	json_value(key);
	fputs(v ? "true" : "false", js.f);
	json_end_value();
}
