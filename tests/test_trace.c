/*
 * test_trace.c - the trace readers: every format, auto-detection, gzip and xz,
 * comments and CRLF, splitting at page boundaries, the error messages
 * (file:line:col), batch-size independence and streaming past the buffer.
 */
#include "harness.h"

#include "vmm.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------ */

/* Writes len bytes to name in the test's directory; returns the path (static,
 * rotating among 8). */
static const char *put(const char *name, const void *data, size_t len)
{
    static char paths[8][600];
    static int i;
    char *path = paths[i++ & 7];
    snprintf(path, sizeof paths[0], "%s/%s", test_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return path;
    if (len && fwrite(data, 1, len, f) != len)
        fprintf(stderr, "test_trace: short write to %s\n", path);
    fclose(f);
    return path;
}

static const char *put_text(const char *name, const char *text)
{
    return put(name, text, strlen(text));
}

/* Reads every reference (batches of `batch`) into refs (at most cap kept).
 * Returns the count, or the negative error. */
static long read_all(struct vmm_trace *tr, struct vmm_ref *refs, size_t cap, size_t batch)
{
    struct vmm_ref tmp[4096];
    long total = 0;
    if (batch > 4096)
        batch = 4096;
    for (;;) {
        long n = vmm_trace_read(tr, tmp, batch);
        if (n < 0)
            return n;
        if (n == 0)
            return total;
        for (long j = 0; j < n; j++) {
            if ((size_t)(total + j) < cap)
                refs[total + j] = tmp[j];
        }
        total += n;
    }
}

/* Drops the test directory from the front of a message: "t.addr:1:2: ...". */
static void strip_dir(char *msg)
{
    size_t k = strlen(test_tmpdir());
    if (strncmp(msg, test_tmpdir(), k) == 0 && msg[k] == '/')
        memmove(msg, msg + k + 1, strlen(msg + k + 1) + 1);
}

/* Opens path with fmt and 4 KiB pages, reads it whole. Returns the count or
 * the error; *msg receives the open or read message. */
static long load(const char *path, enum vmm_trace_format fmt, struct vmm_ref *refs, size_t cap,
                 char *msg, size_t msglen, enum vmm_trace_format *found)
{
    struct vmm_trace *tr;
    int rc = vmm_trace_open(path, fmt, 4096, &tr, msg, msglen);
    if (rc < 0) {
        strip_dir(msg);
        return rc;
    }
    long n = read_all(tr, refs, cap, 1000);
    if (found)
        *found = vmm_trace_format_of(tr);
    snprintf(msg, msglen, "%s", vmm_trace_error(tr));
    strip_dir(msg);
    vmm_trace_close(tr);
    return n;
}

static bool have_tool(const char *tool)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

#define CHECK_REF(r, a, p, s, o)                                                                   \
    do {                                                                                           \
        CHECK_EQ_U64((r).addr, (a));                                                               \
        CHECK_EQ_U64((r).pid, (p));                                                                \
        CHECK_EQ_U64((r).size, (s));                                                               \
        CHECK_EQ_U64((r).op, (o));                                                                 \
    } while (0)

/* ---- names ---------------------------------------------------------------------- */

TEST(trace_format_names)
{
    static const char *names[] = {"auto",  "pages", "addr",  "lackey", "vmm",
                                  "u32be", "u32le", "u64le", "vmt"};
    for (int i = 0; i < VMM_FMT__COUNT; i++) {
        CHECK_STR_EQ(vmm_trace_format_name((enum vmm_trace_format)i), names[i]);
        CHECK_EQ_I64(vmm_trace_format_parse(names[i]), i);
    }
    CHECK_EQ_I64(vmm_trace_format_parse("u16be"), -1);
    CHECK_EQ_I64(vmm_trace_format_parse(""), -1);
    CHECK_EQ_I64(vmm_trace_format_parse("PAGES"), -1);
}

/* ---- pages ------------------------------------------------------------------------ */

TEST(trace_pages_basic)
{
    struct vmm_ref r[16];
    char msg[512];
    const char *p = put_text("t.pages", "7,0,1,2 0\n3\t0x10,, 0X1f\n");
    long n = load(p, VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL);
    CHECK_EQ_I64(n, 8);
    static const uint64_t pages[] = {7, 0, 1, 2, 0, 3, 16, 31};
    for (int i = 0; i < 8; i++)
        CHECK_REF(r[i], pages[i] << 12, 1, 1, VMM_READ);
}

TEST(trace_pages_comments_crlf)
{
    struct vmm_ref r[16];
    char msg[512];
    const char *p =
        put_text("t.pages", "# header\r\n1, 2\r\n\r\n  # indented comment\r\n3 # tail\r\n"
                            "4,5\r\n");
    enum vmm_trace_format f;
    long n = load(p, VMM_FMT_AUTO, r, 16, msg, sizeof msg, &f);
    CHECK_EQ_I64(n, 5);
    CHECK_EQ_U64(f, VMM_FMT_PAGES);
    for (int i = 0; i < 5; i++)
        CHECK_EQ_U64(r[i].addr, (uint64_t)(i + 1) << 12);
}

TEST(trace_pages_string)
{
    struct vmm_trace *tr;
    struct vmm_ref r[8];
    char err[256];
    CHECK_EQ_I64(vmm_trace_open_string("--refs", "7,0,1,2", 512, &tr, err, sizeof err), 0);
    CHECK_EQ_U64(vmm_trace_format_of(tr), VMM_FMT_PAGES);
    CHECK_STR_EQ(vmm_trace_compression(tr), "");
    CHECK_EQ_I64(read_all(tr, r, 8, 3), 4);
    CHECK_EQ_U64(r[0].addr, 7 * 512);
    CHECK_EQ_U64(r[3].addr, 2 * 512);
    CHECK_EQ_I64(vmm_trace_read(tr, r, 8), 0);
    vmm_trace_close(tr);

    CHECK_EQ_I64(vmm_trace_open_string("--refs", "1,2,x", 4096, &tr, err, sizeof err), 0);
    CHECK_EQ_I64(read_all(tr, r, 8, 8), VMM_EPARSE);
    CHECK_STR_EQ(vmm_trace_error(tr), "--refs:1:5: expected a page number, found 'x'");
    vmm_trace_close(tr);

    CHECK_EQ_I64(vmm_trace_open_string("--refs", "", 4096, &tr, err, sizeof err), 0);
    CHECK_EQ_I64(vmm_trace_read(tr, r, 8), 0);
    vmm_trace_close(tr);
}

TEST(trace_pages_errors)
{
    struct vmm_ref r[16];
    char msg[512];
    CHECK_EQ_I64(load(put_text("t.pages", "1 2 z\n"), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL),
                 VMM_EPARSE);
    CHECK_CONTAINS(msg, "t.pages:1:5: expected a page number, found 'z'");
    CHECK_EQ_I64(
        load(put_text("t", "99999999999999999999\n"), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL),
        VMM_ERANGE);
    CHECK_CONTAINS(msg, "t:1:1: number 99999999999999999999 is too large");
    /* 2^64 - 1 is a number but not a page of 4 KiB. */
    CHECK_EQ_I64(load(put_text("t", "1\n 18446744073709551615"), VMM_FMT_PAGES, r, 16, msg,
                      sizeof msg, NULL),
                 VMM_ERANGE);
    CHECK_CONTAINS(msg, "t:2:2: page number 18446744073709551615 is too large for 4096-byte");
    CHECK_EQ_I64(load(put_text("t", "12z\n"), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL),
                 VMM_EPARSE);
    CHECK_CONTAINS(msg, "t:1:3: expected ',' or white space after the page number, found 'z'");
    CHECK_EQ_I64(load(put_text("t", "1 0x\n"), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL),
                 VMM_EPARSE);
    CHECK_CONTAINS(msg, "t:1:5: expected hex digits after '0x', found the end of the line");
    CHECK_EQ_I64(load(put_text("t", "1 -2\n"), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL),
                 VMM_EPARSE);
    CHECK_CONTAINS(msg, "t:1:3: expected a page number, found '-'");
    /* The references before an error are delivered first. */
    CHECK_EQ_I64(r[0].addr, 1 << 12);
    /* At most 64 digits, leading zeros included, wherever the number falls. */
    char zeros[200];
    memset(zeros, '0', 70);
    snprintf(zeros + 70, sizeof zeros - 70, "5\n");
    CHECK_EQ_I64(load(put_text("t", zeros), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL),
                 VMM_ERANGE);
    CHECK_CONTAINS(msg, "t:1:1: number 0000000000000000000000000000000000000000... is too long "
                        "(more than 64 characters)");
    snprintf(zeros + 60, sizeof zeros - 60, "5\n");
    CHECK_EQ_I64(load(put_text("t", zeros), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL), 1);
    CHECK_EQ_U64(r[0].addr, 5 << 12);
}

/* Comments and blank runs longer than the buffer are skipped as they stream. */
TEST(trace_long_comment)
{
    size_t n = 700000;
    char *t = malloc(n + 64);
    CHECK(t != NULL);
    t[0] = '#';
    memset(t + 1, 'c', n - 1);
    size_t len = n;
    len += (size_t)snprintf(t + len, 64, "\n1000 R\n2000 Q\n");
    const char *p = put("t.addr", t, len);
    free(t);
    struct vmm_ref r[4];
    char msg[512];
    enum vmm_trace_format f;
    /* Auto-detection sees only comment in its 64 KiB: it asks for --format. */
    CHECK_EQ_I64(load(p, VMM_FMT_AUTO, r, 4, msg, sizeof msg, &f), VMM_EPARSE);
    CHECK_CONTAINS(msg, "t.addr: cannot tell the trace format (no reference in the first 64 KiB)");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 4, msg, sizeof msg, &f), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.addr:3:6: expected R or W after the address, found 'Q'");
    CHECK_EQ_U64(r[0].addr, 0x1000);
    /* A run of blanks longer than the buffer between two numbers. */
    t = malloc(n + 16);
    CHECK(t != NULL);
    t[0] = '1';
    memset(t + 1, ' ', n);
    memcpy(t + 1 + n, "2 x", 3);
    p = put("t.pages", t, n + 4);
    free(t);
    CHECK_EQ_I64(load(p, VMM_FMT_AUTO, r, 4, msg, sizeof msg, &f), VMM_EPARSE);
    char want[100];
    snprintf(want, sizeof want, "t.pages:1:%zu: expected a page number, found 'x'", n + 4);
    CHECK_STR_EQ(msg, want);
    CHECK_EQ_U64(r[1].addr, 2 << 12);
}

TEST(trace_nul_byte)
{
    struct vmm_ref r[16];
    char msg[512];
    static const char text[] = "1 2\n\0 3\n";
    long n = load(put("x", text, sizeof text - 1), VMM_FMT_PAGES, r, 16, msg, sizeof msg, NULL);
    CHECK_EQ_I64(n, VMM_EPARSE);
    CHECK_CONTAINS(msg, "x:2:1: NUL byte in a text trace");
    /* Auto-detection keeps a text file with a stray NUL as text, to say where. */
    static const char addr[] = "1000 R\n2000 W\n3000 R\n4000 W\n# a comment \0 with a NUL\n";
    n = load(put("y", addr, sizeof addr - 1), VMM_FMT_AUTO, r, 16, msg, sizeof msg, NULL);
    CHECK_EQ_I64(n, VMM_EPARSE);
    CHECK_CONTAINS(msg, "y:5:13: NUL byte in a text trace");
}

/* One line far longer than any buffer: it streams, positions stay right. */
TEST(trace_pages_long_line)
{
    const int count = 1000000;
    size_t cap = (size_t)count * 8 + 16, len = 0;
    char *text = malloc(cap);
    CHECK(text != NULL);
    for (int i = 0; i < count; i++)
        len += (size_t)snprintf(text + len, cap - len, "%d,", i % 100000);
    len += (size_t)snprintf(text + len, cap - len, "7 oops");
    const char *p = put("long.pages", text, len);
    free(text);
    struct vmm_trace *tr;
    char err[512];
    CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 4096, &tr, err, sizeof err), 0);
    CHECK_EQ_U64(vmm_trace_format_of(tr), VMM_FMT_PAGES);
    struct vmm_ref r[1000];
    long total = 0, n;
    uint64_t sum = 0, want = 0;
    while ((n = vmm_trace_read(tr, r, 1000)) > 0) {
        for (long j = 0; j < n; j++) {
            sum += r[j].addr >> 12;
            if (total + j < count)
                want += (uint64_t)((total + j) % 100000);
        }
        total += n;
    }
    CHECK_EQ_I64(n, VMM_EPARSE);
    CHECK_EQ_I64(total, count + 1);
    CHECK_EQ_U64(sum, want + 7);
    /* The column counts every byte of the line before "oops". */
    char expect[128];
    snprintf(expect, sizeof expect, "long.pages:1:%zu: expected a page number, found 'o'", len - 3);
    CHECK_CONTAINS(vmm_trace_error(tr), expect);
    vmm_trace_close(tr);
}

/* ---- addr ---------------------------------------------------------------------------- */

TEST(trace_addr)
{
    struct vmm_ref r[16];
    char msg[512];
    enum vmm_trace_format f;
    const char *p = put_text("t.addr", "# addresses\n0041f7a0 R\n0x1000 w\n\n  ffff W  \r\n"
                                       "7fffffffe000 r # stack\n");
    long n = load(p, VMM_FMT_AUTO, r, 16, msg, sizeof msg, &f);
    CHECK_EQ_I64(n, 4);
    CHECK_EQ_U64(f, VMM_FMT_ADDR);
    CHECK_REF(r[0], 0x41f7a0, 1, 1, VMM_READ);
    CHECK_REF(r[1], 0x1000, 1, 1, VMM_WRITE);
    CHECK_REF(r[2], 0xffff, 1, 1, VMM_WRITE);
    CHECK_REF(r[3], 0x7fffffffe000, 1, 1, VMM_READ);
}

TEST(trace_addr_errors)
{
    struct vmm_ref r[16];
    char msg[512];
    const char *p = put_text("t.addr", "0041f7a0 R\n0041f7a4 W\n0041f7a0 X\n");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.addr:3:10: expected R or W after the address, found 'X'");
    p = put_text("t.addr", "zz R\n");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.addr:1:1: expected a hex address at the start of the line, found 'z'");
    p = put_text("t.addr", "12345678123456789 R\n");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    CHECK_STR_EQ(msg, "t.addr:1:1: address 12345678123456789 is too large (more than 16 hex "
                      "digits)");
    /* Leading zeros are not significant digits. */
    p = put_text("t.addr", "00000000ffffffffffffffff R\n");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), 1);
    CHECK_EQ_U64(r[0].addr, UINT64_MAX);
    p = put_text("t.addr", "1000 Read\n");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.addr:1:7: expected the end of the line after the operation, found 'e'");
    p = put_text("t.addr", "1000\n");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.addr:1:5: expected white space after the address, found the end of "
                      "the line");
    p = put_text("t.addr", "1000 ");
    CHECK_EQ_I64(load(p, VMM_FMT_ADDR, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.addr:1:6: expected R or W after the address, found the end of the "
                      "file");
}

/* ---- lackey ---------------------------------------------------------------------------- */

static const char lackey_text[] = "==4242== Lackey, an example Valgrind tool\n"
                                  "==4242== Command: ./a.out\n"
                                  "--4242-- a debug line\n"
                                  "I  04016a8,3\n"
                                  " L 1ffefffa00,8\n"
                                  " S 04222e00,4\n"
                                  " M 0421f58,4\n"
                                  "I 0400d7d4,8\n"
                                  "==4242== \n";

TEST(trace_lackey)
{
    struct vmm_ref r[16];
    char msg[512];
    enum vmm_trace_format f;
    long n = load(put_text("t.lk", lackey_text), VMM_FMT_AUTO, r, 16, msg, sizeof msg, &f);
    CHECK_EQ_I64(n, 6);
    CHECK_EQ_U64(f, VMM_FMT_LACKEY);
    CHECK_REF(r[0], 0x4016a8, 1, 3, VMM_EXEC);
    CHECK_REF(r[1], 0x1ffefffa00, 1, 8, VMM_READ);
    CHECK_REF(r[2], 0x4222e00, 1, 4, VMM_WRITE);
    CHECK_REF(r[3], 0x421f58, 1, 4, VMM_READ);  /* M: the load ... */
    CHECK_REF(r[4], 0x421f58, 1, 4, VMM_WRITE); /* ... then the store */
    CHECK_REF(r[5], 0x400d7d4, 1, 8, VMM_EXEC);
}

TEST(trace_lackey_split)
{
    struct vmm_ref r[16];
    char msg[512];
    /* 4 bytes at 0xffe cross into the next page: 2 + 2 bytes; M crossing gives
     * the two read pieces, then the two write pieces. */
    const char *p = put_text("t.lk", " L 0ffe,4\n M 1fff,2\nI  2000,4096\n");
    long n = load(p, VMM_FMT_LACKEY, r, 16, msg, sizeof msg, NULL);
    CHECK_EQ_I64(n, 7);
    CHECK_REF(r[0], 0xffe, 1, 2, VMM_READ);
    CHECK_REF(r[1], 0x1000, 1, 2, VMM_READ);
    CHECK_REF(r[2], 0x1fff, 1, 1, VMM_READ);
    CHECK_REF(r[3], 0x2000, 1, 1, VMM_READ);
    CHECK_REF(r[4], 0x1fff, 1, 1, VMM_WRITE);
    CHECK_REF(r[5], 0x2000, 1, 1, VMM_WRITE);
    CHECK_REF(r[6], 0x2000, 1, 4096, VMM_EXEC); /* exactly one page: no split */
}

TEST(trace_lackey_errors)
{
    struct vmm_ref r[16];
    char msg[512];
    const char *p = put_text("t.lk", "I  04016a8,3\n X 1000,4\n");
    CHECK_EQ_I64(load(p, VMM_FMT_LACKEY, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.lk:2:2: expected I, L, S or M (a lackey record), found 'X'");
    p = put_text("t.lk", " L 1000;4\n");
    CHECK_EQ_I64(load(p, VMM_FMT_LACKEY, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.lk:1:8: expected ',' after the address, found ';'");
    p = put_text("t.lk", " L 1000,0\n");
    CHECK_EQ_I64(load(p, VMM_FMT_LACKEY, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    CHECK_STR_EQ(msg, "t.lk:1:9: size 0 is out of range 1..65535");
    p = put_text("t.lk", " S fffffffffffffffe,4\n");
    CHECK_EQ_I64(load(p, VMM_FMT_LACKEY, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    CHECK_CONTAINS(msg, "t.lk:1:4: the access at 0xfffffffffffffffe of 4 bytes runs past");
    p = put_text("t.lk", " L 1g00,4\n");
    CHECK_EQ_I64(load(p, VMM_FMT_LACKEY, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.lk:1:5: expected ',' after the address, found 'g'");
}

/* ---- vmm ---------------------------------------------------------------------------------- */

TEST(trace_vmm)
{
    struct vmm_ref r[16];
    char msg[512];
    enum vmm_trace_format f;
    const char *p = put_text("t.vmm", "# pid op address size\n1 R 1000\n2 W 0x2000 8\n"
                                      "1048575 x 3ffe 4\r\n\n17\tw\t7fff0000\t1 # tail\n");
    long n = load(p, VMM_FMT_AUTO, r, 16, msg, sizeof msg, &f);
    CHECK_EQ_I64(n, 5);
    CHECK_EQ_U64(f, VMM_FMT_VMM);
    CHECK_REF(r[0], 0x1000, 1, 1, VMM_READ);
    CHECK_REF(r[1], 0x2000, 2, 8, VMM_WRITE);
    CHECK_REF(r[2], 0x3ffe, 1048575, 2, VMM_EXEC); /* split at 0x4000 */
    CHECK_REF(r[3], 0x4000, 1048575, 2, VMM_EXEC);
    CHECK_REF(r[4], 0x7fff0000, 17, 1, VMM_WRITE);
}

TEST(trace_vmm_errors)
{
    struct vmm_ref r[16];
    char msg[512];
    const char *p = put_text("t.vmm", "1 R 1000\n1 Q 1000\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.vmm:2:3: expected R, W or X after the pid, found 'Q'");
    p = put_text("t.vmm", "0 R 1000\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    CHECK_STR_EQ(msg, "t.vmm:1:1: pid 0 is out of range 1..1048575");
    p = put_text("t.vmm", "1048576 R 1000\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    p = put_text("t.vmm", "1 R 1000 65536\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    CHECK_STR_EQ(msg, "t.vmm:1:10: size 65536 is out of range 1..65535");
    p = put_text("t.vmm", "1 R\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.vmm:1:4: expected white space after the operation, found the end of "
                      "the line");
    p = put_text("t.vmm", "1 R 1000 8 9\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.vmm:1:12: expected the end of the line after the size, found '9'");
    p = put_text("t.vmm", "1 R ffffffffffffffff 2\n");
    CHECK_EQ_I64(load(p, VMM_FMT_VMM, r, 16, msg, sizeof msg, NULL), VMM_ERANGE);
    CHECK_CONTAINS(msg, "t.vmm:1:5: the access at 0xffffffffffffffff of 2 bytes runs past");
}

/* ---- binary ---------------------------------------------------------------------------------- */

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void le64(uint8_t *p, uint64_t v)
{
    le32(p, (uint32_t)v);
    le32(p + 4, (uint32_t)(v >> 32));
}

/* Page numbers for the binary tests: small ones, as real traces have. */
static uint32_t page_at(int i)
{
    return (uint32_t)((i * 7919) % 5000 + (i % 3));
}

TEST(trace_binary_formats)
{
    enum { N = 3000 };
    static uint8_t b32[N * 4], l32[N * 4], l64[N * 8];
    static struct vmm_ref r[N];
    for (int i = 0; i < N; i++) {
        be32(b32 + 4 * i, page_at(i));
        le32(l32 + 4 * i, page_at(i));
        le64(l64 + 8 * i, page_at(i));
    }
    struct {
        const char *name;
        const void *data;
        size_t len;
        enum vmm_trace_format fmt;
    } cases[] = {
        {"t.u32be", b32, sizeof b32, VMM_FMT_U32BE},
        {"t.u32le", l32, sizeof l32, VMM_FMT_U32LE},
        {"t.u64le", l64, sizeof l64, VMM_FMT_U64LE},
    };
    for (int c = 0; c < 3; c++) {
        const char *p = put(cases[c].name, cases[c].data, cases[c].len);
        for (int autodetect = 0; autodetect < 2; autodetect++) {
            char msg[512];
            enum vmm_trace_format f;
            long n = load(p, autodetect ? VMM_FMT_AUTO : cases[c].fmt, r, N, msg, sizeof msg, &f);
            CHECK_EQ_I64(n, N);
            CHECK_STR_EQ(vmm_trace_format_name(f), vmm_trace_format_name(cases[c].fmt));
            for (int i = 0; i < N; i++)
                CHECK_REF(r[i], (uint64_t)page_at(i) << 12, 1, 1, VMM_READ);
        }
    }
}

/* u32le decodes four records at a time where it can (src/trace/binary.c):
 * page numbers with the top bit set (widened, not sign-extended), another
 * page size, and reads of 7 records, so that runs end between fours. */
TEST(trace_u32le_every_record_whole)
{
    enum { N = 1003 };
    static uint8_t b[N * 4];
    static struct vmm_ref r[N];
    for (int i = 0; i < N; i++)
        le32(b + 4 * i, i % 5 == 0 ? 0xffffffffu - (uint32_t)i : (uint32_t)i * 2654435761u);
    struct vmm_trace *tr;
    char msg[512];
    CHECK_EQ_I64(
        vmm_trace_open(put("w.u32le", b, sizeof b), VMM_FMT_U32LE, 8192, &tr, msg, sizeof msg), 0);
    CHECK_EQ_I64(read_all(tr, r, N, 7), N);
    vmm_trace_close(tr);
    for (int i = 0; i < N && !test_stopped(); i++) {
        uint32_t v = i % 5 == 0 ? 0xffffffffu - (uint32_t)i : (uint32_t)i * 2654435761u;
        CHECK_REF(r[i], (uint64_t)v << 13, 1, 1, VMM_READ);
    }
}

TEST(trace_binary_truncated)
{
    uint8_t b[10];
    be32(b, 5);
    be32(b + 4, 6);
    b[8] = 1;
    b[9] = 2;
    struct vmm_trace *tr;
    struct vmm_ref r[8];
    char err[512];
    CHECK_EQ_I64(
        vmm_trace_open(put("t.bin", b, sizeof b), VMM_FMT_U32BE, 4096, &tr, err, sizeof err), 0);
    CHECK_EQ_I64(vmm_trace_read(tr, r, 8), 2); /* the whole records first */
    CHECK_EQ_U64(r[1].addr, 6 << 12);
    CHECK_EQ_I64(vmm_trace_read(tr, r, 8), VMM_EPARSE);
    CHECK_CONTAINS(vmm_trace_error(tr),
                   "t.bin: truncated record at byte offset 8 (u32be records are 4 bytes)");
    CHECK_EQ_I64(vmm_trace_read(tr, r, 8), VMM_EPARSE); /* errors are sticky */
    vmm_trace_close(tr);
}

TEST(trace_u64le_too_large)
{
    uint8_t b[24];
    le64(b, 1);
    le64(b + 8, 2);
    le64(b + 16, 1ull << 60);
    struct vmm_ref r[8];
    char msg[512];
    CHECK_EQ_I64(load(put("t.u64", b, sizeof b), VMM_FMT_U64LE, r, 8, msg, sizeof msg, NULL),
                 VMM_ERANGE);
    CHECK_CONTAINS(msg, "t.u64: page number 1152921504606846976 at byte offset 16 is too large");
    CHECK_EQ_U64(r[1].addr, 2 << 12);
}

/* ---- detection ----------------------------------------------------------------------------- */

TEST(trace_detect_unknown)
{
    struct vmm_ref r[4];
    char msg[512];
    const char *p = put_text("t.txt", "# hello\n\nhello world\n1 2 3\n");
    CHECK_EQ_I64(load(p, VMM_FMT_AUTO, r, 4, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "t.txt: cannot tell the trace format (first line: 'hello world'); name it "
                      "with --format pages|addr|lackey|vmm|u32be|u32le|u64le|vmt");
    /* A bare hex number is not a page list. */
    p = put_text("t.txt", "0041f7a0\n");
    CHECK_EQ_I64(load(p, VMM_FMT_AUTO, r, 4, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_CONTAINS(msg, "first line: '0041f7a0'");
}

TEST(trace_detect_binary_heuristic)
{
    /* Big-endian with large page numbers has few NULs but many non-text bytes. */
    enum { N = 2000 };
    static uint8_t b[N * 4];
    static struct vmm_ref r[N];
    for (int i = 0; i < N; i++)
        be32(b + 4 * i, 0x00f00000u + (uint32_t)i * 977u);
    char msg[512];
    enum vmm_trace_format f;
    CHECK_EQ_I64(load(put("big.bin", b, sizeof b), VMM_FMT_AUTO, r, N, msg, sizeof msg, &f), N);
    CHECK_EQ_U64(f, VMM_FMT_U32BE);
    CHECK_EQ_U64(r[N - 1].addr, (0x00f00000ull + (N - 1) * 977ull) << 12);
    /* --format forces: the same bytes read as little-endian. */
    CHECK_EQ_I64(load(put("big.bin", b, sizeof b), VMM_FMT_U32LE, r, N, msg, sizeof msg, &f), N);
    CHECK_EQ_U64(f, VMM_FMT_U32LE);
    CHECK_EQ_U64(r[0].addr, (uint64_t)0x0000f000u << 12);
}

TEST(trace_empty)
{
    struct vmm_ref r[4];
    char msg[512];
    /* Auto-detection: an empty trace is an error at open. */
    CHECK_EQ_I64(load(put("e", "", 0), VMM_FMT_AUTO, r, 4, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "e: empty trace (no references)");
    CHECK_EQ_I64(
        load(put_text("c", "# only\n\n# comments\r\n"), VMM_FMT_AUTO, r, 4, msg, sizeof msg, NULL),
        VMM_EPARSE);
    CHECK_STR_EQ(msg, "c: empty trace (no references)");
    /* A named format: zero references, no error; but a .vmt always has a
     * header and an end block, so nothing at all is a cut .vmt. */
    for (int f = VMM_FMT_PAGES; f < VMM_FMT__COUNT; f++) {
        if (f == VMM_FMT_VMT)
            continue;
        CHECK_EQ_I64(load(put("e", "", 0), (enum vmm_trace_format)f, r, 4, msg, sizeof msg, NULL),
                     0);
        CHECK_STR_EQ(msg, "");
    }
    CHECK_EQ_I64(load(put("e", "", 0), VMM_FMT_VMT, r, 4, msg, sizeof msg, NULL), VMM_EPARSE);
    CHECK_STR_EQ(msg, "e: truncated .vmt header: the file ends at byte 0 of its 16");
    CHECK_EQ_I64(
        load(put_text("c", "# only\n\n# comments\r\n"), VMM_FMT_VMM, r, 4, msg, sizeof msg, NULL),
        0);
}

TEST(trace_open_errors)
{
    struct vmm_trace *tr = (struct vmm_trace *)1;
    char err[512];
    char path[600];
    snprintf(path, sizeof path, "%s/missing.trace", test_tmpdir());
    CHECK_EQ_I64(vmm_trace_open(path, VMM_FMT_AUTO, 4096, &tr, err, sizeof err), VMM_EIO);
    CHECK(tr == NULL);
    CHECK_CONTAINS(err, "missing.trace: cannot open: No such file or directory");
    CHECK_EQ_I64(vmm_trace_open(path, VMM_FMT_AUTO, 3000, &tr, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "page size 3000 is not a power of two");
    CHECK_EQ_I64(vmm_trace_open(test_tmpdir(), VMM_FMT_AUTO, 4096, &tr, err, sizeof err), VMM_EIO);
    CHECK_CONTAINS(err, "Is a directory");
    /* A compressor this build never reads is named, with the way around it. */
    static const uint8_t zstd[] = {0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x04, 0x21, 0x00, 0x00, 0x00};
    const char *p = put("t.zst", zstd, sizeof zstd);
    CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_U32BE, 4096, &tr, err, sizeof err), VMM_EUNSUPPORTED);
    CHECK_CONTAINS(err,
                   "t.zst: zstd-compressed, which vmm cannot read; decompress first: zstd -dc");
    CHECK_CONTAINS(err, "| vmm replay --format u32be -");
}

/* ---- compression ------------------------------------------------------------------------------
 */

/* Builds a pages text of n numbers and its expected page sum. */
static char *pages_text(int n, uint64_t *sum)
{
    size_t cap = (size_t)n * 8 + 64, len = 0;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    *sum = 0;
    len += (size_t)snprintf(t, cap, "# generated\n");
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(t + len, cap - len, "%d%s", i % 1000, i % 10 == 9 ? "\n" : " ");
        *sum += (uint64_t)(i % 1000);
    }
    return t;
}

static uint64_t page_sum(const struct vmm_ref *r, long n)
{
    uint64_t s = 0;
    for (long i = 0; i < n; i++)
        s += r[i].addr >> 12;
    return s;
}

/* Compresses name (in the test directory) with cmd ("gzip -c", "xz -c") into
 * name + suffix. Returns the new path or NULL. */
static const char *compress(const char *name, const char *cmd, const char *suffix)
{
    static char out[600];
    char line[1600];
    snprintf(out, sizeof out, "%s/%s%s", test_tmpdir(), name, suffix);
    snprintf(line, sizeof line, "%s '%s/%s' > '%s'", cmd, test_tmpdir(), name, out);
    return system(line) == 0 ? out : NULL;
}

static void check_compressed(const char *tool, const char *cmd, const char *suffix, bool have)
{
    enum { N = 200000 };
    if (!have)
        SKIP("this build has no support for it");
    if (!have_tool(tool))
        SKIP("the compressor is not installed");
    uint64_t want;
    char *t = pages_text(N, &want);
    CHECK(t != NULL);
    put("p.txt", t, strlen(t));
    free(t);
    char p[700];
    const char *cp = compress("p.txt", cmd, suffix);
    CHECK(cp != NULL);
    snprintf(p, sizeof p, "%s", cp);
    struct vmm_trace *tr;
    char err[512];
    CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 4096, &tr, err, sizeof err), 0);
    CHECK_STR_EQ(vmm_trace_compression(tr), tool);
    CHECK_EQ_U64(vmm_trace_format_of(tr), VMM_FMT_PAGES);
    static struct vmm_ref r[N];
    long n = read_all(tr, r, N, 4096);
    vmm_trace_close(tr);
    CHECK_EQ_I64(n, N);
    CHECK_EQ_U64(page_sum(r, n), want);

    /* Binary data that compresses badly: many blocks of compressed input,
     * and detection after decompression. */
    enum { M = 1 << 20 };
    uint8_t *bin = malloc((size_t)M * 4);
    CHECK(bin != NULL);
    uint64_t x = 88172645463325252ull, bsum = 0;
    for (int i = 0; i < M; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t v = (uint32_t)(x % 3000000u);
        memcpy(bin + 4 * (size_t)i, &v, 4); /* host order: little-endian on the test machines */
        bsum += v;
    }
    put("r.bin", bin, (size_t)M * 4);
    free(bin);
    const char *rb = compress("r.bin", cmd, suffix);
    CHECK(rb != NULL);
    CHECK_EQ_I64(vmm_trace_open(rb, VMM_FMT_AUTO, 4096, &tr, err, sizeof err), 0);
    CHECK_EQ_U64(vmm_trace_format_of(tr), VMM_FMT_U32LE);
    static struct vmm_ref big[4096];
    long got = 0, k;
    uint64_t gsum = 0;
    while ((k = vmm_trace_read(tr, big, 4096)) > 0) {
        got += k;
        gsum += page_sum(big, k);
    }
    vmm_trace_close(tr);
    CHECK_EQ_I64(k, 0);
    CHECK_EQ_I64(got, M);
    CHECK_EQ_U64(gsum, bsum);

    /* Two members/streams back to back read as one. */
    char line[2000];
    snprintf(line, sizeof line, "cat '%s' '%s' > '%s/twice'", p, p, test_tmpdir());
    CHECK_EQ_I64(system(line), 0);
    char twice[700];
    snprintf(twice, sizeof twice, "%s/twice", test_tmpdir());
    CHECK_EQ_I64(vmm_trace_open(twice, VMM_FMT_PAGES, 4096, &tr, err, sizeof err), 0);
    n = read_all(tr, r, 0, 777);
    vmm_trace_close(tr);
    CHECK_EQ_I64(n, 2 * N);

    /* Cut short: an error, not a silently shorter trace. */
    snprintf(line, sizeof line, "head -c $(($(wc -c < '%s') / 2)) '%s' > '%s/cut'", p, p,
             test_tmpdir());
    CHECK_EQ_I64(system(line), 0);
    snprintf(twice, sizeof twice, "%s/cut", test_tmpdir());
    CHECK_EQ_I64(vmm_trace_open(twice, VMM_FMT_PAGES, 4096, &tr, err, sizeof err), 0);
    n = read_all(tr, r, 0, 4096);
    CHECK_EQ_I64(n, VMM_EPARSE);
    CHECK_CONTAINS(vmm_trace_error(tr), "data is truncated");
    vmm_trace_close(tr);
}

TEST(trace_gzip)
{
    check_compressed("gzip", "gzip -c", ".gz", vmm_have_gzip());
}

TEST(trace_xz)
{
    check_compressed("xz", "xz -c", ".xz", vmm_have_xz());
}

TEST(trace_compression_missing)
{
    static const uint8_t xz[] = {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04};
    static const uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00};
    struct vmm_trace *tr;
    char err[512];
    if (vmm_have_xz() && vmm_have_gzip())
        SKIP("gzip and xz are both compiled in");
    if (!vmm_have_xz()) {
        const char *p = put("web07.trace.xz", xz, sizeof xz);
        CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_U32BE, 4096, &tr, err, sizeof err),
                     VMM_EUNSUPPORTED);
        CHECK_CONTAINS(err, "web07.trace.xz: xz-compressed, but this vmm was built without "
                            "liblzma (apt-get install liblzma-dev, then rebuild), or decompress "
                            "first: xz -dc ");
        CHECK_CONTAINS(err, "web07.trace.xz | vmm replay --format u32be -");
    }
    if (!vmm_have_gzip()) {
        const char *p = put("t.gz", gz, sizeof gz);
        CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 4096, &tr, err, sizeof err), VMM_EUNSUPPORTED);
        CHECK_CONTAINS(err, "gzip-compressed, but this vmm was built without zlib");
        CHECK_CONTAINS(err, "t.gz | vmm replay -");
    }
}

/* ---- standard input ------------------------------------------------------------------------ */

/* Opens "-" with a pipe on fd 0 that a child fills with the file at path;
 * reads it whole. Returns the count or the error. */
static long read_via_stdin(const char *path, struct vmm_ref *r, size_t cap, char *comp,
                           size_t complen)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -100;
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        int in = open(path, O_RDONLY);
        char b[3000]; /* odd-sized writes: the reader sees short reads */
        ssize_t k;
        while (in >= 0 && (k = read(in, b, sizeof b)) > 0) {
            if (write(fds[1], b, (size_t)k) != k)
                break;
        }
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    struct vmm_trace *tr;
    char err[512];
    long n = vmm_trace_open("-", VMM_FMT_AUTO, 4096, &tr, err, sizeof err);
    if (n == 0) {
        n = read_all(tr, r, cap, 4096);
        snprintf(comp, complen, "%s", vmm_trace_compression(tr));
        vmm_trace_close(tr);
    }
    dup2(saved, 0);
    close(saved);
    waitpid(child, NULL, 0);
    return n;
}

TEST(trace_stdin)
{
    enum { N = 50000 };
    uint64_t want;
    char *t = pages_text(N, &want);
    CHECK(t != NULL);
    const char *p = put("in.txt", t, strlen(t));
    free(t);
    static struct vmm_ref r[N];
    char comp[16];
    CHECK_EQ_I64(read_via_stdin(p, r, N, comp, sizeof comp), N);
    CHECK_EQ_U64(page_sum(r, N), want);
    CHECK_STR_EQ(comp, "");
    if (vmm_have_gzip() && have_tool("gzip")) {
        const char *z = compress("in.txt", "gzip -c", ".gz");
        CHECK(z != NULL);
        CHECK_EQ_I64(read_via_stdin(z, r, N, comp, sizeof comp), N);
        CHECK_EQ_U64(page_sum(r, N), want);
        CHECK_STR_EQ(comp, "gzip");
    }
}

/* ---- batches --------------------------------------------------------------------------------- */

/* Reading one reference at a time gives exactly what big batches give, also
 * where one line becomes several references. */
TEST(trace_batches)
{
    const char *texts[] = {
        lackey_text,
        " L 0ffe,4\n M 1fff,2\nI  2000,9000\n M 3,3\n",
        "1 R 1000\n2 W 0x2ff0 65535\n3 X 3ffe 4\n",
        "1 2 3\n# x\n4,5,,6\r\n0x7\n",
    };
    const enum vmm_trace_format fmts[] = {VMM_FMT_LACKEY, VMM_FMT_LACKEY, VMM_FMT_VMM,
                                          VMM_FMT_PAGES};
    for (int t = 0; t < 4; t++) {
        static struct vmm_ref a[512], b[512];
        struct vmm_trace *tr;
        char err[512];
        const char *p = put_text("b.txt", texts[t]);
        CHECK_EQ_I64(vmm_trace_open(p, fmts[t], 512, &tr, err, sizeof err), 0);
        long na = read_all(tr, a, 512, 4096);
        vmm_trace_close(tr);
        CHECK_EQ_I64(vmm_trace_open(p, fmts[t], 512, &tr, err, sizeof err), 0);
        long nb = read_all(tr, b, 512, 1);
        vmm_trace_close(tr);
        CHECK(na > 0);
        CHECK_EQ_I64(na, nb);
        for (long i = 0; i < na; i++) {
            CHECK_REF(b[i], a[i].addr, a[i].pid, a[i].size, a[i].op);
            /* No piece spans a page. */
            CHECK_LE_U64((a[i].addr & 511) + a[i].size, 512);
        }
    }
}

/* ---- a real trace -----------------------------------------------------------------------------
 */

TEST(trace_cache2k_web07)
{
    const char *p = top_path("../shared/traces/cache2k/web07.trace.xz");
    if (access(p, R_OK) != 0)
        SKIP("../shared/traces/cache2k/web07.trace.xz is absent");
    if (!vmm_have_xz())
        SKIP("built without liblzma");
    struct vmm_trace *tr;
    char err[512];
    CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 4096, &tr, err, sizeof err), 0);
    CHECK_STR_EQ(vmm_trace_compression(tr), "xz");
    CHECK_EQ_U64(vmm_trace_format_of(tr), VMM_FMT_U32BE);
    static struct vmm_ref r[1000];
    CHECK_EQ_I64(vmm_trace_read(tr, r, 1000), 1000);
    /* The file starts 0 1 2 0 1 3 4 5 (big-endian words). */
    static const uint64_t first[] = {0, 1, 2, 0, 1, 3, 4, 5};
    for (int i = 0; i < 8; i++)
        CHECK_REF(r[i], first[i] << 12, 1, 1, VMM_READ);
    long n = read_all(tr, NULL, 0, 4096);
    vmm_trace_close(tr);
    CHECK_EQ_I64(n + 1000, 76118);
}
