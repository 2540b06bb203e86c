/*
 * convert.c - `vmm convert IN OUT`: a trace in any format vmm reads, written
 * as .vmt, vmm text, pages or raw page numbers. The library reads
 * (vmm_trace_open) and writes (vmm_trace_writer); this file picks the
 * formats, writes OUT so that a failure never leaves a half-written file in
 * its place (a temporary file beside it, renamed at the end), and reports.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WRITABLE "vmt, vmm, pages, u32be, u32le or u64le"

static int usage(void)
{
    puts("usage: vmm convert [options] IN OUT\n\n"
         "Reads the trace IN (any format vmm replays; - = standard input) and writes it to\n"
         "OUT (- = standard output) in the format OUT's extension names: .vmt, .vmm, .pages,\n"
         ".u32be, .u32le, .u64le, each optionally followed by .gz or .xz.\n\n"
         "options:\n"
         "      --format FMT        IN's format: auto, pages, addr, lackey, vmm, u32be, u32le,\n"
         "                          u64le, vmt [auto]\n"
         "      --to FMT            OUT's format, whatever its name: " WRITABLE "\n"
         "      --page-size SIZE    turns page numbers into addresses and back; splits\n"
         "                          accesses at page boundaries [4K]\n"
         "exit codes: 0 ok, 1 usage, 2 bad input, 4 writing failed");
    return -1;
}

static bool writable(int fmt)
{
    return fmt == VMM_FMT_VMT || fmt == VMM_FMT_VMM || fmt == VMM_FMT_PAGES ||
           fmt == VMM_FMT_U32BE || fmt == VMM_FMT_U32LE || fmt == VMM_FMT_U64LE;
}

struct convert_opts {
    int in_fmt;         /* --format, enum vmm_trace_format */
    int out_fmt;        /* --to, or -1 */
    uint32_t page_size; /* --page-size */
    const char *in;     /* IN */
    const char *out;    /* OUT */
};

/* Parses argv into o. Returns EXIT_OK, -1 after --help, or EXIT_USAGE. */
static int parse(int argc, char **argv, struct convert_opts *o)
{
    enum { O_FORMAT = 256, O_TO, O_PAGE };
    static const struct option longopts[] = {
        {"format", required_argument, 0, O_FORMAT},
        {"to", required_argument, 0, O_TO},
        {"page-size", required_argument, 0, O_PAGE},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    *o = (struct convert_opts){VMM_FMT_AUTO, -1, 4096, NULL, NULL};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        uint64_t v;
        switch (c) {
        case O_FORMAT:
            o->in_fmt = vmm_trace_format_parse(optarg);
            if (o->in_fmt < 0)
                return cli_error(EXIT_USAGE,
                                 "--format: unknown format '%s' (expected auto, pages, addr, "
                                 "lackey, vmm, u32be, u32le, u64le or vmt)",
                                 optarg);
            break;
        case O_TO:
            o->out_fmt = vmm_trace_format_parse(optarg);
            if (!writable(o->out_fmt))
                return cli_error(EXIT_USAGE, "--to: cannot write '%s' (expected " WRITABLE ")",
                                 optarg);
            break;
        case O_PAGE: {
            int r = vmm_parse_size(optarg, &v);
            if (r < 0 || v < 512 || v > (1u << 20) || (v & (v - 1)))
                return cli_error(EXIT_USAGE,
                                 "--page-size: expected a power of two from 512 to 1M, such as "
                                 "4096 or 4K; found '%s'",
                                 optarg);
            o->page_size = (uint32_t)v;
            break;
        }
        case 'h':
            return usage();
        case ':':
            return cli_error(EXIT_USAGE, "%s: missing its value (vmm convert --help)", name);
        default:
            return cli_error(EXIT_USAGE, "unknown option '%s' (vmm convert --help)", name);
        }
    }
    if (argc - optind != 2)
        return cli_error(EXIT_USAGE,
                         "convert: expected IN and OUT, found %d argument%s (vmm convert --help)",
                         argc - optind, argc - optind == 1 ? "" : "s");
    o->in = argv[optind];
    o->out = argv[optind + 1];
    return EXIT_OK;
}

/* OUT's format and compression: --to, else its extension (after .gz/.xz). */
static int out_format(const struct convert_opts *o, int *fmt, enum vmm_compress *comp)
{
    const char *out = o->out;
    size_t len = strlen(out);
    *comp = VMM_COMPRESS_NONE;
    if (strcmp(out, "-") != 0 && len > 3 && strcmp(out + len - 3, ".gz") == 0) {
        *comp = VMM_COMPRESS_GZIP;
        len -= 3;
    } else if (strcmp(out, "-") != 0 && len > 3 && strcmp(out + len - 3, ".xz") == 0) {
        *comp = VMM_COMPRESS_XZ;
        len -= 3;
    }
    if (*comp == VMM_COMPRESS_GZIP && !vmm_have_gzip())
        return cli_error(EXIT_USAGE,
                         "%s: gzip output needs zlib, and this vmm was built without it "
                         "(apt-get install zlib1g-dev, then rebuild); or write - and pipe "
                         "through gzip",
                         out);
    if (*comp == VMM_COMPRESS_XZ && !vmm_have_xz())
        return cli_error(EXIT_USAGE,
                         "%s: xz output needs liblzma, and this vmm was built without it "
                         "(apt-get install liblzma-dev, then rebuild); or write - and pipe "
                         "through xz",
                         out);
    if (o->out_fmt >= 0) {
        *fmt = o->out_fmt;
        return EXIT_OK;
    }
    char ext[16] = "";
    const char *dot = NULL;
    for (size_t i = len; i > 0 && out[i - 1] != '/'; i--) {
        if (out[i - 1] == '.') {
            dot = out + i;
            break;
        }
    }
    if (dot && (size_t)(out + len - dot) < sizeof ext)
        snprintf(ext, sizeof ext, "%.*s", (int)(out + len - dot), dot);
    *fmt = vmm_trace_format_parse(ext);
    if (!writable(*fmt))
        return cli_error(EXIT_USAGE,
                         "convert: cannot tell the output format from '%s'; end its name in "
                         ".vmt, .vmm, .pages, .u32be, .u32le or .u64le, or name it with --to "
                         "FMT",
                         out);
    return EXIT_OK;
}

/* Exit codes of library errors. Reading: every failure is the input's (as in
 * vmm replay) but running out of memory. Writing: a reference the output
 * cannot hold is the input's; a failed write is the host's. */
static int read_exit(int e)
{
    return e == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
}

static int write_exit(int e)
{
    return e == VMM_ERANGE ? EXIT_INPUT : EXIT_RUNTIME;
}

static void describe(char *buf, size_t len, const char *fmt, const char *comp)
{
    snprintf(buf, len, "%s%s%s", fmt, *comp ? ", " : "", comp);
}

int cli_trace_save(struct vmm_trace *tr, const char *in_name, const char *out, int out_fmt,
                   uint32_t page_size, bool drop_exec, const char *who, uint64_t *refs)
{
    struct vmm_trace_writer *w = NULL;
    FILE *f = NULL;
    char err[768], tmp[4200] = "";
    enum vmm_compress comp = VMM_COMPRESS_NONE;
    struct convert_opts o = {VMM_FMT_AUTO, out_fmt, page_size, in_name, out};
    int r, e;
    *refs = 0;
    if ((r = out_format(&o, &out_fmt, &comp)) != EXIT_OK)
        return r;
    bool to_stdout = strcmp(out, "-") == 0;
    const char *out_name = to_stdout ? "stdout" : out;
    if (to_stdout) {
        f = stdout;
    } else {
        /* A temporary file beside OUT (same file system, so rename is atomic),
         * with the permissions a new file would get. */
        snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", out);
        int fd = mkstemp(tmp);
        if (fd < 0) {
            tmp[0] = '\0';
            r = cli_error(EXIT_RUNTIME, "%s: cannot create: %s", out, strerror(errno));
            goto out;
        }
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) < 0 || !(f = fdopen(fd, "wb"))) {
            close(fd);
            r = cli_error(EXIT_RUNTIME, "%s: cannot create: %s", out, strerror(errno));
            goto out;
        }
    }
    unsigned flags = out_fmt == VMM_FMT_VMT ? vmm_trace_fields(tr) : 0;
    e = vmm_trace_writer_open(f, (enum vmm_trace_format)out_fmt, flags, page_size, comp, &w, err,
                              sizeof err);
    if (e < 0) {
        r = cli_error(e == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s: %s", out_name, err);
        goto out;
    }
    {
        enum { BATCH = 4096 };
        static struct vmm_ref batch[BATCH];
        long got;
        while ((got = vmm_trace_read(tr, batch, BATCH)) > 0) {
            size_t n = (size_t)got;
            if (drop_exec) { /* instruction fetches left out */
                n = 0;
                for (long i = 0; i < got; i++)
                    if (batch[i].op != VMM_EXEC)
                        batch[n++] = batch[i];
            }
            if ((e = vmm_trace_write(w, batch, n)) < 0) {
                r = cli_error(write_exit(e), "%s: %s", out_name, vmm_trace_writer_error(w));
                goto out;
            }
        }
        if (got < 0) {
            r = cli_error(read_exit((int)got), "%s", vmm_trace_error(tr));
            goto out;
        }
    }
    if ((e = vmm_trace_writer_finish(w)) < 0) {
        r = cli_error(write_exit(e), "%s: %s", out_name, vmm_trace_writer_error(w));
        goto out;
    }
    if (!to_stdout) {
        int bad = ferror(f);
        bad |= fclose(f);
        f = NULL;
        if (bad) {
            r = cli_error(EXIT_RUNTIME, "%s: write error: %s", out, strerror(errno));
            goto out;
        }
        if (rename(tmp, out) < 0) {
            r = cli_error(EXIT_RUNTIME, "%s: cannot rename %s to it: %s", out, tmp,
                          strerror(errno));
            goto out;
        }
        tmp[0] = '\0';
    }
    {
        struct vmm_trace_writer_stats st;
        char din[64], dout[64];
        vmm_trace_writer_stats(w, &st);
        *refs = st.refs;
        uint64_t in_bytes = vmm_trace_bytes_in(tr);
        describe(din, sizeof din, vmm_trace_format_name(vmm_trace_format_of(tr)),
                 vmm_trace_compression(tr));
        describe(dout, sizeof dout, vmm_trace_format_name((enum vmm_trace_format)out_fmt),
                 comp == VMM_COMPRESS_GZIP ? "gzip"
                 : comp == VMM_COMPRESS_XZ ? "xz"
                                           : "");
        fprintf(stderr,
                "vmm %s: %s (%s) -> %s (%s): %llu references, %llu bytes in, %llu bytes "
                "out, ratio %.2f\n",
                who, in_name, din, out_name, dout, (unsigned long long)st.refs,
                (unsigned long long)in_bytes, (unsigned long long)st.bytes,
                st.bytes ? (double)in_bytes / (double)st.bytes : 0.0);
        if (st.lossy)
            fprintf(stderr,
                    "vmm %s: note: %s holds page numbers only: %llu references lost their "
                    "operation, pid, size or offset\n",
                    who, vmm_trace_format_name((enum vmm_trace_format)out_fmt),
                    (unsigned long long)st.lossy);
    }
    r = EXIT_OK;
out:
    vmm_trace_writer_free(w);
    if (f && f != stdout)
        fclose(f);
    if (tmp[0])
        unlink(tmp);
    return r;
}

int cmd_convert(int argc, char **argv)
{
    struct convert_opts o;
    struct vmm_trace *tr = NULL;
    char err[768];
    int r;
    if ((r = parse(argc, argv, &o)) != EXIT_OK)
        return r < 0 ? EXIT_OK : r;
    int fmt = VMM_FMT_VMT;
    enum vmm_compress comp;
    if ((r = out_format(&o, &fmt, &comp)) != EXIT_OK) /* before reading anything */
        return r;
    int e =
        vmm_trace_open(o.in, (enum vmm_trace_format)o.in_fmt, o.page_size, &tr, err, sizeof err);
    if (e < 0)
        return cli_error(read_exit(e), "%s", err);
    uint32_t hint = vmm_trace_page_size_hint(tr);
    if (hint && hint != o.page_size)
        fprintf(stderr,
                "vmm convert: note: %s was written with %lu-byte pages; it is read with "
                "%lu-byte pages (--page-size)\n",
                o.in, (unsigned long)hint, (unsigned long)o.page_size);
    uint64_t refs;
    r = cli_trace_save(tr, strcmp(o.in, "-") == 0 ? "stdin" : o.in, o.out, o.out_fmt, o.page_size,
                       false, "convert", &refs);
    vmm_trace_close(tr);
    return r;
}
