/*
 * test_confine.c - a script's file names stay inside the files directory
 * (src/trace/confine.c): each way out is refused with its own message, and
 * every way that stays inside works.
 *
 * Layout made for each test, in a fresh directory under $TMPDIR:
 *   outside.txt                  a file outside the files directory
 *   root/                        the files directory
 *   root/in.txt                  a file
 *   root/sub/deep.txt            a file in a subdirectory
 *   root/up -> ../outside.txt    a relative link out
 *   root/abs -> ABS/outside.txt  an absolute link out
 *   root/dirlink -> ..           a link to a directory out
 *   root/good -> sub/deep.txt    a link that stays inside
 *   root/fifo                    a FIFO (would block a plain open)
 *   root/null -> /dev/null       a device, through a link out
 */
#include "harness.h"
#include "trace/confine.h"
#include "vmm.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tree {
    char top[512];  /* the temporary directory */
    char root[600]; /* top/root: the files directory */
};

static void put(const char *dir, const char *name, const char *text)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void link_at(const char *dir, const char *name, const char *target)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (symlink(target, p) != 0)
        perror(p);
}

static bool make_tree(struct tree *t)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(t->top, sizeof t->top, "%s/vmm-confine-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->top))
        return false;
    snprintf(t->root, sizeof t->root, "%s/root", t->top);
    char sub[1400], abs_target[1400], fifo[1400];
    snprintf(sub, sizeof sub, "%s/sub", t->root);
    if (mkdir(t->root, 0700) != 0 || mkdir(sub, 0700) != 0)
        return false;
    put(t->top, "outside.txt", "secret\n");
    put(t->root, "in.txt", "inside\n");
    put(sub, "deep.txt", "deep\n");
    snprintf(abs_target, sizeof abs_target, "%s/outside.txt", t->top);
    link_at(t->root, "up", "../outside.txt");
    link_at(t->root, "abs", abs_target);
    link_at(t->root, "dirlink", "..");
    link_at(t->root, "good", "sub/deep.txt");
    link_at(t->root, "null", "/dev/null");
    snprintf(fifo, sizeof fifo, "%s/fifo", t->root);
    return mkfifo(fifo, 0600) == 0;
}

static void remove_tree(const struct tree *t)
{
    static const char *const names[] = {"root/in.txt", "root/sub/deep.txt", "root/up",
                                        "root/abs",    "root/dirlink",      "root/good",
                                        "root/null",   "root/fifo",         "outside.txt"};
    char p[2048];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", t->top, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/root/sub", t->top);
    rmdir(p);
    rmdir(t->root);
    rmdir(t->top);
}

/* Opens path in t's files directory: the first bytes it reads, or "" with
 * the error in err. */
static int try_open(const struct tree *t, const char *path, char *first, size_t len, char *err,
                    size_t errlen)
{
    first[0] = '\0';
    err[0] = '\0';
    int fd = wl_open_confined(t->root, path, O_RDONLY, err, errlen);
    if (fd < 0)
        return fd;
    ssize_t n = read(fd, first, len - 1);
    first[n > 0 ? n : 0] = '\0';
    close(fd);
    return 0;
}

TEST(confine_refuses_every_way_out)
{
    struct tree t;
    if (!make_tree(&t)) {
        CHECK(!"cannot build the test tree");
        return;
    }
    char abs_out[1400], first[64], err[512];
    snprintf(abs_out, sizeof abs_out, "%s/outside.txt", t.top);
    static const struct {
        const char *path; /* NULL: abs_out */
        const char *why;  /* part of the message */
    } out[] = {
        {"../outside.txt", "'..' is not allowed"},
        {"sub/../../outside.txt", "'..' is not allowed"},
        {"sub/../in.txt", "'..' is not allowed"}, /* stays inside, but the rule is simple */
        {NULL, "an absolute path outside"},
        {"/etc/passwd", "an absolute path outside"},
        {"up", "a symbolic link leads outside"},
        {"abs", "a symbolic link leads outside"},
        {"dirlink/outside.txt", "a symbolic link leads outside"},
        {"null", "a symbolic link leads outside"},
        {"fifo", "not a regular file"},
        {"sub", "not a regular file"},
        {"", "an empty path"},
    };
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        const char *p = out[i].path ? out[i].path : abs_out;
        int r = try_open(&t, p, first, sizeof first, err, sizeof err);
        CHECK(r < 0);
        CHECK_CONTAINS(err, out[i].why);
        CHECK(strstr(first, "secret") == NULL);
    }
    remove_tree(&t);
}

TEST(confine_allows_what_stays_inside)
{
    struct tree t;
    if (!make_tree(&t)) {
        CHECK(!"cannot build the test tree");
        return;
    }
    char abs_in[PATH_MAX + 32], first[64], err[512];
    char real[PATH_MAX];
    CHECK(realpath(t.root, real) != NULL);
    snprintf(abs_in, sizeof abs_in, "%s/sub/deep.txt", real);
    static const struct {
        const char *path; /* NULL: abs_in */
        const char *text; /* its first bytes */
    } in[] = {
        {"in.txt", "inside\n"},      {"./in.txt", "inside\n"}, {"sub/deep.txt", "deep\n"},
        {"sub//deep.txt", "deep\n"}, {"good", "deep\n"},       {NULL, "deep\n"},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        const char *p = in[i].path ? in[i].path : abs_in;
        CHECK_EQ_I64(try_open(&t, p, first, sizeof first, err, sizeof err), 0);
        CHECK_STR_EQ(first, in[i].text);
    }
    /* A file that is not there: not found, not refused. */
    CHECK_EQ_I64(try_open(&t, "missing.txt", first, sizeof first, err, sizeof err), VMM_ENOENT);
    CHECK_CONTAINS(err, "cannot open");
    remove_tree(&t);
}
