// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void ll_json_init(struct ll_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* Separator before a value: none after a key, a comma between items. */
static void value_start(struct ll_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void open_level(struct ll_json *j, char opener, char closer)
{
	/* Deeper than the stack: a caller bug, never malformed output. */
	if (j->depth >= LL_JSON_MAX_DEPTH - 1) {
		fprintf(stderr, "ll_json: nesting deeper than %d\n",
			LL_JSON_MAX_DEPTH - 1);
		abort();
	}
	value_start(j);
	fputc(opener, j->out);
	j->depth++;
	j->need_comma[j->depth] = false;
	j->closer[j->depth] = closer;
}

void ll_json_object(struct ll_json *j)
{
	open_level(j, '{', '}');
}

void ll_json_array(struct ll_json *j)
{
	open_level(j, '[', ']');
}

void ll_json_end(struct ll_json *j)
{
	if (j->depth == 0)
		return;
	fputc(j->closer[j->depth], j->out);
	j->depth--;
}

static void write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void ll_json_key(struct ll_json *j, const char *key)
{
	value_start(j);
	write_string(j->out, key);
	fputc(':', j->out);
	j->after_key = true;
}

void ll_json_string(struct ll_json *j, const char *s)
{
	value_start(j);
	if (s)
		write_string(j->out, s);
	else
		fputs("null", j->out);
}

void ll_json_int(struct ll_json *j, int64_t v)
{
	value_start(j);
	fprintf(j->out, "%" PRId64, v);
}

void ll_json_bool(struct ll_json *j, bool v)
{
	value_start(j);
	fputs(v ? "true" : "false", j->out);
}

void ll_json_null(struct ll_json *j)
{
	value_start(j);
	fputs("null", j->out);
}

void ll_json_finish(struct ll_json *j)
{
	while (j->depth > 0)
		ll_json_end(j);
	fputc('\n', j->out);
	fflush(j->out);
}
