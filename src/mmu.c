/*
 * mmu.c - memory before paging: relocation and segmentation
 * (docs/model.md, "Before paging").
 *
 * Both keep a process's bytes in contiguous images placed in physical memory
 * by contig.c:
 *
 *   relocation     one image per process, its partition: logical addresses
 *                  0 .. limit-1, physical = base + logical. The base and limit
 *                  registers are loaded from the PCB when another process
 *                  runs; a reference at or past the limit traps and the
 *                  process is terminated. Nothing else is checked: a write
 *                  to its own text is just a write.
 *   segmentation   one image per region: the segment table is the regions,
 *                  each with base, limit and permissions. A reference to
 *                  (s, d) traps when d >= limit or s is no segment, and for a
 *                  permission the segment lacks. Program text and shared
 *                  memory are one image for every process mapping them.
 *
 *      physical memory (contig.c: blocks and holes tile it exactly)
 *      0                                                                 size
 *      +---------+=======+-------------+============+------------+=========+
 *      | P1      | hole  | text editor |   hole     | P2 heap    |  hole   |
 *      +---------+=======+-------------+============+------------+=========+
 *      image 1 base 0     image 3 (shared)            image 4
 *
 * An image is resident (a block of memory at base), swapped out (an extent
 * of the backing store at swap_at, allocated by a second contig), or neither
 * (waiting for its first place, or program text dropped clean, which is read
 * again from the program). Before a reference uses an image the dispatcher
 * makes it resident: a hole by the fit policy (or its fixed place under
 * compile- and load-time binding); if none, compaction when allowed, then
 * swapping out the least recently used images (relocation: whole processes;
 * segmentation: segments) until one fits; without swapping the process waits.
 *
 * Invariants (vmm__cm_check, after every reference and call in tests): both
 * allocators tile their space; every block of memory belongs to one resident
 * image at its base and of its rounded size, every extent of the backing store
 * to one swapped-out image; every image is used by exactly the regions (or
 * the process, for a partition) that name it.
 */
#include "contig.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NO_PLACE UINT64_MAX

struct image {
    uint64_t size;     /* bytes it holds (its block is size rounded to the unit) */
    uint64_t base;     /* physical address of its byte 0, while resident */
    uint64_t home;     /* compile- or load-time binding: the only place it may be, else
                          NO_PLACE */
    uint64_t swap_at;  /* offset of its copy in the backing store, or NO_PLACE */
    uint64_t last_use; /* cm->clock at its last use: the least recent is swapped out */
    uint32_t users;    /* regions naming it (a partition: 1, its process); 0 = free slot */
    uint32_t pid;      /* the process whose private image it is; 0 = shared */
    uint32_t obj;      /* shared: the object it holds (program text, shared memory), else 0 */
    bool resident;     /* in memory at base */
    bool loaded;       /* has been placed at least once (its bytes exist somewhere) */
    bool busy;         /* being copied or moved: not a victim */
    char name[24];     /* "P3", "P3 heap", "editor": reports and events */
};

struct cmem {
    struct contig mem;  /* physical memory: blocks owned by image ids */
    struct contig disk; /* the backing store's space for swapped-out images */
    struct image *img;  /* images; id i is img[i - 1] */
    uint32_t nimg, cap; /* slots used (high-water mark), allocated */
    uint32_t *obj_img;  /* per object id: its shared image, 0 = none */
    uint32_t cap_obj;   /* entries of obj_img */
    uint64_t clock;     /* image uses, for least-recently-used victims */
    uint32_t cur_pid;   /* whose registers are loaded */
    uint32_t mv_id;     /* an image moving to a larger place (grow), 0 = none */
    uint64_t mv_old;    /* its old block, which compaction may move too */
    double frag_now;    /* external fragmentation since the last change */
    double frag_peak;   /* the largest it has been */
    double frag_area;   /* sum of frag_now x references it held for */
    uint64_t frag_refs; /* references at the last change */
    uint64_t changes;   /* times memory changed shape: waiting processes try again */
};

static struct image *img_of(const struct cmem *cm, uint32_t id)
{
    return &cm->img[id - 1];
}

static bool relocation(const struct vmm_system *sys)
{
    return sys->cfg.mmu == VMM_MMU_RELOCATION;
}

/* ns to move bytes at rate bytes per second. */
static uint64_t rate_ns(uint64_t bytes, uint64_t rate)
{
    return (uint64_t)((unsigned __int128)bytes * 1000000000u / rate);
}

/* A whole-image transfer: one access plus the bytes at the disk's rate. */
static uint64_t xfer_ns(const struct vmm_system *sys, uint64_t bytes, bool write)
{
    const struct vmm_cost_model *c = &sys->cfg.cost;
    return (write ? c->swap_write_ns : c->swap_read_ns) + rate_ns(bytes, c->disk_rate);
}

/* Memory changed shape: the fragmentation figures follow. */
static void frag_update(struct vmm_system *sys)
{
    struct cmem *cm = sys->cm;
    struct contig_stats cs;
    contig_stats(&cm->mem, &cs);
    cm->changes++;
    cm->frag_area += cm->frag_now * (double)(sys->st.references - cm->frag_refs);
    cm->frag_refs = sys->st.references;
    cm->frag_now = cs.ext_frag;
    if (cs.ext_frag > cm->frag_peak)
        cm->frag_peak = cs.ext_frag;
}

static void emit_mem(struct vmm_system *sys, const struct image *im, uint32_t pid,
                     enum vmm_mem_what what, uint64_t at)
{
    EMIT(sys, VMM_EV_MEM, .pid = pid ? pid : im->pid, .mem = (uint8_t)what, .frame = at,
         .vpn = im->size, .slot = im->swap_at, .text = im->name);
}

/* ---- lifecycle -------------------------------------------------------------------- */

int vmm__cm_init(struct vmm_system *sys)
{
    struct cmem *cm = calloc(1, sizeof *cm);
    if (!cm)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    uint64_t mem = sys->cfg.frames * sys->cfg.page_size;
    uint64_t disk = sys->cfg.swap_bytes ? sys->cfg.swap_bytes : UINT64_MAX / 4;
    if (contig_init(&cm->mem, mem, sys->cfg.contig_unit, sys->cfg.fit) < 0 ||
        contig_init(&cm->disk, disk, sys->cfg.contig_unit, VMM_FIT_FIRST) < 0) {
        contig_destroy(&cm->mem);
        free(cm);
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    }
    sys->cm = cm;
    return 0;
}

void vmm__cm_destroy(struct vmm_system *sys)
{
    struct cmem *cm = sys->cm;
    if (!cm)
        return;
    contig_destroy(&cm->mem);
    contig_destroy(&cm->disk);
    free(cm->img);
    free(cm->obj_img);
    free(cm);
    sys->cm = NULL;
}

/* A new image of size bytes, used once; 0 when out of host memory. */
static uint32_t img_new(struct vmm_system *sys, uint64_t size, uint32_t pid, uint32_t obj,
                        const char *name)
{
    struct cmem *cm = sys->cm;
    uint32_t id = 0;
    for (uint32_t i = 0; i < cm->nimg && !id; i++)
        if (!cm->img[i].users)
            id = i + 1;
    if (!id) {
        if (cm->nimg == cm->cap) {
            uint32_t cap = cm->cap ? cm->cap * 2 : 16;
            struct image *n = realloc(cm->img, cap * sizeof *n);
            if (!n)
                return 0;
            cm->img = n;
            cm->cap = cap;
        }
        id = ++cm->nimg;
    }
    struct image *im = img_of(cm, id);
    *im = (struct image){
        .size = size, .home = NO_PLACE, .swap_at = NO_PLACE, .users = 1, .pid = pid, .obj = obj};
    vmm__copy_str(im->name, sizeof im->name, name);
    return id;
}

/* One user fewer: the last one frees its memory and its backing-store copy. */
static void img_put(struct vmm_system *sys, uint32_t id)
{
    struct cmem *cm = sys->cm;
    struct image *im = img_of(cm, id);
    VMM_ASSERT(im->users > 0);
    if (--im->users)
        return;
    if (im->resident)
        contig_free(&cm->mem, im->base);
    if (im->swap_at != NO_PLACE)
        contig_free(&cm->disk, im->swap_at);
    emit_mem(sys, im, 0, VMM_MEM_FREE, im->resident ? im->base : NO_PLACE);
    if (im->obj && im->obj < cm->cap_obj)
        cm->obj_img[im->obj] = 0;
    im->resident = false;
    im->swap_at = NO_PLACE;
    frag_update(sys);
}

/* ---- moving bytes -------------------------------------------------------------------- */

/* Writes or reads n bytes of memory at pa to or from the backing store at off
 * (data on). Returns 0 or VMM_EIO with a message. */
static int disk_io(struct vmm_system *sys, bool write, uint64_t pa, uint64_t off, uint64_t n)
{
    if (!sys->cfg.data || sys->swap.fd < 0 || n == 0)
        return 0;
    int e = vmm__io_begin(sys, write, "swap");
    if (e < 0)
        return e;
    uint8_t *m = sys->mem + pa;
    while (n > 0) {
        ssize_t k =
            write ? pwrite(sys->swap.fd, m, n, (off_t)off) : pread(sys->swap.fd, m, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return vmm__io_error(sys, write, "swap", k < 0 ? strerror(errno) : "short read");
        m += k;
        off += (uint64_t)k;
        n -= (uint64_t)k;
    }
    return 0;
}

static void zero(struct vmm_system *sys, uint64_t pa, uint64_t n)
{
    if (sys->cfg.data && n)
        memset(sys->mem + pa, 0, n);
}

/* Copies n bytes within memory, counting the CPU time it takes. */
static void copy(struct vmm_system *sys, uint64_t to, uint64_t from, uint64_t n)
{
    if (sys->cfg.data && n)
        memmove(sys->mem + to, sys->mem + from, n);
    sys->st.copy_ns += rate_ns(n, sys->cfg.cost.copy_rate);
}

/* Writes image id out whole and frees its memory. Program text is clean: it
 * is dropped and read again from the program. Returns 0, VMM_ENOSPC (the
 * backing store has no extent large enough), VMM_EIO or VMM_ENOMEM. */
static int swap_out(struct vmm_system *sys, uint32_t id)
{
    struct cmem *cm = sys->cm;
    struct image *im = img_of(cm, id);
    const struct vobj *o = vmm__obj(sys, im->obj);
    bool clean = o && o->kind == OBJ_IMAGE;
    VMM_ASSERT(im->resident);
    if (!clean) {
        uint64_t off;
        int e = contig_alloc(&cm->disk, im->size, id, &off);
        if (e == VMM_ENOSPC)
            return vmm__fail(sys, VMM_ENOSPC,
                             "backing store full: cannot swap out %s (%" PRIu64
                             " bytes; its largest free extent is %" PRIu64 ")",
                             im->name, im->size, contig_largest(&cm->disk));
        if (e < 0)
            return vmm__fail(sys, e, "out of memory");
        if ((e = disk_io(sys, true, im->base, off, im->size)) < 0) {
            contig_free(&cm->disk, off);
            return e;
        }
        im->swap_at = off;
        sys->st.image_swap_bytes += im->size;
        sys->st.image_disk_ns += xfer_ns(sys, im->size, true);
    }
    contig_free(&cm->mem, im->base);
    im->resident = false;
    sys->st.image_swap_outs++;
    struct proc *owner = vmm__proc(sys, im->pid);
    if (owner)
        owner->st.image_swap_outs++;
    emit_mem(sys, im, 0, VMM_MEM_SWAP_OUT, im->base);
    frag_update(sys);
    return 0;
}

/* ---- placing ------------------------------------------------------------------------- */

static void compacted(void *ctx, uint32_t owner, uint64_t from, uint64_t to, uint64_t size)
{
    struct vmm_system *sys = ctx;
    struct cmem *cm = sys->cm;
    struct image *im = img_of(cm, owner);
    copy(sys, to, from, size);
    if (owner == cm->mv_id && from == cm->mv_old)
        cm->mv_old = to; /* the old place of a growing image */
    else
        im->base = to;
    emit_mem(sys, im, 0, VMM_MEM_MOVE, to);
}

/* Slides every image down to gather the holes into one at the top. */
static void compact(struct vmm_system *sys)
{
    uint64_t moved = contig_compact(&sys->cm->mem, NULL, compacted, sys);
    sys->st.compactions++;
    sys->st.compact_bytes += moved;
    frag_update(sys);
}

/* The least recently used resident image that may go to make room for id:
 * not busy, not id, and with a fixed place [lo, hi) only one in the way. */
static uint32_t victim(const struct vmm_system *sys, uint32_t id, uint64_t lo, uint64_t hi)
{
    const struct cmem *cm = sys->cm;
    uint32_t best = 0;
    for (uint32_t v = 1; v <= cm->nimg; v++) {
        const struct image *im = img_of(cm, v);
        if (v == id || !im->users || !im->resident || im->busy)
            continue;
        if (lo != NO_PLACE && (im->base >= hi || im->base + im->size <= lo))
            continue;
        if (!best || im->last_use < img_of(cm, best)->last_use)
            best = v;
    }
    return best;
}

/* Gives image id (not resident) a place in memory: a hole by the fit, or its
 * home; compaction and swapping make room as configured. Returns 0 (resident
 * at base, its bytes not filled yet), VMM_WAIT (no room, nothing to swap out),
 * VMM_ELIMIT (it can never fit), or an error of swapping out. */
static int place(struct vmm_system *sys, uint32_t id)
{
    struct cmem *cm = sys->cm;
    struct image *im = img_of(cm, id);
    uint64_t need = contig_round(&cm->mem, im->size), home = im->home;
    if (need > cm->mem.size || (home != NO_PLACE && home > cm->mem.size - need))
        return VMM_ELIMIT;
    for (;;) {
        uint64_t at = home;
        int e = home != NO_PLACE ? contig_alloc_at(&cm->mem, home, im->size, id)
                                 : contig_alloc(&cm->mem, im->size, id, &at);
        if (e == 0) {
            im->base = at;
            im->resident = true;
            if (sys->cfg.binding == VMM_BIND_LOAD && im->home == NO_PLACE)
                im->home = at; /* load time: here for good */
            frag_update(sys);
            return 0;
        }
        if (e != VMM_ENOSPC && e != VMM_EEXIST)
            return vmm__fail(sys, e, "out of memory placing %s", im->name);
        struct contig_stats cs;
        contig_stats(&cm->mem, &cs);
        if (home == NO_PLACE && sys->cfg.compaction && cs.free >= need && cs.holes > 1) {
            compact(sys);
            continue;
        }
        uint32_t v = sys->cfg.swapping
                         ? victim(sys, id, home, home == NO_PLACE ? NO_PLACE : home + need)
                         : 0;
        if (!v)
            return VMM_WAIT;
        if ((e = swap_out(sys, v)) < 0)
            return e;
    }
}

/* Kills p, whose image could not be brought in (e is place's or the
 * backing store's failure), with the reason. */
static int cannot_place(struct vmm_system *sys, struct proc *p, const struct image *im, int e)
{
    char why[200];
    uint64_t need = contig_round(&sys->cm->mem, im->size);
    if (e == VMM_ELIMIT && need > sys->cm->mem.size)
        snprintf(why, sizeof why,
                 "out of memory: %s needs %" PRIu64 " bytes, more than all of memory (%" PRIu64
                 " bytes)",
                 im->name, im->size, sys->cm->mem.size);
    else if (e == VMM_ELIMIT)
        snprintf(why, sizeof why,
                 "out of memory: %s (%" PRIu64 " bytes) is bound to 0x%" PRIx64
                 ", past the end of memory (%" PRIu64 " bytes)",
                 im->name, im->size, im->home, sys->cm->mem.size);
    else
        snprintf(why, sizeof why, "out of memory: %.180s", sys->err);
    vmm__kill(sys, p, 0, why);
    return VMM_KILLED;
}

/* Makes image id resident for a reference of p (the dispatcher): placed,
 * then its bytes read back from the backing store, read from the program,
 * or zero-filled. Returns 0, VMM_WAIT, VMM_KILLED or an error. */
static int bring_in(struct vmm_system *sys, struct proc *p, uint32_t id)
{
    struct cmem *cm = sys->cm;
    struct image *im = img_of(cm, id);
    im->last_use = ++cm->clock;
    if (im->resident)
        return 0;
    if (im->size == 0)
        return 0;
    im->busy = true;
    int e = place(sys, id);
    im->busy = false;
    if (e == VMM_WAIT) {
        if (!p->st.waiting) {
            p->st.waiting = true;
            sys->st.mem_waits++;
            emit_mem(sys, im, p->pid, VMM_MEM_WAIT, NO_PLACE);
        }
        return VMM_WAIT;
    }
    if (e == VMM_ELIMIT || e == VMM_ENOSPC || e == VMM_EIO)
        return cannot_place(sys, p, im, e);
    if (e < 0)
        return e;
    p->st.waiting = false;
    const struct vobj *o = vmm__obj(sys, im->obj);
    if (im->swap_at != NO_PLACE) {
        if ((e = disk_io(sys, false, im->base, im->swap_at, im->size)) < 0) {
            contig_free(&cm->mem, im->base);
            im->resident = false;
            return cannot_place(sys, p, im, e);
        }
        contig_free(&cm->disk, im->swap_at);
        im->swap_at = NO_PLACE;
        sys->st.image_swap_ins++;
        sys->st.image_swap_bytes += im->size;
        sys->st.image_disk_ns += xfer_ns(sys, im->size, false);
        emit_mem(sys, im, p->pid, VMM_MEM_SWAP_IN, im->base);
        return 0;
    }
    zero(sys, im->base, im->size); /* program images read as zeros */
    if (o && o->kind == OBJ_IMAGE) /* the loader reads the program's text */
        sys->st.image_disk_ns += xfer_ns(sys, im->size, false);
    if (im->loaded && o && o->kind == OBJ_IMAGE) {
        sys->st.image_swap_ins++;
        sys->st.image_swap_bytes += im->size;
    }
    im->loaded = true;
    emit_mem(sys, im, p->pid, VMM_MEM_PLACE, im->base);
    return 0;
}

/* ---- growing and shrinking ------------------------------------------------------------ */

/* Gives a resident image a new size: down bytes more (or fewer, never) below
 * byte 0 and the rest above. In place if the holes beside it allow; else,
 * with execution-time binding, moved to a new place (swapping others out if
 * needed). Returns 0, VMM_ENOSPC with a message, or an error. */
static int resize(struct vmm_system *sys, struct proc *p, uint32_t id, uint64_t size, uint64_t down)
{
    struct cmem *cm = sys->cm;
    struct image *im = img_of(cm, id);
    uint64_t old = im->size;
    if (!im->loaded) { /* never placed: it is placed whole later */
        im->size = size;
        return 0;
    }
    int e = bring_in(sys, p, id);
    if (e == VMM_WAIT || e == VMM_KILLED)
        return vmm__fail(sys, VMM_ENOSPC, "%s is not in memory and cannot be brought in", im->name);
    if (e < 0)
        return e;
    if (size == old && !down)
        return 0;
    if (!down && size < old) {
        contig_resize(&cm->mem, im->base, size);
        im->size = size;
        frag_update(sys);
        emit_mem(sys, im, 0, VMM_MEM_RESIZE, im->base);
        return 0;
    }
    uint64_t nb = im->base;
    e = down ? contig_grow_down(&cm->mem, im->base, down, &nb)
             : contig_resize(&cm->mem, im->base, size);
    if (e == 0 && down && size > old + down)
        e = contig_resize(&cm->mem, nb, size);
    if (e == 0) {
        im->base = nb;
        im->size = size;
        zero(sys, nb, down);
        zero(sys, nb + down + old, size - down - old);
        frag_update(sys);
        emit_mem(sys, im, 0, VMM_MEM_RESIZE, nb);
        return 0;
    }
    if (e != VMM_ENOSPC)
        return vmm__fail(sys, e, "out of memory");
    if (sys->cfg.binding != VMM_BIND_EXECUTION)
        return vmm__fail(sys, VMM_ENOSPC,
                         "%s cannot grow to %" PRIu64
                         " bytes: the memory beside it is taken, and %s-time binding "
                         "cannot move it",
                         im->name, size, vmm_setting_name(VMM_SET_BINDING, sys->cfg.binding));
    /* Move: a new place of the new size, the bytes copied, the old one freed. */
    cm->mv_id = id;
    cm->mv_old = im->base;
    im->busy = true;
    im->resident = false;
    im->size = size;
    e = place(sys, id);
    im->busy = false;
    uint64_t from = cm->mv_old;
    cm->mv_id = 0;
    if (e < 0 || e == VMM_WAIT) {
        im->size = old;
        im->base = from;
        im->resident = true;
        if (e == VMM_WAIT || e == VMM_ELIMIT)
            return vmm__fail(
                sys, VMM_ENOSPC, "%s cannot grow to %" PRIu64 " bytes: %s", im->name, size,
                e == VMM_ELIMIT ? "more than all of memory" : "no hole is large enough");
        return e;
    }
    copy(sys, im->base + down, from, old);
    zero(sys, im->base, down);
    zero(sys, im->base + down + old, size - down - old);
    contig_free(&cm->mem, from);
    frag_update(sys);
    emit_mem(sys, im, 0, VMM_MEM_MOVE, im->base);
    return 0;
}

/* ---- regions ------------------------------------------------------------------------- */

/* Relocation: the partition spans logical 0 up to the end of the highest region. */
static uint64_t span(const struct proc *p, size_t skip)
{
    uint64_t top = 0;
    for (size_t i = 0; i < p->nregions; i++)
        if (i != skip && p->regions[i].end > top)
            top = p->regions[i].end;
    return top;
}

/* The shared image of object obj (program text, shared memory), made on first use. */
static int obj_image(struct vmm_system *sys, uint32_t obj, uint32_t *id)
{
    struct cmem *cm = sys->cm;
    const struct vobj *o = vmm__obj(sys, obj);
    if (obj >= cm->cap_obj) {
        uint32_t cap = cm->cap_obj ? cm->cap_obj : 8;
        while (cap <= obj)
            cap *= 2;
        uint32_t *n = realloc(cm->obj_img, cap * sizeof *n);
        if (!n)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory");
        memset(n + cm->cap_obj, 0, (cap - cm->cap_obj) * sizeof *n);
        cm->obj_img = n;
        cm->cap_obj = cap;
    }
    if (cm->obj_img[obj]) {
        img_of(cm, cm->obj_img[obj])->users++;
        *id = cm->obj_img[obj];
        return 0;
    }
    if (!(*id = img_new(sys, o->size, 0, obj, o->name)))
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    cm->obj_img[obj] = *id;
    return 0;
}

int vmm__cm_region_added(struct vmm_system *sys, struct proc *p, size_t i)
{
    struct cmem *cm = sys->cm;
    struct region *r = &p->regions[i];
    const struct vobj *o = vmm__obj(sys, r->obj);
    const char *mmu = vmm_setting_name(VMM_SET_MMU, sys->cfg.mmu);
    char name[24];
    if (o && o->kind == OBJ_FILE)
        return vmm__fail(sys, VMM_EUNSUPPORTED,
                         "region %s maps file %s: mapping files needs --mmu paging (not "
                         "modelled under %s)",
                         r->name, o->name, mmu);
    if (relocation(sys)) {
        if (r->shared)
            return vmm__fail(sys, VMM_EUNSUPPORTED,
                             "region %s is a shared mapping, but relocation gives each process "
                             "one private partition: use --mmu segmentation or paging",
                             r->name);
        uint64_t top = span(p, SIZE_MAX);
        if (!p->part) {
            snprintf(name, sizeof name, "P%u", p->pid);
            if (!(p->part = img_new(sys, top, p->pid, 0, name)))
                return vmm__fail(sys, VMM_ENOMEM, "out of memory");
            if (sys->cfg.binding == VMM_BIND_COMPILE)
                img_of(cm, p->part)->home = p->at;
            r->img = p->part;
            r->img_off = r->start;
            return 0;
        }
        int e = resize(sys, p, p->part, top, 0);
        if (e < 0)
            return e;
        r->img = p->part;
        r->img_off = r->start;
        return 0;
    }
    uint32_t id;
    if (o && (r->shared || !(r->prot & VMM_PROT_WRITE))) { /* one copy for all */
        int e = obj_image(sys, r->obj, &id);
        if (e < 0)
            return e;
        r->img_off = r->pgoff << sys->page_shift;
    } else {
        snprintf(name, sizeof name, "P%u %.15s", p->pid, r->name);
        if (!(id = img_new(sys, r->end - r->start, p->pid, 0, name)))
            return vmm__fail(sys, VMM_ENOMEM, "out of memory");
        r->img_off = 0;
    }
    struct image *im = img_of(cm, id);
    if (sys->cfg.binding == VMM_BIND_COMPILE && im->home == NO_PLACE && !im->loaded &&
        im->users == 1) { /* segments follow each other from the program's address */
        if (!p->at_next)
            p->at_next = p->at;
        im->home = p->at_next;
        p->at_next += contig_round(&cm->mem, im->size);
    }
    r->img = id;
    return 0;
}

int vmm_process_load(struct vmm_system *sys, uint32_t pid)
{
    struct proc *p = vmm__proc(sys, pid);
    if (!p)
        return vmm__fail(sys, VMM_ENOENT, "no process %u", pid);
    if (!sys->cm || !p->live)
        return 0;
    for (size_t i = 0; i < p->nregions && p->live; i++) {
        int e = bring_in(sys, p, p->regions[i].img);
        if (e == VMM_WAIT || e == VMM_KILLED)
            break;
        if (e < 0)
            return e;
    }
    if (sys->cfg.check)
        return vmm_system_check(sys);
    return 0;
}

int vmm__cm_region_resized(struct vmm_system *sys, struct proc *p, size_t i, uint64_t old_start)
{
    struct region *r = &p->regions[i];
    if (relocation(sys)) {
        uint64_t top = span(p, SIZE_MAX);
        r->img_off = r->start;
        return top == img_of(sys->cm, p->part)->size ? 0 : resize(sys, p, p->part, top, 0);
    }
    uint64_t down = old_start > r->start ? old_start - r->start : 0;
    return resize(sys, p, r->img, r->end - r->start, down);
}

void vmm__cm_region_removing(struct vmm_system *sys, struct proc *p, size_t i)
{
    struct region *r = &p->regions[i];
    if (relocation(sys)) {
        uint64_t top = span(p, i);
        struct image *im = img_of(sys->cm, p->part);
        if (top < im->size) { /* shrinking never fails */
            if (im->resident && top)
                contig_resize(&sys->cm->mem, im->base, top);
            else if (im->resident) /* nothing left: the partition goes */
                contig_free(&sys->cm->mem, im->base);
            if (!top) {
                im->resident = im->loaded = false;
                if (im->swap_at != NO_PLACE)
                    contig_free(&sys->cm->disk, im->swap_at);
                im->swap_at = NO_PLACE;
            }
            im->size = top;
            frag_update(sys);
        }
    } else if (r->img) {
        img_put(sys, r->img);
    }
    r->img = 0;
}

/* Copies n bytes of the backing store from off to to (data on). */
static int disk_copy(struct vmm_system *sys, uint64_t from, uint64_t to, uint64_t n)
{
    if (!sys->cfg.data || sys->swap.fd < 0)
        return 0;
    uint8_t *buf = malloc(65536);
    if (!buf)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    int e = 0;
    for (uint64_t done = 0; e == 0 && done < n; done += 65536) {
        size_t k = n - done < 65536 ? (size_t)(n - done) : 65536;
        if (pread(sys->swap.fd, buf, k, (off_t)(from + done)) != (ssize_t)k ||
            pwrite(sys->swap.fd, buf, k, (off_t)(to + done)) != (ssize_t)k)
            e = vmm__io_error(sys, true, "swap", errno ? strerror(errno) : "short transfer");
    }
    free(buf);
    return e;
}

/* Fills the child's new image cid with the bytes of the parent's pid: from
 * memory if the parent can be brought in, else from its copy in the backing
 * store. The child's goes into a hole if one fits, else straight to the
 * backing store (as early Unix forked into swap). Returns 0 or an error. */
static int copy_image(struct vmm_system *sys, struct proc *parent, uint32_t pid, uint32_t cid)
{
    struct cmem *cm = sys->cm;
    if (!img_of(cm, pid)->loaded)
        return 0; /* nothing written yet: the child starts from zeros too */
    int e = bring_in(sys, parent, pid);
    if (e < 0)
        return e;
    if (e == VMM_KILLED)
        return vmm__fail(sys, VMM_ENOSPC, "P%u could not be brought in to fork", parent->pid);
    struct image *pi = img_of(cm, pid), *ci;
    pi->busy = true;
    e = place(sys, cid);
    pi = img_of(cm, pid);
    ci = img_of(cm, cid);
    pi->busy = false;
    ci->loaded = true;
    if (e == 0) {
        if (pi->resident)
            copy(sys, ci->base, pi->base, pi->size);
        else if ((e = disk_io(sys, false, ci->base, pi->swap_at, pi->size)) == 0)
            sys->st.image_disk_ns += xfer_ns(sys, pi->size, false);
        emit_mem(sys, ci, 0, VMM_MEM_PLACE, ci->base);
        return e;
    }
    if (e != VMM_WAIT && e != VMM_ELIMIT)
        return e;
    uint64_t off; /* no room: the copy is written to the backing store */
    if ((e = contig_alloc(&cm->disk, ci->size, cid, &off)) < 0)
        return vmm__fail(sys, e, "backing store full: no room for a copy of %s", pi->name);
    e = pi->resident ? disk_io(sys, true, pi->base, off, pi->size)
                     : disk_copy(sys, pi->swap_at, off, pi->size);
    if (e < 0) {
        contig_free(&cm->disk, off);
        return e;
    }
    ci->swap_at = off;
    sys->st.image_swap_outs++;
    sys->st.image_swap_bytes += ci->size;
    sys->st.image_disk_ns += xfer_ns(sys, ci->size, true);
    emit_mem(sys, ci, 0, VMM_MEM_SWAP_OUT, NO_PLACE);
    return 0;
}

int vmm__cm_fork(struct vmm_system *sys, struct proc *parent, struct proc *child)
{
    struct cmem *cm = sys->cm;
    char name[24];
    child->at = parent->at;
    child->at_next = parent->at_next;
    /* First every region names an image of the child's (or a shared one),
     * so that a failure leaves nothing the release below cannot undo. */
    for (size_t i = 0; i < child->nregions; i++)
        child->regions[i].img = 0;
    for (size_t i = 0; i < child->nregions; i++) {
        struct region *r = &child->regions[i];
        uint32_t from = relocation(sys) ? parent->part : parent->regions[i].img;
        if (!from)
            continue;
        struct image *pi = img_of(cm, from);
        if (!pi->pid) { /* shared: the child maps the same image */
            pi->users++;
            r->img = from;
            continue;
        }
        if (relocation(sys) && child->part) {
            r->img = child->part;
            continue;
        }
        if (relocation(sys))
            snprintf(name, sizeof name, "P%u", child->pid);
        else
            snprintf(name, sizeof name, "P%u %.15s", child->pid, r->name);
        uint32_t id = img_new(sys, pi->size, child->pid, 0, name);
        if (!id)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory");
        pi = img_of(cm, from);
        img_of(cm, id)->home = sys->cfg.binding == VMM_BIND_COMPILE ? pi->home : NO_PLACE;
        r->img = id;
        if (relocation(sys))
            child->part = id;
    }
    /* Then the bytes. */
    if (relocation(sys))
        return child->part ? copy_image(sys, parent, parent->part, child->part) : 0;
    for (size_t i = 0; i < child->nregions; i++) {
        uint32_t id = child->regions[i].img;
        if (id && img_of(cm, id)->pid) {
            int e = copy_image(sys, parent, parent->regions[i].img, id);
            if (e < 0)
                return e;
        }
    }
    return 0;
}

void vmm__cm_release(struct vmm_system *sys, struct proc *p)
{
    if (relocation(sys)) {
        if (p->part)
            img_put(sys, p->part);
        p->part = 0;
        for (size_t i = 0; i < p->nregions; i++)
            p->regions[i].img = 0;
    } else {
        for (size_t i = 0; i < p->nregions; i++) {
            if (p->regions[i].img)
                img_put(sys, p->regions[i].img);
            p->regions[i].img = 0;
        }
    }
    p->at_next = 0;
    p->st.waiting = false;
}

/* ---- references ---------------------------------------------------------------------- */

/* Terminates p for an address its registers or segment table refuse. */
static int trap(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, const char *why)
{
    sys->st.limit_traps++;
    sys->st.segfaults++;
    EMIT(sys, VMM_EV_SEGV, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .text = why);
    vmm__kill(sys, p, addr, why);
    return VMM_KILLED;
}

static const unsigned need_prot[] = {VMM_PROT_READ, VMM_PROT_WRITE, VMM_PROT_EXEC};
static const char *const op_name[] = {"read", "write", "execute"};

/* Segmentation: the segment of addr (*idx, a region of p), growing a stack
 * down to it if that is what it is; else traps. Returns 0, VMM_KILLED or an
 * error. */
static int segment_of(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
                      size_t *idx)
{
    char why[160];
    struct region *r = vmm__region_find(p, addr);
    if (!r) { /* a stack segment grows down to addr, if its image can follow */
        size_t j = 0;
        while (j < p->nregions && p->regions[j].start <= addr)
            j++;
        uint64_t old = j < p->nregions ? p->regions[j].start : 0;
        r = vmm__region_grow(sys, p, addr);
        if (r) {
            int e = vmm__cm_region_resized(sys, p, j, old);
            if (e < 0) {
                r->start = old;
                snprintf(why, sizeof why, "segment trap: stack %s cannot grow: %.100s", r->name,
                         sys->err);
                return trap(sys, p, addr, op, why);
            }
        }
    }
    if (!r) {
        const struct region *below = NULL;
        for (size_t i = 0; i < p->nregions && p->regions[i].start <= addr; i++)
            below = &p->regions[i];
        if (below)
            snprintf(why, sizeof why,
                     "segment trap: 0x%" PRIx64 " is segment %zu (%s) offset %" PRIu64
                     ", past its limit %" PRIu64,
                     addr, (size_t)(below - p->regions), below->name, addr - below->start,
                     below->end - below->start);
        else
            snprintf(why, sizeof why, "segment trap: 0x%" PRIx64 " is in no segment", addr);
        return trap(sys, p, addr, op, why);
    }
    if (!(r->prot & need_prot[op])) {
        snprintf(why, sizeof why,
                 "protection trap: %s of segment %zu (%s) at offset %" PRIu64 ", which is %c%c%c",
                 op_name[op], (size_t)(r - p->regions), r->name, addr - r->start,
                 r->prot & VMM_PROT_READ ? 'r' : '-', r->prot & VMM_PROT_WRITE ? 'w' : '-',
                 r->prot & VMM_PROT_EXEC ? 'x' : '-');
        return trap(sys, p, addr, op, why);
    }
    *idx = (size_t)(r - p->regions);
    return 0;
}

int vmm__cm_access(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, uint8_t *buf,
                   size_t len)
{
    struct cmem *cm = sys->cm;
    if (cm->cur_pid != p->pid) { /* the dispatcher loads its registers from its PCB */
        cm->cur_pid = p->pid;
        sys->st.reg_loads++;
    }
    while (len > 0) {
        uint32_t id;
        uint64_t off, n, d; /* d: the offset the registers or the segment add to a base */
        char how[96];
        if (VMM_UNLIKELY(sys->obs_mask & VMM_EV_MASK(VMM_EV_REF))) { /* numbered as it will be */
            struct vmm_event ev = {.kind = VMM_EV_REF,
                                   .pid = p->pid,
                                   .op = (uint8_t)op,
                                   .vaddr = addr,
                                   .seq = sys->st.references + 1};
            vmm__emit(sys, &ev);
        }
        if (relocation(sys)) {
            uint64_t limit = p->part ? img_of(cm, p->part)->size : 0;
            if (addr >= limit || len > limit - addr) {
                char why[160];
                uint64_t bad = addr >= limit ? addr : limit;
                snprintf(why, sizeof why,
                         "limit trap: logical address 0x%" PRIx64 " (%" PRIu64
                         ") is not below the limit register %" PRIu64,
                         bad, bad, limit);
                return trap(sys, p, bad, op, why);
            }
            id = p->part;
            off = d = addr;
            n = len;
            snprintf(how, sizeof how, "below limit %" PRIu64 ", base", limit);
        } else {
            size_t i = 0;
            int e = segment_of(sys, p, addr, op, &i);
            if (e != 0)
                return e;
            struct region *r = &p->regions[i];
            id = r->img;
            d = addr - r->start;
            off = r->img_off + d;
            n = r->end - addr < len ? r->end - addr : len;
            snprintf(how, sizeof how,
                     "segment %zu (%.24s) offset %" PRIu64 " < limit %" PRIu64 ", base", i, r->name,
                     addr - r->start, r->end - r->start);
        }
        int e = bring_in(sys, p, id);
        if (e != 0)
            return e;
        struct image *im = img_of(cm, id);
        uint64_t pa = im->base + off;
        uint64_t refs = ((addr + n - 1) >> sys->page_shift) - (addr >> sys->page_shift) + 1;
        sys->st.references += refs;
        p->st.references += refs;
        if (sys->cfg.data && buf) {
            if (op == VMM_WRITE)
                memcpy(sys->mem + pa, buf, n);
            else
                memcpy(buf, sys->mem + pa, n);
            buf += n;
        }
        if (VMM_UNLIKELY(sys->obs_mask & VMM_EV_MASK(VMM_EV_LEGAL))) {
            char text[160];
            snprintf(text, sizeof text, "%s 0x%" PRIx64 " + %" PRIu64 " = physical 0x%" PRIx64, how,
                     pa - d, d, pa);
            EMIT(sys, VMM_EV_LEGAL, .pid = p->pid, .vaddr = addr, .text = text);
        }
        EMIT(sys, VMM_EV_REF_END, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr,
             .outcome = VMM_HIT, .frame = pa);
        addr += n;
        len -= n;
    }
    if (sys->timeline && !sys->in_sched) /* time is the sum of the costs: sample each access */
        vmm__timeline_tick(sys);
    if (VMM_UNLIKELY(sys->cfg.check))
        return vmm_system_check(sys);
    return VMM_HIT;
}

/* ---- checks and figures ------------------------------------------------------------------ */

int vmm__cm_check(struct vmm_system *sys)
{
    struct cmem *cm = sys->cm;
    char msg[200];
    if (contig_check(&cm->mem, msg, sizeof msg) < 0)
        return vmm__fail(sys, VMM_EINVARIANT, "memory: %s", msg);
    if (contig_check(&cm->disk, msg, sizeof msg) < 0)
        return vmm__fail(sys, VMM_EINVARIANT, "backing store: %s", msg);
    for (size_t k = 0; k < cm->mem.n; k++) { /* every block is a resident image */
        const struct contig_ext *x = &cm->mem.ext[k];
        const struct image *im =
            x->hole || !x->owner || x->owner > cm->nimg ? NULL : img_of(cm, x->owner);
        if (!x->hole && (!im || !im->users || !im->resident || im->base != x->start ||
                         contig_round(&cm->mem, im->size) != x->size))
            return vmm__fail(sys, VMM_EINVARIANT,
                             "memory block 0x%" PRIx64 "+%" PRIu64
                             " is not the place of a resident image (owner %u)",
                             x->start, x->size, x->owner);
    }
    for (size_t k = 0; k < cm->disk.n; k++) {
        const struct contig_ext *x = &cm->disk.ext[k];
        const struct image *im =
            x->hole || !x->owner || x->owner > cm->nimg ? NULL : img_of(cm, x->owner);
        if (!x->hole && (!im || !im->users || im->resident || im->swap_at != x->start))
            return vmm__fail(sys, VMM_EINVARIANT,
                             "backing-store extent 0x%" PRIx64
                             " is not the copy of a swapped-out image (owner %u)",
                             x->start, x->owner);
    }
    uint32_t *users = calloc(cm->nimg + 1, sizeof *users);
    if (!users)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory checking");
    int bad = 0;
    for (size_t pid = 0; pid < sys->cap_procs && !bad; pid++) {
        const struct proc *p = sys->procs[pid];
        if (!p)
            continue;
        if (!p->live && (p->part || (p->nregions && p->regions[0].img)))
            bad = vmm__fail(sys, VMM_EINVARIANT, "P%u has ended but keeps an image", p->pid);
        if (relocation(sys) && p->part) {
            users[p->part]++;
            if (img_of(cm, p->part)->size != span(p, SIZE_MAX))
                bad = vmm__fail(sys, VMM_EINVARIANT,
                                "P%u: limit %" PRIu64 " but its regions end at %" PRIu64, p->pid,
                                img_of(cm, p->part)->size, span(p, SIZE_MAX));
            continue;
        }
        for (size_t i = 0; i < p->nregions && !bad; i++) {
            const struct region *r = &p->regions[i];
            if (!r->img)
                continue;
            users[r->img]++;
            const struct image *im = img_of(cm, r->img);
            if (r->img_off + (r->end - r->start) > im->size)
                bad = vmm__fail(sys, VMM_EINVARIANT,
                                "P%u segment %s reaches past its image %s (%" PRIu64 " bytes)",
                                p->pid, r->name, im->name, im->size);
        }
    }
    for (uint32_t id = 1; id <= cm->nimg && !bad; id++) {
        const struct image *im = img_of(cm, id);
        if (im->users != users[id])
            bad = vmm__fail(sys, VMM_EINVARIANT, "image %s: %u users, %u regions name it", im->name,
                            im->users, users[id]);
        else if (im->users && im->resident && im->swap_at != NO_PLACE)
            bad = vmm__fail(sys, VMM_EINVARIANT, "image %s is both in memory and swapped out",
                            im->name);
    }
    free(users);
    return bad;
}

void vmm__cm_stats(const struct vmm_system *sys, struct vmm_stats *out)
{
    const struct cmem *cm = sys->cm;
    struct contig_stats cs;
    contig_stats(&cm->mem, &cs);
    out->images = cs.blocks;
    out->holes = cs.holes;
    out->largest_hole = cs.largest;
    out->free_bytes = cs.free;
    out->ext_frag = cs.ext_frag;
    out->ext_frag_peak = cm->frag_peak;
    double area = cm->frag_area + cm->frag_now * (double)(sys->st.references - cm->frag_refs);
    out->ext_frag_mean = sys->st.references ? area / (double)sys->st.references : cs.ext_frag;
    /* Internal: what blocks hold beyond what their regions asked for. */
    uint64_t asked = 0;
    for (size_t pid = 0; pid < sys->cap_procs; pid++) {
        const struct proc *p = sys->procs[pid];
        for (size_t i = 0; p && p->live && i < p->nregions; i++) {
            const struct region *r = &p->regions[i];
            if (r->img && img_of(cm, r->img)->resident &&
                (relocation(sys) || img_of(cm, r->img)->pid)) /* shared ones below */
                asked += r->len;
        }
    }
    for (uint32_t id = 1; id <= cm->nimg; id++) {
        const struct image *im = img_of(cm, id);
        if (im->users && im->resident && !im->pid) {
            const struct vobj *o = vmm__obj(sys, im->obj);
            asked += o ? o->size : im->size;
        }
    }
    out->internal_frag = cs.used > asked ? cs.used - asked : 0;
}

void vmm__cm_proc_stats(const struct vmm_system *sys, const struct proc *p,
                        struct vmm_proc_stats *out)
{
    const struct cmem *cm = sys->cm;
    if (relocation(sys)) {
        const struct image *im = p->part ? img_of(cm, p->part) : NULL;
        out->image_bytes = im ? im->size : 0;
        out->image_resident = im && im->resident ? im->size : 0;
        out->base = im && im->resident ? im->base : 0;
        out->limit = out->image_bytes;
        return;
    }
    for (size_t i = 0; i < p->nregions; i++) {
        const struct region *r = &p->regions[i];
        if (!r->img)
            continue;
        out->image_bytes += r->end - r->start;
        if (img_of(cm, r->img)->resident)
            out->image_resident += r->end - r->start;
    }
}

size_t vmm_segments_get(const struct vmm_system *sys, uint32_t pid, struct vmm_segment_info *out,
                        size_t max)
{
    const struct proc *p = vmm__proc(sys, pid);
    if (!sys->cm || !p)
        return 0;
    for (size_t i = 0; out && i < p->nregions && i < max; i++) {
        const struct region *r = &p->regions[i];
        const struct image *im = r->img ? img_of(sys->cm, r->img) : NULL;
        out[i] = (struct vmm_segment_info){.vstart = r->start,
                                           .base = im && im->resident ? im->base + r->img_off : 0,
                                           .limit = r->end - r->start,
                                           .prot = r->prot,
                                           .resident = im && im->resident,
                                           .shared = im && !im->pid};
        memcpy(out[i].name, r->name, sizeof out[i].name);
    }
    return p->nregions;
}

size_t vmm_memory_map(const struct vmm_system *sys, struct vmm_extent *out, size_t max)
{
    const struct cmem *cm = sys->cm;
    if (!cm)
        return 0;
    for (size_t k = 0; out && k < cm->mem.n && k < max; k++) {
        const struct contig_ext *x = &cm->mem.ext[k];
        out[k] = (struct vmm_extent){.start = x->start, .size = x->size, .hole = x->hole};
        if (!x->hole) {
            const struct image *im = img_of(cm, x->owner);
            out[k].pid = im->pid;
            memcpy(out[k].name, im->name, sizeof out[k].name);
        }
    }
    return cm->mem.n;
}

uint64_t vmm__cm_changes(const struct vmm_system *sys)
{
    return sys->cm ? sys->cm->changes : 0;
}

int vmm_process_set_address(struct vmm_system *sys, uint32_t pid, uint64_t addr)
{
    struct proc *p = vmm__proc(sys, pid);
    if (!p)
        return vmm__fail(sys, VMM_ENOENT, "no process %u", pid);
    p->at = addr;
    return 0;
}
