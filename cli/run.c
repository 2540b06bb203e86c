/*
 * run.c - `vmm run [WORKLOAD]`: a workload script, or the built-in demo.
 * Settings in the script come first; options on the command line win.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_run(int argc, char **argv)
{
    struct cli_opts o;
    struct vmm_config cfg;
    struct vmm_system *sys = NULL;
    struct vmm_workload *w = NULL;
    uint64_t failures = 0;
    FILE *tl = NULL;
    char err[512];
    int r = cli_parse(argc, argv, "run", &o);
    if (r)
        return r < 0 ? EXIT_OK : r;
    if (o.print_demo) {
        fputs(vmm_demo_workload(), stdout);
        return EXIT_OK;
    }
    if (o.nargs > 1)
        return cli_error(EXIT_USAGE, "run: one workload at a time (got %d)", o.nargs);
    const char *name = !o.nargs                      ? "built-in demo"
                       : strcmp(o.args[0], "-") == 0 ? "stdin"
                                                     : o.args[0];
    int e = o.nargs ? vmm_workload_load(o.args[0], &w, err, sizeof err)
                    : vmm_workload_parse("demo.vmw", vmm_demo_workload(), &w, err, sizeof err);
    if (e < 0)
        return cli_error(e == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT, "%s", err);
    if (o.files && vmm_workload_set_files(w, o.files) < 0) {
        vmm_workload_free(w);
        return cli_error(EXIT_RUNTIME, "out of memory");
    }
    vmm_config_default(&cfg);
    vmm_workload_settings(w, &cfg);
    cli_apply(&o, &cfg);
    if ((r = cli_system(&cfg, &sys)) != EXIT_OK)
        goto out;
    if (o.explain && vmm_explain_attach(sys, o.json ? stderr : stdout) < 0) {
        r = cli_error(EXIT_RUNTIME, "%s", vmm_system_error(sys));
        goto out;
    }
    if ((r = cli_timeline(&o, sys, &tl)) != EXIT_OK)
        goto out;
    e = vmm_workload_run(sys, w, o.json ? stderr : stdout, &failures);
    if (e < 0) {
        r = cli_error(e == VMM_ENOMEM || e == VMM_EIO || e == VMM_EINVARIANT ? EXIT_RUNTIME
                                                                             : EXIT_INPUT,
                      "%s", vmm_system_error(sys));
        goto out;
    }
    vmm_timeline_finish(sys);
    if (!o.json)
        fputc('\n', stdout);
    cli_report(&o, sys, name, "workload");
    r = failures ? cli_error(EXIT_CHECK, "%llu check(s) failed", (unsigned long long)failures)
                 : EXIT_OK;
out:
    vmm_system_destroy(sys);
    vmm_workload_free(w);
    if (cli_timeline_close(&o, tl) != EXIT_OK && r == EXIT_OK)
        r = EXIT_RUNTIME;
    return r;
}
