/*
 * pagetable.c - per-process multi-level page tables: sparse radix trees.
 *
 * A virtual page number of V bits is split, from the top, into L indexes of 9
 * bits each (the top one takes the remainder), as x86-64 and RISC-V Sv48/Sv57
 * do: 48-bit addresses with 4 KiB pages give 36 bits and 4 levels, 57-bit give
 * 5, 32-bit give 3.
 *
 *   vpn = | top (V - 9(L-1) bits) | 9 | ... | 9 |      each node: 512 entries
 *           root[top] -> node[i1] -> ... -> leaf[iL] = PTE
 *
 * Only the paths to touched pages exist, so memory grows with the distinct
 * pages of a process, not with its address space. Nodes are never freed before
 * the process ends, so a pointer to a PTE stays good for the process's life:
 * the frame table's reverse map and the TLB keep such pointers.
 *
 * Nodes come from per-process slabs: chunks that double from 16 nodes to 512
 * (2 MiB, backed by a transparent huge page where the host allows). A replay
 * touching a million pages then walks a few huge pages instead of thousands
 * of scattered 4 KiB allocations, which keeps the host's TLB out of the way.
 *
 * The leaf directory is a shortcut past the upper levels, as the paging-
 * structure caches of an x86 MMU are: ldir[vpn >> 9] points at the leaf of
 * pages vpn & ~511 .. vpn | 511, for the low leaf numbers a process uses.
 * pt_find (internal.h) reads it before walking, and a lookup becomes one
 * load instead of four. Since leaves live as long as their process, an entry
 * never goes stale. It grows by doubling to cover the leaves made, and only
 * while it stays small beside the tree (LDIR_PER_NODE entries a node): a
 * page far up the address space is walked to instead.
 *
 *   ldir: [0] [1] [2] ... [nldir-1]      leaf number = vpn >> 9
 *          |   |   NULL (none yet, or not noted)
 *          v   v
 *        leaf leaf                       PTE = leaf[vpn & 511]
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define PT_FANOUT     512
#define SLAB_MIN      16  /* nodes in a process's first chunk */
#define SLAB_MAX      512 /* nodes in its largest chunks (2 MiB) */
#define LDIR_MIN      64  /* entries of a leaf directory when first made */
#define LDIR_PER_NODE 128 /* its bound: this many entries a node (and LDIR_MIN nodes) */

struct pt_node {
    uint64_t e[PT_FANOUT]; /* interior: child pointer (0 = none); leaf: pte_t */
};

struct pt_slab {
    struct pt_slab *next;  /* older chunk of the same process */
    struct pt_node *nodes; /* the chunk, from vmm__alloc_big */
    size_t cap;            /* nodes in the chunk */
    size_t used;           /* nodes handed out */
};

/* A zeroed node from p's slab, or NULL when out of memory. */
static struct pt_node *node_alloc(struct proc *p)
{
    struct pt_slab *s = p->slab;
    if (!s || s->used == s->cap) {
        size_t cap = s ? (s->cap * 2 < SLAB_MAX ? s->cap * 2 : SLAB_MAX) : SLAB_MIN;
        struct pt_slab *n = malloc(sizeof *n);
        if (!n)
            return NULL;
        n->nodes = vmm__alloc_big(cap * sizeof(struct pt_node));
        if (!n->nodes) {
            free(n);
            return NULL;
        }
        n->cap = cap;
        n->used = 0;
        n->next = s;
        p->slab = s = n;
    }
    p->pt_nodes++;
    return &s->nodes[s->used++];
}

/* Notes leaf l (vpn >> 9) in p's leaf directory, growing it if that keeps
 * it within its bound. A directory that cannot grow only loses a shortcut. */
static void ldir_note(struct proc *p, vpn_t l, pte_t *leaf)
{
    if (l >= p->nldir) {
        size_t n = p->nldir ? p->nldir : LDIR_MIN;
        while (n <= l && n <= (SIZE_MAX / sizeof *p->ldir) / 2)
            n *= 2;
        if (n <= l || n > LDIR_PER_NODE * (p->pt_nodes + LDIR_MIN))
            return;
        pte_t **d = realloc(p->ldir, n * sizeof *d);
        if (!d)
            return;
        memset(d + p->nldir, 0, (n - p->nldir) * sizeof *d);
        p->ldir = d;
        p->nldir = n;
    }
    p->ldir[l] = leaf;
}

static unsigned shift_of(const struct vmm_system *sys, unsigned level)
{
    return 9 * (sys->levels - 1 - level);
}

pte_t *vmm__pt_ensure(const struct vmm_system *sys, struct proc *p, vpn_t vpn)
{
    if (!p->root && !(p->root = node_alloc(p)))
        return NULL;
    struct pt_node *n = p->root;
    for (unsigned l = 0; l + 1 < sys->levels; l++) {
        uint64_t *slot = &n->e[(vpn >> shift_of(sys, l)) & (PT_FANOUT - 1)];
        if (!*slot) {
            struct pt_node *c = node_alloc(p);
            if (!c)
                return NULL;
            *slot = (uint64_t)(uintptr_t)c;
        }
        n = (struct pt_node *)(uintptr_t)*slot;
    }
    ldir_note(p, vpn >> 9, n->e);
    p->leaf_tag = vpn >> 9;
    p->leaf_cache = n->e;
    return &n->e[vpn & (PT_FANOUT - 1)];
}

/* Visits the entries of node n (at level, covering pages from base) that
 * lie in [lo, hi). */
static void walk(const struct vmm_system *sys, struct pt_node *n, unsigned level, vpn_t base,
                 vpn_t lo, vpn_t hi, void (*fn)(void *, vpn_t, pte_t *), void *ctx)
{
    unsigned shift = shift_of(sys, level);
    for (unsigned i = 0; i < PT_FANOUT; i++) {
        vpn_t first = base | ((vpn_t)i << shift), last = first + ((vpn_t)1 << shift) - 1;
        if (!n->e[i] || last < lo || first >= hi)
            continue;
        if (level + 1 == sys->levels)
            fn(ctx, first, &n->e[i]);
        else
            walk(sys, (struct pt_node *)(uintptr_t)n->e[i], level + 1, first, lo, hi, fn, ctx);
    }
}

void vmm__pt_foreach(const struct vmm_system *sys, struct proc *p,
                     void (*fn)(void *ctx, vpn_t vpn, pte_t *pte), void *ctx)
{
    if (p->root)
        walk(sys, p->root, 0, 0, 0, UINT64_MAX, fn, ctx);
}

void vmm__pt_foreach_range(const struct vmm_system *sys, struct proc *p, vpn_t lo, vpn_t hi,
                           void (*fn)(void *ctx, vpn_t vpn, pte_t *pte), void *ctx)
{
    if (p->root && lo < hi)
        walk(sys, p->root, 0, 0, lo, hi, fn, ctx);
}

void vmm__pt_free(const struct vmm_system *sys, struct proc *p)
{
    (void)sys;
    while (p->slab) {
        struct pt_slab *s = p->slab;
        p->slab = s->next;
        vmm__free_big(s->nodes, s->cap * sizeof(struct pt_node));
        free(s);
    }
    p->root = NULL;
    p->pt_nodes = 0;
    p->leaf_tag = VPN_TAG_NONE;
    p->leaf_cache = NULL;
    free(p->ldir);
    p->ldir = NULL;
    p->nldir = 0;
}
