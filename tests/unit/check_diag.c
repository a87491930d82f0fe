/* diag.h: every message on stderr, the dead-letter copy and the summary. */
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
	diag_init(&d, e.f, NULL);
	d.input = "in.jsonl";
	diag_reject(&d, 7, "x", 1, "bad \"op\": \"\x1b[31m\n\"");
	diag_warn(&d, 8, "field '%s' odd", "a\tb");
	diag_error(&d, "%s: No such file", "we\nird");
	ck_assert_str_eq(text(&e), "cdcpivot: in.jsonl:7: bad \"op\": \"\\x1b[31m\\x0a\"\n"
	                           "cdcpivot: in.jsonl:8: warning: field 'a\\x09b' odd\n"
	                           "cdcpivot: we\\x0aird: No such file\n");
	ck_assert_uint_eq(d.rejected, 1);
	release(&e);
}
END_TEST

/* A rejected line goes to the dead-letter file verbatim, one per line;
 * an over-long one (line NULL) is counted but has nothing to copy. */
START_TEST(dead_letter_gets_the_line)
{
	struct captured e, dl;
	capture(&e);
	capture(&dl);
	struct diag d;
	diag_init(&d, e.f, dl.f);
	diag_reject(&d, 1, "{bad", 4, "invalid JSON");
	diag_reject(&d, 2, NULL, 0, "too long");
	diag_reject(&d, 3, "a\tb", 3, "not an event");
	ck_assert_str_eq(text(&dl), "{bad\na\tb\n");
	ck_assert_uint_eq(d.rejected, 3);
	ck_assert_int_eq(d.dead_letter_failed, 0);
	release(&dl);
	release(&e);
}
END_TEST

/* A dead-letter file that cannot be written is said once and marked, so
 * that the run stops (pipeline.c) instead of losing rejected lines. */
START_TEST(dead_letter_failure_is_marked)
{
	struct captured e;
	capture(&e);
	FILE *full = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(full);
	struct diag d;
	diag_init(&d, e.f, full);
	diag_reject(&d, 1, "{bad", 4, "invalid JSON");
	ck_assert_int_eq(d.dead_letter_failed, 1);
	ck_assert_ptr_nonnull(strstr(text(&e), "cdcpivot: dead-letter file: No space left on device\n"));
	fclose(full);
	release(&e);
}
END_TEST

START_TEST(summary_names_every_skip_kind)
{
	struct captured e;
	capture(&e);
	struct diag d;
	diag_init(&d, e.f, NULL);
	diag_summary(&d);
	d.events = 3, d.rows = 9, d.rejected = 1;
	d.skipped[SKIP_TOMBSTONE] = 2;
	d.skipped[SKIP_DUPLICATE] = 1;
	diag_summary(&d);
	ck_assert_str_eq(text(&e), "cdcpivot: summary: 0 events, 0 rows, 0 skipped, 0 rejected\n"
	                           "cdcpivot: summary: 3 events, 9 rows, 3 skipped (tombstone 2, duplicate 1), 1 rejected\n");
	release(&e);
}
END_TEST

Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");
	tcase_add_test(tc, messages_are_one_clean_line);
	tcase_add_test(tc, dead_letter_gets_the_line);
	tcase_add_test(tc, dead_letter_failure_is_marked);
	tcase_add_test(tc, summary_names_every_skip_kind);
	suite_add_tcase(s, tc);
	return s;
}
