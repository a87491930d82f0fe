/* diag.h: every message on stderr and the summary of a tally. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "diag.h"

struct captured {
	FILE *f;
	char *p;
	size_t n;
};

static void
capture(struct captured *c)
{
	c->p = NULL;
	c->n = 0;
	c->f = open_memstream(&c->p, &c->n);
	ck_assert_ptr_nonnull(c->f);
}

static const char *
text(struct captured *c)
{
	fflush(c->f);
	return c->p;
}

static void
release(struct captured *c)
{
	fclose(c->f);
	free(c->p);
}

/* One line per message, "cdcpivot: <input>:LINE: ...", control bytes of
 * the input escaped so they can neither break the line nor drive a
 * terminal; errors not tied to a line are escaped too. */
START_TEST(messages_are_one_clean_line)
{
	struct captured e;
	capture(&e);
	struct diag d;
	diag_init(&d, e.f);
	d.input = "in.jsonl";
	diag_reject(&d, 7, "bad \"op\": \"\x1b[31m\n\"");
	diag_warn(&d, 8, "field '%s' odd", "a\tb");
	diag_error(&d, "%s: No such file", "we\nird");
	ck_assert_str_eq(text(&e), "cdcpivot: in.jsonl:7: bad \"op\": \"\\x1b[31m\\x0a\"\n"
	                           "cdcpivot: in.jsonl:8: warning: field 'a\\x09b' odd\n"
	                           "cdcpivot: we\\x0aird: No such file\n");
	release(&e);
}
END_TEST

/* The input named is the one being read: it changes between files. */
START_TEST(messages_name_the_input)
{
	struct captured e;
	capture(&e);
	struct diag d;
	diag_init(&d, e.f);
	diag_warn(&d, 1, "x");
	d.input = "b.jsonl";
	diag_reject(&d, 2, "y");
	ck_assert_str_eq(text(&e), "cdcpivot: <stdin>:1: warning: x\ncdcpivot: b.jsonl:2: y\n");
	release(&e);
}
END_TEST

/* The summary adds every kind of skip, the envelope's own kinds in their
 * order, then those decided after it (--table, --dedup or --state). */
START_TEST(summary_names_every_skip_kind)
{
	struct captured e;
	capture(&e);
	struct diag d;
	diag_init(&d, e.f);
	struct tally t;
	memset(&t, 0, sizeof t);
	diag_summary(&d, &t);
	t.events = 3, t.rows = 9, t.rejected = 1;
	t.skipped[SKIP_TOMBSTONE] = 2;
	t.duplicate = 1;
	diag_summary(&d, &t);
	t.skipped[SKIP_SCHEMA] = 4;
	t.other_table = 5;
	diag_summary(&d, &t);
	ck_assert_str_eq(text(&e),
	    "cdcpivot: summary: 0 events, 0 rows, 0 skipped, 0 rejected\n"
	    "cdcpivot: summary: 3 events, 9 rows, 3 skipped (tombstone 2, duplicate 1), 1 rejected\n"
	    "cdcpivot: summary: 3 events, 9 rows, 12 skipped (tombstone 2, schema change 4, other table 5, duplicate 1), 1 rejected\n");
	ck_assert_uint_eq(tally_skipped(&t), 12);
	ck_assert_uint_eq(tally_seen(&t), 3 + 1 + 12);
	release(&e);
}
END_TEST

Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");
	tcase_add_test(tc, messages_are_one_clean_line);
	tcase_add_test(tc, messages_name_the_input);
	tcase_add_test(tc, summary_names_every_skip_kind);
	suite_add_tcase(s, tc);
	return s;
}
