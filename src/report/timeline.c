/*
 * timeline.c - `--timeline FILE.csv`: the run sampled every interval of
 * simulated time, one CSV row per process per interval (tidy data: filter by
 * pid, plot against time):
 *
 *   time_ms,cpu_util,disk_util,faults_per_s,pid,state,resident,ws,faults,holes,largest_hole,ext_frag
 *   10.000,0.412,1.000,112.5,1,blocked,37,41,2,0,0,0.000
 *   10.000,0.412,1.000,112.5,2,ready,30,44,0,0,0,0.000
 *
 * cpu_util and disk_util are the fractions of the interval the CPU ran
 * processes and the disk transferred; faults_per_s counts every process's
 * page faults; faults is the process's own in the interval; resident and ws
 * are its resident pages and |W(t, delta)| at the sample. A process appears
 * from its creation until the interval it ended in. Under relocation and
 * segmentation, resident is the pages' worth of its images in memory, and
 * holes, largest_hole (bytes) and ext_frag describe physical memory at the
 * sample (0 under paging): external fragmentation over time.
 *
 * The engine calls vmm__timeline_tick after every step (with the scheduler)
 * or every reference (without it, time being the sum of the costs so far).
 * Counters move in steps, so an interval's figures are those of the steps
 * that ended in it; when a step crosses several boundaries (a long wait for
 * the disk) each interval gets the average since the last row.
 */
#include "internal.h"

#include <stdlib.h>

struct timeline {
    FILE *out;          /* where rows go */
    uint64_t interval;  /* ns between samples */
    uint64_t next;      /* the next sample time */
    uint64_t last_t;    /* time of the last row */
    uint64_t last_cpu;  /* CPU ns at the last row */
    uint64_t last_disk; /* disk busy ns at the last row */
    uint64_t last_flt;  /* page faults at the last row */
    uint64_t *pflt;     /* per pid: its faults at the last row */
    size_t npflt;       /* entries of pflt */
};

static const char *const state_name[] = {"ready", "running", "blocked", "suspended", "done"};

int vmm_timeline_attach(struct vmm_system *sys, FILE *out, uint64_t interval_ns)
{
    if (!out || !interval_ns)
        return vmm__fail(sys, VMM_EINVAL, "timeline: expected a stream and an interval > 0");
    for (size_t i = 0; i < sys->cap_procs; i++)
        if (sys->procs[i])
            return vmm__fail(sys, VMM_EINVAL, "timeline: attach it before processes exist");
    struct timeline *t = calloc(1, sizeof *t);
    if (!t)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    if (!sys->ws_on) { /* the timeline shows working sets: track them */
        sys->cfg.ws_delta = VMM_WS_DELTA_DEFAULT;
        sys->ws_on = true;
    }
    t->out = out;
    t->interval = interval_ns;
    t->next = interval_ns;
    free(sys->timeline);
    sys->timeline = t;
    sys->lean = false;
    vmm__periodic_reset(sys);
    fprintf(out, "time_ms,cpu_util,disk_util,faults_per_s,pid,state,resident,ws,faults,holes,"
                 "largest_hole,ext_frag\n");
    return 0;
}

void vmm__timeline_free(struct vmm_system *sys)
{
    if (!sys->timeline)
        return;
    free(sys->timeline->pflt);
    free(sys->timeline);
    sys->timeline = NULL;
}

/* Faults of pid at the last row (growing the table as pids appear). */
static uint64_t *pflt(struct timeline *t, uint32_t pid)
{
    if (pid >= t->npflt) {
        size_t n = t->npflt ? t->npflt : 16;
        while (n <= pid)
            n *= 2;
        uint64_t *a = realloc(t->pflt, n * sizeof *a);
        if (!a)
            return NULL;
        memset(a + t->npflt, 0, (n - t->npflt) * sizeof *a);
        t->pflt = a;
        t->npflt = n;
    }
    return &t->pflt[pid];
}

/* Writes the rows due by now; with last, also a row for the part of an
 * interval since the last one (the end of the run). */
static void sample(struct vmm_system *sys, bool last)
{
    struct timeline *t = sys->timeline;
    uint64_t now, cpu, disk;
    vmm__clock(sys, &now, &cpu, &disk);
    if (now < t->next && !(last && now > t->last_t))
        return;
    uint64_t span = now - t->last_t;
    uint64_t rows = now < t->next ? 1 : (now - t->next) / t->interval + 1;
    if (now < t->next) /* the last, partial interval ends now */
        t->next = now;
    double cu = span ? (double)(cpu - t->last_cpu) / (double)span : 0.0;
    double du = span ? (double)(disk - t->last_disk) / (double)span : 0.0;
    double fr = span ? (double)(sys->st.page_faults - t->last_flt) * 1e9 / (double)span : 0.0;
    if (cu > 1.0) /* a step's CPU time is counted when it ends */
        cu = 1.0;
    if (du > 1.0)
        du = 1.0;
    struct vmm_stats st = {0};
    if (sys->cm)
        vmm__cm_stats(sys, &st);
    for (uint64_t k = 0; k < rows; k++) {
        uint64_t at = t->next + k * t->interval;
        if (at > now) /* a partial interval at the end */
            at = now;
        for (size_t pid = 1; pid < sys->cap_procs; pid++) {
            const struct proc *p = sys->procs[pid];
            uint64_t *pf = p ? pflt(t, (uint32_t)pid) : NULL;
            if (!p || !pf || *pf == UINT64_MAX)
                continue;
            /* Its faults since the last row, in the first of the rows. */
            uint64_t f = k == 0 ? p->st.page_faults - *pf : 0;
            uint64_t resident = p->st.resident_pages;
            if (sys->cm) {
                struct vmm_proc_stats ps = {0};
                vmm__cm_proc_stats(sys, p, &ps);
                resident = (ps.image_resident + sys->cfg.page_size - 1) >> sys->page_shift;
            }
            fprintf(t->out,
                    "%.3f,%.3f,%.3f,%.1f,%zu,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                    ",%" PRIu64 ",%.3f\n",
                    (double)at / 1e6, cu, du, fr, pid,
                    !p->live ? "done" : state_name[p->state < PS_DONE ? p->state : PS_DONE],
                    resident, p->st.ws_size, f, st.holes, st.largest_hole, st.ext_frag);
        }
        for (size_t pid = 1; pid < sys->cap_procs; pid++) {
            const struct proc *p = sys->procs[pid];
            uint64_t *pf = p ? pflt(t, (uint32_t)pid) : NULL;
            if (pf && *pf != UINT64_MAX)
                *pf = p->live ? p->st.page_faults : UINT64_MAX; /* an ended one: one last row */
        }
    }
    t->next += rows * t->interval;
    if (t->next <= now)
        t->next = now + t->interval;
    t->last_t = now;
    t->last_cpu = cpu;
    t->last_disk = disk;
    t->last_flt = sys->st.page_faults;
}

void vmm__timeline_tick(struct vmm_system *sys)
{
    sample(sys, false);
}

void vmm_timeline_finish(struct vmm_system *sys)
{
    if (sys->timeline) {
        sample(sys, true);
        fflush(sys->timeline->out);
    }
}
