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
 * Process events (spawn, fork, exec, exit, kill) get lines of their own.
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
        add(x, " no free frame; victim frame %" PRIu64 " = P%u page 0x%" PRIx64 " (%s):", ev->frame,
            ev->vpid, ev->vvpn, ev->valid ? "dirty" : "clean");
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
    case VMM_EV_KILL:
        if (x->len == 0) /* not inside a reference line (SEGV already said it) */
            fprintf(x->out, "P%u killed: %s\n", ev->pid, ev->text);
        else if (!strstr(x->line, ev->text))
            add(x, " %s; P%u terminated", ev->text, ev->pid);
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
