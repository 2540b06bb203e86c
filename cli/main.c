/*
 * main.c - the vmm command: dispatch to a subcommand.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;                 /* subcommand */
    int (*fn)(int argc, char **argv); /* its entry, given argv from the subcommand on */
    const char *summary;              /* for `vmm help` */
} commands[] = {
    {"run", cmd_run, "run a workload script (no file: the built-in demo)"},
    {"replay", cmd_replay,
     "replay memory-reference traces (paging, or --mmu relocation or segmentation)"},
    {"policies", cmd_policies, "list the page-replacement policies"},
    {"thrash", cmd_thrash,
     "CPU utilisation against the number of processes, with and without "
     "load control"},
    {"translate", cmd_translate,
     "address-translation exercises: relocation, segmentation, paging (by hand or "
     "generated)"},
    {"convert", cmd_convert, "convert a trace between formats, e.g. to the compact binary .vmt"},
    {"record", cmd_record, "run a program under Valgrind lackey and record its memory references"},
    {"sweep", cmd_sweep, "fault curves: page faults of several policies at many frame counts"},
};

static int help(FILE *out)
{
    fprintf(out,
            "vmm %s - a model of an operating system's virtual memory\n\n"
            "usage: vmm COMMAND [options] [args]\n\ncommands:\n",
            VMM_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`vmm COMMAND --help` shows a command's options; docs/cli.md has them all.\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return help(stderr), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return help(stdout);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("vmm %s (gzip traces: %s, xz traces: %s)\n", VMM_VERSION,
               vmm_have_gzip() ? "yes" : "no (build with zlib1g-dev)",
               vmm_have_xz() ? "yes" : "no (build with liblzma-dev)");
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    return cli_error(EXIT_USAGE, "unknown command '%s' (vmm help lists them)", cmd);
}
