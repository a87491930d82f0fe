#include "envbuild.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
envbuild_reject(struct envelope *env, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(env->reason, sizeof env->reason, fmt, ap);
	va_end(ap);
	env->kind = ENVELOPE_REJECT;
}

void
envbuild_skip(struct envelope *env, enum envelope_skip why)
{
	env->kind = ENVELOPE_SKIP;
	env->skip = why;
}

cJSON *
envbuild_keep(struct envelope *env, cJSON *tree)
{
	for (size_t i = 0; i < sizeof env->trees / sizeof env->trees[0]; i++) {
		if (env->trees[i] == NULL) {
			env->trees[i] = tree;
			return tree;
		}
	}
	cJSON_Delete(tree); /* cannot happen: at most ten trees per line */
	return NULL;
}

const char *
envbuild_type_name(const cJSON *v)
{
	switch (v->type & 0xff) {
	case cJSON_False:
	case cJSON_True: return "a boolean";
	case cJSON_NULL: return "null";
	case cJSON_Number: return "a number";
	case cJSON_String: return "a string";
	case cJSON_Array: return "an array";
	case cJSON_Object: return "an object";
	default: return "invalid";
	}
}

/* The 1-based column of a \u0000 escape in line, or 0. An odd run of
 * backslashes before "u0000" makes it an escape; an even one is an escaped
 * backslash followed by text. */
size_t
envbuild_escaped_nul(const char *line, size_t len)
{
	/* Backslashes are rare in Debezium lines, so this costs one memchr. */
	const char *p = line, *end = line + len;
	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		const char *run = p;
		while (p < end && *p == '\\')
			p++;
		if ((p - run) % 2 == 1 && end - p >= 5 && memcmp(p, "u0000", 5) == 0)
			return (size_t)(run - line) + (size_t)(p - run);
	}
	return 0;
}

/* Rejects text (JSON held in a string of the line: a kcat -J payload or
 * key, a MongoDB row image) when it holds an escaped NUL, which cJSON
 * would cut the value at. The line-level check cannot see these: in the
 * line the escape is itself escaped ("\\u0000"). Returns 1 if rejected. */
int
envbuild_reject_escaped_nul(struct envelope *env, const char *what, const char *text)
{
	size_t esc = envbuild_escaped_nul(text, strlen(text));
	if (esc == 0)
		return 0;
	envbuild_reject(env, "%sescaped NUL (\\u0000) in a string at column %zu, which cannot be kept", what,
	    esc);
	return 1;
}
