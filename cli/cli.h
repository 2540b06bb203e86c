/*
 * cli.h - the vmm command: shared option parsing and exit codes. No VM logic
 * lives in cli/: it parses arguments, builds a vmm_config, runs the engine
 * and hands the results to a reporter.
 */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include "vmm.h"

/* Exit codes (docs/cli.md). */
enum {
    EXIT_OK = 0,      /* success */
    EXIT_USAGE = 1,   /* bad command line: unknown option, bad value, refused configuration */
    EXIT_INPUT = 2,   /* bad input: a trace or workload that is malformed or unreadable */
    EXIT_CHECK = 3,   /* a workload's check statement found other bytes */
    EXIT_RUNTIME = 4, /* the run failed: host I/O error, out of host memory, broken invariant */
};

/* Options given on the command line; each field applies only if given. */
struct cli_opts {
    struct vmm_config cfg;         /* values of the options given */
    uint32_t given;                /* OPT_* bits of the options given */
    bool json;                     /* --json */
    bool explain;                  /* --explain */
    bool print_demo;               /* run --print-demo */
    const char *refs;              /* --refs LIST */
    const char *files;             /* run --files DIR: where the files a workload names lie */
    const char *timeline;          /* --timeline FILE.csv, or NULL */
    struct vmm_thrash_spec thrash; /* thrash: the experiment */
    bool csv;                      /* thrash --csv */
    bool no_chart;                 /* thrash --no-chart */
    bool disk_cost;                /* --cost-swap-read or --cost-swap-write given */
    uint64_t timeline_ns;          /* --timeline-interval */
    int format;                    /* --format, enum vmm_trace_format */
    char policy_buf[256];          /* storage behind cfg.policy / cfg.policy_params */
    int nargs;                     /* positional arguments */
    char **args;                   /* them */
};

enum {
    OPT_FRAMES = 1u << 0,
    OPT_POLICY = 1u << 1,
    OPT_PAGE_SIZE = 1u << 2,
    OPT_VA_BITS = 1u << 3,
    OPT_TLB = 1u << 4,
    OPT_TLB_WAYS = 1u << 5,
    OPT_SEED = 1u << 6,
    OPT_NO_DATA = 1u << 7,
    OPT_SWAP = 1u << 8,
    OPT_SWAP_SIZE = 1u << 9,
    OPT_MAX_MEMORY = 1u << 10,
    OPT_CHECK = 1u << 11,
    OPT_COST = 1u << 12,
    OPT_FLUSH = 1u << 13,
    OPT_FAIL_READ = 1u << 14,
    OPT_FAIL_WRITE = 1u << 15,
    OPT_SCHED = 1u << 16,
    OPT_QUANTUM = 1u << 17,
    OPT_NO_ASID = 1u << 18,
    OPT_REPLACEMENT = 1u << 19,
    OPT_ALLOCATION = 1u << 20,
    OPT_MIN_FRAMES = 1u << 21,
    OPT_WS_DELTA = 1u << 22,
    OPT_LOAD_CONTROL = 1u << 23,
    OPT_PFF = 1u << 24,
    OPT_MMU = 1u << 25,
    OPT_BINDING = 1u << 26,
    OPT_FIT = 1u << 27,
    OPT_COMPACTION = 1u << 28,
    OPT_NO_SWAPPING = 1u << 29,
    OPT_UNIT = 1u << 30,
    OPT_RESERVE = 1u << 31,
};

/* Parses argv (after the subcommand) into o. Returns EXIT_OK, or EXIT_USAGE
 * after printing the message. */
int cli_parse(int argc, char **argv, const char *cmd, struct cli_opts *o);
/* Copies the options given into cfg (they win over defaults and workload
 * settings). */
void cli_apply(const struct cli_opts *o, struct vmm_config *cfg);
/* Prints "vmm: " and the message to stderr, returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Creates the system or explains why not. Returns EXIT_OK or an exit code. */
int cli_system(const struct vmm_config *cfg, struct vmm_system **sys);
/* Opens the --timeline file and attaches it to sys; *out receives the stream
 * to close after the run (NULL if none). Returns EXIT_OK or an exit code. */
int cli_timeline(const struct cli_opts *o, struct vmm_system *sys, FILE **out);
/* Closes what cli_timeline opened: EXIT_OK, or EXIT_RUNTIME if writing failed. */
int cli_timeline_close(const struct cli_opts *o, FILE *f);
/* Prints the report the options ask for. */
void cli_report(const struct cli_opts *o, struct vmm_system *sys, const char *input,
                const char *format);

/* Writes every reference of tr (without instruction fetches if drop_exec)
 * to out ("-" = standard output) in out_fmt, or the format out's extension
 * names when out_fmt < 0, through a temporary file renamed at the end; says
 * what it did on standard error as "vmm WHO: ...". *refs receives the
 * references written. Returns an exit code. */
int cli_trace_save(struct vmm_trace *tr, const char *in_name, const char *out, int out_fmt,
                   uint32_t page_size, bool drop_exec, const char *who, uint64_t *refs);

int cmd_replay(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_thrash(int argc, char **argv);
int cmd_translate(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
