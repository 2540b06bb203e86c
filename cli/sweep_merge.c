/*
 * sweep_merge.c - `vmm sweep --merge FILE...`: joins the shards of a sweep
 * (vmm sweep --shard K/N, one JSON object each) into the whole sweep, which
 * cli/sweep.c then prints as an unsharded run would.
 *
 * A shard is trusted only as far as it is checked. Each file must be a
 * shard (its first key "vmm_sweep_shard", of a format this vmm reads), well
 * formed, with every key once and none unknown, values in their ranges. The
 * files must be the shards of one sweep: every field that decides a point's
 * count (the trace's fingerprint, references and distinct pages, page size,
 * address width, seed, frame counts, policies, their methods, the number of
 * tasks and of shards) equal to the first file's; shards 1 .. N each given
 * once; every (policy, frame count) point in exactly one of them. Only
 * "input" and "format" may differ (the same trace can lie at other paths, in
 * other formats, on other machines; the fingerprint is of its references):
 * the merged output names shard 1's. Belady's anomaly is marked again over
 * the joined curve, since neighbouring points may come from different shards.
 */
#include "cli.h"
#include "json.h"
#include "sweep.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAMES_TOP 4294967294u /* the most frames a sweep point may have (src/sweep.c) */
#define REFS_TOP   4294967294u /* the most page references a sweep holds (vmm.h) */
#define POLICY_MAX 256         /* bytes of one policy with its parameters, NUL included */

/* The keys of a shard, in the order vmm sweep --shard writes them. */
enum key {
    K_VERSION,
    K_SHARD,
    K_SHARDS,
    K_TASKS,
    K_INPUT,
    K_FORMAT,
    K_PAGE_SIZE,
    K_VA_BITS,
    K_DATA,
    K_TLB,
    K_REPLACEMENT,
    K_SEED,
    K_REFERENCES,
    K_DISTINCT,
    K_FINGERPRINT,
    K_FRAMES,
    K_POLICIES,
    K_COUNT
};

static const char *const key_name[K_COUNT] = {
    "vmm_sweep_shard", "shard",          "shards",      "tasks",       "input",       "format",
    "page_size",       "va_bits",        "data",        "tlb_entries", "replacement", "seed",
    "references",      "distinct_pages", "fingerprint", "frames",      "policies",
};

/* One point as a shard gives it. */
struct point {
    size_t pol;      /* the policy's index */
    uint64_t frames; /* its frame count */
    uint64_t faults; /* page faults */
    const char *at;  /* where it is in the text, for messages */
};

/* One shard file as read. */
struct shard {
    const char *file;                                 /* its name, for messages */
    uint64_t v[K_COUNT];                              /* the numbers, by key (fingerprint too) */
    const char *at[K_COUNT];                          /* where each value is in the text */
    char input[1024];                                 /* "input" */
    char format[64];                                  /* "format" */
    uint64_t *frames;                                 /* "frames" (malloc'd) */
    size_t nframes, frames_cap;                       /* how many, room */
    char policy_buf[SWEEP_POLICY_BUF];                /* the policies, each NUL-terminated */
    size_t policy_used;                               /* bytes of policy_buf used */
    const char *policies[SWEEP_MAX_POLICIES];         /* into policy_buf */
    enum vmm_sweep_method method[SWEEP_MAX_POLICIES]; /* each one's "method" */
    size_t npolicies;                                 /* how many */
    struct point *pts;                                /* every policy's points (malloc'd) */
    size_t npts, pts_cap;                             /* how many, room */
};

static void shard_free(struct shard *s)
{
    free(s->frames);
    free(s->pts);
}

/* Grows *v (of *cap elements of size sz) to hold n + 1. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *nv = realloc(*v, nc * sz);
    if (!nv)
        return -1;
    *v = nv;
    *cap = nc;
    return 0;
}

/* ---- reading one shard ------------------------------------------------------------ */

/* "frames": [1, 2, 4, ...], ascending from 1, at most VMM_SWEEP_MAX_POINTS. */
static int read_frames(struct json_reader *r, struct shard *s)
{
    int more = json_open(r, '[', "\"frames\", an array");
    if (more == 0)
        return json_fail(r, s->at[K_FRAMES], "\"frames\" is empty: a sweep has frame counts");
    for (; more == 1; more = json_more(r, '[')) {
        const char *at = json_here(r);
        uint64_t f;
        if (json_u64(r, &f, "a frame count") < 0)
            return -1;
        if (f < 1 || f > FRAMES_TOP)
            return json_fail(r, at, "frame count %" PRIu64 ": frame counts run from 1 to %u", f,
                             FRAMES_TOP);
        if (s->nframes && f <= s->frames[s->nframes - 1])
            return json_fail(
                r, at, "frame count %" PRIu64 " after %" PRIu64 ": the frame counts must ascend", f,
                s->frames[s->nframes - 1]);
        if (s->nframes == VMM_SWEEP_MAX_POINTS)
            return json_fail(r, at, "more than %u frame counts", (unsigned)VMM_SWEEP_MAX_POINTS);
        if (grow((void **)&s->frames, &s->frames_cap, s->nframes, sizeof *s->frames) < 0)
            return json_fail(r, at, "out of memory");
        s->frames[s->nframes++] = f;
    }
    return more;
}

/* The next key of an object of `what` (a point, a policy): which of the
 * three names it is (0 .. 2), marked seen; or -1 after a message (another
 * key, or one given twice). */
static int known_key(struct json_reader *r, const char *const names[3], bool seen[3],
                     const char *what)
{
    char key[32];
    const char *kat = json_here(r);
    int k = 0;
    if (json_key(r, key, sizeof key) < 0)
        return -1;
    while (k < 3 && strcmp(key, names[k]) != 0)
        k++;
    if (k == 3)
        return json_fail(r, kat, "unexpected key \"%s\" in %s", key, what);
    if (seen[k])
        return json_fail(r, kat, "\"%s\" is given twice", key);
    seen[k] = true;
    return k;
}

/* One point: {"frames": F, "faults": N, "fault_rate": R} (the rate is
 * checked as a number and recomputed when printed). */
static int read_point(struct json_reader *r, struct shard *s, size_t pol)
{
    static const char *const names[3] = {"frames", "faults", "fault_rate"};
    bool seen[3] = {false, false, false};
    struct point pt = {pol, 0, 0, json_here(r)};
    int more = json_open(r, '{', "a point, an object");
    for (; more == 1; more = json_more(r, '{')) {
        int k = known_key(r, names, seen, "a point");
        if (k < 0 || (k == 0 && json_u64(r, &pt.frames, "\"frames\"") < 0) ||
            (k == 1 && json_u64(r, &pt.faults, "\"faults\"") < 0) ||
            (k == 2 && json_number(r, "\"fault_rate\"") < 0))
            return -1;
    }
    if (more < 0)
        return -1;
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return json_fail(r, pt.at, "the point has no \"%s\"", names[k]);
    if (grow((void **)&s->pts, &s->pts_cap, s->npts, sizeof *s->pts) < 0)
        return json_fail(r, pt.at, "out of memory");
    s->pts[s->npts++] = pt;
    return 0;
}

/* One policy: {"policy": NAME, "method": "one-pass"|"per-point", "points": [...]}. */
static int read_policy(struct json_reader *r, struct shard *s)
{
    static const char *const names[3] = {"policy", "method", "points"};
    char name[POLICY_MAX], method[32];
    bool seen[3] = {false, false, false};
    size_t pol = s->npolicies, len = 0;
    const char *at = json_here(r);
    if (pol == SWEEP_MAX_POLICIES)
        return json_fail(r, at, "more than %d policies", SWEEP_MAX_POLICIES);
    int more = json_open(r, '{', "a policy, an object");
    for (; more == 1; more = json_more(r, '{')) {
        int k = known_key(r, names, seen, "a policy");
        if (k < 0)
            return -1;
        const char *vat = json_here(r);
        if (k == 0) {
            if (json_string(r, name, sizeof name, &len, "\"policy\"") < 0)
                return -1;
            if (len == 0 || strlen(name) != len)
                return json_fail(r, vat, "\"policy\" is empty");
        } else if (k == 1) {
            if (json_string(r, method, sizeof method, NULL, "\"method\"") < 0)
                return -1;
            if (strcmp(method, "one-pass") == 0)
                s->method[pol] = VMM_SWEEP_ONE_PASS;
            else if (strcmp(method, "per-point") == 0)
                s->method[pol] = VMM_SWEEP_PER_POINT;
            else
                return json_fail(r, vat, "\"method\" is \"%s\": expected one-pass or per-point",
                                 method);
        } else {
            int pm = json_open(r, '[', "\"points\", an array");
            for (; pm == 1; pm = json_more(r, '['))
                if (read_point(r, s, pol) < 0)
                    return -1;
            if (pm < 0)
                return -1;
        }
    }
    if (more < 0)
        return -1;
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return json_fail(r, at, "the policy has no \"%s\"", names[k]);
    if (s->policy_used + len + 1 > sizeof s->policy_buf)
        return json_fail(r, at, "the policies take more than %zu bytes", sizeof s->policy_buf - 1);
    s->policies[pol] = memcpy(s->policy_buf + s->policy_used, name, len + 1);
    s->policy_used += len + 1;
    s->npolicies++;
    return 0;
}

/* A key's value at the top level of a shard. */
static int read_value(struct json_reader *r, struct shard *s, enum key k)
{
    const char *at = s->at[k];
    char text[32];
    bool b;
    switch (k) {
    case K_INPUT:
        return json_string(r, s->input, sizeof s->input, NULL, "\"input\"");
    case K_FORMAT:
        return json_string(r, s->format, sizeof s->format, NULL, "\"format\"");
    case K_DATA:
        if (json_bool(r, &b, "\"data\"") < 0)
            return -1;
        return b ? json_fail(r, at, "\"data\" is true: sweeps run with data off") : 0;
    case K_REPLACEMENT:
        if (json_string(r, text, sizeof text, NULL, "\"replacement\"") < 0)
            return -1;
        return strcmp(text, "global") == 0
                   ? 0
                   : json_fail(r, at, "\"replacement\" is \"%s\": sweeps replace globally", text);
    case K_FINGERPRINT: {
        size_t len;
        char *end;
        if (json_string(r, text, sizeof text, &len, "\"fingerprint\"") < 0)
            return -1;
        s->v[k] = strtoull(text, &end, 16);
        if (len != 16 || strspn(text, "0123456789abcdef") != 16 || *end)
            return json_fail(r, at, "\"fingerprint\" is \"%s\": expected 16 hex digits", text);
        return 0;
    }
    case K_FRAMES:
        return read_frames(r, s);
    case K_POLICIES: {
        int more = json_open(r, '[', "\"policies\", an array");
        if (more == 0)
            return json_fail(r, at, "\"policies\" is empty: a sweep has policies");
        for (; more == 1; more = json_more(r, '['))
            if (read_policy(r, s) < 0)
                return -1;
        return more;
    }
    default: /* the whole numbers */
        snprintf(text, sizeof text, "\"%s\"", key_name[k]);
        return json_u64(r, &s->v[k], text);
    }
}

/* Checks the values against their ranges and each other. */
static int check_shard(struct json_reader *r, struct shard *s)
{
    const uint64_t *v = s->v;
    const char *const *at = s->at;
    if (v[K_SHARDS] < 1 || v[K_SHARDS] > UINT32_MAX)
        return json_fail(r, at[K_SHARDS], "\"shards\" is %" PRIu64 ": expected 1 .. %u",
                         v[K_SHARDS], UINT32_MAX);
    if (v[K_SHARD] < 1 || v[K_SHARD] > v[K_SHARDS])
        return json_fail(r, at[K_SHARD],
                         "shard %" PRIu64 " of %" PRIu64 ": shards run from 1 to %" PRIu64,
                         v[K_SHARD], v[K_SHARDS], v[K_SHARDS]);
    if (v[K_PAGE_SIZE] < 512 || v[K_PAGE_SIZE] > (1u << 30) ||
        (v[K_PAGE_SIZE] & (v[K_PAGE_SIZE] - 1)))
        return json_fail(r, at[K_PAGE_SIZE],
                         "\"page_size\" is %" PRIu64 ": expected a power of two from 512",
                         v[K_PAGE_SIZE]);
    if (v[K_VA_BITS] < 12 || v[K_VA_BITS] > 64)
        return json_fail(r, at[K_VA_BITS], "\"va_bits\" is %" PRIu64 ": expected 12 .. 64",
                         v[K_VA_BITS]);
    if (v[K_TLB] != 0)
        return json_fail(r, at[K_TLB], "\"tlb_entries\" is %" PRIu64 ": sweeps run without a TLB",
                         v[K_TLB]);
    if (v[K_REFERENCES] > REFS_TOP)
        return json_fail(r, at[K_REFERENCES],
                         "\"references\" is %" PRIu64 ": a sweep holds at most %u", v[K_REFERENCES],
                         REFS_TOP);
    if (v[K_DISTINCT] > v[K_REFERENCES])
        return json_fail(r, at[K_DISTINCT],
                         "\"distinct_pages\" is %" PRIu64 ", more than the %" PRIu64 " references",
                         v[K_DISTINCT], v[K_REFERENCES]);
    for (size_t i = 0; i < s->npts; i++) {
        struct point *p = &s->pts[i];
        if (p->faults > v[K_REFERENCES])
            return json_fail(r, p->at,
                             "%s: %" PRIu64 " faults, more than the %" PRIu64 " references",
                             s->policies[p->pol], p->faults, v[K_REFERENCES]);
        size_t lo = 0, hi = s->nframes;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->frames[mid] < p->frames)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == s->nframes || s->frames[lo] != p->frames)
            return json_fail(r, p->at,
                             "%s at %" PRIu64 " frame%s: not one of the sweep's frame counts",
                             s->policies[p->pol], p->frames, p->frames == 1 ? "" : "s");
        p->frames = lo; /* from here on, the point's index */
    }
    return 0;
}

/* Reads one shard from text into s. Returns 0, or -1 with the message in r->err. */
static int read_shard(struct json_reader *r, struct shard *s)
{
    char key[32];
    bool seen[K_COUNT] = {false};
    const char *start = json_here(r);
    if (r->p == r->end)
        return json_fail(r, start, "an empty file, not a vmm sweep shard");
    if (*r->p != '{') {
        unsigned char c = (unsigned char)*r->p;
        return json_fail(r, start,
                         c > 0x20 && c < 0x7f
                             ? "not a vmm sweep shard: expected a JSON object ('{'), found '%c'"
                             : "not a vmm sweep shard: expected a JSON object ('{'), found byte "
                               "0x%02x",
                         c);
    }
    int more = json_open(r, '{', "a vmm sweep shard, a JSON object");
    if (more == 0)
        return json_fail(r, start, "an empty object, not a vmm sweep shard");
    for (bool first = true; more == 1; more = json_more(r, '{'), first = false) {
        const char *kat = json_here(r);
        int k = 0;
        if (json_key(r, key, sizeof key) < 0)
            return -1;
        while (k < K_COUNT && strcmp(key, key_name[k]) != 0)
            k++;
        if (first && k != K_VERSION)
            return json_fail(r, kat,
                             "not a vmm sweep shard: the first key is \"%s\", not "
                             "\"vmm_sweep_shard\" (shards come from vmm sweep --shard K/N)",
                             key);
        if (k == K_COUNT)
            return json_fail(r, kat, "unexpected key \"%s\" in a vmm sweep shard", key);
        if (seen[k])
            return json_fail(r, kat, "\"%s\" is given twice", key);
        seen[k] = true;
        s->at[k] = json_here(r);
        if (read_value(r, s, (enum key)k) < 0)
            return -1;
        if (k == K_VERSION && s->v[k] != SWEEP_SHARD_FORMAT)
            return json_fail(r, s->at[k], "a shard of format %" PRIu64 "; this vmm reads format %d",
                             s->v[k], SWEEP_SHARD_FORMAT);
    }
    if (more < 0)
        return -1;
    for (int k = 0; k < K_COUNT; k++)
        if (!seen[k])
            return json_fail(r, start, "the shard has no \"%s\"", key_name[k]);
    if (json_end(r) < 0)
        return -1;
    return check_shard(r, s);
}

/* Reads the whole file ("-": standard input) into *text. Returns EXIT_OK or
 * an exit code after the message. */
static int slurp(const char *path, char **text, size_t *len)
{
    bool std = strcmp(path, "-") == 0;
    FILE *f = std ? stdin : fopen(path, "rb");
    size_t n = 0, cap = 0;
    char *buf = NULL;
    if (!f)
        return cli_error(EXIT_INPUT, "%s: cannot open: %s", path, strerror(errno));
    for (;;) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                if (!std)
                    fclose(f);
                return cli_error(EXIT_RUNTIME, "%s: out of memory reading it", path);
            }
            buf = nb;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    if (!std)
        fclose(f);
    if (bad) {
        free(buf);
        return cli_error(EXIT_INPUT, "%s: cannot read: %s", path, strerror(errno));
    }
    *text = buf;
    *len = n;
    return EXIT_OK;
}

/* ---- joining the shards ------------------------------------------------------------- */

/* Says which field of s differs from the first shard's, t; EXIT_OK if none. */
static int same_sweep(const struct shard *s, const struct shard *t)
{
    static const enum key numbers[] = {K_SHARDS,    K_FINGERPRINT, K_REFERENCES, K_DISTINCT,
                                       K_PAGE_SIZE, K_VA_BITS,     K_SEED};
    const char *what = "shards of different sweeps";
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        enum key k = numbers[i];
        if (s->v[k] == t->v[k])
            continue;
        if (k == K_FINGERPRINT)
            return cli_error(EXIT_INPUT,
                             "%s: %s: \"fingerprint\" is %016" PRIx64 " here, %016" PRIx64
                             " in %s (another trace)",
                             s->file, what, s->v[k], t->v[k], t->file);
        return cli_error(EXIT_INPUT, "%s: %s: \"%s\" is %" PRIu64 " here, %" PRIu64 " in %s",
                         s->file, what, key_name[k], s->v[k], t->v[k], t->file);
    }
    if (s->nframes != t->nframes)
        return cli_error(EXIT_INPUT, "%s: %s: \"frames\" holds %zu counts here, %zu in %s", s->file,
                         what, s->nframes, t->nframes, t->file);
    for (size_t i = 0; i < s->nframes; i++)
        if (s->frames[i] != t->frames[i])
            return cli_error(EXIT_INPUT,
                             "%s: %s: \"frames\": count %zu is %" PRIu64 " here, %" PRIu64 " in %s",
                             s->file, what, i + 1, s->frames[i], t->frames[i], t->file);
    if (s->npolicies != t->npolicies)
        return cli_error(EXIT_INPUT, "%s: %s: \"policies\" holds %zu here, %zu in %s", s->file,
                         what, s->npolicies, t->npolicies, t->file);
    for (size_t i = 0; i < s->npolicies; i++) {
        if (strcmp(s->policies[i], t->policies[i]) != 0)
            return cli_error(EXIT_INPUT, "%s: %s: policy %zu is \"%s\" here, \"%s\" in %s", s->file,
                             what, i + 1, s->policies[i], t->policies[i], t->file);
        if (s->method[i] != t->method[i])
            return cli_error(
                EXIT_INPUT, "%s: %s: the \"method\" of %s is %s here, %s in %s", s->file, what,
                s->policies[i], s->method[i] == VMM_SWEEP_ONE_PASS ? "one-pass" : "per-point",
                t->method[i] == VMM_SWEEP_ONE_PASS ? "one-pass" : "per-point", t->file);
    }
    if (s->v[K_TASKS] != t->v[K_TASKS])
        return cli_error(EXIT_INPUT, "%s: %s: \"tasks\" is %" PRIu64 " here, %" PRIu64 " in %s",
                         s->file, what, s->v[K_TASKS], t->v[K_TASKS], t->file);
    return EXIT_OK;
}

/* Takes the first shard's description of the sweep into m. */
static int adopt(struct sweep_merged *m, const struct shard *s)
{
    struct vmm_sweep_result *res = &m->res;
    size_t np = s->npolicies, nf = s->nframes;
    memcpy(m->policy_buf, s->policy_buf, sizeof m->policy_buf);
    for (size_t i = 0; i < np; i++)
        m->policies[i] = m->policy_buf + (s->policies[i] - s->policy_buf);
    m->npolicies = np;
    m->page_size = (uint32_t)s->v[K_PAGE_SIZE];
    m->va_bits = (unsigned)s->v[K_VA_BITS];
    m->seed = s->v[K_SEED];
    res->npolicies = np;
    res->nframes = nf;
    res->references = s->v[K_REFERENCES];
    res->distinct = s->v[K_DISTINCT];
    res->fingerprint = s->v[K_FINGERPRINT];
    res->tasks = res->tasks_run = (size_t)s->v[K_TASKS];
    res->frames = malloc(nf * sizeof *res->frames);
    res->faults = calloc(np * nf, sizeof *res->faults);
    res->computed = calloc(np * nf, sizeof *res->computed);
    res->anomaly = calloc(np * nf, sizeof *res->anomaly);
    res->method = calloc(np, sizeof *res->method);
    if (!res->frames || !res->faults || !res->computed || !res->anomaly || !res->method)
        return cli_error(EXIT_RUNTIME, "out of memory for the merged sweep");
    memcpy(res->frames, s->frames, nf * sizeof *res->frames);
    memcpy(res->method, s->method, np * sizeof *res->method);
    return EXIT_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Says which shards of n are missing, given the nk shard numbers ks (sorted,
 * distinct, each 1 .. n, nk < n). */
static int missing(const uint64_t *ks, size_t nk, uint64_t n)
{
    char list[256] = "";
    size_t len = 0, j = 0, listed = 0;
    for (uint64_t k = 1; k <= n && listed < 10; k++) {
        if (j < nk && ks[j] == k) {
            j++;
            continue;
        }
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%" PRIu64, listed ? ", " : "", k);
        listed++;
    }
    uint64_t gone = n - nk;
    if (gone == 1)
        return cli_error(EXIT_INPUT, "--merge: shard %s of %" PRIu64 " is missing", list, n);
    return cli_error(EXIT_INPUT, "--merge: %" PRIu64 " shards of %" PRIu64 " are missing: %s%s",
                     gone, n, list, gone > 10 ? ", ..." : "");
}

/* A file's name in messages. */
static const char *shown(const char *path)
{
    return strcmp(path, "-") == 0 ? "stdin" : path;
}

void sweep_merged_free(struct sweep_merged *m)
{
    vmm_sweep_result_free(&m->res);
}

int sweep_merge(char **files, int nfiles, struct sweep_merged *m)
{
    struct shard *first = calloc(1, sizeof *first), *s = calloc(1, sizeof *s);
    uint64_t *ks = calloc((size_t)nfiles, sizeof *ks); /* the shard numbers given, by file */
    int *owner = NULL;                                 /* [point]: the file that gave it */
    char *text = NULL;
    int r = EXIT_RUNTIME;
    memset(m, 0, sizeof *m);
    if (!ks || !first || !s) {
        r = cli_error(EXIT_RUNTIME, "out of memory");
        goto out;
    }
    for (int f = 0; f < nfiles; f++) {
        struct json_reader jr;
        struct shard *cur = f == 0 ? first : s;
        size_t len = 0;
        if (f > 0) {
            shard_free(s);
            memset(s, 0, sizeof *s);
        }
        cur->file = shown(files[f]);
        if ((r = slurp(files[f], &text, &len)) != EXIT_OK)
            goto out;
        json_init(&jr, cur->file, text, len);
        if (read_shard(&jr, cur) < 0) {
            r = cli_error(EXIT_INPUT, "%s", jr.err);
            goto out;
        }
        if (f == 0) {
            if ((r = adopt(m, first)) != EXIT_OK)
                goto out;
            if (!(owner = malloc(first->npolicies * first->nframes * sizeof *owner))) {
                r = cli_error(EXIT_RUNTIME, "out of memory");
                goto out;
            }
            for (size_t i = 0; i < first->npolicies * first->nframes; i++)
                owner[i] = -1;
        } else if ((r = same_sweep(cur, first)) != EXIT_OK) {
            goto out;
        }
        for (int g = 0; g < f; g++)
            if (ks[g] == cur->v[K_SHARD]) {
                r = cli_error(EXIT_INPUT,
                              "%s: shard %" PRIu64 " of %" PRIu64 " is given twice (first by %s)",
                              cur->file, cur->v[K_SHARD], cur->v[K_SHARDS], shown(files[g]));
                goto out;
            }
        ks[f] = cur->v[K_SHARD];
        if (cur->v[K_SHARD] == 1) { /* the merged output names shard 1's input */
            snprintf(m->input, sizeof m->input, "%s", cur->input);
            snprintf(m->format, sizeof m->format, "%s", cur->format);
        }
        for (size_t i = 0; i < cur->npts; i++) {
            const struct point *p = &cur->pts[i];
            size_t at = p->pol * first->nframes + p->frames;
            if (owner[at] >= 0) {
                json_fail(&jr, p->at, "%s at %" PRIu64 " frame%s: %s%s", cur->policies[p->pol],
                          first->frames[p->frames], first->frames[p->frames] == 1 ? "" : "s",
                          owner[at] == f ? "given twice in this file" : "also in ",
                          owner[at] == f ? "" : shown(files[owner[at]]));
                r = cli_error(EXIT_INPUT, "%s", jr.err);
                goto out;
            }
            owner[at] = f;
            m->res.faults[at] = p->faults;
            m->res.computed[at] = true;
        }
        free(text);
        text = NULL;
    }
    qsort(ks, (size_t)nfiles, sizeof *ks, cmp_u64);
    if ((uint64_t)nfiles < first->v[K_SHARDS]) {
        r = missing(ks, (size_t)nfiles, first->v[K_SHARDS]);
        goto out;
    }
    for (size_t i = 0; i < first->npolicies * first->nframes; i++)
        if (owner[i] < 0) {
            r = cli_error(EXIT_INPUT,
                          "--merge: no shard holds %s at %" PRIu64
                          " frame%s (shards written by another vmm?)",
                          first->policies[i / first->nframes], first->frames[i % first->nframes],
                          first->frames[i % first->nframes] == 1 ? "" : "s");
            goto out;
        }
    vmm_sweep_mark_anomalies(&m->res);
    r = EXIT_OK;
out:
    free(text);
    free(owner);
    free(ks);
    if (first)
        shard_free(first);
    if (s)
        shard_free(s);
    free(first);
    free(s);
    return r;
}
