#include "writer.h"

#include <stdint.h>
#include <string.h>

#include "jsonval.h"
#include "swar.h"

/* The bytes that make CSV quote a field: a comma, a quote, a line end. */
static const unsigned char csv_quoted_byte[256] = {[','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

static uint64_t
csv_quoted_word(const char *p)
{
	uint64_t w = swar_load(p);
	return swar_has(w, ',') | swar_has(w, '"') | swar_has(w, '\n') | swar_has(w, '\r');
}

/* Whether p[0..n) holds a byte that CSV must quote. A word at a time, the
 * last word overlapping the one before, since every field of every row is
 * scanned; a field shorter than a word byte by byte. */
static int
csv_special(const char *p, size_t n)
{
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (csv_quoted_byte[(unsigned char)p[i]])
				return 1;
		return 0;
	}
	for (size_t i = 0; i + 8 <= n; i += 8)
		if (csv_quoted_word(p + i))
			return 1;
	return csv_quoted_word(p + n - 8) != 0;
}

/* RFC 4180 quoting, read back losslessly by PostgreSQL's COPY (FORMAT csv):
 * an unquoted empty field is NULL, so the empty string is written "", and
 * a lone \. would end COPY's input, so it is quoted too. */
static void
csv_field(struct buf *out, const struct cell *c)
{
	if (c->p == NULL)
		return;
	if (c->plain) {
		buf_append(out, c->p, c->len);
		return;
	}
	int quote = c->len == 0 || (c->len == 2 && c->p[0] == '\\' && c->p[1] == '.') ||
	    csv_special(c->p, c->len);
	if (!quote) {
		buf_append(out, c->p, c->len);
		return;
	}
	buf_reserve(out, c->len + 2);
	buf_putc(out, '"');
	const char *run = c->p, *end = c->p + c->len, *q;
	while ((q = memchr(run, '"', (size_t)(end - run))) != NULL) {
		buf_append(out, run, (size_t)(q - run) + 1);
		buf_putc(out, '"');
		run = q + 1;
	}
	buf_append(out, run, (size_t)(end - run));
	buf_putc(out, '"');
}

/* PostgreSQL COPY text format: \N is NULL, and backslash, newline, carriage
 * return and tab are backslash-escaped. */
static void
tsv_field(struct buf *out, const struct cell *c)
{
	if (c->p == NULL) {
		buf_append(out, "\\N", 2);
		return;
	}
	if (c->plain) {
		buf_append(out, c->p, c->len);
		return;
	}
	size_t run = 0;
	for (size_t i = 0; i < c->len; i++) {
		const char *esc;
		switch (c->p[i]) {
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: continue;
		}
		buf_append(out, c->p + run, i - run);
		buf_append(out, esc, 2);
		run = i + 1;
	}
	buf_append(out, c->p + run, c->len - run);
}

/* Identifiers are always quoted: a column may be named like a keyword
 * ("order", "user"), and quoting a lowercase name changes nothing. */
static void
sql_identifier(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

void
writer_sql_identifier(struct buf *out, const char *s)
{
	sql_identifier(out, s, strlen(s));
}

void
writer_sql_key_list(struct buf *out, const char *const *names, const unsigned char *key, size_t n)
{
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!key[i])
			continue;
		if (k++ > 0)
			buf_append(out, ", ", 2);
		writer_sql_identifier(out, names[i]);
	}
}

/* A dotted name (schema.table) is quoted part by part, each part whole. */
void
writer_sql_table(struct buf *out, const char *s)
{
	const char *dot;
	while ((dot = strchr(s, '.')) != NULL) {
		sql_identifier(out, s, (size_t)(dot - s));
		buf_putc(out, '.');
		s = dot + 1;
	}
	writer_sql_identifier(out, s);
}

static void
sql_literal(struct buf *out, const struct cell *c)
{
	if (c->p == NULL) {
		buf_append(out, "NULL", 4);
		return;
	}
	buf_putc(out, '\'');
	const char *run = c->p, *end = c->p + c->len, *q;
	while ((q = memchr(run, '\'', (size_t)(end - run))) != NULL) {
		buf_append(out, run, (size_t)(q - run) + 1);
		buf_putc(out, '\'');
		run = q + 1;
	}
	buf_append(out, run, (size_t)(end - run));
	buf_putc(out, '\'');
}

/* A CSV or TSV cell. */
static void
text_field(const struct writer *w, struct buf *out, const struct cell *c)
{
	if (w->format == FORMAT_CSV)
		csv_field(out, c);
	else
		tsv_field(out, c);
}

static char
separator(const struct writer *w)
{
	return w->format == FORMAT_CSV ? ',' : '\t';
}

void
writer_header(const struct writer *w, struct buf *out, const char *const *names, size_t n)
{
	if (w->format != FORMAT_CSV && w->format != FORMAT_TSV)
		return;
	for (size_t i = 0; i < n; i++) {
		struct cell c = {names[i], strlen(names[i]), 0};
		if (i > 0)
			buf_putc(out, separator(w));
		text_field(w, out, &c);
	}
	buf_putc(out, '\n');
}

void
writer_template_init(struct writer_template *t)
{
	memset(t, 0, sizeof *t);
	buf_init(&t->head);
	buf_init(&t->tail);
}

void
writer_template_free(struct writer_template *t)
{
	buf_free(&t->head);
	buf_free(&t->tail);
}

void
writer_template_set(const struct writer *w, struct writer_template *t,
    const struct cell *cells, size_t n, size_t from, size_t to)
{
	t->whole = w->format != FORMAT_CSV && w->format != FORMAT_TSV;
	t->from = from;
	t->to = to;
	t->head.len = t->tail.len = 0;
	if (t->whole)
		return;
	for (size_t i = 0; i < from; i++) {
		text_field(w, &t->head, &cells[i]);
		buf_putc(&t->head, separator(w));
	}
	for (size_t i = to; i < n; i++) {
		buf_putc(&t->tail, separator(w));
		text_field(w, &t->tail, &cells[i]);
	}
	buf_putc(&t->tail, '\n');
}

void
writer_template_row(const struct writer *w, const struct writer_template *t,
    struct buf *out, const char *const *names, const struct cell *cells, size_t n)
{
	if (t->whole) {
		writer_row(w, out, names, cells, n);
		return;
	}
	buf_append(out, t->head.p, t->head.len);
	for (size_t i = t->from; i < t->to; i++) {
		if (i > t->from)
			buf_putc(out, separator(w));
		text_field(w, out, &cells[i]);
	}
	buf_append(out, t->tail.p, t->tail.len);
}

void
writer_row(const struct writer *w, struct buf *out, const char *const *names,
    const struct cell *cells, size_t n)
{
	switch (w->format) {
	case FORMAT_CSV:
	case FORMAT_TSV:
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(out, separator(w));
			text_field(w, out, &cells[i]);
		}
		break;
	case FORMAT_JSONL:
		buf_putc(out, '{');
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(out, ',');
			jsonval_write_string(out, names[i], strlen(names[i]));
			buf_putc(out, ':');
			if (cells[i].p == NULL)
				buf_append(out, "null", 4);
			else
				jsonval_write_string(out, cells[i].p, cells[i].len);
		}
		buf_putc(out, '}');
		break;
	case FORMAT_SQL:
		buf_puts(out, "INSERT INTO ");
		writer_sql_table(out, w->sql_table);
		buf_append(out, " (", 2);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_append(out, ", ", 2);
			writer_sql_identifier(out, names[i]);
		}
		buf_puts(out, ") VALUES (");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_append(out, ", ", 2);
			sql_literal(out, &cells[i]);
		}
		buf_putc(out, ')');
		if (w->key != NULL) {
			buf_puts(out, " ON CONFLICT (");
			writer_sql_key_list(out, names, w->key, n);
			buf_puts(out, ") DO NOTHING");
		}
		buf_putc(out, ';');
		break;
	}
	buf_putc(out, '\n');
}
