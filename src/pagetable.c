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
 */
#include "internal.h"

#include <stdlib.h>

#define PT_FANOUT 512

struct pt_node {
    uint64_t e[PT_FANOUT]; /* interior: child pointer (0 = none); leaf: pte_t */
};

static unsigned shift_of(const struct vmm_system *sys, unsigned level)
{
    return 9 * (sys->levels - 1 - level);
}

pte_t *vmm__pt_lookup(const struct vmm_system *sys, struct proc *p, vpn_t vpn)
{
    struct pt_node *n = p->root;
    for (unsigned l = 0; n && l + 1 < sys->levels; l++)
        n = (struct pt_node *)(uintptr_t)n->e[(vpn >> shift_of(sys, l)) & (PT_FANOUT - 1)];
    if (!n)
        return NULL;
    p->leaf_tag = vpn >> 9;
    p->leaf_cache = n->e;
    return &n->e[vpn & (PT_FANOUT - 1)];
}

pte_t *vmm__pt_ensure(const struct vmm_system *sys, struct proc *p, vpn_t vpn)
{
    if (!p->root) {
        p->root = calloc(1, sizeof *p->root);
        if (!p->root)
            return NULL;
        p->pt_nodes++;
    }
    struct pt_node *n = p->root;
    for (unsigned l = 0; l + 1 < sys->levels; l++) {
        uint64_t *slot = &n->e[(vpn >> shift_of(sys, l)) & (PT_FANOUT - 1)];
        if (!*slot) {
            struct pt_node *c = calloc(1, sizeof *c);
            if (!c)
                return NULL;
            p->pt_nodes++;
            *slot = (uint64_t)(uintptr_t)c;
        }
        n = (struct pt_node *)(uintptr_t)*slot;
    }
    p->leaf_tag = vpn >> 9;
    p->leaf_cache = n->e;
    return &n->e[vpn & (PT_FANOUT - 1)];
}

static void walk(const struct vmm_system *sys, struct pt_node *n, unsigned level, vpn_t base,
                 void (*fn)(void *, vpn_t, pte_t *), void *ctx)
{
    for (unsigned i = 0; i < PT_FANOUT; i++) {
        if (!n->e[i])
            continue;
        vpn_t vpn = base | ((vpn_t)i << shift_of(sys, level));
        if (level + 1 == sys->levels)
            fn(ctx, vpn, &n->e[i]);
        else
            walk(sys, (struct pt_node *)(uintptr_t)n->e[i], level + 1, vpn, fn, ctx);
    }
}

void vmm__pt_foreach(const struct vmm_system *sys, struct proc *p,
                     void (*fn)(void *ctx, vpn_t vpn, pte_t *pte), void *ctx)
{
    if (p->root)
        walk(sys, p->root, 0, 0, fn, ctx);
}

static void free_node(const struct vmm_system *sys, struct pt_node *n, unsigned level)
{
    if (level + 1 < sys->levels)
        for (unsigned i = 0; i < PT_FANOUT; i++)
            if (n->e[i])
                free_node(sys, (struct pt_node *)(uintptr_t)n->e[i], level + 1);
    free(n);
}

void vmm__pt_free(const struct vmm_system *sys, struct proc *p)
{
    if (p->root)
        free_node(sys, p->root, 0);
    p->root = NULL;
    p->pt_nodes = 0;
    p->leaf_tag = VPN_TAG_NONE;
    p->leaf_cache = NULL;
}
