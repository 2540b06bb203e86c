/*
 * test_policy_diff.c - differential tests of every replacement policy against
 * a deliberately naive reference implementation.
 *
 * The reference model below knows nothing of libvmm's structures: F frames in
 * a plain array, each with its page, R and M bits, load time, last-use time,
 * reference count, aging counter and next use; every decision is an O(F) scan
 * written straight from the conventions in docs/policies.md:
 *
 *  - frames fill 0, 1, 2, ... ; a victim's frame receives the new page;
 *  - R is set by every reference, including the faulting one; M by writes;
 *  - a victim is written back iff its M is set;
 *  - ticks (nru, aging) run after every interval-th reference;
 *  - the same tie-breaks and the same splitmix64 stream (random);
 *  - one process, so its virtual time (ws, wsclock) is the reference number.
 *
 * libvmm runs the same trace through vmm_replay_refs (single process pid 1,
 * metadata only) and must report the same page faults, evictions and
 * write-backs. On a mismatch the test replays prefixes to find the first
 * reference where the two disagree and prints the trace around it.
 *
 * Coverage: 100 seeded traces per policy (uniform, looping, hot/cold, sliding
 * window and tiny-alphabet references; write ratios 0 .. 1; 100 .. 600
 * references over up to 120 pages), each against frame counts 1 .. 64. To keep
 * the run short every trace uses every 3rd frame count (with a rotating
 * offset, so the 100 traces together cover all 64 counts about 33 times each)
 * plus 1 and 64. The invariant checker (cfg.check) runs after every reference
 * in one run of each trace, and a TLB is switched on in another, so the
 * R bits set through TLB hits are compared too. nru and aging are also run
 * with non-default intervals and counter widths, and on longer traces (1000 ..
 * 2400 references) where ticks at the default interval happen (without the
 * invariant checker: its page-table walk makes those runs slow); ws and
 * wsclock with windows (delta) from 1 reference to the default. Finally
 * every policy runs a 12000-reference trace with 4097 and 6000 frames, so the
 * policies' bitmaps and heaps span many words.
 *
 * Run time: about 7 s in total at -O2, 15 s under ASan+UBSan (the invariant
 * checker's page-table walk dominates).
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

#define MAXF    64         /* largest frame count compared */
#define NTRACES 100        /* seeded traces per policy */
#define NEVER   UINT64_MAX /* no next use */
#define MAXREFS 12000      /* longest trace */

/* ---- seeded randomness ---------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *rng, uint64_t n)
{
    return splitmix64(rng) % n;
}

/* ---- traces ----------------------------------------------------------------- */

struct tref {
    uint64_t page; /* virtual page number (id * spread + 3) */
    uint32_t id;   /* dense page id, 0 .. nids-1 (the model's index) */
    bool write;    /* store (sets M) */
};

struct trace {
    struct tref r[MAXREFS]; /* the references */
    uint64_t next[MAXREFS]; /* next[i]: 1-based number of the next reference to r[i].page */
    size_t n;               /* references used */
    uint32_t nids;          /* page ids used: 0 .. nids-1 */
    unsigned kind;          /* generator used (for messages) */
};

/* Sets page numbers from ids, and nids. */
static void trace_pages(struct trace *t, uint64_t spread)
{
    t->nids = 0;
    for (size_t i = 0; i < t->n; i++) {
        t->r[i].page = t->r[i].id * spread + 3;
        if (t->r[i].id >= t->nids)
            t->nids = t->r[i].id + 1;
    }
}

/* Fills next[] from the references (what the core computes for opt): one
 * backward pass with a small open-addressing table of page -> next use. */
static void trace_next_uses(struct trace *t)
{
    static uint64_t key[4 * MAXREFS], val[4 * MAXREFS];
    const size_t cap = 4 * MAXREFS;
    memset(val, 0, sizeof val); /* 0 = empty slot */
    for (size_t i = t->n; i-- > 0;) {
        size_t h = (size_t)(t->r[i].page * 0x9E3779B97F4A7C15ull >> 40) % cap;
        while (val[h] && key[h] != t->r[i].page)
            h = (h + 1) % cap;
        t->next[i] = val[h] ? val[h] : NEVER;
        key[h] = t->r[i].page;
        val[h] = i + 1;
    }
}

/* A trace of one of five shapes, chosen by the seed: 100 .. 600 references,
 * or 1000 .. 2400 if long (so that ticks at the default interval happen).
 * Every 4th trace spreads its pages over the address space (id * 613 + 3),
 * one per page-table leaf; the others pack a few per leaf (id * 7 + 3), which
 * keeps the page-table walks of the invariant checker cheap. */
static void trace_gen(struct trace *t, uint64_t seed, bool long_trace)
{
    uint64_t rng = seed * 0x100000001B3ull + 17;
    static const unsigned wr_pct[] = {0, 5, 30, 70, 100};
    unsigned wpct = wr_pct[below(&rng, 5)];
    uint64_t pages = 2 + below(&rng, 119); /* 2 .. 120 */
    uint64_t loop = 3 + below(&rng, 78), hot = 2 + below(&rng, 15), win = 3 + below(&rng, 40);
    uint64_t base = 0;
    t->kind = (unsigned)(seed % 5);
    t->n = long_trace ? 1000 + below(&rng, 1401) : 100 + below(&rng, 501);
    for (size_t i = 0; i < t->n; i++) {
        uint64_t id;
        switch (t->kind) {
        case 0: /* uniform */
            id = below(&rng, pages);
            break;
        case 1: /* a loop, with 10% strays */
            id = below(&rng, 10) == 0 ? below(&rng, pages) : i % loop;
            break;
        case 2: /* hot/cold: 85% to a small hot set */
            id = below(&rng, 100) < 85 ? below(&rng, hot) : hot + below(&rng, pages);
            break;
        case 3: /* a window that slides every 50 references */
            if (i % 50 == 49)
                base += below(&rng, win);
            id = base + below(&rng, win);
            break;
        default: /* a tiny alphabet */
            id = below(&rng, 2 + seed % 7);
            break;
        }
        t->r[i].id = (uint32_t)id;
        t->r[i].write = below(&rng, 100) < wpct;
    }
    trace_pages(t, seed % 4 == 0 ? 613 : 7);
    trace_next_uses(t);
}

/* A large trace for large memories: 12000 references, 50% to 2500 hot
 * pages, 30% stepping through 5000 others, 20% uniform over 20000 more; 30%
 * writes; about 8400 distinct pages. Pages are packed a few per page-table
 * leaf (id * 7 + 3). */
static void trace_gen_large(struct trace *t, uint64_t seed)
{
    uint64_t rng = seed * 0x100000001B3ull + 29, loop = 0;
    t->kind = 5;
    t->n = 12000;
    for (size_t i = 0; i < t->n; i++) {
        uint64_t x = below(&rng, 100);
        t->r[i].id = (uint32_t)(x < 50   ? below(&rng, 2500)
                                : x < 80 ? 2500 + loop++ % 5000
                                         : 7500 + below(&rng, 20000));
        t->r[i].write = below(&rng, 100) < 30;
    }
    trace_pages(t, 7);
    trace_next_uses(t);
}

/* ---- the naive reference ------------------------------------------------------ */

enum pol { FIFO, LRU, OPT, RANDOM, CLOCK, ECLOCK, NRU, AGING, LFU, MFU, WS, WSCLOCK };

static const char *const pol_names[] = {"fifo", "lru",   "opt", "random", "clock", "eclock",
                                        "nru",  "aging", "lfu", "mfu",    "ws",    "wsclock"};

struct mparams {
    uint64_t interval; /* nru, aging: references between ticks */
    unsigned bits;     /* aging: counter width */
    uint64_t delta;    /* ws, wsclock: the working-set window (0 = the default, 10000) */
};

static const struct mparams defaults = {1000, 8, 0};

struct mframe {
    bool used;        /* holds a page */
    bool r, m;        /* referenced, modified */
    uint64_t page;    /* the page held */
    uint32_t id;      /* its id */
    uint64_t loaded;  /* reference number that loaded it */
    uint64_t last;    /* reference number of its last use */
    uint64_t count;   /* references since loaded */
    uint64_t counter; /* aging register */
    uint64_t next;    /* next use (opt) */
    uint64_t seen;    /* wsclock: last use as the hand saw it */
};

struct model {
    enum pol pol;      /* policy modelled */
    struct mparams mp; /* its parameters */
    unsigned nf;       /* frames */
    unsigned nused;    /* frames filled so far (they fill 0, 1, 2, ...) */
    struct mframe *f;  /* the frames */
    uint32_t *where;   /* where[id]: frame + 1 holding page id, 0 = none (an index
                          only: it makes no decision) */
    unsigned hand;     /* clock, eclock, nru, wsclock */
    uint64_t now;      /* references so far: the one process's virtual time */
    uint64_t rng;      /* random */
    uint64_t faults, evictions, writebacks;
};

static bool better_opt(const struct mframe *a, const struct mframe *b)
{
    if (a->next == NEVER && b->next == NEVER)
        return a->last < b->last;
    return a->next > b->next;
}

static unsigned model_victim(struct model *m)
{
    unsigned n = m->nf, v = 0;
    struct mframe *f = m->f;
    uint64_t delta = m->mp.delta ? m->mp.delta : 10000;
    switch (m->pol) {
    case WS: {
        /* Outside the working set: not referenced in the last delta
         * references; the oldest such page, else the least recently used. */
        unsigned best = n;
        for (unsigned i = 0; i < n; i++) {
            if (f[i].last < f[v].last)
                v = i;
            if (m->now - f[i].last >= delta && (best == n || f[i].last < f[best].last))
                best = i;
        }
        return best < n ? best : v;
    }
    case WSCLOCK: {
        /* One turn: R = 1: clear, last use = now; old and clean: the
         * victim; then the first old dirty, the first clean with R = 0, the
         * hand's frame. */
        unsigned dirty_old = n, clean = n;
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (m->hand + k) % n;
            if (f[i].r) {
                f[i].r = false;
                f[i].seen = m->now;
                continue;
            }
            bool old = m->now - f[i].seen > delta;
            if (old && !f[i].m) {
                m->hand = (i + 1) % n;
                return i;
            }
            if (old && dirty_old == n)
                dirty_old = i;
            if (!old && !f[i].m && clean == n)
                clean = i;
        }
        v = dirty_old < n ? dirty_old : clean < n ? clean : m->hand;
        m->hand = (v + 1) % n;
        return v;
    }
    case FIFO:
        for (unsigned i = 1; i < n; i++)
            if (f[i].loaded < f[v].loaded)
                v = i;
        return v;
    case LRU:
        for (unsigned i = 1; i < n; i++)
            if (f[i].last < f[v].last)
                v = i;
        return v;
    case OPT:
        for (unsigned i = 1; i < n; i++)
            if (better_opt(&f[i], &f[v]))
                v = i;
        return v;
    case RANDOM:
        return (unsigned)(splitmix64(&m->rng) % n);
    case CLOCK:
        while (f[m->hand].r) {
            f[m->hand].r = false;
            m->hand = (m->hand + 1) % n;
        }
        v = m->hand;
        m->hand = (m->hand + 1) % n;
        return v;
    case ECLOCK:
        /* The textbook passes, literally. */
        for (;;) {
            for (unsigned k = 0; k < n; k++) {
                unsigned i = (m->hand + k) % n;
                if (!f[i].r && !f[i].m) {
                    m->hand = (i + 1) % n;
                    return i;
                }
            }
            for (unsigned k = 0; k < n; k++) {
                unsigned i = (m->hand + k) % n;
                if (!f[i].r && f[i].m) {
                    m->hand = (i + 1) % n;
                    return i;
                }
                f[i].r = false;
            }
        }
    case NRU: {
        unsigned best = 4;
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (m->hand + k) % n;
            unsigned c = (f[i].r ? 2u : 0u) + (f[i].m ? 1u : 0u);
            if (c < best) {
                best = c;
                v = i;
            }
        }
        m->hand = (v + 1) % n;
        return v;
    }
    case AGING:
        for (unsigned i = 1; i < n; i++) {
            if (f[i].r != f[v].r) {
                if (!f[i].r)
                    v = i;
            } else if (f[i].counter != f[v].counter) {
                if (f[i].counter < f[v].counter)
                    v = i;
            } else if (f[i].loaded < f[v].loaded) {
                v = i;
            }
        }
        return v;
    case LFU:
    case MFU:
        for (unsigned i = 1; i < n; i++) {
            if (f[i].count != f[v].count) {
                if ((m->pol == LFU) == (f[i].count < f[v].count))
                    v = i;
            } else if (f[i].last < f[v].last) {
                v = i;
            }
        }
        return v;
    }
    return 0;
}

static void model_tick(struct model *m)
{
    for (unsigned i = 0; i < m->nf; i++) {
        struct mframe *f = &m->f[i];
        if (!f->used)
            continue;
        if (m->pol == AGING)
            f->counter = (f->counter >> 1) | ((uint64_t)f->r << (m->mp.bits - 1));
        f->r = false;
    }
}

/* Runs the first n references of t through the model. */
static void model_run(struct model *m, enum pol pol, const struct mparams *mp, unsigned nf,
                      uint64_t seed, const struct trace *t, size_t n)
{
    memset(m, 0, sizeof *m);
    m->pol = pol;
    m->mp = *mp;
    m->nf = nf;
    m->rng = seed;
    m->f = calloc(nf, sizeof *m->f);
    m->where = calloc(t->nids, sizeof *m->where);
    if (!m->f || !m->where)
        abort();
    for (size_t k = 0; k < n; k++) {
        uint64_t now = k + 1, page = t->r[k].page;
        m->now = now;
        uint32_t id = t->r[k].id;
        bool w = t->r[k].write;
        uint64_t next = t->next[k];
        if (next != NEVER && next > n)
            next = NEVER; /* a prefix of the trace is its own whole trace */
        struct mframe *f = m->where[id] ? &m->f[m->where[id] - 1] : NULL;
        if (f) {
            f->r = true;
            f->m |= w;
            f->last = now;
            f->count++;
            f->next = next;
        } else {
            m->faults++;
            if (m->nused < nf) {
                f = &m->f[m->nused++];
            } else {
                f = &m->f[model_victim(m)];
                m->evictions++;
                m->writebacks += f->m;
                m->where[f->id] = 0;
            }
            *f = (struct mframe){.used = true,
                                 .r = true,
                                 .m = w,
                                 .page = page,
                                 .id = id,
                                 .loaded = now,
                                 .last = now,
                                 .count = 1,
                                 .next = next,
                                 .seen = now};
            m->where[id] = (uint32_t)(f - m->f) + 1;
        }
        if ((pol == NRU || pol == AGING) && now % mp->interval == 0)
            model_tick(m);
    }
}

/* ---- libvmm ------------------------------------------------------------------- */

struct run_opts {
    const char *params; /* policy_params, or NULL */
    bool check;         /* invariant checker after every reference */
    unsigned tlb;       /* TLB entries, 0 = none */
};

/* Runs the first n references of t through libvmm. Returns 0, or -1 with a
 * message in err. */
static int vmm_run(const char *policy, const struct run_opts *o, unsigned nf, uint64_t seed,
                   const struct trace *t, size_t n, struct vmm_stats *st, char *err, size_t len)
{
    struct vmm_config c;
    struct vmm_system *sys;
    static struct vmm_ref refs[MAXREFS];
    vmm_config_default(&c);
    c.frames = nf;
    c.policy = policy;
    c.policy_params = o->params;
    c.data = false;
    c.tlb_entries = o->tlb;
    c.check = o->check;
    c.seed = seed;
    if (vmm_system_create(&c, &sys, err, len) < 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        refs[k] = (struct vmm_ref){.addr = t->r[k].page * c.page_size,
                                   .pid = 1,
                                   .size = 1,
                                   .op = t->r[k].write ? VMM_WRITE : VMM_READ};
    int rc = vmm_replay_refs(sys, refs, n);
    if (rc < 0) {
        snprintf(err, len, "vmm_replay_refs: %s: %s", vmm_strerror(rc), vmm_system_error(sys));
        vmm_system_destroy(sys);
        return -1;
    }
    vmm_stats_get(sys, st);
    vmm_system_destroy(sys);
    return 0;
}

static bool same(const struct model *m, const struct vmm_stats *st)
{
    return m->faults == st->page_faults && m->evictions == st->evictions &&
           m->writebacks == st->writebacks;
}

static void model_free(struct model *m)
{
    free(m->f);
    free(m->where);
}

/* Model and libvmm on the first n references; true if they agree. *st gets
 * libvmm's counters, *m the model (free it). -1 if libvmm failed (message in
 * err). */
static int agree(enum pol pol, const struct mparams *mp, const struct run_opts *o, unsigned nf,
                 uint64_t seed, const struct trace *t, size_t n, struct model *m,
                 struct vmm_stats *st, char *err, size_t len)
{
    model_run(m, pol, mp, nf, seed, t, n);
    if (vmm_run(pol_names[pol], o, nf, seed, t, n, st, err, len) < 0)
        return -1;
    return same(m, st);
}

/* After a mismatch on the whole trace: the shortest prefix that differs
 * (by bisection on long traces, which finds a prefix where they start to
 * differ), and the references around its end. */
static void explain_mismatch(enum pol pol, const struct mparams *mp, const struct run_opts *o,
                             unsigned nf, uint64_t seed, const struct trace *t)
{
    char err[256];
    struct model m;
    struct vmm_stats st;
    size_t lo = 1, hi = t->n; /* the prefix of length hi differs */
    if (t->n > 3000) {
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int a = agree(pol, mp, o, nf, seed, t, mid, &m, &st, err, sizeof err);
            model_free(&m);
            if (a < 0)
                return;
            if (a)
                lo = mid + 1;
            else
                hi = mid;
        }
    } else {
        for (hi = 1; hi < t->n; hi++) {
            int a = agree(pol, mp, o, nf, seed, t, hi, &m, &st, err, sizeof err);
            model_free(&m);
            if (a < 0)
                return;
            if (!a)
                break;
        }
    }
    if (agree(pol, mp, o, nf, seed, t, hi, &m, &st, err, sizeof err) < 0) {
        model_free(&m);
        return;
    }
    printf("  first difference after reference %zu (%s); the last page ids:", hi,
           t->r[hi - 1].write ? "write" : "read");
    for (size_t k = hi > 12 ? hi - 12 : 0; k < hi; k++)
        printf(" %u%s", (unsigned)t->r[k].id, t->r[k].write ? "w" : "");
    printf("\n  model: faults %" PRIu64 " writebacks %" PRIu64 "; libvmm: faults %" PRIu64
           " writebacks %" PRIu64 "\n  model frames (id R M):",
           m.faults, m.writebacks, st.page_faults, st.writebacks);
    for (unsigned i = 0; i < nf && i < 16; i++)
        printf(" [%u] %u %d%d", i, (unsigned)m.f[i].id, m.f[i].r, m.f[i].m);
    printf("\n");
    model_free(&m);
}

/* Compares model and libvmm on trace t with nf frames; fails the running
 * test on a difference. */
static void compare(enum pol pol, const char *params, const struct mparams *mp,
                    const struct run_opts *o, unsigned nf, uint64_t seed, const struct trace *t)
{
    char err[256];
    struct model m;
    struct vmm_stats st;
    int a = agree(pol, mp, o, nf, seed, t, t->n, &m, &st, err, sizeof err);
    model_free(&m);
    if (a < 0) {
        test_fail(__FILE__, __LINE__, "%s frames=%u seed=%" PRIu64 ": %s", pol_names[pol], nf, seed,
                  err);
    } else if (!a) {
        test_fail(__FILE__, __LINE__,
                  "%s%s%s frames=%u seed=%" PRIu64 " (kind %u, %zu refs%s%s): "
                  "faults %" PRIu64 "/%" PRIu64 " evictions %" PRIu64 "/%" PRIu64
                  " writebacks %" PRIu64 "/%" PRIu64 " (model/libvmm)",
                  pol_names[pol], params ? " " : "", params ? params : "", nf, seed, t->kind, t->n,
                  o->check ? ", check" : "", o->tlb ? ", tlb" : "", m.faults, st.page_faults,
                  m.evictions, st.evictions, m.writebacks, st.writebacks);
        explain_mismatch(pol, mp, o, nf, seed, t);
    }
}

/* Compares libvmm with the model on ntraces traces (seeds seed0 ...), long
 * ones if long_traces, and the frame counts described at the top; fails the
 * running test at the first difference. */
static void diff_policy(enum pol pol, const char *params, const struct mparams *mp, uint64_t seed0,
                        unsigned ntraces, bool long_traces)
{
    static struct trace t;
    for (unsigned k = 0; k < ntraces && !test_stopped(); k++) {
        uint64_t seed = seed0 + k;
        trace_gen(&t, seed, long_traces);
        for (unsigned nf = 1; nf <= MAXF && !test_stopped(); nf++) {
            if (nf != 1 && nf != MAXF && nf % 3 != k % 3)
                continue;
            struct run_opts o = {.params = params,
                                 .check = !long_traces && nf % 16 == k % 16,
                                 .tlb = nf % 16 == (k + 8) % 16 ? 8 : 0};
            compare(pol, params, mp, &o, nf, seed, &t);
        }
    }
}

/* ---- the tests ------------------------------------------------------------------ */

TEST(policy_diff_fifo)
{
    diff_policy(FIFO, NULL, &defaults, 1000, NTRACES, false);
}

TEST(policy_diff_lru)
{
    diff_policy(LRU, NULL, &defaults, 2000, NTRACES, false);
}

TEST(policy_diff_opt)
{
    diff_policy(OPT, NULL, &defaults, 3000, NTRACES, false);
}

TEST(policy_diff_random)
{
    diff_policy(RANDOM, NULL, &defaults, 4000, NTRACES, false);
}

TEST(policy_diff_clock)
{
    diff_policy(CLOCK, NULL, &defaults, 5000, NTRACES, false);
}

TEST(policy_diff_eclock)
{
    diff_policy(ECLOCK, NULL, &defaults, 6000, NTRACES, false);
}

TEST(policy_diff_nru)
{
    diff_policy(NRU, NULL, &defaults, 7000, NTRACES, false);
}

TEST(policy_diff_aging)
{
    diff_policy(AGING, NULL, &defaults, 8000, NTRACES, false);
}

TEST(policy_diff_lfu)
{
    diff_policy(LFU, NULL, &defaults, 9000, NTRACES, false);
}

TEST(policy_diff_mfu)
{
    diff_policy(MFU, NULL, &defaults, 10000, NTRACES, false);
}

/* One process: ws is lru in disguise (its oldest page outside the window is
 * the least recently used), which the model does not assume. */
TEST(policy_diff_ws)
{
    static const uint64_t d[] = {1, 2, 5, 17, 60, 0};
    for (size_t i = 0; i < sizeof d / sizeof d[0] && !test_stopped(); i++) {
        char params[64] = "";
        struct mparams mp = {1000, 8, d[i]};
        snprintf(params, sizeof params, "delta=%" PRIu64, d[i]);
        diff_policy(WS, d[i] ? params : NULL, &mp, 15000 + 100 * i, 20, false);
    }
}

TEST(policy_diff_wsclock)
{
    static const uint64_t d[] = {1, 2, 3, 8, 30, 120, 0};
    for (size_t i = 0; i < sizeof d / sizeof d[0] && !test_stopped(); i++) {
        char params[64] = "";
        struct mparams mp = {1000, 8, d[i]};
        snprintf(params, sizeof params, "delta=%" PRIu64, d[i]);
        diff_policy(WSCLOCK, d[i] ? params : NULL, &mp, 16000 + 100 * i, 20, false);
    }
}

/* Short intervals, so R bits are cleared many times within a trace. */
TEST(policy_diff_nru_interval)
{
    static const uint64_t iv[] = {1, 2, 3, 7, 16, 50, 128};
    for (size_t i = 0; i < sizeof iv / sizeof iv[0] && !test_stopped(); i++) {
        char params[64];
        struct mparams mp = {iv[i], 8, 0};
        snprintf(params, sizeof params, "interval=%" PRIu64, iv[i]);
        diff_policy(NRU, params, &mp, 11000 + 100 * i, 20, false);
    }
}

TEST(policy_diff_aging_params)
{
    static const struct mparams mps[] = {{1, 8, 0},  {2, 1, 0},  {3, 2, 0}, {5, 3, 0},
                                         {7, 64, 0}, {10, 8, 0}, {40, 4, 0}};
    for (size_t i = 0; i < sizeof mps / sizeof mps[0] && !test_stopped(); i++) {
        char params[64];
        snprintf(params, sizeof params, "bits=%u,interval=%" PRIu64, mps[i].bits, mps[i].interval);
        diff_policy(AGING, params, &mps[i], 12000 + 100 * i, 20, false);
    }
}

/* Long traces, so that ticks at the default interval (1000) happen; the
 * defaults spelled out, in either order, are the defaults. */
TEST(policy_diff_default_interval)
{
    diff_policy(NRU, NULL, &defaults, 13000, 10, true);
    if (test_stopped())
        return;
    diff_policy(AGING, NULL, &defaults, 14000, 10, true);
    if (test_stopped())
        return;
    diff_policy(NRU, "interval=1000", &defaults, 7000, 10, true);
    if (test_stopped())
        return;
    diff_policy(AGING, "interval=1000,bits=8", &defaults, 8000, 10, true);
}

/* Large memories: thousands of frames, so the policies' bitmaps and heaps
 * span many words and levels (F > 4096 puts two words in fbits' summary). */
TEST(policy_diff_large)
{
    static struct trace t;
    static const struct {
        enum pol pol;
        const char *params;
        struct mparams mp;
    } runs[] = {
        {FIFO, NULL, {1000, 8, 0}},          {LRU, NULL, {1000, 8, 0}},
        {OPT, NULL, {1000, 8, 0}},           {RANDOM, NULL, {1000, 8, 0}},
        {CLOCK, NULL, {1000, 8, 0}},         {ECLOCK, NULL, {1000, 8, 0}},
        {NRU, NULL, {1000, 8, 0}},           {NRU, "interval=300", {300, 8, 0}},
        {AGING, NULL, {1000, 8, 0}},         {AGING, "bits=12,interval=300", {300, 12, 0}},
        {LFU, NULL, {1000, 8, 0}},           {MFU, NULL, {1000, 8, 0}},
        {WS, "delta=3000", {1000, 8, 3000}}, {WSCLOCK, "delta=2000", {1000, 8, 2000}},
    };
    static const unsigned frames[] = {4097, 6000};
    for (size_t f = 0; f < 2; f++) {
        trace_gen_large(&t, 500 + f);
        for (size_t i = 0; i < sizeof runs / sizeof runs[0] && !test_stopped(); i++) {
            struct run_opts o = {.params = runs[i].params, .check = false, .tlb = f ? 64 : 0};
            compare(runs[i].pol, runs[i].params, &runs[i].mp, &o, frames[f], 77, &t);
        }
    }
}
