/*
 * text.c - the summary a person reads at a glance: the machine modelled, the
 * fault counts and how the faults were served, what the dirty bit saved, the
 * page cache and write-back to mapped files, the TLB, the processes the
 * system ended (segfault, bus error, out of memory) and failed I/O, the
 * effective access time from the cost model next to the textbook formula,
 * and one row per process with its memory as Linux counts it (RSS split into
 * anonymous, file and shared-memory pages, shared and private pages, PSS,
 * swap; docs/metrics.md maps each to /proc and cgroup counters). Lines and
 * columns about sharing, files and failures appear only when they have
 * something to say, so a plain replay's summary stays short.
 *
 * The JSON object (vmm_report_json) carries every counter of struct vmm_stats
 * and struct vmm_proc_stats (docs/metrics.md gives their Linux names); keys
 * are only ever added, never renamed, since scripts parse them.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* "4 KiB", "512 B", "1 MiB" */
static const char *page_text(uint32_t ps, char *buf, size_t len)
{
    if (ps >= (1u << 20))
        snprintf(buf, len, "%u MiB", ps >> 20);
    else if (ps >= 1024)
        snprintf(buf, len, "%u KiB", ps >> 10);
    else
        snprintf(buf, len, "%u B", ps);
    return buf;
}

/* A duration in the largest unit that keeps it readable. */
static const char *ns_text(double ns, char *buf, size_t len)
{
    if (ns >= 1e6)
        snprintf(buf, len, "%.3f ms", ns / 1e6);
    else if (ns >= 1e3)
        snprintf(buf, len, "%.3f us", ns / 1e3);
    else
        snprintf(buf, len, "%.1f ns", ns);
    return buf;
}

static const char *state_of(const struct vmm_proc_stats *p)
{
    return p->killed ? "killed" : p->live ? "running" : "exited";
}

/*
 * How the faults were served, beyond the minor/major split: one line per kind,
 * and only when its counters are not all zero, so that a plain replay (where
 * every minor fault is a zero-fill and nothing is shared) keeps its summary.
 * The kinds overlap: a write that finds its page in the swap cache is a cache
 * hit and then a copy-on-write copy, within one fault.
 */
static void fault_kinds(const struct vmm_stats *st, FILE *out)
{
    bool sharing = st->cow_copies || st->cow_reuses || st->page_cache_hits || st->swap_cache_hits ||
                   st->file_reads || st->forks || st->execs || st->stack_growths;
    if (sharing || st->zero_fills != st->minor_faults)
        fprintf(out,
                "zero-fills       %12" PRIu64 "   minor faults handing out a new zeroed page\n",
                st->zero_fills);
    if (st->page_cache_hits || st->file_reads)
        fprintf(out,
                "page-cache hits  %12" PRIu64
                "   minor faults on pages already in the page cache; file reads %" PRIu64
                " (major)\n",
                st->page_cache_hits, st->file_reads);
    if (st->swap_cache_hits)
        fprintf(out,
                "swap-cache hits  %12" PRIu64
                "   minor faults on swapped pages a sharer had read back\n",
                st->swap_cache_hits);
    if (st->cow_copies || st->cow_reuses)
        fprintf(out,
                "copy-on-write    %12" PRIu64 "   pages copied; %" PRIu64
                " made writable in place (no longer shared)\n",
                st->cow_copies, st->cow_reuses);
}

/* Which kinds of object the run created: files, shared anonymous memory. */
struct obj_use {
    bool files; /* some vmm_object_file */
    bool shmem; /* some vmm_object_shmem */
};

static struct obj_use obj_use(const struct vmm_system *sys)
{
    struct obj_use u = {false, false};
    for (uint32_t i = 0; i < sys->nobjs; i++) {
        u.files |= sys->objs[i].kind == OBJ_FILE;
        u.shmem |= sys->objs[i].kind == OBJ_SHMEM;
    }
    return u;
}

/*
 * The page cache, write-back to files, and the ways the system ends a
 * process besides a segfault. Each line appears only when it says something:
 * the page cache once files or shared memory are in use or it holds pages no
 * process maps; write-backs once files are in use; the kills and I/O errors
 * when they happened. A plain replay (anonymous memory only) shows none.
 */
static void file_lines(const struct vmm_stats *st, struct obj_use u, FILE *out)
{
    uint64_t written = 0;
    for (int i = 0; i < VMM_WB__COUNT; i++)
        written += st->file_writes[i];
    if (u.files || u.shmem || st->page_cache_pages != st->page_cache_mapped || st->dirty_pages)
        fprintf(out,
                "page cache       %12" PRIu64 "   pages now: mapped %" PRIu64
                ", cached only %" PRIu64 "; dirty %" PRIu64 " (not yet written back)\n",
                st->page_cache_pages, st->page_cache_mapped,
                st->page_cache_pages - st->page_cache_mapped, st->dirty_pages);
    if (u.files || written) {
        fprintf(out, "file write-backs %12" PRIu64 "  ", written);
        for (int i = 0; i < VMM_WB__COUNT; i++)
            fprintf(out, "%s %s %" PRIu64, i ? "," : "", vmm_wb_cause_name(i), st->file_writes[i]);
        fputc('\n', out);
    }
}

/* Processes the system ended other than for a segfault, and failed I/O. */
static void kill_lines(const struct vmm_stats *st, FILE *out)
{
    if (st->bus_errors)
        fprintf(out,
                "bus errors       %12" PRIu64
                "   processes killed touching a page beyond the end of a file\n",
                st->bus_errors);
    if (st->oom_kills)
        fprintf(out,
                "OOM kills        %12" PRIu64
                "   processes killed by the out-of-memory killer: the backing store was full\n",
                st->oom_kills);
    if (st->io_errors)
        fprintf(out,
                "I/O errors       %12" PRIu64
                "   failed reads and writes of the backing store (swap and files); reads %" PRIu64
                ", writes %" PRIu64 " in all\n",
                st->io_errors, st->io_reads, st->io_writes);
}

/* ---- the per-process table ------------------------------------------------------ */

/*
 * Columns are as wide as their widest cell, as ps(1) does, so a small run
 * gives a narrow table and a long one still lines up. Memory is in KiB, as
 * /proc/PID/status gives it; RSS = anon + file = shared + USS.
 */
enum col {
    COL_PID,
    COL_PPID, /* shown only when some process was forked */
    COL_NAME,
    COL_REFS,
    COL_MINOR,
    COL_MAJOR,
    COL_ZERO,
    COL_COW,
    COL_RSS,
    COL_ANON,
    COL_FILE,
    COL_SHMEM, /* shown only when shared memory is in use */
    COL_SHARED,
    COL_PSS,
    COL_USS,
    COL_SWAP,
    COL__COUNT
};

static const struct {
    const char *head; /* header text */
    bool left;        /* left-aligned (text) rather than right-aligned (numbers) */
} cols[COL__COUNT] = {
    [COL_PID] = {"pid", false},        [COL_PPID] = {"ppid", false},
    [COL_NAME] = {"name", true},       [COL_REFS] = {"references", false},
    [COL_MINOR] = {"minor", false},    [COL_MAJOR] = {"major", false},
    [COL_ZERO] = {"zero-fill", false}, [COL_COW] = {"CoW", false},
    [COL_RSS] = {"RSS", false},        [COL_ANON] = {"anon", false},
    [COL_FILE] = {"file", false},      [COL_SHMEM] = {"shmem", false},
    [COL_SHARED] = {"shared", false},  [COL_PSS] = {"PSS", false},
    [COL_USS] = {"USS", false},        [COL_SWAP] = {"swap", false},
};

typedef char cell_t[40];

/* pages of page_size bytes in KiB: whole, or with one decimal for pages under 1 KiB. */
static void kib_cell(cell_t c, uint64_t pages, uint32_t page_size)
{
    uint64_t bytes = pages * page_size;
    if (bytes % 1024 == 0)
        snprintf(c, sizeof(cell_t), "%" PRIu64, bytes / 1024);
    else
        snprintf(c, sizeof(cell_t), "%.1f", (double)bytes / 1024.0);
}

static void u64_cell(cell_t c, uint64_t v)
{
    snprintf(c, sizeof(cell_t), "%" PRIu64, v);
}

static void proc_cells(cell_t *c, const struct vmm_proc_stats *p, uint32_t ps)
{
    snprintf(c[COL_PID], sizeof(cell_t), "%u", p->pid);
    if (p->ppid)
        snprintf(c[COL_PPID], sizeof(cell_t), "%u", p->ppid);
    else
        snprintf(c[COL_PPID], sizeof(cell_t), "-");
    snprintf(c[COL_NAME], sizeof(cell_t), "%s", p->name);
    u64_cell(c[COL_REFS], p->references);
    u64_cell(c[COL_MINOR], p->minor_faults);
    u64_cell(c[COL_MAJOR], p->major_faults);
    u64_cell(c[COL_ZERO], p->zero_fills);
    u64_cell(c[COL_COW], p->cow_copies);
    kib_cell(c[COL_RSS], p->rss_anon + p->rss_file + p->rss_shmem, ps);
    kib_cell(c[COL_ANON], p->rss_anon, ps);
    kib_cell(c[COL_FILE], p->rss_file, ps);
    kib_cell(c[COL_SHMEM], p->rss_shmem, ps);
    kib_cell(c[COL_SHARED], p->shared, ps);
    snprintf(c[COL_PSS], sizeof(cell_t), "%.1f", (double)p->pss_bytes / 1024.0);
    kib_cell(c[COL_USS], p->private_pages, ps);
    kib_cell(c[COL_SWAP], p->swapped_pages, ps);
}

static void put_cell(FILE *out, const char *text, int width, bool left, bool first)
{
    fprintf(out, "%s%*s", first ? "" : "  ", left ? -width : width, text);
}

static void proc_table(const struct vmm_system *sys, FILE *out)
{
    size_t n = vmm_proc_stats_get(sys, NULL, 0);
    struct vmm_proc_stats *ps = calloc(n ? n : 1, sizeof *ps);
    cell_t(*cells)[COL__COUNT] = calloc(n ? n : 1, sizeof *cells);
    if (!ps || !cells)
        goto out_free;
    vmm_proc_stats_get(sys, ps, n);

    int width[COL__COUNT];
    bool shown[COL__COUNT];
    for (int k = 0; k < COL__COUNT; k++) {
        width[k] = (int)strlen(cols[k].head);
        shown[k] = k != COL_PPID && k != COL_SHMEM;
    }
    shown[COL_SHMEM] = obj_use(sys).shmem;
    for (size_t i = 0; i < n; i++) {
        proc_cells(cells[i], &ps[i], sys->cfg.page_size);
        if (ps[i].ppid)
            shown[COL_PPID] = true;
        if (ps[i].rss_shmem)
            shown[COL_SHMEM] = true;
        for (int k = 0; k < COL__COUNT; k++)
            if ((int)strlen(cells[i][k]) > width[k])
                width[k] = (int)strlen(cells[i][k]);
    }

    char pg[32];
    fprintf(out, "\nprocesses; memory in KiB (pages of %s): RSS = anon + file%s = shared + USS\n",
            page_text(sys->cfg.page_size, pg, sizeof pg), shown[COL_SHMEM] ? " + shmem" : "");
    for (int k = 0; k < COL__COUNT; k++)
        if (shown[k])
            put_cell(out, cols[k].head, width[k], cols[k].left, k == 0);
    fprintf(out, "  state\n");
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < COL__COUNT; k++)
            if (shown[k])
                put_cell(out, cells[i][k], width[k], cols[k].left, k == 0);
        fprintf(out, "  %s", state_of(&ps[i]));
        if (ps[i].killed)
            fprintf(out, ": %s", ps[i].kill_reason);
        fputc('\n', out);
    }
out_free:
    free(cells);
    free(ps);
}

/* Time with the scheduler: where the CPU's and the disk's time went, the
 * throughput, and what load control did. Nothing without the scheduler
 * (elapsed time is then the simulated time above). */
static void sched_lines(const struct vmm_system *sys, const struct vmm_stats *st, FILE *out)
{
    const struct vmm_config *c = &sys->cfg;
    char a[32];
    if (!sys->sched)
        return;
    fprintf(out, "time             elapsed %s (%s, quantum ",
            ns_text((double)st->elapsed_ns, a, sizeof a),
            vmm_setting_name(VMM_SET_SCHED, c->sched));
    if (c->quantum_refs)
        fprintf(out, "%" PRIu64 " references", c->quantum_refs);
    else
        fprintf(out, "%s", ns_text((double)c->quantum_ns, a, sizeof a));
    fprintf(out, "%s)\n", c->asid ? "" : ", no ASIDs: TLB flushed at each switch");
    fprintf(out,
            "  CPU            %5.1f%% running processes, %.1f%% switching (%" PRIu64
            " context switches), %.1f%% idle\n",
            pct(st->cpu_ns, st->elapsed_ns), pct(st->switch_ns, st->elapsed_ns),
            st->context_switches, pct(st->idle_ns, st->elapsed_ns));
    fprintf(out, "  disk           %5.1f%% busy\n", pct(st->disk_ns, st->elapsed_ns));
    fprintf(out, "throughput       %12.0f   references per simulated second\n",
            st->elapsed_ns ? (double)st->references * 1e9 / (double)st->elapsed_ns : 0.0);
    if (c->load_control != VMM_LOAD_NONE || st->suspensions)
        fprintf(out, "load control     %12" PRIu64 "   suspensions (%s), %" PRIu64 " resumptions\n",
                st->suspensions, vmm_setting_name(VMM_SET_LOAD_CONTROL, c->load_control),
                st->resumptions);
}

/* With the scheduler: each process's time by state, working set and frames. */
static void sched_table(const struct vmm_system *sys, FILE *out)
{
    if (!sys->sched)
        return;
    size_t n = vmm_proc_stats_get(sys, NULL, 0);
    struct vmm_proc_stats *ps = calloc(n ? n : 1, sizeof *ps);
    if (!ps)
        return;
    vmm_proc_stats_get(sys, ps, n);
    bool alloc = sys->local, ws = sys->ws_on;
    fprintf(out, "\nscheduling; times in ms");
    if (ws)
        fprintf(out, ", working sets W(t, %" PRIu64 ") in pages", sys->cfg.ws_delta);
    fprintf(out, "\npid  %10s  %10s  %10s  %10s  %5s  %11s%s%s\n", "run", "ready", "blocked",
            "suspended", "susp", "faults/1000", ws ? "       ws   ws peak" : "",
            alloc ? "  alloc" : "");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%3u  %10.3f  %10.3f  %10.3f  %10.3f  %5" PRIu64, ps[i].pid,
                (double)ps[i].run_ns / 1e6, (double)ps[i].ready_ns / 1e6,
                (double)ps[i].blocked_ns / 1e6, (double)ps[i].suspended_ns / 1e6,
                ps[i].suspensions);
        /* Its page-fault frequency over the run, as pff measures it. */
        fprintf(out, "  %11.1f",
                ps[i].references ? 1000.0 * (double)ps[i].page_faults / (double)ps[i].references
                                 : 0.0);
        if (ws)
            fprintf(out, "  %7" PRIu64 "  %8" PRIu64, ps[i].ws_size, ps[i].ws_peak);
        if (alloc)
            fprintf(out, "  %5" PRIu64, ps[i].allocation);
        fputc('\n', out);
    }
    free(ps);
}

/* Relocation and segmentation: the memory figures, the map and the processes. */
static void contig_report(const struct vmm_system *sys, const struct vmm_stats *st, FILE *out)
{
    const struct vmm_config *c = &sys->cfg;
    char a[32];
    const char *what = c->mmu == VMM_MMU_RELOCATION ? "partitions" : "segments";
    fprintf(out, "references       %12" PRIu64 "\n", st->references);
    fprintf(out,
            "memory now       %12" PRIu64 "   %s in %" PRIu64 " hole%s: %" PRIu64
            " bytes free, the largest hole %" PRIu64 "\n",
            st->images, what, st->holes, st->holes == 1 ? "" : "s", st->free_bytes,
            st->largest_hole);
    fprintf(out,
            "external frag.   %11.1f%%   now (1 - largest hole / free); mean %.1f%%, peak %.1f%%\n",
            100 * st->ext_frag, 100 * st->ext_frag_mean, 100 * st->ext_frag_peak);
    fprintf(out, "internal frag.   %12" PRIu64 "   bytes inside %s not asked for\n",
            st->internal_frag, what);
    fprintf(out,
            "swapping         %12" PRIu64 "   %s out whole, %" PRIu64 " back in; %" PRIu64
            " bytes moved, disk time %s\n",
            st->image_swap_outs, what, st->image_swap_ins, st->image_swap_bytes,
            ns_text((double)st->image_disk_ns, a, sizeof a));
    if (st->compactions || c->compaction)
        fprintf(out, "compaction       %12" PRIu64 "   times, %" PRIu64 " bytes moved\n",
                st->compactions, st->compact_bytes);
    if (st->copy_ns)
        fprintf(out, "memory copies    %12s   CPU time copying (compaction, growth, fork)\n",
                ns_text((double)st->copy_ns, a, sizeof a));
    if (st->mem_waits)
        fprintf(out, "waits            %12" PRIu64 "   a process found no hole and waited\n",
                st->mem_waits);
    fprintf(out, "traps            %12" PRIu64 "   references past a limit%s (terminated)\n",
            st->limit_traps,
            c->mmu == VMM_MMU_SEGMENTATION ? ", in no segment or not allowed" : "");
    fprintf(out, "register loads   %12" PRIu64 "   %s loaded when another process ran\n",
            st->reg_loads,
            c->mmu == VMM_MMU_RELOCATION ? "base and limit" : "segment-table registers");
    kill_lines(st, out);
    if (st->forks || st->execs)
        fprintf(out, "forks            %12" PRIu64 "   execs %" PRIu64 "; processes created %u\n",
                st->forks, st->execs, st->processes);
    fprintf(out, "time             %12s   simulated; EAT %.1f ns per reference\n",
            ns_text((double)st->time_ns, a, sizeof a), vmm_stats_eat_ns(st));
    sched_lines(sys, st, out);

    size_t n = vmm_memory_map(sys, NULL, 0);
    struct vmm_extent *x = calloc(n ? n : 1, sizeof *x);
    if (x) {
        n = vmm_memory_map(sys, x, n);
        fprintf(out, "\nphysical memory: address, bytes, what\n");
        for (size_t i = 0; i < n && i < 64; i++)
            fprintf(out, "  0x%08" PRIx64 " %10" PRIu64 "  %s\n", x[i].start, x[i].size,
                    x[i].hole ? "(hole)" : x[i].name);
        if (n > 64)
            fprintf(out, "  ... %zu more\n", n - 64);
        free(x);
    }
    n = vmm_proc_stats_get(sys, NULL, 0);
    struct vmm_proc_stats *ps = calloc(n ? n : 1, sizeof *ps);
    if (!ps || !n) {
        free(ps);
        return;
    }
    n = vmm_proc_stats_get(sys, ps, n);
    fprintf(out, "\nprocesses; sizes in bytes\n%s\n",
            c->mmu == VMM_MMU_RELOCATION
                ? "pid  ppid  name      references     limit  in memory        base  swapped  state"
                : "pid  ppid  name      references  segments  in memory  swapped  state");
    for (size_t i = 0; i < n; i++) {
        char pp[16] = "-";
        if (ps[i].ppid)
            snprintf(pp, sizeof pp, "%u", ps[i].ppid);
        fprintf(out, "%3u  %4s  %-8.8s  %10" PRIu64 "  %8" PRIu64 "  %9" PRIu64, ps[i].pid, pp,
                ps[i].name, ps[i].references, ps[i].image_bytes, ps[i].image_resident);
        if (c->mmu == VMM_MMU_RELOCATION) {
            if (ps[i].image_resident)
                fprintf(out, "  0x%08" PRIx64, ps[i].base);
            else
                fprintf(out, "  %10s", "-");
        }
        fprintf(out, "  %7" PRIu64 "  %s%s%s\n", ps[i].image_swap_outs,
                ps[i].waiting ? "waiting for memory" : state_of(&ps[i]), ps[i].killed ? ": " : "",
                ps[i].killed ? ps[i].kill_reason : "");
    }
    free(ps);
}

void vmm_report_text(const struct vmm_system *sys, const struct vmm_report_info *info, FILE *out)
{
    const struct vmm_config *c = &sys->cfg;
    struct vmm_stats st;
    char a[32], b[32], d[32];
    vmm_stats_get(sys, &st);

    fprintf(out, "vmm: %s", info && info->input ? info->input : "run");
    if (info && info->format)
        fprintf(out, " (%s)", info->format);
    if (c->mmu != VMM_MMU_PAGING) {
        fprintf(out, "\n  %s, %s fit, %s-time binding%s%s; memory %" PRIu64 " bytes%s\n\n",
                c->mmu == VMM_MMU_RELOCATION ? "relocation (base and limit registers)"
                                             : "segmentation (a segment table per process)",
                vmm_setting_name(VMM_SET_FIT, c->fit),
                vmm_setting_name(VMM_SET_BINDING, c->binding),
                c->swapping ? ", swapping" : ", no swapping (a process waits)",
                c->compaction ? ", compaction" : "", c->frames * c->page_size,
                c->data ? "" : ", no data");
        contig_report(sys, &st, out);
        return;
    }
    fprintf(out, "\n  %s%s%s, %" PRIu64 " frames of %s, %u-bit addresses (%u-level page table), ",
            c->policy, c->policy_params ? ":" : "", c->policy_params ? c->policy_params : "",
            c->frames, page_text(c->page_size, a, sizeof a), c->va_bits, sys->levels);
    if (c->tlb_entries)
        fprintf(out, "TLB %u entries %u-way", c->tlb_entries,
                c->tlb_ways ? c->tlb_ways : c->tlb_entries);
    else
        fprintf(out, "no TLB");
    fprintf(out, "%s\n\n", c->data ? "" : ", no data");

    fprintf(out, "references       %12" PRIu64 "\n", st.references);
    fprintf(out,
            "page faults      %12" PRIu64 "   minor %" PRIu64 ", major %" PRIu64
            "; fault rate %.2f%%\n",
            st.page_faults, st.minor_faults, st.major_faults, pct(st.page_faults, st.references));
    fault_kinds(&st, out);
    fprintf(out, "hits             %12" PRIu64 "\n", st.hits);
    fprintf(out,
            "evictions        %12" PRIu64 "   dirty, written back %" PRIu64
            "; clean, write-backs the dirty bit saved %" PRIu64 "\n",
            st.evictions, st.writebacks, st.writebacks_saved);
    fprintf(out,
            "swap reads       %12" PRIu64 "   swap slots in use %" PRIu64 " at the end, %" PRIu64
            " at most\n",
            st.swap_reads, st.swap_slots_used, st.swap_slots_peak);
    file_lines(&st, obj_use(sys), out);
    if (c->tlb_entries)
        fprintf(out, "TLB hits         %12" PRIu64 "   misses %" PRIu64 "; hit ratio %.2f%%\n",
                st.tlb_hits, st.tlb_misses, pct(st.tlb_hits, st.tlb_hits + st.tlb_misses));
    if (st.segfaults)
        fprintf(out, "segfaults        %12" PRIu64 "\n", st.segfaults);
    kill_lines(&st, out);
    if (st.forks || st.execs)
        fprintf(out, "forks            %12" PRIu64 "   execs %" PRIu64 "; processes created %u\n",
                st.forks, st.execs, st.processes);
    if (st.stack_growths)
        fprintf(out, "stack growths    %12" PRIu64 "   references that extended a stack down\n",
                st.stack_growths);
    if (st.internal_frag)
        fprintf(out,
                "internal frag.   %12" PRIu64 "   bytes: unused tails of resident last pages\n",
                st.internal_frag);

    /* EAT: the model's own total, and the textbook formula with the model's
     * average costs, so the two can be compared. */
    double eat = vmm_stats_eat_ns(&st);
    double p = st.references ? (double)st.page_faults / (double)st.references : 0.0;
    uint64_t tlb = c->tlb_entries ? c->cost.tlb_ns : 0;
    double walk = (double)sys->levels * (double)c->cost.pt_level_ns;
    double ma = (double)(c->cost.mem_ns + tlb) +
                (st.references ? walk * (double)st.walks / (double)st.references : 0.0);
    double service =
        st.page_faults ? ((double)st.time_ns - ma * (double)st.references) / (double)st.page_faults
                       : 0.0;
    fprintf(out, "access time (EAT) %11.1f ns per reference; simulated time %s\n", eat,
            ns_text((double)st.time_ns, a, sizeof a));
    fprintf(out,
            "                  = (1 - p) x ma + p x service: p = %.4f, ma = %s, service = %s\n", p,
            ns_text(ma, b, sizeof b), ns_text(service + ma, d, sizeof d));
    if (c->tlb_entries && st.tlb_hits + st.tlb_misses) {
        /* ma itself, from the TLB's hit ratio: the textbook's second formula. */
        double h = (double)st.tlb_hits / (double)(st.tlb_hits + st.tlb_misses);
        double m = (double)c->cost.mem_ns, t = (double)tlb;
        fprintf(out,
                "               ma = h x (TLB + mem) + (1 - h) x (TLB + walk + mem): h = %.4f, "
                "= %s\n",
                h, ns_text(h * (t + m) + (1 - h) * (t + walk + m), b, sizeof b));
    }
    sched_lines(sys, &st, out);

    proc_table(sys, out);
    sched_table(sys, out);
}

/* ---- JSON ---------------------------------------------------------------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

void vmm_report_json(const struct vmm_system *sys, const struct vmm_report_info *info, FILE *out)
{
    const struct vmm_config *c = &sys->cfg;
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    fprintf(out, "{\n  \"input\": ");
    json_str(out, info && info->input ? info->input : "run");
    fprintf(out, ",\n  \"format\": ");
    json_str(out, info && info->format ? info->format : "");
    fprintf(out, ",\n  \"policy\": ");
    json_str(out, c->policy);
    fprintf(out, ",\n  \"policy_params\": ");
    json_str(out, c->policy_params ? c->policy_params : "");
    fprintf(out,
            ",\n  \"frames\": %" PRIu64 ",\n  \"page_size\": %u,\n  \"va_bits\": %u,\n"
            "  \"levels\": %u,\n  \"tlb_entries\": %u,\n  \"tlb_ways\": %u,\n  \"data\": %s,\n"
            "  \"seed\": %" PRIu64 ",\n  \"flush_interval\": %" PRIu64
            ",\n  \"fail_read\": %" PRIu64 ",\n  \"fail_write\": %" PRIu64 ",\n",
            c->frames, c->page_size, c->va_bits, sys->levels, c->tlb_entries,
            c->tlb_entries ? (c->tlb_ways ? c->tlb_ways : c->tlb_entries) : 0,
            c->data ? "true" : "false", c->seed, c->flush_interval, c->fail_read, c->fail_write);
    fprintf(out,
            "  \"references\": %" PRIu64 ",\n  \"page_faults\": %" PRIu64
            ",\n  \"minor_faults\": %" PRIu64 ",\n  \"major_faults\": %" PRIu64
            ",\n  \"hits\": %" PRIu64 ",\n  \"fault_rate\": %.6f,\n  \"evictions\": %" PRIu64
            ",\n  \"writebacks\": %" PRIu64 ",\n  \"writebacks_saved\": %" PRIu64
            ",\n  \"swap_reads\": %" PRIu64 ",\n  \"zero_fills\": %" PRIu64
            ",\n  \"swap_slots_used\": %" PRIu64 ",\n  \"swap_slots_peak\": %" PRIu64
            ",\n  \"tlb_hits\": %" PRIu64 ",\n  \"tlb_misses\": %" PRIu64 ",\n  \"walks\": %" PRIu64
            ",\n  \"segfaults\": %" PRIu64 ",\n  \"frames_used\": %" PRIu64
            ",\n  \"time_ns\": %" PRIu64 ",\n  \"eat_ns\": %.3f,\n",
            st.references, st.page_faults, st.minor_faults, st.major_faults, st.hits,
            st.references ? (double)st.page_faults / (double)st.references : 0.0, st.evictions,
            st.writebacks, st.writebacks_saved, st.swap_reads, st.zero_fills, st.swap_slots_used,
            st.swap_slots_peak, st.tlb_hits, st.tlb_misses, st.walks, st.segfaults, st.frames_used,
            st.time_ns, vmm_stats_eat_ns(&st));
    fprintf(out,
            "  \"cow_copies\": %" PRIu64 ",\n  \"cow_reuses\": %" PRIu64
            ",\n  \"page_cache_hits\": %" PRIu64 ",\n  \"swap_cache_hits\": %" PRIu64
            ",\n  \"file_reads\": %" PRIu64 ",\n  \"forks\": %" PRIu64 ",\n  \"execs\": %" PRIu64
            ",\n  \"stack_growths\": %" PRIu64 ",\n  \"processes_created\": %u,\n",
            st.cow_copies, st.cow_reuses, st.page_cache_hits, st.swap_cache_hits, st.file_reads,
            st.forks, st.execs, st.stack_growths, st.processes);
    fprintf(out, "  \"file_writes\": {");
    for (int i = 0; i < VMM_WB__COUNT; i++)
        fprintf(out, "%s\"%s\": %" PRIu64, i ? ", " : "", vmm_wb_cause_name(i), st.file_writes[i]);
    fprintf(out,
            "},\n  \"page_cache_pages\": %" PRIu64 ",\n  \"page_cache_mapped\": %" PRIu64
            ",\n  \"dirty_pages\": %" PRIu64 ",\n  \"bus_errors\": %" PRIu64
            ",\n  \"oom_kills\": %" PRIu64 ",\n  \"io_errors\": %" PRIu64
            ",\n  \"io_reads\": %" PRIu64 ",\n  \"io_writes\": %" PRIu64 ",\n",
            st.page_cache_pages, st.page_cache_mapped, st.dirty_pages, st.bus_errors, st.oom_kills,
            st.io_errors, st.io_reads, st.io_writes);
    double el = st.elapsed_ns ? (double)st.elapsed_ns : 1.0;
    fprintf(out,
            "  \"sched\": \"%s\",\n  \"quantum_ns\": %" PRIu64 ",\n  \"quantum_refs\": %" PRIu64
            ",\n  \"asid\": %s,\n  \"replacement\": \"%s\",\n  \"allocation\": \"%s\""
            ",\n  \"min_frames\": %" PRIu64 ",\n  \"ws_delta\": %" PRIu64
            ",\n  \"load_control\": \"%s\",\n  \"pff\": [%u, %u, %" PRIu64 "],\n",
            vmm_setting_name(VMM_SET_SCHED, c->sched), c->quantum_ns, c->quantum_refs,
            c->asid ? "true" : "false", vmm_setting_name(VMM_SET_REPLACEMENT, c->replacement),
            vmm_setting_name(VMM_SET_ALLOCATION, c->allocation), c->min_frames, c->ws_delta,
            vmm_setting_name(VMM_SET_LOAD_CONTROL, c->load_control), c->pff_lower, c->pff_upper,
            c->pff_window);
    fprintf(out,
            "  \"elapsed_ns\": %" PRIu64 ",\n  \"cpu_ns\": %" PRIu64 ",\n  \"switch_ns\": %" PRIu64
            ",\n  \"idle_ns\": %" PRIu64 ",\n  \"disk_ns\": %" PRIu64
            ",\n  \"cpu_util\": %.6f,\n  \"disk_util\": %.6f,\n  \"throughput\": %.3f"
            ",\n  \"context_switches\": %" PRIu64 ",\n  \"suspensions\": %" PRIu64
            ",\n  \"resumptions\": %" PRIu64 ",\n",
            st.elapsed_ns, st.cpu_ns, st.switch_ns, st.idle_ns, st.disk_ns, (double)st.cpu_ns / el,
            (double)st.disk_ns / el, (double)st.references * 1e9 / el, st.context_switches,
            st.suspensions, st.resumptions);
    fprintf(out,
            "  \"mmu\": \"%s\",\n  \"binding\": \"%s\",\n  \"fit\": \"%s\",\n  \"compaction\": %s"
            ",\n  \"swapping\": %s,\n  \"images\": %" PRIu64 ",\n  \"holes\": %" PRIu64
            ",\n  \"largest_hole\": %" PRIu64 ",\n  \"free_bytes\": %" PRIu64
            ",\n  \"ext_frag\": %.6f,\n  \"ext_frag_mean\": %.6f,\n  \"ext_frag_peak\": %.6f"
            ",\n  \"internal_frag\": %" PRIu64 ",\n  \"image_swap_outs\": %" PRIu64
            ",\n  \"image_swap_ins\": %" PRIu64 ",\n  \"image_swap_bytes\": %" PRIu64
            ",\n  \"image_disk_ns\": %" PRIu64 ",\n  \"compactions\": %" PRIu64
            ",\n  \"compact_bytes\": %" PRIu64 ",\n  \"copy_ns\": %" PRIu64
            ",\n  \"limit_traps\": %" PRIu64 ",\n  \"mem_waits\": %" PRIu64
            ",\n  \"reg_loads\": %" PRIu64 ",\n",
            vmm_setting_name(VMM_SET_MMU, c->mmu), vmm_setting_name(VMM_SET_BINDING, c->binding),
            vmm_setting_name(VMM_SET_FIT, c->fit), c->compaction ? "true" : "false",
            c->swapping ? "true" : "false", st.images, st.holes, st.largest_hole, st.free_bytes,
            st.ext_frag, st.ext_frag_mean, st.ext_frag_peak, st.internal_frag, st.image_swap_outs,
            st.image_swap_ins, st.image_swap_bytes, st.image_disk_ns, st.compactions,
            st.compact_bytes, st.copy_ns, st.limit_traps, st.mem_waits, st.reg_loads);
    fprintf(out,
            "  \"cost\": {\"mem_ns\": %" PRIu64 ", \"tlb_ns\": %" PRIu64
            ", \"pt_level_ns\": %" PRIu64 ", \"fault_ns\": %" PRIu64 ", \"swap_read_ns\": %" PRIu64
            ", \"swap_write_ns\": %" PRIu64 ", \"switch_ns\": %" PRIu64 "},\n  \"processes\": [",
            c->cost.mem_ns, c->cost.tlb_ns, c->cost.pt_level_ns, c->cost.fault_ns,
            c->cost.swap_read_ns, c->cost.swap_write_ns, c->cost.switch_ns);
    size_t n = vmm_proc_stats_get(sys, NULL, 0);
    struct vmm_proc_stats *ps = calloc(n ? n : 1, sizeof *ps);
    if (ps) {
        vmm_proc_stats_get(sys, ps, n);
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%s\n    {\"pid\": %u, \"name\": ", i ? "," : "", ps[i].pid);
            json_str(out, ps[i].name);
            fprintf(out,
                    ", \"references\": %" PRIu64 ", \"page_faults\": %" PRIu64
                    ", \"minor_faults\": %" PRIu64 ", \"major_faults\": %" PRIu64
                    ", \"resident_pages\": %" PRIu64 ", \"swapped_pages\": %" PRIu64
                    ", \"evicted\": %" PRIu64 ", \"writebacks\": %" PRIu64
                    ", \"page_table_nodes\": %" PRIu64 ", \"state\": \"%s\"",
                    ps[i].references, ps[i].page_faults, ps[i].minor_faults, ps[i].major_faults,
                    ps[i].resident_pages, ps[i].swapped_pages, ps[i].evicted, ps[i].writebacks,
                    ps[i].page_table_nodes, state_of(&ps[i]));
            fprintf(out,
                    ", \"ppid\": %u, \"zero_fills\": %" PRIu64 ", \"cow_copies\": %" PRIu64
                    ", \"rss_anon_pages\": %" PRIu64 ", \"rss_file_pages\": %" PRIu64
                    ", \"rss_shmem_pages\": %" PRIu64 ", \"shared_pages\": %" PRIu64
                    ", \"private_pages\": %" PRIu64 ", \"pss_bytes\": %" PRIu64
                    ", \"swap_pages\": %" PRIu64,
                    ps[i].ppid, ps[i].zero_fills, ps[i].cow_copies, ps[i].rss_anon, ps[i].rss_file,
                    ps[i].rss_shmem, ps[i].shared, ps[i].private_pages, ps[i].pss_bytes,
                    ps[i].swapped_pages);
            fprintf(out,
                    ", \"run_ns\": %" PRIu64 ", \"ready_ns\": %" PRIu64 ", \"blocked_ns\": %" PRIu64
                    ", \"suspended_ns\": %" PRIu64 ", \"priority\": %u, \"allocation\": %" PRIu64
                    ", \"owned_frames\": %" PRIu64 ", \"ws_size\": %" PRIu64
                    ", \"ws_peak\": %" PRIu64 ", \"suspensions\": %" PRIu64,
                    ps[i].run_ns, ps[i].ready_ns, ps[i].blocked_ns, ps[i].suspended_ns,
                    ps[i].priority, ps[i].allocation, ps[i].owned_frames, ps[i].ws_size,
                    ps[i].ws_peak, ps[i].suspensions);
            fprintf(out,
                    ", \"image_bytes\": %" PRIu64 ", \"image_resident\": %" PRIu64
                    ", \"base\": %" PRIu64 ", \"limit\": %" PRIu64 ", \"image_swap_outs\": %" PRIu64
                    ", \"waiting\": %s",
                    ps[i].image_bytes, ps[i].image_resident, ps[i].base, ps[i].limit,
                    ps[i].image_swap_outs, ps[i].waiting ? "true" : "false");
            if (ps[i].killed) {
                fprintf(out, ", \"kill_addr\": %" PRIu64 ", \"kill_reason\": ", ps[i].kill_addr);
                json_str(out, ps[i].kill_reason);
            }
            fputc('}', out);
        }
        free(ps);
    }
    fprintf(out, "%s]\n}\n", n ? "\n  " : "");
}
