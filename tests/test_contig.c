/*
 * test_contig.c - the contiguous allocator (src/contig.c).
 *
 *  - Silberschatz's exercise (Operating System Concepts, "Main Memory"):
 *    holes of 100, 500, 200, 300 and 600 KB in that order, processes of 212,
 *    417, 112 and 426 KB in that order, under each fit: the hole each one
 *    takes, and every hole left after each step;
 *  - a differential property test: thousands of seeded random operations
 *    (alloc, alloc_at, free, resize, grow_down, compact with pinned blocks)
 *    under each fit and several units, against a byte map kept by the test
 *    that places blocks the naive way; after every operation contig_check
 *    passes, every extent matches the map, the statistics and the rover
 *    agree, and a failed operation changed nothing;
 *  - coalescing, compaction (pinned blocks, moved() calls, bytes moved),
 *    ext_frag, next fit's wrap-around, rounding to the unit, error codes,
 *    sizes near UINT64_MAX, and contig_check catching broken structures.
 */
#include "contig.h"
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

#define KB 1024u

/* contig_check passes (its message is shown if not). */
#define CHECK_CONTIG(c)                                                                            \
    do {                                                                                           \
        char m_[256];                                                                              \
        if (contig_check((c), m_, sizeof m_) != 0) {                                               \
            test_fail(__FILE__, __LINE__, "contig_check: %s", m_);                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The holes of c, in address order, as (start, size) pairs; returns how many
 * (at most max are stored). */
static size_t holes_of(const struct contig *c, uint64_t (*out)[2], size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->ext[i].hole) {
            if (k < max) {
                out[k][0] = c->ext[i].start;
                out[k][1] = c->ext[i].size;
            }
            k++;
        }
    return k;
}

/* ---- Silberschatz's exercise ----------------------------------------------- */

/* Holes of 100, 500, 200, 300 and 600 KB, a 1 KB spacer block before each
 * and one at the end (owners 101 .. 106), unit 1 KB:
 *
 *   0  1     101 102   602 603   803 804    1104 1105    1705 1706 KB
 *   |s | 100 |s | 500  |s | 200  |s | 300   |s  | 600    |s  |
 */
static const uint64_t spacer_kb[6] = {0, 101, 602, 803, 1104, 1705};
static const uint64_t process_kb[4] = {212, 417, 112, 426};

struct textbook_step {
    int64_t start_kb;     /* where the process goes, KB; -1: it must wait (ENOSPC) */
    uint64_t holes[5][2]; /* every hole afterwards, (start, size) in KB */
};

static void textbook_run(unsigned fit, const struct textbook_step *steps)
{
    struct contig c;
    CHECK_EQ_I64(contig_init(&c, 1706 * (uint64_t)KB, KB, fit), 0);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ_I64(contig_alloc_at(&c, spacer_kb[i] * KB, KB, 101u + (uint32_t)i), 0);
        CHECK_CONTIG(&c);
    }
    uint64_t h[8][2];
    static const uint64_t initial[5][2] = {
        {1, 100}, {102, 500}, {603, 200}, {804, 300}, {1105, 600}};
    CHECK_EQ_U64(holes_of(&c, h, 8), 5);
    for (int k = 0; k < 5; k++) {
        CHECK_EQ_U64(h[k][0], initial[k][0] * KB);
        CHECK_EQ_U64(h[k][1], initial[k][1] * KB);
    }
    for (int p = 0; p < 4; p++) {
        uint64_t start = 0, used = c.used;
        int rc = contig_alloc(&c, process_kb[p] * KB, 1u + (uint32_t)p, &start);
        CHECK_CONTIG(&c);
        if (steps[p].start_kb < 0) {
            CHECK_EQ_I64(rc, VMM_ENOSPC);
            CHECK_EQ_U64(c.used, used);
        } else {
            CHECK_EQ_I64(rc, 0);
            CHECK_EQ_U64(start, (uint64_t)steps[p].start_kb * KB);
            CHECK_EQ_U64(c.used, used + process_kb[p] * KB);
            const struct contig_ext *e = contig_find(&c, start);
            CHECK(e && !e->hole && e->owner == 1u + (uint32_t)p && e->start == start);
            CHECK_EQ_U64(e->size, process_kb[p] * KB);
        }
        CHECK_EQ_U64(holes_of(&c, h, 8), 5);
        for (int k = 0; k < 5; k++) {
            CHECK_EQ_U64(h[k][0], steps[p].holes[k][0] * KB);
            CHECK_EQ_U64(h[k][1], steps[p].holes[k][1] * KB);
        }
    }
    contig_destroy(&c);
}

/* First fit: 212 -> the 500 hole, 417 -> the 600, 112 -> the 288 KB left of
 * the 500, 426 waits. */
TEST(contig_textbook_first_fit)
{
    static const struct textbook_step steps[4] = {
        {102, {{1, 100}, {314, 288}, {603, 200}, {804, 300}, {1105, 600}}},
        {1105, {{1, 100}, {314, 288}, {603, 200}, {804, 300}, {1522, 183}}},
        {314, {{1, 100}, {426, 176}, {603, 200}, {804, 300}, {1522, 183}}},
        {-1, {{1, 100}, {426, 176}, {603, 200}, {804, 300}, {1522, 183}}},
    };
    textbook_run(VMM_FIT_FIRST, steps);
}

/* Best fit: 212 -> 300, 417 -> 500, 112 -> 200, 426 -> 600: all placed. */
TEST(contig_textbook_best_fit)
{
    static const struct textbook_step steps[4] = {
        {804, {{1, 100}, {102, 500}, {603, 200}, {1016, 88}, {1105, 600}}},
        {102, {{1, 100}, {519, 83}, {603, 200}, {1016, 88}, {1105, 600}}},
        {603, {{1, 100}, {519, 83}, {715, 88}, {1016, 88}, {1105, 600}}},
        {1105, {{1, 100}, {519, 83}, {715, 88}, {1016, 88}, {1531, 174}}},
    };
    textbook_run(VMM_FIT_BEST, steps);
}

/* Worst fit: 212 -> 600, 417 -> 500, 112 -> the 388 KB left of the 600, 426
 * waits (the largest hole is 300). */
TEST(contig_textbook_worst_fit)
{
    static const struct textbook_step steps[4] = {
        {1105, {{1, 100}, {102, 500}, {603, 200}, {804, 300}, {1317, 388}}},
        {102, {{1, 100}, {519, 83}, {603, 200}, {804, 300}, {1317, 388}}},
        {1317, {{1, 100}, {519, 83}, {603, 200}, {804, 300}, {1429, 276}}},
        {-1, {{1, 100}, {519, 83}, {603, 200}, {804, 300}, {1429, 276}}},
    };
    textbook_run(VMM_FIT_WORST, steps);
}

/* Next fit, from the definition: the rover starts at 0 (the spacers are
 * placed with alloc_at, which does not move it). 212: from 0, the 100 hole
 * is too small, the 500 takes it at 102; the rover is 314. 417: the search
 * starts in the hole holding 314 (the 288 KB left of the 500, too small),
 * then 200 and 300 are too small, the 600 takes it at 1105; the rover is
 * 1522. 112: the hole holding 1522 is the 183 KB left of the 600: it goes
 * there (first fit would have gone back to the 288 at 314); the rover is
 * 1634. 426: 71 KB, then wrapping 100, 288, 200, 300: it waits. */
TEST(contig_textbook_next_fit)
{
    static const struct textbook_step steps[4] = {
        {102, {{1, 100}, {314, 288}, {603, 200}, {804, 300}, {1105, 600}}},
        {1105, {{1, 100}, {314, 288}, {603, 200}, {804, 300}, {1522, 183}}},
        {1522, {{1, 100}, {314, 288}, {603, 200}, {804, 300}, {1634, 71}}},
        {-1, {{1, 100}, {314, 288}, {603, 200}, {804, 300}, {1634, 71}}},
    };
    textbook_run(VMM_FIT_NEXT, steps);
}

/* ---- the differential property test ------------------------------------------ */

#define MAXBYTES 4200

/* The test's own allocator: who owns each byte. Owners are never reused, so
 * a block is a maximal run of one owner. */
struct model {
    uint32_t map[MAXBYTES]; /* owner of each byte; 0 = free */
    uint64_t size;          /* bytes managed */
    uint64_t unit;          /* the allocation unit */
    unsigned fit;           /* enum vmm_fit */
    uint64_t rover;         /* where the last contig_alloc placement ended */
    uint32_t next_owner;    /* owner of the next block */
};

static uint64_t m_round(const struct model *m, uint64_t size)
{
    return (size + m->unit - 1) / m->unit * m->unit;
}

/* Maximal runs of free bytes: starts and sizes; returns how many. */
static size_t m_holes(const struct model *m, uint64_t *hs, uint64_t *hz)
{
    size_t k = 0;
    for (uint64_t a = 0; a < m->size;) {
        if (m->map[a]) {
            a++;
            continue;
        }
        uint64_t b = a;
        while (b < m->size && !m->map[b])
            b++;
        hs[k] = a;
        hz[k] = b - a;
        k++;
        a = b;
    }
    return k;
}

/* Blocks in address order: starts, sizes, owners; returns how many. */
static size_t m_blocks(const struct model *m, uint64_t *bs, uint64_t *bz, uint32_t *bo)
{
    size_t k = 0;
    for (uint64_t a = 0; a < m->size;) {
        uint32_t o = m->map[a];
        if (!o) {
            a++;
            continue;
        }
        uint64_t b = a;
        while (b < m->size && m->map[b] == o)
            b++;
        bs[k] = a;
        bz[k] = b - a;
        bo[k] = o;
        k++;
        a = b;
    }
    return k;
}

/* Where the fit puts need bytes, the naive way; false if nowhere. */
static bool m_choose(const struct model *m, uint64_t need, uint64_t *at)
{
    uint64_t hs[MAXBYTES / 2 + 1], hz[MAXBYTES / 2 + 1];
    size_t n = m_holes(m, hs, hz), pick = n;
    switch (m->fit) {
    case VMM_FIT_FIRST:
        for (size_t i = 0; i < n && pick == n; i++)
            if (hz[i] >= need)
                pick = i;
        break;
    case VMM_FIT_BEST:
        for (size_t i = 0; i < n; i++)
            if (hz[i] >= need && (pick == n || hz[i] < hz[pick]))
                pick = i;
        break;
    case VMM_FIT_WORST:
        for (size_t i = 0; i < n; i++)
            if (pick == n || hz[i] > hz[pick])
                pick = i;
        if (pick < n && hz[pick] < need)
            pick = n;
        break;
    case VMM_FIT_NEXT: {
        size_t from = 0; /* the first hole that ends above the rover, else wrap to 0 */
        while (from < n && hs[from] + hz[from] <= m->rover)
            from++;
        if (from == n)
            from = 0;
        for (size_t k = 0; k < n && pick == n; k++)
            if (hz[(from + k) % n] >= need)
                pick = (from + k) % n;
        break;
    }
    }
    if (pick == n)
        return false;
    *at = hs[pick];
    return true;
}

static void m_fill(struct model *m, uint64_t start, uint64_t size, uint32_t owner)
{
    for (uint64_t a = start; a < start + size; a++)
        m->map[a] = owner;
}

static bool m_free_range(const struct model *m, uint64_t start, uint64_t size)
{
    if (start > m->size || size > m->size - start)
        return false;
    for (uint64_t a = start; a < start + size; a++)
        if (m->map[a])
            return false;
    return true;
}

/* The block that starts at start: its size and owner; false if none does. */
static bool m_block_at(const struct model *m, uint64_t start, uint64_t *size, uint32_t *owner)
{
    if (start >= m->size || !m->map[start] || (start > 0 && m->map[start - 1] == m->map[start]))
        return false;
    uint64_t b = start;
    while (b < m->size && m->map[b] == m->map[start])
        b++;
    *size = b - start;
    *owner = m->map[start];
    return true;
}

/* Every extent of c against the map, and the statistics. */
static void compare(const struct contig *c, const struct model *m)
{
    CHECK_CONTIG(c);
    CHECK_EQ_U64(c->size, m->size);
    CHECK_EQ_U64(c->rover, m->rover);
    uint64_t used = 0, blocks = 0, holes = 0, largest = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct contig_ext *e = &c->ext[i];
        uint32_t want = e->hole ? 0 : e->owner;
        CHECK(e->hole || e->owner != 0);
        for (uint64_t a = e->start; a < e->start + e->size; a++)
            if (m->map[a] != want) {
                test_fail(__FILE__, __LINE__,
                          "extent %zu [%" PRIu64 ", +%" PRIu64 ") owner %u: byte %" PRIu64
                          " belongs to %u in the model",
                          i, e->start, e->size, want, a, m->map[a]);
                return;
            }
        /* A block is a whole run of its owner: the bytes on either side differ. */
        if (!e->hole) {
            CHECK(e->start == 0 || m->map[e->start - 1] != e->owner);
            CHECK(e->start + e->size == m->size || m->map[e->start + e->size] != e->owner);
            used += e->size;
            blocks++;
        } else {
            holes++;
            if (e->size > largest)
                largest = e->size;
        }
    }
    uint64_t hs[MAXBYTES / 2 + 1], hz[MAXBYTES / 2 + 1];
    size_t mh = m_holes(m, hs, hz);
    uint64_t mfree = 0, mlargest = 0;
    for (size_t k = 0; k < mh; k++) {
        mfree += hz[k];
        if (hz[k] > mlargest)
            mlargest = hz[k];
    }
    struct contig_stats st;
    contig_stats(c, &st);
    CHECK_EQ_U64(st.size, m->size);
    CHECK_EQ_U64(st.used, m->size - mfree);
    CHECK_EQ_U64(c->used, m->size - mfree);
    CHECK_EQ_U64(used, m->size - mfree);
    CHECK_EQ_U64(st.free, mfree);
    CHECK_EQ_U64(st.holes, mh);
    CHECK_EQ_U64(holes, mh);
    CHECK_EQ_U64(st.blocks, blocks);
    CHECK_EQ_U64(st.largest, mlargest);
    CHECK_EQ_U64(contig_largest(c), mlargest);
    double frag = mfree ? 1.0 - (double)mlargest / (double)mfree : 0.0;
    CHECK(st.ext_frag == frag);
}

/* A copy of everything an operation may change. */
struct snapshot {
    struct contig_ext ext[MAXBYTES]; /* the extents */
    size_t n;                        /* how many */
    uint64_t used, rover;            /* c->used, c->rover */
};

static void snap(const struct contig *c, struct snapshot *s)
{
    s->n = c->n;
    memcpy(s->ext, c->ext, c->n * sizeof *c->ext);
    s->used = c->used;
    s->rover = c->rover;
}

static bool same(const struct contig *c, const struct snapshot *s)
{
    if (c->n != s->n || c->used != s->used || c->rover != s->rover)
        return false;
    for (size_t i = 0; i < c->n; i++)
        if (c->ext[i].start != s->ext[i].start || c->ext[i].size != s->ext[i].size ||
            c->ext[i].hole != s->ext[i].hole || c->ext[i].owner != s->ext[i].owner)
            return false;
    return true;
}

/* What the compaction callbacks see. */
struct compact_log {
    const struct contig *c;      /* the allocator being compacted */
    uint64_t salt;               /* picks the pinned owners */
    uint64_t moves[MAXBYTES][4]; /* owner, from, to, size of each moved() call */
    size_t n;                    /* calls so far */
    bool bad;                    /* a callback saw c inconsistent */
};

static bool pinned(uint64_t salt, uint32_t owner)
{
    uint64_t s = salt ^ owner;
    return rnd(&s) % 4 == 0;
}

static bool log_may_move(void *ctx, uint32_t owner, uint64_t start)
{
    struct compact_log *l = ctx;
    const struct contig_ext *e = contig_find(l->c, start);
    if (!e || e->hole || e->start != start || e->owner != owner)
        l->bad = true;
    return !pinned(l->salt, owner);
}

static void log_moved(void *ctx, uint32_t owner, uint64_t from, uint64_t to, uint64_t size)
{
    struct compact_log *l = ctx;
    if (l->n < MAXBYTES) {
        l->moves[l->n][0] = owner;
        l->moves[l->n][1] = from;
        l->moves[l->n][2] = to;
        l->moves[l->n][3] = size;
    }
    l->n++;
    /* The block is already at to, and the allocator is consistent. */
    const struct contig_ext *e = contig_find(l->c, to);
    if (!e || e->hole || e->start != to || e->owner != owner || e->size != size ||
        contig_check(l->c, NULL, 0) != 0)
        l->bad = true;
}

/* Picks the start of a random block of the model, or a random address. */
static uint64_t pick_start(const struct model *m, uint64_t *seed)
{
    static uint64_t bs[MAXBYTES], bz[MAXBYTES];
    static uint32_t bo[MAXBYTES];
    size_t n = m_blocks(m, bs, bz, bo);
    if (n == 0 || rnd(seed) % 8 == 0)
        return rnd(seed) % (m->size + 2);
    return bs[rnd(seed) % n];
}

/* A random request size: mostly small against the whole, some large, some 0. */
static uint64_t pick_size(const struct model *m, uint64_t *seed)
{
    uint64_t r = rnd(seed) % 100;
    if (r < 2)
        return 0;
    if (r < 10)
        return 1 + rnd(seed) % (m->size + m->unit);
    return 1 + rnd(seed) % (m->size / 12);
}

static void random_run(unsigned fit, uint64_t size, uint64_t unit, uint64_t seed, int ops)
{
    static struct model m;
    static struct snapshot before;
    static struct compact_log log;
    static uint64_t bs[MAXBYTES], bz[MAXBYTES];
    static uint32_t bo[MAXBYTES];
    struct contig c;
    uint64_t counts[6][2] = {{0}}; /* per operation: successes, failures */

    memset(&m, 0, sizeof m);
    m.size = size;
    m.unit = unit;
    m.fit = fit;
    m.next_owner = 1;
    CHECK_EQ_I64(contig_init(&c, size, unit, fit), 0);
    compare(&c, &m);
    if (test_stopped())
        return;

    for (int step = 0; step < ops; step++) {
        uint64_t r = rnd(&seed) % 100;
        int kind = r < 33 ? 0 : r < 43 ? 1 : r < 68 ? 2 : r < 82 ? 3 : r < 95 ? 4 : 5;
        int rc = 0, want = 0;
        snap(&c, &before);
        if (kind == 0) { /* alloc */
            uint64_t sz = pick_size(&m, &seed), at = UINT64_MAX, mat = 0;
            uint64_t need = m_round(&m, sz);
            uint32_t owner = m.next_owner++;
            rc = contig_alloc(&c, sz, owner, &at);
            if (sz == 0)
                want = VMM_EINVAL;
            else if (need > m.size || !m_choose(&m, need, &mat))
                want = VMM_ENOSPC;
            CHECK_EQ_I64(rc, want);
            if (rc == 0) {
                CHECK_EQ_U64(at, mat);
                m_fill(&m, at, need, owner);
                m.rover = at + need;
            }
        } else if (kind == 1) { /* alloc_at */
            uint64_t sz = pick_size(&m, &seed) / 2;
            uint64_t start, q = rnd(&seed) % 8, hs[MAXBYTES / 2 + 1], hz[MAXBYTES / 2 + 1];
            size_t nh = m_holes(&m, hs, hz);
            if (q == 0) /* anywhere, aligned or not */
                start = rnd(&seed) % (m.size + m.unit);
            else if (q < 4 || nh == 0) /* any multiple of the unit */
                start = rnd(&seed) % (m.size / m.unit + 2) * m.unit;
            else /* inside a hole, often where it fits */
                start = hs[rnd(&seed) % nh] + rnd(&seed) % 3 * m.unit;
            uint64_t need = m_round(&m, sz);
            uint32_t owner = m.next_owner++;
            rc = contig_alloc_at(&c, start, sz, owner);
            if (sz == 0)
                want = VMM_EINVAL;
            else if (start % m.unit || start >= m.size || need > m.size - start)
                want = VMM_ERANGE;
            else if (!m_free_range(&m, start, need))
                want = VMM_EEXIST;
            CHECK_EQ_I64(rc, want);
            if (rc == 0)
                m_fill(&m, start, need, owner);
        } else if (kind == 2) { /* free */
            uint64_t start = pick_start(&m, &seed), bsz;
            uint32_t owner;
            rc = contig_free(&c, start);
            bool found = m_block_at(&m, start, &bsz, &owner);
            CHECK_EQ_I64(rc, found ? 0 : VMM_ENOENT);
            if (found)
                m_fill(&m, start, bsz, 0);
        } else if (kind == 3) { /* resize */
            uint64_t start = pick_start(&m, &seed), bsz = 0, sz;
            uint32_t owner = 0;
            bool found = m_block_at(&m, start, &bsz, &owner);
            uint64_t q = rnd(&seed) % 10;
            sz = q == 0 ? 0 : q < 4 ? 1 + rnd(&seed) % (bsz + 1) : bsz + rnd(&seed) % (m.size / 8);
            uint64_t need = m_round(&m, sz);
            rc = contig_resize(&c, start, sz);
            if (sz == 0)
                want = VMM_EINVAL;
            else if (!found)
                want = VMM_ENOENT;
            else if (need > bsz && !m_free_range(&m, start + bsz, need - bsz))
                want = VMM_ENOSPC;
            CHECK_EQ_I64(rc, want);
            if (rc == 0) {
                m_fill(&m, start, bsz, 0);
                m_fill(&m, start, need, owner);
            }
        } else if (kind == 4) { /* grow_down, often of a block with a hole below it */
            uint64_t start = pick_start(&m, &seed), bsz = 0, ns = UINT64_MAX;
            size_t nb = m_blocks(&m, bs, bz, bo);
            for (size_t k = 0, i0 = nb ? rnd(&seed) % nb : 0; k < nb && rnd(&seed) % 2; k++)
                if (bs[(i0 + k) % nb] > 0 && !m.map[bs[(i0 + k) % nb] - 1]) {
                    start = bs[(i0 + k) % nb];
                    break;
                }
            uint32_t owner = 0;
            bool found = m_block_at(&m, start, &bsz, &owner);
            uint64_t q = rnd(&seed) % 12;
            uint64_t more = q == 0 ? 0 : 1 + rnd(&seed) % (q < 6 ? m.size / 60 : m.size / 10);
            uint64_t need = m_round(&m, more);
            rc = contig_grow_down(&c, start, more, &ns);
            if (more == 0)
                want = VMM_EINVAL;
            else if (!found)
                want = VMM_ENOENT;
            else if (need > start || !m_free_range(&m, start - need, need))
                want = VMM_ENOSPC;
            CHECK_EQ_I64(rc, want);
            if (rc == 0) {
                CHECK_EQ_U64(ns, start - need);
                m_fill(&m, start - need, need, owner);
            }
        } else { /* compact, some blocks pinned */
            memset(&log, 0, sizeof log);
            log.c = &c;
            log.salt = rnd(&seed);
            uint64_t bytes = contig_compact(&c, log_may_move, log_moved, &log);
            CHECK(!log.bad);
            size_t n = m_blocks(&m, bs, bz, bo), k = 0;
            uint64_t floor = 0, mbytes = 0;
            for (size_t i = 0; i < n; i++) {
                if (bs[i] > floor && !pinned(log.salt, bo[i])) {
                    CHECK(k < log.n);
                    CHECK_EQ_U64(log.moves[k][0], bo[i]);
                    CHECK_EQ_U64(log.moves[k][1], bs[i]);
                    CHECK_EQ_U64(log.moves[k][2], floor);
                    CHECK_EQ_U64(log.moves[k][3], bz[i]);
                    k++;
                    m_fill(&m, bs[i], bz[i], 0);
                    m_fill(&m, floor, bz[i], bo[i]);
                    bs[i] = floor;
                    mbytes += bz[i];
                }
                floor = bs[i] + bz[i];
            }
            CHECK_EQ_U64(log.n, k);
            CHECK_EQ_U64(bytes, mbytes);
        }
        counts[kind][rc != 0]++;
        if (rc != 0 && !same(&c, &before)) {
            test_fail(__FILE__, __LINE__, "step %d: operation %d failed (%d) but changed c", step,
                      kind, rc);
            return;
        }
        compare(&c, &m);
        if (test_stopped()) {
            test_fail(__FILE__, __LINE__,
                      "(fit %u, size %" PRIu64 ", unit %" PRIu64 ", step %d, operation %d)", fit,
                      size, unit, step, kind);
            return;
        }
    }
    /* The run exercised both outcomes of every operation that can fail. */
    for (int k = 0; k < 5; k++) {
        CHECK(counts[k][0] > 0);
        CHECK(counts[k][1] > 0);
    }
    CHECK(counts[5][0] > 0);
    contig_destroy(&c);
}

static void random_all(unsigned fit)
{
    static const struct {
        uint64_t size, unit;
    } shapes[] = {{1000, 1}, {2048 + 7, 16}, {4160 + 33, 64}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (uint64_t seed = 1; seed <= 2; seed++) {
            random_run(fit, shapes[s].size, shapes[s].unit, seed * 7919 + fit, 3000);
            if (test_stopped())
                return;
        }
}

TEST(contig_random_first_fit)
{
    random_all(VMM_FIT_FIRST);
}

TEST(contig_random_best_fit)
{
    random_all(VMM_FIT_BEST);
}

TEST(contig_random_worst_fit)
{
    random_all(VMM_FIT_WORST);
}

TEST(contig_random_next_fit)
{
    random_all(VMM_FIT_NEXT);
}

/* ---- coalescing ---------------------------------------------------------------- */

TEST(contig_free_coalesces)
{
    struct contig c;
    uint64_t at, h[8][2];
    CHECK_EQ_I64(contig_init(&c, 100, 1, VMM_FIT_FIRST), 0);
    for (uint32_t i = 0; i < 5; i++) { /* A..E at 0, 20, 40, 60, 80 */
        CHECK_EQ_I64(contig_alloc(&c, 20, i + 1, &at), 0);
        CHECK_EQ_U64(at, 20 * i);
    }
    CHECK_EQ_U64(c.n, 5);
    CHECK_EQ_U64(holes_of(&c, h, 8), 0);
    CHECK_EQ_I64(contig_free(&c, 20), 0); /* B: a hole between blocks */
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(c.n, 5);
    CHECK_EQ_I64(contig_free(&c, 60), 0); /* D */
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(holes_of(&c, h, 8), 2);
    CHECK_EQ_I64(contig_free(&c, 40), 0); /* C, between two holes: three become one */
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(c.n, 3);
    CHECK_EQ_U64(holes_of(&c, h, 8), 1);
    CHECK_EQ_U64(h[0][0], 20);
    CHECK_EQ_U64(h[0][1], 60);
    CHECK_EQ_U64(c.used, 40);
    CHECK_EQ_I64(contig_free(&c, 0), 0); /* A: merges with the hole above only */
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(c.n, 2);
    CHECK_EQ_U64(holes_of(&c, h, 8), 1);
    CHECK_EQ_U64(h[0][0], 0);
    CHECK_EQ_U64(h[0][1], 80);
    CHECK_EQ_I64(contig_free(&c, 80), 0); /* E: merges with the hole below: all free */
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(c.n, 1);
    CHECK(c.ext[0].hole && c.ext[0].start == 0 && c.ext[0].size == 100);
    CHECK_EQ_U64(c.used, 0);
    CHECK_EQ_I64(contig_free(&c, 0), VMM_ENOENT); /* a hole is not a block */
    contig_destroy(&c);
}

/* ---- compaction ---------------------------------------------------------------- */

struct pin_ctx {
    uint32_t pinned;      /* the owner that may not move */
    uint64_t calls[8][4]; /* owner, from, to, size of each moved() */
    size_t n;             /* moved() calls */
};

static bool pin_may_move(void *ctx, uint32_t owner, uint64_t start)
{
    (void)start;
    return owner != ((struct pin_ctx *)ctx)->pinned;
}

static void pin_moved(void *ctx, uint32_t owner, uint64_t from, uint64_t to, uint64_t size)
{
    struct pin_ctx *p = ctx;
    if (p->n < 8) {
        p->calls[p->n][0] = owner;
        p->calls[p->n][1] = from;
        p->calls[p->n][2] = to;
        p->calls[p->n][3] = size;
    }
    p->n++;
}

TEST(contig_compact_pinned)
{
    /* Before:  A[0,10) . B[20,30) . P[40,50) . C[60,70) D[70,75) . [80,100)
     * P may not move. A has nothing below it; B slides to 10; P stays (the
     * hole [20,40) gathers under it); C slides to 50 and D to 60 after it. */
    struct contig c;
    CHECK_EQ_I64(contig_init(&c, 100, 1, VMM_FIT_FIRST), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 0, 10, 1), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 20, 10, 2), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 40, 10, 9), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 60, 10, 3), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 70, 5, 4), 0);
    CHECK_CONTIG(&c);
    struct pin_ctx p = {.pinned = 9};
    uint64_t bytes = contig_compact(&c, pin_may_move, pin_moved, &p);
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(bytes, 10 + 10 + 5);
    CHECK_EQ_U64(p.n, 3);
    static const uint64_t want[3][4] = {{2, 20, 10, 10}, {3, 60, 50, 10}, {4, 70, 60, 5}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            CHECK_EQ_U64(p.calls[i][j], want[i][j]);
    uint64_t h[8][2];
    CHECK_EQ_U64(holes_of(&c, h, 8), 2);
    CHECK_EQ_U64(h[0][0], 20);
    CHECK_EQ_U64(h[0][1], 20);
    CHECK_EQ_U64(h[1][0], 65);
    CHECK_EQ_U64(h[1][1], 35);
    const struct contig_ext *e = contig_find(&c, 45);
    CHECK(e && !e->hole && e->owner == 9 && e->start == 40);
    CHECK_EQ_U64(c.used, 45);

    /* Again: nothing can move now. */
    p.n = 0;
    CHECK_EQ_U64(contig_compact(&c, pin_may_move, pin_moved, &p), 0);
    CHECK_EQ_U64(p.n, 0);
    CHECK_CONTIG(&c);

    /* Unpinned (may_move NULL: all may): P slides to 20, C and D after it;
     * one hole at the top. */
    p.n = 0;
    CHECK_EQ_U64(contig_compact(&c, NULL, pin_moved, &p), 10 + 10 + 5);
    CHECK_EQ_U64(p.n, 3);
    CHECK_EQ_U64(p.calls[0][0], 9);
    CHECK_EQ_U64(p.calls[0][2], 20);
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(holes_of(&c, h, 8), 1);
    CHECK_EQ_U64(h[0][0], 45);
    CHECK_EQ_U64(h[0][1], 55);
    contig_destroy(&c);
}

TEST(contig_compact_hole_opens_below_pinned)
{
    /* . [0,10)  A[10,20)  P[20,30)  . [30,40): A slides to 0 and a hole opens
     * right under the pinned P; NULL moved() is allowed. */
    struct contig c;
    CHECK_EQ_I64(contig_init(&c, 40, 1, VMM_FIT_FIRST), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 10, 10, 1), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 20, 10, 9), 0);
    struct pin_ctx p = {.pinned = 9};
    CHECK_EQ_U64(contig_compact(&c, pin_may_move, NULL, &p), 10);
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(c.n, 4);
    CHECK(!c.ext[0].hole && c.ext[0].start == 0 && c.ext[0].owner == 1);
    CHECK(c.ext[1].hole && c.ext[1].start == 10 && c.ext[1].size == 10);
    CHECK(!c.ext[2].hole && c.ext[2].start == 20 && c.ext[2].owner == 9);
    CHECK(c.ext[3].hole && c.ext[3].start == 30 && c.ext[3].size == 10);
    contig_destroy(&c);
}

/* ---- fragmentation, next fit, rounding -------------------------------------------- */

TEST(contig_ext_frag)
{
    struct contig c;
    struct contig_stats st;
    CHECK_EQ_I64(contig_init(&c, 100, 1, VMM_FIT_FIRST), 0);
    contig_stats(&c, &st);
    CHECK(st.ext_frag == 0.0); /* one hole: all of the free memory is usable */
    CHECK_EQ_U64(st.largest, 100);
    /* Holes of 10, 30 and 20 bytes: free 60, largest 30, ext_frag 1 - 30/60. */
    CHECK_EQ_I64(contig_alloc_at(&c, 10, 10, 1), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 50, 30, 2), 0);
    contig_stats(&c, &st);
    CHECK_EQ_U64(st.free, 60);
    CHECK_EQ_U64(st.used, 40);
    CHECK_EQ_U64(st.holes, 3);
    CHECK_EQ_U64(st.blocks, 2);
    CHECK_EQ_U64(st.largest, 30);
    CHECK(st.ext_frag == 0.5);
    /* Nothing free: 0. */
    CHECK_EQ_I64(contig_alloc_at(&c, 0, 10, 3), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 20, 30, 4), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 80, 20, 5), 0);
    contig_stats(&c, &st);
    CHECK_EQ_U64(st.free, 0);
    CHECK_EQ_U64(st.holes, 0);
    CHECK(st.ext_frag == 0.0);
    CHECK_EQ_U64(contig_largest(&c), 0);
    CHECK_CONTIG(&c);
    contig_destroy(&c);
}

TEST(contig_next_fit_wraps)
{
    struct contig c;
    uint64_t at;
    CHECK_EQ_I64(contig_init(&c, 100, 1, VMM_FIT_NEXT), 0);
    for (uint32_t i = 0; i < 4; i++) /* 0, 20, 40, 60 */
        CHECK_EQ_I64(contig_alloc(&c, 20, i + 1, &at), 0);
    CHECK_EQ_U64(c.rover, 80);
    CHECK_EQ_I64(contig_free(&c, 0), 0);
    CHECK_EQ_I64(contig_free(&c, 40), 0);
    /* Holes [0,20), [40,60), [80,100): from the rover, the top one (first
     * fit would take 0). */
    CHECK_EQ_I64(contig_alloc(&c, 20, 5, &at), 0);
    CHECK_EQ_U64(at, 80);
    CHECK_EQ_U64(c.rover, 100);
    /* The rover is at the top: the search wraps to the bottom. */
    CHECK_EQ_I64(contig_alloc(&c, 15, 6, &at), 0);
    CHECK_EQ_U64(at, 0);
    CHECK_EQ_U64(c.rover, 15);
    /* Holes [15,20), [40,60): the one holding the rover is too small for 10;
     * the next is 40. */
    CHECK_EQ_I64(contig_alloc(&c, 10, 7, &at), 0);
    CHECK_EQ_U64(at, 40);
    CHECK_EQ_U64(c.rover, 50);
    /* Holes [15,20), [50,60): 5 goes to 50, where the search starts (first
     * fit would take 15). */
    CHECK_EQ_I64(contig_alloc(&c, 5, 8, &at), 0);
    CHECK_EQ_U64(at, 50);
    CHECK_EQ_U64(c.rover, 55);
    CHECK_EQ_I64(contig_alloc(&c, 8, 9, &at), VMM_ENOSPC);
    CHECK_EQ_U64(c.rover, 55); /* a failure does not move it */
    CHECK_EQ_I64(contig_alloc(&c, 5, 10, &at), 0);
    CHECK_EQ_U64(at, 55);
    CHECK_EQ_U64(c.rover, 60);
    /* The rover is inside the block [60,80): the search goes on from there,
     * past the top and round to [15,20). */
    CHECK_EQ_I64(contig_alloc(&c, 5, 11, &at), 0);
    CHECK_EQ_U64(at, 15);
    CHECK_EQ_U64(c.used, 100);
    CHECK_CONTIG(&c);
    contig_destroy(&c);
}

TEST(contig_next_fit_takes_low_end)
{
    /* A freed block just below the rover: the hole holding the rover now
     * starts below it, and the allocation takes that hole's low end. */
    struct contig c;
    uint64_t at;
    CHECK_EQ_I64(contig_init(&c, 100, 1, VMM_FIT_NEXT), 0);
    CHECK_EQ_I64(contig_alloc(&c, 10, 1, &at), 0);
    CHECK_EQ_I64(contig_alloc(&c, 10, 2, &at), 0);
    CHECK_EQ_U64(c.rover, 20);
    CHECK_EQ_I64(contig_free(&c, 10), 0); /* hole [10,100) holds the rover */
    CHECK_EQ_I64(contig_alloc(&c, 5, 3, &at), 0);
    CHECK_EQ_U64(at, 10);
    CHECK_EQ_U64(c.rover, 15);
    /* alloc_at does not move the rover. */
    CHECK_EQ_I64(contig_alloc_at(&c, 50, 5, 4), 0);
    CHECK_EQ_U64(c.rover, 15);
    CHECK_CONTIG(&c);
    contig_destroy(&c);
}

TEST(contig_unit_rounding)
{
    struct contig c;
    uint64_t at, ns;
    CHECK_EQ_I64(contig_init(&c, 1000, 16, VMM_FIT_FIRST), 0); /* 1000 = 62 x 16 + 8 */
    CHECK_EQ_U64(contig_round(&c, 0), 0);
    CHECK_EQ_U64(contig_round(&c, 1), 16);
    CHECK_EQ_U64(contig_round(&c, 16), 16);
    CHECK_EQ_U64(contig_round(&c, 17), 32);
    CHECK_EQ_U64(contig_round(&c, UINT64_MAX), UINT64_MAX); /* does not fit: saturates */
    CHECK_EQ_I64(contig_alloc(&c, 1, 1, &at), 0);
    CHECK_EQ_U64(at, 0);
    CHECK_EQ_U64(c.used, 16);
    CHECK_EQ_U64(contig_find(&c, 15)->owner, 1);
    CHECK_EQ_I64(contig_alloc(&c, 17, 2, &at), 0);
    CHECK_EQ_U64(at, 16);
    CHECK_EQ_U64(contig_find(&c, 16)->size, 32);
    CHECK_EQ_I64(contig_alloc_at(&c, 104, 1, 3), VMM_ERANGE); /* not a multiple of 16 */
    CHECK_EQ_I64(contig_alloc_at(&c, 112, 1, 3), 0);
    CHECK_EQ_U64(contig_find(&c, 112)->size, 16);
    CHECK_EQ_I64(contig_resize(&c, 112, 20), 0); /* 32 */
    CHECK_EQ_U64(contig_find(&c, 112)->size, 32);
    CHECK_EQ_I64(contig_resize(&c, 112, 31), 0); /* still 32: nothing to do */
    CHECK_EQ_U64(contig_find(&c, 112)->size, 32);
    CHECK_EQ_I64(contig_resize(&c, 112, 1), 0); /* 16: the tail is a hole again */
    CHECK_EQ_U64(contig_find(&c, 112)->size, 16);
    CHECK_EQ_U64(contig_find(&c, 128)->size, 1000 - 128);
    CHECK_EQ_I64(contig_grow_down(&c, 112, 1, &ns), 0); /* 16 down */
    CHECK_EQ_U64(ns, 96);
    CHECK_EQ_U64(contig_find(&c, 96)->size, 32);
    CHECK_EQ_I64(contig_grow_down(&c, 96, 49, &ns), VMM_ENOSPC); /* 64 > the hole [48,96) */
    CHECK_EQ_I64(contig_grow_down(&c, 96, 33, &ns), 0);          /* 48: all of it */
    CHECK_EQ_U64(ns, 48);
    CHECK_EQ_U64(c.used, 16 + 32 + 80);
    CHECK_CONTIG(&c);
    /* The 8-byte tail past the last whole unit is a hole no block takes. */
    CHECK_EQ_I64(contig_alloc_at(&c, 992, 8, 4), VMM_ERANGE);
    CHECK_EQ_I64(contig_alloc(&c, 1000 - 128, 5, &at), VMM_ENOSPC); /* rounds to 880 */
    CHECK_EQ_I64(contig_alloc(&c, 1000 - 128 - 8, 5, &at), 0);
    CHECK_EQ_U64(at, 128);
    CHECK_EQ_U64(contig_largest(&c), 8);
    CHECK_EQ_I64(contig_alloc(&c, 1, 6, &at), VMM_ENOSPC);
    CHECK_CONTIG(&c);
    contig_destroy(&c);
}

TEST(contig_error_codes)
{
    struct contig c;
    uint64_t at = 7, ns = 7;
    CHECK_EQ_I64(contig_init(&c, 0, 1, VMM_FIT_FIRST), VMM_EINVAL);
    CHECK_EQ_I64(contig_init(&c, 100, 0, VMM_FIT_FIRST), VMM_EINVAL);
    CHECK_EQ_I64(contig_init(&c, 100, 3, VMM_FIT_FIRST), VMM_EINVAL);
    CHECK_EQ_I64(contig_init(&c, 100, 1, VMM_FIT_NEXT + 1), VMM_EINVAL);
    CHECK_EQ_I64(contig_init(&c, 100, 4, VMM_FIT_BEST), 0);
    CHECK_EQ_I64(contig_alloc(&c, 0, 1, &at), VMM_EINVAL);
    CHECK_EQ_I64(contig_alloc(&c, 101, 1, &at), VMM_ENOSPC);
    CHECK_EQ_U64(at, 7); /* untouched on failure */
    CHECK_EQ_I64(contig_alloc_at(&c, 0, 0, 1), VMM_EINVAL);
    CHECK_EQ_I64(contig_alloc_at(&c, 100, 1, 1), VMM_ERANGE);
    CHECK_EQ_I64(contig_alloc_at(&c, 96, 5, 1), VMM_ERANGE); /* 8 bytes past 100 */
    CHECK_EQ_I64(contig_alloc_at(&c, 2, 1, 1), VMM_ERANGE);
    CHECK_EQ_I64(contig_alloc_at(&c, 40, 20, 1), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 56, 8, 2), VMM_EEXIST); /* overlaps the end */
    CHECK_EQ_I64(contig_alloc_at(&c, 36, 8, 2), VMM_EEXIST); /* overlaps the start */
    CHECK_EQ_I64(contig_alloc_at(&c, 44, 4, 2), VMM_EEXIST); /* inside */
    CHECK_EQ_I64(contig_alloc_at(&c, 80, 4, 2), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 60, 24, 3), VMM_EEXIST); /* spans a block */
    CHECK_EQ_I64(contig_free(&c, 44), VMM_ENOENT);            /* inside a block */
    CHECK_EQ_I64(contig_free(&c, 0), VMM_ENOENT);             /* a hole */
    CHECK_EQ_I64(contig_free(&c, 1000), VMM_ENOENT);          /* past the end */
    CHECK_EQ_I64(contig_resize(&c, 44, 8), VMM_ENOENT);
    CHECK_EQ_I64(contig_resize(&c, 40, 0), VMM_EINVAL);
    CHECK_EQ_I64(contig_resize(&c, 40, 41), VMM_ENOSPC); /* hole [60,80) is 20 */
    CHECK_EQ_I64(contig_resize(&c, 80, 5), 0);           /* 8: takes 4 of the hole [84,100) */
    CHECK_EQ_U64(contig_find(&c, 80)->size, 8);
    CHECK_EQ_I64(contig_grow_down(&c, 40, 0, &ns), VMM_EINVAL);
    CHECK_EQ_I64(contig_grow_down(&c, 44, 4, &ns), VMM_ENOENT);
    CHECK_EQ_I64(contig_grow_down(&c, 40, 41, &ns), VMM_ENOSPC); /* 44 > the hole [0,40) */
    CHECK_EQ_I64(contig_alloc_at(&c, 0, 4, 4), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, 4, 4, 5), 0);
    CHECK_EQ_I64(contig_grow_down(&c, 0, 4, &ns), VMM_ENOSPC); /* nothing below 0 */
    CHECK_EQ_I64(contig_grow_down(&c, 4, 4, &ns), VMM_ENOSPC); /* a block below */
    CHECK_EQ_I64(contig_resize(&c, 0, 8), VMM_ENOSPC);         /* a block above */
    CHECK_EQ_U64(ns, 7);
    CHECK_EQ_U64(c.used, 20 + 8 + 4 + 4);
    CHECK_CONTIG(&c);
    contig_destroy(&c);
}

/* ---- sizes near 2^64 ------------------------------------------------------------ */

TEST(contig_huge_sizes)
{
    /* A backing store "without bound": size UINT64_MAX, which is not a
     * multiple of the unit; nothing may wrap. */
    const uint64_t top = UINT64_MAX - 4095; /* 2^64 - 4096: the last whole unit's start */
    struct contig c;
    uint64_t at = 7, ns = 7;
    CHECK_EQ_I64(contig_init(&c, UINT64_MAX, 4096, VMM_FIT_FIRST), 0);
    CHECK_CONTIG(&c);
    CHECK_EQ_U64(contig_largest(&c), UINT64_MAX);
    CHECK_EQ_I64(contig_alloc(&c, UINT64_MAX, 1, &at), VMM_ENOSPC); /* rounding overflows */
    CHECK_EQ_I64(contig_alloc(&c, top + 1, 1, &at), VMM_ENOSPC);
    CHECK_EQ_U64(at, 7);
    CHECK_EQ_I64(contig_alloc_at(&c, top, 1, 1), VMM_ERANGE); /* ends at 2^64 */
    CHECK_EQ_I64(contig_alloc_at(&c, top, UINT64_MAX, 1), VMM_ERANGE);
    CHECK_EQ_I64(contig_alloc_at(&c, top - 4096, 4096, 1), 0);
    CHECK_CONTIG(&c);
    const struct contig_ext *e = contig_find(&c, UINT64_MAX - 1);
    CHECK(e && e->hole && e->start == top && e->size == 4095);
    CHECK(contig_find(&c, UINT64_MAX) == NULL);
    CHECK_EQ_I64(contig_resize(&c, top - 4096, 8192), VMM_ENOSPC); /* 4095 left above */
    CHECK_EQ_I64(contig_resize(&c, top - 4096, UINT64_MAX), VMM_ENOSPC);
    CHECK_EQ_I64(contig_grow_down(&c, top - 4096, UINT64_MAX, &ns), VMM_ENOSPC);
    CHECK_EQ_I64(contig_grow_down(&c, top - 4096, top - 4095, &ns), VMM_ENOSPC);
    CHECK_EQ_U64(ns, 7);
    CHECK_EQ_I64(contig_grow_down(&c, top - 4096, top - 4096, &ns), 0); /* all of the hole */
    CHECK_EQ_U64(ns, 0);
    CHECK_CONTIG(&c);
    struct contig_stats st;
    contig_stats(&c, &st);
    CHECK_EQ_U64(st.used, top);
    CHECK_EQ_U64(st.free, 4095);
    CHECK_EQ_U64(st.holes, 1);
    CHECK(st.ext_frag == 0.0);
    CHECK_EQ_I64(contig_alloc(&c, 1, 2, &at), VMM_ENOSPC);
    CHECK_EQ_I64(contig_free(&c, 0), 0);
    CHECK_EQ_U64(c.n, 1);
    CHECK_EQ_I64(contig_alloc(&c, top, 3, &at), 0);
    CHECK_EQ_U64(at, 0);
    CHECK_EQ_U64(c.rover, top);
    CHECK_CONTIG(&c);
    contig_destroy(&c);

    /* Unit 1: the very last byte, compacted down to 0. */
    struct pin_ctx p = {.pinned = 0};
    CHECK_EQ_I64(contig_init(&c, UINT64_MAX, 1, VMM_FIT_WORST), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, UINT64_MAX - 1, 1, 5), 0);
    CHECK_EQ_I64(contig_alloc_at(&c, UINT64_MAX - 1, 1, 6), VMM_EEXIST);
    CHECK_EQ_I64(contig_alloc_at(&c, UINT64_MAX, 1, 6), VMM_ERANGE);
    CHECK_EQ_U64(contig_compact(&c, NULL, pin_moved, &p), 1);
    CHECK_EQ_U64(p.n, 1);
    CHECK_EQ_U64(p.calls[0][1], UINT64_MAX - 1);
    CHECK_EQ_U64(p.calls[0][2], 0);
    CHECK_EQ_I64(contig_alloc(&c, UINT64_MAX - 1, 7, &at), 0); /* the rest, exactly */
    CHECK_EQ_U64(at, 1);
    CHECK_EQ_U64(c.used, UINT64_MAX);
    CHECK_EQ_U64(c.n, 2);
    CHECK_CONTIG(&c);
    contig_destroy(&c);
}

/* ---- the checker ------------------------------------------------------------------ */

/* contig_check on a hand-made structure fails, naming what it should. */
static void check_rejects(const struct contig_ext *ext, size_t n, uint64_t size, uint64_t unit,
                          uint64_t used, const char *want)
{
    struct contig_ext copy[8];
    memcpy(copy, ext, n * sizeof *ext);
    struct contig c = {.ext = copy, .n = n, .cap = 8, .size = size, .unit = unit, .used = used};
    char msg[256] = "";
    CHECK_EQ_I64(contig_check(&c, msg, sizeof msg), -1);
    CHECK_CONTAINS(msg, want);
}

TEST(contig_check_catches)
{
    const struct contig_ext good[3] = {
        {.start = 0, .size = 16, .owner = 1},
        {.start = 16, .size = 16, .hole = true},
        {.start = 32, .size = 32, .owner = 2},
    };
    struct contig_ext bad[3];
    struct contig c = {
        .ext = (struct contig_ext *)good, .n = 3, .cap = 3, .size = 64, .unit = 16, .used = 48};
    CHECK_CONTIG(&c);

    memcpy(bad, good, sizeof bad); /* a gap */
    bad[2].start = 48;
    bad[2].size = 16;
    check_rejects(bad, 3, 64, 16, 32, "extent 2 [0x30, +0x10) block: expected to start at 0x20");
    if (test_stopped())
        return;
    memcpy(bad, good, sizeof bad); /* two holes side by side */
    bad[2].hole = true;
    bad[2].owner = 0;
    check_rejects(bad, 3, 64, 16, 16, "extent 2 [0x20, +0x20) hole: follows a hole");
    if (test_stopped())
        return;
    memcpy(bad, good, sizeof bad); /* a hole with an owner */
    bad[1].owner = 3;
    check_rejects(bad, 3, 64, 16, 48, "extent 1 [0x10, +0x10) hole: a hole with an owner");
    if (test_stopped())
        return;
    memcpy(bad, good, sizeof bad); /* an empty extent */
    bad[1].size = 0;
    bad[2].start = 16;
    check_rejects(bad, 3, 48, 16, 48, "extent 1 [0x10, +0x0) hole: is empty");
    if (test_stopped())
        return;
    memcpy(bad, good, sizeof bad); /* a block off the unit */
    bad[0].size = 8;
    bad[1].start = 8;
    bad[1].size = 24;
    check_rejects(bad, 3, 64, 16, 40, "extent 0 [0x0, +0x8) block: not aligned to the unit");
    if (test_stopped())
        return;
    check_rejects(good, 3, 64, 16, 40, "used is 0x28 but the blocks hold 0x30");
    if (test_stopped())
        return;
    check_rejects(good, 3, 80, 16, 48, "the extents end at 0x40, not at the size 0x50");
    if (test_stopped())
        return;
    check_rejects(good, 3, 48, 16, 48, "extent 2 [0x20, +0x20) block: runs past the end");
    if (test_stopped())
        return;
    check_rejects(good, 3, 64, 12, 48, "the unit is not a power of two");
}
