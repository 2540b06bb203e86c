/*
 * thrash.c - `vmm thrash`: the thrashing experiment (vmm_thrash_run), printed
 * as a table with a chart drawn in the terminal, or as CSV or JSON.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_csv(const struct vmm_thrash_point *pt, unsigned n)
{
    printf("copies,cpu_util,cpu_util_controlled,disk_util,disk_util_controlled,page_faults,"
           "page_faults_controlled,throughput,throughput_controlled,suspensions\n");
    for (unsigned i = 0; i < n; i++)
        printf("%u,%.4f,%.4f,%.4f,%.4f,%llu,%llu,%.1f,%.1f,%llu\n", pt[i].degree,
               pt[i].plain.cpu_util, pt[i].controlled.cpu_util, pt[i].plain.disk_util,
               pt[i].controlled.disk_util, (unsigned long long)pt[i].plain.page_faults,
               (unsigned long long)pt[i].controlled.page_faults, pt[i].plain.throughput,
               pt[i].controlled.throughput, (unsigned long long)pt[i].controlled.suspensions);
}

static void print_run_json(const struct vmm_thrash_run *r)
{
    printf("{\"cpu_util\": %.6f, \"disk_util\": %.6f, \"throughput\": %.3f, \"references\": %llu, "
           "\"page_faults\": %llu, \"elapsed_ns\": %llu, \"suspensions\": %llu}",
           r->cpu_util, r->disk_util, r->throughput, (unsigned long long)r->references,
           (unsigned long long)r->page_faults, (unsigned long long)r->elapsed_ns,
           (unsigned long long)r->suspensions);
}

static void print_json(const struct vmm_config *cfg, const struct vmm_thrash_spec *sp,
                       const struct vmm_thrash_point *pt)
{
    printf(
        "{\n  \"policy\": \"%s\",\n  \"frames\": %llu,\n  \"pages\": %llu,\n  \"phases\": %llu,\n"
        "  \"phase_pages\": %llu,\n  \"refs\": %llu,\n  \"write\": %.4f,\n  \"control\": \"%s\",\n"
        "  \"quantum_ns\": %llu,\n  \"quantum_refs\": %llu,\n  \"swap_read_ns\": %llu,\n"
        "  \"ws_delta\": %llu,\n  \"points\": [",
        cfg->policy, (unsigned long long)cfg->frames, (unsigned long long)sp->pages,
        (unsigned long long)sp->phases, (unsigned long long)sp->phase_pages,
        (unsigned long long)sp->refs, sp->write,
        vmm_setting_name(VMM_SET_LOAD_CONTROL, sp->control), (unsigned long long)cfg->quantum_ns,
        (unsigned long long)cfg->quantum_refs, (unsigned long long)cfg->cost.swap_read_ns,
        (unsigned long long)cfg->ws_delta);
    for (unsigned i = 0; i < sp->max_degree; i++) {
        printf("%s\n    {\"copies\": %u, \"none\": ", i ? "," : "", pt[i].degree);
        print_run_json(&pt[i].plain);
        printf(", \"controlled\": ");
        print_run_json(&pt[i].controlled);
        printf("}");
    }
    printf("\n  ]\n}\n");
}

/* CPU utilisation against copies in rows of 5%, from the highest value down
 * to 0: '*' without load control, 'o' with it, '#' where both fall in the
 * same cell. */
static void print_chart(const struct vmm_thrash_point *pt, unsigned n, const char *ctl)
{
    int top = 0;
    for (unsigned i = 0; i < n; i++) {
        int a = (int)(pt[i].plain.cpu_util * 20 + 0.5),
            b = (int)(pt[i].controlled.cpu_util * 20 + 0.5);
        top = a > top ? a : b > top ? b : top;
    }
    printf("\nCPU utilisation: * without load control, o with %s (# both)\n", ctl);
    for (int row = top; row >= 0; row--) {
        printf("%4d%% |", row * 5);
        for (unsigned i = 0; i < n; i++) {
            int a = (int)(pt[i].plain.cpu_util * 20 + 0.5);
            int b = (int)(pt[i].controlled.cpu_util * 20 + 0.5);
            char ch = a == row && b == row ? '#' : a == row ? '*' : b == row ? 'o' : ' ';
            printf("  %c", ch);
        }
        putchar('\n');
    }
    printf("      +");
    for (unsigned i = 0; i < n; i++)
        printf("---");
    printf("\n       ");
    for (unsigned i = 0; i < n; i++)
        printf("%3u", pt[i].degree % 1000);
    printf("  copies\n");
}

int cmd_thrash(int argc, char **argv)
{
    struct cli_opts o;
    struct vmm_config cfg;
    char err[512], a[32];
    int r = cli_parse(argc, argv, "thrash", &o);
    if (r)
        return r < 0 ? EXIT_OK : r;
    if (o.nargs)
        return cli_error(EXIT_USAGE, "thrash: unexpected argument '%s' (vmm thrash --help)",
                         o.args[0]);
    vmm_config_default(&cfg);
    /* The experiment's own defaults: an SSD's disk and a short quantum, so
     * that a copy's locality (a few thousand references) costs about as much
     * CPU as reading it in. With an 8 ms disk each locality would need a
     * million references for the same picture. */
    cfg.cost.swap_read_ns = cfg.cost.swap_write_ns = 100000;
    cfg.quantum_ns = 100000;
    cli_apply(&o, &cfg);
    if (!o.disk_cost)
        cfg.cost.swap_read_ns = cfg.cost.swap_write_ns = 100000;
    const struct vmm_thrash_spec *sp = &o.thrash;
    struct vmm_thrash_point *pt = calloc(sp->max_degree, sizeof *pt);
    if (!pt)
        return cli_error(EXIT_RUNTIME, "out of memory");
    int e = vmm_thrash_run(&cfg, sp, pt, err, sizeof err);
    if (e < 0) {
        free(pt);
        return cli_error(e == VMM_ENOMEM || e == VMM_EIO ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
    }
    const char *ctl = vmm_setting_name(VMM_SET_LOAD_CONTROL, sp->control);
    if (o.csv) {
        print_csv(pt, sp->max_degree);
    } else if (o.json) {
        print_json(&cfg, sp, pt);
    } else {
        printf("vmm thrash: 1 .. %u copies of a program moving through %llu localities of %llu "
               "pages (of %llu), %llu references each\n",
               sp->max_degree, (unsigned long long)sp->phases, (unsigned long long)sp->phase_pages,
               (unsigned long long)sp->pages, (unsigned long long)sp->refs);
        printf("  %s, %llu frames, disk %llu ns a page, round robin quantum ", cfg.policy,
               (unsigned long long)cfg.frames, (unsigned long long)cfg.cost.swap_read_ns);
        if (cfg.quantum_refs)
            snprintf(a, sizeof a, "%llu references", (unsigned long long)cfg.quantum_refs);
        else
            snprintf(a, sizeof a, "%llu ns", (unsigned long long)cfg.quantum_ns);
        printf("%s, seed %llu\n\n", a, (unsigned long long)cfg.seed);
        printf("copies  CPU none  CPU %-4s  disk none  disk %-4s  faults none  faults %-4s  "
               "suspensions\n",
               ctl, ctl, ctl);
        for (unsigned i = 0; i < sp->max_degree; i++)
            printf("%6u  %7.1f%%  %7.1f%%  %8.1f%%  %8.1f%%  %11llu  %11llu  %11llu\n",
                   pt[i].degree, 100 * pt[i].plain.cpu_util, 100 * pt[i].controlled.cpu_util,
                   100 * pt[i].plain.disk_util, 100 * pt[i].controlled.disk_util,
                   (unsigned long long)pt[i].plain.page_faults,
                   (unsigned long long)pt[i].controlled.page_faults,
                   (unsigned long long)pt[i].controlled.suspensions);
        if (!o.no_chart)
            print_chart(pt, sp->max_degree, ctl);
    }
    free(pt);
    return EXIT_OK;
}
