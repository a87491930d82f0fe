/* base64.h: standard padded base64 (RFC 4648 section 4), both ways. */
#include <check.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "check_suites.h"

/* RFC 4648 section 10 test vectors. */
static const struct {
	const char *plain;
	const char *encoded;
} rfc_vectors[] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
	{"__debezium_unavailable_value", "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="},
};

static void
assert_buf_eq(const struct buf *b, const void *want, size_t wlen)
{
	ck_assert_uint_eq(b->len, wlen);
	if (wlen > 0)
		ck_assert_mem_eq(b->p, want, wlen);
}

START_TEST(encode_rfc_vector)
{
	struct buf b;
	buf_init(&b);
	const char *plain = rfc_vectors[_i].plain;
	base64_encode(&b, (const unsigned char *)plain, strlen(plain));
	assert_buf_eq(&b, rfc_vectors[_i].encoded, strlen(rfc_vectors[_i].encoded));
	buf_free(&b);
}
END_TEST

START_TEST(decode_rfc_vector)
{
	struct buf b;
	buf_init(&b);
	const char *enc = rfc_vectors[_i].encoded;
	ck_assert_int_eq(base64_decode(&b, enc, strlen(enc)), 0);
	assert_buf_eq(&b, rfc_vectors[_i].plain, strlen(rfc_vectors[_i].plain));
	buf_free(&b);
}
END_TEST

/* Both functions append: what is already in the buffer stays in front. */
START_TEST(encode_and_decode_append)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "x:");
	base64_encode(&b, (const unsigned char *)"foo", 3);
	assert_buf_eq(&b, "x:Zm9v", 6);
	ck_assert_int_eq(base64_decode(&b, "YmFy", 4), 0);
	assert_buf_eq(&b, "x:Zm9vbar", 9);
	buf_free(&b);
}
END_TEST

/* Bytes that are not text, including NUL and 0xff, and every sextet. */
static const struct {
	unsigned char bytes[6];
	size_t n;
	const char *encoded;
} binary_vectors[] = {
	{{0x00}, 1, "AA=="},
	{{0xff}, 1, "/w=="},
	{{0x00, 0xff}, 2, "AP8="},
	{{0xff, 0x00}, 2, "/wA="},
	{{0x00, 0x00, 0x00}, 3, "AAAA"},
	{{0xff, 0xff, 0xff}, 3, "////"},
	{{0xfb, 0xef, 0xbe}, 3, "++++"},
	{{0x00, 0xff, 0x00, 0xff}, 4, "AP8A/w=="},
	{{0x14, 0xfb, 0x9c, 0x03, 0xd9, 0x7e}, 6, "FPucA9l+"},
};

START_TEST(encode_binary)
{
	struct buf b;
	buf_init(&b);
	base64_encode(&b, binary_vectors[_i].bytes, binary_vectors[_i].n);
	assert_buf_eq(&b, binary_vectors[_i].encoded, strlen(binary_vectors[_i].encoded));
	buf_free(&b);
}
END_TEST

START_TEST(decode_binary)
{
	struct buf b;
	buf_init(&b);
	const char *enc = binary_vectors[_i].encoded;
	ck_assert_int_eq(base64_decode(&b, enc, strlen(enc)), 0);
	assert_buf_eq(&b, binary_vectors[_i].bytes, binary_vectors[_i].n);
	buf_free(&b);
}
END_TEST

/* Every byte value survives a round trip. */
START_TEST(round_trip_all_bytes)
{
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (size_t n = 0; n <= sizeof all; n += 37) {
		struct buf enc, dec;
		buf_init(&enc);
		buf_init(&dec);
		base64_encode(&enc, all + (256 - n), n);
		ck_assert_uint_eq(enc.len, (n + 2) / 3 * 4);
		ck_assert_int_eq(base64_decode(&dec, enc.p, enc.len), 0);
		assert_buf_eq(&dec, all + (256 - n), n);
		buf_free(&enc);
		buf_free(&dec);
	}
}
END_TEST

/* The decoder sees only s[0..n): bytes after n are not read. */
START_TEST(decode_respects_length)
{
	struct buf b;
	buf_init(&b);
	ck_assert_int_eq(base64_decode(&b, "Zm9v!!!!", 4), 0);
	assert_buf_eq(&b, "foo", 3);
	buf_free(&b);
}
END_TEST

static const struct {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *why;
} malformed[] = {
	{"Z", 0, "length 1"},
	{"Zm", 0, "length 2"},
	{"Zm9", 0, "length 3"},
	{"Zm9vY", 0, "length 5"},
	{"Zm9vYg=", 0, "length 7"},
	{"Zm9vYmFy=", 0, "length 9"},
	/* Valid characters follow s[n]: only n may decide the length. */
	{"Zm9vYmFy", 1, "length 1 of a valid string"},
	{"Zm9vYmFy", 5, "length 5 of a valid string"},
	{"Zm9vYmFy", 6, "length 6 of a valid string"},
	{"Zm9vYmFy", 7, "length 7 of a valid string"},
	{"Zm9!", 0, "'!' is not in the alphabet"},
	{"Zm 9", 0, "space"},
	{"Zm9\n", 0, "newline"},
	{"Zm-_", 0, "base64url alphabet"},
	{"Zm9v\0AAA", 8, "NUL byte"},
	{"ab=c", 0, "padding before a data character"},
	{"=abc", 0, "padding first"},
	{"a=bc", 0, "padding second"},
	{"a===", 0, "three padding characters"},
	{"====", 0, "only padding"},
	{"Zg==Zg==", 0, "padding in a group that is not the last"},
	{"Zm8=Zm9v", 0, "padding in a group that is not the last"},
};

START_TEST(decode_rejects)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "keep");
	size_t n = malformed[_i].len ? malformed[_i].len : strlen(malformed[_i].in);
	ck_assert_msg(base64_decode(&b, malformed[_i].in, n) == -1, "'%s' (%s) was accepted",
	    malformed[_i].in, malformed[_i].why);
	/* out unchanged: same length and the same bytes in front. */
	assert_buf_eq(&b, "keep", 4);
	buf_free(&b);
}
END_TEST

/* A failure after earlier groups decoded fine must drop their bytes too. */
START_TEST(decode_failure_undoes_earlier_groups)
{
	struct buf b;
	buf_init(&b);
	static const char bad1[] = "Zm9vYmFyZm9vYmFyZm9v!A==";
	ck_assert_int_eq(base64_decode(&b, bad1, strlen(bad1)), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_puts(&b, "ab");
	static const char bad[] = "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy=Zm9";
	ck_assert_int_eq(base64_decode(&b, bad, strlen(bad)), -1);
	assert_buf_eq(&b, "ab", 2);
	buf_free(&b);
}
END_TEST

Suite *
base64_suite(void)
{
	Suite *s = suite_create("base64");

	TCase *tc = tcase_create("core");
	int nrfc = (int)(sizeof rfc_vectors / sizeof rfc_vectors[0]);
	int nbin = (int)(sizeof binary_vectors / sizeof binary_vectors[0]);
	tcase_add_loop_test(tc, encode_rfc_vector, 0, nrfc);
	tcase_add_loop_test(tc, decode_rfc_vector, 0, nrfc);
	tcase_add_test(tc, encode_and_decode_append);
	tcase_add_test(tc, decode_respects_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("binary");
	tcase_add_loop_test(tc, encode_binary, 0, nbin);
	tcase_add_loop_test(tc, decode_binary, 0, nbin);
	tcase_add_test(tc, round_trip_all_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, decode_rejects, 0, (int)(sizeof malformed / sizeof malformed[0]));
	tcase_add_test(tc, decode_failure_undoes_earlier_groups);
	suite_add_tcase(s, tc);
	return s;
}
