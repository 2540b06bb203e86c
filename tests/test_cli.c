/*
 * test_cli.c - the vmm command end to end: every answer in
 * shared/known-answers/README.md through `vmm replay --refs ... --json`,
 * determinism, and the demo.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

/* The number after "key": in a JSON text, or UINT64_MAX if absent. */
static uint64_t json_u64(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = json ? strstr(json, pat) : NULL;
    return p ? strtoull(p + strlen(pat), NULL, 10) : UINT64_MAX;
}

/* Runs a replay of refs and returns key from its JSON (UINT64_MAX on error). */
static uint64_t replay_json(const char *refs, const char *policy, int frames, const char *key)
{
    struct cmd_result r;
    if (run_cmd(&r, "\"$VMM\" replay --refs %s --policy %s --frames %d --json", refs, policy,
                frames) < 0)
        return UINT64_MAX;
    uint64_t v = r.status == 0 ? json_u64(r.out, key) : UINT64_MAX;
    if (r.status != 0)
        printf("  vmm exited %d: %s", r.status, r.err);
    cmd_result_free(&r);
    return v;
}

#define SIL    "7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1"
#define BELADY "1,2,3,4,1,2,5,1,2,3,4,5"
#define OSTEP  "0,1,2,0,1,3,0,3,1,2,1"

TEST(cli_known_answers_silberschatz)
{
    CHECK_EQ_U64(replay_json(SIL, "fifo", 3, "page_faults"), 15);
    CHECK_EQ_U64(replay_json(SIL, "opt", 3, "page_faults"), 9);
    CHECK_EQ_U64(replay_json(SIL, "lru", 3, "page_faults"), 12);
}

TEST(cli_known_answers_belady)
{
    CHECK_EQ_U64(replay_json(BELADY, "fifo", 3, "page_faults"), 9);
    CHECK_EQ_U64(replay_json(BELADY, "fifo", 4, "page_faults"), 10);
}

TEST(cli_known_answers_ostep)
{
    CHECK_EQ_U64(replay_json(OSTEP, "lru", 3, "page_faults"), 5);
    CHECK_EQ_U64(replay_json(OSTEP, "lru", 3, "hits"), 6);
    CHECK_EQ_U64(replay_json(OSTEP, "opt", 3, "page_faults"), 5);
    CHECK_EQ_U64(replay_json(OSTEP, "fifo", 3, "page_faults"), 7);
}

TEST(cli_json_has_the_documented_keys)
{
    struct cmd_result r;
    CHECK(run_cmd(&r, "\"$VMM\" replay --refs " SIL " --frames 3 --json") == 0);
    CHECK_EQ_I64(r.status, 0);
    static const char *keys[] = {"references", "page_faults", "major_faults", "minor_faults",
                                 "hits",       "writebacks",  "tlb_hits",     "tlb_misses",
                                 "frames",     "page_size",   "eat_ns"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"%s\": ", keys[i]);
        CHECK_CONTAINS(r.out, pat);
    }
    CHECK_CONTAINS(r.out, "\"policy\": \"lru\"");
    CHECK_CONTAINS(r.out, "\"processes\": [\n    {\"pid\": 1, ");
    CHECK_CONTAINS(r.out, "\"resident_pages\": 3");
    CHECK_EQ_U64(json_u64(r.out, "references"), 20);
    cmd_result_free(&r);
}

TEST(cli_output_is_deterministic)
{
    struct cmd_result a, b;
    const char *cmd = "\"$VMM\" replay --refs " SIL "," BELADY " --policy random --seed 9 "
                      "--frames 4 --explain";
    CHECK(run_cmd(&a, "%s", cmd) == 0);
    CHECK(run_cmd(&b, "%s", cmd) == 0);
    CHECK_EQ_I64(a.status, 0);
    CHECK_STR_EQ(a.out, b.out);
    cmd_result_free(&a);
    cmd_result_free(&b);
}

TEST(cli_replay_from_stdin_and_page_size)
{
    struct cmd_result r;
    CHECK(run_cmd(&r, "printf '0 1 2 0' | \"$VMM\" replay --page-size 16K --frames 2 --json -") ==
          0);
    CHECK_EQ_I64(r.status, 0);
    CHECK_EQ_U64(json_u64(r.out, "page_size"), 16384);
    CHECK_EQ_U64(json_u64(r.out, "page_faults"), 4); /* 0 1 2 0, LRU, 2 frames */
    cmd_result_free(&r);
}

TEST(cli_demo_runs_and_prints)
{
    struct cmd_result r;
    CHECK(run_cmd(&r, "\"$VMM\" run") == 0);
    CHECK_EQ_I64(r.status, 0);
    CHECK_CONTAINS(r.out, "page faults");
    CHECK_CONTAINS(r.out, "written back");
    /* What the demo exists to show (issue 3): copy-on-write copies,
     * zero-fills, shared pages, a segfault. */
    CHECK_CONTAINS(r.out, "copy-on-write");
    CHECK_CONTAINS(r.out, "zero-fills");
    CHECK_CONTAINS(r.out, "page-cache hits");
    CHECK_CONTAINS(r.out, "shared");
    CHECK_CONTAINS(r.out, "killed: segmentation fault");
    CHECK_CONTAINS(r.out, "killed: protection fault");
    cmd_result_free(&r);
    /* --print-demo prints the script that runs: every statement of the language. */
    CHECK(run_cmd(&r, "\"$VMM\" run --print-demo") == 0);
    CHECK_EQ_I64(r.status, 0);
    CHECK_STR_EQ(r.out, vmm_demo_workload());
    static const char *const stmts[] = {"frames ",  "policy ", "page-size ", "tlb ",    "seed ",
                                        "program ", "spawn ",  "fork ",      "exec ",   " read ",
                                        " write ",  " check ", " brk ",      " trace ", " pattern ",
                                        "repeat ",  "exit "};
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
        CHECK_CONTAINS(r.out, stmts[i]);
    cmd_result_free(&r);
}

TEST(cli_cache2k_trace)
{
    /* A real trace (CC BY 4.0, headissue GmbH / Jens Wilke): 76,118 references. */
    const char *path = top_path("../shared/traces/cache2k/web07.trace.xz");
    FILE *f = fopen(path, "rb");
    if (!f)
        SKIP("shared/traces/cache2k is not beside the checkout");
    fclose(f);
    struct cmd_result r;
    CHECK(run_cmd(&r, "\"$VMM\" --version") == 0);
    bool xz = strstr(r.out, "xz traces: yes") != NULL;
    cmd_result_free(&r);
    if (xz)
        CHECK(run_cmd(&r, "\"$VMM\" replay --format u32be --frames 1000 --no-data --json '%s'",
                      path) == 0);
    else if (system("command -v xz >/dev/null 2>&1") == 0)
        CHECK(run_cmd(&r,
                      "xz -dc '%s' | \"$VMM\" replay --format u32be --frames 1000 --no-data "
                      "--json -",
                      path) == 0);
    else
        SKIP("neither liblzma nor the xz command is present");
    CHECK_EQ_I64(r.status, 0);
    CHECK_EQ_U64(json_u64(r.out, "references"), 76118);
    uint64_t lru = json_u64(r.out, "page_faults");
    CHECK(lru > 1000 && lru < 76118);
    cmd_result_free(&r);
}

/* vmm record: a real program's references through Valgrind lackey, streamed
 * into a .vmt that replays; without instruction fetches, fewer references and
 * no executes. Skipped where Valgrind is not installed. */
TEST(cli_record_replays)
{
    if (system("command -v valgrind >/dev/null 2>&1") != 0) {
        SKIP("valgrind is not installed");
        return;
    }
    char dir[] = "/tmp/vmm-record-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct cmd_result r;
    CHECK_EQ_I64(run_cmd(&r, "cd %s && \"$VMM\" record -- /bin/true", dir), 0);
    CHECK_EQ_I64(r.status, 0);
    CHECK_CONTAINS(r.err, "true exited with status 0");
    CHECK_CONTAINS(r.err, "M references/s captured");
    cmd_result_free(&r);
    CHECK_EQ_I64(run_cmd(&r, "\"$VMM\" replay --json %s/true.vmt", dir), 0);
    CHECK_EQ_I64(r.status, 0);
    uint64_t all = json_u64(r.out, "references");
    cmd_result_free(&r);
    CHECK(all > 10000 && all != UINT64_MAX);
    CHECK_EQ_I64(run_cmd(&r,
                         "\"$VMM\" record --no-ifetch -o - -- /bin/true 2>/dev/null | \"$VMM\" "
                         "convert - %s/data.vmm && grep -c ' X ' %s/data.vmm; \"$VMM\" replay "
                         "--json %s/data.vmm",
                         dir, dir, dir),
                 0);
    CHECK(strncmp(r.out, "0\n", 2) == 0); /* grep -c first: no execute records */
    uint64_t data = json_u64(r.out, "references");
    cmd_result_free(&r);
    CHECK(data > 1000 && data < all);
    /* Without Valgrind on the PATH: a message saying how to install it. */
    CHECK_EQ_I64(run_cmd(&r, "cd %s && PATH=/nonexistent \"$VMM\" record -- /bin/true", dir), 0);
    CHECK_EQ_I64(r.status, 1);
    CHECK_CONTAINS(r.err, "apt-get install valgrind");
    cmd_result_free(&r);
    CHECK_EQ_I64(run_cmd(&r, "rm -rf %s", dir), 0);
    cmd_result_free(&r);
}
