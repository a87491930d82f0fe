#ifndef CDCPIVOT_WRITER_H
#define CDCPIVOT_WRITER_H

#include <stddef.h>

#include "buf.h"
#include "options.h"

/* Output formats. A writer turns one row (a list of named cells) into bytes
 * appended to a buffer; it never writes to a file itself, so the caller can
 * commit an event's rows whole or not at all. */

/* One output value. p == NULL is SQL NULL; otherwise p[0..len) is the text,
 * which may be empty and may hold any byte but NUL. plain: whoever made
 * the text knows it is not empty and holds none of the bytes CSV quotes or
 * TSV escapes (a time cdcpivot formatted, an op letter), so that CSV and
 * TSV append it without looking; 0 in every other cell. */
struct cell {
	const char *p;
	size_t len;
	int plain;
};

struct writer {
	enum format format;
	const char *sql_table;
	/* sql only: per-column flags of the conflict key, or NULL. When set,
	 * rows are written as INSERT ... ON CONFLICT (key) DO NOTHING. */
	const unsigned char *key;
};

/* Appends name as a quoted SQL identifier, and a dotted table name quoted
 * part by part. */
void writer_sql_identifier(struct buf *out, const char *name);
void writer_sql_table(struct buf *out, const char *name);

/* Appends the quoted names whose key flag is set, comma-separated: the
 * conflict target of --upsert and the unique key of --ddl. */
void writer_sql_key_list(struct buf *out, const char *const *names, const unsigned char *key, size_t n);

/* The column-name line (csv, tsv). Other formats append nothing. */
void writer_header(const struct writer *w, struct buf *out, const char *const *names, size_t n);

/* One row, terminated by "\n". names[i] names cells[i]. */
void writer_row(const struct writer *w, struct buf *out, const char *const *names,
    const struct cell *cells, size_t n);

/* The rows of one event share every cell but cells[from..to) (the change
 * field, old and new value). For CSV and TSV, whose cells are encoded
 * apart from their names, a template encodes the shared cells once per
 * event, and each row then appends only its own: the same bytes as
 * writer_row, for a third of the work. For JSONL and SQL the template is
 * empty and each row is written whole. */
struct writer_template {
	struct buf head; /* cells[0..from), each with the separator after it */
	struct buf tail; /* cells[to..n), each with the separator before it, and "\n" */
	size_t from, to;
	int whole;       /* rows are written by writer_row */
};

void writer_template_init(struct writer_template *t);
void writer_template_free(struct writer_template *t);

/* Encodes the shared cells of a row of n cells; from < to <= n. */
void writer_template_set(const struct writer *w, struct writer_template *t,
    const struct cell *cells, size_t n, size_t from, size_t to);

/* One row: the template's shared cells with cells[from..to) of this row
 * (the other cells are read only when the template is whole). */
void writer_template_row(const struct writer *w, const struct writer_template *t,
    struct buf *out, const char *const *names, const struct cell *cells, size_t n);

#endif
