/*
 * test_golden.c - golden tests of the vmm command's output.
 *
 * Every file tests/golden/NAME.t holds cases:
 *
 *   # what the case checks (comment lines are kept as they are)
 *   $ vmm replay --frames 0 --refs 1,2
 *   ? 1
 *   2> vmm: --frames: 0 is out of range (1 .. 4294967294)
 *
 * `$` is the command (run by sh in tests/golden/, with `vmm` the command under
 * test), `?` the exit code, `1>` / `2>` lines the whole expected standard
 * output / error. With VMM_GOLDEN_UPDATE=1 the files are rewritten with what
 * the command printed: review the diff before committing it.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

struct gcase {
    int line;        /* of the `$` line */
    char cmd[4096];  /* command */
    int status;      /* expected exit code */
    char *out, *err; /* expected outputs */
    size_t lo, le;   /* their lengths */
};

static void append(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *buf = realloc(*buf, *len + n + 2);
    memcpy(*buf + *len, s, n);
    (*buf)[*len + n] = '\n';
    *len += n + 1;
    (*buf)[*len] = '\0';
}

static void emit_lines(FILE *f, const char *prefix, const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        fprintf(f, "%s %.*s\n", prefix, (int)n, text);
        text += n + (nl ? 1 : 0);
    }
}

/* Runs every case of one file; returns the number that failed. */
static int run_file(const char *dir, const char *name, bool update)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    char line[4096], *kept = NULL;
    size_t keptlen = 0;
    struct gcase cases[64];
    int n = -1, lineno = 0, failed = 0;
    char *comments[64] = {0};
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '$' && line[1] == ' ') {
            if (++n == 64)
                break;
            memset(&cases[n], 0, sizeof cases[n]);
            cases[n].line = lineno;
            snprintf(cases[n].cmd, sizeof cases[n].cmd, "%s", line + 2);
            comments[n] = kept;
            kept = NULL;
            keptlen = 0;
        } else if (n >= 0 && line[0] == '?' && line[1] == ' ') {
            cases[n].status = atoi(line + 2);
        } else if (n >= 0 && strncmp(line, "1>", 2) == 0) {
            append(&cases[n].out, &cases[n].lo, line[2] ? line + 3 : "");
        } else if (n >= 0 && strncmp(line, "2>", 2) == 0) {
            append(&cases[n].err, &cases[n].le, line[2] ? line + 3 : "");
        } else {
            append(&kept, &keptlen, line);
        }
    }
    fclose(f);
    int total = n + 1;
    FILE *w = update ? fopen(path, "w") : NULL;
    for (int i = 0; i < total; i++) {
        struct cmd_result r;
        if (run_cmd(&r, "cd '%s' && PATH=\"$(dirname \"$VMM\"):$PATH\" && %s", dir, cases[i].cmd) <
            0) {
            failed++;
            continue;
        }
        const char *eo = cases[i].out ? cases[i].out : "", *ee = cases[i].err ? cases[i].err : "";
        if (r.status != cases[i].status || strcmp(r.out, eo) != 0 || strcmp(r.err, ee) != 0) {
            if (!update) {
                failed++;
                printf(
                    "golden %s:%d: $ %s\n  exit %d (expected %d)\n--- stdout:\n%s--- expected:\n%s"
                    "--- stderr:\n%s--- expected:\n%s",
                    path, cases[i].line, cases[i].cmd, r.status, cases[i].status, r.out, eo, r.err,
                    ee);
            }
        }
        if (w) {
            if (comments[i])
                fputs(comments[i], w);
            fprintf(w, "$ %s\n? %d\n", cases[i].cmd, r.status);
            emit_lines(w, "1>", r.out);
            emit_lines(w, "2>", r.err);
        }
        cmd_result_free(&r);
        free(cases[i].out);
        free(cases[i].err);
        free(comments[i]);
    }
    if (w) {
        if (kept)
            fputs(kept, w);
        fclose(w);
    }
    free(kept);
    return failed;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

TEST(golden_cli_outputs)
{
    const char *dir = top_path("tests/golden");
    char dirbuf[1024];
    snprintf(dirbuf, sizeof dirbuf, "%s", dir);
    DIR *d = opendir(dirbuf);
    CHECK(d != NULL);
    char *names[256];
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nn < 256) {
        size_t l = strlen(e->d_name);
        if (l > 2 && strcmp(e->d_name + l - 2, ".t") == 0)
            names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, by_str);
    bool update = getenv("VMM_GOLDEN_UPDATE") != NULL;
    int failed = 0;
    for (size_t i = 0; i < nn; i++) {
        failed += run_file(dirbuf, names[i], update);
        free(names[i]);
    }
    CHECK(nn > 0);
    if (failed)
        test_fail(__FILE__, __LINE__, "%d golden case(s) differ (diffs above)", failed);
}
