/*
 * contig.c - contiguous allocation: [0, size) as a sorted array of extents,
 * each a block (allocated) or a hole (free), placed by first, best, worst or
 * next fit (contig.h has the picture).
 *
 * Invariants (contig_check verifies them):
 *  - the extents tile [0, size): ext[0] starts at 0, each starts where the one
 *    before ends, the last ends at size; none is empty;
 *  - no two holes are adjacent (every operation that frees bytes merges them
 *    with the holes on either side), and a hole's owner is 0;
 *  - every block starts at a multiple of the unit and its size is one, so
 *    every boundary but size itself is a multiple of the unit (size need
 *    not be: a tail shorter than the unit is a hole no block can take);
 *  - used is the sum of the blocks' sizes; rover lies in [0, size].
 *
 * The array is small (one extent per process or segment, and a hole between
 * some of them), so every operation is a linear walk or a binary search and
 * an insertion or removal is a memmove: O(n). Every operation checks all
 * that can fail (arguments, room, host memory for the array) before it
 * changes anything, so a failure leaves the allocator as it was.
 *
 * Sizes are 64-bit and size may be as large as UINT64_MAX (a backing store
 * "without bound"): rounding and every end (start + size) are computed so
 * they cannot wrap; a request too large to round is one no hole can hold.
 */
#include "contig.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- helpers ------------------------------------------------------------ */

/* size rounded up to c's unit in *out; false if that does not fit in 64 bits
 * (then no hole can hold it either: no hole is larger than UINT64_MAX, and a
 * block's size is a multiple of the unit). */
static bool round_up(const struct contig *c, uint64_t size, uint64_t *out)
{
    uint64_t mask = c->unit - 1;
    if (size > UINT64_MAX - mask)
        return false;
    *out = (size + mask) & ~mask;
    return true;
}

/* One past the last byte of e (start + size never exceeds c->size). */
static uint64_t ext_end(const struct contig_ext *e)
{
    return e->start + e->size;
}

/* Index of the extent that contains addr; requires addr < c->size. */
static size_t find_index(const struct contig *c, uint64_t addr)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addr < c->ext[mid].start)
            hi = mid;
        else if (addr - c->ext[mid].start >= c->ext[mid].size)
            lo = mid + 1;
        else
            return mid;
    }
    VMM_ASSERT(0 && "the extents do not tile [0, size)");
    return c->n;
}

/* Index of the block that starts exactly at start, or c->n if none does. */
static size_t find_block(const struct contig *c, uint64_t start)
{
    if (start >= c->size)
        return c->n;
    size_t i = find_index(c, start);
    if (i == c->n || c->ext[i].hole || c->ext[i].start != start)
        return c->n;
    return i;
}

/* Makes room for `more` extents beyond n. Returns 0 or VMM_ENOMEM (nothing
 * changes then). */
static int reserve(struct contig *c, size_t more)
{
    if (c->cap - c->n >= more)
        return 0;
    size_t want = c->cap ? c->cap : 8;
    while (want - c->n < more) {
        if (want > SIZE_MAX / 2 / sizeof *c->ext)
            return VMM_ENOMEM;
        want *= 2;
    }
    struct contig_ext *e = realloc(c->ext, want * sizeof *e);
    if (!e)
        return VMM_ENOMEM;
    c->ext = e;
    c->cap = want;
    return 0;
}

/* Inserts x at index i (0 <= i <= n); the room must have been reserved. */
static void insert_at(struct contig *c, size_t i, struct contig_ext x)
{
    VMM_ASSERT(c->n < c->cap && i <= c->n);
    memmove(&c->ext[i + 1], &c->ext[i], (c->n - i) * sizeof *c->ext);
    c->ext[i] = x;
    c->n++;
}

/* Removes the extent at index i. */
static void remove_at(struct contig *c, size_t i)
{
    VMM_ASSERT(i < c->n);
    memmove(&c->ext[i], &c->ext[i + 1], (c->n - i - 1) * sizeof *c->ext);
    c->n--;
}

static struct contig_ext hole(uint64_t start, uint64_t size)
{
    return (struct contig_ext){.start = start, .size = size, .owner = 0, .hole = true};
}

static struct contig_ext block(uint64_t start, uint64_t size, uint32_t owner)
{
    return (struct contig_ext){.start = start, .size = size, .owner = owner, .hole = false};
}

/* Places a block of need bytes (a multiple of the unit, <= the hole's size)
 * for owner at the low end of the hole at index i. Requires one extent of
 * room reserved. */
static void take_low(struct contig *c, size_t i, uint64_t need, uint32_t owner)
{
    struct contig_ext *h = &c->ext[i];
    VMM_ASSERT(h->hole && need > 0 && need <= h->size);
    uint64_t start = h->start;
    if (need == h->size) {
        *h = block(start, need, owner);
    } else {
        h->start += need;
        h->size -= need;
        insert_at(c, i, block(start, need, owner));
    }
    c->used += need;
}

/* ---- placement ----------------------------------------------------------- */

/* The index of the hole c's fit chooses for need bytes, or c->n if none is
 * large enough. */
static size_t choose(const struct contig *c, uint64_t need)
{
    size_t pick = c->n;
    switch (c->fit) {
    case VMM_FIT_FIRST:
        for (size_t i = 0; i < c->n; i++)
            if (c->ext[i].hole && c->ext[i].size >= need)
                return i;
        return c->n;
    case VMM_FIT_BEST:
        /* Strictly smaller replaces: the lowest of equal holes stays. */
        for (size_t i = 0; i < c->n; i++)
            if (c->ext[i].hole && c->ext[i].size >= need &&
                (pick == c->n || c->ext[i].size < c->ext[pick].size))
                pick = i;
        return pick;
    case VMM_FIT_WORST:
        for (size_t i = 0; i < c->n; i++)
            if (c->ext[i].hole && (pick == c->n || c->ext[i].size > c->ext[pick].size))
                pick = i;
        return pick < c->n && c->ext[pick].size >= need ? pick : c->n;
    case VMM_FIT_NEXT: {
        /* From the extent that holds the rover (or the bottom, when the last
         * allocation ended at the top), once round. */
        size_t from = c->rover < c->size ? find_index(c, c->rover) : 0;
        for (size_t k = 0; k < c->n; k++) {
            size_t i = (from + k) % c->n;
            if (c->ext[i].hole && c->ext[i].size >= need)
                return i;
        }
        return c->n;
    }
    default:
        return c->n;
    }
}

int contig_init(struct contig *c, uint64_t size, uint64_t unit, unsigned fit)
{
    memset(c, 0, sizeof *c);
    if (size == 0 || unit == 0 || (unit & (unit - 1)) != 0 || fit > VMM_FIT_NEXT)
        return VMM_EINVAL;
    c->size = size;
    c->unit = unit;
    c->fit = fit;
    if (reserve(c, 1) < 0)
        return VMM_ENOMEM;
    insert_at(c, 0, hole(0, size));
    return 0;
}

void contig_destroy(struct contig *c)
{
    free(c->ext);
    memset(c, 0, sizeof *c);
}

uint64_t contig_round(const struct contig *c, uint64_t size)
{
    uint64_t r;
    return round_up(c, size, &r) ? r : UINT64_MAX;
}

int contig_alloc(struct contig *c, uint64_t size, uint32_t owner, uint64_t *start)
{
    uint64_t need;
    if (size == 0 || c->fit > VMM_FIT_NEXT)
        return VMM_EINVAL;
    if (!round_up(c, size, &need) || need > c->size)
        return VMM_ENOSPC;
    size_t i = choose(c, need);
    if (i == c->n)
        return VMM_ENOSPC;
    if (reserve(c, 1) < 0)
        return VMM_ENOMEM;
    uint64_t at = c->ext[i].start;
    take_low(c, i, need, owner);
    c->rover = at + need;
    *start = at;
    return 0;
}

int contig_alloc_at(struct contig *c, uint64_t start, uint64_t size, uint32_t owner)
{
    uint64_t need;
    if (size == 0)
        return VMM_EINVAL;
    if ((start & (c->unit - 1)) != 0 || start >= c->size || !round_up(c, size, &need) ||
        need > c->size - start)
        return VMM_ERANGE;
    size_t i = find_index(c, start);
    struct contig_ext *h = &c->ext[i];
    if (!h->hole || need > ext_end(h) - start)
        return VMM_EEXIST;
    /* Up to three pieces: the hole below, the block, the hole above. */
    if (reserve(c, 2) < 0)
        return VMM_ENOMEM;
    h = &c->ext[i];
    if (start > h->start) {
        uint64_t below = start - h->start;
        h->start = start;
        h->size -= below;
        insert_at(c, i, hole(start - below, below));
        i++;
    }
    take_low(c, i, need, owner);
    return 0;
}

int contig_free(struct contig *c, uint64_t start)
{
    size_t i = find_block(c, start);
    if (i == c->n)
        return VMM_ENOENT;
    struct contig_ext *e = &c->ext[i];
    c->used -= e->size;
    *e = hole(e->start, e->size);
    if (i + 1 < c->n && c->ext[i + 1].hole) {
        e->size += c->ext[i + 1].size;
        remove_at(c, i + 1);
    }
    if (i > 0 && c->ext[i - 1].hole) {
        c->ext[i - 1].size += c->ext[i].size;
        remove_at(c, i);
    }
    return 0;
}

int contig_resize(struct contig *c, uint64_t start, uint64_t size)
{
    uint64_t need;
    if (size == 0)
        return VMM_EINVAL;
    size_t i = find_block(c, start);
    if (i == c->n)
        return VMM_ENOENT;
    if (!round_up(c, size, &need))
        return VMM_ENOSPC;
    struct contig_ext *e = &c->ext[i];
    bool next_hole = i + 1 < c->n && c->ext[i + 1].hole;
    if (need > e->size) {
        uint64_t more = need - e->size;
        if (!next_hole || c->ext[i + 1].size < more)
            return VMM_ENOSPC;
        struct contig_ext *h = &c->ext[i + 1];
        e->size = need;
        c->used += more;
        if (h->size == more) {
            remove_at(c, i + 1);
        } else {
            h->start += more;
            h->size -= more;
        }
    } else if (need < e->size) {
        uint64_t less = e->size - need;
        if (next_hole) {
            c->ext[i + 1].start -= less;
            c->ext[i + 1].size += less;
        } else {
            if (reserve(c, 1) < 0)
                return VMM_ENOMEM;
            e = &c->ext[i];
            insert_at(c, i + 1, hole(e->start + need, less));
        }
        e->size = need;
        c->used -= less;
    }
    return 0;
}

int contig_grow_down(struct contig *c, uint64_t start, uint64_t more, uint64_t *new_start)
{
    uint64_t need;
    if (more == 0)
        return VMM_EINVAL;
    size_t i = find_block(c, start);
    if (i == c->n)
        return VMM_ENOENT;
    if (!round_up(c, more, &need) || i == 0 || !c->ext[i - 1].hole || c->ext[i - 1].size < need)
        return VMM_ENOSPC;
    struct contig_ext *h = &c->ext[i - 1];
    c->ext[i].start -= need;
    c->ext[i].size += need;
    c->used += need;
    if (h->size == need)
        remove_at(c, i - 1);
    else
        h->size -= need;
    *new_start = start - need;
    return 0;
}

/* Each block that may move and has a hole right below it trades places with
 * that hole (the block drops to the hole's start, the hole now lies above
 * it and merges with a hole above that). Walking up, the hole below a block
 * is then exactly the gap between it and the block below it as that block
 * now lies, so one pass slides every movable block down against it. The
 * allocator is consistent each time moved() is called. */
uint64_t
contig_compact(struct contig *c, bool (*may_move)(void *ctx, uint32_t owner, uint64_t start),
               void (*moved)(void *ctx, uint32_t owner, uint64_t from, uint64_t to, uint64_t size),
               void *ctx)
{
    uint64_t bytes = 0;
    for (size_t i = 1; i < c->n; i++) {
        struct contig_ext *e = &c->ext[i], *h = &c->ext[i - 1];
        if (e->hole || !h->hole)
            continue;
        if (may_move && !may_move(ctx, e->owner, e->start))
            continue;
        uint64_t from = e->start, to = h->start, gap = h->size, size = e->size;
        uint32_t owner = e->owner;
        *h = block(to, size, owner);
        *e = hole(to + size, gap);
        if (i + 1 < c->n && c->ext[i + 1].hole) {
            c->ext[i].size += c->ext[i + 1].size;
            remove_at(c, i + 1);
        }
        bytes += size;
        if (moved)
            moved(ctx, owner, from, to, size);
    }
    return bytes;
}

/* ---- queries ------------------------------------------------------------- */

const struct contig_ext *contig_find(const struct contig *c, uint64_t addr)
{
    if (addr >= c->size || c->n == 0)
        return NULL;
    size_t i = find_index(c, addr);
    return i < c->n ? &c->ext[i] : NULL;
}

uint64_t contig_largest(const struct contig *c)
{
    uint64_t largest = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->ext[i].hole && c->ext[i].size > largest)
            largest = c->ext[i].size;
    return largest;
}

void contig_stats(const struct contig *c, struct contig_stats *out)
{
    memset(out, 0, sizeof *out);
    out->size = c->size;
    out->used = c->used;
    for (size_t i = 0; i < c->n; i++) {
        const struct contig_ext *e = &c->ext[i];
        if (!e->hole) {
            out->blocks++;
            continue;
        }
        out->holes++;
        out->free += e->size;
        if (e->size > out->largest)
            out->largest = e->size;
    }
    out->ext_frag = out->free ? 1.0 - (double)out->largest / (double)out->free : 0.0;
}

/* Writes "extent i [start, +size) block|hole: why" to msg; returns -1. */
static int bad(char *msg, size_t len, size_t i, const struct contig_ext *e, const char *why)
{
    if (msg && len)
        snprintf(msg, len, "extent %zu [0x%" PRIx64 ", +0x%" PRIx64 ") %s: %s", i, e->start,
                 e->size, e->hole ? "hole" : "block", why);
    return -1;
}

int contig_check(const struct contig *c, char *msg, size_t len)
{
    const char *why = NULL;
    if (c->unit == 0 || (c->unit & (c->unit - 1)) != 0)
        why = "the unit is not a power of two";
    else if (c->fit > VMM_FIT_NEXT)
        why = "unknown fit";
    else if (c->n > c->cap || (c->n > 0 && !c->ext))
        why = "the extent array is broken (n > cap or no array)";
    else if (c->size > 0 && c->n == 0)
        why = "no extents";
    else if (c->rover > c->size)
        why = "the rover lies beyond the end";
    if (why) {
        if (msg && len)
            snprintf(msg, len, "contig of 0x%" PRIx64 " bytes, %zu extents: %s", c->size, c->n,
                     why);
        return -1;
    }

    uint64_t at = 0, used = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct contig_ext *e = &c->ext[i];
        char buf[96];
        if (e->start != at) {
            snprintf(buf, sizeof buf, "expected to start at 0x%" PRIx64, at);
            return bad(msg, len, i, e, buf);
        }
        if (e->size == 0)
            return bad(msg, len, i, e, "is empty");
        if (e->size > c->size - e->start)
            return bad(msg, len, i, e, "runs past the end");
        if (e->hole && e->owner != 0)
            return bad(msg, len, i, e, "a hole with an owner");
        if (e->hole && i > 0 && c->ext[i - 1].hole)
            return bad(msg, len, i, e, "follows a hole (not coalesced)");
        if (!e->hole && ((e->start | e->size) & (c->unit - 1)) != 0)
            return bad(msg, len, i, e, "not aligned to the unit");
        if (!e->hole)
            used += e->size;
        at = ext_end(e);
    }
    if (at != c->size) {
        if (msg && len)
            snprintf(msg, len, "the extents end at 0x%" PRIx64 ", not at the size 0x%" PRIx64, at,
                     c->size);
        return -1;
    }
    if (used != c->used) {
        if (msg && len)
            snprintf(msg, len, "used is 0x%" PRIx64 " but the blocks hold 0x%" PRIx64, c->used,
                     used);
        return -1;
    }
    return 0;
}
