/*
 * sweep.c - `vmm sweep`: fault curves (vmm_sweep_read, vmm_sweep_run_input) over one trace, printed
 * as a table, CSV, JSON, or a chart drawn in the terminal like vmm thrash's.
 * The library computes everything, anomalies included; this file parses the
 * command line and prints. With --shard K/N it runs part K of the work and
 * writes it as JSON; --merge joins such parts (cli/sweep_merge.c) and prints
 * them as the whole run would.
 */
#include "cli.h"
#include "sweep.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_POLICIES SWEEP_MAX_POLICIES
#define CHART_COLS   60 /* most points a chart shows */

enum out_kind { OUT_TABLE, OUT_CSV, OUT_JSON, OUT_CHART };

/* The command line of a sweep. */
struct sweep_opts {
    struct vmm_config cfg;              /* page size, address width, seed, limit, check */
    char policy_buf[SWEEP_POLICY_BUF];  /* storage behind policies[] */
    const char *policies[MAX_POLICIES]; /* --policies, split */
    size_t npolicies;                   /* how many */
    const char *frames;                 /* --frames SPEC, or NULL for the default */
    unsigned jobs;                      /* --jobs, 0 = every online CPU */
    enum vmm_sweep_method method;       /* --method, for lru and opt */
    enum out_kind out;                  /* table, --csv, --json or --chart */
    int format;                         /* --format, enum vmm_trace_format */
    const char *refs;                   /* --refs LIST */
    unsigned shard, nshards;            /* --shard K/N; 0, 0: the whole sweep */
    bool merge;                         /* --merge: the arguments are shards' JSON files */
    bool approx;                        /* --approx shards:...: lru estimated by sampling */
    struct vmm_shards_config shards;    /* its parameters */
    bool policies_given, method_given;  /* --policies, --method on the command line */
    int sweep_opt;                      /* the first option given that shapes the sweep (its
                                           code), which --merge takes from the shards; 0 none */
    int nargs;                          /* trace files */
    char **args;                        /* them */
};

enum {
    S_POLICIES = 256,
    S_JOBS,
    S_CSV,
    S_JSON,
    S_CHART,
    S_METHOD,
    S_PAGE,
    S_VA,
    S_FORMAT,
    S_REFS,
    S_SEED,
    S_NODATA,
    S_MAXMEM,
    S_CHECK,
    S_SHARD,
    S_MERGE,
    S_APPROX,
};

static const struct option longopts[] = {
    {"policies", required_argument, 0, S_POLICIES},
    {"frames", required_argument, 0, 'f'},
    {"jobs", required_argument, 0, 'j'},
    {"csv", no_argument, 0, S_CSV},
    {"json", no_argument, 0, S_JSON},
    {"chart", no_argument, 0, S_CHART},
    {"method", required_argument, 0, S_METHOD},
    {"page-size", required_argument, 0, S_PAGE},
    {"va-bits", required_argument, 0, S_VA},
    {"format", required_argument, 0, S_FORMAT},
    {"refs", required_argument, 0, S_REFS},
    {"seed", required_argument, 0, S_SEED},
    {"no-data", no_argument, 0, S_NODATA},
    {"max-memory", required_argument, 0, S_MAXMEM},
    {"check", no_argument, 0, S_CHECK},
    {"shard", required_argument, 0, S_SHARD},
    {"merge", no_argument, 0, S_MERGE},
    {"approx", required_argument, 0, S_APPROX},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static void usage(void)
{
    puts("usage: vmm sweep [options] TRACE... | --refs LIST\n"
         "       vmm sweep --shard K/N [options] TRACE... > PART.json\n"
         "       vmm sweep --merge [--csv|--json|--chart] PART.json...\n\n"
         "the page faults of each policy at each frame count: a fault curve\n"
         "(docs/cli.md, \"vmm sweep\"; docs/policies.md, \"Fault curves in one pass\")\n\n"
         "  -f, --frames SPEC       frame counts: N, A..B, A..B/STEP, A..B*RATIO, or a list of\n"
         "                          them separated by commas, e.g. 1..64 or 16..4096/16 or\n"
         "                          1..1M*2 (K, M, G: 1024, 1024^2, 1024^3)\n"
         "                          [1..D*2: powers of two up to D, the distinct pages, and D]\n"
         "      --policies LIST     policies, separated by commas, each NAME[:k=v,...]\n"
         "                          [lru,fifo,opt,clock]\n"
         "  -j, --jobs N            threads for the simulated points [every online CPU]\n"
         "      --method auto|one-pass|per-point   lru's and opt's curves: one pass of stack\n"
         "                          distances, or one simulation per point [auto: lru one\n"
         "                          pass, opt one pass unless its stack would cost more]\n"
         "      --csv               CSV: policy,frames,faults,fault_rate,anomaly\n"
         "      --json              one JSON object\n"
         "      --chart             the fault rates drawn in the terminal\n"
         "      --page-size SIZE    page size, 512 .. 1M [4K]\n"
         "      --va-bits N         virtual address width: 32, 48 or 57 [48]\n"
         "      --format FMT        trace format: pages, addr, lackey, vmm, u32be, u32le, u64le\n"
         "      --refs LIST         inline page numbers, e.g. 7,0,1,2\n"
         "      --seed N            seed of the random policy [1]\n"
         "      --no-data           accepted: sweeps always run with data off and no TLB\n"
         "      --max-memory SIZE   refuse a simulated point that needs more [half of RAM]\n"
         "      --check             the invariant checker after every reference (simulated\n"
         "                          points; slow)\n"
         "      --shard K/N         run only shard K of N of the work (1 <= K <= N) and\n"
         "                          write it as JSON for --merge: task i goes to shard\n"
         "                          (i mod N) + 1 (one-pass curves first, then the points)\n"
         "      --merge             the arguments are the N shards' JSON files (- = standard\n"
         "                          input): check that they make one whole sweep and print\n"
         "                          it as one run would (table, --csv, --json or --chart)\n"
         "      --approx shards:rate=R[,smax=N][,adjust=yes|no]\n"
         "                          lru's curve ESTIMATED from the pages whose hash falls\n"
         "                          in a fraction R of its range (SHARDS), for traces too\n"
         "                          large to hold: streamed, memory grows with the sampled\n"
         "                          pages only; smax=N holds at most N of them, lowering\n"
         "                          the rate; adjust=no scales the sample's miss ratio\n"
         "                          instead of the paper's adjustment [yes]. lru only\n"
         "                          (docs/policies.md, \"Approximate curves: SHARDS\")\n"
         "a point where a policy faults more than at the frame count before it is marked\n"
         "with * (Belady's anomaly)\n"
         "docs/cli.md, \"Spreading a sweep across machines\": GNU parallel, Slurm\n"
         "exit codes: 0 ok, 1 usage, 2 bad input (a trace, or shards that do not make one\n"
         "sweep), 4 run failed");
}

/* A whole number in [min, max]. */
static int number(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *v == '-' || *end || errno)
        return cli_error(EXIT_USAGE, "%s: expected a whole number, found '%s'", opt, v);
    if (x < min || x > max)
        return cli_error(EXIT_USAGE, "%s: %s is out of range (%" PRIu64 " .. %" PRIu64 ")", opt, v,
                         min, max);
    *out = x;
    return 0;
}

/* The long name of option c, e.g. "frames". */
static const char *opt_name(int c)
{
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == c)
            return o->name;
    return "?";
}

/* --shard K/N: part K of N, 1 <= K <= N < 2^32. */
static int parse_shard(const char *v, unsigned *k, unsigned *n)
{
    const char *slash = strchr(v, '/');
    char *end;
    if (!slash || v[0] < '0' || v[0] > '9' || slash[1] < '0' || slash[1] > '9')
        goto bad;
    unsigned long long a = strtoull(v, &end, 10); /* ULLONG_MAX if too large: out of range */
    if (end != slash)
        goto bad;
    unsigned long long b = strtoull(slash + 1, &end, 10);
    if (*end)
        goto bad;
    if (b < 1 || b > UINT32_MAX)
        return cli_error(EXIT_USAGE, "--shard: '%s': N, the number of shards, runs from 1 to %u", v,
                         UINT32_MAX);
    if (a < 1 || a > b)
        return cli_error(EXIT_USAGE, "--shard: '%s': K, the shard, runs from 1 to N (%llu)", v, b);
    *k = (unsigned)a;
    *n = (unsigned)b;
    return EXIT_OK;
bad:
    return cli_error(EXIT_USAGE,
                     "--shard: expected K/N, shard K of N (1 <= K <= N), e.g. 3/8; found '%s'", v);
}

/* Splits "lru,aging:bits=4,interval=10,fifo" into policies: a piece with '='
 * but no ':' continues the previous policy's parameters. */
static int split_policies(struct sweep_opts *o, const char *list)
{
    snprintf(o->policy_buf, sizeof o->policy_buf, "%s", list);
    o->npolicies = 0;
    char *s = o->policy_buf;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        if (!*s)
            return cli_error(EXIT_USAGE, "--policies: empty name in '%s'", list);
        if (strchr(s, '=') && !strchr(s, ':') && o->npolicies) {
            s[-1] = ','; /* a parameter of the policy before */
        } else {
            if (o->npolicies == MAX_POLICIES)
                return cli_error(EXIT_USAGE, "--policies: at most %d", MAX_POLICIES);
            o->policies[o->npolicies++] = s;
        }
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

/* Returns EXIT_OK, EXIT_USAGE after a message, or -1 after --help. */
static int parse(int argc, char **argv, struct sweep_opts *o)
{
    uint64_t v;
    int c, r;
    memset(o, 0, sizeof *o);
    vmm_config_default(&o->cfg);
    o->format = VMM_FMT_AUTO;
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psz > 0)
        o->cfg.max_memory = (uint64_t)pages * (uint64_t)psz / 2;
    if ((r = split_policies(o, "lru,fifo,opt,clock")) != EXIT_OK)
        return r;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:j:h", longopts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        if (!o->sweep_opt && c != S_CSV && c != S_JSON && c != S_CHART && c != S_MERGE &&
            c != 'h' && c != ':' && c != '?')
            o->sweep_opt = c;
        switch (c) {
        case 'f':
            o->frames = optarg;
            break;
        case S_POLICIES:
            if ((r = split_policies(o, optarg)) != EXIT_OK)
                return r;
            o->policies_given = true;
            break;
        case 'j':
            if (number("--jobs", optarg, 1, 256, &v))
                return EXIT_USAGE;
            o->jobs = (unsigned)v;
            break;
        case S_CSV:
        case S_JSON:
        case S_CHART: {
            enum out_kind k = c == S_CSV ? OUT_CSV : c == S_JSON ? OUT_JSON : OUT_CHART;
            if (o->out != OUT_TABLE && o->out != k)
                return cli_error(EXIT_USAGE, "sweep: --csv, --json and --chart exclude each "
                                             "other");
            o->out = k;
            break;
        }
        case S_METHOD:
            if (strcmp(optarg, "auto") == 0)
                o->method = VMM_SWEEP_AUTO;
            else if (strcmp(optarg, "one-pass") == 0)
                o->method = VMM_SWEEP_ONE_PASS;
            else if (strcmp(optarg, "per-point") == 0)
                o->method = VMM_SWEEP_PER_POINT;
            else
                return cli_error(EXIT_USAGE,
                                 "--method: expected auto, one-pass or per-point, found '%s'",
                                 optarg);
            o->method_given = true;
            break;
        case S_PAGE:
            if (vmm_parse_size(optarg, &v) < 0 || v > UINT32_MAX)
                return cli_error(EXIT_USAGE,
                                 "--page-size: expected a size such as 4096, 4K or 16K, found "
                                 "'%s'",
                                 optarg);
            o->cfg.page_size = (uint32_t)v;
            break;
        case S_VA:
            if (number("--va-bits", optarg, 0, 64, &v))
                return EXIT_USAGE;
            o->cfg.va_bits = (unsigned)v;
            break;
        case S_FORMAT:
            if ((o->format = vmm_trace_format_parse(optarg)) < 0)
                return cli_error(EXIT_USAGE,
                                 "--format: unknown format '%s' (expected auto, pages, addr, "
                                 "lackey, vmm, u32be, u32le or u64le)",
                                 optarg);
            break;
        case S_REFS:
            o->refs = optarg;
            break;
        case S_SEED:
            if (number("--seed", optarg, 0, UINT64_MAX, &o->cfg.seed))
                return EXIT_USAGE;
            break;
        case S_NODATA:
            break; /* always so */
        case S_MAXMEM:
            if (vmm_parse_size(optarg, &o->cfg.max_memory) < 0)
                return cli_error(EXIT_USAGE,
                                 "--max-memory: expected a size such as 4G, found "
                                 "'%s'",
                                 optarg);
            break;
        case S_CHECK:
            o->cfg.check = true;
            break;
        case S_SHARD:
            if ((r = parse_shard(optarg, &o->shard, &o->nshards)) != EXIT_OK)
                return r;
            break;
        case S_MERGE:
            o->merge = true;
            break;
        case S_APPROX: {
            char err[256];
            if (strncmp(optarg, "shards", 6) != 0 || (optarg[6] != ':' && optarg[6] != '\0'))
                return cli_error(EXIT_USAGE,
                                 "--approx: expected shards:rate=R[,smax=N][,adjust=yes|no], "
                                 "found '%s'",
                                 optarg);
            o->shards.page_size = o->cfg.page_size;
            if (vmm_shards_parse(optarg[6] ? optarg + 7 : "", &o->shards, err, sizeof err) < 0)
                return cli_error(EXIT_USAGE, "--approx: %s", err);
            o->approx = true;
            break;
        }
        case 'h':
            usage();
            return -1;
        case ':':
            return cli_error(EXIT_USAGE, "%s: missing its value (vmm sweep --help)", name);
        default:
            return cli_error(EXIT_USAGE, "unknown option '%s' (vmm sweep --help)", name);
        }
    }
    if (o->approx && !o->merge) {
        o->shards.page_size = o->cfg.page_size; /* whatever the order of the options */
        if (o->nshards)
            return cli_error(EXIT_USAGE, "sweep: --approx is one streamed pass; it has no shards "
                                         "to spread (drop --shard)");
        if (o->method_given)
            return cli_error(EXIT_USAGE, "sweep: --method and --approx exclude each other");
        if (o->policies_given && (o->npolicies != 1 || strcmp(o->policies[0], "lru") != 0))
            return cli_error(EXIT_USAGE,
                             "sweep: --approx shards estimates lru's curve only, not '%s' (run "
                             "the other policies exactly, without --approx)",
                             o->policies[0] && strcmp(o->policies[0], "lru") != 0 ? o->policies[0]
                                                                                  : o->policies[1]);
        if ((r = split_policies(o, "lru")) != EXIT_OK)
            return r;
    }
    o->nargs = argc - optind;
    o->args = argv + optind;
    o->cfg.data = false;
    o->cfg.tlb_entries = 0;
    return EXIT_OK;
}

/* ---- printing ------------------------------------------------------------------ */

static double rate(uint64_t faults, uint64_t refs)
{
    return refs ? (double)faults / (double)refs : 0.0;
}

/* Writes x right-aligned in width w (at least its digits) at b; returns the end.
 * Tables of a million rows are printed, so no printf per number: two digits
 * at a time from a table. */
static char *put_u64(char *b, uint64_t x, int w)
{
    static const char pairs[] =
        "000102030405060708091011121314151617181920212223242526272829303132333435363738394041424344"
        "454647484950515253545556575859606162636465666768697071727374757677787980818283848586878889"
        "90919293949596979899";
    int len = 1;
    for (uint64_t p = 10; len < 20 && x >= p; p *= 10)
        len++;
    for (; w > len; w--)
        *b++ = ' ';
    char *e = b + len;
    for (; x >= 100; x /= 100) {
        e -= 2;
        memcpy(e, pairs + 2 * (x % 100), 2);
    }
    if (x >= 10)
        memcpy(e - 2, pairs + 2 * x, 2);
    else
        e[-1] = (char)('0' + x);
    return b + len;
}

/* faults / refs with `decimals` decimals, rounded half up, at b (scale 100
 * for a percentage); "0" and decimals when refs is 0. Returns the end. */
static char *put_ratio(char *b, uint64_t faults, uint64_t refs, unsigned scale, int decimals, int w)
{
    uint64_t unit = 1;
    for (int i = 0; i < decimals; i++)
        unit *= 10;
    /* faults <= refs < 2^32, so faults x scale x unit stays far below 2^64 */
    uint64_t v = refs ? (faults * scale * unit * 2 + refs) / (2 * refs) : 0;
    char frac[24];
    for (int i = decimals; i-- > 0; v /= 10)
        frac[i] = (char)('0' + v % 10);
    b = put_u64(b, v, w - decimals - 1);
    *b++ = '.';
    memcpy(b, frac, (size_t)decimals);
    return b + decimals;
}

static const char *method_name(enum vmm_sweep_method m)
{
    return m == VMM_SWEEP_ONE_PASS ? "one-pass" : m == VMM_SWEEP_SHARDS ? "shards" : "per-point";
}

/* What an approximate curve was estimated from, under the header. */
static void print_approx(const struct sweep_opts *o, const struct vmm_shards_info *si)
{
    printf("  lru: an APPROXIMATE curve by SHARDS: the pages whose hash is below %u of 2^24, ",
           (unsigned)si->threshold);
    if (o->shards.smax)
        printf("rate %.4g\n  (lowered from %g to hold at most %" PRIu64 " pages; %" PRIu64
               " pages dropped)",
               si->rate, o->shards.rate, o->shards.smax, si->dropped);
    else
        printf("rate %g", o->shards.rate);
    printf(":\n  %" PRIu64 " sampled references to %" PRIu64
           " page%s; stack distances and faults scaled by 1/rate%s\n",
           si->sampled, si->sampled_pages, si->sampled_pages == 1 ? "" : "s",
           o->shards.adjust ? ""
                            : ",\n  then the faults by references / (sampled references / rate)");
}

/* The lines above a table or chart: what was swept, and how. */
static void print_header(const struct sweep_opts *o, const struct vmm_sweep_result *res,
                         const struct vmm_shards_info *si, const char *input, const char *format)
{
    const struct vmm_config *c = &o->cfg;
    char ps[32];
    if (c->page_size >= 1024)
        snprintf(ps, sizeof ps, "%u KiB", (unsigned)(c->page_size >> 10));
    else
        snprintf(ps, sizeof ps, "%u B", (unsigned)c->page_size);
    printf("vmm sweep: %s (%s): %" PRIu64 " references to %s%" PRIu64 " distinct pages%s\n", input,
           format, res->references, o->approx ? "about " : "", res->distinct,
           o->approx ? " (estimated)" : "");
    printf("  pages of %s, %u-bit addresses; data off, no TLB, global replacement: page "
           "faults only\n",
           ps, c->va_bits);
    if (o->approx) {
        print_approx(o, si);
        return;
    }
    for (int m = VMM_SWEEP_ONE_PASS; m <= VMM_SWEEP_PER_POINT; m++) {
        int k = 0;
        for (size_t p = 0; p < o->npolicies; p++)
            if ((int)res->method[p] == m)
                printf("%s%s", k++ ? ", " : "  ", o->policies[p]);
        if (k && m == VMM_SWEEP_ONE_PASS)
            printf(": the whole curve from one pass of stack distances\n");
        else if (k)
            printf(": one simulation per frame count (%zu each)\n", res->nframes);
    }
}

/* The footnote on anomalies, at most 10 named. */
static void print_anomalies(const struct sweep_opts *o, const struct vmm_sweep_result *res)
{
    const uint64_t *frames = res->frames;
    size_t nf = res->nframes;
    if (!res->anomalies)
        return;
    printf("\n* more faults than with fewer frames (Belady's anomaly): %" PRIu64 " point%s\n",
           res->anomalies, res->anomalies == 1 ? "" : "s");
    uint64_t shown = 0;
    for (size_t p = 0; p < o->npolicies; p++)
        for (size_t i = 1; i < nf; i++) {
            const uint64_t *f = res->faults + p * nf;
            if (!res->anomaly[p * nf + i] || shown++ >= 10)
                continue;
            printf("  %s: %" PRIu64 " faults with %" PRIu64 " frames, %" PRIu64 " with %" PRIu64
                   "\n",
                   o->policies[p], f[i], frames[i], f[i - 1], frames[i - 1]);
        }
    if (shown > 10)
        printf("  and %" PRIu64 " more\n", shown - 10);
}

static void print_table(const struct sweep_opts *o, const struct vmm_sweep_result *res)
{
    const uint64_t *frames = res->frames;
    size_t nf = res->nframes;
    char buf[32];
    int fw = snprintf(buf, sizeof buf, "%" PRIu64, frames[nf - 1]);
    int nw = snprintf(buf, sizeof buf, "%" PRIu64, res->references);
    fw = fw < 6 ? 6 : fw;
    printf("\n%*s", fw, "frames");
    for (size_t p = 0; p < o->npolicies; p++) {
        int w = nw + 9; /* faults, mark, " 100.00%" */
        int l = (int)strlen(o->policies[p]);
        printf("  %*s", w > l ? w : l, o->policies[p]);
    }
    putchar('\n');
    char *row = malloc((size_t)fw + 2 + o->npolicies * (sizeof o->policy_buf + 48));
    if (!row)
        return;
    for (size_t i = 0; i < nf; i++) {
        char *b = put_u64(row, frames[i], fw);
        for (size_t p = 0; p < o->npolicies; p++) {
            int l = (int)strlen(o->policies[p]);
            int pad = 2 + (l > nw + 9 ? l - (nw + 9) : 0);
            uint64_t f = res->faults[p * nf + i];
            memset(b, ' ', (size_t)pad);
            b = put_u64(b + pad, f, nw);
            *b++ = res->anomaly[p * nf + i] ? '*' : ' ';
            b = put_ratio(b, f, res->references, 100, 2, 7);
            *b++ = '%';
        }
        *b++ = '\n';
        fwrite(row, 1, (size_t)(b - row), stdout);
    }
    free(row);
    print_anomalies(o, res);
}

static void print_csv(const struct sweep_opts *o, const struct vmm_sweep_result *res,
                      const struct vmm_shards_info *si)
{
    const uint64_t *frames = res->frames;
    size_t nf = res->nframes;
    char row[sizeof o->policy_buf + 80], tail[64] = "";
    if (o->approx) /* the approximation on every row: rows are often picked apart */
        snprintf(tail, sizeof tail, ",shards,%.6g", o->shards.smax ? si->rate : o->shards.rate);
    size_t tl = strlen(tail), used = 0;
    static char out[1 << 16]; /* rows gathered, written 64 KiB at a time */
    printf("policy,frames,faults,fault_rate,anomaly%s\n", o->approx ? ",method,sample_rate" : "");
    for (size_t p = 0; p < o->npolicies; p++) {
        size_t l = strlen(o->policies[p]);
        memcpy(row, o->policies[p], l);
        row[l] = ',';
        for (size_t i = 0; i < nf; i++) {
            uint64_t f = res->faults[p * nf + i];
            if (used > sizeof out - sizeof row) {
                fwrite(out, 1, used, stdout);
                used = 0;
            }
            char *b = out + used;
            memcpy(b, row, l + 1);
            b = put_u64(b + l + 1, frames[i], 0);
            *b++ = ',';
            b = put_u64(b, f, 0);
            *b++ = ',';
            b = put_ratio(b, f, res->references, 1, 6, 0);
            *b++ = ',';
            *b++ = res->anomaly[p * nf + i] ? '1' : '0';
            memcpy(b, tail, tl);
            b += tl;
            *b++ = '\n';
            used = (size_t)(b - out);
        }
    }
    fwrite(out, 1, used, stdout);
}

/* A JSON string (policy names and file names may hold anything). */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

/* The JSON of a whole sweep; or, with --shard, of this part: the points it
 * computed (no anomaly marks: they need the neighbours, which --merge has)
 * and what --merge checks the parts against each other with (cli/sweep_merge.c). */
static void print_json(const struct sweep_opts *o, const struct vmm_sweep_result *res,
                       const struct vmm_shards_info *si, const char *input, const char *format)
{
    const uint64_t *frames = res->frames;
    size_t nf = res->nframes;
    bool shard = o->nshards > 0;
    printf("{\n");
    if (shard)
        printf("  \"vmm_sweep_shard\": %d,\n  \"shard\": %u,\n  \"shards\": %u,\n  \"tasks\": "
               "%zu,\n",
               SWEEP_SHARD_FORMAT, o->shard, o->nshards, res->tasks);
    printf("  \"input\": ");
    json_str(input);
    printf(",\n  \"format\": ");
    json_str(format);
    printf(",\n  \"page_size\": %u,\n  \"va_bits\": %u,\n  \"data\": false,\n  \"tlb_entries\": "
           "0,\n  \"replacement\": \"global\",\n  \"seed\": %" PRIu64
           ",\n  \"references\": %" PRIu64 ",\n  \"distinct_pages\": %" PRIu64,
           (unsigned)o->cfg.page_size, o->cfg.va_bits, o->cfg.seed, res->references, res->distinct);
    if (!o->approx) /* (the sampler never holds the trace: no fingerprint of it) */
        printf(",\n  \"fingerprint\": \"%016" PRIx64 "\"", res->fingerprint);
    if (!shard)
        printf(",\n  \"anomalies\": %" PRIu64, res->anomalies);
    if (o->approx)
        printf(
            ",\n  \"approximate\": true,\n  \"shards\": {\"rate\": %.6g, \"effective_rate\": %.9g, "
            "\"threshold\": %u, \"modulus\": %u, \"smax\": %" PRIu64
            ", \"adjust\": %s, \"sampled_references\": %" PRIu64 ", \"sampled_pages\": %" PRIu64
            ", \"dropped_pages\": %" PRIu64 ", \"distinct_pages_estimated\": true}",
            o->shards.rate, si->rate, (unsigned)si->threshold, VMM_SHARDS_MODULUS, o->shards.smax,
            o->shards.adjust ? "true" : "false", si->sampled, si->sampled_pages, si->dropped);
    printf(",\n  \"frames\": [");
    for (size_t i = 0; i < nf; i++)
        printf("%s%" PRIu64, i ? ", " : "", frames[i]);
    printf("],\n  \"policies\": [");
    for (size_t p = 0; p < o->npolicies; p++) {
        bool first = true;
        printf("%s\n    {\"policy\": ", p ? "," : "");
        json_str(o->policies[p]);
        printf(", \"method\": \"%s\", \"points\": [", method_name(res->method[p]));
        for (size_t i = 0; i < nf; i++) {
            char num[3][32];
            uint64_t f = res->faults[p * nf + i];
            if (!res->computed[p * nf + i])
                continue;
            *put_u64(num[0], frames[i], 0) = '\0';
            *put_u64(num[1], f, 0) = '\0';
            *put_ratio(num[2], f, res->references, 1, 6, 0) = '\0';
            printf("%s\n      {\"frames\": %s, \"faults\": %s, \"fault_rate\": %s",
                   first ? "" : ",", num[0], num[1], num[2]);
            if (!shard)
                printf(", \"anomaly\": %s", res->anomaly[p * nf + i] ? "true" : "false");
            putchar('}');
            first = false;
        }
        printf("\n    ]}");
    }
    printf("\n  ]\n}\n");
}

/* The fault rate against the frame counts, in rows of 5% from the highest
 * down to 0, as vmm thrash draws: one symbol a policy, '#' where several fall
 * in the same cell; at most CHART_COLS points, evenly picked. */
static void print_chart(const struct sweep_opts *o, const struct vmm_sweep_result *res)
{
    const uint64_t *frames = res->frames;
    size_t nf = res->nframes;
    static const char sym[] = "*o+x@%&=~^$";
    size_t cols = nf < CHART_COLS ? nf : CHART_COLS, idx[CHART_COLS];
    int top = 0;
    for (size_t c = 0; c < cols; c++)
        idx[c] = cols == 1 ? 0 : (c * (nf - 1) + (cols - 1) / 2) / (cols - 1);
    for (size_t p = 0; p < o->npolicies; p++)
        for (size_t c = 0; c < cols; c++) {
            int v = (int)(rate(res->faults[p * nf + idx[c]], res->references) * 20 + 0.5);
            top = v > top ? v : top;
        }
    printf("\nfault rate:");
    for (size_t p = 0; p < o->npolicies; p++)
        printf("%s %c %s", p ? "," : "", sym[p % (sizeof sym - 1)], o->policies[p]);
    printf(" (# several)");
    if (cols < nf)
        printf("; %zu of %zu frame counts shown", cols, nf);
    putchar('\n');
    for (int row = top; row >= 0; row--) {
        char cells[3 * CHART_COLS + 1];
        size_t end = 0; /* past the last symbol: no trailing blanks */
        for (size_t c = 0; c < cols; c++) {
            char ch = ' ';
            for (size_t p = 0; p < o->npolicies; p++) {
                int v = (int)(rate(res->faults[p * nf + idx[c]], res->references) * 20 + 0.5);
                if (v == row)
                    ch = ch == ' ' ? sym[p % (sizeof sym - 1)] : '#';
            }
            cells[3 * c] = cells[3 * c + 1] = ' ';
            cells[3 * c + 2] = ch;
            end = ch != ' ' ? 3 * c + 3 : end;
        }
        printf("%4d%% |%.*s\n", row * 5, (int)end, cells);
    }
    printf("      +");
    for (size_t c = 0; c < cols; c++)
        printf("---");
    /* Labels under their columns, left to right, where they fit. */
    char line[3 * CHART_COLS + 64];
    size_t len = 0;
    memset(line, ' ', sizeof line);
    for (size_t c = 0; c < cols; c++) {
        char lab[24];
        size_t at = 3 * c + 2, l = (size_t)snprintf(lab, sizeof lab, "%" PRIu64, frames[idx[c]]);
        if ((c && at < len + 1) || at + l > sizeof line - 8)
            continue;
        memcpy(line + at, lab, l);
        len = at + l;
    }
    printf("\n       %.*s  frames\n", (int)len, line);
    print_anomalies(o, res);
}

/* ---- the command --------------------------------------------------------------- */

/* Maps a library error from reading a trace to an exit code. */
static int input_exit(int r)
{
    return r == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
}

/* Prints res as the options ask; returns the exit code. */
static int print_result(const struct sweep_opts *o, const struct vmm_sweep_result *res,
                        const struct vmm_shards_info *si, const char *input, const char *format)
{
    if (o->out == OUT_CSV) {
        print_csv(o, res, si);
    } else if (o->out == OUT_JSON || o->nshards) {
        print_json(o, res, si, input, format);
    } else {
        print_header(o, res, si, input, format);
        if (o->out == OUT_CHART)
            print_chart(o, res);
        else
            print_table(o, res);
    }
    return fflush(stdout) == 0 && !ferror(stdout)
               ? EXIT_OK
               : cli_error(EXIT_RUNTIME, "writing the results failed");
}

/* vmm sweep --merge FILE...: the shards joined, printed as the whole run. */
static int merge(struct sweep_opts *o)
{
    struct sweep_merged m;
    if (o->sweep_opt)
        return cli_error(EXIT_USAGE,
                         "sweep: --merge takes the sweep from its shards; --%s does not go with it",
                         opt_name(o->sweep_opt));
    if (o->nargs == 0)
        return cli_error(
            EXIT_USAGE,
            "sweep: --merge: name the shards' files (written by vmm sweep --shard K/N)");
    int r = sweep_merge(o->args, o->nargs, &m);
    if (r == EXIT_OK) {
        memcpy(o->policy_buf, m.policy_buf, sizeof o->policy_buf);
        for (size_t i = 0; i < m.npolicies; i++)
            o->policies[i] = o->policy_buf + (m.policies[i] - m.policy_buf);
        o->npolicies = m.npolicies;
        o->cfg.page_size = m.page_size;
        o->cfg.va_bits = m.va_bits;
        o->cfg.seed = m.seed;
        r = print_result(o, &m.res, NULL, m.input, m.format);
    }
    sweep_merged_free(&m);
    return r;
}

int cmd_sweep(int argc, char **argv)
{
    struct sweep_opts o;
    struct vmm_trace **tr = NULL;
    struct vmm_sweep_input *in = NULL;
    struct vmm_sweep_result res = {0};
    struct vmm_shards_info si = {0};
    uint64_t *frames = NULL;
    size_t nframes = 0, ntr = 0;
    char err[512], input[1024] = "", format[64] = "";
    int r = parse(argc, argv, &o), e;
    if (r)
        return r < 0 ? EXIT_OK : r;
    if (o.merge)
        return merge(&o);
    if (o.nshards && (o.out == OUT_CSV || o.out == OUT_CHART))
        return cli_error(EXIT_USAGE, "sweep: --shard writes JSON, which --merge reads; --csv and "
                                     "--chart go with --merge");
    if (!o.refs && o.nargs == 0)
        return cli_error(EXIT_USAGE, "sweep: name a trace file (or - for standard input), or "
                                     "give --refs LIST");
    if (o.refs && o.nargs > 0)
        return cli_error(EXIT_USAGE, "sweep: give trace files or --refs, not both");
    if (o.frames && vmm_sweep_frames_parse(o.frames, &frames, &nframes, err, sizeof err) < 0)
        return cli_error(EXIT_USAGE, "--frames: %s", err);
    struct vmm_sweep_spec spec = {.cfg = &o.cfg,
                                  .policies = o.policies,
                                  .npolicies = o.npolicies,
                                  .frames = frames,
                                  .nframes = nframes,
                                  .jobs = o.jobs,
                                  .lru = o.method,
                                  .opt = o.method,
                                  .shard = o.shard,
                                  .nshards = o.nshards,
                                  /* (only JSON, and so a shard's output, carries it) */
                                  .no_fingerprint = o.out != OUT_JSON && !o.nshards};
    if (vmm_sweep_check(&spec, err, sizeof err) < 0) {
        r = cli_error(EXIT_USAGE, "%s", err);
        goto out;
    }

    tr = calloc(o.refs ? 1 : (size_t)o.nargs, sizeof *tr);
    if (!tr) {
        r = cli_error(EXIT_RUNTIME, "out of memory");
        goto out;
    }
    if (o.refs) {
        if ((e = vmm_trace_open_string("--refs", o.refs, o.cfg.page_size, &tr[0], err,
                                       sizeof err)) < 0) {
            r = cli_error(input_exit(e), "%s", err);
            goto out;
        }
        ntr = 1;
        snprintf(input, sizeof input, "--refs %s", o.refs);
    }
    for (int i = 0; i < o.nargs; i++) {
        if ((e = vmm_trace_open(o.args[i], (enum vmm_trace_format)o.format, o.cfg.page_size,
                                &tr[ntr], err, sizeof err)) < 0) {
            r = cli_error(input_exit(e), "%s", err);
            goto out;
        }
        ntr++;
        size_t l = strlen(input);
        snprintf(input + l, sizeof input - l, "%s%s", i ? " " : "", o.args[i]);
    }
    snprintf(format, sizeof format, "%s%s%s", vmm_trace_format_name(vmm_trace_format_of(tr[0])),
             *vmm_trace_compression(tr[0]) ? ", " : "", vmm_trace_compression(tr[0]));
    if (o.approx) { /* streamed through the sampler: never held */
        if ((e = vmm_sweep_shards(tr, ntr, &o.shards, o.cfg.va_bits, frames, nframes, &res, &si,
                                  err, sizeof err)) < 0) {
            r = cli_error(e == VMM_ENOMEM                      ? EXIT_RUNTIME
                          : e == VMM_EINVAL || e == VMM_ELIMIT ? EXIT_USAGE
                                                               : EXIT_INPUT,
                          "%s", err);
            goto out;
        }
        if (si.rate < 1.0 && si.sampled_pages < 64)
            fprintf(stderr,
                    "vmm: note: only %" PRIu64 " page%s sampled; an estimate from so few is "
                    "rough (raise the rate)\n",
                    si.sampled_pages, si.sampled_pages == 1 ? " was" : "s were");
    } else if ((e = vmm_sweep_read(&spec, tr, ntr, &in, err, sizeof err)) < 0) {
        r = cli_error(input_exit(e), "%s", err);
        goto out;
    }
    if (!o.approx && (e = vmm_sweep_run_input(&spec, in, &res, err, sizeof err)) < 0) {
        r = cli_error(e == VMM_EPARSE || e == VMM_ERANGE || e == VMM_EIO ? EXIT_INPUT
                      : e == VMM_ELIMIT || e == VMM_EINVAL               ? EXIT_USAGE
                                                                         : EXIT_RUNTIME,
                      "%s", err);
        goto out;
    }
    r = print_result(&o, &res, &si, input, format);
out:
    vmm_sweep_result_free(&res);
    for (size_t i = 0; i < ntr; i++)
        vmm_trace_close(tr[i]);
    free(tr);
    vmm_sweep_input_free(in);
    free(frames);
    return r;
}
