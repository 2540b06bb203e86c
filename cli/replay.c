/*
 * replay.c - `vmm replay`: trace files (or --refs) through the paging system.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Maps a library error from opening or reading a trace to an exit code. */
static int trace_exit(int r)
{
    return r == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
}

int cmd_replay(int argc, char **argv)
{
    struct cli_opts o;
    struct vmm_config cfg;
    struct vmm_system *sys = NULL;
    struct vmm_trace **tr = NULL;
    char err[512], input[1024] = "";
    FILE *tl = NULL;
    size_t ntr = 0;
    int r = cli_parse(argc, argv, "replay", &o);
    if (r)
        return r < 0 ? EXIT_OK : r;
    if (!o.refs && o.nargs == 0)
        return cli_error(EXIT_USAGE, "replay: name a trace file (or - for standard input), or "
                                     "give --refs LIST");
    if (o.refs && o.nargs > 0)
        return cli_error(EXIT_USAGE, "replay: give trace files or --refs, not both");
    vmm_config_default(&cfg);
    cli_apply(&o, &cfg);
    if ((r = cli_system(&cfg, &sys)) != EXIT_OK)
        return r;

    tr = calloc(o.refs ? 1 : (size_t)o.nargs, sizeof *tr);
    if (!tr) {
        r = cli_error(EXIT_RUNTIME, "out of memory");
        goto out;
    }
    if (o.refs) {
        int e = vmm_trace_open_string("--refs", o.refs, cfg.page_size, &tr[0], err, sizeof err);
        if (e < 0) {
            r = cli_error(trace_exit(e), "%s", err);
            goto out;
        }
        ntr = 1;
        snprintf(input, sizeof input, "--refs %s", o.refs);
    }
    for (int i = 0; i < o.nargs; i++) {
        int e = vmm_trace_open(o.args[i], (enum vmm_trace_format)o.format, cfg.page_size, &tr[ntr],
                               err, sizeof err);
        if (e < 0) {
            r = cli_error(trace_exit(e), "%s", err);
            goto out;
        }
        ntr++;
        size_t l = strlen(input);
        snprintf(input + l, sizeof input - l, "%s%s", i ? " " : "", o.args[i]);
    }
    if (o.explain && vmm_explain_attach(sys, o.json ? stderr : stdout) < 0) {
        r = cli_error(EXIT_RUNTIME, "%s", vmm_system_error(sys));
        goto out;
    }
    if ((r = cli_timeline(&o, sys, &tl)) != EXIT_OK)
        goto out;
    int e = vmm_replay(sys, tr, ntr);
    if (e < 0) {
        r = cli_error(e == VMM_EPARSE || e == VMM_ERANGE || e == VMM_EUNSUPPORTED || e == VMM_EIO
                          ? EXIT_INPUT
                          : EXIT_RUNTIME,
                      "%s", vmm_system_error(sys));
        goto out;
    }
    vmm_timeline_finish(sys);
    {
        char fmt[64];
        snprintf(fmt, sizeof fmt, "%s%s%s", vmm_trace_format_name(vmm_trace_format_of(tr[0])),
                 *vmm_trace_compression(tr[0]) ? ", " : "", vmm_trace_compression(tr[0]));
        cli_report(&o, sys, input, fmt);
    }
    r = EXIT_OK;
out:
    for (size_t i = 0; i < ntr; i++)
        vmm_trace_close(tr[i]);
    free(tr);
    vmm_system_destroy(sys);
    if (cli_timeline_close(&o, tl) != EXIT_OK && r == EXIT_OK)
        r = EXIT_RUNTIME;
    return r;
}
