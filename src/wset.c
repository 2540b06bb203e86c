/*
 * wset.c - working sets, exactly: W(t, delta) is the set of distinct pages a
 * process referenced in its last delta references (Denning 1968; t counts
 * the process's own references, its virtual time).
 *
 * Each process keeps the window itself, a ring of its last delta page
 * numbers, and a table from page number to how many times the page occurs in
 * the ring (and when it was last referenced). A reference enters the ring and
 * pushes the oldest out; a page whose count falls to 0 leaves the set:
 *
 *      ring (delta = 6)      oldest                 newest
 *                            [ 2  7  2  9  4  7 ] <- 5 enters, the first 2 leaves
 *      table                 2:1  7:2  9:1  4:1  5:1      |W| = 5
 *
 * Invariants (vmm__ws_check verifies them):
 *  - filled = min(delta, references made); the counts in the table add up to
 *    filled, and size = slots with a count > 0 = |W|;
 *  - while filled < delta the ring is still being appended to (pos = filled);
 *    once full, ring[pos] is the oldest reference;
 *  - a page's `last` is the process's reference number (1-based) of its last
 *    reference, so it lies in (references - delta, references];
 *  - open addressing with linear probing and backward-shift deletion (no
 *    tombstones): every page is reachable from its home slot without
 *    crossing an empty one, and one slot at least is empty; the table is
 *    at most half full (64 slots, or fewer than 4 x delta; it never
 *    shrinks), so probes stay short - unless host memory ran out as it had
 *    to grow (then it stays fuller until a later attempt succeeds).
 *
 * Both are O(1) a reference (amortized: the ring and the table double as
 * they fill). The ring grows only as references come, so a window longer
 * than the run (delta = 2^40, "every page ever referenced") costs what the
 * run does. Host memory running out is an error (VMM_ENOMEM) that changes
 * nothing, never a silently wrong set.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct ws_ent {
    vpn_t vpn;      /* page number; meaningful when count > 0 */
    uint64_t last;  /* the process's reference number of its last reference */
    uint32_t count; /* occurrences in the ring; 0 = empty slot */
};

struct wset {
    vpn_t *ring;          /* the window's page numbers, oldest at pos once full */
    uint64_t delta;       /* window length in references */
    uint64_t cap_ring;    /* entries allocated in ring: at most delta */
    uint64_t pos;         /* where the next reference goes */
    uint64_t filled;      /* entries of ring in use (< delta only at the start) */
    struct ws_ent *table; /* cap slots */
    size_t cap;           /* a power of two, >= 64 */
    size_t size;          /* pages in the set: slots with count > 0 */
};

#define RING_FIRST 64 /* entries of the ring's first allocation */

static size_t hash(vpn_t vpn, size_t mask)
{
    uint64_t h = vpn * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 31)) & mask;
}

/* The slot holding vpn, or the empty slot where it would go (the table has
 * one: it is at most half full). */
static size_t find(const struct wset *w, vpn_t vpn)
{
    size_t mask = w->cap - 1, i = hash(vpn, mask);
    while (w->table[i].count && w->table[i].vpn != vpn)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the table. Returns 0 or VMM_ENOMEM (the table unchanged). */
static int table_grow(struct wset *w)
{
    size_t cap = w->cap * 2;
    struct ws_ent *old = w->table, *t = calloc(cap, sizeof *t);
    if (!t)
        return VMM_ENOMEM;
    size_t oldcap = w->cap;
    w->table = t;
    w->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].count)
            w->table[find(w, old[i].vpn)] = old[i];
    free(old);
    return 0;
}

/* Doubles the ring (up to delta entries) while it is being appended to.
 * Returns 0 or VMM_ENOMEM (the ring unchanged). */
static int ring_grow(struct wset *w)
{
    uint64_t n = w->cap_ring ? w->cap_ring * 2 : RING_FIRST;
    if (n > w->delta)
        n = w->delta;
    if (n > SIZE_MAX / sizeof *w->ring)
        return VMM_ENOMEM;
    vpn_t *r = realloc(w->ring, (size_t)n * sizeof *r);
    if (!r)
        return VMM_ENOMEM;
    w->ring = r;
    w->cap_ring = n;
    return 0;
}

/* Empties slot i, moving later entries of its probe run back so that every
 * entry stays reachable from its home slot. */
static void erase(struct wset *w, size_t i)
{
    size_t mask = w->cap - 1, j = i;
    for (;;) {
        w->table[i].count = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!w->table[j].count)
                return;
            size_t home = hash(w->table[j].vpn, mask);
            /* j's entry may fill the hole at i unless its home lies in (i, j]. */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
                break;
        }
        w->table[i] = w->table[j];
        i = j;
    }
}

int vmm__ws_init(struct vmm_system *sys, struct proc *p)
{
    struct wset *w = calloc(1, sizeof *w);
    if (!w)
        return VMM_ENOMEM;
    w->delta = sys->cfg.ws_delta;
    w->cap = 64;
    w->table = calloc(w->cap, sizeof *w->table);
    if (!w->table) {
        free(w);
        return VMM_ENOMEM;
    }
    p->ws = w;
    return 0;
}

void vmm__ws_free(struct proc *p)
{
    if (!p->ws)
        return;
    free(p->ws->ring);
    free(p->ws->table);
    free(p->ws);
    p->ws = NULL;
}

int vmm__ws_ref(struct vmm_system *sys, struct proc *p, vpn_t vpn)
{
    (void)sys;
    struct wset *w = p->ws;
    if (!w)
        return 0;
    /* Room first, so that running out of memory changes nothing. The table
     * may stay over half full if it cannot grow, as long as an empty slot
     * remains after this reference (find needs one). */
    if (w->filled < w->delta && w->filled == w->cap_ring && ring_grow(w) < 0)
        return VMM_ENOMEM;
    if ((w->size + 1) * 2 > w->cap && table_grow(w) < 0 && w->size + 1 >= w->cap)
        return VMM_ENOMEM;
    if (w->filled == w->delta) { /* the oldest reference leaves the window */
        size_t i = find(w, w->ring[w->pos]);
        VMM_ASSERT(w->table[i].count > 0);
        if (--w->table[i].count == 0) {
            erase(w, i);
            w->size--;
        }
    } else {
        w->filled++;
    }
    w->ring[w->pos] = vpn;
    w->pos = w->pos + 1 == w->delta ? 0 : w->pos + 1;
    size_t i = find(w, vpn);
    if (!w->table[i].count) {
        w->table[i].vpn = vpn;
        w->size++;
    }
    w->table[i].count++;
    w->table[i].last = p->st.references;
    p->st.ws_size = w->size;
    if (w->size > p->st.ws_peak)
        p->st.ws_peak = w->size;
    return 0;
}

uint64_t vmm__ws_last(const struct proc *p, vpn_t vpn)
{
    const struct wset *w = p->ws;
    if (!w)
        return 0;
    size_t i = find(w, vpn);
    return w->table[i].count ? w->table[i].last : 0;
}

int vmm__ws_check(const struct proc *p, char *msg, size_t len)
{
    const struct wset *w = p->ws;
    if (!w)
        return 0;
    size_t used = 0, mask = w->cap - 1;
    uint64_t counts = 0, t = p->st.references;
    if (w->filled != (t < w->delta ? t : w->delta) || w->cap_ring > w->delta ||
        (w->filled < w->delta && w->pos != w->filled) || w->filled > w->cap_ring) {
        snprintf(msg, len,
                 "P%u working set: %" PRIu64 " of %" PRIu64
                 " references in the window after %" PRIu64 " (ring of %" PRIu64
                 ", next at %" PRIu64 ")",
                 p->pid, w->filled, w->delta, t, w->cap_ring, w->pos);
        return -1;
    }
    for (size_t i = 0; i < w->cap; i++) {
        const struct ws_ent *e = &w->table[i];
        if (!e->count)
            continue;
        used++;
        counts += e->count;
        for (size_t k = hash(e->vpn, mask); k != i; k = (k + 1) & mask) {
            if (!w->table[k].count) {
                snprintf(msg, len,
                         "P%u working set: page 0x%" PRIx64 " in slot %zu is cut off from its "
                         "home slot %zu by empty slot %zu",
                         p->pid, e->vpn, i, hash(e->vpn, mask), k);
                return -1;
            }
        }
        if (e->last == 0 || e->last > t || t - e->last >= w->delta) {
            snprintf(msg, len,
                     "P%u working set: page 0x%" PRIx64 " last referenced at %" PRIu64
                     ", outside the window (%" PRIu64 " - %" PRIu64 ", %" PRIu64 "]",
                     p->pid, e->vpn, e->last, t, w->delta, t);
            return -1;
        }
    }
    if (used != w->size || counts != w->filled || used >= w->cap || used != p->st.ws_size) {
        snprintf(msg, len,
                 "P%u working set: %zu pages in %zu slots, size %zu (ws_size %" PRIu64
                 "), counts %" PRIu64 " for %" PRIu64 " references",
                 p->pid, used, w->cap, w->size, p->st.ws_size, counts, w->filled);
        return -1;
    }
    return 0;
}

/* Moves the largest of h[0..n) (a max-heap but for its root at i) down. */
static void sift_down(uint64_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && h[l] > h[m])
            m = l;
        if (l + 1 < n && h[l + 1] > h[m])
            m = l + 1;
        if (m == i)
            return;
        uint64_t x = h[i];
        h[i] = h[m];
        h[m] = x;
        i = m;
    }
}

static int cmp_vpn(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The smallest max pages of the set, ascending, in pages: pages itself is a
 * max-heap of the smallest seen so far while the table is scanned, so that
 * nothing is allocated. */
size_t vmm_working_set(const struct vmm_system *sys, uint32_t pid, uint64_t *pages, size_t max)
{
    const struct proc *p = vmm__proc(sys, pid);
    if (!p || !p->ws)
        return 0;
    const struct wset *w = p->ws;
    size_t keep = pages ? (max < w->size ? max : w->size) : 0, n = 0;
    for (size_t i = 0; keep && i < w->cap; i++) {
        if (!w->table[i].count)
            continue;
        vpn_t v = w->table[i].vpn;
        if (n < keep) {
            pages[n++] = v;
            if (n == keep) /* full: make it a heap */
                for (size_t k = n / 2; k-- > 0;)
                    sift_down(pages, n, k);
        } else if (v < pages[0]) {
            pages[0] = v;
            sift_down(pages, n, 0);
        }
    }
    if (n > 1)
        qsort(pages, n, sizeof *pages, cmp_vpn);
    return w->size;
}
