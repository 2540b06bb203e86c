/*
 * explain.c - the explain log: an observer that narrates each reference on
 * one line, in the order of the trap sequence (fault.c), e.g.
 *
 *   #7 P1 W 0x3004: TLB miss; walk: PTE invalid; page fault; legal (all);
 *      no free frame; victim frame 5 = P2 page 0x7 (dirty): write to swap
 *      slot 12; read page from swap slot 3 into frame 5; PTE valid; restart: hit
 *
 * (one line in the output). How the page was found is part of the line: in
 * the page cache or the swap cache (shared, no I/O), read from a program's
 * image, copied on write, or a stack grown down to it, e.g.
 *
 *   #12 P2 W 0x5000: TLB miss; walk: PTE valid (frame 2); page fault; legal
 *       (heap); free frame 5; copy-on-write: copied frame 2 to frame 5; PTE
 *       valid; restart: hit
 *
 * A victim that is a page of an object (a program, a file, shared memory)
 * is named by its page in the object, with who maps it, or that only the page
 * cache holds it; a dirty file page is written back to its file:
 *
 *   #9 P1 R 0x600000: walk: PTE invalid; page fault; legal (heap); no free
 *      frame; victim frame 2 = page 0 of file data, mapped by P2 page 0x30000
 *      (dirty): write back to file data; zero-fill frame 2; PTE valid;
 *      restart: hit
 *
 * (a page no process maps reads "held only by the page cache" instead).
 *
 * Process events (spawn, fork, exec, exit, kill) get lines of their own, and
 * so do write-backs and I/O errors outside a reference (msync, munmap, exit,
 * the periodic flusher).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct explain {
    const struct vmm_system *sys; /* observed: fork lines read the child's counts */
    FILE *out;                    /* where lines go */
    char line[1024];              /* the line being built */
    size_t len;                   /* bytes in line */
};

static void add(struct explain *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct explain *x, const char *fmt, ...)
{
    va_list ap;
    if (x->len >= sizeof x->line - 1)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(x->line + x->len, sizeof x->line - x->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        x->len += (size_t)n < sizeof x->line - x->len ? (size_t)n : sizeof x->line - x->len - 1;
}

static const char op_char[] = {'R', 'W', 'X'};

/* Ends the last step of the line with ';' unless it ended one already. A
 * segfault's step has none, being meant to end the line, but the process's
 * release may still write its files back within the same reference. */
static void sep(struct explain *x)
{
    if (x->len && x->line[x->len - 1] != ';' && x->line[x->len - 1] != ':')
        add(x, ";");
}

/* "file data", "shared memory shm", or a program's name. */
static void add_obj(struct explain *x, const struct vobj *o)
{
    add(x, "%s%s",
        o->kind == OBJ_FILE    ? "file "
        : o->kind == OBJ_SHMEM ? "shared memory "
                               : "",
        o->name);
}

/*
 * A victim whose first mapping is its object's own PTE (vpid 0): a page in
 * the page cache, vvpn its page in the object. The eviction has not happened
 * yet, so the frame still shows which processes map it.
 */
static void add_cached_victim(struct explain *x, const struct vmm_event *ev)
{
    const struct vmm_system *sys = x->sys;
    frame_t f = (frame_t)ev->frame;
    if (f >= sys->nframes || !(sys->frames[f].flags & FR_FILE)) { /* not expected */
        add(x, "P%u page 0x%" PRIx64, ev->vpid, ev->vvpn);
        return;
    }
    add(x, "page %" PRIu64 " of ", ev->vvpn);
    add_obj(x, frame_obj(sys, f));
    struct mapping m, first = {NULL, 0, 0};
    unsigned n = 0;
    for (uint32_t c = RMAP_FIRST; frame_mapping(sys, f, &c, &m);)
        if (m.pid && !n++)
            first = m;
    if (n == 0)
        add(x, ", held only by the page cache");
    else
        add(x, ", mapped by P%u page 0x%" PRIx64, first.pid, first.vpn);
    if (n > 1)
        add(x, " and %u more", n - 1);
}

static void on_event(void *ctx, const struct vmm_event *ev)
{
    struct explain *x = ctx;
    switch (ev->kind) {
    case VMM_EV_REF:
        x->len = 0;
        add(x, "#%" PRIu64 " P%u %c 0x%" PRIx64 ":", ev->seq, ev->pid, op_char[ev->op % 3],
            ev->vaddr);
        break;
    case VMM_EV_TLB_HIT:
        add(x, " TLB hit (frame %" PRIu64 ");", ev->frame);
        break;
    case VMM_EV_TLB_MISS:
        add(x, " TLB miss;");
        break;
    case VMM_EV_WALK:
        if (ev->valid)
            add(x, " walk: PTE valid (frame %" PRIu64 ");", ev->frame);
        else
            add(x, " walk: PTE invalid;");
        break;
    case VMM_EV_FAULT:
        add(x, " page fault;");
        break;
    case VMM_EV_LEGAL:
        add(x, " legal (%s);", ev->text);
        break;
    case VMM_EV_SEGV:
        add(x, " %s; P%u terminated", ev->text, ev->pid);
        break;
    case VMM_EV_FREE_FRAME:
        add(x, " free frame %" PRIu64 ";", ev->frame);
        break;
    case VMM_EV_VICTIM:
        add(x, " no free frame; victim frame %" PRIu64 " = ", ev->frame);
        if (ev->vpid)
            add(x, "P%u page 0x%" PRIx64, ev->vpid, ev->vvpn);
        else
            add_cached_victim(x, ev);
        add(x, " (%s):", ev->valid ? "dirty" : "clean");
        break;
    case VMM_EV_WRITEBACK:
        add(x, " write to swap slot %" PRIu64 ";", ev->slot);
        break;
    case VMM_EV_DROP:
        add(x, " dropped without a write;");
        break;
    case VMM_EV_SWAP_IN:
        add(x, " read page from swap slot %" PRIu64 " into frame %" PRIu64 ";", ev->slot,
            ev->frame);
        break;
    case VMM_EV_ZERO_FILL:
        add(x, " zero-fill frame %" PRIu64 ";", ev->frame);
        break;
    case VMM_EV_MAP:
        add(x, " PTE valid;");
        break;
    case VMM_EV_RESTART:
        add(x, " restart:");
        break;
    case VMM_EV_REF_END:
        if (ev->outcome != VMM_KILLED)
            add(x, " hit");
        else if (x->len && x->line[x->len - 1] == ';') /* the last step was a kill's aftermath */
            x->line[--x->len] = '\0';
        fprintf(x->out, "%s\n", x->line);
        x->len = 0;
        break;
    case VMM_EV_SPAWN:
        fprintf(x->out, "P%u spawned (%s)\n", ev->pid, ev->text);
        break;
    case VMM_EV_EXIT:
        fprintf(x->out, "P%u exits: its frames and swap slots are freed\n", ev->pid);
        break;
    case VMM_EV_CACHE_HIT:
        if (ev->text) /* the page cache: a page of an object */
            add(x, " found in the %s (frame %" PRIu64 ");", ev->text, ev->frame);
        else
            add(x, " found in the swap cache (slot %" PRIu64 ", frame %" PRIu64 ");", ev->slot,
                ev->frame);
        break;
    case VMM_EV_FILE_READ:
        add(x, " read page of %s into frame %" PRIu64 ";", ev->text, ev->frame);
        break;
    case VMM_EV_COW:
        if (!ev->valid)
            add(x, " copy-on-write: page no longer shared, made writable;");
        else if (ev->slot != SLOT_NONE) /* the swap-in just narrated was the copy */
            add(x,
                " copy-on-write: copied from swap slot %" PRIu64 " into frame %" PRIu64
                " (the slot stays with its other holders);",
                ev->slot, ev->frame);
        else
            add(x, " copy-on-write: copied frame %" PRIu64 " to frame %" PRIu64 ";", ev->vvpn,
                ev->frame);
        break;
    case VMM_EV_GROW:
        add(x, " %s grows down to 0x%" PRIx64 ";", ev->text,
            ev->vaddr & ~(uint64_t)(x->sys->cfg.page_size - 1));
        break;
    case VMM_EV_FORK: {
        const struct proc *c = vmm__proc(x->sys, ev->vpid);
        if (c && c->live)
            fprintf(x->out,
                    "P%u forks P%u: P%u maps the same %" PRIu64 " resident pages (writable"
                    " ones now copy-on-write in both) and %" PRIu64 " swapped ones\n",
                    ev->pid, ev->vpid, ev->vpid, c->st.resident_pages, c->st.swapped_pages);
        else
            fprintf(x->out, "P%u forks P%u\n", ev->pid, ev->vpid);
        break;
    }
    case VMM_EV_EXEC:
        fprintf(x->out,
                "P%u execs %s: its old image is dropped (pages no one else holds are freed)\n",
                ev->pid, ev->text);
        break;
    case VMM_EV_KILL: {
        char who[32];
        snprintf(who, sizeof who, "P%u terminated", ev->pid);
        if (x->len == 0) { /* not inside a reference line */
            fprintf(x->out, "P%u killed: %s\n", ev->pid, ev->text);
            break;
        }
        if (strstr(x->line, who)) /* SEGV said it already */
            break;
        sep(x);
        /* The reason once, however many processes it ends (an I/O error on a
         * shared page ends every process that maps it; OOM named it). */
        if (!strstr(x->line, ev->text))
            add(x, " %s;", ev->text);
        add(x, " %s;", who); /* REF_END drops the ';' if the line ends here */
        break;
    }
    case VMM_EV_FILE_WRITE:
        if (x->len == 0) { /* msync, munmap, exit, the flusher, the end of the run */
            fprintf(x->out,
                    "page %" PRIu64 " of file %s written back from frame %" PRIu64 " (%s)\n",
                    ev->vpn, ev->text, ev->frame, vmm_wb_cause_name(ev->op));
            break;
        }
        sep(x);
        if (ev->op == VMM_WB_EVICT) /* right after the victim's "(dirty):" */
            add(x, " write back to file %s;", ev->text);
        else /* a process killed in this reference leaves its writes behind */
            add(x, " page %" PRIu64 " of file %s written back from frame %" PRIu64 " (%s);",
                ev->vpn, ev->text, ev->frame, vmm_wb_cause_name(ev->op));
        break;
    case VMM_EV_OOM:
        if (x->len == 0) /* the kill's own line tells it */
            break;
        sep(x);
        add(x, " the OOM killer chooses P%u: %s;", ev->vpid, ev->text);
        break;
    case VMM_EV_MEM: {
        static const char *const what[] = {
            "placed at",  "swapped out from", "swapped in at",      "moved to",
            "resized at", "freed at",         "waits: no hole fits"};
        char where[40] = "";
        if (ev->mem != VMM_MEM_WAIT && ev->frame != UINT64_MAX)
            snprintf(where, sizeof where, " 0x%" PRIx64, ev->frame);
        else if (ev->mem == VMM_MEM_SWAP_OUT)
            snprintf(where, sizeof where, " the backing store");
        const char *w = ev->mem < sizeof what / sizeof what[0] ? what[ev->mem] : "?";
        if (ev->mem == VMM_MEM_SWAP_OUT && ev->frame == UINT64_MAX)
            w = "written to";
        if (x->len == 0) {
            fprintf(x->out, "%s (%" PRIu64 " bytes) %s%s\n", ev->text, ev->vpn, w, where);
            break;
        }
        add(x, " %s (%" PRIu64 " bytes) %s%s;", ev->text, ev->vpn, w, where);
        break;
    }
    case VMM_EV_IO_ERROR:
        if (x->len == 0) {
            fprintf(x->out, "I/O error %s\n", ev->text);
            break;
        }
        sep(x);
        add(x, " I/O error %s;", ev->text);
        break;
    default:
        break;
    }
}

int vmm_explain_attach(struct vmm_system *sys, FILE *out)
{
    struct explain *x = calloc(1, sizeof *x);
    if (!x)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    x->sys = sys;
    x->out = out;
    struct vmm_observer o = {VMM_EV_ALL, on_event, x};
    int r = vmm_observer_add(sys, &o);
    if (r < 0) {
        free(x);
        return r;
    }
    free(sys->explain);
    sys->explain = x;
    return 0;
}
