/*
 * explain.c - the explain log: an observer that narrates each reference on
 * one line, in the order of the trap sequence (fault.c), e.g.
 *
 *   #7 P1 W 0x3004: TLB miss; walk: PTE invalid; page fault; legal (all);
 *      no free frame; victim frame 5 = P2 page 0x7 (dirty): write to swap
 *      slot 12; read page from swap slot 3 into frame 5; PTE valid; restart: hit
 *
 * (one line in the output). Process events (spawn, exit, kill) get lines of
 * their own.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct explain {
    FILE *out;       /* where lines go */
    char line[1024]; /* the line being built */
    size_t len;      /* bytes in line */
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
