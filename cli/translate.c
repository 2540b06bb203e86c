/*
 * translate.c - `vmm translate`: the address-translation calculator
 * (vmm_xlate_*). An exercise given by hand (relocation registers, a segment
 * table or a page table, and addresses) is translated; --mmu with --seed
 * generates one, its answers hidden unless --answers.
 *
 * Exit codes: 2 when the exercise given is wrong (a value, a missing register,
 * a setup that does not fit, an address), 1 for the command line itself
 * (unknown options, two schemes at once, generator parameters); docs/cli.md.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    T_BASE = 256,
    T_LIMIT,
    T_SEGMENT,
    T_SEG_BITS,
    T_PAGE_SIZE,
    T_PAGE_TABLE,
    T_AS_SIZE,
    T_PHYS_SIZE,
    T_MMU,
    T_SEED,
    T_ANSWERS,
    T_JSON,
};

static const struct option longopts[] = {
    {"base", required_argument, 0, T_BASE},
    {"limit", required_argument, 0, T_LIMIT},
    {"segment", required_argument, 0, T_SEGMENT},
    {"seg-bits", required_argument, 0, T_SEG_BITS},
    {"page-size", required_argument, 0, T_PAGE_SIZE},
    {"page-table", required_argument, 0, T_PAGE_TABLE},
    {"as-size", required_argument, 0, T_AS_SIZE},
    {"phys-size", required_argument, 0, T_PHYS_SIZE},
    {"mmu", required_argument, 0, T_MMU},
    {"seed", required_argument, 0, T_SEED},
    {"count", required_argument, 0, 'n'},
    {"answers", no_argument, 0, T_ANSWERS},
    {"json", no_argument, 0, T_JSON},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static void usage(void)
{
    puts("usage: vmm translate --base N --limit N [ADDR...]                     relocation\n"
         "       vmm translate --segment BASE,LIMIT[,PROT][,down] ... [ADDR...]  segmentation\n"
         "       vmm translate --page-size S --page-table F0,F1,-,... [ADDR...]  paging\n"
         "       vmm translate --mmu relocation|segmentation|paging --seed N [-n COUNT] "
         "[--answers]\n"
         "\n"
         "Translates each virtual address ADDR to a physical address, or names the trap and\n"
         "why. Numbers are decimal or 0x hex; sizes may end in K, M or G (28K = 28672).\n"
         "\n"
         "the MMU, given by hand:\n"
         "      --base N            relocation register: the physical address of virtual 0\n"
         "      --limit N           limit register: virtual 0 .. N-1 are legal\n"
         "      --segment SPEC      the next segment-table entry (segments 0, 1, 2, ... in\n"
         "                          order): BASE,LIMIT, then permissions (r, w, x, - [rwx])\n"
         "                          and down for a segment that grows down (its BASE is its\n"
         "                          top); - for an invalid entry\n"
         "      --seg-bits N        the top N bits of a flat address select the segment\n"
         "                          (needs --as-size); without it addresses are s:d\n"
         "      --page-size S       page size, a power of two\n"
         "      --page-table LIST   frame of page 0, 1, ... ; - for an invalid entry\n"
         "      --as-size S         virtual address space size (addresses beyond it are refused)\n"
         "      --phys-size S       physical memory size (the setup must fit in it)\n"
         "addresses: a number (a flat virtual address), or s:d (segment, offset); either\n"
         "may follow r:, w: or x: to check a segment's permissions (w:2:53)\n"
         "\n"
         "a generated exercise:\n"
         "      --mmu NAME          relocation, segmentation or paging\n"
         "      --seed N            the same seed gives the same exercise everywhere\n"
         "  -n, --count N           addresses, 1 .. 10000 [5]\n"
         "      --as-size S         address space, a power of two, 16 .. 4G [16K]\n"
         "      --phys-size S       physical memory, at least the address space [64K, or\n"
         "                          4 x the address space if larger]\n"
         "      --page-size S       paging: page size [1K]\n"
         "      --seg-bits N        segmentation: segment bits, 1 .. 6 [2]\n"
         "      --answers           show the answers (otherwise each is ?)\n"
         "\n"
         "      --json              print one JSON object\n"
         "exit codes: 0 ok (a trap is an answer, not an error), 1 usage, 2 a bad exercise");
}

/* What the command line gave. */
struct targs {
    const char *base, *limit, *seg_bits, *page_size, *page_table, *as_size, *phys_size;
    const char *segments[VMM_XLATE_MAX_SEGMENTS + 1]; /* --segment values, in order */
    int nsegments;                                    /* how many */
    int mmu;                                          /* --mmu, or -1 */
    bool seed_given, answers, json;
    uint64_t seed;  /* --seed */
    uint64_t count; /* -n, 0 = not given */
};

/* A whole number for --seed and -n: decimal or 0x hex. */
static int whole(const char *opt, const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (!*v || *v == '-' || *end || errno || x > max)
        return cli_error(EXIT_USAGE, "%s: expected a whole number 0 .. %llu, found '%s'", opt,
                         (unsigned long long)max, v);
    *out = x;
    return 0;
}

/* A value of the exercise (vmm_xlate_parse_value); code is the exit code
 * of a bad one. */
static int value(int code, const char *opt, const char *v, uint64_t *out)
{
    int r = vmm_xlate_parse_value(v, out);
    if (r == VMM_ERANGE)
        return cli_error(code, "%s: %s is too large", opt, v);
    if (r < 0)
        return cli_error(code,
                         "%s: expected a number (decimal or 0x hex; sizes may end in K, M or G), "
                         "found '%s'",
                         opt, v);
    return 0;
}

static int parse(int argc, char **argv, struct targs *t)
{
    int c;
    memset(t, 0, sizeof *t);
    t->mmu = -1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        switch (c) {
        case T_BASE:
            t->base = optarg;
            break;
        case T_LIMIT:
            t->limit = optarg;
            break;
        case T_SEGMENT:
            if (t->nsegments == VMM_XLATE_MAX_SEGMENTS)
                return cli_error(EXIT_INPUT, "--segment: more than %d segments",
                                 VMM_XLATE_MAX_SEGMENTS);
            t->segments[t->nsegments++] = optarg;
            break;
        case T_SEG_BITS:
            t->seg_bits = optarg;
            break;
        case T_PAGE_SIZE:
            t->page_size = optarg;
            break;
        case T_PAGE_TABLE:
            t->page_table = optarg;
            break;
        case T_AS_SIZE:
            t->as_size = optarg;
            break;
        case T_PHYS_SIZE:
            t->phys_size = optarg;
            break;
        case T_MMU:
            t->mmu = vmm_xlate_mmu_parse(optarg);
            if (t->mmu < 0)
                return cli_error(EXIT_USAGE,
                                 "--mmu: unknown MMU '%s' (expected relocation, segmentation or "
                                 "paging)",
                                 optarg);
            break;
        case T_SEED:
            if (whole("--seed", optarg, UINT64_MAX, &t->seed))
                return EXIT_USAGE;
            t->seed_given = true;
            break;
        case 'n':
            if (whole("-n", optarg, 10000, &t->count))
                return EXIT_USAGE;
            if (!t->count)
                return cli_error(EXIT_USAGE, "-n: expected 1 .. 10000 addresses, found 0");
            break;
        case T_ANSWERS:
            t->answers = true;
            break;
        case T_JSON:
            t->json = true;
            break;
        case 'h':
            usage();
            return -1;
        case ':':
            return cli_error(EXIT_USAGE, "%s: missing its value (vmm translate --help)", name);
        default:
            return cli_error(EXIT_USAGE, "unknown option '%s' (vmm translate --help)", name);
        }
    }
    return EXIT_OK;
}

/* The generated exercise of --mmu and --seed. */
static int generate(const struct targs *t, int nargs, struct vmm_xlate *x)
{
    struct vmm_xlate_gen g = {(enum vmm_mmu)t->mmu, t->seed, 0, 0, 0, 0, (size_t)t->count};
    const char *hand = t->base         ? "--base"
                       : t->limit      ? "--limit"
                       : t->nsegments  ? "--segment"
                       : t->page_table ? "--page-table"
                                       : NULL;
    char err[512];
    uint64_t v;
    if (hand)
        return cli_error(EXIT_USAGE,
                         "%s: --seed generates the exercise; give its parts by hand or --seed, "
                         "not both",
                         hand);
    if (nargs)
        return cli_error(EXIT_USAGE,
                         "--seed generates the addresses too; give addresses or --seed, not both");
    if (t->as_size && value(EXIT_USAGE, "--as-size", t->as_size, &g.as_size))
        return EXIT_USAGE;
    if (t->phys_size && value(EXIT_USAGE, "--phys-size", t->phys_size, &g.phys_size))
        return EXIT_USAGE;
    if (t->page_size) {
        if (t->mmu != VMM_MMU_PAGING)
            return cli_error(EXIT_USAGE, "--page-size: only for --mmu paging");
        if (value(EXIT_USAGE, "--page-size", t->page_size, &g.page_size))
            return EXIT_USAGE;
    }
    if (t->seg_bits) {
        if (t->mmu != VMM_MMU_SEGMENTATION)
            return cli_error(EXIT_USAGE, "--seg-bits: only for --mmu segmentation");
        if (whole("--seg-bits", t->seg_bits, 6, &v))
            return EXIT_USAGE;
        if (!v)
            return cli_error(EXIT_USAGE, "--seg-bits: expected 1 .. 6, found 0");
        g.seg_bits = (unsigned)v;
    }
    int r = vmm_xlate_generate(&g, x, err, sizeof err);
    if (r < 0)
        return cli_error(r == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
    return EXIT_OK;
}

/* The exercise given by hand. */
static int by_hand(const struct targs *t, int nargs, char **args, struct vmm_xlate *x)
{
    bool rel = t->base || t->limit, seg = t->nsegments > 0, pag = t->page_table || t->page_size;
    char err[512];
    uint64_t v;
    if (rel + seg + pag > 1)
        return cli_error(EXIT_USAGE,
                         "give one MMU: --base/--limit (relocation), --segment (segmentation) "
                         "or --page-size/--page-table (paging)");
    if (!rel && !seg && !pag && t->mmu >= 0)
        return cli_error(EXIT_USAGE,
                         "--mmu %s: give its setup by hand, or --seed N to generate one (vmm "
                         "translate --help)",
                         vmm_xlate_mmu_name((enum vmm_mmu)t->mmu));
    if (!rel && !seg && !pag)
        return cli_error(EXIT_USAGE, "give an MMU: --base N --limit N, --segment BASE,LIMIT ..., "
                                     "--page-size S --page-table LIST, or --mmu NAME --seed N "
                                     "(vmm translate --help)");
    enum vmm_mmu mmu = rel ? VMM_MMU_RELOCATION : seg ? VMM_MMU_SEGMENTATION : VMM_MMU_PAGING;
    if (t->mmu >= 0 && t->mmu != (int)mmu)
        return cli_error(EXIT_USAGE, "--mmu %s, but the options given describe %s",
                         vmm_xlate_mmu_name((enum vmm_mmu)t->mmu), vmm_xlate_mmu_name(mmu));
    if (t->count)
        return cli_error(EXIT_USAGE, "-n: only with --seed (the addresses given are translated)");
    if (t->seg_bits && mmu != VMM_MMU_SEGMENTATION)
        return cli_error(EXIT_USAGE, "--seg-bits: only for segmentation (--segment)");
    x->mmu = mmu;
    if (t->as_size && value(EXIT_INPUT, "--as-size", t->as_size, &x->as_size))
        return EXIT_INPUT;
    if (t->phys_size && value(EXIT_INPUT, "--phys-size", t->phys_size, &x->phys_size))
        return EXIT_INPUT;
    switch (mmu) {
    case VMM_MMU_RELOCATION:
        if (!t->base || !t->limit)
            return cli_error(EXIT_INPUT,
                             "relocation needs both --base N and --limit N; %s is missing",
                             t->base ? "--limit" : "--base");
        if (value(EXIT_INPUT, "--base", t->base, &x->base) ||
            value(EXIT_INPUT, "--limit", t->limit, &x->limit))
            return EXIT_INPUT;
        break;
    case VMM_MMU_SEGMENTATION:
        if (t->seg_bits) {
            if (value(EXIT_INPUT, "--seg-bits", t->seg_bits, &v))
                return EXIT_INPUT;
            if (v < 1 || v > 6)
                return cli_error(EXIT_INPUT, "--seg-bits: expected 1 .. 6, found %s", t->seg_bits);
            x->seg_bits = (unsigned)v;
        }
        for (int i = 0; i < t->nsegments; i++)
            if (vmm_xlate_parse_segment(x, t->segments[i], err, sizeof err) < 0)
                return cli_error(EXIT_INPUT, "--segment %s (segment %d): %s", t->segments[i], i,
                                 err);
        break;
    case VMM_MMU_PAGING:
        if (!t->page_size || !t->page_table)
            return cli_error(EXIT_INPUT,
                             "paging needs both --page-size S and --page-table LIST; %s is "
                             "missing",
                             t->page_size ? "--page-table" : "--page-size");
        if (value(EXIT_INPUT, "--page-size", t->page_size, &x->page_size))
            return EXIT_INPUT;
        int r = vmm_xlate_parse_page_table(x, t->page_table, err, sizeof err);
        if (r < 0)
            return cli_error(r == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT, "--page-table: %s", err);
        break;
    }
    if (vmm_xlate_check(x, err, sizeof err) < 0)
        return cli_error(EXIT_INPUT, "%s", err);
    for (int i = 0; i < nargs; i++) {
        int r = vmm_xlate_parse_addr(x, args[i], err, sizeof err);
        if (r < 0)
            return cli_error(r == VMM_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT, "address '%s': %s",
                             args[i], err);
    }
    return EXIT_OK;
}

int cmd_translate(int argc, char **argv)
{
    struct targs t;
    struct vmm_xlate x;
    int r = parse(argc, argv, &t);
    if (r)
        return r < 0 ? EXIT_OK : r;
    if (t.seed_given && t.mmu < 0)
        return cli_error(EXIT_USAGE,
                         "--seed: name the MMU to generate, --mmu relocation|segmentation|paging");
    vmm_xlate_init(&x, VMM_MMU_RELOCATION);
    r = t.seed_given ? generate(&t, argc - optind, &x)
                     : by_hand(&t, argc - optind, argv + optind, &x);
    if (r == EXIT_OK) {
        bool answers = !t.seed_given || t.answers;
        vmm_xlate_print(&x, (answers ? VMM_XLATE_ANSWERS : 0u) | (t.json ? VMM_XLATE_JSON : 0u),
                        stdout);
        if (!answers && !t.json)
            printf("\ntranslate each address, or name its trap; the same command with "
                   "--answers shows them\n");
    }
    vmm_xlate_free(&x);
    return r;
}
