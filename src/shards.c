/*
 * shards.c - lru's fault curve estimated from a spatial sample of the pages
 * (SHARDS: Waldspurger, Park, Garthwaite and Ahmad, "Efficient MRC
 * Construction with SHARDS", FAST 2015; docs/policies.md, "Approximate
 * curves: SHARDS").
 *
 * A page is sampled iff hash(pid, page) mod P < T, P = 2^24; R = T / P. A
 * hash, not a coin, so every reference to a sampled page is followed and
 * none to the others: the sample is a set of pages, and the reuses among
 * them are whole. Between two references to a sampled page, about R of the
 * distinct pages referenced are sampled too, so
 *
 *     full distance D  ~  D_s / R      (D_s: sampled pages referenced since,
 *                                       from the LRU stream of stackdist.c)
 *
 * and the reference hits with F frames iff D < F. Each sampled reference
 * stands for 1 / R references, so faults(F) is the weight of the sampled
 * references at D >= F or first, times 1 / R (SHARDS_adj, the default), or
 * scaled to the trace's N references by N / sampled references (without).
 *
 * Fixed size (smax): when one more sampled page than smax would be held, T
 * falls to the largest hash value held (or the newcomer's, if larger) and
 * every page at that value is dropped: a max-heap of (value, id) finds them.
 * A reference made at rate R_t weighs 1 / R_t; that equals the paper's
 * rescaling of the histogram by R_new / R_old at each change, up to the one
 * factor the curve divides out. Every page seen whose value is below the
 * final T was sampled from its first reference on and is still held.
 *
 *     trace --> hash(pid, page) >> 40 < T ? --no--> count N only
 *                         | yes
 *                 page table: (pid, page) -> id     (ids reused after drops)
 *                         |
 *                 LRU stream: D_s, or first         (stackdist.c)
 *                         |
 *                 histogram of floor(D_s x P / T), buckets of 2^shift pages
 *
 * The histogram is kept in the trace's distances: a bucket of 2^shift
 * pages, at most max(2^16, 2 x pages held) buckets; when a distance falls
 * beyond them, buckets are merged in pairs (shift + 1). Distances at rate R
 * come in steps of 1 / R, and with 2 x the pages held the buckets stay
 * finer than about 1 / (2R): merging loses next to nothing, and at rate 1
 * no merge ever happens, so the curve is exact. A bucket split by a frame
 * count is split in proportion.
 *
 * Everything is integer but the weights (doubles, summed in trace order), so
 * runs give the same numbers.
 */
#include "internal.h"
#include "stackdist.h"
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define P_SHIFT     24                  /* P = 2^24 */
#define SEED        0x53484152445321ull /* the hash's fixed seed ("SHARDS!") */
#define MIN_BUCKETS (1u << 16)          /* the histogram may always have this many */
#define FRAMES_TOP  (UINT32_MAX - 1u)   /* the most frames a point may have (sweep.c) */

/* A sampled page. */
struct spage {
    uint64_t vpn; /* page number */
    uint32_t pid; /* process */
    uint32_t lo;  /* the hash's low 32 bits: its slot in the table */
};

struct vmm_shards {
    struct vmm_shards_config cfg; /* as created */
    unsigned page_shift;          /* log2 page size */
    uint32_t T;                   /* threshold: sampled iff hash >> 40 < T */
    double w;                     /* the weight of a sampled reference now: P / T */
    uint32_t *slots;              /* open addressing, linear probing: id + 1, 0 = empty */
    uint32_t mask;                /* slots - 1 (a power of two >= 2 x pages held) */
    struct spage *pages;          /* pages[id] */
    uint32_t npages;              /* ids given out so far (the highest + 1) */
    uint32_t pages_cap;           /* room in pages[] */
    uint32_t *free_ids;           /* ids of dropped pages, to reuse */
    uint32_t nfree;               /* how many */
    uint64_t *heap;               /* smax: max-heap of value << 32 | id over pages held */
    uint32_t nheap;               /* = pages held, with smax */
    struct vmm__lru_stream *lru;  /* stack distances among the sampled pages */
    double *hist;                 /* hist[k]: weight at floor(D) >> shift == k */
    uint32_t nbuckets;            /* entries of hist */
    unsigned shift;               /* bucket width 2^shift pages */
    double cold;                  /* weight of first references */
    double total;                 /* weight of every sampled reference */
    uint64_t refs, sampled;       /* page references seen, and sampled */
    uint64_t dropped;             /* pages dropped by lowering T */
};

/* ---- the hash ---------------------------------------------------------------------- */

/* A bijection of 64-bit words that spreads every input bit over the output
 * (the finalizer of the splitmix64 generator). */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t vmm_shards_hash(uint32_t pid, uint64_t vpn)
{
    /* For one pid a bijection of vpn; the pid enters mixed, so page v of
     * pid p and page v' of pid p' share nothing but chance. */
    return mix64(vpn + mix64((uint64_t)pid + SEED));
}

/* ---- configuration ----------------------------------------------------------------- */

void vmm_shards_config_default(struct vmm_shards_config *c)
{
    *c = (struct vmm_shards_config){.rate = 1.0, .smax = 0, .adjust = true, .page_size = 4096};
}

/* T for rate r in (0, 1]: r x P rounded; 0 below 1 / (2P). */
static uint32_t threshold_of(double r)
{
    return (uint32_t)(r * (double)VMM_SHARDS_MODULUS + 0.5);
}

/* Checks c. Returns 0 or VMM_EINVAL with a message. */
static int config_check(const struct vmm_shards_config *c, char *err, size_t errlen)
{
    if (!(c->rate > 0.0 && c->rate <= 1.0)) { /* NaN too */
        snprintf(err, errlen, "shards: the rate must be above 0 and at most 1, not %g", c->rate);
        return VMM_EINVAL;
    }
    if (threshold_of(c->rate) < 1) {
        snprintf(err, errlen,
                 "shards: rate %g is below 1/%u, the smallest (hash values are taken modulo "
                 "2^24)",
                 c->rate, VMM_SHARDS_MODULUS);
        return VMM_EINVAL;
    }
    if (c->smax > VMM_SHARDS_MAX_PAGES) {
        snprintf(err, errlen, "shards: smax %" PRIu64 " is above %u, the most sampled pages",
                 c->smax, VMM_SHARDS_MAX_PAGES);
        return VMM_EINVAL;
    }
    if (c->page_size < 512 || (c->page_size & (c->page_size - 1))) {
        snprintf(err, errlen, "shards: page size %u is not a power of two from 512",
                 (unsigned)c->page_size);
        return VMM_EINVAL;
    }
    return 0;
}

int vmm_shards_parse(const char *params, struct vmm_shards_config *c, char *err, size_t errlen)
{
    uint32_t page_size = c->page_size;
    bool seen_rate = false, seen_smax = false, seen_adjust = false;
    vmm_shards_config_default(c);
    c->page_size = page_size;
    const char *s = params ? params : "";
    while (*s) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char item[128], *eq;
        if (len >= sizeof item) {
            snprintf(err, errlen, "shards: parameter '%.40s...' is too long", s);
            return VMM_EPARSE;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        if (!(eq = strchr(item, '='))) {
            snprintf(err, errlen,
                     "shards: expected NAME=VALUE (rate=R, smax=N or adjust=yes|no), found '%s'",
                     item);
            return VMM_EPARSE;
        }
        *eq = '\0';
        const char *key = item, *val = eq + 1;
        bool *seen = strcmp(key, "rate") == 0     ? &seen_rate
                     : strcmp(key, "smax") == 0   ? &seen_smax
                     : strcmp(key, "adjust") == 0 ? &seen_adjust
                                                  : NULL;
        if (!seen) {
            snprintf(err, errlen, "shards: unknown parameter '%s' (expected rate, smax or adjust)",
                     key);
            return VMM_EPARSE;
        }
        if (*seen) {
            snprintf(err, errlen, "shards: %s is given twice", key);
            return VMM_EPARSE;
        }
        *seen = true;
        if (seen == &seen_rate) {
            char *e;
            double r = strtod(val, &e);
            if (!*val || *e || e == val || !(r > 0.0 && r <= 1.0)) {
                snprintf(err, errlen,
                         "shards: rate=%s: expected a sampling rate above 0 and at most 1, such "
                         "as 0.01",
                         val);
                return *val && !*e ? VMM_ERANGE : VMM_EPARSE;
            }
            if (threshold_of(r) < 1) {
                snprintf(err, errlen, "shards: rate=%s is below 1/%u, the smallest rate", val,
                         VMM_SHARDS_MODULUS);
                return VMM_ERANGE;
            }
            c->rate = r;
        } else if (seen == &seen_smax) {
            uint64_t v = 0;
            const char *p = val;
            for (; *p >= '0' && *p <= '9'; p++) /* saturating: out of range below */
                v = v > VMM_SHARDS_MAX_PAGES ? v : v * 10 + (uint64_t)(*p - '0');
            bool digits = p > val;
            unsigned sh = *p == 'K' || *p == 'k'   ? 10
                          : *p == 'M' || *p == 'm' ? 20
                          : *p == 'G' || *p == 'g' ? 30
                                                   : 0;
            p += sh != 0;
            if (!digits || *p) {
                snprintf(err, errlen,
                         "shards: smax=%s: expected a number of pages such as 8192 or 8K", val);
                return VMM_EPARSE;
            }
            if (v == 0 || v > VMM_SHARDS_MAX_PAGES || (v << sh) > VMM_SHARDS_MAX_PAGES) {
                snprintf(err, errlen, "shards: smax=%s is out of range (1 .. %u pages)", val,
                         VMM_SHARDS_MAX_PAGES);
                return VMM_ERANGE;
            }
            c->smax = v << sh;
        } else {
            if (strcmp(val, "yes") == 0) {
                c->adjust = true;
            } else if (strcmp(val, "no") == 0) {
                c->adjust = false;
            } else {
                snprintf(err, errlen, "shards: adjust=%s: expected yes or no", val);
                return VMM_EPARSE;
            }
        }
        s += len + (end ? 1 : 0);
        if (end && !*s) {
            snprintf(err, errlen, "shards: a parameter is missing after the last comma");
            return VMM_EPARSE;
        }
    }
    if (!seen_rate && !seen_smax) {
        snprintf(err, errlen,
                 "shards: give rate=R (a sampling rate above 0, at most 1) or smax=N (the most "
                 "sampled pages)");
        return VMM_EPARSE;
    }
    return 0;
}

/* ---- the sampler ------------------------------------------------------------------- */

int vmm_shards_create(const struct vmm_shards_config *c, struct vmm_shards **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    int r = config_check(c, err, errlen);
    if (r < 0)
        return r;
    struct vmm_shards *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->cfg = *c;
    s->page_shift = vmm__log2(c->page_size);
    s->T = threshold_of(c->rate);
    s->w = (double)VMM_SHARDS_MODULUS / (double)s->T;
    s->mask = 1023;
    s->slots = calloc((size_t)s->mask + 1, sizeof *s->slots);
    s->pages_cap = 512;
    s->pages = malloc(s->pages_cap * sizeof *s->pages);
    s->nbuckets = 1024;
    s->hist = calloc(s->nbuckets, sizeof *s->hist);
    s->lru = vmm__lru_stream_create();
    if (!s->slots || !s->pages || !s->hist || !s->lru)
        goto nomem;
    *out = s;
    return 0;
nomem:
    vmm_shards_destroy(s);
    snprintf(err, errlen, "out of memory");
    return VMM_ENOMEM;
}

void vmm_shards_destroy(struct vmm_shards *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s->pages);
    free(s->free_ids);
    free(s->heap);
    vmm__lru_stream_destroy(s->lru);
    free(s->hist);
    free(s);
}

/* The pages held. */
static uint32_t held(const struct vmm_shards *s)
{
    return s->npages - s->nfree;
}

/* The slot holding page (pid, vpn) whose hash's low bits are lo, or the
 * empty slot where it would go. */
static uint32_t slot_find(const struct vmm_shards *s, uint32_t pid, uint64_t vpn, uint32_t lo)
{
    uint32_t i = lo & s->mask, e;
    while ((e = s->slots[i]) != 0 && (s->pages[e - 1].vpn != vpn || s->pages[e - 1].pid != pid))
        i = (i + 1) & s->mask;
    return i;
}

/* Doubles the table. Returns 0 or VMM_ENOMEM. */
static int table_grow(struct vmm_shards *s)
{
    uint32_t nm = s->mask * 2 + 1;
    uint32_t *n = calloc((size_t)nm + 1, sizeof *n);
    if (!n)
        return VMM_ENOMEM;
    for (uint32_t j = 0; j <= s->mask; j++) {
        uint32_t e = s->slots[j];
        if (!e)
            continue;
        uint32_t k = s->pages[e - 1].lo & nm;
        while (n[k])
            k = (k + 1) & nm;
        n[k] = e;
    }
    free(s->slots);
    s->slots = n;
    s->mask = nm;
    return 0;
}

/* Empties slot i and moves up the entries after it that linear probing
 * would no longer find (backward-shift deletion: no tombstones). */
static void slot_delete(struct vmm_shards *s, uint32_t i)
{
    uint32_t j = i;
    s->slots[i] = 0;
    for (;;) {
        j = (j + 1) & s->mask;
        uint32_t e = s->slots[j];
        if (!e)
            return;
        uint32_t home = s->pages[e - 1].lo & s->mask;
        /* the entry at j may move to i iff its home is not cyclically in (i, j] */
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            s->slots[i] = e;
            s->slots[j] = 0;
            i = j;
        }
    }
}

static void heap_push(struct vmm_shards *s, uint64_t key)
{
    uint32_t i = s->nheap++;
    while (i > 0 && s->heap[(i - 1) / 2] < key) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = key;
}

static uint64_t heap_pop(struct vmm_shards *s)
{
    uint64_t top = s->heap[0], x = s->heap[--s->nheap];
    uint32_t i = 0, n = s->nheap;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && s->heap[c + 1] > s->heap[c])
            c++;
        if (s->heap[c] <= x)
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = x;
    return top;
}

/* Drops page id: out of the LRU stream and the table, its id free. */
static void page_drop(struct vmm_shards *s, uint32_t id)
{
    const struct spage *pg = &s->pages[id];
    vmm__lru_stream_forget(s->lru, id);
    slot_delete(s, slot_find(s, pg->pid, pg->vpn, pg->lo));
    s->free_ids[s->nfree++] = id;
    s->dropped++;
}

/* Fixed size, a new page of value v about to be added to smax held: T falls
 * to the largest value among them and the newcomer, and the pages at it are
 * dropped. Returns whether the newcomer is still sampled. */
static bool lower_threshold(struct vmm_shards *s, uint32_t v)
{
    uint32_t top = (uint32_t)(s->heap[0] >> 32), nt = v > top ? v : top;
    while (s->nheap && (uint32_t)(s->heap[0] >> 32) == nt)
        page_drop(s, (uint32_t)heap_pop(s));
    s->T = nt; /* 0 only if smax + 1 pages all hash to 0: nothing is sampled any more */
    s->w = (double)VMM_SHARDS_MODULUS / (double)(nt ? nt : 1);
    return v < nt;
}

/* Adds page (pid, vpn) to the sample: *id its id. Returns 1 if added, 0 if
 * the threshold fell below it instead (fixed size), or VMM_ENOMEM or
 * VMM_ELIMIT. */
static int page_add(struct vmm_shards *s, uint32_t pid, uint64_t vpn, uint64_t h, uint32_t *id)
{
    uint32_t v = (uint32_t)(h >> (64 - P_SHIFT));
    if (s->cfg.smax && held(s) >= s->cfg.smax && !lower_threshold(s, v))
        return 0;
    if (held(s) >= VMM_SHARDS_MAX_PAGES)
        return VMM_ELIMIT;
    if ((uint64_t)2 * (held(s) + 1) > (uint64_t)s->mask + 1 && table_grow(s) < 0)
        return VMM_ENOMEM;
    if (!s->nfree && s->npages == s->pages_cap) { /* room for one more id everywhere */
        uint32_t nc = s->pages_cap * 2;
        struct spage *np = realloc(s->pages, (size_t)nc * sizeof *np);
        if (!np)
            return VMM_ENOMEM;
        s->pages = np;
        uint32_t *nf = realloc(s->free_ids, (size_t)nc * sizeof *nf);
        if (!nf)
            return VMM_ENOMEM;
        s->free_ids = nf;
        if (s->cfg.smax) {
            uint64_t *nh = realloc(s->heap, (size_t)nc * sizeof *nh);
            if (!nh)
                return VMM_ENOMEM;
            s->heap = nh;
        }
        s->pages_cap = nc;
    }
    if (!s->free_ids && !(s->free_ids = malloc((size_t)s->pages_cap * sizeof *s->free_ids)))
        return VMM_ENOMEM;
    if (s->cfg.smax && !s->heap && !(s->heap = malloc((size_t)s->pages_cap * sizeof *s->heap)))
        return VMM_ENOMEM;
    uint32_t x = s->nfree ? s->free_ids[--s->nfree] : s->npages++;
    s->pages[x] = (struct spage){vpn, pid, (uint32_t)h};
    s->slots[slot_find(s, pid, vpn, (uint32_t)h)] = x + 1;
    if (s->cfg.smax)
        heap_push(s, (uint64_t)v << 32 | x);
    *id = x;
    return 1;
}

/* Counts weight w at full distance q (pages): bucket q >> shift, merging
 * buckets in pairs or growing the histogram as needed. Returns 0 or
 * VMM_ENOMEM. */
static int hist_add(struct vmm_shards *s, uint64_t q, double w)
{
    uint64_t k = q >> s->shift;
    if (VMM_UNLIKELY(k >= s->nbuckets)) {
        uint64_t limit = 2 * (uint64_t)held(s);
        limit = limit > MIN_BUCKETS ? limit : MIN_BUCKETS;
        uint64_t want = s->nbuckets;
        while (want <= k && want * 2 <= limit)
            want *= 2;
        if (want > s->nbuckets) {
            double *n = realloc(s->hist, (size_t)want * sizeof *n);
            if (!n)
                return VMM_ENOMEM;
            memset(n + s->nbuckets, 0, (size_t)(want - s->nbuckets) * sizeof *n);
            s->hist = n;
            s->nbuckets = (uint32_t)want;
        }
        while (k >= s->nbuckets) { /* the histogram at its size: coarser buckets */
            uint32_t half = s->nbuckets / 2;
            for (uint32_t i = 0; i < half; i++)
                s->hist[i] = s->hist[2 * i] + s->hist[2 * i + 1];
            memset(s->hist + half, 0, (size_t)half * sizeof *s->hist);
            s->shift++;
            k >>= 1;
        }
    }
    s->hist[k] += w;
    return 0;
}

/* One page reference. Returns 0 or a negative code. */
static int page_ref(struct vmm_shards *s, uint32_t pid, uint64_t vpn)
{
    s->refs++;
    uint64_t h = vmm_shards_hash(pid, vpn);
    if ((h >> (64 - P_SHIFT)) >= s->T)
        return 0;
    uint32_t i = slot_find(s, pid, vpn, (uint32_t)h), id, between;
    if (s->slots[i]) {
        id = s->slots[i] - 1;
    } else {
        int r = page_add(s, pid, vpn, h, &id);
        if (r <= 0)
            return r;
    }
    int r = vmm__lru_stream_ref(s->lru, id, &between);
    if (r < 0)
        return r;
    s->sampled++;
    s->total += s->w;
    if (between == SD_NONE) {
        s->cold += s->w;
        return 0;
    }
    /* the full distance, floor(D_s x P / T): D_s < 2^30, so no overflow */
    return hist_add(s, ((uint64_t)between << P_SHIFT) / s->T, s->w);
}

int vmm_shards_add(struct vmm_shards *s, const struct vmm_ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t len = refs[i].size ? refs[i].size : 1, end = refs[i].addr + (len - 1);
        if (end < refs[i].addr) /* wrapped: up to the last address */
            end = UINT64_MAX;
        /* a reference touches each page it crosses */
        for (uint64_t p = refs[i].addr >> s->page_shift, last = end >> s->page_shift;; p++) {
            int r = page_ref(s, refs[i].pid, p);
            if (r < 0)
                return r;
            if (p == last)
                break;
        }
    }
    return 0;
}

void vmm_shards_info(const struct vmm_shards *s, struct vmm_shards_info *info)
{
    info->references = s->refs;
    info->sampled = s->sampled;
    info->sampled_pages = held(s);
    info->dropped = s->dropped;
    info->threshold = s->T;
    info->rate = (double)s->T / (double)VMM_SHARDS_MODULUS;
    info->distinct_estimate = (uint64_t)((double)held(s) * s->w + 0.5);
    info->bucket = (uint64_t)1 << s->shift;
}

int vmm_shards_curve(const struct vmm_shards *s, const uint64_t *frames, size_t nframes,
                     uint64_t *faults)
{
    for (size_t i = 0; i < nframes; i++)
        if (frames[i] < 1 || frames[i] > FRAMES_TOP || (i && frames[i] <= frames[i - 1]))
            return VMM_EINVAL;
    /* faults = the weight missing, times N / total without the adjustment:
     * the sampled references scaled to the trace's N. With it, the sample is
     * taken to stand for R x N references exactly, the difference being hits
     * at every size (the paper adds it to the first bucket): the weight
     * itself. */
    double scale = s->cfg.adjust ? 1.0 : s->total > 0 ? (double)s->refs / s->total : 0.0;
    double acc = 0; /* weight in buckets >= d */
    uint64_t d = s->nbuckets, width = (uint64_t)1 << s->shift;
    for (size_t i = nframes; i-- > 0;) {
        uint64_t f = frames[i], kf = f >> s->shift;
        double miss = s->cold;
        if (kf < s->nbuckets) {
            for (; d > kf + 1; d--)
                acc += s->hist[d - 1];
            /* floor(D) in bucket kf runs over width values, of which those
             * >= f miss */
            miss += acc + s->hist[kf] * (double)((kf + 1) * width - f) / (double)width;
        }
        double x = miss * scale + 0.5;
        faults[i] = x >= (double)s->refs ? s->refs : (uint64_t)x;
    }
    return 0;
}

/* ---- over traces ------------------------------------------------------------------- */

static int shards_sink(void *ctx, const struct vmm_ref *refs, size_t n, char *err, size_t errlen)
{
    int r = vmm_shards_add(ctx, refs, n);
    if (r < 0)
        snprintf(err, errlen,
                 r == VMM_ELIMIT ? "shards: more than %u sampled pages (lower the rate, or set "
                                   "smax)"
                                 : "out of memory for the sample (%u pages)",
                 r == VMM_ELIMIT ? VMM_SHARDS_MAX_PAGES : held(ctx));
    return r;
}

int vmm_sweep_shards(struct vmm_trace **traces, size_t ntraces, const struct vmm_shards_config *c,
                     unsigned va_bits, const uint64_t *frames, size_t nframes,
                     struct vmm_sweep_result *res, struct vmm_shards_info *info, char *err,
                     size_t errlen)
{
    struct vmm_shards *s;
    struct vmm_shards_info in;
    memset(res, 0, sizeof *res);
    for (size_t i = 0; i < nframes; i++)
        if (frames[i] < 1 || frames[i] > FRAMES_TOP || (i && frames[i] <= frames[i - 1])) {
            snprintf(err, errlen, "frame counts must ascend without repeats, from 1 to %u",
                     (unsigned)FRAMES_TOP);
            return VMM_EINVAL;
        }
    if (nframes > VMM_SWEEP_MAX_POINTS) {
        snprintf(err, errlen, "a sweep holds at most %u frame counts",
                 (unsigned)VMM_SWEEP_MAX_POINTS);
        return VMM_ELIMIT;
    }
    int r = vmm_shards_create(c, &s, err, errlen);
    if (r < 0)
        return r;
    if ((r = vmm__sweep_stream(traces, ntraces, c->page_size, va_bits, shards_sink, s, err,
                               errlen)) < 0)
        goto out;
    vmm_shards_info(s, &in);
    r = VMM_ENOMEM;
    size_t nf = nframes;
    if (nf) {
        if ((res->frames = malloc(nf * sizeof *res->frames)))
            memcpy(res->frames, frames, nf * sizeof *res->frames);
    } else { /* powers of two up to the estimated distinct pages, and that estimate */
        uint64_t top = in.distinct_estimate < 1            ? 1
                       : in.distinct_estimate > FRAMES_TOP ? FRAMES_TOP
                                                           : in.distinct_estimate;
        if ((res->frames = malloc(66 * sizeof *res->frames)))
            for (uint64_t f = 1;; f *= 2) {
                res->frames[nf++] = f < top ? f : top;
                if (f >= top)
                    break;
            }
    }
    res->nframes = nf;
    res->npolicies = 1;
    res->faults = calloc(nf ? nf : 1, sizeof *res->faults);
    res->computed = malloc((nf ? nf : 1) * sizeof *res->computed);
    res->anomaly = calloc(nf ? nf : 1, sizeof *res->anomaly);
    res->method = malloc(sizeof *res->method);
    if (!res->frames || !res->faults || !res->computed || !res->anomaly || !res->method) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    res->references = in.references;
    res->distinct = in.distinct_estimate;
    res->method[0] = VMM_SWEEP_SHARDS;
    for (size_t i = 0; i < nf; i++)
        res->computed[i] = true;
    if ((r = vmm_shards_curve(s, res->frames, nf, res->faults)) < 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (info)
        *info = in;
    r = 0;
out:
    if (r < 0)
        vmm_sweep_result_free(res);
    vmm_shards_destroy(s);
    return r;
}
