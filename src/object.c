/*
 * object.c - objects and the page cache: program images, host files and
 * shared anonymous memory, the pages they hold (internal.h, struct vobj),
 * reading a file's pages and writing dirty ones back (CONCEPTS item 19).
 *
 * A file's page i covers bytes [i x page, (i+1) x page) of the file. The last
 * page may be partial: the bytes past the end read as zero, and a write-back
 * writes only the bytes before the end and zeroes the rest of the page, so
 * nothing written there reaches the file or outlives the write-back (as on
 * Linux). The size is read once, when the file is opened.
 *
 * Write-back clears the page's dirty bit in every PTE that maps it; the
 * hardware sets it again on the next write (our TLB keeps the PTE itself, so
 * a cached translation sees the cleared bit too).
 *
 * Every read and write of the backing store, swap or file, passes
 * vmm__io_begin, which counts it and implements the test hook that fails the
 * Nth one (config fail_read / fail_write).
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const char *vmm_wb_cause_name(int cause)
{
    static const char *const names[VMM_WB__COUNT] = {
        [VMM_WB_EVICT] = "evict", [VMM_WB_MSYNC] = "msync",       [VMM_WB_MUNMAP] = "munmap",
        [VMM_WB_EXIT] = "exit",   [VMM_WB_PERIODIC] = "periodic",
    };
    return cause >= 0 && cause < VMM_WB__COUNT ? names[cause] : "?";
}

int vmm__io_error(struct vmm_system *sys, bool write, const char *what, const char *why)
{
    sys->st.io_errors++;
    EMIT(sys, VMM_EV_IO_ERROR, .op = write ? VMM_WRITE : VMM_READ, .text = what);
    return vmm__fail(sys, VMM_EIO, "%s: %s", what, why);
}

int vmm__io_begin(struct vmm_system *sys, bool write, const char *what)
{
    uint64_t n = write ? ++sys->st.io_writes : ++sys->st.io_reads;
    uint64_t fail = write ? sys->cfg.fail_write : sys->cfg.fail_read;
    if (VMM_LIKELY(n != fail))
        return 0;
    char why[64];
    snprintf(why, sizeof why, "I/O error (injected: %s number %" PRIu64 ")",
             write ? "write" : "read", n);
    return vmm__io_error(sys, write, what, why);
}

/* ---- creating objects ---------------------------------------------------------- */

/* A new object of kind with size bytes; its id in *id. */
static int obj_new(struct vmm_system *sys, const char *name, enum obj_kind kind, uint64_t size,
                   uint32_t *id)
{
    uint64_t npages = (size + sys->cfg.page_size - 1) >> sys->page_shift;
    if (npages > UINT32_MAX)
        return vmm__fail(sys, VMM_ERANGE, "object %s: %" PRIu64 " bytes are too many pages",
                         name ? name : "", size);
    if (sys->nobjs == sys->cap_objs) {
        uint32_t cap = sys->cap_objs ? sys->cap_objs * 2 : 8;
        struct vobj *n = realloc(sys->objs, cap * sizeof *n);
        if (!n)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for objects");
        sys->objs = n;
        sys->cap_objs = cap;
    }
    pte_t *pte = NULL;
    if (npages && !(pte = vmm__alloc_big(npages * sizeof *pte)))
        return vmm__fail(sys, VMM_ENOMEM, "out of memory for object %s", name ? name : "");
    struct vobj *o = &sys->objs[sys->nobjs++];
    memset(o, 0, sizeof *o);
    vmm__copy_str(o->name, sizeof o->name, name);
    o->kind = (uint8_t)kind;
    o->fd = -1;
    o->size = size;
    o->npages = npages;
    o->pte = pte;
    o->writable = kind == OBJ_SHMEM;
    *id = sys->nobjs;
    return 0;
}

int vmm_object_create(struct vmm_system *sys, const char *name, uint64_t size, uint32_t *id)
{
    if (size == 0)
        return vmm__fail(sys, VMM_ERANGE, "object %s: size 0; expected at least one byte",
                         name ? name : "");
    return obj_new(sys, name, OBJ_IMAGE, size, id);
}

int vmm_object_shmem(struct vmm_system *sys, const char *name, uint64_t size, uint32_t *id)
{
    if (size == 0)
        return vmm__fail(sys, VMM_ERANGE, "shared memory %s: size 0; expected at least one byte",
                         name ? name : "");
    return obj_new(sys, name, OBJ_SHMEM, size, id);
}

int vmm_object_file(struct vmm_system *sys, const char *name, int fd, bool writable, uint32_t *id)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return vmm__fail(sys, VMM_EIO, "file %s: %s", name ? name : "",
                         fd < 0 ? "no file descriptor" : strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return vmm__fail(sys, VMM_EINVAL, "file %s is not a regular file; expected one",
                         name ? name : "");
    }
    for (uint32_t i = 0; i < sys->nobjs; i++) {
        struct vobj *o = &sys->objs[i];
        if (o->kind != OBJ_FILE || o->dev != (uint64_t)st.st_dev || o->ino != (uint64_t)st.st_ino)
            continue;
        if (writable && !o->writable) { /* keep the descriptor that can write */
            close(o->fd);
            o->fd = fd;
            o->writable = true;
        } else {
            close(fd);
        }
        *id = i + 1;
        return 0;
    }
    int r = obj_new(sys, name, OBJ_FILE, (uint64_t)st.st_size, id);
    if (r < 0) {
        close(fd);
        return r;
    }
    struct vobj *o = vmm__obj(sys, *id);
    o->fd = fd;
    o->writable = writable;
    o->dev = (uint64_t)st.st_dev;
    o->ino = (uint64_t)st.st_ino;
    return 0;
}

/* ---- the page cache ------------------------------------------------------------ */

void vmm__cache_insert(struct vmm_system *sys, uint32_t id, uint64_t idx, frame_t f)
{
    struct vobj *o = vmm__obj(sys, id);
    struct frame *fr = &sys->frames[f];
    VMM_ASSERT(!fr->pte && !(o->pte[idx] & PTE_VALID));
    o->pte[idx] = pte_mk_frame(f, 0);
    fr->pte = &o->pte[idx]; /* the first mapping: the object's own (rmap_add cannot fail) */
    fr->vpn = idx;
    fr->pid = 0;
    fr->link = RMAP_NONE;
    fr->flags = (fr->flags & ~FR_ZERO) | FR_FILE;
    sys->fpage[f] = (struct fpage){id, (uint32_t)idx};
}

int vmm__file_read(struct vmm_system *sys, const struct vobj *o, uint64_t idx, frame_t f)
{
    size_t ps = sys->cfg.page_size;
    uint64_t off = idx << sys->page_shift;
    uint8_t *m = frame_mem(sys, f);
    char what[96];
    snprintf(what, sizeof what, "reading page %" PRIu64 " of file %s", idx, o->name);
    int e = vmm__io_begin(sys, false, what);
    if (e < 0)
        return e;
    size_t want = o->size - off < ps ? (size_t)(o->size - off) : ps, got = 0;
    while (got < want) {
        ssize_t n = pread(o->fd, m + got, want - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vmm__io_error(sys, false, what, strerror(errno));
        if (n == 0)
            break; /* the file shrank under us: the rest reads as zeros */
        got += (size_t)n;
    }
    memset(m + got, 0, ps - got); /* past the end of the file */
    return 0;
}

int vmm__file_writeback(struct vmm_system *sys, frame_t f, int cause)
{
    const struct fpage *fp = &sys->fpage[f];
    struct vobj *o = vmm__obj(sys, fp->obj);
    size_t ps = sys->cfg.page_size;
    uint64_t off = (uint64_t)fp->index << sys->page_shift;
    VMM_ASSERT(o->kind == OBJ_FILE && off < o->size);
    if (sys->cfg.data) {
        char what[96];
        snprintf(what, sizeof what, "writing page %u of file %s", fp->index, o->name);
        int e = vmm__io_begin(sys, true, what);
        if (e < 0)
            return e;
        uint8_t *m = frame_mem(sys, f);
        size_t want = o->size - off < ps ? (size_t)(o->size - off) : ps, done = 0;
        while (done < want) {
            ssize_t n = pwrite(o->fd, m + done, want - done, (off_t)(off + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return vmm__io_error(sys, true, what, n < 0 ? strerror(errno) : "nothing written");
            done += (size_t)n;
        }
        /* The page straddles the end: what was written past it is dropped
         * at each write-back, as Linux does, so it never comes back. */
        memset(m + want, 0, ps - want);
    }
    frame_clear_bits(sys, f, PTE_DIRTY);
    sys->st.file_writes[cause]++;
    EMIT(sys, VMM_EV_FILE_WRITE, .pid = sys->frames[f].pid, .op = (uint8_t)cause, .vpn = fp->index,
         .frame = f, .text = o->name);
    return 0;
}

/* True if frame f caches a page of a file that differs from the file. */
static bool file_dirty(const struct vmm_system *sys, frame_t f)
{
    const struct frame *fr = &sys->frames[f];
    return fr->pte && (fr->flags & FR_FILE) && vmm__obj(sys, sys->fpage[f].obj)->kind == OBJ_FILE &&
           (frame_bits(sys, f) & PTE_DIRTY);
}

int vmm__obj_sync(struct vmm_system *sys, uint32_t id, uint64_t lo, uint64_t hi, int cause,
                  uint64_t *written)
{
    const struct vobj *o = vmm__obj(sys, id);
    if (o->kind != OBJ_FILE)
        return 0;
    if (hi > o->npages)
        hi = o->npages;
    for (uint64_t i = lo; i < hi; i++) {
        pte_t e = o->pte[i];
        if (!(e & PTE_VALID) || !file_dirty(sys, pte_frame(e)))
            continue;
        int r = vmm__file_writeback(sys, pte_frame(e), cause);
        if (r < 0)
            return r;
        if (written)
            (*written)++;
    }
    return 0;
}

int vmm__flush_all(struct vmm_system *sys, int cause)
{
    int first = 0;
    for (frame_t f = 0; f < sys->nframes; f++) {
        if (!file_dirty(sys, f))
            continue;
        int r = vmm__file_writeback(sys, f, cause);
        if (r < 0 && !first)
            first = r; /* the page stays dirty; the others are still written */
    }
    return first;
}

/* Drops page idx of object o from the cache and swap (no process maps it). */
static void obj_page_free(struct vmm_system *sys, struct vobj *o, uint64_t idx)
{
    pte_t e = o->pte[idx];
    if (e & PTE_VALID) {
        frame_t f = pte_frame(e);
        VMM_ASSERT(vmm__rmap_count(sys, f) == 1);
        vmm__rmap_del(sys, f, &o->pte[idx]);
        vmm__frame_drop(sys, f);
    } else if (e & PTE_SWAP) {
        vmm__swap_put(sys, pte_slot(e));
    }
    o->pte[idx] = 0;
}

void vmm__cache_drop(struct vmm_system *sys, frame_t f)
{
    obj_page_free(sys, frame_obj(sys, f), sys->fpage[f].index);
}

void vmm__obj_ref(struct vmm_system *sys, uint32_t id)
{
    struct vobj *o = vmm__obj(sys, id);
    if (o)
        o->maps++;
}

void vmm__obj_unref(struct vmm_system *sys, uint32_t id)
{
    struct vobj *o = vmm__obj(sys, id);
    if (!o)
        return;
    VMM_ASSERT(o->maps > 0);
    if (--o->maps || o->kind != OBJ_SHMEM)
        return;
    /* No one can reach shared memory any more: its pages go. Only cached
     * (or swapped) pages hold memory; untouched parts are skipped cheaply
     * because only pages with a non-zero entry are visited. */
    for (uint64_t i = 0; i < o->npages; i++)
        if (o->pte[i])
            obj_page_free(sys, o, i);
}

void vmm__objs_destroy(struct vmm_system *sys)
{
    for (uint32_t i = 0; i < sys->nobjs; i++) {
        struct vobj *o = &sys->objs[i];
        vmm__free_big(o->pte, o->npages * sizeof *o->pte);
        if (o->fd >= 0)
            close(o->fd);
    }
    free(sys->objs);
    sys->objs = NULL;
    sys->nobjs = sys->cap_objs = 0;
}
