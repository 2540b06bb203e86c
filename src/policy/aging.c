/*
 * aging.c - the aging algorithm (Tanenbaum, Modern Operating Systems 3.4.7): a
 * software approximation of LRU from reference bits alone.
 *
 * Each frame has a `bits`-wide counter. Every `interval` references (the clock
 * tick) each resident page's counter shifts right by one and its R bit enters
 * at the top; then R is cleared:
 *
 *   R at ticks:   1         0         1         1
 *   counter:   10000000  01000000  10100000  11010000   (bits = 8)
 *
 * A page referenced in a recent interval outranks any page referenced only in
 * older ones; references older than `bits` ticks are forgotten.
 *
 * Conventions
 *  - A newly loaded page starts with counter 0; its R bit is 1 (the loading
 *    reference) and enters the counter at the next tick.
 *  - The tick runs after every interval-th completed reference (reference
 *    numbers interval, 2*interval, ...), so that reference's R enters too.
 *  - Victim: the smallest counter, reading the current R bit as one more bit
 *    above the counter's top: the key is (R, counter), compared R first. This
 *    is the counter the page would have if the tick came now, without dropping
 *    its lowest bit; it keeps a page referenced since the last tick (such as
 *    a new page) from being evicted before pages not referenced since.
 *  - Ties (same R and counter): the page loaded longest ago (FIFO).
 *  - Selection changes no bit. M is never read.
 *  - Parameters: bits = counter width, default 8, 1 .. 64; interval =
 *    references between ticks, default 1000, >= 1.
 *
 * Cost. A tick visits every frame (that is the algorithm). A selection does
 * not scan: counters change only at ticks, and between ticks R only goes from
 * 0 to 1 (only the tick clears it). Two min-heaps of (counter, load stamp)
 * hold one live entry per resident frame:
 *
 *   unref  every frame at the last tick (when all R were 0); some have
 *          been referenced since, which is found out when they reach the top
 *   ref    frames known to have R = 1: loaded since the tick, or moved here
 *          from the top of unref on finding R = 1
 *
 * The victim is the top of unref once its R is checked to be 0, else the top
 * of ref (unref empty: every R is 1). Entries of frames evicted or freed since
 * are stale (their load stamp no longer matches) and skipped. Each tick
 * rebuilds unref from all frames in O(F); a selection is O(log F) amortized.
 *
 * Local replacement (sys->take_pid set): the victim is the smallest (R,
 * counter, load stamp) among the frames vmm__may_take allows, found by an
 * O(F) scan that changes nothing: the heaps keep every entry (the victim's
 * goes stale when on_remove follows, and is skipped later). Ticks age every
 * resident page, whoever owns it.
 */
#include "internal.h"
#include "policy/fset.h"
#include "policy/params.h"

#include <stdlib.h>

#define AGING_BITS_DEFAULT     8
#define AGING_INTERVAL_DEFAULT 1000

/* A heap entry: a frame with its rank when pushed. */
struct aent {
    uint64_t counter; /* the frame's counter (constant between ticks) */
    uint64_t loaded;  /* its load stamp: the entry is stale if the frame's differs */
    frame_t f;        /* the frame */
};

struct aheap {
    struct aent *e; /* min-heap by (counter, loaded) */
    uint64_t n;     /* entries in use */
};

struct aging {
    struct vmm_system *sys; /* frame table (R bits live in the PTEs), owners, take_pid */
    struct fset set;        /* frames holding a page */
    uint64_t *counter;      /* counter[f]: the aging register, < 2^bits */
    uint64_t *loaded;       /* loaded[f]: load stamp (larger = loaded later) */
    struct aheap unref;     /* every frame at the last tick or rebuild (F entries at most) */
    struct aheap ref;       /* frames with R = 1 since then (F entries at most) */
    uint64_t top;           /* 1 << (bits - 1): where R enters */
    uint64_t stamp;         /* load stamps handed out */
    frame_t nframes;        /* F */
};

static inline bool aent_less(const struct aent *a, const struct aent *b)
{
    return a->counter < b->counter || (a->counter == b->counter && a->loaded < b->loaded);
}

static void heap_down(struct aheap *h, uint64_t i)
{
    struct aent x = h->e[i];
    for (;;) {
        uint64_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && aent_less(&h->e[c + 1], &h->e[c]))
            c++;
        if (!aent_less(&h->e[c], &x))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    h->e[i] = x;
}

static void heap_push(struct aheap *h, struct aent x)
{
    uint64_t i = h->n++;
    while (i > 0 && aent_less(&x, &h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = x;
}

static void heap_pop(struct aheap *h)
{
    h->e[0] = h->e[--h->n];
    if (h->n)
        heap_down(h, 0);
}

static bool live(const struct aging *s, const struct aent *x)
{
    return s->set.on[x->f] && s->loaded[x->f] == x->loaded;
}

/* Puts every resident frame into unref and empties ref. O(F). */
static void rebuild(struct aging *s)
{
    s->ref.n = 0;
    s->unref.n = 0;
    for (frame_t f = 0; f < s->nframes; f++)
        if (s->set.on[f])
            s->unref.e[s->unref.n++] = (struct aent){s->counter[f], s->loaded[f], f};
    for (uint64_t i = s->unref.n / 2; i-- > 0;)
        heap_down(&s->unref, i);
}

static void aging_destroy(void *state)
{
    struct aging *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    free(s->counter);
    free(s->loaded);
    free(s->unref.e);
    free(s->ref.e);
    free(s);
}

static int aging_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    uint64_t bits, interval;
    int rc = vmm__param_u64(sys, pp, "bits", AGING_BITS_DEFAULT, 1, 64, &bits);
    if (rc < 0)
        return rc;
    rc = vmm__param_u64(sys, pp, "interval", AGING_INTERVAL_DEFAULT, 1, UINT64_MAX, &interval);
    if (rc < 0)
        return rc;
    struct aging *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->top = 1ull << (bits - 1);
    s->nframes = (frame_t)sys->nframes;
    s->counter = calloc(sys->nframes, sizeof *s->counter);
    s->loaded = calloc(sys->nframes, sizeof *s->loaded);
    s->unref.e = malloc(sys->nframes * sizeof *s->unref.e);
    s->ref.e = malloc(sys->nframes * sizeof *s->ref.e);
    if (fset_init(&s->set, sys->nframes) < 0 || !s->counter || !s->loaded || !s->unref.e ||
        !s->ref.e) {
        aging_destroy(s);
        return VMM_ENOMEM;
    }
    sys->tick = interval;
    *state = s;
    return 0;
}

static void aging_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    struct aging *s = state;
    (void)op;
    (void)next_use;
    /* ref holds at most F - 1 live entries here; when full, the rest are
     * stale (frames freed by exits): start afresh, before f is counted. */
    if (s->ref.n == s->nframes)
        rebuild(s);
    fset_add(&s->set, f);
    s->counter[f] = 0;
    s->loaded[f] = ++s->stamp;
    heap_push(&s->ref, (struct aent){0, s->loaded[f], f});
}

static void aging_remove(void *state, frame_t f)
{
    fset_del(&((struct aging *)state)->set, f);
}

static void aging_tick(void *state)
{
    struct aging *s = state;
    for (frame_t f = 0; f < s->nframes; f++) {
        if (!s->sys->frames[f].pte)
            continue;
        s->counter[f] = (s->counter[f] >> 1) | ((frame_bits(s->sys, f) & PTE_REF) ? s->top : 0);
        frame_clear_bits(s->sys, f, PTE_REF);
    }
    rebuild(s);
}

/* Local replacement: the smallest (R, counter, load stamp) over the allowed
 * frames, by a scan; nothing changes. */
static frame_t aging_victim_local(const struct aging *s)
{
    frame_t v = FRAME_NONE;
    bool vr = false;
    for (frame_t f = 0; f < s->nframes; f++) {
        if (!fset_allowed(&s->set, s->sys, f))
            continue;
        bool r = (frame_bits(s->sys, f) & PTE_REF) != 0;
        if (v == FRAME_NONE || r < vr ||
            (r == vr && (s->counter[f] < s->counter[v] ||
                         (s->counter[f] == s->counter[v] && s->loaded[f] < s->loaded[v])))) {
            v = f;
            vr = r;
        }
    }
    VMM_ASSERT(v != FRAME_NONE); /* some frame is allowed */
    return v;
}

/* The smallest (R, counter, load stamp) over all frames; its entry is
 * popped (on_remove follows). */
static frame_t aging_victim(void *state)
{
    struct aging *s = state;
    if (VMM_UNLIKELY(s->sys->take_pid))
        return aging_victim_local(s);
    VMM_ASSERT(s->set.count == s->nframes);
    while (s->unref.n) {
        struct aent x = s->unref.e[0];
        heap_pop(&s->unref);
        if (!live(s, &x))
            continue;
        if (!(frame_bits(s->sys, x.f) & PTE_REF))
            return x.f;
        if (s->ref.n == s->nframes) {
            /* ref is full but holds at most F - 1 live entries (x is live and
             * not in it): start afresh, which puts x back into unref. */
            rebuild(s);
            continue;
        }
        heap_push(&s->ref, x); /* referenced since the tick */
    }
    for (;;) {
        VMM_ASSERT(s->ref.n > 0);
        struct aent x = s->ref.e[0];
        heap_pop(&s->ref);
        if (live(s, &x))
            return x.f;
    }
}

/* Checks one heap's order and counts its live entries per frame in seen. */
static int check_heap(const struct aging *s, const struct aheap *h, const char *name, uint8_t *seen,
                      char *msg, size_t len)
{
    for (uint64_t i = 0; i < h->n; i++) {
        const struct aent *x = &h->e[i];
        if (x->f >= s->nframes || (i > 0 && aent_less(x, &h->e[(i - 1) / 2]))) {
            snprintf(msg, len, "aging: %s heap broken at entry %" PRIu64, name, i);
            return -1;
        }
        if (!live(s, x))
            continue;
        if (x->counter != s->counter[x->f] || seen[x->f]++) {
            snprintf(msg, len, "aging: frame %u has a wrong or second entry in %s", (unsigned)x->f,
                     name);
            return -1;
        }
    }
    return 0;
}

static int aging_check(void *state, char *msg, size_t len)
{
    struct aging *s = state;
    uint8_t *seen = calloc(s->nframes, 1);
    if (!seen) {
        snprintf(msg, len, "aging: out of memory checking");
        return -1;
    }
    int rc = check_heap(s, &s->unref, "unref", seen, msg, len);
    if (rc == 0)
        rc = check_heap(s, &s->ref, "ref", seen, msg, len);
    for (frame_t f = 0; rc == 0 && f < s->nframes; f++) {
        if (seen[f] != s->set.on[f]) {
            snprintf(msg, len, "aging: frame %u has %u live heap entries", (unsigned)f,
                     (unsigned)seen[f]);
            rc = -1;
        }
    }
    free(seen);
    if (rc < 0)
        return rc;
    for (frame_t f = 0; f < s->nframes; f++) {
        if (s->set.on[f] && (s->counter[f] & ~(s->top | (s->top - 1)))) {
            snprintf(msg, len, "aging: counter of frame %u has bits above the top", (unsigned)f);
            return -1;
        }
    }
    return fset_check(&s->set, s->sys, "aging", msg, len);
}

const struct vmm_policy_ops vmm__policy_aging = {
    .info = {"aging", "aging counters: R shifted in every interval references, evict the smallest",
             "bits=8,interval=1000"},
    .needs = 0,
    .create = aging_create,
    .destroy = aging_destroy,
    .on_insert = aging_insert,
    .on_remove = aging_remove,
    .select_victim = aging_victim,
    .on_tick = aging_tick,
    .check = aging_check,
};
