/*
 * test_vmt.c - the .vmt format and `vmm convert`: XXH64 against published
 * values; every format converted to .vmt (by the command) reads back as
 * exactly the same references, on seeded random traces with extremes
 * (addresses near 0 and 2^64, huge deltas both ways, many pids, every
 * operation, sizes 1..65535); replays of a trace and of its .vmt give the same
 * statistics; a small .vmt cut at every byte, or with any byte damaged, is an
 * error and never other references; the writer's refusals; compression.
 */
#include "harness.h"

#include "trace/trace.h"
#include "vmm.h"

#include <stdlib.h>

/* ---- helpers ----------------------------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* An address near prev, or anywhere, or near either end of the 64-bit space:
 * small and huge deltas in both directions. */
static uint64_t some_addr(uint64_t prev)
{
    switch (rnd() % 8) {
    case 0:
    case 1:
    case 2:
        return prev + (rnd() % 33) - 16;
    case 3:
        return prev + (rnd() % (1u << 21)) - (1u << 20);
    case 4:
        return rnd();
    case 5:
        return UINT64_MAX - rnd() % 70000;
    case 6:
        return rnd() % 70000;
    default:
        return prev ^ (1ull << (rnd() % 64));
    }
}

static const char *path_of(const char *name)
{
    static char paths[8][600];
    static int i;
    char *p = paths[i++ & 7];
    snprintf(p, sizeof paths[0], "%s/%s", test_tmpdir(), name);
    return p;
}

/* Reads the whole trace at path (format fmt, page size ps) with batches of
 * `batch`; returns the references (malloc'd) and their count in *n, or NULL
 * with the error in *err (the references before it in *n). */
static struct vmm_ref *slurp_trace(const char *path, enum vmm_trace_format fmt, uint32_t ps,
                                   size_t batch, size_t *n, int *err, char *msg, size_t msglen)
{
    struct vmm_trace *tr;
    *n = 0;
    *err = vmm_trace_open(path, fmt, ps, &tr, msg, msglen);
    if (*err < 0)
        return NULL;
    size_t cap = 1024;
    struct vmm_ref *v = malloc(cap * sizeof *v);
    for (;;) {
        if (*n + batch > cap) {
            cap = (*n + batch) * 2;
            v = realloc(v, cap * sizeof *v);
        }
        long got = vmm_trace_read(tr, v + *n, batch);
        if (got < 0) {
            *err = (int)got;
            snprintf(msg, msglen, "%s", vmm_trace_error(tr));
            break;
        }
        if (got == 0)
            break;
        *n += (size_t)got;
    }
    vmm_trace_close(tr);
    return v;
}

static bool same_ref(const struct vmm_ref *a, const struct vmm_ref *b)
{
    return a->addr == b->addr && a->pid == b->pid && a->size == b->size && a->op == b->op;
}

/* Writes refs as fmt to path through the library writer. */
static int write_trace(const char *path, enum vmm_trace_format fmt, unsigned flags, uint32_t ps,
                       enum vmm_compress comp, const struct vmm_ref *refs, size_t n)
{
    FILE *f = fopen(path, "wb");
    struct vmm_trace_writer *w;
    char err[512];
    if (!f)
        return VMM_EIO;
    int rc = vmm_trace_writer_open(f, fmt, flags, ps, comp, &w, err, sizeof err);
    if (rc == 0) {
        rc = vmm_trace_write(w, refs, n);
        if (rc == 0)
            rc = vmm_trace_writer_finish(w);
        if (rc < 0)
            fprintf(stderr, "write_trace: %s\n", vmm_trace_writer_error(w));
        vmm_trace_writer_free(w);
    } else {
        fprintf(stderr, "write_trace: %s\n", err);
    }
    fclose(f);
    return rc;
}

/* Random references that lie within one 4 KiB page each (so that reading
 * them back splits nothing): every operation, pids 1..VMM_PID_MAX (a few
 * hundred of them, and runs of one), sizes 1..65535 where the page allows. */
static struct vmm_ref *random_refs(size_t n, uint64_t seed, unsigned flags)
{
    struct vmm_ref *v = malloc(n * sizeof *v);
    uint64_t prev[3] = {0, 0, 0};
    uint32_t pid = 1;
    rng = seed;
    for (size_t i = 0; i < n; i++) {
        uint8_t op = (uint8_t)(rnd() % 3);
        if ((flags & VMM_TRACE_PIDS) && rnd() % 8 == 0)
            pid = rnd() % 4 ? (uint32_t)(1 + rnd() % 300) : (uint32_t)(1 + rnd() % VMM_PID_MAX);
        uint64_t a = some_addr(prev[op]);
        if (flags & VMM_TRACE_PAGES)
            a &= ~4095ull;
        prev[op] = a;
        uint64_t room = 4096 - (a & 4095);
        uint32_t size = 1;
        if (flags & VMM_TRACE_SIZES) {
            size = rnd() % 4 ? (uint32_t)(1 << rnd() % 4) : (uint32_t)(1 + rnd() % 65535);
            if (size > room)
                size = (uint32_t)room;
        }
        v[i] = (struct vmm_ref){a, (flags & VMM_TRACE_PIDS) ? pid : 1, (uint16_t)size, op};
    }
    return v;
}

/* ---- the checksum -------------------------------------------------------------------- */

TEST(vmt_xxh64_known_values)
{
    /* values of the reference implementation (libxxhash XXH64) */
    static const char spam[] = "Nobody inspects the spammish repetition";
    uint8_t hundred[100];
    for (int i = 0; i < 100; i++)
        hundred[i] = (uint8_t)i;
    CHECK_EQ_U64(vmt_hash("", 0, 0), 0xef46db3751d8e999ull);
    CHECK_EQ_U64(vmt_hash("a", 1, 0), 0xd24ec4f1a98c6e5bull);
    CHECK_EQ_U64(vmt_hash("abc", 3, 0), 0x44bc2cf5ad770999ull);
    CHECK_EQ_U64(vmt_hash(spam, sizeof spam - 1, 0), 0xfbcea83c8a378bf1ull);
    CHECK_EQ_U64(vmt_hash(hundred, sizeof hundred, 12345), 0x28ba1ae2de4de27ull);
}

/* ---- the library round trip -------------------------------------------------------------- */

/* Writes refs as .vmt with flags, reads them back with several batch sizes. */
static void round_trip(unsigned flags, size_t n, uint64_t seed)
{
    struct vmm_ref *in = random_refs(n, seed, flags);
    const char *p = path_of("t.vmt");
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, flags, 4096, VMM_COMPRESS_NONE, in, n), 0);
    static const size_t batches[] = {1, 7, 4096};
    for (size_t b = 0; b < 3; b++) {
        size_t got;
        int err;
        char msg[512];
        struct vmm_ref *out =
            slurp_trace(p, VMM_FMT_AUTO, 4096, batches[b], &got, &err, msg, sizeof msg);
        if (err < 0)
            test_fail(__FILE__, __LINE__, "reading back: %s", msg);
        CHECK(err == 0);
        CHECK_EQ_U64(got, n);
        for (size_t i = 0; i < n; i++) {
            if (!same_ref(&in[i], &out[i])) {
                test_fail(__FILE__, __LINE__,
                          "reference %zu: wrote %d 0x%llx %u pid %u, read %d 0x%llx %u pid %u", i,
                          in[i].op, (unsigned long long)in[i].addr, in[i].size, in[i].pid,
                          out[i].op, (unsigned long long)out[i].addr, out[i].size, out[i].pid);
                free(out);
                free(in);
                return;
            }
        }
        free(out);
    }
    free(in);
}

TEST(vmt_round_trip_all_fields)
{
    /* 300,000 references: several 64 KiB blocks */
    round_trip(VMM_TRACE_PIDS | VMM_TRACE_SIZES, 300000, 1);
}

TEST(vmt_round_trip_pages)
{
    round_trip(VMM_TRACE_PAGES, 200000, 2);
}

TEST(vmt_round_trip_plain)
{
    round_trip(0, 100000, 3);
    round_trip(VMM_TRACE_SIZES, 100000, 4);
    round_trip(VMM_TRACE_PAGES | VMM_TRACE_PIDS | VMM_TRACE_SIZES, 100000, 5);
}

TEST(vmt_empty_and_sizes)
{
    const char *p = path_of("e.vmt");
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, 0, 4096, VMM_COMPRESS_NONE, NULL, 0), 0);
    size_t got;
    int err;
    char msg[512];
    struct vmm_ref *out = slurp_trace(p, VMM_FMT_AUTO, 4096, 100, &got, &err, msg, sizeof msg);
    CHECK_EQ_I64(err, 0);
    CHECK_EQ_U64(got, 0);
    free(out);
    /* the common record is one byte: 1000 reads of neighbouring pages */
    struct vmm_ref v[1000];
    for (int i = 0; i < 1000; i++)
        v[i] = (struct vmm_ref){(uint64_t)(100 + i % 7) << 12, 1, 1, VMM_READ};
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, VMM_TRACE_PAGES, 4096, VMM_COMPRESS_NONE, v, 1000), 0);
    FILE *f = fopen(p, "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    /* header 16, one block header 16, the records, end block 16 */
    CHECK_EQ_I64(len, 16 + 16 + 1000 + 1 + 16);
}

/* A record that crosses pages is split on reading, as lackey's and vmm's are. */
TEST(vmt_split_at_pages)
{
    struct vmm_ref v[2] = {{0xffe, 1, 4, VMM_WRITE}, {0x10000 - 1, 1, 8194, VMM_EXEC}};
    const char *p = path_of("s.vmt");
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, VMM_TRACE_SIZES, 4096, VMM_COMPRESS_NONE, v, 2), 0);
    size_t got;
    int err;
    char msg[512];
    struct vmm_ref *out = slurp_trace(p, VMM_FMT_VMT, 4096, 1, &got, &err, msg, sizeof msg);
    CHECK_EQ_I64(err, 0);
    CHECK_EQ_U64(got, 6);
    CHECK_EQ_U64(out[0].addr, 0xffe);
    CHECK_EQ_U64(out[0].size, 2);
    CHECK_EQ_U64(out[1].addr, 0x1000);
    CHECK_EQ_U64(out[1].size, 2);
    CHECK_EQ_U64(out[2].addr, 0xffff);
    CHECK_EQ_U64(out[2].size, 1);
    CHECK_EQ_U64(out[3].addr, 0x10000);
    CHECK_EQ_U64(out[3].size, 4096);
    CHECK_EQ_U64(out[5].addr, 0x12000);
    CHECK_EQ_U64(out[5].size, 1);
    CHECK_EQ_U64(out[5].op, VMM_EXEC);
    free(out);
}

/* ---- every format through `vmm convert` ---------------------------------------------------- */

/* Writes a random trace of format fmt (n records) to path. */
static void make_input(const char *path, enum vmm_trace_format fmt, size_t n, uint64_t seed)
{
    FILE *f = fopen(path, "wb");
    uint64_t prev = 0;
    rng = seed;
    for (size_t i = 0; f && i < n; i++) {
        uint64_t a = some_addr(prev);
        prev = a;
        uint64_t page = a >> 12; /* page numbers whose addresses fit 64 bits */
        uint32_t size = rnd() % 4 ? (uint32_t)(1 << rnd() % 4) : (uint32_t)(1 + rnd() % 65535);
        if (size - 1 > UINT64_MAX - a)
            size = (uint32_t)(UINT64_MAX - a + 1);
        switch (fmt) {
        case VMM_FMT_PAGES:
            fprintf(f, i % 3 ? "%llu\n" : "0x%llx,", (unsigned long long)page);
            break;
        case VMM_FMT_ADDR:
            fprintf(f, "%llx %c\n", (unsigned long long)a, rnd() % 2 ? 'R' : 'W');
            break;
        case VMM_FMT_LACKEY:
            fprintf(f, "%s %llx,%u\n", (const char *[]){"I ", " L", " S", " M"}[rnd() % 4],
                    (unsigned long long)a, size);
            break;
        case VMM_FMT_VMM:
            fprintf(f, "%u %c %llx %u\n",
                    rnd() % 2 ? (unsigned)(1 + rnd() % 5) : (unsigned)(1 + rnd() % VMM_PID_MAX),
                    "RWX"[rnd() % 3], (unsigned long long)a, size);
            break;
        case VMM_FMT_U32BE:
        case VMM_FMT_U32LE: {
            uint32_t x = (uint32_t)(rnd() % 2 ? page : a);
            uint8_t b[4];
            for (int k = 0; k < 4; k++)
                b[fmt == VMM_FMT_U32LE ? k : 3 - k] = (uint8_t)(x >> (8 * k));
            fwrite(b, 1, 4, f);
            break;
        }
        default: { /* u64le */
            uint8_t b[8];
            for (int k = 0; k < 8; k++)
                b[k] = (uint8_t)(page >> (8 * k));
            fwrite(b, 1, 8, f);
            break;
        }
        }
    }
    if (f)
        fclose(f);
}

/* Converts in (format fmt) to .vmt with the command, and checks that both
 * read as the same references. */
static void convert_and_compare(const char *in, enum vmm_trace_format fmt, const char *outname)
{
    const char *out = path_of(outname);
    struct cmd_result r;
    CHECK_EQ_I64(
        run_cmd(&r, "\"$VMM\" convert --format %s '%s' '%s'", vmm_trace_format_name(fmt), in, out),
        0);
    if (r.status != 0)
        test_fail(__FILE__, __LINE__, "convert %s: exit %d: %s", in, r.status, r.err);
    CHECK_CONTAINS(r.err, "vmm convert: ");
    int status = r.status;
    cmd_result_free(&r);
    CHECK_EQ_I64(status, 0);
    size_t na, nb;
    int ea, eb;
    char ma[512], mb[512];
    struct vmm_ref *a = slurp_trace(in, fmt, 4096, 4096, &na, &ea, ma, sizeof ma);
    struct vmm_ref *b = slurp_trace(out, VMM_FMT_AUTO, 4096, 333, &nb, &eb, mb, sizeof mb);
    if (ea < 0 || eb < 0)
        test_fail(__FILE__, __LINE__, "reading: '%s' / '%s'", ma, mb);
    CHECK(ea == 0 && eb == 0);
    CHECK(na > 0);
    CHECK_EQ_U64(nb, na);
    for (size_t i = 0; i < na; i++) {
        if (!same_ref(&a[i], &b[i])) {
            test_fail(__FILE__, __LINE__, "%s: reference %zu differs: 0x%llx/0x%llx", in, i,
                      (unsigned long long)a[i].addr, (unsigned long long)b[i].addr);
            break;
        }
    }
    free(a);
    free(b);
}

TEST(vmt_convert_every_format)
{
    static const enum vmm_trace_format fmts[] = {VMM_FMT_PAGES, VMM_FMT_ADDR,  VMM_FMT_LACKEY,
                                                 VMM_FMT_VMM,   VMM_FMT_U32BE, VMM_FMT_U32LE,
                                                 VMM_FMT_U64LE};
    for (size_t k = 0; k < sizeof fmts / sizeof fmts[0] && !test_stopped(); k++) {
        char name[32];
        snprintf(name, sizeof name, "in.%s", vmm_trace_format_name(fmts[k]));
        const char *in = path_of(name);
        make_input(in, fmts[k], 20000, 100 + k);
        snprintf(name, sizeof name, "out-%s.vmt", vmm_trace_format_name(fmts[k]));
        convert_and_compare(in, fmts[k], name);
    }
    /* and .vmt itself, with every field */
    struct vmm_ref *v = random_refs(50000, 7, VMM_TRACE_PIDS | VMM_TRACE_SIZES);
    const char *in = path_of("in.vmt");
    CHECK_EQ_I64(write_trace(in, VMM_FMT_VMT, VMM_TRACE_PIDS | VMM_TRACE_SIZES, 4096,
                             VMM_COMPRESS_NONE, v, 50000),
                 0);
    free(v);
    convert_and_compare(in, VMM_FMT_VMT, "out-vmt.vmt");
}

/* .vmt to the other writable formats and back. */
TEST(vmt_convert_to_text_and_raw)
{
    struct vmm_ref *v = random_refs(30000, 8, VMM_TRACE_PIDS | VMM_TRACE_SIZES);
    char in[600];
    snprintf(in, sizeof in, "%s", path_of("all.vmt"));
    CHECK_EQ_I64(write_trace(in, VMM_FMT_VMT, VMM_TRACE_PIDS | VMM_TRACE_SIZES, 4096,
                             VMM_COMPRESS_NONE, v, 30000),
                 0);
    free(v);
    /* vmm text keeps everything */
    struct cmd_result r;
    const char *txt = path_of("all.vmm");
    CHECK_EQ_I64(run_cmd(&r, "\"$VMM\" convert '%s' '%s'", in, txt), 0);
    CHECK_EQ_I64(r.status, 0);
    cmd_result_free(&r);
    convert_and_compare(txt, VMM_FMT_VMM, "again.vmt");
    size_t na, nb;
    int ea, eb;
    char ma[512], mb[512];
    struct vmm_ref *a = slurp_trace(in, VMM_FMT_AUTO, 4096, 4096, &na, &ea, ma, sizeof ma);
    struct vmm_ref *b = slurp_trace(txt, VMM_FMT_AUTO, 4096, 4096, &nb, &eb, mb, sizeof mb);
    CHECK(ea == 0 && eb == 0);
    CHECK_EQ_U64(na, nb);
    for (size_t i = 0; i < na; i++)
        CHECK(same_ref(&a[i], &b[i]));
    free(a);
    free(b);
    /* page-number formats keep the pages, and say what they dropped */
    static const char *exts[] = {"pages", "u32le", "u32be", "u64le"};
    struct vmm_ref pv[3] = {
        {0x5000, 1, 1, VMM_READ}, {0x1234567000, 1, 1, VMM_READ}, {0x7000, 1, 1, VMM_READ}};
    const char *pin = path_of("p.vmt");
    CHECK_EQ_I64(write_trace(pin, VMM_FMT_VMT, VMM_TRACE_PAGES, 4096, VMM_COMPRESS_NONE, pv, 3), 0);
    for (int k = 0; k < 4; k++) {
        char name[32];
        snprintf(name, sizeof name, "p.%s", exts[k]);
        const char *out = path_of(name);
        CHECK_EQ_I64(run_cmd(&r, "\"$VMM\" convert '%s' '%s'", pin, out), 0);
        CHECK_EQ_I64(r.status, 0);
        cmd_result_free(&r);
        struct vmm_ref *c =
            slurp_trace(out, vmm_trace_format_parse(exts[k]), 4096, 10, &na, &ea, ma, sizeof ma);
        CHECK_EQ_I64(ea, 0);
        CHECK_EQ_U64(na, 3);
        for (int i = 0; i < 3; i++)
            CHECK(same_ref(&c[i], &pv[i]));
        free(c);
    }
    CHECK_EQ_I64(run_cmd(&r, "\"$VMM\" convert '%s' '%s'", in, path_of("lossy.pages")), 0);
    if (r.status != 0)
        test_fail(__FILE__, __LINE__, "exit %d: %s", r.status, r.err);
    CHECK_CONTAINS(r.err, "holds page numbers only");
    cmd_result_free(&r);
}

/* ---- replays agree ---------------------------------------------------------------------- */

static int replay_stats(const char *path, const char *policy, struct vmm_stats *st, char *msg,
                        size_t msglen)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 16;
    c.data = false;
    c.policy = policy;
    struct vmm_system *sys = NULL;
    struct vmm_trace *tr = NULL;
    int rc = vmm_system_create(&c, &sys, msg, msglen);
    if (rc == 0)
        rc = vmm_trace_open(path, VMM_FMT_AUTO, 4096, &tr, msg, msglen);
    if (rc == 0) {
        rc = vmm_replay(sys, &tr, 1);
        if (rc < 0)
            snprintf(msg, msglen, "%s", vmm_system_error(sys));
        vmm_stats_get(sys, st);
    }
    vmm_trace_close(tr);
    vmm_system_destroy(sys);
    return rc;
}

TEST(vmt_replay_same_stats)
{
    /* traces of a program's shape (addresses below 2^48, few pages) */
    const char *in[3] = {path_of("r.lackey"), path_of("r.vmm"), path_of("r.pages")};
    FILE *f[3] = {fopen(in[0], "w"), fopen(in[1], "w"), fopen(in[2], "w")};
    CHECK(f[0] && f[1] && f[2]);
    rng = 77;
    for (int i = 0; i < 20000; i++) {
        uint64_t a = (rnd() % 2 ? 0x400000 : 0x7ffd0000) + rnd() % (64 * 4096);
        unsigned size = (unsigned)(1 + rnd() % 16);
        fprintf(f[0], "%s %llx,%u\n", (const char *[]){"I ", " L", " S", " M"}[rnd() % 4],
                (unsigned long long)a, size);
        fprintf(f[1], "%u %c %llx %u\n", (unsigned)(1 + rnd() % 3), "RWX"[rnd() % 3],
                (unsigned long long)a, size);
        fprintf(f[2], "%llu\n", (unsigned long long)(a >> 12));
    }
    for (int k = 0; k < 3; k++)
        fclose(f[k]);
    static const char *policies[] = {"lru", "fifo", "opt", "clock"};
    for (int k = 0; k < 3; k++) {
        char out[600];
        snprintf(out, sizeof out, "%s.vmt", in[k]);
        struct cmd_result r;
        CHECK_EQ_I64(run_cmd(&r, "\"$VMM\" convert '%s' '%s'", in[k], out), 0);
        CHECK_EQ_I64(r.status, 0);
        cmd_result_free(&r);
        for (int p = 0; p < 4; p++) {
            struct vmm_stats a, b;
            char ma[512] = "", mb[512] = "";
            CHECK_EQ_I64(replay_stats(in[k], policies[p], &a, ma, sizeof ma), 0);
            CHECK_EQ_I64(replay_stats(out, policies[p], &b, mb, sizeof mb), 0);
            CHECK(a.references >= 20000);
            CHECK_EQ_U64(b.references, a.references);
            CHECK_EQ_U64(b.page_faults, a.page_faults);
            CHECK_EQ_U64(b.hits, a.hits);
            CHECK_EQ_U64(b.evictions, a.evictions);
            CHECK_EQ_U64(b.writebacks, a.writebacks);
            CHECK_EQ_U64(b.tlb_hits, a.tlb_hits);
            CHECK_EQ_U64(b.tlb_misses, a.tlb_misses);
            CHECK_EQ_U64(b.processes, a.processes);
            CHECK_EQ_U64(b.time_ns, a.time_ns);
        }
    }
}

/* ---- damage ------------------------------------------------------------------------------ */

/* The references of a small .vmt with every kind of record, and its bytes. */
static struct vmm_ref *small_file(uint8_t **bytes, size_t *len, size_t *nrefs)
{
    const size_t n = 300;
    struct vmm_ref *v = random_refs(n, 11, VMM_TRACE_PIDS | VMM_TRACE_SIZES);
    const char *p = path_of("small.vmt");
    if (write_trace(p, VMM_FMT_VMT, VMM_TRACE_PIDS | VMM_TRACE_SIZES, 4096, VMM_COMPRESS_NONE, v,
                    n) < 0)
        return NULL;
    FILE *f = fopen(p, "rb");
    *bytes = malloc(1 << 16);
    *len = fread(*bytes, 1, 1 << 16, f);
    fclose(f);
    *nrefs = n;
    return v;
}

/* Reads data (len bytes) as a trace; checks that it is an error, and that the
 * references before the error are the first ones of want. Returns false
 * (after failing the test) otherwise. */
static bool must_fail(const uint8_t *data, size_t len, const struct vmm_ref *want, size_t nwant,
                      enum vmm_trace_format fmt, const char *what, size_t at)
{
    const char *p = path_of("bad.vmt");
    FILE *f = fopen(p, "wb");
    if (len)
        fwrite(data, 1, len, f);
    fclose(f);
    size_t got;
    int err;
    char msg[768];
    struct vmm_ref *out = slurp_trace(p, fmt, 4096, 64, &got, &err, msg, sizeof msg);
    bool ok = err < 0 && got <= nwant && strstr(msg, "bad.vmt") != NULL;
    for (size_t i = 0; ok && i < got; i++)
        ok = same_ref(&out[i], &want[i]);
    if (!ok)
        test_fail(__FILE__, __LINE__,
                  "%s at byte %zu (%s): error %d, %zu references (of %zu), message '%s'", what, at,
                  vmm_trace_format_name(fmt), err, got, nwant, msg);
    free(out);
    return ok;
}

TEST(vmt_truncated_at_every_byte)
{
    uint8_t *b;
    size_t len, n;
    struct vmm_ref *v = small_file(&b, &len, &n);
    CHECK(v != NULL);
    CHECK(len > 300);
    for (size_t cut = 0; cut < len; cut++) {
        if (!must_fail(b, cut, v, n, VMM_FMT_VMT, "cut", cut) ||
            !must_fail(b, cut, v, n, VMM_FMT_AUTO, "cut", cut))
            break;
    }
    free(b);
    free(v);
}

TEST(vmt_damaged_at_every_byte)
{
    uint8_t *b;
    size_t len, n;
    struct vmm_ref *v = small_file(&b, &len, &n);
    CHECK(v != NULL);
    static const uint8_t flips[] = {0x01, 0x80, 0xff, 0x10};
    for (size_t at = 0; at < len; at++) {
        for (size_t k = 0; k < sizeof flips; k++) {
            b[at] ^= flips[k];
            bool ok = must_fail(b, len, v, n, VMM_FMT_VMT, "flip", at);
            b[at] ^= flips[k];
            if (!ok)
                goto done;
        }
    }
    /* a byte more at the end, and a block repeated */
    b[len] = 0;
    if (!must_fail(b, len + 1, v, n, VMM_FMT_VMT, "extra byte", len))
        goto done;
done:
    free(b);
    free(v);
}

/* Damage in a later block: the blocks before it are returned whole, then the
 * error names the record and byte of the damaged block. */
TEST(vmt_damage_messages)
{
    struct vmm_ref *v = random_refs(100000, 12, VMM_TRACE_PAGES);
    const char *p = path_of("big.vmt");
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, VMM_TRACE_PAGES, 4096, VMM_COMPRESS_NONE, v, 100000),
                 0);
    FILE *f = fopen(p, "rb");
    uint8_t *b = malloc(1 << 20);
    size_t len = fread(b, 1, 1 << 20, f);
    fclose(f);
    CHECK(len > 2 * 65536);
    /* the second block starts after the header, the first block's header and payload */
    uint32_t first_len = (uint32_t)b[16] | (uint32_t)b[17] << 8 | (uint32_t)b[18] << 16;
    uint32_t first_count = (uint32_t)b[20] | (uint32_t)b[21] << 8 | (uint32_t)b[22] << 16;
    size_t second = 16 + 16 + first_len;
    b[second + 20] ^= 4;
    char want[200], msg[768];
    snprintf(want, sizeof want, "big.vmt: record %u at byte %zu: the checksum of this block",
             first_count + 1, second);
    f = fopen(p, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
    size_t got;
    int err;
    struct vmm_ref *out = slurp_trace(p, VMM_FMT_AUTO, 4096, 4096, &got, &err, msg, sizeof msg);
    CHECK_EQ_I64(err, VMM_EPARSE);
    CHECK_EQ_U64(got, first_count);
    CHECK_CONTAINS(msg, want);
    free(out);
    b[second + 20] ^= 4;
    /* cut at the end block */
    f = fopen(p, "wb");
    fwrite(b, 1, len - 16, f);
    fclose(f);
    out = slurp_trace(p, VMM_FMT_AUTO, 4096, 4096, &got, &err, msg, sizeof msg);
    CHECK_EQ_I64(err, VMM_EPARSE);
    CHECK_EQ_U64(got, 100000);
    CHECK_CONTAINS(msg, "record 100001 at byte");
    CHECK_CONTAINS(msg, "the trace ends without its end block (truncated after 100000 records)");
    free(out);
    /* a block lost: the next block's checksum (seeded with its first record) fails */
    size_t second_len =
        (size_t)b[second] | (size_t)b[second + 1] << 8 | (size_t)b[second + 2] << 16;
    size_t third = second + 16 + second_len;
    memmove(b + second, b + third, len - third);
    f = fopen(p, "wb");
    fwrite(b, 1, len - (third - second), f);
    fclose(f);
    out = slurp_trace(p, VMM_FMT_AUTO, 4096, 4096, &got, &err, msg, sizeof msg);
    CHECK_EQ_I64(err, VMM_EPARSE);
    CHECK_EQ_U64(got, first_count);
    CHECK_CONTAINS(msg, "does not match: the data is damaged");
    free(out);
    free(b);
    free(v);
    /* not a .vmt at all, and a newer version */
    static const uint8_t junk[16] = {0x89, 'V', 'M', 'X'};
    f = fopen(path_of("x.vmt"), "wb");
    fwrite(junk, 1, sizeof junk, f);
    fclose(f);
    out = slurp_trace(path_of("x.vmt"), VMM_FMT_VMT, 4096, 10, &got, &err, msg, sizeof msg);
    CHECK_EQ_I64(err, VMM_EPARSE);
    CHECK_CONTAINS(msg, "not a .vmt trace");
    free(out);
}

/* ---- the writer's refusals, compression, the address width --------------------------------- */

TEST(vmt_writer_refusals)
{
    struct vmm_trace_writer *w;
    char err[512];
    FILE *f = fopen(path_of("w.vmt"), "wb");
    CHECK(f != NULL);
    CHECK_EQ_I64(
        vmm_trace_writer_open(f, VMM_FMT_LACKEY, 0, 4096, VMM_COMPRESS_NONE, &w, err, sizeof err),
        VMM_EINVAL);
    CHECK_CONTAINS(err, "cannot write the lackey format");
    CHECK_EQ_I64(
        vmm_trace_writer_open(f, VMM_FMT_VMT, 0, 4000, VMM_COMPRESS_NONE, &w, err, sizeof err),
        VMM_EINVAL);
    /* a pid without VMM_TRACE_PIDS */
    CHECK_EQ_I64(
        vmm_trace_writer_open(f, VMM_FMT_VMT, 0, 4096, VMM_COMPRESS_NONE, &w, err, sizeof err), 0);
    struct vmm_ref r = {0x1000, 2, 1, VMM_READ};
    CHECK_EQ_I64(vmm_trace_write(w, &r, 1), VMM_ERANGE);
    CHECK_CONTAINS(vmm_trace_writer_error(w), "reference 1: pid 2, but this .vmt was opened "
                                              "without pids");
    CHECK_EQ_I64(vmm_trace_writer_finish(w), VMM_ERANGE); /* sticky */
    vmm_trace_writer_free(w);
    /* page numbers: an address inside a page */
    CHECK_EQ_I64(vmm_trace_writer_open(f, VMM_FMT_VMT, VMM_TRACE_PAGES, 4096, VMM_COMPRESS_NONE, &w,
                                       err, sizeof err),
                 0);
    r = (struct vmm_ref){0x1008, 1, 1, VMM_READ};
    CHECK_EQ_I64(vmm_trace_write(w, &r, 1), VMM_ERANGE);
    CHECK_CONTAINS(vmm_trace_writer_error(w), "is not at a page start");
    vmm_trace_writer_free(w);
    /* u32: a page number of 2^32 */
    CHECK_EQ_I64(
        vmm_trace_writer_open(f, VMM_FMT_U32LE, 0, 4096, VMM_COMPRESS_NONE, &w, err, sizeof err),
        0);
    r = (struct vmm_ref){1ull << 44, 1, 1, VMM_READ};
    CHECK_EQ_I64(vmm_trace_write(w, &r, 1), VMM_ERANGE);
    CHECK_CONTAINS(vmm_trace_writer_error(w), "page number 4294967296 does not fit in the 32 "
                                              "bits of u32le");
    vmm_trace_writer_free(w);
    fclose(f);
}

TEST(vmt_compressed)
{
    struct vmm_ref *v = random_refs(50000, 13, VMM_TRACE_SIZES);
    static const enum vmm_compress comps[] = {VMM_COMPRESS_GZIP, VMM_COMPRESS_XZ};
    for (int k = 0; k < 2; k++) {
        bool have = k == 0 ? vmm_have_gzip() : vmm_have_xz();
        const char *p = path_of(k == 0 ? "c.vmt.gz" : "c.vmt.xz");
        FILE *f = fopen(p, "wb");
        struct vmm_trace_writer *w;
        char err[512];
        int rc = vmm_trace_writer_open(f, VMM_FMT_VMT, VMM_TRACE_SIZES, 4096, comps[k], &w, err,
                                       sizeof err);
        if (!have) {
            CHECK_EQ_I64(rc, VMM_EUNSUPPORTED);
            CHECK_CONTAINS(err, "this vmm was built without");
            fclose(f);
            continue;
        }
        CHECK_EQ_I64(rc, 0);
        CHECK_EQ_I64(vmm_trace_write(w, v, 50000), 0);
        CHECK_EQ_I64(vmm_trace_writer_finish(w), 0);
        vmm_trace_writer_free(w);
        fclose(f);
        size_t got;
        int e;
        char msg[512];
        struct vmm_trace *tr;
        CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 4096, &tr, msg, sizeof msg), 0);
        CHECK_STR_EQ(vmm_trace_compression(tr), k == 0 ? "gzip" : "xz");
        CHECK_EQ_U64(vmm_trace_format_of(tr), VMM_FMT_VMT);
        CHECK_EQ_U64(vmm_trace_fields(tr), VMM_TRACE_SIZES);
        CHECK_EQ_U64(vmm_trace_page_size_hint(tr), 4096);
        vmm_trace_close(tr);
        struct vmm_ref *out = slurp_trace(p, VMM_FMT_AUTO, 4096, 4096, &got, &e, msg, sizeof msg);
        CHECK_EQ_I64(e, 0);
        CHECK_EQ_U64(got, 50000);
        for (size_t i = 0; i < got; i++)
            CHECK(same_ref(&out[i], &v[i]));
        free(out);
    }
    free(v);
    if (!vmm_have_gzip() || !vmm_have_xz())
        SKIP("gzip or xz is not compiled in (the refusal was checked)");
}

TEST(vmt_address_width)
{
    struct vmm_ref r[2] = {{0x1000, 1, 1, VMM_READ}, {1ull << 50, 1, 1, VMM_WRITE}};
    const char *p = path_of("wide.vmt");
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, 0, 4096, VMM_COMPRESS_NONE, r, 2), 0);
    struct vmm_trace *tr;
    char msg[512];
    CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 4096, &tr, msg, sizeof msg), 0);
    vmm_trace_set_va_bits(tr, 48);
    struct vmm_ref out[4];
    CHECK_EQ_I64(vmm_trace_read(tr, out, 4), 1);
    CHECK_EQ_I64(vmm_trace_read(tr, out, 4), VMM_ERANGE);
    CHECK_CONTAINS(vmm_trace_error(tr), "wide.vmt: record 2 at byte 35: address "
                                        "0x4000000000000 is beyond the 48-bit virtual address "
                                        "space (a wider one: --va-bits 57)");
    vmm_trace_close(tr);
    /* page numbers too large for the page size */
    struct vmm_ref big = {UINT64_MAX & ~4095ull, 1, 1, VMM_READ};
    CHECK_EQ_I64(write_trace(p, VMM_FMT_VMT, VMM_TRACE_PAGES, 4096, VMM_COMPRESS_NONE, &big, 1), 0);
    CHECK_EQ_I64(vmm_trace_open(p, VMM_FMT_AUTO, 8192, &tr, msg, sizeof msg), 0);
    CHECK_EQ_I64(vmm_trace_read(tr, out, 4), VMM_ERANGE);
    CHECK_CONTAINS(vmm_trace_error(tr), "page number 4503599627370495 is too large for 8192-byte "
                                        "pages");
    vmm_trace_close(tr);
}
