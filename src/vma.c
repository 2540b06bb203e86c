/*
 * vma.c - the regions of an address space: add, map, remove (munmap), msync,
 * resize (brk), grow down (the stack).
 *
 * A process's regions are an array sorted by start, never overlapping; a
 * reference is legal iff it falls in one whose permissions allow it. A region
 * is anonymous memory (zero-fill-on-demand) or maps an object (object.c): a
 * program's image, a file or shared memory, shared or private.
 *
 * A grows-down region (the stack) has a floor: a reference below its start
 * but not below the floor extends it, unless that would touch the region under
 * it (one page of gap is kept, as Linux keeps a guard gap).
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct region *vmm__region_find(const struct proc *p, uint64_t addr)
{
    size_t lo = 0, hi = p->nregions;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (addr < p->regions[mid].start)
            hi = mid;
        else if (addr >= p->regions[mid].end)
            lo = mid + 1;
        else
            return &p->regions[mid];
    }
    return NULL;
}

/* Index of the first region whose start is above addr (nregions if none). */
static size_t region_above(const struct proc *p, uint64_t addr)
{
    size_t lo = 0, hi = p->nregions;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->regions[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct region *vmm__region_grow(struct vmm_system *sys, struct proc *p, uint64_t addr)
{
    size_t i = region_above(p, addr);
    if (i == p->nregions)
        return NULL;
    struct region *r = &p->regions[i];
    uint64_t page = addr & ~(uint64_t)(sys->cfg.page_size - 1);
    if (!r->floor || page < r->floor)
        return NULL;
    if (i > 0 && p->regions[i - 1].end + sys->cfg.page_size > page)
        return NULL;
    r->len += r->start - page;
    r->start = page;
    sys->st.stack_growths++;
    EMIT(sys, VMM_EV_GROW, .pid = p->pid, .vaddr = addr, .text = r->name);
    return r;
}

/* The live process pid, or NULL with VMM_ENOENT recorded. */
static struct proc *live_proc(struct vmm_system *sys, uint32_t pid)
{
    struct proc *p = vmm__proc(sys, pid);
    if (!p || !p->live) {
        vmm__fail(sys, VMM_ENOENT, "no running process %u", pid);
        return NULL;
    }
    return p;
}

/* The index of p's region that starts at start, or -1 with VMM_ENOENT. */
static long region_at(struct vmm_system *sys, const struct proc *p, uint64_t start)
{
    for (size_t i = 0; i < p->nregions; i++)
        if (p->regions[i].start == start)
            return (long)i;
    return vmm__fail(sys, VMM_ENOENT, "P%u has no region starting at 0x%" PRIx64, p->pid, start);
}

/* The live process pid and the index of its region starting at start;
 * returns the index, or a negative error recorded in sys. */
static long find_at(struct vmm_system *sys, uint32_t pid, uint64_t start, struct proc **pp)
{
    struct proc *p = live_proc(sys, pid);
    *pp = p;
    return p ? region_at(sys, p, start) : VMM_ENOENT;
}

/* Regions are whole pages under paging; relocation and segmentation place
 * bytes, in multiples of the allocation unit. */
static uint64_t grain(const struct vmm_system *sys)
{
    return sys->cm ? sys->cfg.contig_unit : sys->cfg.page_size;
}

static int insert(struct vmm_system *sys, uint32_t pid, const struct region *nr, uint64_t len)
{
    struct proc *p = live_proc(sys, pid);
    uint64_t mask = grain(sys) - 1, top = 1ull << sys->cfg.va_bits, start = nr->start;
    if (!p)
        return VMM_ENOENT;
    if (len == 0 || start >= top || len > top - start)
        return vmm__fail(sys, VMM_ERANGE,
                         "region %s [0x%" PRIx64 ", +0x%" PRIx64 ") is empty or beyond the "
                         "%u-bit address space",
                         nr->name, start, len, sys->cfg.va_bits);
    uint64_t s = start & ~mask, e = (start + len + mask) & ~mask;
    if (e == 0 || e > top) /* rounding up reached the top of the space */
        e = top;
    size_t i = region_above(p, s);
    if ((i > 0 && p->regions[i - 1].end > s) || (i < p->nregions && p->regions[i].start < e))
        return vmm__fail(sys, VMM_EEXIST, "region %s [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps %s",
                         nr->name, s, e,
                         p->regions[i > 0 && p->regions[i - 1].end > s ? i - 1 : i].name);
    if (p->nregions == p->cap_regions) {
        size_t cap = p->cap_regions ? p->cap_regions * 2 : 8;
        struct region *n = realloc(p->regions, cap * sizeof *n);
        if (!n)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for regions");
        p->regions = n;
        p->cap_regions = cap;
    }
    memmove(p->regions + i + 1, p->regions + i, (p->nregions - i) * sizeof *p->regions);
    p->regions[i] = *nr;
    p->regions[i].start = s;
    p->regions[i].end = e;
    p->regions[i].len = len < e - s ? len : e - s;
    p->nregions++;
    if (sys->cm) {
        int r = vmm__cm_region_added(sys, p, i);
        if (r < 0) { /* no memory for it: the region goes again */
            memmove(p->regions + i, p->regions + i + 1, (p->nregions - i - 1) * sizeof *p->regions);
            p->nregions--;
            return r;
        }
    }
    return 0;
}

int vmm_region_add(struct vmm_system *sys, uint32_t pid, const char *name, uint64_t start,
                   uint64_t len, unsigned prot)
{
    struct region r = {.start = start, .prot = prot};
    snprintf(r.name, sizeof r.name, "%s", name ? name : "");
    return insert(sys, pid, &r, len);
}

int vmm_region_map(struct vmm_system *sys, uint32_t pid, const char *name, uint64_t start,
                   uint64_t len, unsigned prot, unsigned flags, uint32_t obj, uint64_t offset)
{
    const struct vobj *o = vmm__obj(sys, obj);
    uint64_t mask = sys->cfg.page_size - 1;
    bool shared = flags == VMM_MAP_SHARED;
    if (!o)
        return vmm__fail(sys, VMM_ENOENT, "no object %u", obj);
    if (flags != VMM_MAP_SHARED && flags != VMM_MAP_PRIVATE)
        return vmm__fail(sys, VMM_EINVAL, "object %s: flags %u; expected shared or private",
                         o->name, flags);
    if (shared && (prot & VMM_PROT_WRITE) && !o->writable)
        return vmm__fail(sys, VMM_EINVAL,
                         "%s %s cannot be written: expected a read-only (prot=r) or private "
                         "mapping%s",
                         o->kind == OBJ_FILE ? "file" : "program image", o->name,
                         o->kind == OBJ_FILE ? ", or a file that can be opened for writing" : "");
    if (o->kind == OBJ_SHMEM && !shared)
        return vmm__fail(sys, VMM_EINVAL, "shared memory %s: expected a shared mapping", o->name);
    if ((offset & mask) || (start & mask))
        return vmm__fail(sys, VMM_EINVAL,
                         "object %s: start 0x%" PRIx64 " and offset 0x%" PRIx64
                         " must be page aligned",
                         o->name, start, offset);
    /* A file mapping may reach past the end of the file (a bus error when
     * touched); its pages must still be numbered by the page cache. */
    uint64_t pages = len > UINT64_MAX - mask ? UINT64_MAX : (len + mask) >> sys->page_shift;
    uint64_t limit = o->kind == OBJ_FILE ? UINT32_MAX : o->npages,
             first = offset >> sys->page_shift;
    if (len == 0 || first > limit || pages > limit - first)
        return vmm__fail(sys, VMM_ERANGE,
                         "object %s: 0x%" PRIx64 " bytes from offset 0x%" PRIx64
                         " are beyond its %" PRIu64 " pages",
                         o->name, len, offset, limit);
    struct region r = {.start = start, .prot = prot, .obj = obj, .pgoff = first, .shared = shared};
    snprintf(r.name, sizeof r.name, "%s", name ? name : "");
    int e = insert(sys, pid, &r, len);
    if (e == 0)
        vmm__obj_ref(sys, obj);
    return e;
}

/* Terminates p after a write-back it asked for failed. */
static int writeback_failed(struct vmm_system *sys, struct proc *p, const struct region *r,
                            const char *call)
{
    char why[160];
    snprintf(why, sizeof why, "I/O error: %s of %s: %.110s", call, r->name, sys->err);
    vmm__kill(sys, p, r->start, why);
    return VMM_KILLED;
}

int vmm_region_remove(struct vmm_system *sys, uint32_t pid, uint64_t start)
{
    struct proc *p;
    long i = find_at(sys, pid, start, &p);
    if (i < 0)
        return (int)i;
    struct region *r = &p->regions[i];
    if (vmm__region_writeback(sys, r, VMM_WB_MUNMAP, NULL) < 0)
        return writeback_failed(sys, p, r, "munmap");
    vmm__release_range(sys, p, r->start >> sys->page_shift, r->end >> sys->page_shift);
    if (sys->cm)
        vmm__cm_region_removing(sys, p, (size_t)i);
    uint32_t obj = r->obj;
    memmove(r, r + 1, (p->nregions - (size_t)i - 1) * sizeof *r);
    p->nregions--;
    if (obj)
        vmm__obj_unref(sys, obj);
    return 0;
}

int vmm_region_sync(struct vmm_system *sys, uint32_t pid, uint64_t start, bool async,
                    uint64_t *written)
{
    struct proc *p;
    long i = find_at(sys, pid, start, &p);
    uint64_t n = 0;
    if (written)
        *written = 0;
    if (i < 0)
        return (int)i;
    const struct region *r = &p->regions[i];
    if (vmm__region_writeback(sys, r, VMM_WB_MSYNC, &n) < 0) {
        if (written)
            *written = n;
        return writeback_failed(sys, p, r, "msync");
    }
    if (written)
        *written = n;
    const struct vobj *o = vmm__obj(sys, r->obj);
    if (!async && n && sys->cfg.data && o && o->fd >= 0 && fdatasync(o->fd) < 0) {
        vmm__fail(sys, VMM_EIO, "fdatasync of file %s: %s", o->name, strerror(errno));
        return writeback_failed(sys, p, r, "msync");
    }
    return 0;
}

int vmm_region_resize(struct vmm_system *sys, uint32_t pid, uint64_t start, uint64_t len)
{
    struct proc *p;
    long i = find_at(sys, pid, start, &p);
    if (i < 0)
        return (int)i;
    struct region *r = &p->regions[i];
    uint64_t mask = grain(sys) - 1, top = 1ull << sys->cfg.va_bits;
    if (len == 0 || len > top - r->start || len > UINT64_MAX - mask)
        return vmm__fail(sys, VMM_ERANGE,
                         "region %s: size 0x%" PRIx64 " is empty or beyond the %u-bit space",
                         r->name, len, sys->cfg.va_bits);
    uint64_t e = (r->start + len + mask) & ~mask;
    if (e == 0 || e > top)
        e = top;
    if ((size_t)i + 1 < p->nregions && p->regions[i + 1].start < e)
        return vmm__fail(sys, VMM_EEXIST,
                         "region %s cannot grow to 0x%" PRIx64 ": region %s starts at 0x%" PRIx64,
                         r->name, e, p->regions[i + 1].name, p->regions[i + 1].start);
    if (r->obj && e > r->end)
        return vmm__fail(sys, VMM_EUNSUPPORTED, "region %s maps an object and cannot grow",
                         r->name);
    if (sys->cm) { /* its image follows, or the region stays as it was */
        uint64_t old_end = r->end, old_len = r->len;
        r->end = e;
        r->len = len;
        int c = vmm__cm_region_resized(sys, p, (size_t)i, r->start);
        if (c < 0) {
            r = &p->regions[i];
            r->end = old_end;
            r->len = old_len;
        }
        return c;
    }
    if (e < r->end)
        vmm__release_range(sys, p, e >> sys->page_shift, r->end >> sys->page_shift);
    r->end = e;
    r->len = len;
    return 0;
}

int vmm_region_grows_down(struct vmm_system *sys, uint32_t pid, uint64_t start, uint64_t max_len)
{
    struct proc *p;
    long i = find_at(sys, pid, start, &p);
    if (i < 0)
        return (int)i;
    struct region *r = &p->regions[i];
    uint64_t len = r->end - r->start;
    if (r->obj) /* its pages are the object's from pgoff on: growing down would shift them */
        return vmm__fail(sys, VMM_EUNSUPPORTED,
                         "region %s maps an object and cannot grow down; expected an "
                         "anonymous region (a stack)",
                         r->name);
    if (max_len < len)
        return vmm__fail(sys, VMM_ERANGE,
                         "region %s: growth limit 0x%" PRIx64 " is below its size 0x%" PRIx64,
                         r->name, max_len, len);
    uint64_t floor = max_len > r->end ? 0 : r->end - max_len;
    r->floor = floor ? floor : sys->cfg.page_size; /* never down to page 0 */
    return 0;
}

size_t vmm_regions_get(const struct vmm_system *sys, uint32_t pid, struct vmm_region_info *out,
                       size_t max)
{
    const struct proc *p = vmm__proc(sys, pid);
    if (!p)
        return 0;
    for (size_t i = 0; out && i < p->nregions && i < max; i++) {
        const struct region *r = &p->regions[i];
        out[i] = (struct vmm_region_info){r->start,      r->end,    r->prot, r->obj,
                                          r->floor != 0, r->shared, ""};
        memcpy(out[i].name, r->name, sizeof out[i].name);
    }
    return p->nregions;
}
