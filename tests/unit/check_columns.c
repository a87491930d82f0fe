/* columns.h: the columns every row has after the ids. Their names and
 * order are the output's interface (README "Output format", the man
 * page's OUTPUT), so they are spelled out here from the documentation,
 * not read back from the program. */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "columns.h"

static const char *const documented[] = {
	"change_field", "old_value", "new_value", "datetime_created", "datetime_updated",
	"datetime_deleted", "datetime_inserted", "crud_type",
};

START_TEST(tail_names_in_documented_order)
{
	ck_assert_int_eq(COLUMNS_TAIL, (int)(sizeof documented / sizeof documented[0]));
	ck_assert_str_eq(columns_tail_names[_i], documented[_i]);
}
END_TEST

/* The enum names the same positions as the names table. */
START_TEST(enum_matches_names)
{
	ck_assert_str_eq(columns_tail_names[COL_CHANGE_FIELD], "change_field");
	ck_assert_str_eq(columns_tail_names[COL_OLD_VALUE], "old_value");
	ck_assert_str_eq(columns_tail_names[COL_NEW_VALUE], "new_value");
	ck_assert_str_eq(columns_tail_names[COL_CREATED], "datetime_created");
	ck_assert_str_eq(columns_tail_names[COL_UPDATED], "datetime_updated");
	ck_assert_str_eq(columns_tail_names[COL_DELETED], "datetime_deleted");
	ck_assert_str_eq(columns_tail_names[COL_INSERTED], "datetime_inserted");
	ck_assert_str_eq(columns_tail_names[COL_CRUD_TYPE], "crud_type");
	ck_assert_str_eq(columns_table_name, "table");
}
END_TEST

Suite *
columns_suite(void)
{
	Suite *s = suite_create("columns");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, tail_names_in_documented_order, 0,
	    (int)(sizeof documented / sizeof documented[0]));
	tcase_add_test(tc, enum_matches_names);
	suite_add_tcase(s, tc);
	return s;
}
