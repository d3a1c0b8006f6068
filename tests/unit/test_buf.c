#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "base/buf.h"

/* A sink that keeps what it gets, counts its calls, and fails on demand. */
struct sunk {
	char data[1 << 20];
	size_t len;
	int calls;
	int fail_at;	/* 1-based call that fails, or 0 */
};

static int keep(void *arg, const char *p, size_t n)
{
	struct sunk *k = arg;
	if (k->fail_at && ++k->calls == k->fail_at) {
		errno = ENOSPC;
		return -1;
	}
	if (!k->fail_at)
		k->calls++;
	assert_true(k->len + n <= sizeof(k->data));
	memcpy(k->data + k->len, p, n);
	k->len += n;
	return 0;
}

static void test_cap_enforced(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_addstr(&b, "9"), -1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	buf_release(&b);
}

static void test_grow_and_detach(void **state)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_addf(&b, "%03d", i), 0);
	assert_int_equal(b.len, 3000);
	assert_memory_equal(b.data + 2997, "999", 3);
	size_t len;
	char *p = buf_detach(&b, &len);
	assert_int_equal(len, 3000);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(p);
}

static void test_empty_is_terminated(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(buf_addstr(&b, "x"), -1);
	buf_release(&b);
}

static void test_sink_streams_in_chunks(void **state)
{
	static struct sunk k;
	struct buf b;
	memset(&k, 0, sizeof(k));
	buf_init_sink(&b, 1 << 20, keep, &k);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_addf(&b, "%05d", i), 0);
	/* Never more than a chunk held, and every byte handed on in order. */
	assert_true(b.len <= BUF_SINK_CHUNK);
	assert_int_equal(buf_flush(&b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(k.len, 500000);
	assert_memory_equal(k.data, "000000000100002", 15);
	assert_memory_equal(k.data + 499995, "99999", 5);
	assert_true(k.calls >= 500000 / BUF_SINK_CHUNK);
	buf_release(&b);
}

static void test_sink_cap_counts_every_byte(void **state)
{
	static struct sunk k;
	static char big[3 * BUF_SINK_CHUNK];
	struct buf b;
	memset(&k, 0, sizeof(k));
	memset(big, 'x', sizeof(big));
	buf_init_sink(&b, sizeof(big) + 10, keep, &k);
	/* A piece larger than a chunk goes straight through. */
	assert_int_equal(buf_add(&b, big, sizeof(big)), 0);
	assert_int_equal(k.len, sizeof(big));
	assert_int_equal(buf_addstr(&b, "0123456789"), 0);
	assert_int_equal(buf_addstr(&b, "!"), -1);
	assert_int_equal(b.sink_errno, 0);
	assert_int_equal(buf_flush(&b), 0);
	assert_int_equal(k.len, sizeof(big) + 10);
	buf_release(&b);
}

static void test_sink_failure_sticks(void **state)
{
	static struct sunk k;
	struct buf b;
	memset(&k, 0, sizeof(k));
	k.fail_at = 2;
	buf_init_sink(&b, 1 << 20, keep, &k);
	int failed = 0;
	for (int i = 0; i < 100000 && !failed; i++)
		failed = buf_addf(&b, "%05d", i) < 0;
	assert_true(failed);
	assert_int_equal(b.sink_errno, ENOSPC);
	/* Once failed, nothing more is taken. */
	assert_int_equal(buf_addstr(&b, "x"), -1);
	assert_int_equal(buf_flush(&b), -1);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_enforced),
		cmocka_unit_test(test_grow_and_detach),
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_sink_streams_in_chunks),
		cmocka_unit_test(test_sink_cap_counts_every_byte),
		cmocka_unit_test(test_sink_failure_sticks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
