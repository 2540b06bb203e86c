/*
 * harness.h - vmm's own test harness.
 *
 * A test is a function declared with TEST(name); it registers itself before
 * main runs, so a test file needs no entry in a shared list. Assertions are
 * typed, print both values and the line, and end the test at the first
 * failure. SKIP(reason) ends it as skipped. The runner prints one line per
 * failure or skip and ends with "N passed, N failed, N skipped".
 *
 *   ./test_vmm              every test
 *   ./test_vmm policy       the tests whose name contains "policy"
 *   ./test_vmm -v ...       also name each passing test
 */
#ifndef VMM_TEST_HARNESS_H
#define VMM_TEST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
    const char *name; /* test name */
    void (*fn)(void); /* body */
    const char *file; /* where it is defined */
};

void test_register(const char *name, void (*fn)(void), const char *file);
/* Records a failure of the running test (message already formatted). */
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void test_skip(const char *reason);
/* True once the running test has failed or skipped. */
bool test_stopped(void);

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void test_register_##name(void)                            \
    {                                                                                              \
        test_register(#name, test_##name, __FILE__);                                               \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            test_fail(__FILE__, __LINE__, "CHECK(%s) is false", #cond);                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                                         \
    do {                                                                                           \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                           \
        if (a_ != b_) {                                                                            \
            test_fail(__FILE__, __LINE__, "%s == %s: %" PRIu64 " != %" PRIu64, #a, #b, a_, b_);    \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_I64(a, b)                                                                         \
    do {                                                                                           \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                                              \
        if (a_ != b_) {                                                                            \
            test_fail(__FILE__, __LINE__, "%s == %s: %" PRId64 " != %" PRId64, #a, #b, a_, b_);    \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_LE_U64(a, b)                                                                         \
    do {                                                                                           \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                           \
        if (!(a_ <= b_)) {                                                                         \
            test_fail(__FILE__, __LINE__, "%s <= %s: %" PRIu64 " > %" PRIu64, #a, #b, a_, b_);     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            test_fail(__FILE__, __LINE__, "%s == %s:\n  got:      \"%s\"\n  expected: \"%s\"", #a, \
                      #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        if (!h_ || !strstr(h_, n_)) {                                                              \
            test_fail(__FILE__, __LINE__, "%s contains \"%s\"; it is:\n%s", #hay, n_,              \
                      h_ ? h_ : "(null)");                                                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define SKIP(reason)                                                                               \
    do {                                                                                           \
        test_skip(reason);                                                                         \
        return;                                                                                    \
    } while (0)

/* ---- running the command --------------------------------------------------- */

struct cmd_result {
    int status; /* exit code, or 128 + signal */
    char *out;  /* standard output, NUL-terminated */
    char *err;  /* standard error, NUL-terminated */
};

/* Runs `sh -c cmd` with $VMM naming the command under test and the current
 * directory at the top of the source tree. Returns 0 or -1 if it could not
 * run. Free with cmd_result_free. */
int run_cmd(struct cmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_result_free(struct cmd_result *r);

/* Path of a file under the source tree (static buffer, rotates among 4). */
const char *top_path(const char *rel);
/* A fresh empty directory for the running test under the build tree. */
const char *test_tmpdir(void);

#endif
