/*
 * record.c - `vmm record [-o FILE] -- PROGRAM ARGS...`: runs a program under
 * Valgrind's lackey tool and streams every memory reference it makes into a
 * trace (.vmt by default), through a pipe: no temporary text file.
 *
 *   valgrind --tool=lackey --trace-mem=yes --log-fd=W PROGRAM ARGS
 *        |  lackey lines on the pipe's write end W
 *        v
 *   vmm_trace_open("/dev/fd/R", lackey) -> cli_trace_save -> FILE.vmt
 *
 * The program's own standard input and output are its own (its standard
 * output goes to standard error when the trace itself goes to standard
 * output). Valgrind's banner lines on the pipe are skipped by the lackey
 * reader.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
    puts("usage: vmm record [options] -- PROGRAM [ARGS...]\n\n"
         "Runs PROGRAM under Valgrind's lackey tool and writes every memory reference it\n"
         "makes (instruction fetches, loads, stores) to a trace, streamed through a pipe.\n\n"
         "options:\n"
         "  -o, --output FILE       the trace; its extension names the format (.vmt, .vmm,\n"
         "                          ...; .gz or .xz compresses it); - = standard output\n"
         "                          [PROGRAM's name].vmt\n"
         "      --no-ifetch         leave instruction fetches out (loads and stores only)\n"
         "      --page-size SIZE    the page size recorded as the trace's hint [4K]\n"
         "exit codes: 0 ok, 1 usage (or Valgrind missing), 2 bad lackey output, 4 failed;\n"
         "the program's own exit status is reported, not returned");
    return -1;
}

/* The path of an executable named name on $PATH, into buf; false if none. */
static bool on_path(const char *name, char *buf, size_t len)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(buf, len, "%.*s/%s", (int)n, n ? path : ".", name);
        if (access(buf, X_OK) == 0)
            return true;
        path += n + (colon != NULL);
    }
    return false;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_record(int argc, char **argv)
{
    enum { O_NO_IFETCH = 256, O_PAGE };
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"no-ifetch", no_argument, 0, O_NO_IFETCH},
        {"page-size", required_argument, 0, O_PAGE},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL;
    bool no_ifetch = false;
    uint32_t page_size = 4096;
    char deflt[512], valgrind[4096], err[512], fdpath[64];
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:o:h", longopts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        uint64_t v;
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case O_NO_IFETCH:
            no_ifetch = true;
            break;
        case O_PAGE:
            if (vmm_parse_size(optarg, &v) < 0 || v < 512 || v > (1u << 20) || (v & (v - 1)))
                return cli_error(EXIT_USAGE,
                                 "--page-size: expected a power of two from 512 to 1M, such as "
                                 "4096 or 4K; found '%s'",
                                 optarg);
            page_size = (uint32_t)v;
            break;
        case 'h':
            usage();
            return EXIT_OK;
        case ':':
            return cli_error(EXIT_USAGE, "%s: missing its value (vmm record --help)", name);
        default:
            return cli_error(EXIT_USAGE, "unknown option '%s' (vmm record --help)", name);
        }
    }
    if (optind >= argc)
        return cli_error(EXIT_USAGE,
                         "record: expected the program to run, as in vmm record -- ls -l "
                         "(vmm record --help)");
    char **prog = argv + optind;
    if (!out) {
        const char *base = strrchr(prog[0], '/');
        snprintf(deflt, sizeof deflt, "%s.vmt", base ? base + 1 : prog[0]);
        out = deflt;
    }
    if (!on_path("valgrind", valgrind, sizeof valgrind))
        return cli_error(EXIT_USAGE,
                         "record needs Valgrind, which is not on this machine's PATH: install "
                         "it (Debian, Ubuntu: apt-get install valgrind; Fedora: dnf install "
                         "valgrind) and run the command again");
    bool to_stdout = strcmp(out, "-") == 0;

    int fds[2];
    if (pipe(fds) < 0)
        return cli_error(EXIT_RUNTIME, "record: pipe: %s", strerror(errno));
    fflush(NULL);
    double t0 = now_s();
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return cli_error(EXIT_RUNTIME, "record: fork: %s", strerror(errno));
    }
    if (child == 0) { /* valgrind, its log on the pipe */
        char logfd[32];
        close(fds[0]);
        if (to_stdout) /* the trace owns standard output */
            dup2(STDERR_FILENO, STDOUT_FILENO);
        snprintf(logfd, sizeof logfd, "--log-fd=%d", fds[1]);
        size_t n = (size_t)(argc - optind);
        char **args = calloc(n + 5, sizeof *args);
        if (!args)
            _exit(127);
        args[0] = valgrind;
        args[1] = "--tool=lackey";
        args[2] = "--trace-mem=yes";
        args[3] = logfd;
        memcpy(args + 4, prog, n * sizeof *args);
        execv(valgrind, args);
        fprintf(stderr, "vmm: record: cannot run %s: %s\n", valgrind, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", fds[0]);
    struct vmm_trace *tr = NULL;
    uint64_t refs = 0;
    int r = vmm_trace_open(fdpath, VMM_FMT_LACKEY, page_size, &tr, err, sizeof err);
    if (r < 0) {
        r = cli_error(EXIT_RUNTIME, "record: %s", err);
    } else {
        char name[256];
        snprintf(name, sizeof name, "lackey of %s", prog[0]);
        r = cli_trace_save(tr, name, out, to_stdout ? VMM_FMT_VMT : -1, page_size, no_ifetch,
                           "record", &refs);
        vmm_trace_close(tr);
    }
    close(fds[0]); /* a program still writing gets SIGPIPE */
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    double secs = now_s() - t0;
    if (r != EXIT_OK)
        return r;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) { /* no trace of a program */
        if (!to_stdout)
            unlink(out);
        return cli_error(EXIT_RUNTIME, "record: Valgrind could not run %s", prog[0]);
    }
    if (WIFEXITED(status))
        fprintf(stderr, "vmm record: %s exited with status %d", prog[0], WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        fprintf(stderr, "vmm record: %s was killed by signal %d", prog[0], WTERMSIG(status));
    fprintf(stderr, "; %llu references%s in %.2f s: %.2f M references/s captured\n",
            (unsigned long long)refs, no_ifetch ? " (no instruction fetches)" : "", secs,
            secs > 0 ? (double)refs / secs / 1e6 : 0.0);
    return EXIT_OK;
}
