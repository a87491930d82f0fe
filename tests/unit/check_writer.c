/* writer.h: one row of cells -> exact bytes in csv (PostgreSQL COPY csv),
 * tsv (COPY text), jsonl and sql. Every case appends to a buffer that
 * already holds a byte, which must survive. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "writer.h"

#define MAXC 4
#define NUL_CELL NULL /* a NULL cell pointer is SQL NULL */

static const struct {
	const char *name;
	enum format format;
	const char *table; /* sql only */
	int n;
	const char *names[MAXC];
	const char *cells[MAXC];
	size_t lens[MAXC]; /* 0: strlen(cell) */
	const char *want;
} rows[] = {
	/* ---- csv ---- */
	{"csv plain", FORMAT_CSV, NULL, 2, {"a", "b"}, {"x", "y"}, {0}, "x,y\n"},
	{"csv NULL is empty unquoted", FORMAT_CSV, NULL, 1, {"a"}, {NUL_CELL}, {0}, "\n"},
	{"csv two NULLs", FORMAT_CSV, NULL, 2, {"a", "b"}, {NUL_CELL, NUL_CELL}, {0}, ",\n"},
	{"csv empty string quoted", FORMAT_CSV, NULL, 1, {"a"}, {""}, {0}, "\"\"\n"},
	{"csv NULL vs empty", FORMAT_CSV, NULL, 3, {"a", "b", "c"}, {NUL_CELL, "", "x"}, {0}, ",\"\",x\n"},
	{"csv comma", FORMAT_CSV, NULL, 1, {"a"}, {"a,b"}, {0}, "\"a,b\"\n"},
	{"csv quote doubled", FORMAT_CSV, NULL, 1, {"a"}, {"say \"hi\""}, {0}, "\"say \"\"hi\"\"\"\n"},
	{"csv lone quote", FORMAT_CSV, NULL, 1, {"a"}, {"\""}, {0}, "\"\"\"\"\n"},
	{"csv newline", FORMAT_CSV, NULL, 1, {"a"}, {"two\nlines"}, {0}, "\"two\nlines\"\n"},
	{"csv CR", FORMAT_CSV, NULL, 1, {"a"}, {"cr\rhere"}, {0}, "\"cr\rhere\"\n"},
	{"csv CRLF and quote", FORMAT_CSV, NULL, 1, {"a"}, {"\"\r\n\""}, {0}, "\"\"\"\r\n\"\"\"\n"},
	{"csv backslash-dot quoted", FORMAT_CSV, NULL, 1, {"a"}, {"\\."}, {0}, "\"\\.\"\n"},
	{"csv backslash-dot in a longer value", FORMAT_CSV, NULL, 1, {"a"}, {"\\.x"}, {0}, "\\.x\n"},
	{"csv backslash alone", FORMAT_CSV, NULL, 1, {"a"}, {"a\\b"}, {0}, "a\\b\n"},
	{"csv spaces kept unquoted", FORMAT_CSV, NULL, 2, {"a", "b"}, {" padded ", " "}, {0}, " padded , \n"},
	{"csv tab unquoted", FORMAT_CSV, NULL, 1, {"a"}, {"a\tb"}, {0}, "a\tb\n"},
	{"csv NULL-looking text", FORMAT_CSV, NULL, 2, {"a", "b"}, {"NULL", "\\N"}, {0}, "NULL,\\N\n"},
	{"csv UTF-8", FORMAT_CSV, NULL, 1, {"a"}, {"\xc3\xbcn\xc3\xaf \xe2\x9c\x93"}, {0},
	    "\xc3\xbcn\xc3\xaf \xe2\x9c\x93\n"},
	{"csv JSON value", FORMAT_CSV, NULL, 1, {"a"}, {"{\"a\":[1,2]}"}, {0}, "\"{\"\"a\"\":[1,2]}\"\n"},
	{"csv length, not NUL", FORMAT_CSV, NULL, 2, {"a", "b"}, {"abc,def", "\"xyz"}, {3, 1}, "abc,\"\"\"\"\n"},
	{"csv zero cells", FORMAT_CSV, NULL, 0, {NULL}, {NULL}, {0}, "\n"},

	/* ---- tsv (COPY text) ---- */
	{"tsv plain", FORMAT_TSV, NULL, 2, {"a", "b"}, {"x", "y"}, {0}, "x\ty\n"},
	{"tsv NULL", FORMAT_TSV, NULL, 1, {"a"}, {NUL_CELL}, {0}, "\\N\n"},
	{"tsv NULL vs empty", FORMAT_TSV, NULL, 3, {"a", "b", "c"}, {NUL_CELL, "", "x"}, {0}, "\\N\t\tx\n"},
	{"tsv backslash", FORMAT_TSV, NULL, 1, {"a"}, {"a\\b"}, {0}, "a\\\\b\n"},
	{"tsv literal \\N text", FORMAT_TSV, NULL, 1, {"a"}, {"\\N"}, {0}, "\\\\N\n"},
	{"tsv backslash-dot", FORMAT_TSV, NULL, 1, {"a"}, {"\\."}, {0}, "\\\\.\n"},
	{"tsv newline", FORMAT_TSV, NULL, 1, {"a"}, {"two\nlines"}, {0}, "two\\nlines\n"},
	{"tsv CR", FORMAT_TSV, NULL, 1, {"a"}, {"a\rb"}, {0}, "a\\rb\n"},
	{"tsv tab", FORMAT_TSV, NULL, 1, {"a"}, {"a\tb"}, {0}, "a\\tb\n"},
	{"tsv all escapes", FORMAT_TSV, NULL, 1, {"a"}, {"\\\n\r\t"}, {0}, "\\\\\\n\\r\\t\n"},
	{"tsv csv specials untouched", FORMAT_TSV, NULL, 1, {"a"}, {"a,\"b\" c"}, {0}, "a,\"b\" c\n"},
	{"tsv other control bytes untouched", FORMAT_TSV, NULL, 1, {"a"}, {"\x01\x7f"}, {0}, "\x01\x7f\n"},
	{"tsv length, not NUL", FORMAT_TSV, NULL, 1, {"a"}, {"ab\tcd"}, {3}, "ab\\t\n"},

	/* ---- jsonl ---- */
	{"jsonl strings and null", FORMAT_JSONL, NULL, 2, {"id", "v"}, {"1", NUL_CELL}, {0},
	    "{\"id\":\"1\",\"v\":null}\n"},
	{"jsonl empty string", FORMAT_JSONL, NULL, 1, {"v"}, {""}, {0}, "{\"v\":\"\"}\n"},
	{"jsonl text null is a string", FORMAT_JSONL, NULL, 1, {"v"}, {"null"}, {0}, "{\"v\":\"null\"}\n"},
	{"jsonl escaping", FORMAT_JSONL, NULL, 1, {"v"}, {"a\"b\\c\n\t\r\x01\x1f\x7f/"}, {0},
	    "{\"v\":\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\\u007f/\"}\n"},
	{"jsonl UTF-8 raw", FORMAT_JSONL, NULL, 1, {"v"}, {"caf\xc3\xa9"}, {0}, "{\"v\":\"caf\xc3\xa9\"}\n"},
	{"jsonl names escaped as keys", FORMAT_JSONL, NULL, 2, {"we\"ird", "tab\tname"}, {"x", "y"}, {0},
	    "{\"we\\\"ird\":\"x\",\"tab\\tname\":\"y\"}\n"},
	{"jsonl JSON value stays a string", FORMAT_JSONL, NULL, 1, {"v"}, {"{\"a\":1}"}, {0},
	    "{\"v\":\"{\\\"a\\\":1}\"}\n"},
	{"jsonl length, not NUL", FORMAT_JSONL, NULL, 1, {"v"}, {"abcdef"}, {2}, "{\"v\":\"ab\"}\n"},
	{"jsonl zero cells", FORMAT_JSONL, NULL, 0, {NULL}, {NULL}, {0}, "{}\n"},

	/* ---- sql ---- */
	{"sql plain", FORMAT_SQL, "holding_pivot", 2, {"id", "change_field"}, {"1", NUL_CELL}, {0},
	    "INSERT INTO \"holding_pivot\" (\"id\", \"change_field\") VALUES ('1', NULL);\n"},
	{"sql empty string", FORMAT_SQL, "t", 1, {"v"}, {""}, {0}, "INSERT INTO \"t\" (\"v\") VALUES ('');\n"},
	{"sql quote doubled", FORMAT_SQL, "t", 1, {"v"}, {"it's 'x'"}, {0},
	    "INSERT INTO \"t\" (\"v\") VALUES ('it''s ''x''');\n"},
	{"sql backslash literal", FORMAT_SQL, "t", 1, {"v"}, {"a\\b\\."}, {0}, "INSERT INTO \"t\" (\"v\") VALUES ('a\\b\\.');\n"},
	{"sql newline raw", FORMAT_SQL, "t", 1, {"v"}, {"two\nlines\r"}, {0},
	    "INSERT INTO \"t\" (\"v\") VALUES ('two\nlines\r');\n"},
	{"sql text NULL is a string", FORMAT_SQL, "t", 1, {"v"}, {"NULL"}, {0}, "INSERT INTO \"t\" (\"v\") VALUES ('NULL');\n"},
	{"sql double quote in a value", FORMAT_SQL, "t", 1, {"v"}, {"say \"hi\""}, {0},
	    "INSERT INTO \"t\" (\"v\") VALUES ('say \"hi\"');\n"},
	{"sql identifiers always quoted", FORMAT_SQL, "t", 3, {"_x1", "a_b", "z9"}, {"1", "2", "3"}, {0},
	    "INSERT INTO \"t\" (\"_x1\", \"a_b\", \"z9\") VALUES ('1', '2', '3');\n"},
	{"sql uppercase identifier", FORMAT_SQL, "t", 1, {"Holding"}, {"1"}, {0},
	    "INSERT INTO \"t\" (\"Holding\") VALUES ('1');\n"},
	{"sql identifier with space", FORMAT_SQL, "t", 1, {"my col"}, {"1"}, {0},
	    "INSERT INTO \"t\" (\"my col\") VALUES ('1');\n"},
	{"sql identifier with leading digit", FORMAT_SQL, "t", 1, {"1abc"}, {"1"}, {0},
	    "INSERT INTO \"t\" (\"1abc\") VALUES ('1');\n"},
	{"sql identifier with quote", FORMAT_SQL, "t", 1, {"a\"b"}, {"1"}, {0},
	    "INSERT INTO \"t\" (\"a\"\"b\") VALUES ('1');\n"},
	{"sql identifier with dash", FORMAT_SQL, "t", 1, {"a-b"}, {"1"}, {0}, "INSERT INTO \"t\" (\"a-b\") VALUES ('1');\n"},
	{"sql identifier with dollar", FORMAT_SQL, "t", 1, {"a$"}, {"1"}, {0}, "INSERT INTO \"t\" (\"a$\") VALUES ('1');\n"},
	{"sql keywords as names", FORMAT_SQL, "user", 2, {"order", "select"}, {"1", "2"}, {0},
	    "INSERT INTO \"user\" (\"order\", \"select\") VALUES ('1', '2');\n"},
	{"sql identifier non-ASCII", FORMAT_SQL, "t", 1, {"caf\xc3\xa9"}, {"1"}, {0},
	    "INSERT INTO \"t\" (\"caf\xc3\xa9\") VALUES ('1');\n"},
	{"sql dotted table", FORMAT_SQL, "analytics.holding_pivot", 1, {"v"}, {"1"}, {0},
	    "INSERT INTO \"analytics\".\"holding_pivot\" (\"v\") VALUES ('1');\n"},
	{"sql dotted table quoted per part", FORMAT_SQL, "analytics.Holding Pivot", 1, {"v"}, {"1"}, {0},
	    "INSERT INTO \"analytics\".\"Holding Pivot\" (\"v\") VALUES ('1');\n"},
	{"sql three parts", FORMAT_SQL, "Db.s.T", 1, {"v"}, {"1"}, {0}, "INSERT INTO \"Db\".\"s\".\"T\" (\"v\") VALUES ('1');\n"},
	{"sql table with quote", FORMAT_SQL, "x\"y", 1, {"v"}, {"1"}, {0}, "INSERT INTO \"x\"\"y\" (\"v\") VALUES ('1');\n"},
	{"sql length, not NUL", FORMAT_SQL, "t", 1, {"v"}, {"ab'cd"}, {3}, "INSERT INTO \"t\" (\"v\") VALUES ('ab''');\n"},
	{"sql many cells", FORMAT_SQL, "t", 4, {"a", "b", "c", "d"}, {NUL_CELL, "", "x", NUL_CELL}, {0},
	    "INSERT INTO \"t\" (\"a\", \"b\", \"c\", \"d\") VALUES (NULL, '', 'x', NULL);\n"},
};

START_TEST(row)
{
	struct writer w = {rows[_i].format, rows[_i].table, NULL};
	struct cell cells[MAXC];
	memset(cells, 0, sizeof cells);
	for (int i = 0; i < rows[_i].n; i++) {
		const char *p = rows[_i].cells[i];
		cells[i].p = p;
		cells[i].len = p == NULL ? 0 : rows[_i].lens[i] ? rows[_i].lens[i] : strlen(p);
	}
	struct buf out;
	buf_init(&out);
	buf_putc(&out, '@');
	writer_row(&w, &out, rows[_i].names, cells, (size_t)rows[_i].n);
	ck_assert_int_eq(out.p[0], '@');
	assert_bytes(rows[_i].name, out.p + 1, out.len - 1, rows[_i].want, strlen(rows[_i].want));
	buf_free(&out);
}
END_TEST

/* Rows append: two rows in one buffer are the two outputs back to back. */
START_TEST(rows_append)
{
	static const enum format formats[] = {FORMAT_CSV, FORMAT_TSV, FORMAT_JSONL, FORMAT_SQL};
	static const char *const want[] = {
		"1,\n\"\",x\n",
		"1\t\\N\n\t\\\\\n",
		"{\"a\":\"1\",\"b\":null}\n{\"a\":\"\",\"b\":\"x\"}\n",
		"INSERT INTO \"t\" (\"a\", \"b\") VALUES ('1', NULL);\nINSERT INTO \"t\" (\"a\", \"b\") VALUES ('', 'x');\n",
	};
	const char *names[] = {"a", "b"};
	const struct cell r1[] = {{"1", 1, 0}, {NULL, 0, 0}};
	const struct cell r2[] = {{"", 0, 0}, {formats[_i] == FORMAT_TSV ? "\\" : "x", 1, 0}};
	struct writer w = {formats[_i], "t", NULL};
	struct buf out;
	buf_init(&out);
	writer_row(&w, &out, names, r1, 2);
	writer_row(&w, &out, names, r2, 2);
	assert_bytes("two rows", out.p, out.len, want[_i], strlen(want[_i]));
	buf_free(&out);
}
END_TEST

/* ---- headers -------------------------------------------------------------- */

static const struct {
	const char *name;
	enum format format;
	int n;
	const char *names[MAXC];
	const char *want;
} headers[] = {
	{"csv header", FORMAT_CSV, 3, {"id", "change_field", "old_value"}, "id,change_field,old_value\n"},
	{"csv header quoting", FORMAT_CSV, 3, {"a,b", "say \"x\"", "plain"}, "\"a,b\",\"say \"\"x\"\"\",plain\n"},
	{"tsv header", FORMAT_TSV, 3, {"id", "change_field", "old_value"}, "id\tchange_field\told_value\n"},
	{"tsv header escapes", FORMAT_TSV, 2, {"a\tb", "c\\d"}, "a\\tb\tc\\\\d\n"},
	{"jsonl no header", FORMAT_JSONL, 2, {"id", "change_field"}, ""},
	{"sql no header", FORMAT_SQL, 2, {"id", "change_field"}, ""},
};

START_TEST(header)
{
	struct writer w = {headers[_i].format, "t", NULL};
	struct buf out;
	buf_init(&out);
	buf_putc(&out, '@');
	writer_header(&w, &out, headers[_i].names, (size_t)headers[_i].n);
	ck_assert_int_eq(out.p[0], '@');
	assert_bytes(headers[_i].name, out.p + 1, out.len - 1, headers[_i].want, strlen(headers[_i].want));
	buf_free(&out);
}
END_TEST

/* Every byte but NUL, through csv and tsv, reads back to the same bytes with
 * the COPY rules (a small decoder for each, written from the PostgreSQL
 * documentation). */
static size_t
csv_decode(const char *s, size_t n, char *out, int *quoted)
{
	size_t k = 0, i = 0;
	*quoted = n > 0 && s[0] == '"';
	if (!*quoted) {
		memcpy(out, s, n);
		return n;
	}
	for (i = 1; i < n; i++) {
		if (s[i] == '"') {
			if (i + 1 < n && s[i + 1] == '"')
				out[k++] = s[++i];
			else
				break;
		} else {
			out[k++] = s[i];
		}
	}
	ck_assert_uint_eq(i, n - 1); /* the closing quote ends the field */
	return k;
}

static size_t
tsv_decode(const char *s, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			ck_assert_msg(s[i] != '\t' && s[i] != '\n' && s[i] != '\r', "raw separator at %zu", i);
			out[k++] = s[i];
			continue;
		}
		ck_assert_uint_lt(i + 1, n);
		switch (s[++i]) {
		case '\\': out[k++] = '\\'; break;
		case 'n': out[k++] = '\n'; break;
		case 'r': out[k++] = '\r'; break;
		case 't': out[k++] = '\t'; break;
		default: ck_abort_msg("unexpected escape \\%c", s[i]);
		}
	}
	return k;
}

START_TEST(every_byte_roundtrip)
{
	char in[255];
	for (int i = 0; i < 255; i++)
		in[i] = (char)(i + 1);
	const char *names[] = {"v"};
	struct cell c = {in, sizeof in, 0};
	char dec[600];
	int quoted;

	struct writer csv = {FORMAT_CSV, NULL, NULL};
	struct buf out;
	buf_init(&out);
	writer_row(&csv, &out, names, &c, 1);
	ck_assert_int_eq(out.p[out.len - 1], '\n');
	size_t k = csv_decode(out.p, out.len - 1, dec, &quoted);
	ck_assert(quoted);
	assert_bytes("csv roundtrip", dec, k, in, sizeof in);

	struct writer tsv = {FORMAT_TSV, NULL, NULL};
	out.len = 0;
	writer_row(&tsv, &out, names, &c, 1);
	ck_assert_int_eq(out.p[out.len - 1], '\n');
	k = tsv_decode(out.p, out.len - 1, dec);
	assert_bytes("tsv roundtrip", dec, k, in, sizeof in);
	buf_free(&out);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Each part of a dotted table name is quoted whole, however long (the
 * parts used to be cut at 255 bytes without a word). */
START_TEST(long_table_name_parts_are_kept)
{
	char name[700];
	memset(name, 'a', 300);
	name[300] = '.';
	memset(name + 301, 'b', 300);
	name[601] = '\0';
	struct buf out;
	buf_init(&out);
	writer_sql_table(&out, name);
	char want[700];
	want[0] = '"';
	memset(want + 1, 'a', 300);
	memcpy(want + 301, "\".\"", 3);
	memset(want + 304, 'b', 300);
	want[604] = '"';
	ck_assert_uint_eq(out.len, 605);
	ck_assert(memcmp(out.p, want, 605) == 0);
	buf_free(&out);
}
END_TEST

/* A template's rows are writer_row's bytes, in every format, whichever
 * cells vary, and whatever the shared cells hold (NULL, empty, quotes,
 * separators, line ends, a lone \.). */
START_TEST(template_rows_are_rows)
{
	static const enum format formats[] = {FORMAT_CSV, FORMAT_TSV, FORMAT_JSONL, FORMAT_SQL};
	const char *names[] = {"id", "change_field", "old_value", "new_value", "a", "b", "c"};
	struct cell cells[7] = {
		{"1,2", 3, 0}, {"qty", 3, 0}, {NULL, 0, 0}, {"x\"y", 3, 0}, {"", 0, 0}, {"\\.", 2, 0},
		{"t\tu\nv\r", 6, 0},
	};
	enum format f = formats[_i];
	struct writer w = {f, "bank.holding", NULL};
	struct writer_template t;
	writer_template_init(&t);
	for (size_t from = 0; from < 7; from++)
		for (size_t to = from + 1; to <= 7; to++) {
			struct buf want, got;
			buf_init(&want);
			buf_init(&got);
			writer_template_set(&w, &t, cells, 7, from, to);
			for (int k = 0; k < 2; k++) {
				cells[from] = k ? (struct cell){"second", 6, 0} : (struct cell){"first,", 6, 0};
				writer_row(&w, &want, names, cells, 7);
				writer_template_row(&w, &t, &got, names, cells, 7);
			}
			ck_assert_msg(want.len == got.len && memcmp(want.p, got.p, want.len) == 0,
			    "format %d, cells %zu..%zu: %.*s / %.*s", (int)f, from, to, (int)want.len,
			    want.p, (int)got.len, got.p);
			ck_assert_int_eq(t.whole, f == FORMAT_JSONL || f == FORMAT_SQL);
			buf_free(&want);
			buf_free(&got);
		}
	writer_template_free(&t);
}
END_TEST

/* A plain cell (struct cell) is appended as it is in CSV and TSV, as the
 * same text is when looked at, and JSONL and SQL quote it as any other:
 * a time and an op letter are written the same with the flag and without. */
START_TEST(plain_cells_as_looked_at)
{
	static const enum format formats[] = {FORMAT_CSV, FORMAT_TSV, FORMAT_JSONL, FORMAT_SQL};
	const char *names[] = {"t", "op"};
	struct cell looked[] = {{"2020-09-13 12:26:40.021 BC", 26, 0}, {"u", 1, 0}};
	struct cell plain[] = {{"2020-09-13 12:26:40.021 BC", 26, 1}, {"u", 1, 1}};
	for (size_t f = 0; f < 4; f++) {
		struct writer w = {formats[f], "t", NULL};
		struct buf a, b;
		buf_init(&a);
		buf_init(&b);
		writer_row(&w, &a, names, looked, 2);
		writer_row(&w, &b, names, plain, 2);
		assert_bytes("plain", b.p, b.len, a.p, a.len);
		buf_free(&a);
		buf_free(&b);
	}
	/* trusted, not checked: a plain cell is never quoted */
	struct writer csv = {FORMAT_CSV, "t", NULL};
	struct cell trusted[] = {{"a,b", 3, 1}, {"a,b", 3, 0}};
	struct buf out;
	buf_init(&out);
	writer_row(&csv, &out, names, trusted, 2);
	assert_bytes("trusted", out.p, out.len, "a,b,\"a,b\"\n", 10);
	buf_free(&out);
}
END_TEST

Suite *
writer_suite(void)
{
	Suite *s = suite_create("writer");
	TCase *tc;

	tc = tcase_create("rows");
	tcase_add_loop_test(tc, row, 0, NCASES(rows));
	tcase_add_loop_test(tc, rows_append, 0, 4);
	tcase_add_test(tc, every_byte_roundtrip);
	tcase_add_test(tc, long_table_name_parts_are_kept);
	tcase_add_loop_test(tc, template_rows_are_rows, 0, 4);
	tcase_add_test(tc, plain_cells_as_looked_at);
	suite_add_tcase(s, tc);

	tc = tcase_create("headers");
	tcase_add_loop_test(tc, header, 0, NCASES(headers));
	suite_add_tcase(s, tc);

	return s;
}
