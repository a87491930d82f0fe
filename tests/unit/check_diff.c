/* diff.h: a change event -> id columns and the tracked columns that changed.
 * Each case is one input line (parsed by envelope_parse) and a command line
 * (parsed by options_parse); the result is written out as text and compared
 * exactly:
 *   ids:      "name=value name=value"
 *   changes:  "name:old>new name:old>new"
 * with values as compact JSON (so "1" and 1 differ) and NULL for SQL NULL. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "diff.h"
#include "envelope.h"
#include "jsonval.h"
#include "options.h"

#define PH "__debezium_unavailable_value"
#define PH64 "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="

/* One event, its options and its diff, all alive together. */
struct fx {
	char argbuf[256];
	char *argv[16];
	struct options o;
	char *line;
	struct envelope env;
	struct diff d;
};

/* args: space-separated options (no quoting; none needed here). */
static void
fx_parse_options(struct fx *f, const char *args)
{
	int argc = 0;
	f->argv[argc++] = (char *)(uintptr_t) "cdcpivot";
	snprintf(f->argbuf, sizeof f->argbuf, "%s", args ? args : "");
	for (char *t = strtok(f->argbuf, " "); t != NULL; t = strtok(NULL, " ")) {
		ck_assert_int_lt(argc, 15);
		f->argv[argc++] = t;
	}
	f->argv[argc] = NULL;
	char err[256];
	ck_assert_msg(options_parse(argc, f->argv, NULL, &f->o, err, sizeof err) == OPTIONS_RUN,
	    "options %s: %s", args, err);
}

static void
fx_event(struct fx *f, const char *text)
{
	size_t len = strlen(text);
	f->line = malloc(len);
	memcpy(f->line, text, len);
	envelope_parse(&f->env, f->line, len);
	ck_assert_msg(f->env.kind == ENVELOPE_CHANGE, "not a change event: %s", f->env.reason);
	diff_event(&f->d, &f->env, &f->o);
}

static void
fx_open(struct fx *f, const char *args, const char *text)
{
	memset(f, 0, sizeof *f);
	fx_parse_options(f, args);
	diff_init(&f->d, f->o.unavailable);
	fx_event(f, text);
}

static void
fx_next(struct fx *f, const char *text)
{
	envelope_clear(&f->env);
	free(f->line);
	fx_event(f, text);
}

static void
fx_close(struct fx *f)
{
	envelope_clear(&f->env);
	free(f->line);
	diff_free(&f->d);
	options_free(&f->o);
}

static void
put_value(struct buf *b, const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		buf_puts(b, "NULL");
	else
		jsonval_write_json(b, v);
}

static void
ids_text(const struct diff *d, struct buf *b)
{
	for (size_t i = 0; i < d->nids; i++) {
		if (i > 0)
			buf_putc(b, ' ');
		buf_puts(b, d->id_names[i]);
		buf_putc(b, '=');
		put_value(b, d->id_values[i]);
	}
	buf_cstr(b);
}

static void
changes_text(const struct diff *d, struct buf *b)
{
	for (size_t i = 0; i < d->n; i++) {
		if (i > 0)
			buf_putc(b, ' ');
		buf_puts(b, d->changes[i].name);
		buf_putc(b, ':');
		put_value(b, d->changes[i].old);
		buf_putc(b, '>');
		put_value(b, d->changes[i].new);
	}
	buf_cstr(b);
}

static void
names_text(const char **names, size_t n, struct buf *b)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		buf_puts(b, names[i]);
	}
	buf_cstr(b);
}

static void
expect(const struct diff *d, const char *name, const char *ids, const char *changes,
    const char *missing, const char *unavailable, unsigned notes)
{
	struct buf b;
	buf_init(&b);
	ids_text(d, &b);
	ck_assert_msg(strcmp(b.p, ids) == 0, "%s: ids\n  want: %s\n  got:  %s", name, ids, b.p);
	b.len = 0;
	changes_text(d, &b);
	ck_assert_msg(strcmp(b.p, changes) == 0, "%s: changes\n  want: %s\n  got:  %s", name, changes,
	    b.p);
	b.len = 0;
	names_text(d->missing, d->nmissing, &b);
	ck_assert_msg(strcmp(b.p, missing) == 0, "%s: missing\n  want: %s\n  got:  %s", name, missing,
	    b.p);
	b.len = 0;
	names_text(d->unavailable, d->nunavailable, &b);
	ck_assert_msg(strcmp(b.p, unavailable) == 0, "%s: unavailable\n  want: %s\n  got:  %s", name,
	    unavailable, b.p);
	ck_assert_msg(d->notes == notes, "%s: notes %u, want %u", name, d->notes, notes);
	buf_free(&b);
}

#define SRC ",\"source\":{\"ts_ms\":1600000000123,\"table\":\"holding\"}"
#define NB DIFF_NOTE_NO_BEFORE
#define NU DIFF_NOTE_UNAVAILABLE

static const struct {
	const char *name;
	const char *args;
	const char *line;
	const char *ids, *changes, *missing, *unavailable;
	unsigned notes;
} cases[] = {
	/* ---- the three ops ---- */
	{"insert: every non-id field, old NULL", "",
	    "{\"before\":null,\"after\":{\"id\":1,\"name\":\"a\",\"qty\":2.50,\"note\":null,\"tags\":[\"x\",1]},"
	    "\"op\":\"c\"" SRC "}",
	    "id=1", "name:NULL>\"a\" qty:NULL>2.50 note:NULL>NULL tags:NULL>[\"x\",1]", "", "", 0},
	{"snapshot read is an insert", "",
	    "{\"before\":null,\"after\":{\"id\":7,\"name\":\"a\"},\"op\":\"r\"" SRC "}", "id=7",
	    "name:NULL>\"a\"", "", "", 0},
	{"delete: every field, new NULL, ids from before", "",
	    "{\"before\":{\"id\":1,\"name\":\"a\",\"qty\":2},\"after\":null,\"op\":\"d\"" SRC "}", "id=1",
	    "name:\"a\">NULL qty:2>NULL", "", "", 0},
	{"delete with only key columns in before", "",
	    "{\"before\":{\"id\":3,\"name\":null},\"after\":null,\"op\":\"d\"" SRC "}", "id=3", "name:NULL>NULL",
	    "", "", 0},
	{"update: only changed fields", "",
	    "{\"before\":{\"id\":1,\"name\":\"a\",\"qty\":2,\"meta\":{\"x\":1,\"y\":[1,2]}},"
	    "\"after\":{\"id\":1,\"name\":\"b\",\"qty\":2.0,\"meta\":{\"y\":[1,2],\"x\":1}},\"op\":\"u\"" SRC "}",
	    "id=1", "name:\"a\">\"b\"", "", "", 0},
	{"update: nothing changed", "",
	    "{\"before\":{\"id\":1,\"a\":\"x\",\"b\":null},\"after\":{\"id\":1,\"a\":\"x\",\"b\":null},\"op\":\"u\"}",
	    "id=1", "", "", "", 0},
	{"update: array order matters", "",
	    "{\"before\":{\"id\":1,\"t\":[1,2]},\"after\":{\"id\":1,\"t\":[2,1]},\"op\":\"u\"}", "id=1",
	    "t:[1,2]>[2,1]", "", "", 0},
	{"update: bigint compared exactly", "",
	    "{\"before\":{\"id\":1,\"n\":9007199254740993},\"after\":{\"id\":1,\"n\":9007199254740992},\"op\":\"u\"}",
	    "id=1", "n:9007199254740993>9007199254740992", "", "", 0},
	{"update: string vs number", "",
	    "{\"before\":{\"id\":1,\"v\":\"1\"},\"after\":{\"id\":1,\"v\":1},\"op\":\"u\"}", "id=1", "v:\"1\">1", "",
	    "", 0},
	{"update: null to value and back", "",
	    "{\"before\":{\"id\":1,\"a\":null,\"b\":5},\"after\":{\"id\":1,\"a\":5,\"b\":null},\"op\":\"u\"}", "id=1",
	    "a:NULL>5 b:5>NULL", "", "", 0},
	{"update: -0 and 0 are equal", "",
	    "{\"before\":{\"id\":1,\"a\":-0,\"b\":1e2},\"after\":{\"id\":1,\"a\":0,\"b\":100},\"op\":\"u\"}", "id=1",
	    "", "", "", 0},
	{"update: an id column that changes is a change row, ids from after", "",
	    "{\"before\":{\"id\":1,\"a\":1},\"after\":{\"id\":2,\"a\":1},\"op\":\"u\"}", "id=2", "id:1>2", "", "", 0},
	{"update: a changed --id column comes first, then the fields", "--id k,u",
	    "{\"before\":{\"k\":7,\"u\":1,\"q\":5},\"after\":{\"k\":7,\"u\":5,\"q\":6},\"op\":\"u\"}",
	    "k=7 u=5", "u:1>5 q:5>6", "", "", 0},
	{"update: an id column equal in before and after gives no row", "--id k,u",
	    "{\"before\":{\"k\":7,\"u\":1,\"q\":5},\"after\":{\"k\":7,\"u\":1,\"q\":5},\"op\":\"u\"}",
	    "k=7 u=1", "", "", "", 0},
	{"update --unchanged: every field", "--unchanged",
	    "{\"before\":{\"id\":1,\"name\":\"a\",\"qty\":2},\"after\":{\"id\":1,\"name\":\"b\",\"qty\":2.0},"
	    "\"op\":\"u\"}",
	    "id=1", "name:\"a\">\"b\" qty:2>2.0", "", "", 0},
	{"insert --unchanged changes nothing", "--unchanged",
	    "{\"after\":{\"id\":1,\"name\":\"a\"},\"op\":\"c\"}", "id=1", "name:NULL>\"a\"", "", "", 0},

	/* ---- before and after with different columns ---- */
	{"update: column only in after", "",
	    "{\"before\":{\"id\":1,\"a\":1},\"after\":{\"id\":1,\"a\":1,\"b\":2},\"op\":\"u\"}", "id=1", "b:NULL>2",
	    "", "", 0},
	{"update: column only in before", "",
	    "{\"before\":{\"id\":1,\"a\":1,\"gone\":\"x\"},\"after\":{\"id\":1,\"a\":1},\"op\":\"u\"}", "id=1",
	    "gone:\"x\">NULL", "", "", 0},
	{"update: null column dropped is no change", "",
	    "{\"before\":{\"id\":1,\"a\":1,\"gone\":null},\"after\":{\"id\":1,\"a\":1},\"op\":\"u\"}", "id=1", "",
	    "", "", 0},
	{"update: columns in both orders", "",
	    "{\"before\":{\"id\":1,\"old1\":1,\"a\":1,\"old2\":2},\"after\":{\"id\":1,\"new1\":3,\"a\":2},\"op\":\"u\"}",
	    "id=1", "new1:NULL>3 a:1>2 old1:1>NULL old2:2>NULL", "", "", 0},
	{"update --unchanged with a column only in before", "--unchanged",
	    "{\"before\":{\"id\":1,\"a\":1,\"gone\":\"x\"},\"after\":{\"id\":1,\"a\":1},\"op\":\"u\"}", "id=1",
	    "a:1>1 gone:\"x\">NULL", "", "", 0},

	/* ---- update without a before image ---- */
	{"update, before null: every field, old NULL", "",
	    "{\"before\":null,\"after\":{\"id\":1,\"name\":\"b\",\"qty\":6},\"op\":\"u\"" SRC "}", "id=1",
	    "name:NULL>\"b\" qty:NULL>6", "", "", NB},
	{"update, before absent", "", "{\"after\":{\"id\":1,\"v\":null},\"op\":\"u\"}", "id=1", "v:NULL>NULL", "",
	    "", NB},

	/* ---- --fields ---- */
	{"--fields order respected", "--fields qty,name",
	    "{\"after\":{\"id\":1,\"name\":\"a\",\"qty\":2,\"other\":3},\"op\":\"c\"}", "id=1",
	    "qty:NULL>2 name:NULL>\"a\"", "", "", 0},
	{"--fields missing names listed", "--fields nope,qty,zzz",
	    "{\"after\":{\"id\":1,\"name\":\"a\",\"qty\":2},\"op\":\"c\"}", "id=1", "qty:NULL>2", "nope,zzz", "", 0},
	{"--fields on update: unchanged ones dropped", "--fields qty,name",
	    "{\"before\":{\"id\":1,\"name\":\"a\",\"qty\":2},\"after\":{\"id\":1,\"name\":\"b\",\"qty\":2},\"op\":\"u\"}",
	    "id=1", "name:\"a\">\"b\"", "", "", 0},
	{"--fields with --unchanged", "--fields qty,name --unchanged",
	    "{\"before\":{\"id\":1,\"name\":\"a\",\"qty\":2},\"after\":{\"id\":1,\"name\":\"b\",\"qty\":2},\"op\":\"u\"}",
	    "id=1", "qty:2>2 name:\"a\">\"b\"", "", "", 0},
	{"--fields may name the derived id column", "--fields id,name",
	    "{\"after\":{\"id\":1,\"name\":\"a\"},\"op\":\"c\"}", "id=1", "id:NULL>1 name:NULL>\"a\"", "", "", 0},
	{"--fields on delete", "--fields name,nope",
	    "{\"before\":{\"id\":1,\"name\":\"a\",\"qty\":2},\"op\":\"d\"}", "id=1", "name:\"a\">NULL", "nope", "", 0},
	{"--fields column only in before on update", "--fields gone",
	    "{\"before\":{\"id\":1,\"gone\":\"x\"},\"after\":{\"id\":1},\"op\":\"u\"}", "id=1", "gone:\"x\">NULL", "",
	    "", 0},

	/* ---- id columns ---- */
	{"default id: first column", "",
	    "{\"after\":{\"holding_id\":1,\"user_id\":2,\"stock\":\"VTI\"},\"op\":\"c\"}", "holding_id=1",
	    "user_id:NULL>2 stock:NULL>\"VTI\"", "", "", 0},
	{"default id: the key's fields in key order", "",
	    "{\"user_id\":2,\"holding_id\":1}\t{\"after\":{\"holding_id\":1,\"user_id\":2,\"stock\":\"VTI\"},\"op\":\"c\"}",
	    "user_id=2 holding_id=1", "stock:NULL>\"VTI\"", "", "", 0},
	{"default id: schema-wrapped key", "",
	    "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"stock\":\"VTI\"}}\t"
	    "{\"after\":{\"holding_id\":1,\"stock\":\"VTI\",\"qty\":5},\"op\":\"c\"}",
	    "stock=\"VTI\"", "holding_id:NULL>1 qty:NULL>5", "", "", 0},
	{"default id: kcat key", "",
	    "{\"topic\":\"t\",\"partition\":0,\"key\":\"{\\\"k\\\":2}\",\"payload\":"
	    "\"{\\\"before\\\":{\\\"a\\\":1,\\\"k\\\":2,\\\"b\\\":1},\\\"after\\\":{\\\"a\\\":1,\\\"k\\\":2,\\\"b\\\":3},"
	    "\\\"op\\\":\\\"u\\\"}\"}",
	    "k=2", "b:1>3", "", "", 0},
	{"id from the key when absent from the row", "",
	    "{\"pk\":7}\t{\"after\":{\"name\":\"a\",\"qty\":1},\"op\":\"c\"}", "pk=7", "name:NULL>\"a\" qty:NULL>1", "",
	    "", 0},
	{"id from the row wins over the key", "",
	    "{\"id\":7}\t{\"after\":{\"id\":8,\"name\":\"a\"},\"op\":\"c\"}", "id=8", "name:NULL>\"a\"", "", "", 0},
	{"id of a delete from before", "",
	    "{\"id\":5}\t{\"before\":{\"id\":5,\"name\":\"a\"},\"after\":null,\"op\":\"d\"}", "id=5", "name:\"a\">NULL",
	    "", "", 0},
	{"empty key object: first column", "", "{}\t{\"after\":{\"a\":1,\"b\":2},\"op\":\"c\"}", "a=1", "b:NULL>2",
	    "", "", 0},
	{"--id overrides the key", "--id stock",
	    "{\"holding_id\":1}\t{\"after\":{\"holding_id\":1,\"stock\":\"VTI\"},\"op\":\"c\"}", "stock=\"VTI\"",
	    "holding_id:NULL>1", "", "", 0},
	{"--id missing everywhere is NULL", "--id holding_id,account",
	    "{\"after\":{\"holding_id\":1,\"qty\":5},\"op\":\"c\"}", "holding_id=1 account=NULL", "qty:NULL>5", "", "",
	    0},
	{"--id from the key", "--id pk,name", "{\"pk\":9}\t{\"after\":{\"name\":\"a\",\"x\":1},\"op\":\"c\"}",
	    "pk=9 name=\"a\"", "x:NULL>1", "", "", 0},
	{"id value keeps its literal", "",
	    "{\"after\":{\"id\":9007199254740993,\"p\":1.50},\"op\":\"c\"}", "id=9007199254740993", "p:NULL>1.50",
	    "", "", 0},

	/* ---- the TOAST placeholder ---- */
	{"placeholder string in after: skipped", "",
	    "{\"before\":{\"id\":1,\"big\":\"" PH "\",\"a\":1},\"after\":{\"id\":1,\"big\":\"" PH "\",\"a\":2},\"op\":\"u\"}",
	    "id=1", "a:1>2", "", "big", NU},
	{"placeholder with before null", "",
	    "{\"before\":null,\"after\":{\"id\":1,\"big\":\"" PH "\",\"a\":2},\"op\":\"u\"}", "id=1", "a:NULL>2", "",
	    "big", NB | NU},
	{"placeholder as base64 (bytea)", "",
	    "{\"before\":null,\"after\":{\"id\":1,\"blob\":\"" PH64 "\"},\"op\":\"u\"}", "id=1", "", "", "blob", NB | NU},
	{"placeholder inside an array", "",
	    "{\"before\":{\"id\":1,\"arr\":[1]},\"after\":{\"id\":1,\"arr\":[\"" PH "\"],\"x\":1},\"op\":\"u\"}",
	    "id=1", "x:NULL>1", "", "arr", NU},
	{"placeholder base64 inside an array", "",
	    "{\"before\":null,\"after\":{\"id\":1,\"arr\":[\"" PH64 "\",\"" PH64 "\"]},\"op\":\"u\"}", "id=1", "", "",
	    "arr", NB | NU},
	{"array with a real value is data", "",
	    "{\"before\":null,\"after\":{\"id\":1,\"arr\":[\"" PH "\",\"x\"]},\"op\":\"u\"}", "id=1",
	    "arr:NULL>[\"" PH "\",\"x\"]", "", "", NB},
	{"placeholder in an insert", "", "{\"after\":{\"id\":1,\"big\":\"" PH "\",\"a\":1},\"op\":\"c\"}", "id=1",
	    "a:NULL>1", "", "big", NU},
	{"placeholder in before only: old unknown", "",
	    "{\"before\":{\"id\":1,\"big\":\"" PH "\"},\"after\":{\"id\":1,\"big\":\"new text\"},\"op\":\"u\"}", "id=1",
	    "big:NULL>\"new text\"", "", "", NU}, /* a change: old_unknown, not unavailable */
	{"placeholder in a delete", "",
	    "{\"before\":{\"id\":1,\"big\":\"" PH "\",\"a\":1},\"after\":null,\"op\":\"d\"}", "id=1", "big:NULL>NULL a:1>NULL",
	    "", "", NU},
	{"placeholder with --fields", "--fields big,a",
	    "{\"before\":null,\"after\":{\"id\":1,\"a\":3,\"big\":\"" PH "\"},\"op\":\"u\"}", "id=1", "a:NULL>3", "",
	    "big", NB | NU},
	{"placeholder with --unchanged", "--unchanged",
	    "{\"before\":{\"id\":1,\"big\":\"" PH "\",\"a\":1},\"after\":{\"id\":1,\"big\":\"" PH "\",\"a\":1},\"op\":\"u\"}",
	    "id=1", "a:1>1", "", "big", NU},
	{"almost the placeholder is data", "",
	    "{\"after\":{\"id\":1,\"s\":\"" PH " \",\"t\":\"__DEBEZIUM_UNAVAILABLE_VALUE\"},\"op\":\"c\"}", "id=1",
	    "s:NULL>\"" PH " \" t:NULL>\"__DEBEZIUM_UNAVAILABLE_VALUE\"", "", "", 0},
	{"custom placeholder", "--unavailable-value N/A",
	    "{\"before\":null,\"after\":{\"id\":1,\"t\":\"N/A\",\"u\":\"" PH "\",\"b\":\"Ti9B\"},\"op\":\"u\"}", "id=1",
	    "u:NULL>\"" PH "\"", "", "t,b", NB | NU},
};

START_TEST(event)
{
	struct fx f;
	fx_open(&f, cases[_i].args, cases[_i].line);
	expect(&f.d, cases[_i].name, cases[_i].ids, cases[_i].changes, cases[_i].missing,
	    cases[_i].unavailable, cases[_i].notes);
	fx_close(&f);
}
END_TEST

/* Options filled by hand rather than by options_parse. */
START_TEST(options_by_hand)
{
	static const char line[] = "{\"before\":{\"id\":1,\"a\":\"x\",\"b\":\"??\",\"c\":1},"
	                           "\"after\":{\"id\":1,\"a\":\"y\",\"b\":\"??\",\"c\":1},\"op\":\"u\"}";
	char *ids[] = {(char *)(uintptr_t) "c"};
	struct options o;
	memset(&o, 0, sizeof o);
	o.unavailable = "??";
	o.format = FORMAT_CSV;
	o.ids.names = ids;
	o.ids.n = 1;
	struct envelope env;
	envelope_parse(&env, line, sizeof line - 1);
	ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
	struct diff d;
	diff_init(&d, o.unavailable);
	diff_event(&d, &env, &o);
	expect(&d, "by hand", "c=1", "a:\"x\">\"y\"", "", "b", NU);
	diff_free(&d);
	envelope_clear(&env);
}
END_TEST

/* A struct diff is reused from event to event: a wide event (more columns
 * than the initial capacity) then narrow ones. */
START_TEST(reuse)
{
	struct buf wide;
	buf_init(&wide);
	buf_puts(&wide, "{\"before\":{\"id\":1");
	for (int i = 0; i < 40; i++) {
		char m[32];
		snprintf(m, sizeof m, ",\"c%d\":%d", i, i);
		buf_puts(&wide, m);
	}
	buf_puts(&wide, "},\"after\":{\"id\":1");
	for (int i = 0; i < 40; i++) {
		char m[32];
		snprintf(m, sizeof m, ",\"c%d\":%d", i, i % 2 ? i : -i - 1);
		buf_puts(&wide, m);
	}
	buf_puts(&wide, ",\"x\":\"" PH "\"},\"op\":\"u\"}");

	struct fx f;
	fx_open(&f, "", buf_cstr(&wide));
	ck_assert_uint_eq(f.d.nids, 1);
	ck_assert_uint_eq(f.d.n, 20);
	for (size_t k = 0; k < f.d.n; k++) {
		char nm[8];
		snprintf(nm, sizeof nm, "c%zu", 2 * k);
		ck_assert_str_eq(f.d.changes[k].name, nm);
	}
	ck_assert_uint_eq(f.d.nunavailable, 1);
	ck_assert_uint_eq(f.d.notes, NU);

	fx_next(&f, "{\"after\":{\"k\":2,\"v\":3},\"op\":\"c\"}");
	expect(&f.d, "after a wide event", "k=2", "v:NULL>3", "", "", 0);
	fx_next(&f, "{\"after\":{\"k\":3},\"op\":\"u\"}");
	expect(&f.d, "no before", "k=3", "", "", "", NB);
	fx_close(&f);
	buf_free(&wide);
}
END_TEST

/* The same options with missing --fields, event after event. */
START_TEST(reuse_missing)
{
	struct fx f;
	fx_open(&f, "--fields a,b", "{\"after\":{\"id\":1,\"a\":1},\"op\":\"c\"}");
	expect(&f.d, "first", "id=1", "a:NULL>1", "b", "", 0);
	fx_next(&f, "{\"after\":{\"id\":2,\"b\":2},\"op\":\"c\"}");
	expect(&f.d, "second", "id=2", "b:NULL>2", "a", "", 0);
	fx_next(&f, "{\"after\":{\"id\":3,\"a\":3,\"b\":3},\"op\":\"c\"}");
	expect(&f.d, "third", "id=3", "a:NULL>3 b:NULL>3", "", "", 0);
	fx_close(&f);
}
END_TEST

/* ---- diff_is_unavailable ------------------------------------------------- */

static const struct {
	const char *placeholder;
	const char *json; /* NULL: NULL pointer */
	int want;
} unavailable_cases[] = {
	{PH, "\"" PH "\"", 1},
	{PH, "\"" PH64 "\"", 1},
	{PH, "[\"" PH "\"]", 1},
	{PH, "[\"" PH "\",\"" PH "\"]", 1},
	{PH, "[\"" PH64 "\"]", 1},
	{PH, "[\"" PH "\",\"x\"]", 0},
	{PH, "[\"" PH "\",null]", 0},
	{PH, "[]", 0},
	{PH, "\"" PH " \"", 0},
	{PH, "\"\"", 0},
	{PH, "\"x\"", 0},
	{PH, "null", 0},
	{PH, NULL, 0},
	{PH, "1", 0},
	{PH, "{\"a\":\"" PH "\"}", 0},
	{"N/A", "\"N/A\"", 1},
	{"N/A", "\"Ti9B\"", 1},
	{"N/A", "[\"N/A\"]", 1},
	{"N/A", "\"" PH "\"", 0},
	{"N/A", "\"" PH64 "\"", 0},
};

START_TEST(is_unavailable)
{
	const char *ph = unavailable_cases[_i].placeholder;
	const char *json = unavailable_cases[_i].json;
	struct diff d;
	diff_init(&d, ph);
	cJSON *v = NULL;
	if (json != NULL) {
		size_t off;
		int trailing;
		v = jsonval_parse(json, strlen(json), &off, &trailing);
		ck_assert_ptr_nonnull(v);
	}
	ck_assert_msg(diff_is_unavailable(&d, v, ph) == unavailable_cases[_i].want,
	    "diff_is_unavailable(%s) with placeholder %s", json ? json : "NULL", ph);
	cJSON_Delete(v);
	diff_free(&d);
}
END_TEST

START_TEST(placeholder_b64)
{
	struct diff d;
	diff_init(&d, PH);
	ck_assert_uint_eq(d.placeholder_b64.len, strlen(PH64));
	ck_assert_str_eq(d.placeholder_b64.p, PH64);
	diff_free(&d);
	diff_init(&d, "");
	ck_assert_uint_eq(d.placeholder_b64.len, 0);
	diff_free(&d);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc;

	tc = tcase_create("events");
	tcase_add_loop_test(tc, event, 0, NCASES(cases));
	tcase_add_test(tc, options_by_hand);
	suite_add_tcase(s, tc);

	tc = tcase_create("reuse");
	tcase_add_test(tc, reuse);
	tcase_add_test(tc, reuse_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("unavailable");
	tcase_add_loop_test(tc, is_unavailable, 0, NCASES(unavailable_cases));
	tcase_add_test(tc, placeholder_b64);
	suite_add_tcase(s, tc);

	return s;
}
