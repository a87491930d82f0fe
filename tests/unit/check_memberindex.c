/* memberindex.h: a member lookup that returns what cJSON's own returns
 * (the first member of the name, NULL for none) for short and long
 * objects, duplicates included, and whose storage is reused. */
#include <check.h>
#include <stdio.h>

#include "check_suites.h"
#include "memberindex.h"

/* An object of n members "c0".."c{n-1}" whose value is its position, with
 * a second "c{dup}" at the end when dup < n. */
static cJSON *
object(int n, int dup)
{
	cJSON *o = cJSON_CreateObject();
	char name[32];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "c%d", i);
		cJSON_AddItemToObject(o, name, cJSON_CreateNumber(i));
	}
	if (dup < n) {
		snprintf(name, sizeof name, "c%d", dup);
		cJSON_AddItemToObject(o, name, cJSON_CreateNumber(-1));
	}
	return o;
}

/* Every name present and some absent give what cJSON gives. */
static void
same_as_cjson(int n, int dup)
{
	cJSON *o = object(n, dup);
	struct member_index x;
	member_index_init(&x);
	member_index_build(&x, o);
	ck_assert_int_eq(x.mask != 0, n + (dup < n) > MEMBER_INDEX_LINEAR);
	char name[32];
	for (int i = 0; i < n + 40; i++) {
		snprintf(name, sizeof name, "c%d", i);
		ck_assert_ptr_eq(member_index_get(&x, name), cJSON_GetObjectItemCaseSensitive(o, name));
	}
	ck_assert_ptr_null(member_index_get(&x, "C1")); /* case-sensitive */
	ck_assert_ptr_null(member_index_get(&x, ""));
	ck_assert_ptr_null(member_index_get(&x, NULL));
	member_index_free(&x);
	cJSON_Delete(o);
}

START_TEST(short_object_walked)
{
	same_as_cjson(3, 99);
	same_as_cjson(MEMBER_INDEX_LINEAR, 99);
}
END_TEST

START_TEST(long_object_indexed)
{
	same_as_cjson(MEMBER_INDEX_LINEAR + 1, 99999);
	same_as_cjson(4000, 99999);
}
END_TEST

START_TEST(first_of_duplicates_wins)
{
	same_as_cjson(5, 2);
	same_as_cjson(300, 0);
	same_as_cjson(300, 299);
	cJSON *o = object(300, 7);
	struct member_index x;
	member_index_init(&x);
	member_index_build(&x, o);
	ck_assert_double_eq(cJSON_GetNumberValue(member_index_get(&x, "c7")), 7);
	member_index_free(&x);
	cJSON_Delete(o);
}
END_TEST

/* A rebuild over another object forgets the first one's members, also
 * when the new one is short (walked) or smaller than the table. */
START_TEST(rebuild_forgets)
{
	cJSON *big = object(1000, 99999), *mid = object(40, 99999), *small = object(2, 99);
	struct member_index x;
	member_index_init(&x);
	member_index_build(&x, big);
	ck_assert_ptr_nonnull(member_index_get(&x, "c999"));
	member_index_build(&x, mid);
	ck_assert_ptr_null(member_index_get(&x, "c999"));
	ck_assert_ptr_eq(member_index_get(&x, "c39"), cJSON_GetObjectItemCaseSensitive(mid, "c39"));
	member_index_build(&x, small);
	ck_assert_ptr_null(member_index_get(&x, "c39"));
	ck_assert_ptr_eq(member_index_get(&x, "c1"), cJSON_GetObjectItemCaseSensitive(small, "c1"));
	member_index_build(&x, NULL);
	ck_assert_ptr_null(member_index_get(&x, "c1"));
	member_index_free(&x);
	cJSON_Delete(big);
	cJSON_Delete(mid);
	cJSON_Delete(small);
}
END_TEST

Suite *
memberindex_suite(void)
{
	Suite *s = suite_create("memberindex");
	TCase *tc = tcase_create("lookup");
	tcase_add_test(tc, short_object_walked);
	tcase_add_test(tc, long_object_indexed);
	tcase_add_test(tc, first_of_duplicates_wins);
	tcase_add_test(tc, rebuild_forgets);
	suite_add_tcase(s, tc);
	return s;
}
