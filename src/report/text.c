/*
 * text.c - the summary a person reads at a glance: the machine modelled, the
 * fault counts, what the dirty bit saved, the TLB, the effective access time
 * from the cost model next to the textbook formula, and one row per process.
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

void vmm_report_text(const struct vmm_system *sys, const struct vmm_report_info *info, FILE *out)
{
    const struct vmm_config *c = &sys->cfg;
    struct vmm_stats st;
    char a[32], b[32], d[32];
    vmm_stats_get(sys, &st);

    fprintf(out, "vmm: %s", info && info->input ? info->input : "run");
    if (info && info->format)
        fprintf(out, " (%s)", info->format);
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
    fprintf(out, "hits             %12" PRIu64 "\n", st.hits);
    fprintf(out,
            "evictions        %12" PRIu64 "   dirty, written back %" PRIu64
            "; clean, write-backs the dirty bit saved %" PRIu64 "\n",
            st.evictions, st.writebacks, st.writebacks_saved);
    fprintf(out,
            "swap reads       %12" PRIu64 "   swap slots in use %" PRIu64 " at the end, %" PRIu64
            " at most\n",
            st.swap_reads, st.swap_slots_used, st.swap_slots_peak);
    if (c->tlb_entries)
        fprintf(out, "TLB hits         %12" PRIu64 "   misses %" PRIu64 "; hit ratio %.2f%%\n",
                st.tlb_hits, st.tlb_misses, pct(st.tlb_hits, st.tlb_hits + st.tlb_misses));
    if (st.segfaults)
        fprintf(out, "segfaults        %12" PRIu64 "\n", st.segfaults);

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

    size_t n = vmm_proc_stats_get(sys, NULL, 0);
    struct vmm_proc_stats *ps = calloc(n ? n : 1, sizeof *ps);
    if (!ps)
        return;
    vmm_proc_stats_get(sys, ps, n);
    fprintf(out, "\n%7s %-10s %12s %10s %10s %10s %9s %8s  %s\n", "pid", "name", "references",
            "faults", "minor", "major", "resident", "swapped", "state");
    for (size_t i = 0; i < n; i++) {
        fprintf(out,
                "%7u %-10s %12" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %9" PRIu64
                " %8" PRIu64 "  %s",
                ps[i].pid, ps[i].name, ps[i].references, ps[i].page_faults, ps[i].minor_faults,
                ps[i].major_faults, ps[i].resident_pages, ps[i].swapped_pages, state_of(&ps[i]));
        if (ps[i].killed)
            fprintf(out, ": %s", ps[i].kill_reason);
        fputc('\n', out);
    }
    free(ps);
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
            "  \"seed\": %" PRIu64 ",\n",
            c->frames, c->page_size, c->va_bits, sys->levels, c->tlb_entries,
            c->tlb_entries ? (c->tlb_ways ? c->tlb_ways : c->tlb_entries) : 0,
            c->data ? "true" : "false", c->seed);
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
            "  \"cost\": {\"mem_ns\": %" PRIu64 ", \"tlb_ns\": %" PRIu64
            ", \"pt_level_ns\": %" PRIu64 ", \"fault_ns\": %" PRIu64 ", \"swap_read_ns\": %" PRIu64
            ", \"swap_write_ns\": %" PRIu64 "},\n  \"processes\": [",
            c->cost.mem_ns, c->cost.tlb_ns, c->cost.pt_level_ns, c->cost.fault_ns,
            c->cost.swap_read_ns, c->cost.swap_write_ns);
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
