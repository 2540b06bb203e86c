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
 * Both are O(1) a reference. The table is open addressing with linear
 * probing and backward-shift deletion (no tombstones), at most half full;
 * it grows with the distinct pages, never beyond 2 x delta entries.
 */
#include "internal.h"

#include <stdlib.h>

struct ws_ent {
    vpn_t vpn;      /* page number; meaningful when count > 0 */
    uint64_t last;  /* the process's reference number of its last reference */
    uint32_t count; /* occurrences in the ring; 0 = empty slot */
};

struct wset {
    vpn_t *ring;          /* the last delta page numbers, oldest at pos once full */
    uint64_t delta;       /* window length in references */
    uint64_t pos;         /* where the next reference goes */
    uint64_t filled;      /* entries of ring in use (< delta only at the start) */
    struct ws_ent *table; /* cap slots */
    size_t cap;           /* a power of two */
    size_t size;          /* pages in the set: slots with count > 0 */
};

static size_t hash(vpn_t vpn, size_t mask)
{
    uint64_t h = vpn * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 31)) & mask;
}

/* The slot holding vpn, or the empty slot where it would go. */
static size_t find(const struct wset *w, vpn_t vpn)
{
    size_t mask = w->cap - 1, i = hash(vpn, mask);
    while (w->table[i].count && w->table[i].vpn != vpn)
        i = (i + 1) & mask;
    return i;
}

static int grow(struct wset *w)
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
    w->ring = malloc(w->delta * sizeof *w->ring);
    w->table = calloc(w->cap, sizeof *w->table);
    if (!w->ring || !w->table) {
        free(w->ring);
        free(w->table);
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

void vmm__ws_ref(struct vmm_system *sys, struct proc *p, vpn_t vpn)
{
    (void)sys;
    struct wset *w = p->ws;
    if (!w)
        return;
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
    if ((w->size + 1) * 2 > w->cap && grow(w) < 0) {
        /* Out of host memory: the table is at most full, which still works
         * (probing finds an empty slot while size < cap). */
        VMM_ASSERT(w->size < w->cap);
    }
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
}

uint64_t vmm__ws_last(const struct proc *p, vpn_t vpn)
{
    const struct wset *w = p->ws;
    if (!w)
        return 0;
    size_t i = find(w, vpn);
    return w->table[i].count ? w->table[i].last : 0;
}

static int cmp_vpn(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

size_t vmm_working_set(const struct vmm_system *sys, uint32_t pid, uint64_t *pages, size_t max)
{
    const struct proc *p = vmm__proc(sys, pid);
    if (!p || !p->ws)
        return 0;
    const struct wset *w = p->ws;
    uint64_t *all = pages && max ? malloc((w->size ? w->size : 1) * sizeof *all) : NULL;
    if (!all) /* counting only (or no host memory to sort: the size still holds) */
        return w->size;
    size_t n = 0;
    for (size_t i = 0; i < w->cap; i++)
        if (w->table[i].count)
            all[n++] = w->table[i].vpn;
    qsort(all, n, sizeof *all, cmp_vpn);
    memcpy(pages, all, (n < max ? n : max) * sizeof *pages);
    free(all);
    return w->size;
}
