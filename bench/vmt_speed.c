/*
 * vmt_speed.c - how fast libvmm decodes .vmt traces (`make bench-vmt`).
 *
 *   vmt_speed [REFS] [RUNS]      defaults: 50,000,000 references, 5 runs
 *
 * Generates seeded traces (splitmix64), writes each with vmm_trace_writer to
 * an in-memory file (memfd: no disk in the timing), then times, in process,
 * vmm_trace_open + vmm_trace_read in batches of 4096 until the end, and
 * prints the median of RUNS runs in references per second. The traces:
 *
 *   local   page numbers, a random walk with steps -16 .. 15: the common case
 *           (pid 1, read, size 1, small delta): one byte a record
 *   seq     page numbers 0, 1, 2, ... wrapping at 100,000: one byte a record
 *   uniform page numbers uniform over 1,000,000 pages: 3 or 4 bytes a record
 *   mixed   byte addresses as a program makes them: an instruction stream
 *           (execute, sizes 1..15) and a data stream (reads and writes,
 *           sizes 1, 2, 4, 8) near a stack and a heap; 1..5 bytes a record
 *
 * For scale the same page numbers of `local` are also timed as u32le, the
 * raw binary format (4 bytes a record, no decoding to speak of).
 */
#include "vmm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t state = 42;

static uint64_t next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The i-th reference of trace kind k. */
static struct vmm_ref make(const char *k, uint64_t i, uint64_t *walk)
{
    struct vmm_ref r = {0, 1, 1, VMM_READ};
    if (strcmp(k, "local") == 0 || strcmp(k, "u32le") == 0) {
        *walk += (next() & 31) - 16;
        r.addr = (*walk & 0xffffff) << 12;
    } else if (strcmp(k, "seq") == 0) {
        r.addr = (i % 100000) << 12;
    } else if (strcmp(k, "uniform") == 0) {
        r.addr = (next() % 1000000) << 12;
    } else { /* mixed */
        uint64_t x = next();
        if (x % 3 == 0) {
            *walk += 1 + (x >> 8) % 15;
            r.addr = 0x400000 + (*walk & 0xfffff);
            r.op = VMM_EXEC;
            r.size = (uint16_t)(1 + (x >> 20) % 8);
            if (r.addr % 4096 + r.size > 4096)
                r.size = 1;
        } else {
            static const uint16_t sizes[] = {1, 2, 4, 8, 8, 8, 4, 4};
            r.addr = ((x >> 4) & 1 ? 0x7ffd0000 : 0x601000) + ((x >> 8) & 0xff8);
            r.op = (x >> 5) & 1 ? VMM_WRITE : VMM_READ;
            r.size = sizes[(x >> 30) & 7];
            if (r.addr % 4096 + r.size > 4096)
                r.size = 1;
        }
    }
    return r;
}

/* Writes n references of kind k to a memfd; returns its path. */
static const char *generate(const char *k, uint64_t n, uint64_t *bytes)
{
    static char path[64];
    int fd = memfd_create(k, 0);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w+b");
    if (!f) {
        perror("memfd");
        exit(1);
    }
    bool raw = strcmp(k, "u32le") == 0, pages = strcmp(k, "mixed") != 0;
    unsigned flags = pages ? VMM_TRACE_PAGES : VMM_TRACE_SIZES;
    struct vmm_trace_writer *w;
    char err[256];
    if (vmm_trace_writer_open(f, raw ? VMM_FMT_U32LE : VMM_FMT_VMT, flags, 4096, VMM_COMPRESS_NONE,
                              &w, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    static struct vmm_ref batch[4096];
    uint64_t walk = 1 << 20;
    state = 42;
    for (uint64_t i = 0; i < n;) {
        size_t k2 = 0;
        for (; k2 < 4096 && i < n; k2++, i++)
            batch[k2] = make(k, i, &walk);
        if (vmm_trace_write(w, batch, k2) < 0) {
            fprintf(stderr, "%s\n", vmm_trace_writer_error(w));
            exit(1);
        }
    }
    struct vmm_trace_writer_stats st;
    if (vmm_trace_writer_finish(w) < 0) {
        fprintf(stderr, "%s\n", vmm_trace_writer_error(w));
        exit(1);
    }
    vmm_trace_writer_stats(w, &st);
    vmm_trace_writer_free(w);
    *bytes = st.bytes;
    fflush(f);
    int keep = dup(fd); /* the file lives on once f is closed */
    if (keep < 0)
        exit(1);
    fclose(f);
    snprintf(path, sizeof path, "/proc/self/fd/%d", keep);
    return path;
}

static volatile uint64_t sink_v; /* keeps the decoded references live */

/* Seconds to read the whole trace at path; *n receives the references. */
static double decode(const char *path, enum vmm_trace_format fmt, uint64_t *n)
{
    static struct vmm_ref batch[4096];
    struct vmm_trace *tr;
    char err[512];
    double t0 = now();
    if (vmm_trace_open(path, fmt, 4096, &tr, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    long got;
    uint64_t total = 0, check = 0;
    while ((got = vmm_trace_read(tr, batch, 4096)) > 0) {
        total += (uint64_t)got;
        check += batch[got - 1].addr; /* the references are used */
    }
    if (got < 0) {
        fprintf(stderr, "%s\n", vmm_trace_error(tr));
        exit(1);
    }
    vmm_trace_close(tr);
    double t = now() - t0;
    *n = total;
    sink_v += check;
    return t;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 50000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 99 || n == 0) {
        fprintf(stderr, "usage: vmt_speed [REFS] [RUNS]\n");
        return 1;
    }
    static const char *kinds[] = {"local", "seq", "uniform", "mixed", "u32le"};
    printf("%-8s %-6s %12s %12s %10s %14s\n", "trace", "format", "references", "bytes", "bytes/ref",
           "refs/s");
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        uint64_t bytes, got = 0;
        const char *path = generate(kinds[k], n, &bytes);
        enum vmm_trace_format fmt = strcmp(kinds[k], "u32le") == 0 ? VMM_FMT_U32LE : VMM_FMT_VMT;
        double t[99];
        for (int r = 0; r < runs; r++)
            t[r] = decode(path, fmt, &got);
        qsort(t, (size_t)runs, sizeof t[0], by_double);
        double med = t[runs / 2];
        printf("%-8s %-6s %12llu %12llu %10.2f %14.0f\n",
               strcmp(kinds[k], "u32le") == 0 ? "local" : kinds[k], vmm_trace_format_name(fmt),
               (unsigned long long)got, (unsigned long long)bytes, (double)bytes / (double)n,
               (double)got / med);
        if (got != n) {
            fprintf(stderr, "vmt_speed: %s: read %llu references of %llu\n", kinds[k],
                    (unsigned long long)got, (unsigned long long)n);
            return 1;
        }
    }
    printf("median of %d runs; in-process timing of vmm_trace_open + vmm_trace_read (batches "
           "of 4096) from a memfd\n",
           runs);
    return 0;
}
