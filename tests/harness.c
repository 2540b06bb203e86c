/*
 * harness.c - the runner behind harness.h: registration, filtering, the
 * closing line, and running the vmm command for golden tests.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 1024

static struct test_case tests[MAX_TESTS];
static size_t ntests;
static int state; /* of the running test: 0 running, 1 failed, 2 skipped */
static const char *current;
static char tmpdir[512];

void test_register(const char *name, void (*fn)(void), const char *file)
{
    if (ntests == MAX_TESTS) {
        fprintf(stderr, "harness: more than %d tests\n", MAX_TESTS);
        exit(2);
    }
    tests[ntests++] = (struct test_case){name, fn, file};
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (state != 0)
        return;
    state = 1;
    fprintf(stdout, "FAIL %s: %s:%d: ", current, file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

void test_skip(const char *reason)
{
    if (state != 0)
        return;
    state = 2;
    fprintf(stdout, "SKIP %s: %s\n", current, reason);
}

bool test_stopped(void)
{
    return state != 0;
}

static int by_name(const void *a, const void *b)
{
    const struct test_case *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->name, y->name);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, len = 0, n;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    if (f) {
        while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
            len += n;
            if (cap - len < 2) {
                char *nb = realloc(buf, cap *= 2);
                if (!nb)
                    break;
                buf = nb;
            }
        }
        fclose(f);
    }
    buf[len] = '\0';
    return buf;
}

int run_cmd(struct cmd_result *r, const char *fmt, ...)
{
    char cmd[8192], full[10000], outp[600], errp[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(outp, sizeof outp, "%s/.stdout", test_tmpdir());
    snprintf(errp, sizeof errp, "%s/.stderr", test_tmpdir());
    snprintf(full, sizeof full, "(%s) >'%s' 2>'%s' </dev/null", cmd, outp, errp);
    int st = system(full);
    if (st == -1)
        return -1;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp(outp);
    r->err = slurp(errp);
    return 0;
}

void cmd_result_free(struct cmd_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

const char *top_path(const char *rel)
{
    static char bufs[4][1024];
    static int i;
    const char *top = getenv("VMM_TOP");
    char *b = bufs[i++ & 3];
    snprintf(b, sizeof bufs[0], "%s/%s", top ? top : ".", rel);
    return b;
}

const char *test_tmpdir(void)
{
    return tmpdir;
}

static void make_tmpdir(const char *name)
{
    char cmd[1200];
    const char *base = getenv("VMM_TEST_TMP");
    snprintf(tmpdir, sizeof tmpdir, "%s/%s", base ? base : "/tmp/vmm-test", name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", tmpdir, tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: cannot make %s\n", tmpdir);
}

int main(int argc, char **argv)
{
    int verbose = 0, passed = 0, failed = 0, skipped = 0;
    const char *filter = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            filter = argv[i];
    }
    if (!getenv("VMM_TEST_TMP")) {
        char base[256];
        snprintf(base, sizeof base, "/tmp/vmm-test-%d", (int)getpid());
        setenv("VMM_TEST_TMP", base, 1);
    }
    qsort(tests, ntests, sizeof tests[0], by_name);
    for (size_t i = 0; i < ntests; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        current = tests[i].name;
        state = 0;
        make_tmpdir(current);
        tests[i].fn();
        if (state == 0) {
            passed++;
            if (verbose)
                printf("ok   %s\n", current);
        } else if (state == 1) {
            failed++;
        } else {
            skipped++;
        }
        fflush(stdout);
    }
    if (failed == 0) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", getenv("VMM_TEST_TMP"));
        if (system(cmd) != 0)
            fprintf(stderr, "harness: could not remove temporary files\n");
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
