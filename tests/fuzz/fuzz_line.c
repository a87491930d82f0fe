/* libFuzzer target for the per-line path: envelope_parse() on one input
 * line, then, for a change event, pivot_event() with every writer format
 * under three option sets (defaults, --unchanged, --id/--fields/--header).
 *
 * Besides what ASan/UBSan/LSan catch, the output of every run is parsed back
 * (CSV per RFC 4180, TSV per PostgreSQL COPY text, JSONL with cJSON, SQL
 * INSERT statements) and must hold exactly `rows` records of the expected
 * width; the four formats must decode to the same table, cell for cell; and
 * the fixed columns (crud_type, datetime_inserted, the op's commit-time
 * column, old/new NULL for inserts/deletes) must be what the op says.
 *
 * The line also goes through envelope_parse_cached() twice with one fresh
 * schema cache (a miss that fills it, then a hit), as the pipeline does:
 * both must classify the line exactly as envelope_parse() does and give the
 * same CSV rows. So must the hot path, where a JSON arena is in force and
 * fastjson parses (fastjson.h) instead of cJSON: for every input, the
 * line goes through it too and must be accepted or rejected exactly as
 * cJSON's path does, with the same reason and byte-identical rows; and
 * wherever fastjson answers for the line (or the value after its last
 * TAB), cJSON must accept it with the same tree, field for field
 * (treecmp.h), and the same end, also when read as a shape says
 * (the text's own member names, or each object's first one dropped). A rejected line's reason must be one line without control
 * bytes (see check_envelope). Any violation calls abort() with a message on
 * stderr, which libFuzzer reports as a crash.
 *
 * The input is copied into a malloc'd buffer of exactly `size` bytes so
 * ASan catches any read past the end of the line. No global mutable
 * state. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "columns.h"
#include "envelope.h"
#include "fastjson.h"
#include "jsonarena.h"
#include "jsonval.h"
#include "options.h"
#include "pivot.h"
#include "schemacache.h"
#include "timefmt.h"
#include "treecmp.h"
#include "treeshape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* SOURCE_DATE_EPOCH=1600300000, as in the golden cases. */
#define NOW_MS INT64_C(1600300000000)
#define NTAIL COLUMNS_TAIL

static void
fail(const char *what, const char *detail, const struct buf *out)
{
	fprintf(stderr, "fuzz_line: invariant violated: %s%s%s\n", what, detail ? ": " : "",
	    detail ? detail : "");
	if (out != NULL) {
		fprintf(stderr, "fuzz_line: output (%zu bytes):\n", out->len);
		fwrite(out->p, 1, out->len < 4096 ? out->len : 4096, stderr);
		fputc('\n', stderr);
	}
	abort();
}

#define CHECK(cond, what, out)                                                   \
	do {                                                                         \
		if (!(cond))                                                             \
			fail(what, #cond, out);                                              \
	} while (0)

/* ---- A decoded table: records of cells, the bytes in one buffer. ---- */

struct dcell {
	size_t off, len;
	int null;
};

struct table {
	struct buf bytes;
	struct dcell *cells;
	size_t n, cap;
	size_t *rec_start; /* index of the first cell of each record */
	size_t nrec, reccap;
};

static void
table_init(struct table *t)
{
	memset(t, 0, sizeof *t);
	buf_init(&t->bytes);
	buf_reserve(&t->bytes, 1); /* p is never NULL: p + 0, memcmp(p, q, 0) */
}

static void
table_free(struct table *t)
{
	buf_free(&t->bytes);
	free(t->cells);
	free(t->rec_start);
}

static void
table_record(struct table *t)
{
	if (t->nrec == t->reccap) {
		t->reccap = t->reccap ? t->reccap * 2 : 16;
		t->rec_start = xrealloc(t->rec_start, t->reccap * sizeof *t->rec_start);
	}
	t->rec_start[t->nrec++] = t->n;
}

/* Starts a cell; its bytes are what is appended to t->bytes until the
 * next cell starts (cell_end fixes the length). */
static struct dcell *
table_cell(struct table *t, int null)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof *t->cells);
	}
	struct dcell *c = &t->cells[t->n++];
	c->off = t->bytes.len;
	c->len = 0;
	c->null = null;
	return c;
}

static size_t
rec_width(const struct table *t, size_t r)
{
	size_t end = r + 1 < t->nrec ? t->rec_start[r + 1] : t->n;
	return end - t->rec_start[r];
}

static const struct dcell *
rec_cell(const struct table *t, size_t r, size_t i)
{
	return &t->cells[t->rec_start[r] + i];
}

static int
cell_is(const struct table *t, const struct dcell *c, const char *s, size_t n)
{
	return !c->null && c->len == n && memcmp(t->bytes.p + c->off, s, n) == 0;
}

/* ---- Decoders; each aborts on output that is not well formed. ---- */

/* RFC 4180: a field is either quoted ("" for a quote inside) or holds none
 * of , " CR LF. An unquoted empty field is NULL. Every record ends in LF. */
/* Reads a quoted field whose opening quote is already consumed, with the
 * quote doubled inside (CSV and SQL alike), into t's bytes. Returns the
 * position after the closing quote. */
static const char *
read_quoted(const char *p, const char *end, char q, struct table *t, const char *what,
    const struct buf *out)
{
	for (;;) {
		CHECK(p < end, what, out);
		if (*p == q) {
			if (p + 1 < end && p[1] == q) {
				buf_putc(&t->bytes, q);
				p += 2;
				continue;
			}
			return p + 1;
		}
		buf_putc(&t->bytes, *p++);
	}
}

static void
decode_csv(const struct buf *out, struct table *t)
{
	const char *p = out->p, *end = out->p + out->len;
	while (p < end) {
		table_record(t);
		for (;;) {
			struct dcell *c;
			if (p < end && *p == '"') {
				c = table_cell(t, 0);
				p = read_quoted(p + 1, end, '"', t, "csv: unterminated quoted field", out);
				c = &t->cells[t->n - 1];
				c->len = t->bytes.len - c->off;
				/* Quoting is used when needed, never otherwise,
				 * except for "" and \. (PostgreSQL COPY). */
				const char *s = t->bytes.p + c->off;
				int needed = c->len == 0 || (c->len == 2 && s[0] == '\\' && s[1] == '.');
				for (size_t i = 0; i < c->len && !needed; i++)
					needed = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
				CHECK(needed, "csv: field quoted without need", out);
			} else {
				const char *q = p;
				while (q < end && *q != ',' && *q != '\n') {
					CHECK(*q != '"' && *q != '\r', "csv: quote or CR in an unquoted field", out);
					q++;
				}
				c = table_cell(t, q == p);
				buf_append(&t->bytes, p, (size_t)(q - p));
				c->len = (size_t)(q - p);
				CHECK(!(q - p == 2 && p[0] == '\\' && p[1] == '.'), "csv: unquoted \\.", out);
				p = q;
			}
			CHECK(p < end, "csv: last record not terminated by LF", out);
			if (*p++ == '\n')
				break;
			/* else a comma: another field follows */
		}
	}
}

/* PostgreSQL COPY text: \N is NULL; \\ \n \r \t are the only escapes
 * written; raw TAB separates, raw LF ends a record, raw CR never appears. */
static void
decode_tsv(const struct buf *out, struct table *t)
{
	const char *p = out->p, *end = out->p + out->len;
	while (p < end) {
		table_record(t);
		for (;;) {
			const char *q = p;
			while (q < end && *q != '\t' && *q != '\n')
				q++;
			CHECK(q < end, "tsv: last record not terminated by LF", out);
			if (q - p == 2 && p[0] == '\\' && p[1] == 'N') {
				table_cell(t, 1);
			} else {
				struct dcell *c = table_cell(t, 0);
				for (const char *s = p; s < q; s++) {
					CHECK(*s != '\r', "tsv: raw CR", out);
					if (*s != '\\') {
						buf_putc(&t->bytes, *s);
						continue;
					}
					CHECK(s + 1 < q, "tsv: backslash at the end of a field", out);
					s++;
					switch (*s) {
					case '\\': buf_putc(&t->bytes, '\\'); break;
					case 'n': buf_putc(&t->bytes, '\n'); break;
					case 'r': buf_putc(&t->bytes, '\r'); break;
					case 't': buf_putc(&t->bytes, '\t'); break;
					default: fail("tsv: unexpected escape", NULL, out);
					}
				}
				c = &t->cells[t->n - 1];
				c->len = t->bytes.len - c->off;
			}
			p = q + 1;
			if (*q == '\n')
				break;
		}
	}
}

/* One JSON object per line, every member a string or null, in column
 * order; the names are returned in names (an array of t->n entries of
 * pointers into the parsed trees, which are kept in trees). */
static void
decode_jsonl(const struct buf *out, struct table *t, struct buf *names_b)
{
	const char *p = out->p, *end = out->p + out->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		CHECK(nl != NULL, "jsonl: last record not terminated by LF", out);
		const char *pe = NULL;
		cJSON *o = cJSON_ParseWithLengthOpts(p, (size_t)(nl - p), &pe, 0);
		CHECK(o != NULL, "jsonl: a line is not valid JSON", out);
		CHECK(pe == nl, "jsonl: bytes after the JSON object on a line", out);
		CHECK(cJSON_IsObject(o), "jsonl: a line is not a JSON object", out);
		table_record(t);
		for (const cJSON *m = o->child; m != NULL; m = m->next) {
			CHECK(cJSON_IsString(m) || cJSON_IsNull(m), "jsonl: a value is neither string nor null",
			    out);
			struct dcell *c = table_cell(t, cJSON_IsNull(m));
			if (!c->null) {
				buf_puts(&t->bytes, m->valuestring);
				t->cells[t->n - 1].len = strlen(m->valuestring);
			}
			buf_puts(names_b, m->string);
			buf_putc(names_b, '\n');
		}
		cJSON_Delete(o);
		p = nl + 1;
	}
}

/* INSERT INTO holding_pivot (ident, ...) VALUES ('lit' | NULL, ...); and LF,
 * the table and every column name plain or double-quoted. */
static const char *
sql_ident(const char *p, const char *end, struct buf *names_b, const struct buf *out)
{
	CHECK(p < end, "sql: identifier expected", out);
	if (*p == '"') {
		p++;
		for (;;) {
			CHECK(p < end, "sql: unterminated quoted identifier", out);
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"') {
					buf_putc(names_b, '"');
					p += 2;
					continue;
				}
				p++;
				break;
			}
			buf_putc(names_b, *p++);
		}
	} else {
		const char *s = p;
		while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_' || (p > s && *p >= '0' && *p <= '9')))
			p++;
		CHECK(p > s, "sql: empty unquoted identifier", out);
		buf_append(names_b, s, (size_t)(p - s));
	}
	buf_putc(names_b, '\n');
	return p;
}

static const char *
expect(const char *p, const char *end, const char *lit, const struct buf *out)
{
	size_t n = strlen(lit);
	if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
		fail("sql: unexpected text", lit, out);
	return p + n;
}

static void
decode_sql(const struct buf *out, struct table *t, struct buf *names_b)
{
	const char *p = out->p, *end = out->p + out->len;
	while (p < end) {
		/* The table, plain or quoted: holding_pivot or "holding_pivot". */
		p = expect(p, end, "INSERT INTO ", out);
		struct buf table;
		buf_init(&table);
		p = sql_ident(p, end, &table, out);
		CHECK(table.len == sizeof "holding_pivot\n" - 1 &&
		        memcmp(table.p, "holding_pivot\n", table.len) == 0,
		    "sql: the table is holding_pivot", out);
		buf_free(&table);
		p = expect(p, end, " (", out);
		size_t nnames = 0;
		for (;;) {
			p = sql_ident(p, end, names_b, out);
			nnames++;
			if (p < end && *p == ',') {
				p = expect(p, end, ", ", out);
				continue;
			}
			break;
		}
		p = expect(p, end, ") VALUES (", out);
		table_record(t);
		size_t nvals = 0;
		for (;;) {
			if (p < end && *p == 'N') {
				p = expect(p, end, "NULL", out);
				table_cell(t, 1);
			} else {
				p = expect(p, end, "'", out);
				struct dcell *c = table_cell(t, 0);
				p = read_quoted(p, end, '\'', t, "sql: unterminated literal", out);
				c = &t->cells[t->n - 1];
				c->len = t->bytes.len - c->off;
			}
			nvals++;
			if (p < end && *p == ',') {
				p = expect(p, end, ", ", out);
				continue;
			}
			break;
		}
		p = expect(p, end, ");\n", out);
		CHECK(nvals == nnames, "sql: as many values as column names", out);
	}
}

/* ---- One run of the pivot with one option set. ---- */

struct result {
	struct buf out;
	size_t rows;
	size_t nids;
	size_t header_len; /* bytes of header line at the start of out */
	struct table table;
	struct buf names; /* column names, one per line, as decoded */
};

static void
result_free(struct result *r)
{
	buf_free(&r->out);
	buf_free(&r->names);
	table_free(&r->table);
}

static void
run_format(const struct envelope *env, char **argv, int argc, enum format want_fmt,
    struct result *r)
{
	struct options o;
	char err[256];
	memset(r, 0, sizeof *r);
	buf_init(&r->out);
	buf_init(&r->names);
	table_init(&r->table);
	if (options_parse(argc, argv, "1600300000", &o, err, sizeof err) != OPTIONS_RUN)
		fail("options_parse failed on a fixed argv", err, NULL);
	CHECK(o.format == want_fmt, "options_parse chose the format asked for", NULL);

	struct pivot p;
	pivot_init(&p, &o);
	pivot_begin(&p, &r->out);
	r->header_len = r->out.len;
	struct pivot_report rep;
	r->rows = pivot_event(&p, env, o.inserted_ms, &r->out, &rep);
	r->nids = p.diff.nids;

	/* diff bookkeeping */
	/* A refused event (a decimal scale beyond any database's, a table
	 * that does not fit --header) gives no rows and says why. */
	if (rep.refused != NULL)
		CHECK(r->rows == 0, "a refused event gives no rows", NULL);
	else
		CHECK(p.diff.n == r->rows, "pivot_event returns the number of changes", NULL);
	CHECK(p.diff.n + p.diff.nmissing + p.diff.nunavailable <= p.diff.cap, "diff arrays in bounds",
	    NULL);
	if (o.ids.n > 0)
		CHECK(p.diff.nids == o.ids.n, "--id gives the id columns", NULL);
	if (o.fields.n > 0) {
		/* An id column that an update changes gives a row of its own,
		 * besides the --fields ones. */
		size_t id_rows = 0;
		for (size_t i = 0; i < p.diff.n; i++)
			for (size_t k = 0; k < p.diff.nids; k++)
				if (strcmp(p.diff.changes[i].name, p.diff.id_names[k]) == 0) {
					id_rows++;
					break;
				}
		size_t seen = p.diff.n - id_rows + p.diff.nmissing + p.diff.nunavailable;
		CHECK(seen <= o.fields.n, "at most one outcome per --fields name", NULL);
		/* An update with a before image, or a MongoDB update with a
		 * description of what changed, may also leave a name out:
		 * unchanged. */
		if (env->op != 'u' || (env->before == NULL && !env->mongo_update) || o.unchanged)
			CHECK(seen == o.fields.n,
			    "each --fields name is a change, missing or unavailable", NULL);
	}
	for (size_t i = 0; i < p.diff.n; i++)
		CHECK(p.diff.changes[i].name != NULL, "change has a name", NULL);

	CHECK(memchr(r->out.p ? r->out.p : "", '\0', r->out.len) == NULL,
	    "no NUL byte in the output", &r->out);
	if (r->rows == 0)
		CHECK(r->out.len == r->header_len, "no rows, no output beyond the header", &r->out);
	else
		CHECK(r->out.p[r->out.len - 1] == '\n', "output ends with LF", &r->out);
	if (o.header && o.ids.n > 0)
		CHECK(r->header_len > 0, "--header with --id writes the header before any event",
		    &r->out);

	/* Decode back. */
	if (r->out.len > 0)
		switch (o.format) {
		case FORMAT_CSV: decode_csv(&r->out, &r->table); break;
		case FORMAT_TSV: decode_tsv(&r->out, &r->table); break;
		case FORMAT_JSONL: decode_jsonl(&r->out, &r->table, &r->names); break;
		case FORMAT_SQL: decode_sql(&r->out, &r->table, &r->names); break;
		}
	size_t ncols = r->nids + NTAIL;
	size_t first = 0;
	if (r->out.len > 0 && o.header) {
		/* The header record holds the column names. */
		CHECK(r->table.nrec >= 1, "header record present", &r->out);
		CHECK(rec_width(&r->table, 0) == ncols || r->rows == 0, "header width", &r->out);
		for (size_t i = 0; i < rec_width(&r->table, 0); i++)
			CHECK(!rec_cell(&r->table, 0, i)->null, "header names are not NULL", &r->out);
		first = 1;
	}
	CHECK(r->table.nrec - first == r->rows, "one record per row", &r->out);

	char inserted[TIMEFMT_MAX];
	size_t inserted_len = timefmt_ms(NOW_MS, inserted);
	char commit[TIMEFMT_MAX];
	size_t commit_len = env->has_ts ? timefmt_ms(env->ts_ms, commit) : 0;
	int commit_col = env->op == 'u' ? 4 : env->op == 'd' ? 5 : 3;
	for (size_t rec = first; rec < r->table.nrec; rec++) {
		CHECK(rec_width(&r->table, rec) == ncols, "every row has the id columns + 8", &r->out);
		const struct dcell *tail = rec_cell(&r->table, rec, r->nids);
		char op = env->op;
		CHECK(cell_is(&r->table, &tail[7], &op, 1), "crud_type is the op", &r->out);
		CHECK(cell_is(&r->table, &tail[6], inserted, inserted_len), "datetime_inserted", &r->out);
		CHECK(!tail[0].null, "change_field is never NULL", &r->out);
		for (int k = 3; k <= 5; k++) {
			if (k == commit_col && env->has_ts)
				CHECK(cell_is(&r->table, &tail[k], commit, commit_len),
				    "the op's commit-time column holds the commit time", &r->out);
			else
				CHECK(tail[k].null, "other commit-time columns are NULL", &r->out);
		}
		if (op == 'c' || op == 'r')
			CHECK(tail[1].null, "insert: old_value is NULL", &r->out);
		if (op == 'd')
			CHECK(tail[2].null, "delete: new_value is NULL", &r->out);
	}

	pivot_free(&p);
	options_free(&o);
}

/* The four formats must decode to the same cells and (jsonl, sql) the same
 * column names. */
static void
same_tables(const struct result *a, const struct result *b, const char *what)
{
	size_t fa = a->header_len > 0 ? 1 : 0;
	size_t fb = b->header_len > 0 ? 1 : 0;
	CHECK(a->rows == b->rows, what, &b->out);
	CHECK(a->table.nrec - fa == b->table.nrec - fb, what, &b->out);
	for (size_t r = 0; r < a->rows; r++) {
		size_t w = rec_width(&a->table, r + fa);
		CHECK(w == rec_width(&b->table, r + fb), what, &b->out);
		for (size_t i = 0; i < w; i++) {
			const struct dcell *x = rec_cell(&a->table, r + fa, i);
			const struct dcell *y = rec_cell(&b->table, r + fb, i);
			if (x->null != y->null || x->len != y->len ||
			    memcmp(a->table.bytes.p + x->off, b->table.bytes.p + y->off, x->len) != 0) {
				fprintf(stderr, "fuzz_line: row %zu column %zu differs (%s)\n", r, i, what);
				fail("formats decode to the same table", what, &b->out);
			}
		}
	}
}

/* Three option sets, each in four formats. */
#define NSETS 3
#define NFMT 4

static void
run_set(const struct envelope *env, int set)
{
	static const char *const fmts[NFMT] = {"csv", "tsv", "jsonl", "sql"};
	static const enum format fmt_ids[NFMT] = {FORMAT_CSV, FORMAT_TSV, FORMAT_JSONL, FORMAT_SQL};
	struct result res[NFMT];
	for (int f = 0; f < NFMT; f++) {
		char *argv[16];
		int argc = 0;
		argv[argc++] = (char *)"cdcpivot";
		argv[argc++] = (char *)"--format";
		argv[argc++] = (char *)fmts[f];
		if (set == 1)
			argv[argc++] = (char *)"--unchanged";
		if (set == 2) {
			argv[argc++] = (char *)"--id";
			argv[argc++] = (char *)"id,holding_id";
			argv[argc++] = (char *)"--fields";
			argv[argc++] = (char *)"v,holding_stock,holding_quantity,user_id,a";
			if (fmt_ids[f] == FORMAT_CSV || fmt_ids[f] == FORMAT_TSV)
				argv[argc++] = (char *)"--header";
		}
		argv[argc] = NULL;
		run_format(env, argv, argc, fmt_ids[f], &res[f]);
	}
	same_tables(&res[0], &res[1], "csv vs tsv");
	same_tables(&res[0], &res[2], "csv vs jsonl");
	same_tables(&res[0], &res[3], "csv vs sql");
	/* jsonl and sql name the columns the same way, in the same order. */
	CHECK(res[2].names.len == res[3].names.len &&
	        memcmp(res[2].names.p ? res[2].names.p : "", res[3].names.p ? res[3].names.p : "",
	            res[2].names.len) == 0,
	    "jsonl and sql give the same column names", &res[3].out);
	/* The csv/tsv header, when written, names the same columns. */
	if (set == 2 && res[0].rows > 0) {
		const struct table *t = &res[0].table;
		struct buf hn;
		buf_init(&hn);
		for (size_t i = 0; i < rec_width(t, 0); i++) {
			const struct dcell *c = rec_cell(t, 0, i);
			buf_append(&hn, t->bytes.p + c->off, c->len);
			buf_putc(&hn, '\n');
		}
		/* jsonl/sql repeat the names for every row; compare with the first. */
		CHECK(hn.len <= res[2].names.len && memcmp(hn.p, res[2].names.p, hn.len) == 0,
		    "csv header names the jsonl columns", &res[0].out);
		buf_free(&hn);
	}
	for (int f = 0; f < NFMT; f++)
		result_free(&res[f]);
}

static void
check_envelope(const struct envelope *env)
{
	switch (env->kind) {
	case ENVELOPE_CHANGE:
		CHECK(env->op == 'c' || env->op == 'r' || env->op == 'u' || env->op == 'd',
		    "change: op is c, r, u or d", NULL);
		CHECK(env->payload != NULL && cJSON_IsObject(env->payload), "change: payload is an object",
		    NULL);
		CHECK(env->before == NULL || cJSON_IsObject(env->before), "change: before is an object",
		    NULL);
		CHECK(env->after == NULL || cJSON_IsObject(env->after), "change: after is an object", NULL);
		CHECK(env->op == 'd' ? env->before != NULL : env->after != NULL,
		    "change: the op's row image is present", NULL);
		CHECK(env->key == NULL || cJSON_IsObject(env->key), "change: key is an object", NULL);
		CHECK(env->source == NULL || cJSON_IsObject(env->source), "change: source is an object",
		    NULL);
		break;
	case ENVELOPE_SKIP:
		CHECK((unsigned)env->skip < SKIP_KINDS, "skip: a known kind", NULL);
		break;
	case ENVELOPE_REJECT: {
		size_t n = strnlen(env->reason, sizeof env->reason);
		CHECK(n > 0 && n < sizeof env->reason, "reject: a reason, NUL-terminated", NULL);
		/* "one message per rejected line": the reason goes on one
		 * stderr line as it is, so it must hold no line break and no
		 * other control byte (an ESC would reach the terminal).
		 * FUZZ_LINE_ALLOW_CONTROL_IN_REASON=1 turns this check off,
		 * to fuzz past this known finding until src/ is fixed. */
		if (getenv("FUZZ_LINE_ALLOW_CONTROL_IN_REASON") == NULL)
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)env->reason[i] < 0x20 || env->reason[i] == 0x7f)
					fail("reject: the reason is one line of printable text", env->reason,
					    NULL);
		break;
	}
	default:
		fail("envelope kind is one of CHANGE, SKIP, REJECT", NULL, NULL);
	}
}

/* The CSV rows of a change event with the default options. */
static void
default_csv(const struct envelope *env, struct buf *out)
{
	char *argv[] = {(char *)"cdcpivot", NULL};
	struct options o;
	char err[256];
	if (options_parse(1, argv, "1600300000", &o, err, sizeof err) != OPTIONS_RUN)
		fail("options_parse failed on a fixed argv", err, NULL);
	struct pivot p;
	pivot_init(&p, &o);
	struct pivot_report rep;
	pivot_event(&p, env, o.inserted_ms, out, &rep);
	pivot_free(&p);
	options_free(&o);
}

/* envelope_parse_cached() must agree with envelope_parse(). */
static void
same_envelope(const struct envelope *a, const struct envelope *b, const char *what)
{
	if (a->kind != b->kind) {
		fprintf(stderr, "fuzz_line: kind %d vs %d; reasons '%s' / '%s'\n", (int)a->kind,
		    (int)b->kind, a->kind == ENVELOPE_REJECT ? a->reason : "",
		    b->kind == ENVELOPE_REJECT ? b->reason : "");
		fail("cached and uncached parse classify the line the same", what, NULL);
	}
	if (a->kind == ENVELOPE_SKIP)
		CHECK(a->skip == b->skip, "cached parse: same skip kind", NULL);
	if (a->kind == ENVELOPE_REJECT && strcmp(a->reason, b->reason) != 0) {
		fprintf(stderr, "fuzz_line: '%s' vs '%s'\n", a->reason, b->reason);
		fail("cached parse: same reject reason", what, NULL);
	}
	if (a->kind != ENVELOPE_CHANGE)
		return;
	CHECK(a->op == b->op, "cached parse: same op", NULL);
	CHECK(a->has_ts == b->has_ts && (!a->has_ts || a->ts_ms == b->ts_ms),
	    "cached parse: same commit time", NULL);
	CHECK((a->schema == NULL) == (b->schema == NULL), "cached parse: schema found the same", NULL);
	struct buf x, y;
	buf_init(&x);
	buf_init(&y);
	default_csv(a, &x);
	default_csv(b, &y);
	if (x.len != y.len || (x.len > 0 && memcmp(x.p, y.p, x.len) != 0)) {
		fprintf(stderr, "fuzz_line: uncached rows:\n%.*s", (int)x.len, x.p ? x.p : "");
		fail("cached parse: same rows", what, &y);
	}
	buf_free(&x);
	buf_free(&y);
}

/* fastjson answers only where cJSON accepts, with cJSON's tree and end;
 * read as shape says, it answers as without one. Returns whether it
 * answered. */
static int
same_tree_shaped(const char *text, size_t len, const cJSON *ref, size_t ref_end,
    const struct fastjson_shape *shape, struct jsonarena *arena)
{
	size_t fast_end = 0;
	jsonarena_reset(arena);
	jsonarena_enter(arena);
	cJSON *fast = fastjson_parse_shaped(text, len, &fast_end, shape);
	jsonarena_leave();
	if (fast != NULL) {
		CHECK(ref != NULL, "fastjson accepts only what cJSON accepts", NULL);
		const char *why = treecmp(fast, ref);
		if (why != NULL)
			fail("fastjson builds cJSON's tree", why, NULL);
		CHECK(fast_end == ref_end, "fastjson ends where cJSON does", NULL);
	}
	return fast != NULL;
}

/* The same without a shape, with the text's own names expected (every
 * member as expected) and with each object's first name dropped (none). */
static void
same_tree(const char *text, size_t len, struct jsonarena *arena)
{
	size_t ref_end = 0;
	cJSON *ref = jsonval_parse_prefix(text, len, &ref_end); /* no arena: cJSON */
	int answered = same_tree_shaped(text, len, ref, ref_end, NULL, arena);
	for (size_t skip = 0; skip < 2; skip++) {
		struct fastjson_shape *shape = treeshape(ref, skip);
		CHECK(same_tree_shaped(text, len, ref, ref_end, shape, arena) == answered,
		    "a shape does not change whether fastjson answers", NULL);
		treeshape_free(shape);
	}
	cJSON_Delete(ref);
}

/* The pipeline's hot path (an arena in force, so fastjson parses) must
 * classify the line as the path of record (cJSON alone) does and give
 * the same rows: accepted and rejected alike, reasons and all. */
static void
same_with_fast_path(const struct envelope *ref, const char *line, size_t size,
    struct jsonarena *arena)
{
	struct schema_cache *cache = schema_cache_new(2, 0);
	for (int pass = 0; pass < 2; pass++) {
		struct envelope c;
		jsonarena_reset(arena);
		jsonarena_enter(arena);
		envelope_parse_cached(&c, cache, line, size);
		check_envelope(&c);
		same_envelope(ref, &c, pass == 0 ? "fast path, cache miss" : "fast path, cache hit");
		envelope_clear(&c);
		jsonarena_leave();
	}
	schema_cache_free(cache);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes, no terminator: reads past the line are caught. */
	char *line = malloc(size ? size : 1);
	if (line == NULL)
		return 0;
	if (size > 0)
		memcpy(line, data, size);

	struct envelope env;
	envelope_parse(&env, line, size);
	check_envelope(&env);
	if (env.kind == ENVELOPE_CHANGE)
		for (int set = 0; set < NSETS; set++)
			run_set(&env, set);

	/* The pipeline's path: a schema cache, first a miss, then a hit. */
	struct schema_cache *cache = schema_cache_new(2, 0);
	for (int pass = 0; pass < 2; pass++) {
		struct envelope c;
		envelope_parse_cached(&c, cache, line, size);
		check_envelope(&c);
		same_envelope(&env, &c, pass == 0 ? "first pass (cache miss)" : "second pass (cache hit)");
		envelope_clear(&c);
	}
	schema_cache_free(cache);

	struct jsonarena arena;
	jsonarena_init(&arena);
	same_tree(line, size, &arena);
	size_t tab = size;
	while (tab > 0 && line[tab - 1] != '\t')
		tab--;
	if (tab > 0)
		same_tree(line + tab, size - tab, &arena);
	same_with_fast_path(&env, line, size, &arena);
	jsonarena_free(&arena);

	envelope_clear(&env);
	for (size_t i = 0; i < sizeof env.trees / sizeof env.trees[0]; i++)
		CHECK(env.trees[i] == NULL, "envelope_clear releases every tree", NULL);

	free(line);
	return 0;
}
