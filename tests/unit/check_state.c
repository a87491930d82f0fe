/* state.h: the per-key store behind --state. Each test works in a fresh
 * temporary directory; reopening the store stands for the next run. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check_suites.h"
#include "state.h"

static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
	const char *names[] = {"state.sqlite", "state.sqlite-wal", "state.sqlite-shm", "lock"};
	char path[128];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static struct state *
open_ok(void)
{
	char err[256] = "";
	struct state *s = state_open(dir, 0, err, sizeof err);
	ck_assert_msg(s != NULL, "state_open: %s", err);
	return s;
}

static void
close_ok(struct state *s, unsigned long long written)
{
	char err[256] = "";
	ck_assert_msg(state_close(s, written, err, sizeof err) == 0, "state_close: %s", err);
}

static struct state_pos
lsn(int64_t v)
{
	struct state_pos p;
	memset(&p, 0, sizeof p);
	p.has_lsn = 1;
	p.lsn = v;
	return p;
}

static struct state_pos
kafka(const char *topic, int32_t part, int64_t off)
{
	struct state_pos p;
	memset(&p, 0, sizeof p);
	p.has_offset = 1;
	snprintf(p.topic, sizeof p.topic, "%s", topic);
	p.partition = part;
	p.offset = off;
	return p;
}

static void
expect_image(struct state *s, const char *table, const char *key, const char *want, int64_t want_lsn)
{
	struct state_entry e;
	ck_assert_int_eq(state_get(s, table, key, strlen(key), &e), 1);
	ck_assert_int_eq(e.deleted, 0);
	ck_assert_uint_eq(e.image_len, strlen(want));
	ck_assert_mem_eq(e.image, want, e.image_len);
	ck_assert_int_eq(e.pos.has_lsn, 1);
	ck_assert_int_eq(e.pos.lsn, want_lsn);
}

START_TEST(put_get_survives_reopen)
{
	make_dir();
	struct state *s = open_ok();
	const struct state_pos p = lsn(100);
	const char *img = "{\"id\":1,\"a\":\"x\"}";
	state_put(s, 1, "public.t", "{\"id\":1}", 8, &p, img, strlen(img));
	close_ok(s, 1);
	s = open_ok();
	expect_image(s, "public.t", "{\"id\":1}", "{\"id\":1,\"a\":\"x\"}", 100);
	/* another table, same key bytes: a different entry */
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "public.u", "{\"id\":1}", 8, &e), 0);
	ck_assert_int_eq(state_count(s), 1);
	close_ok(s, 0);
	remove_dir();
}
END_TEST

START_TEST(staged_visible_but_applied_only_when_written)
{
	make_dir();
	struct state *s = open_ok();
	const struct state_pos p1 = lsn(10), p2 = lsn(20);
	state_put(s, 1, "t", "k1", 2, &p1, "{\"v\":1}", 7);
	state_put(s, 2, "t", "k1", 2, &p2, "{\"v\":2}", 7);
	state_put(s, 3, "t", "k2", 2, &p2, "{\"v\":3}", 7);
	/* the latest staged image wins, before anything is applied */
	expect_image(s, "t", "k1", "{\"v\":2}", 20);
	ck_assert_uint_eq(state_staged(s), 3);
	ck_assert_int_eq(state_apply(s, 1), 0);
	ck_assert_uint_eq(state_staged(s), 2);
	ck_assert_int_eq(state_count(s), 1);
	expect_image(s, "t", "k1", "{\"v\":2}", 20); /* still the staged one */
	/* a run killed now: events 2 and 3 never reached the output */
	close_ok(s, 1);
	s = open_ok();
	expect_image(s, "t", "k1", "{\"v\":1}", 10);
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "t", "k2", 2, &e), 0);
	close_ok(s, 0);
	remove_dir();
}
END_TEST

/* Many staged changes of a few keys: a lookup finds each key's latest,
 * before and after part of them is applied. */
START_TEST(latest_staged_change_wins)
{
	make_dir();
	struct state *s = open_ok();
	char key[16], img[32];
	for (int i = 0; i < 5000; i++) {
		int k = i % 300;
		snprintf(key, sizeof key, "k%d", k);
		snprintf(img, sizeof img, "{\"i\":%d}", i);
		const struct state_pos p = lsn(i);
		state_put(s, (unsigned long long)i + 1, "t", key, strlen(key), &p, img, strlen(img));
	}
	for (int round = 0; round < 2; round++) {
		for (int k = 0; k < 300; k++) {
			int last = k + 300 * ((4999 - k) / 300);
			snprintf(key, sizeof key, "k%d", k);
			snprintf(img, sizeof img, "{\"i\":%d}", last);
			expect_image(s, "t", key, img, last);
		}
		ck_assert_int_eq(state_apply(s, 4800), 0); /* keys 200..299 now from the store */
		ck_assert_uint_eq(state_staged(s), 200);
	}
	close_ok(s, 5000);
	remove_dir();
}
END_TEST

START_TEST(delete_leaves_tombstone_with_position)
{
	make_dir();
	struct state *s = open_ok();
	const struct state_pos p1 = lsn(10), p2 = lsn(30);
	state_put(s, 1, "t", "k", 1, &p1, "{\"v\":1}", 7);
	state_delete(s, 2, "t", "k", 1, &p2, NULL, 0);
	ck_assert_int_eq(state_apply(s, 2), 0);
	ck_assert_uint_eq(state_staged(s), 0);
	ck_assert_uint_eq(state_staged_bytes(s), 0);
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "t", "k", 1, &e), 1);
	ck_assert_int_eq(e.deleted, 1);
	ck_assert_ptr_null(e.image);
	ck_assert_int_eq(e.pos.lsn, 30);
	/* inserted again later: live again */
	const struct state_pos p3 = lsn(40);
	state_put(s, 3, "t", "k", 1, &p3, "{\"v\":4}", 7);
	close_ok(s, 3);
	s = open_ok();
	expect_image(s, "t", "k", "{\"v\":4}", 40);
	close_ok(s, 0);
	remove_dir();
}
END_TEST

START_TEST(tombstone_may_keep_the_image)
{
	make_dir();
	struct state *s = open_ok();
	const struct state_pos p = lsn(10);
	state_delete(s, 1, "t", "old", 3, &p, "{\"v\":1}", 7);
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "t", "old", 3, &e), 1); /* staged */
	ck_assert_int_eq(e.deleted, 1);
	ck_assert_ptr_nonnull(e.image);
	close_ok(s, 1);
	s = open_ok();
	ck_assert_int_eq(state_get(s, "t", "old", 3, &e), 1); /* applied */
	ck_assert_int_eq(e.deleted, 1);
	ck_assert_uint_eq(e.image_len, 7);
	ck_assert_mem_eq(e.image, "{\"v\":1}", 7);
	close_ok(s, 0);
	remove_dir();
}
END_TEST

START_TEST(keys_of_any_bytes_and_length)
{
	make_dir();
	struct state *s = open_ok();
	size_t n = 100000;
	char *key = malloc(n);
	for (size_t i = 0; i < n; i++)
		key[i] = (char)(i * 7);
	const struct state_pos p = kafka("dbserver1.public.t", 2, 77);
	state_put(s, 1, "t", key, n, &p, "{}", 2);
	state_put(s, 1, "t", key, 0, &p, "{\"empty\":1}", 11); /* an empty key too */
	close_ok(s, 1);
	s = open_ok();
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "t", key, n, &e), 1);
	ck_assert_int_eq(e.pos.has_lsn, 0);
	ck_assert_int_eq(e.pos.has_offset, 1);
	ck_assert_str_eq(e.pos.topic, "dbserver1.public.t");
	ck_assert_int_eq(e.pos.partition, 2);
	ck_assert_int_eq(e.pos.offset, 77);
	ck_assert_int_eq(state_get(s, "t", key, n - 1, &e), 0); /* a prefix is another key */
	ck_assert_int_eq(state_get(s, "t", key, 0, &e), 1);
	ck_assert_mem_eq(e.image, "{\"empty\":1}", 11);
	close_ok(s, 0);
	free(key);
	remove_dir();
}
END_TEST

START_TEST(replay_by_lsn_then_offset)
{
	struct state_pos a = lsn(100), b = lsn(100), c = lsn(101);
	ck_assert_int_eq(state_pos_replay(&b, &a), 1);  /* the same change */
	ck_assert_int_eq(state_pos_replay(&a, &c), 1);  /* an earlier one */
	ck_assert_int_eq(state_pos_replay(&c, &a), 0);  /* a later one */
	/* LSN decides even when the offsets say otherwise (connector restart) */
	struct state_pos k1 = kafka("t", 0, 5), k2 = kafka("t", 0, 9);
	k1.has_lsn = 1;
	k1.lsn = 100;
	k2.has_lsn = 1;
	k2.lsn = 100;
	ck_assert_int_eq(state_pos_replay(&k2, &k1), 1);
	struct state_pos o1 = kafka("t", 0, 5), o2 = kafka("t", 0, 6), o3 = kafka("t", 1, 1),
	                 o4 = kafka("u", 0, 1);
	ck_assert_int_eq(state_pos_replay(&o1, &o2), 1);
	ck_assert_int_eq(state_pos_replay(&o2, &o1), 0);
	ck_assert_int_eq(state_pos_replay(&o3, &o1), 0); /* other partition: no order */
	ck_assert_int_eq(state_pos_replay(&o4, &o1), 0);
	struct state_pos none;
	memset(&none, 0, sizeof none);
	ck_assert_int_eq(state_pos_replay(&none, &a), 0);
	ck_assert_int_eq(state_pos_replay(&a, &none), 0);
}
END_TEST

/* A partition's progress is written with its images; a partition that
 * comes back at that offset keeps them, at any other offset loses them. */
START_TEST(partition_kept_only_at_its_offset)
{
	make_dir();
	struct state *s = open_ok();
	int64_t was;
	long long dropped;
	ck_assert_int_eq(state_claim(s, "t", 0, 0, &was, &dropped), 0); /* new: nothing to drop */
	ck_assert_int_eq(dropped, 0);
	ck_assert_int_eq(was, -1);
	ck_assert_int_eq(state_claim(s, "t", 1, 0, &was, &dropped), 0);
	struct state_pos p0 = kafka("t", 0, 4), p1 = kafka("t", 1, 9);
	state_put(s, 1, "tb", "a", 1, &p0, "{\"v\":1}", 7);
	state_progress(s, 1, "t", 0, 5);
	state_put(s, 2, "tb", "b", 1, &p1, "{\"v\":2}", 7);
	state_progress(s, 2, "t", 1, 10);
	state_progress(s, 3, "t", 0, 6); /* a record without rows, not yet written */
	ck_assert_int_eq(state_apply(s, 2), 0);
	close_ok(s, 2);
	s = open_ok(); /* the next run: offsets as written, not beyond */
	ck_assert_int_eq(state_claim(s, "t", 0, 5, &was, &dropped), 1);
	ck_assert_int_eq(was, 5);
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "tb", "a", 1, &e), 1);
	ck_assert_int_eq(e.pos.offset, 4);
	ck_assert_int_eq(state_claim(s, "t", 1, 12, &was, &dropped), 0); /* read by another member since */
	ck_assert_int_eq(was, 10);
	ck_assert_int_eq(dropped, 1);
	ck_assert_int_eq(state_get(s, "tb", "b", 1, &e), 0);
	ck_assert_int_eq(state_count(s), 1);
	close_ok(s, 0);
	s = open_ok(); /* and the drop recorded the offset it starts at */
	ck_assert_int_eq(state_claim(s, "t", 1, 12, &was, &dropped), 1);
	ck_assert_int_eq(state_claim(s, "t", 0, -1, &was, &dropped), 0); /* unknown start */
	ck_assert_int_eq(dropped, 1);
	close_ok(s, 0);
	remove_dir();
}
END_TEST

/* Images of a partition the consumer gave up are not seen (another member
 * has newer ones); those without a Kafka position always are. */
START_TEST(released_partition_unseen)
{
	make_dir();
	struct state *s = open_ok();
	int64_t was;
	long long dropped;
	ck_assert_int_eq(state_claim(s, "t", 2, 0, &was, &dropped), 0);
	struct state_pos p = kafka("t", 2, 0), none = lsn(8);
	state_put(s, 1, "tb", "k", 1, &p, "{\"v\":3}", 7);
	state_put(s, 1, "tb", "#c", 2, &none, "[]", 2);
	struct state_entry e;
	ck_assert_int_eq(state_get(s, "tb", "k", 1, &e), 1);
	state_release(s, "t", 2);
	ck_assert_int_eq(state_get(s, "tb", "k", 1, &e), 0); /* staged */
	ck_assert_int_eq(state_apply(s, 1), 0);
	ck_assert_int_eq(state_get(s, "tb", "k", 1, &e), 0); /* stored */
	ck_assert_int_eq(state_get(s, "tb", "#c", 2, &e), 1);
	state_progress(s, 1, "t", 2, 1);
	ck_assert_int_eq(state_apply(s, 1), 0);
	ck_assert_int_eq(state_claim(s, "t", 2, 1, &was, &dropped), 1);
	ck_assert_int_eq(state_get(s, "tb", "k", 1, &e), 1);
	close_ok(s, 1);
	remove_dir();
}
END_TEST

START_TEST(one_run_per_directory)
{
	make_dir();
	struct state *s = open_ok();
	char err[256] = "";
	ck_assert_ptr_null(state_open(dir, 0, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "in use by another cdcpivot"));
	close_ok(s, 0);
	s = open_ok(); /* free again once closed */
	close_ok(s, 0);
	remove_dir();
}
END_TEST

START_TEST(unusable_directory_is_an_error)
{
	char err[256] = "";
	ck_assert_ptr_null(state_open("/proc/self/cdcpivot-state", 1, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "/proc/self/cdcpivot-state"));
	/* a file where the directory should be */
	make_dir();
	char path[128];
	snprintf(path, sizeof path, "%s/file", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_ptr_null(state_open(path, 1, err, sizeof err));
	unlink(path);
	remove_dir();
}
END_TEST

START_TEST(other_format_is_refused)
{
	make_dir();
	struct state *s = open_ok();
	close_ok(s, 0);
	char path[128];
	snprintf(path, sizeof path, "%s/state.sqlite", dir);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE state_format SET version=99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char err[256] = "";
	ck_assert_ptr_null(state_open(dir, 0, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "format 99"));
	remove_dir();
}
END_TEST

Suite *
state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, put_get_survives_reopen);
	tcase_add_test(tc, staged_visible_but_applied_only_when_written);
	tcase_add_test(tc, latest_staged_change_wins);
	tcase_add_test(tc, delete_leaves_tombstone_with_position);
	tcase_add_test(tc, tombstone_may_keep_the_image);
	tcase_add_test(tc, keys_of_any_bytes_and_length);
	tcase_add_test(tc, replay_by_lsn_then_offset);
	tcase_add_test(tc, partition_kept_only_at_its_offset);
	tcase_add_test(tc, released_partition_unseen);
	tcase_add_test(tc, one_run_per_directory);
	tcase_add_test(tc, unusable_directory_is_an_error);
	tcase_add_test(tc, other_format_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
