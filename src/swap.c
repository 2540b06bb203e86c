/*
 * swap.c - the backing store: a real file divided into page-sized slots.
 *
 * Slot s lives at byte offset s x page size. The file is sparse: a slot costs
 * disk only once written. Freed slots are reused first (a stack), then the
 * file grows to the configured size (or without bound). With data off there is
 * no file, only the slot bookkeeping, so the counts are the same either way.
 * The file is private: created in $TMPDIR (or at --swap FILE) and, for a
 * temporary one, unlinked at once so nothing is left behind.
 *
 * A slot counts its holders: every PTE naming it (after fork, parent and
 * child share a swapped-out page's slot) and the frame that caches its page
 * after a swap-in (the swap cache, cache[s]). The slot is free at zero.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int vmm__swap_init(struct vmm_system *sys)
{
    struct swap *sw = &sys->swap;
    memset(sw, 0, sizeof *sw);
    sw->fd = -1;
    sw->max_slots = sys->cfg.swap_bytes >> sys->page_shift;
    if (!sys->cfg.data)
        return 0;
    if (sys->swap_path[0]) {
        sw->fd = open(sys->swap_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (sw->fd < 0)
            return vmm__fail(sys, VMM_EIO, "%s: cannot open the swap file: %s", sys->swap_path,
                             strerror(errno));
        return 0;
    }
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/vmm-swap-XXXXXX", dir && *dir ? dir : "/tmp");
    sw->fd = mkstemp(path);
    if (sw->fd < 0)
        return vmm__fail(sys, VMM_EIO, "%s: cannot create the swap file: %s", path,
                         strerror(errno));
    unlink(path);
    return 0;
}

void vmm__swap_destroy(struct vmm_system *sys)
{
    struct swap *sw = &sys->swap;
    if (sw->fd >= 0)
        close(sw->fd);
    sw->fd = -1;
    free(sw->free);
    free(sw->count);
    free(sw->cache);
    sw->free = NULL;
    sw->count = NULL;
    sw->cache = NULL;
}

int vmm__swap_alloc(struct vmm_system *sys, slot_t *out)
{
    struct swap *sw = &sys->swap;
    slot_t s;
    if (sw->nfree) {
        s = sw->free[--sw->nfree];
    } else {
        if ((sw->max_slots && sw->top >= sw->max_slots) || sw->top >= SLOT_NONE)
            return VMM_ENOSPC;
        if (sw->top >= sw->cap_used) {
            size_t cap = sw->cap_used ? sw->cap_used * 2 : 1024;
            uint32_t *c = realloc(sw->count, cap * sizeof *c);
            if (c)
                sw->count = c;
            frame_t *k = c ? realloc(sw->cache, cap * sizeof *k) : NULL;
            if (!k)
                return VMM_ENOMEM;
            sw->cache = k;
            memset(c + sw->cap_used, 0, (cap - sw->cap_used) * sizeof *c);
            for (size_t i = sw->cap_used; i < cap; i++)
                k[i] = FRAME_NONE;
            sw->cap_used = cap;
        }
        s = (slot_t)sw->top++;
    }
    VMM_ASSERT(!sw->count[s] && sw->cache[s] == FRAME_NONE);
    sw->count[s] = 1;
    if (++sw->in_use > sw->peak)
        sw->peak = sw->in_use;
    *out = s;
    return 0;
}

void vmm__swap_dup(struct vmm_system *sys, slot_t s)
{
    VMM_ASSERT(s < sys->swap.top && sys->swap.count[s]);
    sys->swap.count[s]++;
}

void vmm__swap_put(struct vmm_system *sys, slot_t s)
{
    struct swap *sw = &sys->swap;
    VMM_ASSERT(s < sw->top && sw->count[s]);
    if (--sw->count[s])
        return;
    VMM_ASSERT(sw->cache[s] == FRAME_NONE);
    sw->in_use--;
    if (sw->nfree == sw->cap_free) {
        size_t cap = sw->cap_free ? sw->cap_free * 2 : 1024;
        slot_t *f = realloc(sw->free, cap * sizeof *f);
        if (!f)
            return; /* the slot leaks from reuse but stays consistent: its count is 0 */
        sw->free = f;
        sw->cap_free = cap;
    }
    sw->free[sw->nfree++] = s;
}

int vmm__swap_write(struct vmm_system *sys, slot_t s, const uint8_t *page)
{
    size_t ps = sys->cfg.page_size;
    char what[48];
    snprintf(what, sizeof what, "writing swap slot %u", (unsigned)s);
    int e = vmm__io_begin(sys, true, what);
    if (e < 0)
        return e;
    ssize_t n = pwrite(sys->swap.fd, page, ps, (off_t)((uint64_t)s << sys->page_shift));
    if (n != (ssize_t)ps)
        return vmm__io_error(sys, true, what, n < 0 ? strerror(errno) : "short write");
    return 0;
}

int vmm__swap_read(struct vmm_system *sys, slot_t s, uint8_t *page)
{
    size_t ps = sys->cfg.page_size;
    char what[48];
    snprintf(what, sizeof what, "reading swap slot %u", (unsigned)s);
    int e = vmm__io_begin(sys, false, what);
    if (e < 0)
        return e;
    ssize_t n = pread(sys->swap.fd, page, ps, (off_t)((uint64_t)s << sys->page_shift));
    if (n < 0 || (size_t)n < ps) /* a written slot is whole; a short read is a broken file */
        return vmm__io_error(sys, false, what, n < 0 ? strerror(errno) : "the slot is truncated");
    return 0;
}
