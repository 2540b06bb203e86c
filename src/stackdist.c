/*
 * stackdist.c - whole fault curves from one pass: stack distances (Mattson,
 * Gecsei, Slutz and Traiger, "Evaluation techniques for storage
 * hierarchies", IBM Systems Journal 9(2), 1970; docs/policies.md, "Fault
 * curves in one pass").
 *
 * LRU and OPT are stack algorithms: at every moment the pages a memory of F
 * frames holds are among those a memory of F + 1 frames holds. So one list,
 * the stack, orders every page referenced so far, and a memory of F frames
 * holds exactly its top F. A reference to a page at depth d (its stack
 * distance) hits with d frames or more and faults with fewer; a first
 * reference faults with any number. One pass that finds every reference's
 * distance gives the faults for every F at once:
 *
 *     faults(F) = first references + references with distance > F
 *
 * LRU. The stack is recency order, so d = 1 + the distinct pages referenced
 * since the previous reference to the same page. Reference i is given the
 * time position T (T counts up); each page's latest position is marked in a
 * bitmap, so d - 1 = the marks strictly between the page's previous position
 * and T. Counting them: a Fenwick tree over blocks of 512 positions gives the
 * marks before a block, popcounts the rest, O(log n) a reference; a short gap
 * (512 positions or less) is counted by popcounts alone.
 *
 *     positions  0 1 2 3 4 5 6 7 8 9      refs  a b c a d b   (T = 6 next: a)
 *     marks          x x   x x            a's mark is at 3; marks after it:
 *                          ^a            4 (d), 5 (b): d = 3
 *
 * Only the latest position of each page is marked, so when T reaches the
 * bitmap's end the marks are renumbered 0, 1, ... in order (compaction); with
 * room for twice the distinct pages that happens at most once every
 * distinct references, O(1) amortised.
 *
 * OPT. Mattson's OPT stack orders pages by priority: the sooner a page's next
 * reference, the higher. At a reference to x at depth d (or past the stack's
 * end), x goes to the top and the pages above its old place are pushed down:
 * a carried page starts as the old top, and at each depth i < d the page of
 * lower priority of (carried, s[i]) is carried on while the other takes depth
 * i; the last carried page takes depth d (or falls off a full stack, or is
 * appended). The carried page changes only where s[i] has lower priority
 * than every page above it (a record); everything between records stays put.
 * A max segment tree over the depths, keyed by next use, finds each next
 * record in O(log M), so a reference costs O((records + 1) log M), where M is
 * the stack's length: the largest frame count asked for (deeper pages fault
 * with every one of them). Pages never referenced again tie at the lowest
 * priority; how they order among themselves changes no fault count, since
 * they lose every comparison with a page used again.
 */
#include "stackdist.h"

#include "internal.h"

#include <stdlib.h>

/* ---- dense page ids ---------------------------------------------------------- */

/* Page numbers below this get a direct table (page number -> id + 1, 4
 * bytes each, of virtual memory that costs only where touched) while a single
 * process is seen, and while they stay below DIRECT_SLACK + 8 x the
 * references so far (so that a short trace of far pages does not touch a big
 * table); past that the ids move to a hash table, for good. */
#define DIRECT_MAX   (1u << 24)
#define DIRECT_SLACK (1u << 20)

struct idslot {
    uint64_t vpn; /* page number */
    uint32_t pid; /* process */
    uint32_t id1; /* page id + 1; 0 = empty slot */
};

static inline size_t id_slot(uint64_t vpn, uint32_t pid, size_t mask)
{
    uint64_t h = (vpn ^ ((uint64_t)pid << 44)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29)) & mask;
}

/* The slot of (vpn, pid) in the hash: its own, or the empty one it takes. */
static inline struct idslot *id_find(struct idslot *t, size_t cap, uint64_t vpn, uint32_t pid)
{
    size_t k = id_slot(vpn, pid, cap - 1);
    while (t[k].id1 && (t[k].vpn != vpn || t[k].pid != pid))
        k = (k + 1) & (cap - 1);
    return &t[k];
}

/* Makes room in the hash for one more page (at most half full). Returns 0
 * or VMM_ENOMEM. */
static int id_room(struct vmm__ids *s)
{
    if (s->hash && (size_t)s->count * 2 < s->cap)
        return 0;
    size_t nc = s->cap ? s->cap * 2 : 4096;
    while ((size_t)s->count * 2 >= nc)
        nc *= 2;
    struct idslot *n = calloc(nc, sizeof *n);
    if (!n)
        return VMM_ENOMEM;
    for (size_t j = 0; j < s->cap; j++)
        if (s->hash[j].id1)
            *id_find(n, nc, s->hash[j].vpn, s->hash[j].pid) = s->hash[j];
    free(s->hash);
    s->hash = n;
    s->cap = nc;
    return 0;
}

/* Moves the direct table's pages into the hash. Returns 0 or VMM_ENOMEM
 * (then nothing changed). */
static int id_leave_direct(struct vmm__ids *s)
{
    if (id_room(s) < 0)
        return VMM_ENOMEM;
    for (uint64_t v = 0; s->direct && v <= s->maxvpn; v++)
        if (s->direct[v])
            *id_find(s->hash, s->cap, v, s->pid) = (struct idslot){v, s->pid, s->direct[v]};
    vmm__free_big(s->direct, (size_t)DIRECT_MAX * sizeof *s->direct);
    s->direct = NULL;
    s->direct_off = true;
    return 0;
}

void vmm__ids_init(struct vmm__ids *s, unsigned page_shift)
{
    memset(s, 0, sizeof *s);
    s->shift = page_shift;
}

void vmm__ids_free(struct vmm__ids *s)
{
    vmm__free_big(s->direct, (size_t)DIRECT_MAX * sizeof *s->direct);
    free(s->hash);
    memset(s, 0, sizeof *s);
}

/* The batch's ids from i on by the direct table, while it serves: returns
 * the first reference it cannot number (n if none). */
static size_t ids_direct(struct vmm__ids *s, const struct vmm_ref *refs, size_t i, size_t n,
                         uint32_t *ids)
{
    const unsigned shift = s->shift;
    uint64_t limit = DIRECT_SLACK + 8 * (s->refs + n);
    limit = limit < DIRECT_MAX ? limit : DIRECT_MAX;
    uint32_t *t = s->direct, count = s->count, pid = s->pid;
    uint64_t maxvpn = s->maxvpn;
    for (; i < n; i++) {
        uint64_t v = refs[i].addr >> shift;
        if (VMM_UNLIKELY(v >= limit || refs[i].pid != pid))
            break;
        if (i + 16 < n)
            __builtin_prefetch(&t[(refs[i + 16].addr >> shift) & (DIRECT_MAX - 1)], 1);
        uint32_t *e = &t[v];
        if (!*e)
            *e = ++count;
        ids[i] = *e - 1;
        maxvpn = v > maxvpn ? v : maxvpn;
    }
    s->count = count;
    s->maxvpn = maxvpn;
    return i;
}

int vmm__ids_add(struct vmm__ids *s, const struct vmm_ref *refs, size_t n, uint32_t *ids)
{
    const unsigned shift = s->shift;
    size_t i = 0;
    if (n && !s->direct_off) { /* the direct table, while it serves */
        if (!s->direct) {
            s->pid = refs[0].pid;
            if (!(s->direct = vmm__alloc_big((size_t)DIRECT_MAX * sizeof *s->direct)))
                return VMM_ENOMEM;
        }
        if ((i = ids_direct(s, refs, 0, n, ids)) < n && id_leave_direct(s) < 0)
            return VMM_ENOMEM;
    }
    for (; i < n; i++) { /* the hash */
        if (id_room(s) < 0)
            return VMM_ENOMEM;
        if (i + 16 < n)
            __builtin_prefetch(
                &s->hash[id_slot(refs[i + 16].addr >> shift, refs[i + 16].pid, s->cap - 1)], 1);
        uint64_t vpn = refs[i].addr >> shift;
        struct idslot *e = id_find(s->hash, s->cap, vpn, refs[i].pid);
        if (!e->id1)
            *e = (struct idslot){vpn, refs[i].pid, ++s->count};
        ids[i] = e->id1 - 1;
    }
    s->refs += n;
    return 0;
}

int vmm__page_ids(const struct vmm_ref *refs, size_t n, unsigned page_shift, uint32_t *ids,
                  uint32_t *distinct)
{
    struct vmm__ids s;
    vmm__ids_init(&s, page_shift);
    int r = vmm__ids_add(&s, refs, n, ids);
    *distinct = s.count;
    vmm__ids_free(&s);
    return r;
}

int vmm__next_uses(const uint32_t *ids, size_t n, uint32_t distinct, uint32_t *next)
{
    uint32_t *seen = malloc((distinct ? distinct : 1) * sizeof *seen);
    if (!seen)
        return VMM_ENOMEM;
    memset(seen, 0xff, (size_t)distinct * sizeof *seen); /* SD_NONE */
    for (size_t i = n; i-- > 0;) {
        next[i] = seen[ids[i]];
        seen[ids[i]] = (uint32_t)i;
    }
    free(seen);
    return 0;
}

/* ---- LRU ------------------------------------------------------------------------ */

#define BLOCK_SHIFT 9 /* 512 positions a Fenwick block: 8 words of the bitmap */
#define BLOCK       (1u << BLOCK_SHIFT)

/* The marks: bit p of bits is set iff p is some page's latest position. */
struct marks {
    uint64_t *bits;   /* cap bits */
    uint32_t *rank;   /* cap / 64 words: the marks before each word (compaction's) */
    uint32_t *fen;    /* Fenwick tree (1-based) of the marks in each block */
    uint32_t nblocks; /* cap / 512 */
    uint32_t cap;     /* positions: a power of two >= 2 x distinct, >= 1024 */
};

static inline __attribute__((always_inline)) void fen_add(struct marks *m, uint32_t block,
                                                          uint32_t delta)
{
    for (uint32_t i = block + 1; i <= m->nblocks; i += i & (0u - i))
        m->fen[i] += delta; /* unsigned wrap-around adds -1 as well */
}

/* A mark moved from block a to block b: -1 at a, +1 at b. The two update
 * paths up the tree meet at the first node covering both blocks; from there
 * on the changes cancel, so the walk stops. */
static inline __attribute__((always_inline)) void fen_move(struct marks *m, uint32_t a, uint32_t b)
{
    uint32_t i = a + 1, j = b + 1, nb = m->nblocks;
    while (i != j) {
        if (i < j) {
            if (i > nb)
                break;
            m->fen[i]--;
            i += i & (0u - i);
        } else {
            if (j > nb)
                break;
            m->fen[j]++;
            j += j & (0u - j);
        }
    }
}

/* Marks at positions < p. */
static inline __attribute__((always_inline)) uint32_t marks_before(const struct marks *m,
                                                                   uint32_t p)
{
    uint32_t r = 0, w = p >> 6;
    for (uint32_t i = p >> BLOCK_SHIFT; i; i &= i - 1)
        r += m->fen[i];
    for (uint32_t k = (p >> BLOCK_SHIFT) << (BLOCK_SHIFT - 6); k < w; k++)
        r += (uint32_t)__builtin_popcountll(m->bits[k]);
    if (p & 63)
        r += (uint32_t)__builtin_popcountll(m->bits[w] & ((1ull << (p & 63)) - 1));
    return r;
}

/* Marks at positions in [a, b), a < b, by popcounts alone. */
static inline __attribute__((always_inline)) uint32_t marks_between(const uint64_t *bits,
                                                                    uint32_t a, uint32_t b)
{
    uint32_t wa = a >> 6, wb = b >> 6;
    uint64_t lo = ~0ull << (a & 63);
    if (wa == wb)
        return (uint32_t)__builtin_popcountll(bits[wa] & lo & ((1ull << (b & 63)) - 1));
    uint32_t r = (uint32_t)__builtin_popcountll(bits[wa] & lo);
    for (uint32_t w = wa + 1; w < wb; w++)
        r += (uint32_t)__builtin_popcountll(bits[w]);
    if (b & 63)
        r += (uint32_t)__builtin_popcountll(bits[wb] & ((1ull << (b & 63)) - 1));
    return r;
}

/* Renumbers the live marks 0 .. live-1 in order, moving last[] (of nids
 * pages) with them: a page's new position is the marks before its old one.
 * Returns the next free position (= live). (Inlined into the passes, so that
 * the popcnt build's popcounts are instructions, not library calls.) */
static inline __attribute__((always_inline)) uint32_t marks_compact(struct marks *m, uint32_t *last,
                                                                    uint32_t nids)
{
    uint32_t k = 0, words = m->cap >> 6;
    for (uint32_t w = 0; w < words; w++) {
        m->rank[w] = k;
        k += (uint32_t)__builtin_popcountll(m->bits[w]);
    }
    for (uint32_t x = 0; x < nids; x++) {
        uint32_t q = last[x];
        if (!q--)
            continue;
        uint64_t below = m->bits[q >> 6] & ((1ull << (q & 63)) - 1);
        last[x] = m->rank[q >> 6] + (uint32_t)__builtin_popcountll(below) + 1;
    }
    for (uint32_t w = 0; w < words; w++)
        m->bits[w] = w < k >> 6 ? ~0ull : 0;
    if (k & 63)
        m->bits[k >> 6] = (1ull << (k & 63)) - 1;
    /* The Fenwick tree in O(blocks): each block's count, then each node adds
     * itself into its parent. */
    memset(m->fen, 0, ((size_t)m->nblocks + 1) * sizeof *m->fen);
    for (uint32_t b = 0; b < m->nblocks; b++) {
        uint32_t lo = b << BLOCK_SHIFT;
        m->fen[b + 1] = k <= lo ? 0 : k - lo >= BLOCK ? BLOCK : k - lo;
    }
    for (uint32_t i = 1; i <= m->nblocks; i++) {
        uint32_t j = i + (i & (0u - i));
        if (j <= m->nblocks)
            m->fen[j] += m->fen[i];
    }
    return k;
}

/* One reference to page x at the next position t: x's mark moves there
 * (or is made, for a page not held: *live grows). Returns the marks strictly
 * between x's previous position and t, the pages referenced since (its LRU
 * stack distance - 1), or SD_NONE if x was not held. Needs cap >= 2 x the
 * pages held, so that compaction frees positions. */
static inline __attribute__((always_inline)) uint32_t
lru_step(struct marks *m, uint32_t *last, uint32_t nids, uint32_t *t, uint32_t *live, uint32_t x)
{
    uint32_t c = SD_NONE;
    if (VMM_UNLIKELY(*t == m->cap))
        *t = marks_compact(m, last, nids);
    uint32_t p = (*t)++, l = last[x];
    if (l) {
        l--;
        /* the marks after l (all are before p): the pages referenced since */
        c = p - l <= 512 ? (l + 1 < p ? marks_between(m->bits, l + 1, p) : 0)
                         : *live - marks_before(m, l + 1);
        m->bits[l >> 6] &= ~(1ull << (l & 63));
        fen_move(m, l >> BLOCK_SHIFT, p >> BLOCK_SHIFT);
    } else { /* a first reference: faults with any number of frames */
        (*live)++;
        fen_add(m, p >> BLOCK_SHIFT, 1);
    }
    m->bits[p >> 6] |= 1ull << (p & 63);
    last[x] = p + 1;
    return c;
}

/* The state of one LRU pass. */
struct lru_pass {
    struct marks m; /* the marks */
    uint32_t *last; /* last[x]: x's latest position + 1; 0 = not referenced yet */
    uint32_t nids;  /* pages: ids run 0 .. nids-1 */
    uint32_t t;     /* the next position to give */
    uint32_t live;  /* pages referenced so far: the marks */
    uint32_t maxd;  /* distances above this count in hist[maxd + 1] */
    uint64_t *hist; /* the histogram */
};

/* The pass over ids. Inlined into one plain and (x86) one popcnt build, the
 * faster chosen at run time: counting marks is mostly popcounts. */
static inline __attribute__((always_inline)) void lru_loop(struct lru_pass *s, const uint32_t *ids,
                                                           size_t n)
{
    struct marks *m = &s->m;
    uint32_t *last = s->last, nids = s->nids, t = s->t, live = s->live, maxd = s->maxd;
    uint64_t *hist = s->hist;
    /* The histogram is as large as the distances are many, and they scatter:
     * each count is prefetched when its distance is known and made HIST_LAG
     * references later, when the line has arrived. */
    enum { HIST_LAG = 8 };
    uint32_t pend[HIST_LAG] = {0}; /* histogram slots to count; 0 = none */
    for (size_t i = 0; i < n; i++) {
        if (i + 16 < n)
            __builtin_prefetch(&last[ids[i + 16]], 1);
        uint32_t c = lru_step(m, last, nids, &t, &live, ids[i]); /* SD_NONE > maxd */
        uint32_t *slot = &pend[i % HIST_LAG];
        hist[*slot]++;
        *slot = c < maxd ? c + 1 : maxd + 1;
        __builtin_prefetch(&hist[*slot], 1);
    }
    for (unsigned k = 0; k < HIST_LAG; k++)
        hist[pend[k]]++;
    hist[0] = 0; /* where the empty slots counted */
    s->t = t;
    s->live = live;
}

static void lru_loop_plain(struct lru_pass *s, const uint32_t *ids, size_t n)
{
    lru_loop(s, ids, n);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt"))) static void lru_loop_popcnt(struct lru_pass *s,
                                                              const uint32_t *ids, size_t n)
{
    lru_loop(s, ids, n);
}
#define LRU_LOOP(s, ids, n)                                                                        \
    (__builtin_cpu_supports("popcnt") ? lru_loop_popcnt(s, ids, n) : lru_loop_plain(s, ids, n))
#else
#define LRU_LOOP(s, ids, n) lru_loop_plain(s, ids, n)
#endif

int vmm__lru_distances(const uint32_t *ids, size_t n, uint32_t distinct, uint32_t maxd,
                       uint64_t *hist)
{
    struct lru_pass s = {.nids = distinct, .maxd = maxd, .hist = hist};
    struct marks *m = &s.m;
    int r = VMM_ENOMEM;
    memset(hist, 0, ((size_t)maxd + 2) * sizeof *hist);
    if (distinct >= 1u << 30)
        return VMM_ELIMIT;
    m->cap = 1024;
    while (m->cap < 2 * distinct)
        m->cap *= 2;
    m->nblocks = m->cap >> BLOCK_SHIFT;
    /* (last is read at random: huge pages spare the host's TLB) */
    size_t last_bytes = (distinct ? distinct : 1) * sizeof *s.last;
    m->bits = calloc(m->cap >> 6, sizeof *m->bits);
    m->rank = malloc((size_t)(m->cap >> 6) * sizeof *m->rank);
    m->fen = calloc((size_t)m->nblocks + 1, sizeof *m->fen);
    s.last = vmm__alloc_big(last_bytes); /* zeroed */
    if (m->bits && m->rank && m->fen && s.last) {
        LRU_LOOP(&s, ids, n);
        r = 0;
    }
    free(m->bits);
    free(m->rank);
    free(m->fen);
    vmm__free_big(s.last, last_bytes);
    return r;
}

/* ---- LRU, one reference at a time ----------------------------------------------------- */

/* The same marks, fed by a caller that may also drop pages (shards.c): ids
 * are any numbers below 2^30, the arrays grow with the largest id and the
 * pages held, and a dropped page's mark is cleared, so it counts in no later
 * distance. */
struct vmm__lru_stream {
    struct marks m; /* the marks; cap >= 2 x live */
    uint32_t *last; /* last[x]: x's latest position + 1; 0 = not held */
    uint32_t nids;  /* entries of last */
    uint32_t t;     /* the next position to give */
    uint32_t live;  /* pages held: the marks */
    uint32_t (*step)(struct vmm__lru_stream *s, uint32_t x); /* plain or popcnt */
};

static uint32_t stream_step_plain(struct vmm__lru_stream *s, uint32_t x)
{
    return lru_step(&s->m, s->last, s->nids, &s->t, &s->live, x);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt"))) static uint32_t stream_step_popcnt(struct vmm__lru_stream *s,
                                                                     uint32_t x)
{
    return lru_step(&s->m, s->last, s->nids, &s->t, &s->live, x);
}
#endif

struct vmm__lru_stream *vmm__lru_stream_create(void)
{
    struct vmm__lru_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m.cap = 1024;
    s->m.nblocks = s->m.cap >> BLOCK_SHIFT;
    s->nids = 1024;
    s->m.bits = calloc(s->m.cap >> 6, sizeof *s->m.bits);
    s->m.rank = malloc((size_t)(s->m.cap >> 6) * sizeof *s->m.rank);
    s->m.fen = calloc((size_t)s->m.nblocks + 1, sizeof *s->m.fen);
    s->last = calloc(s->nids, sizeof *s->last);
    s->step = stream_step_plain;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("popcnt"))
        s->step = stream_step_popcnt;
#endif
    if (!s->m.bits || !s->m.rank || !s->m.fen || !s->last) {
        vmm__lru_stream_destroy(s);
        return NULL;
    }
    return s;
}

void vmm__lru_stream_destroy(struct vmm__lru_stream *s)
{
    if (!s)
        return;
    free(s->m.bits);
    free(s->m.rank);
    free(s->m.fen);
    free(s->last);
    free(s);
}

/* Room for page x, not held, to be added: last[] covers x, and the marks
 * have at least twice the pages that will be held. Returns 0 or VMM_ENOMEM. */
static int stream_room(struct vmm__lru_stream *s, uint32_t x)
{
    if (x >= s->nids) {
        uint32_t n = s->nids;
        while (n <= x)
            n *= 2;
        uint32_t *l = realloc(s->last, (size_t)n * sizeof *l);
        if (!l)
            return VMM_ENOMEM;
        memset(l + s->nids, 0, (size_t)(n - s->nids) * sizeof *l);
        s->last = l;
        s->nids = n;
    }
    struct marks *m = &s->m;
    if ((uint64_t)2 * (s->live + 1) > m->cap) {
        /* twice the positions: grow the arrays, then renumber the marks into
         * them (compaction rebuilds the bitmap and the Fenwick tree whole) */
        uint32_t cap = m->cap * 2, nb = cap >> BLOCK_SHIFT;
        uint64_t *bits = realloc(m->bits, (size_t)(cap >> 6) * sizeof *bits);
        if (!bits)
            return VMM_ENOMEM;
        m->bits = bits;
        memset(bits + (m->cap >> 6), 0, (size_t)((cap - m->cap) >> 6) * sizeof *bits);
        uint32_t *rank = realloc(m->rank, (size_t)(cap >> 6) * sizeof *rank);
        if (!rank)
            return VMM_ENOMEM;
        m->rank = rank;
        uint32_t *fen = realloc(m->fen, ((size_t)nb + 1) * sizeof *fen);
        if (!fen)
            return VMM_ENOMEM;
        m->fen = fen;
        m->cap = cap;
        m->nblocks = nb;
        s->t = marks_compact(m, s->last, s->nids);
    }
    return 0;
}

int vmm__lru_stream_ref(struct vmm__lru_stream *s, uint32_t x, uint32_t *between)
{
    if (x >= s->nids || !s->last[x]) {
        if (x >= 1u << 30 || s->live >= 1u << 30)
            return VMM_ELIMIT;
        int r = stream_room(s, x);
        if (r < 0)
            return r;
    }
    *between = s->step(s, x);
    return 0;
}

void vmm__lru_stream_forget(struct vmm__lru_stream *s, uint32_t x)
{
    if (x >= s->nids || !s->last[x])
        return;
    uint32_t l = s->last[x] - 1;
    s->m.bits[l >> 6] &= ~(1ull << (l & 63));
    fen_add(&s->m, l >> BLOCK_SHIFT, UINT32_MAX); /* -1 */
    s->live--;
    s->last[x] = 0;
}

uint32_t vmm__lru_stream_pages(const struct vmm__lru_stream *s)
{
    return s->live;
}

/* ---- OPT ------------------------------------------------------------------------ */

/* A max segment tree over the stack's depths 0 .. M-1: leaf L + j holds the
 * next use of the page at depth j (SD_NONE: never; 0: no page there). */
struct seg {
    uint32_t *t; /* 2L entries, t[1] the root */
    uint32_t L;  /* leaves: a power of two >= M */
};

static inline void seg_set(struct seg *s, uint32_t j, uint32_t key)
{
    uint32_t v = s->L + j;
    s->t[v] = key;
    for (v >>= 1; v; v >>= 1) {
        uint32_t a = s->t[2 * v], b = s->t[2 * v + 1], m = a > b ? a : b;
        if (s->t[v] == m)
            break; /* the ancestors' maxima stay as they are */
        s->t[v] = m;
    }
}

/* The first depth j in [from, end) whose key is above th, or end. */
static inline uint32_t seg_find_above(const struct seg *s, uint32_t from, uint32_t end, uint32_t th)
{
    if (from >= end)
        return end;
    uint32_t v = s->L + from;
    while (s->t[v] <= th) { /* on to the next subtree to the right */
        while (v & 1)
            v >>= 1;
        if (v == 0)
            return end;
        v++;
    }
    while (v < s->L) {
        v *= 2;
        if (s->t[v] <= th)
            v++;
    }
    return v - s->L < end ? v - s->L : end;
}

int vmm__opt_distances(const uint32_t *ids, const uint32_t *next, size_t n, uint32_t distinct,
                       uint32_t maxd, uint64_t *hist)
{
    uint32_t M = maxd < distinct ? maxd : distinct, size = 0;
    struct seg s = {NULL, 1};
    uint32_t *stk = NULL, *pos = NULL;
    int r = VMM_ENOMEM;
    memset(hist, 0, ((size_t)maxd + 2) * sizeof *hist);
    if (!n)
        return 0;
    if (M > 1u << 31)
        return VMM_ELIMIT; /* the tree's leaves would not fit 32 bits */
    while (s.L < M)
        s.L *= 2;
    s.t = calloc(2 * (size_t)s.L, sizeof *s.t);
    stk = malloc((size_t)M * sizeof *stk);        /* stk[j]: the page at depth j */
    pos = malloc((size_t)distinct * sizeof *pos); /* pos[x]: x's depth, or SD_NONE */
    if (!s.t || !stk || !pos)
        goto out;
    memset(pos, 0xff, (size_t)distinct * sizeof *pos);
    for (size_t i = 0; i < n; i++) {
        uint32_t x = ids[i], key = next[i], p = pos[x];
        if (p == 0) { /* at the top already: only its priority changes */
            hist[1]++;
            seg_set(&s, 0, key);
            continue;
        }
        hist[p == SD_NONE ? (size_t)maxd + 1 : (size_t)p + 1]++;
        if (size == 0) {
            stk[0] = x;
            pos[x] = 0;
            seg_set(&s, 0, key);
            size = 1;
            continue;
        }
        /* the hole the carried page fills: x's old depth, the end of a
         * stack with room, or past the end of a full one */
        uint32_t d = p != SD_NONE ? p : size;
        uint32_t carry = stk[0], ck = s.t[s.L], j = 0;
        while ((j = seg_find_above(&s, j + 1, d, ck)) < d) {
            uint32_t y = stk[j], yk = s.t[s.L + j];
            stk[j] = carry;
            pos[carry] = j;
            seg_set(&s, j, ck);
            carry = y;
            ck = yk;
        }
        if (d < M) {
            stk[d] = carry;
            pos[carry] = d;
            seg_set(&s, d, ck);
            if (d == size)
                size++;
        } else {
            pos[carry] = SD_NONE; /* falls off: deeper than any frame count asked for */
        }
        stk[0] = x;
        pos[x] = 0;
        seg_set(&s, 0, key);
    }
    r = 0;
out:
    free(s.t);
    free(stk);
    free(pos);
    return r;
}

void vmm__curve_from_hist(const uint64_t *hist, uint32_t maxd, const uint64_t *frames,
                          size_t nframes, uint64_t *faults)
{
    uint64_t acc = hist[(size_t)maxd + 1];
    uint64_t d = maxd;
    for (size_t i = nframes; i-- > 0;) {
        for (; d > frames[i]; d--)
            acc += hist[d];
        faults[i] = acc;
    }
}
