/*
 * test_fuzz_corpus.c - replays every file of fuzz/corpus/trace,
 * fuzz/corpus/vmt and fuzz/corpus/workload through the fuzz targets, so `make test` (with gcc,
 * under the sanitizers in CI) keeps every input the fuzzer kept.
 */
#include "fuzz/fuzz.h"
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

static int replay_dir(const char *rel, int (*fn)(const uint8_t *, size_t))
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", top_path(rel));
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        static uint8_t buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        fn(buf, len);
        n++;
    }
    closedir(d);
    return n;
}

TEST(fuzz_corpus_trace)
{
    int n = replay_dir("fuzz/corpus/trace", fuzz_trace_one);
    CHECK(n > 0);
}

TEST(fuzz_corpus_vmt)
{
    int n = replay_dir("fuzz/corpus/vmt", fuzz_vmt_one);
    CHECK(n > 0);
}

TEST(fuzz_corpus_workload)
{
    int n = replay_dir("fuzz/corpus/workload", fuzz_workload_one);
    CHECK(n > 0);
}
