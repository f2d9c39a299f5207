/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal streaming JSON writer: what llabi and the suites' --list-json
 * print is read by Python, so it must be well-formed whatever the content.
 */
#ifndef LLCONFORM_JSON_H
#define LLCONFORM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LL_JSON_MAX_DEPTH 16

struct ll_json {
	FILE *out;
	int depth;
	bool need_comma[LL_JSON_MAX_DEPTH];
	char closer[LL_JSON_MAX_DEPTH];
	bool after_key;
};

void ll_json_init(struct ll_json *j, FILE *out);
void ll_json_object(struct ll_json *j);
void ll_json_array(struct ll_json *j);
void ll_json_end(struct ll_json *j); /* closes the innermost object/array */
void ll_json_key(struct ll_json *j, const char *key);
void ll_json_string(struct ll_json *j, const char *s);
void ll_json_int(struct ll_json *j, int64_t v);
void ll_json_bool(struct ll_json *j, bool v);
void ll_json_null(struct ll_json *j);
/* Ends the document with a newline. */
void ll_json_finish(struct ll_json *j);

#endif /* LLCONFORM_JSON_H */
