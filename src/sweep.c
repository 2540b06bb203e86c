/*
 * sweep.c - fault curves (`vmm sweep`): the page faults of several policies
 * at many frame counts over one trace.
 *
 * The trace is read once and its pages numbered as it streams: dense page
 * ids (4 bytes a page reference) and, if opt is asked for, next uses (4
 * bytes each); the page references themselves (16 bytes each) are kept only
 * when a point may be simulated (vmm_sweep_read). All of it is shared
 * read-only. Then:
 *
 *  - lru's whole curve comes from one pass of stack distances (stackdist.c);
 *  - opt's too, with Mattson's OPT stack cut at the largest frame count,
 *    where that is expected to cost less than simulating each point;
 *  - every other point is one engine simulation (a vmm_system of its own,
 *    data off, no TLB, global replacement), run by up to `jobs` threads.
 *
 * Points are tasks numbered in order (one-pass curves first, one task each;
 * then policy by policy, frame counts ascending); threads take the next task
 * under a mutex and write only their task's slots, so the results do not
 * depend on the number of threads. After a task fails no new task is handed
 * out; the error reported is that of the lowest-numbered failing task, which
 * every run reaches, since tasks are handed out in order.
 *
 * Shard K of N keeps the tasks i with i mod N = K - 1 of that list and drops
 * the rest. The list depends only on the spec and the trace (the methods and
 * the default frame counts on its distinct pages), so every shard, on any
 * machine, draws the same one. Round robin rather than a balance of guessed
 * costs: the one-pass curves, the long tasks, come first and so fall on
 * different shards, and each shard gets an even share of every policy's
 * simulated points, small frame counts and large alike.
 */
#include "internal.h"
#include "stackdist.h"
#include "sweep.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FRAMES_TOP (UINT32_MAX - 1u) /* the most frames a sweep point may have */

/* ---- frame-count specifications --------------------------------------------------- */

/* A number at *s: digits and an optional K, M or G (binary). Advances *s. */
static int spec_number(const char **s, uint64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    if (*p < '0' || *p > '9')
        return VMM_EPARSE;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return VMM_ERANGE;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    unsigned shift = *p == 'k' || *p == 'K'   ? 10
                     : *p == 'm' || *p == 'M' ? 20
                     : *p == 'g' || *p == 'G' ? 30
                                              : 0;
    if (shift) {
        if (v > UINT64_MAX >> shift)
            return VMM_ERANGE;
        v <<= shift;
        p++;
    }
    *s = p;
    *out = v;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Appends v to the growing list. */
static int push(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        uint64_t *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return VMM_ENOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = x;
    return 0;
}

int vmm_sweep_frames_parse(const char *spec, uint64_t **out, size_t *nout, char *err, size_t errlen)
{
    uint64_t *v = NULL;
    size_t n = 0, cap = 0;
    const char *s = spec ? spec : "";
    int r = 0;
    *out = NULL;
    *nout = 0;
#define SPEC_FAIL(code, ...)                                                                       \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        r = (code);                                                                                \
        goto fail;                                                                                 \
    } while (0)
    for (;;) {
        const char *item = s;
        uint64_t a, b, step = 1;
        char kind = 0; /* 0: one number, '.': a range, '/': with a step, '*': geometric */
        int e = spec_number(&s, &a);
        if (e == VMM_ERANGE)
            SPEC_FAIL(VMM_ERANGE, "'%s': the number at column %d is too large", spec,
                      (int)(s - spec) + 1);
        if (e < 0)
            SPEC_FAIL(VMM_EPARSE,
                      "'%s': expected a frame count at column %d (a number such as 64, 4K or "
                      "1M, a range A..B, A..B/STEP or A..B*RATIO, or a list of them separated "
                      "by commas)",
                      spec, (int)(s - spec) + 1);
        b = a;
        if (s[0] == '.' && s[1] == '.') {
            s += 2;
            kind = '.';
            if ((e = spec_number(&s, &b)) < 0)
                SPEC_FAIL(e, "'%s': expected the end of the range at column %d", spec,
                          (int)(s - spec) + 1);
            if (*s == '/' || *s == '*') {
                kind = *s++;
                if ((e = spec_number(&s, &step)) < 0)
                    SPEC_FAIL(e, "'%s': expected %s at column %d", spec,
                              kind == '/' ? "a step" : "a ratio", (int)(s - spec) + 1);
            }
        }
        if (*s != ',' && *s != '\0')
            SPEC_FAIL(VMM_EPARSE, "'%s': unexpected '%c' at column %d", spec, *s,
                      (int)(s - spec) + 1);
        int len = (int)(s - item);
        if (a < 1 || b > FRAMES_TOP)
            SPEC_FAIL(VMM_ERANGE, "'%.*s': frame counts run from 1 to %u", len, item,
                      (unsigned)FRAMES_TOP);
        if (b < a)
            SPEC_FAIL(VMM_ERANGE, "'%.*s': the range ends before it starts", len, item);
        if (kind == '/' && step < 1)
            SPEC_FAIL(VMM_ERANGE, "'%.*s': the step must be at least 1", len, item);
        if (kind == '*' && step < 2)
            SPEC_FAIL(VMM_ERANGE, "'%.*s': the ratio must be at least 2", len, item);
        if (kind != '*' && (b - a) / step + 1 > VMM_SWEEP_MAX_POINTS)
            SPEC_FAIL(VMM_ELIMIT,
                      "'%.*s' holds %llu frame counts; a sweep holds at most %u (take a "
                      "step, A..B/STEP, or a ratio, A..B*RATIO)",
                      len, item, (unsigned long long)((b - a) / step + 1),
                      (unsigned)VMM_SWEEP_MAX_POINTS);
        for (uint64_t x = a;;) {
            if (n >= VMM_SWEEP_MAX_POINTS)
                SPEC_FAIL(VMM_ELIMIT, "'%s' holds more than %u frame counts", spec,
                          (unsigned)VMM_SWEEP_MAX_POINTS);
            if (push(&v, &n, &cap, x) < 0)
                SPEC_FAIL(VMM_ENOMEM, "out of memory");
            uint64_t nx = kind == '*' ? (x > b / step ? b + 1 : x * step) : x + step;
            if (x == b)
                break;
            x = nx > b ? b : nx; /* a range always ends at its end */
        }
        if (*s == '\0')
            break;
        s++;
    }
#undef SPEC_FAIL
    for (size_t i = 1; i < n; i++)
        if (v[i] <= v[i - 1]) { /* not in order already (1..1M is) */
            qsort(v, n, sizeof *v, cmp_u64);
            break;
        }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    *out = v;
    *nout = k;
    return 0;
fail:
    free(v);
    return r;
}

/* ---- loading a trace --------------------------------------------------------------- */

int vmm__sweep_stream(struct vmm_trace **traces, size_t ntraces, uint32_t page_size,
                      unsigned va_bits, vmm__page_sink sink, void *ctx, char *err, size_t errlen)
{
    /* (a reference of at most 65535 bytes touches at most 129 pages of 512) */
    enum { BATCH = 4096, OUT = 2 * BATCH, MOST = 129 };
    struct vmm_ref *batch = malloc(BATCH * sizeof *batch), *out = malloc(OUT * sizeof *out);
    size_t n = 0; /* page references in out */
    int r = 0;
    if (!batch || !out) {
        snprintf(err, errlen, "out of memory");
        r = VMM_ENOMEM;
        goto done;
    }
    if (page_size < 512 || (page_size & (page_size - 1)) || va_bits < 12 || va_bits > 64) {
        snprintf(err, errlen, "vmm_sweep_load: bad page size or address width");
        r = VMM_EINVAL;
        goto done;
    }
    uint64_t top = va_bits >= 64 ? UINT64_MAX : (1ull << va_bits) - 1; /* the last address */
    for (size_t t = 0; r == 0 && t < ntraces; t++) {
        long got;
        vmm_trace_set_va_bits(traces[t], va_bits);
        bool own_pid = ntraces > 1 && vmm_trace_format_of(traces[t]) != VMM_FMT_VMM;
        while (r == 0 && (got = vmm_trace_read(traces[t], batch, BATCH)) > 0) {
            for (long i = 0; r == 0 && i < got; i++) {
                struct vmm_ref x = batch[i];
                uint64_t len = x.size ? x.size : 1;
                if (own_pid) /* one process per single-process trace, as vmm_replay does */
                    x.pid = (uint32_t)(t + 1);
                if (x.addr > top || len - 1 > top - x.addr) {
                    snprintf(err, errlen,
                             "address 0x%" PRIx64 " + %" PRIu64
                             " bytes reaches beyond the %u-bit virtual address space",
                             x.addr, len, va_bits);
                    r = VMM_ERANGE;
                    break;
                }
                if (n + MOST > OUT) {
                    if ((r = sink(ctx, out, n, err, errlen)) < 0)
                        break;
                    n = 0;
                }
                if (VMM_LIKELY((x.addr & (page_size - 1)) + len <= page_size)) {
                    out[n++] = (struct vmm_ref){x.addr, x.pid, (uint16_t)len, x.op};
                    continue; /* (in one page: the loop below, once) */
                }
                while (len > 0) { /* one page reference per page touched */
                    uint64_t k = page_size - (x.addr & (page_size - 1));
                    k = k < len ? k : len;
                    out[n++] = (struct vmm_ref){x.addr, x.pid, (uint16_t)k, x.op};
                    x.addr += k;
                    len -= k;
                }
            }
        }
        if (r == 0 && got < 0) {
            snprintf(err, errlen, "%s", vmm_trace_error(traces[t]));
            r = (int)got;
        }
    }
    if (r == 0 && n > 0)
        r = sink(ctx, out, n, err, errlen);
done:
    free(batch);
    free(out);
    return r;
}

/* Grows *v (of size each) to hold need, doubling; 0 or VMM_ENOMEM. */
static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 65536;
    while (nc < need)
        nc *= 2;
    void *nv = realloc(*v, nc * size);
    if (!nv)
        return VMM_ENOMEM;
    *v = nv;
    *cap = nc;
    return 0;
}

/* Room for k more of the n page references held so far; refuses more than
 * a sweep holds. Returns 0 or a negative code with a message. */
static int room_for(size_t n, size_t k, char *err, size_t errlen)
{
    if (n + k > SD_MAX_REFS) {
        snprintf(err, errlen, "a sweep holds at most %u page references", (unsigned)SD_MAX_REFS);
        return VMM_ELIMIT;
    }
    return 0;
}

/* The references loaded so far (vmm_sweep_load's sink). */
struct loaded {
    struct vmm_ref *v; /* page references */
    size_t n, cap;     /* how many, and room */
};

static int load_sink(void *ctx, const struct vmm_ref *refs, size_t k, char *err, size_t errlen)
{
    struct loaded *l = ctx;
    void *v = l->v;
    int r = room_for(l->n, k, err, errlen);
    if (r == 0 && (r = grow(&v, &l->cap, l->n + k, sizeof *l->v)) < 0)
        snprintf(err, errlen, "out of memory holding %zu page references", l->n);
    l->v = v;
    if (r < 0)
        return r;
    memcpy(l->v + l->n, refs, k * sizeof *refs);
    l->n += k;
    return 0;
}

int vmm_sweep_load(struct vmm_trace **traces, size_t ntraces, uint32_t page_size, unsigned va_bits,
                   struct vmm_ref **refs, size_t *nrefs, char *err, size_t errlen)
{
    struct loaded l = {NULL, 0, 0};
    *refs = NULL;
    *nrefs = 0;
    int r = vmm__sweep_stream(traces, ntraces, page_size, va_bits, load_sink, &l, err, errlen);
    if (r < 0) {
        free(l.v);
        return r;
    }
    *refs = l.v;
    *nrefs = l.n;
    return 0;
}

/* ---- the fingerprint of a trace ---------------------------------------------------------- */

/* splitmix64's finaliser: a bijection of 64-bit words that spreads every bit. */
static uint64_t mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The fingerprint taken a batch at a time. Four lanes, page reference k into
 * lane k mod 4, so that four multiplications are in flight instead of one
 * chain of them; the lanes are mixed together at the end. */
struct fingerprint {
    uint64_t lane[4], count; /* the lanes; page references so far */
    unsigned shift;          /* the page size's log2 */
    uint32_t page_size;      /* the page size */
};

static void fp_init(struct fingerprint *h, uint32_t page_size)
{
    h->shift = vmm__log2(page_size ? page_size : 1);
    h->page_size = page_size;
    h->count = 0;
    for (unsigned l = 0; l < 4; l++)
        h->lane[l] = mix64(0x766d6d2073776570ull ^ page_size ^ l); /* "vmm swep" */
}

static void fp_add(struct fingerprint *h, const struct vmm_ref *refs, size_t n)
{
    const unsigned shift = h->shift;
    uint64_t count = h->count;
    for (size_t i = 0; i < n; i++) {
        uint64_t page = refs[i].addr >> shift, len = refs[i].size ? refs[i].size : 1;
        uint64_t who = ((uint64_t)refs[i].pid << 8 | refs[i].op) * 0xc2b2ae3d27d4eb4full;
        if (VMM_LIKELY((refs[i].addr & (h->page_size - 1)) + len <= h->page_size)) {
            uint64_t *x = &h->lane[count++ & 3]; /* (in one page: the loop below, once) */
            *x = (*x ^ (page * 0x9e3779b97f4a7c15ull) ^ who) * 0xff51afd7ed558ccdull;
            *x ^= *x >> 32;
            continue;
        }
        uint64_t end = refs[i].addr > UINT64_MAX - (len - 1) ? UINT64_MAX : refs[i].addr + len - 1;
        for (uint64_t last = end >> shift;; page++) { /* one a page touched, as swept */
            uint64_t *x = &h->lane[count++ & 3];
            *x = (*x ^ (page * 0x9e3779b97f4a7c15ull) ^ who) * 0xff51afd7ed558ccdull;
            *x ^= *x >> 32;
            if (page == last)
                break;
        }
    }
    h->count = count;
}

static uint64_t fp_final(const struct fingerprint *h)
{
    uint64_t v = h->count;
    for (unsigned l = 0; l < 4; l++)
        v = mix64(v ^ h->lane[l]);
    return v;
}

uint64_t vmm_sweep_fingerprint(const struct vmm_ref *refs, size_t n, uint32_t page_size)
{
    struct fingerprint h;
    fp_init(&h, page_size);
    fp_add(&h, refs, n);
    return fp_final(&h);
}

/* ---- the page references and their ids ----------------------------------------------- */

/* What every curve of a sweep reads, shared read-only by its threads. */
struct prep {
    const struct vmm_ref *refs; /* page references: none crosses a page */
    size_t n;                   /* how many */
    struct vmm_ref *own;        /* refs, when the caller's crossed pages and were split */
    uint32_t *ids;              /* ids[i]: dense id of refs[i]'s (pid, page) */
    uint32_t distinct;          /* pages: ids run 0 .. distinct-1 */
    uint32_t *next;             /* next[i]: next reference to ids[i], SD_NONE; opt only */
    bool held;                  /* refs are held: points can be simulated (else ids only) */
};

static void prep_free(struct prep *p)
{
    free(p->own);
    free(p->ids);
    free(p->next);
}

/* Splits refs into page references if any crosses a page, numbers the pages
 * and, if need_next, finds the next uses. */
static int prep_init(struct prep *p, const struct vmm_ref *refs, size_t n, uint32_t page_size,
                     bool need_next, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->refs = refs;
    p->n = n;
    p->held = true;
    if (page_size < 512 || (page_size & (page_size - 1))) {
        snprintf(err, errlen, "page size %u is not a power of two from 512", (unsigned)page_size);
        return VMM_EINVAL;
    }
    size_t split = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t len = refs[i].size ? refs[i].size : 1, off = refs[i].addr & (page_size - 1);
        split += (off + len - 1) / page_size; /* pages beyond the first */
    }
    if (n + split > SD_MAX_REFS) {
        snprintf(err, errlen, "a sweep holds at most %u page references", (unsigned)SD_MAX_REFS);
        return VMM_ELIMIT;
    }
    if (split) {
        if (!(p->own = malloc((n + split) * sizeof *p->own)))
            goto nomem;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t addr = refs[i].addr, len = refs[i].size ? refs[i].size : 1;
            while (len > 0) {
                uint64_t c = page_size - (addr & (page_size - 1));
                c = c < len ? c : len;
                p->own[k++] = (struct vmm_ref){addr, refs[i].pid, (uint16_t)c, refs[i].op};
                addr += c;
                len -= c;
            }
        }
        p->refs = p->own;
        p->n = k;
    }
    if (!(p->ids = malloc((p->n ? p->n : 1) * sizeof *p->ids)) ||
        vmm__page_ids(p->refs, p->n, vmm__log2(page_size), p->ids, &p->distinct) < 0)
        goto nomem;
    if (need_next && (!(p->next = malloc((p->n ? p->n : 1) * sizeof *p->next)) ||
                      vmm__next_uses(p->ids, p->n, p->distinct, p->next) < 0))
        goto nomem;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory for the sweep's %zu page references", p->n);
    prep_free(p);
    return VMM_ENOMEM;
}

/* Frame counts must ascend, without repeats, from 1. */
static bool frames_ok(const uint64_t *frames, size_t nframes)
{
    for (size_t i = 0; i < nframes; i++)
        if (frames[i] < 1 || frames[i] > FRAMES_TOP || (i && frames[i] <= frames[i - 1]))
            return false;
    return true;
}

/* One curve by stack distances: lru, or opt (p->next set). */
static int one_pass(const struct prep *p, bool opt, const uint64_t *frames, size_t nframes,
                    uint64_t *faults)
{
    if (!nframes)
        return 0;
    uint64_t top = frames[nframes - 1];
    uint32_t maxd = top < p->distinct ? (uint32_t)top : p->distinct;
    size_t bytes = ((size_t)maxd + 2) * sizeof(uint64_t);
    uint64_t *hist = vmm__alloc_big(bytes); /* (counted at random: huge pages) */
    if (!hist)
        return VMM_ENOMEM;
    int r = opt ? vmm__opt_distances(p->ids, p->next, p->n, p->distinct, maxd, hist)
                : vmm__lru_distances(p->ids, p->n, p->distinct, maxd, hist);
    if (r == 0)
        vmm__curve_from_hist(hist, maxd, frames, nframes, faults);
    vmm__free_big(hist, bytes);
    return r;
}

/* The public one-pass curves. */
static int sweep_stack(const struct vmm_ref *refs, size_t n, uint32_t page_size, bool opt,
                       const uint64_t *frames, size_t nframes, uint64_t *faults)
{
    struct prep p;
    char err[128];
    if (!frames_ok(frames, nframes))
        return VMM_EINVAL;
    int r = prep_init(&p, refs, n, page_size, opt, err, sizeof err);
    if (r < 0)
        return r;
    r = one_pass(&p, opt, frames, nframes, faults);
    prep_free(&p);
    return r;
}

int vmm_sweep_lru(const struct vmm_ref *refs, size_t n, uint32_t page_size, const uint64_t *frames,
                  size_t nframes, uint64_t *faults)
{
    return sweep_stack(refs, n, page_size, false, frames, nframes, faults);
}

int vmm_sweep_opt(const struct vmm_ref *refs, size_t n, uint32_t page_size, const uint64_t *frames,
                  size_t nframes, uint64_t *faults)
{
    return sweep_stack(refs, n, page_size, true, frames, nframes, faults);
}

/* ---- the sweep ------------------------------------------------------------------------ */

/* One policy of the sweep. */
struct pol {
    char name[32];                /* policy name */
    char params[224];             /* its parameters, "" for none */
    bool opt;                     /* opt: needs next uses */
    enum vmm_sweep_method method; /* ONE_PASS or PER_POINT */
};

/* Splits "name[:k=v,...]" into pol. Returns 0, or VMM_EINVAL if too long. */
static int pol_parse(struct pol *p, const char *text)
{
    const char *colon = strchr(text, ':');
    size_t nl = colon ? (size_t)(colon - text) : strlen(text);
    if (nl >= sizeof p->name || (colon && strlen(colon + 1) >= sizeof p->params))
        return VMM_EINVAL;
    memcpy(p->name, text, nl);
    p->name[nl] = '\0';
    vmm__copy_str(p->params, sizeof p->params, colon ? colon + 1 : "");
    p->opt = strcmp(p->name, "opt") == 0;
    return 0;
}

/* The configuration of one point: the caller's, with data off, no TLB, one
 * process at a time replaying in trace order with global replacement. */
static void point_config(const struct vmm_sweep_spec *spec, const struct pol *p, uint64_t frames,
                         struct vmm_config *c)
{
    *c = *spec->cfg;
    c->frames = frames;
    c->policy = p->name;
    c->policy_params = p->params[0] ? p->params : NULL;
    c->data = false;
    c->tlb_entries = 0;
    c->sched = VMM_SCHED_NONE;
    c->replacement = VMM_REPLACE_GLOBAL;
    c->load_control = VMM_LOAD_NONE;
    c->mmu = VMM_MMU_PAGING;
    c->swap_path = NULL;
    c->flush_interval = 0;
    c->fail_read = c->fail_write = 0;
}

int vmm_sweep_check(const struct vmm_sweep_spec *spec, char *err, size_t errlen)
{
    if (!spec || !spec->cfg || !spec->policies || !spec->npolicies ||
        (spec->nframes && !spec->frames)) {
        snprintf(err, errlen, "a sweep needs a configuration, policies and frame counts");
        return VMM_EINVAL;
    }
    if (spec->nframes && !frames_ok(spec->frames, spec->nframes)) {
        snprintf(err, errlen, "frame counts must ascend without repeats, from 1 to %u",
                 (unsigned)FRAMES_TOP);
        return VMM_EINVAL;
    }
    if (spec->nshards ? spec->shard < 1 || spec->shard > spec->nshards : spec->shard != 0) {
        snprintf(err, errlen, "shard %u of %u: a shard runs from 1 to the number of shards",
                 spec->shard, spec->nshards);
        return VMM_EINVAL;
    }
    if (spec->nframes > VMM_SWEEP_MAX_POINTS) {
        snprintf(err, errlen, "a sweep holds at most %u frame counts",
                 (unsigned)VMM_SWEEP_MAX_POINTS);
        return VMM_ELIMIT;
    }
    for (size_t i = 0; i < spec->npolicies; i++) {
        struct pol p;
        struct vmm_config c;
        struct vmm_system *sys;
        if (!spec->policies[i] || pol_parse(&p, spec->policies[i]) < 0) {
            snprintf(err, errlen, "policy '%s' is too long",
                     spec->policies[i] ? spec->policies[i] : "");
            return VMM_EINVAL;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(spec->policies[i], spec->policies[j]) == 0) {
                snprintf(err, errlen, "policy '%s' is given twice", spec->policies[i]);
                return VMM_EINVAL;
            }
        /* The name and parameters, on a system of one frame; then the
         * largest point against the memory limit, without building it. */
        point_config(spec, &p, 1, &c);
        int r = vmm_system_create(&c, &sys, err, errlen);
        if (r < 0)
            return r;
        vmm_system_destroy(sys);
        bool stack = (strcmp(p.name, "lru") == 0 && spec->lru != VMM_SWEEP_PER_POINT) ||
                     (p.opt && spec->opt != VMM_SWEEP_PER_POINT); /* opt: maybe one pass */
        c.frames = spec->nframes ? spec->frames[spec->nframes - 1] : 1;
        if (!stack && (r = vmm_config_validate(&c, err, errlen)) < 0)
            return r;
    }
    return 0;
}

/* Whether opt's curve comes from one pass when the caller leaves it to the
 * library: the stack's cost grows with its length M (the records a
 * reference moves grow with it; docs/policies.md has measurements), a
 * simulation's with the points. One pass when M <= 4096, or when there are
 * at least M / 2048 points to simulate. */
static bool opt_one_pass(const struct vmm_sweep_spec *spec, const uint64_t *frames, size_t nf,
                         uint32_t distinct)
{
    if (spec->opt != VMM_SWEEP_AUTO)
        return spec->opt == VMM_SWEEP_ONE_PASS;
    uint64_t top = frames[nf - 1];
    uint64_t m = top < distinct ? top : distinct;
    return m <= 4096 || (uint64_t)nf * 2048 >= m;
}

/* The work shared by the threads. */
struct pool {
    const struct vmm_sweep_spec *spec; /* the sweep */
    const struct prep *prep;           /* the references */
    const struct pol *pols;            /* the policies */
    const uint64_t *frames;            /* the frame counts */
    size_t nframes;                    /* how many */
    const size_t *task_pol;            /* task k: policy task_pol[k] ... */
    const size_t *task_point;          /* ... at point task_point[k], SIZE_MAX = one pass */
    size_t ntasks;                     /* tasks */
    uint64_t *faults;                  /* results, [policy * nframes + point] */
    pthread_mutex_t lock;              /* guards the fields below */
    size_t next_task;                  /* the next task to hand out */
    size_t failed;                     /* the lowest failing task so far, SIZE_MAX = none */
    int err;                           /* its code */
    char msg[512];                     /* its message */
};

/* Runs task k. Returns 0 or a negative code with a message in msg. */
static int run_task(struct pool *w, size_t k, char *msg, size_t len)
{
    const struct vmm_sweep_spec *spec = w->spec;
    const struct pol *p = &w->pols[w->task_pol[k]];
    uint64_t *out = w->faults + w->task_pol[k] * w->nframes;
    size_t i = w->task_point[k];
    VMM_ASSERT(i == SIZE_MAX || w->prep->held);
    if (i == SIZE_MAX) {
        int r = one_pass(w->prep, p->opt, w->frames, w->nframes, out);
        if (r < 0)
            snprintf(msg, len, "%s: the one-pass curve: %s", p->name, vmm_strerror(r));
        return r;
    }
    struct vmm_config c;
    struct vmm_system *sys;
    struct vmm_stats st;
    point_config(spec, p, w->frames[i], &c);
    int r = vmm_system_create(&c, &sys, msg, len);
    if (r < 0)
        return r;
    r = vmm__replay_pages(sys, w->prep->refs, w->prep->n, p->opt ? w->prep->next : NULL);
    if (r < 0) {
        snprintf(msg, len, "%s with %" PRIu64 " frames: %s", p->name, w->frames[i],
                 vmm_system_error(sys));
    } else {
        vmm_stats_get(sys, &st);
        out[i] = st.page_faults;
    }
    vmm_system_destroy(sys);
    return r;
}

static void *worker(void *arg)
{
    struct pool *w = arg;
    char msg[512];
    for (;;) {
        pthread_mutex_lock(&w->lock);
        size_t k = w->failed == SIZE_MAX && w->next_task < w->ntasks ? w->next_task++ : SIZE_MAX;
        pthread_mutex_unlock(&w->lock);
        if (k == SIZE_MAX)
            return NULL;
        int r = run_task(w, k, msg, sizeof msg);
        if (r < 0) {
            pthread_mutex_lock(&w->lock);
            if (k < w->failed) {
                w->failed = k;
                w->err = r;
                vmm__copy_str(w->msg, sizeof w->msg, msg);
            }
            pthread_mutex_unlock(&w->lock);
        }
    }
}

/* Runs every task on jobs threads (this one among them). */
static void run_pool(struct pool *w, unsigned jobs)
{
    pthread_t th[256];
    unsigned started = 0;
    if (jobs > 256)
        jobs = 256;
    if (jobs > w->ntasks)
        jobs = (unsigned)w->ntasks;
    for (; started + 1 < jobs; started++)
        if (pthread_create(&th[started], NULL, worker, w) != 0)
            break; /* fewer threads: the work is the same */
    worker(w);
    for (unsigned t = 0; t < started; t++)
        pthread_join(th[t], NULL);
}

void vmm_sweep_result_free(struct vmm_sweep_result *res)
{
    if (!res)
        return;
    free(res->frames);
    free(res->faults);
    free(res->computed);
    free(res->anomaly);
    free(res->method);
    memset(res, 0, sizeof *res);
}

void vmm_sweep_mark_anomalies(struct vmm_sweep_result *res)
{
    size_t nf = res->nframes;
    const bool *done = res->computed;
    res->anomalies = 0;
    for (size_t k = 0; k < res->npolicies * nf; k++) {
        size_t j = k % nf; /* the point; k - 1 is the one before, of the same policy */
        res->anomaly[k] =
            j > 0 && (!done || (done[k] && done[k - 1])) && res->faults[k] > res->faults[k - 1];
        res->anomalies += res->anomaly[k];
    }
}

/* Whether a policy of the sweep is opt: its points need next uses. */
static bool needs_next(const struct vmm_sweep_spec *spec)
{
    for (size_t i = 0; i < spec->npolicies; i++)
        if (strncmp(spec->policies[i], "opt", 3) == 0 &&
            (spec->policies[i][3] == '\0' || spec->policies[i][3] == ':'))
            return true;
    return false;
}

/* The sweep over prepared references (the spec checked). */
static int sweep_go(const struct vmm_sweep_spec *spec, const struct prep *pp, uint64_t fingerprint,
                    struct vmm_sweep_result *res, char *err, size_t errlen)
{
    const struct prep prep = *pp;
    struct pol *pols = NULL;
    size_t *task_pol = NULL, *task_point = NULL, ntasks = 0;
    int r = VMM_ENOMEM;
    size_t np = spec->npolicies, nf = spec->nframes;
    if (nf) {
        if ((res->frames = malloc(nf * sizeof *res->frames)))
            memcpy(res->frames, spec->frames, nf * sizeof *res->frames);
    } else { /* the default: powers of two up to the distinct pages, and their number */
        uint64_t top = prep.distinct ? prep.distinct : 1;
        if ((res->frames = malloc(66 * sizeof *res->frames)))
            for (uint64_t f = 1;; f *= 2) {
                res->frames[nf++] = f < top ? f : top;
                if (f >= top)
                    break;
            }
    }
    res->nframes = nf;
    pols = calloc(np, sizeof *pols);
    res->faults = calloc(np * nf, sizeof *res->faults);
    res->computed = calloc(np * nf, sizeof *res->computed);
    res->anomaly = calloc(np * nf, sizeof *res->anomaly);
    res->method = calloc(np, sizeof *res->method);
    task_pol = malloc(np * (nf + 1) * sizeof *task_pol);
    task_point = malloc(np * (nf + 1) * sizeof *task_point);
    if (!res->frames || !pols || !res->faults || !res->computed || !res->anomaly || !res->method ||
        !task_pol || !task_point) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    res->npolicies = np;
    res->references = prep.n;
    res->distinct = prep.distinct;
    res->fingerprint = fingerprint;
    for (size_t i = 0; i < np; i++) {
        struct pol *p = &pols[i];
        pol_parse(p, spec->policies[i]);
        bool lru = strcmp(p->name, "lru") == 0 && spec->lru != VMM_SWEEP_PER_POINT;
        bool opt = p->opt && !p->params[0] && opt_one_pass(spec, res->frames, nf, prep.distinct);
        p->method = lru || opt ? VMM_SWEEP_ONE_PASS : VMM_SWEEP_PER_POINT;
        res->method[i] = p->method;
        if (p->method == VMM_SWEEP_PER_POINT && !prep.held) {
            snprintf(err, errlen,
                     "%s: its points are simulated, but the trace was read for "
                     "one-pass curves only",
                     spec->policies[i]);
            r = VMM_EINVAL;
            goto out;
        }
    }
    /* One-pass curves first: each is one long task. */
    for (size_t i = 0; i < np; i++)
        if (pols[i].method == VMM_SWEEP_ONE_PASS) {
            task_pol[ntasks] = i;
            task_point[ntasks++] = SIZE_MAX;
        }
    for (size_t i = 0; i < np; i++)
        for (size_t j = 0; pols[i].method == VMM_SWEEP_PER_POINT && j < nf; j++) {
            task_pol[ntasks] = i;
            task_point[ntasks++] = j;
        }
    res->tasks = ntasks;
    if (spec->nshards) { /* keep this shard's tasks, in order */
        size_t kept = 0;
        for (size_t k = 0; k < ntasks; k++)
            if (k % spec->nshards == spec->shard - 1) {
                task_pol[kept] = task_pol[k];
                task_point[kept++] = task_point[k];
            }
        ntasks = kept;
    }
    res->tasks_run = ntasks;
    for (size_t k = 0; k < ntasks; k++) {
        bool *done = res->computed + task_pol[k] * nf;
        if (task_point[k] != SIZE_MAX)
            done[task_point[k]] = true;
        else /* a one-pass curve: every point */
            for (size_t j = 0; j < nf; j++)
                done[j] = true;
    }
    struct pool w = {spec,     &prep,      pols,   res->frames, nf,
                     task_pol, task_point, ntasks, res->faults, PTHREAD_MUTEX_INITIALIZER,
                     0,        SIZE_MAX,   0,      ""};
    unsigned jobs = spec->jobs;
    if (!jobs) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cpus > 0 ? (unsigned)cpus : 1;
    }
    run_pool(&w, jobs);
    pthread_mutex_destroy(&w.lock);
    if (w.failed != SIZE_MAX) {
        snprintf(err, errlen, "%s", w.msg);
        r = w.err;
        goto out;
    }
    vmm_sweep_mark_anomalies(res);
    r = 0;
out:
    if (r < 0)
        vmm_sweep_result_free(res);
    free(pols);
    free(task_pol);
    free(task_point);
    return r;
}

int vmm_sweep_run(const struct vmm_sweep_spec *spec, const struct vmm_ref *refs, size_t n,
                  struct vmm_sweep_result *res, char *err, size_t errlen)
{
    struct prep prep;
    int r;
    memset(res, 0, sizeof *res);
    if ((r = vmm_sweep_check(spec, err, errlen)) < 0 ||
        (r = prep_init(&prep, refs, n, spec->cfg->page_size, needs_next(spec), err, errlen)) < 0)
        return r;
    r = sweep_go(spec, &prep, vmm_sweep_fingerprint(prep.refs, prep.n, spec->cfg->page_size), res,
                 err, errlen);
    prep_free(&prep);
    return r;
}

/* ---- a sweep that streams its trace ---------------------------------------------- */

struct vmm_sweep_input {
    struct prep prep;     /* the page ids (and next uses); the references if kept */
    uint64_t fingerprint; /* the trace's */
};

/* Whether some point of the sweep may be simulated (its references kept):
 * any policy but lru and opt, and those asked to; opt left to the library
 * unless the frame counts alone make it one pass (opt_one_pass with any
 * number of distinct pages). */
static bool may_simulate(const struct vmm_sweep_spec *spec)
{
    const uint64_t *fr = spec->frames;
    size_t nf = spec->nframes;
    for (size_t i = 0; i < spec->npolicies; i++) {
        struct pol p;
        pol_parse(&p, spec->policies[i]);
        if (strcmp(p.name, "lru") == 0) {
            if (spec->lru == VMM_SWEEP_PER_POINT)
                return true;
        } else if (!p.opt || p.params[0] || spec->opt == VMM_SWEEP_PER_POINT) {
            return true;
        } else if (spec->opt == VMM_SWEEP_AUTO &&
                   (!nf || (fr[nf - 1] > 4096 && (uint64_t)nf * 2048 < fr[nf - 1]))) {
            return true;
        }
    }
    return false;
}

/* The trace as it streams (vmm__sweep_stream's sink). */
struct reading {
    struct vmm_sweep_input *in; /* what is read */
    struct vmm__ids ids;        /* the numbering */
    struct fingerprint fp;      /* the fingerprint */
    size_t cap_ids, cap_refs;   /* room in in->prep.ids and .own */
    bool keep;                  /* the references are kept */
    bool fingerprint;           /* the fingerprint is taken */
};

static int read_sink(void *ctx, const struct vmm_ref *refs, size_t k, char *err, size_t errlen)
{
    struct reading *g = ctx;
    struct prep *p = &g->in->prep;
    void *ids = p->ids, *own = p->own;
    int r = room_for(p->n, k, err, errlen);
    if (r < 0)
        return r;
    r = grow(&ids, &g->cap_ids, p->n + k, sizeof *p->ids);
    p->ids = ids;
    if (r == 0 && g->keep) {
        r = grow(&own, &g->cap_refs, p->n + k, sizeof *p->own);
        p->own = own;
    }
    if (r == 0)
        r = vmm__ids_add(&g->ids, refs, k, p->ids + p->n);
    if (r < 0) {
        snprintf(err, errlen, "out of memory holding %zu page references", p->n);
        return r;
    }
    if (g->keep)
        memcpy(p->own + p->n, refs, k * sizeof *refs);
    if (g->fingerprint)
        fp_add(&g->fp, refs, k);
    p->n += k;
    return 0;
}

void vmm_sweep_input_free(struct vmm_sweep_input *in)
{
    if (!in)
        return;
    prep_free(&in->prep);
    free(in);
}

int vmm_sweep_read(const struct vmm_sweep_spec *spec, struct vmm_trace **traces, size_t ntraces,
                   struct vmm_sweep_input **out, char *err, size_t errlen)
{
    *out = NULL;
    int r = vmm_sweep_check(spec, err, errlen);
    if (r < 0)
        return r;
    uint32_t ps = spec->cfg->page_size;
    struct reading g = {.in = calloc(1, sizeof *g.in), .keep = may_simulate(spec)};
    if (!g.in) {
        snprintf(err, errlen, "out of memory");
        return VMM_ENOMEM;
    }
    vmm__ids_init(&g.ids, vmm__log2(ps));
    fp_init(&g.fp, ps);
    g.fingerprint = !spec->no_fingerprint;
    r = vmm__sweep_stream(traces, ntraces, ps, spec->cfg->va_bits, read_sink, &g, err, errlen);
    struct prep *p = &g.in->prep;
    p->refs = p->own;
    p->held = g.keep;
    p->distinct = g.ids.count;
    g.in->fingerprint = g.fingerprint ? fp_final(&g.fp) : 0;
    vmm__ids_free(&g.ids);
    if (r == 0 && needs_next(spec) &&
        (!(p->next = malloc((p->n ? p->n : 1) * sizeof *p->next)) ||
         vmm__next_uses(p->ids, p->n, p->distinct, p->next) < 0)) {
        snprintf(err, errlen, "out of memory for the sweep's %zu page references", p->n);
        r = VMM_ENOMEM;
    }
    if (r < 0) {
        vmm_sweep_input_free(g.in);
        return r;
    }
    *out = g.in;
    return 0;
}

int vmm_sweep_run_input(const struct vmm_sweep_spec *spec, const struct vmm_sweep_input *in,
                        struct vmm_sweep_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    int r = vmm_sweep_check(spec, err, errlen);
    if (r < 0)
        return r;
    if (needs_next(spec) && !in->prep.next) {
        snprintf(err, errlen,
                 "opt needs next uses, but the trace was read for a sweep without opt");
        return VMM_EINVAL;
    }
    return sweep_go(spec, &in->prep, in->fingerprint, res, err, errlen);
}
