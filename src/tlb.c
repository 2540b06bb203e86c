/*
 * tlb.c - the translation look-aside buffer: set-associative, tagged with the
 * address-space id of the owning process, LRU within a set.
 *
 * A set is chosen by the low bits of the page number, as hardware does; a
 * fully associative TLB is one set. Entries of every process live side by
 * side (ASIDs), so switching processes needs no flush. The core keeps the TLB
 * coherent: when a mapping changes (eviction, exit) it shoots the entry down
 * before the PTE changes, so a hit always finds a valid PTE.
 */
#include "internal.h"

#include <stdlib.h>

int vmm__tlb_init(struct vmm_system *sys)
{
    struct tlb *t = &sys->tlb;
    memset(t, 0, sizeof *t);
    if (!sys->cfg.tlb_entries)
        return 0;
    t->ways = sys->cfg.tlb_ways ? sys->cfg.tlb_ways : sys->cfg.tlb_entries;
    t->sets = sys->cfg.tlb_entries / t->ways;
    t->e = calloc(sys->cfg.tlb_entries, sizeof *t->e);
    if (!t->e)
        return VMM_ENOMEM;
    return 0;
}

void vmm__tlb_destroy(struct tlb *t)
{
    free(t->e);
    t->e = NULL;
}

void vmm__tlb_fill(struct tlb *t, uint32_t asid, vpn_t vpn, pte_t *pte)
{
    struct tlb_entry *set = t->e + (size_t)(vpn & (t->sets - 1)) * t->ways, *victim = set;
    for (unsigned i = 0; i < t->ways; i++) {
        if (!set[i].used || (set[i].vpn == vpn && set[i].asid == asid)) {
            victim = &set[i];
            break;
        }
        if (set[i].used < victim->used)
            victim = &set[i];
    }
    victim->vpn = vpn;
    victim->asid = asid;
    victim->pte = pte;
    victim->used = ++t->clock ? t->clock : (t->clock = 1);
}

void vmm__tlb_invalidate(struct tlb *t, uint32_t asid, vpn_t vpn)
{
    if (!t->sets)
        return;
    struct tlb_entry *set = t->e + (size_t)(vpn & (t->sets - 1)) * t->ways;
    for (unsigned i = 0; i < t->ways; i++)
        if (set[i].used && set[i].vpn == vpn && set[i].asid == asid)
            set[i].used = 0;
}

void vmm__tlb_flush_asid(struct tlb *t, uint32_t asid)
{
    for (size_t i = 0; i < (size_t)t->sets * t->ways; i++)
        if (t->e[i].asid == asid)
            t->e[i].used = 0;
}

void vmm__tlb_flush_all(struct tlb *t)
{
    for (size_t i = 0; i < (size_t)t->sets * t->ways; i++)
        t->e[i].used = 0;
}
