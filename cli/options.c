/*
 * options.c - the options every subcommand shares, parsed into a vmm_config,
 * and the error and report helpers.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("vmm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

/* A whole number in [min, max] (decimal or 0x hex). */
static int num(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (!*v || *v == '-' || *end || errno)
        return cli_error(EXIT_USAGE, "%s: expected a whole number, found '%s'", opt, v);
    if (x < min || x > max)
        return cli_error(EXIT_USAGE, "%s: %s is out of range (%" PRIu64 " .. %" PRIu64 ")", opt, v,
                         min, max);
    *out = x;
    return 0;
}

/* A size such as 4096, 4K, 16K, 1M. */
static int size(const char *opt, const char *v, uint64_t *out)
{
    int r = vmm_parse_size(v, out);
    if (r == VMM_ERANGE)
        return cli_error(EXIT_USAGE, "%s: %s is too large", opt, v);
    if (r < 0)
        return cli_error(EXIT_USAGE, "%s: expected a size such as 4096, 4K or 16K, found '%s'", opt,
                         v);
    return 0;
}

enum {
    O_PAGE = 256,
    O_VA,
    O_TLB,
    O_WAYS,
    O_SEED,
    O_NODATA,
    O_SWAP,
    O_SWAPSIZE,
    O_MAXMEM,
    O_CHECK,
    O_JSON,
    O_EXPLAIN,
    O_FORMAT,
    O_REFS,
    O_DEMO,
    O_C_MEM,
    O_C_TLB,
    O_C_WALK,
    O_C_FAULT,
    O_C_READ,
    O_C_WRITE,
    O_FILES,
    O_FLUSH,
    O_FAIL_READ,
    O_FAIL_WRITE,
    O_SCHED,
    O_QUANTUM,
    O_NO_ASID,
    O_REPLACEMENT,
    O_ALLOCATION,
    O_MIN_FRAMES,
    O_WS_DELTA,
    O_LOAD_CONTROL,
    O_PFF,
    O_C_SWITCH,
    O_TIMELINE,
    O_TIMELINE_INT,
    O_COPIES,
    O_PAGES,
    O_PHASE_PAGES,
    O_PHASES,
    O_TREFS,
    O_WRITE,
    O_CONTROL,
    O_CSV,
    O_NO_CHART,
    O_MMU,
    O_BINDING,
    O_FIT,
    O_COMPACTION,
    O_NO_SWAPPING,
    O_UNIT,
    O_RESERVE,
    O_DISK_RATE,
    O_COPY_RATE,
};

static const struct option longopts[] = {
    {"frames", required_argument, 0, 'f'},
    {"policy", required_argument, 0, 'p'},
    {"page-size", required_argument, 0, O_PAGE},
    {"va-bits", required_argument, 0, O_VA},
    {"tlb", required_argument, 0, O_TLB},
    {"tlb-ways", required_argument, 0, O_WAYS},
    {"seed", required_argument, 0, O_SEED},
    {"no-data", no_argument, 0, O_NODATA},
    {"swap", required_argument, 0, O_SWAP},
    {"swap-size", required_argument, 0, O_SWAPSIZE},
    {"max-memory", required_argument, 0, O_MAXMEM},
    {"check", no_argument, 0, O_CHECK},
    {"json", no_argument, 0, O_JSON},
    {"explain", no_argument, 0, O_EXPLAIN},
    {"format", required_argument, 0, O_FORMAT},
    {"refs", required_argument, 0, O_REFS},
    {"print-demo", no_argument, 0, O_DEMO},
    {"cost-mem", required_argument, 0, O_C_MEM},
    {"cost-tlb", required_argument, 0, O_C_TLB},
    {"cost-walk", required_argument, 0, O_C_WALK},
    {"cost-fault", required_argument, 0, O_C_FAULT},
    {"cost-swap-read", required_argument, 0, O_C_READ},
    {"cost-swap-write", required_argument, 0, O_C_WRITE},
    {"files", required_argument, 0, O_FILES},
    {"flush-interval", required_argument, 0, O_FLUSH},
    {"fail-read", required_argument, 0, O_FAIL_READ},
    {"fail-write", required_argument, 0, O_FAIL_WRITE},
    {"sched", required_argument, 0, O_SCHED},
    {"quantum", required_argument, 0, O_QUANTUM},
    {"no-asid", no_argument, 0, O_NO_ASID},
    {"replacement", required_argument, 0, O_REPLACEMENT},
    {"allocation", required_argument, 0, O_ALLOCATION},
    {"min-frames", required_argument, 0, O_MIN_FRAMES},
    {"ws-delta", required_argument, 0, O_WS_DELTA},
    {"load-control", required_argument, 0, O_LOAD_CONTROL},
    {"pff", required_argument, 0, O_PFF},
    {"cost-switch", required_argument, 0, O_C_SWITCH},
    {"timeline", required_argument, 0, O_TIMELINE},
    {"timeline-interval", required_argument, 0, O_TIMELINE_INT},
    {"copies", required_argument, 0, O_COPIES},
    {"pages", required_argument, 0, O_PAGES},
    {"phase-pages", required_argument, 0, O_PHASE_PAGES},
    {"phases", required_argument, 0, O_PHASES},
    {"copy-refs", required_argument, 0, O_TREFS},
    {"write", required_argument, 0, O_WRITE},
    {"control", required_argument, 0, O_CONTROL},
    {"csv", no_argument, 0, O_CSV},
    {"no-chart", no_argument, 0, O_NO_CHART},
    {"mmu", required_argument, 0, O_MMU},
    {"binding", required_argument, 0, O_BINDING},
    {"fit", required_argument, 0, O_FIT},
    {"compaction", no_argument, 0, O_COMPACTION},
    {"no-swapping", no_argument, 0, O_NO_SWAPPING},
    {"unit", required_argument, 0, O_UNIT},
    {"reserve", required_argument, 0, O_RESERVE},
    {"disk-rate", required_argument, 0, O_DISK_RATE},
    {"copy-rate", required_argument, 0, O_COPY_RATE},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static int usage(const char *cmd)
{
    bool thrash = strcmp(cmd, "thrash") == 0;
    printf("usage: vmm %s [options] %s\n\n", cmd,
           strcmp(cmd, "run") == 0 ? "[WORKLOAD]"
           : thrash                ? ""
                                   : "TRACE... | --refs LIST");
    if (thrash)
        puts("the experiment (docs/model.md, \"Thrashing\"):\n"
             "      --copies N          run 1 .. N copies at once [10]\n"
             "      --pages N           pages of each copy's region [256]\n"
             "      --phases N          localities each copy moves through [8]\n"
             "      --phase-pages N     pages of each locality [12]\n"
             "      --copy-refs N       references each copy makes [200000]\n"
             "      --write F           fraction of references that write [0.2]\n"
             "      --control ws|pff    load control of the controlled runs [ws]\n"
             "      --csv               print CSV instead of the table and chart\n"
             "      --no-chart          the table without the chart\n"
             "  its defaults also differ: --cost-swap-read and --cost-swap-write 100000 (an\n"
             "  SSD's 0.1 ms), --quantum 100us\n");
    puts("options (defaults in brackets; docs/cli.md has them all):\n"
         "  -f, --frames N          physical frames [64]\n"
         "  -p, --policy NAME[:k=v] replacement policy [lru]; `vmm policies` lists them\n"
         "      --page-size SIZE    page size, 512 .. 1M, e.g. 4096, 4K, 16K [4K]\n"
         "      --va-bits N         virtual address width: 32, 48 or 57 [48]\n"
         "      --tlb N             TLB entries, 0 = no TLB [64]\n"
         "      --tlb-ways W        TLB associativity, 0 = fully associative [4]\n"
         "      --seed N            seed of every random choice [1]\n"
         "      --no-data           model metadata only (frames hold no bytes)\n"
         "      --swap FILE         backing store file [a private temporary file]\n"
         "      --swap-size SIZE    backing store size [grows as needed]\n"
         "      --max-memory SIZE   refuse configurations needing more [half of RAM]\n"
         "      --check             run the invariant checker after every reference\n"
         "      --json              print the results as one JSON object\n"
         "      --explain           narrate every reference, step by step\n"
         "      --format FMT        trace format: pages, addr, lackey, vmm, u32be, u32le, u64le,\n"
         "                          vmt\n"
         "      --refs LIST         inline page numbers, e.g. 7,0,1,2 (replay)\n"
         "      --print-demo        print the built-in demo workload (run)\n"
         "      --files DIR         where the files a workload names must lie [its directory] "
         "(run)\n"
         "      --flush-interval N  write dirty pages of mapped files back every N references\n"
         "                          [0 = only on eviction, msync, munmap and exit]\n"
         "      --fail-read N, --fail-write N   test hooks: the Nth read / write of the backing\n"
         "                          store (swap or a mapped file) fails with an I/O error\n"
         "      --sched none|rr     who runs when: the order given, or round robin [none]\n"
         "      --quantum T         round-robin slice: 10ms, 500us, ... or 1000refs [10ms]\n"
         "      --no-asid           the TLB has no address-space ids: flushed at each switch\n"
         "      --replacement global|local   where victims come from [global]\n"
         "      --allocation equal|proportional|priority   frames per process [equal]\n"
         "      --min-frames N      the fewest frames a process is given [1]\n"
         "      --ws-delta N        working-set window in references [off; 10000 if needed]\n"
         "      --load-control none|ws|pff   suspend processes to stop thrashing [none]\n"
         "      --pff L,U[,W]       fault-frequency bounds per 1000 references over W [2,20,1000]\n"
         "      --mmu paging|relocation|segmentation   the memory-management unit [paging]\n"
         "      --binding execution|load|compile   when addresses are bound (relocation,\n"
         "                          segmentation) [execution]\n"
         "      --fit first|best|worst|next   which hole a partition or segment takes [first]\n"
         "      --compaction        compact memory when a request fits only in the sum of holes\n"
         "      --no-swapping       a process that fits in no hole waits, instead of others\n"
         "                          being swapped out whole\n"
         "      --unit SIZE         allocation unit of relocation and segmentation [1]\n"
         "      --reserve SIZE      relocation: room between heap and stack [64K] (run)\n"
         "      --disk-rate SIZE    backing-store transfer rate per second [40M]\n"
         "      --copy-rate SIZE    memory copy rate per second [1G]\n"
         "      --timeline FILE     write a CSV sample of the run every interval\n"
         "      --timeline-interval T   its interval of simulated time [1ms]\n"
         "      --cost-mem NS, --cost-tlb NS, --cost-walk NS (per level), --cost-fault NS,\n"
         "      --cost-swap-read NS, --cost-swap-write NS, --cost-switch NS   the time-cost model\n"
         "exit codes: 0 ok, 1 usage, 2 bad input, 3 a workload check failed, 4 run failed");
    return -1;
}

/* "--name" of the long option whose value is c, for messages. */
static const char *optname(int c)
{
    static char buf[40];
    for (const struct option *l = longopts; l->name; l++)
        if (l->val == c) {
            snprintf(buf, sizeof buf, "--%s", l->name);
            return buf;
        }
    return "option";
}

int cli_parse(int argc, char **argv, const char *cmd, struct cli_opts *o)
{
    uint64_t v;
    int c;
    memset(o, 0, sizeof *o);
    vmm_config_default(&o->cfg);
    vmm_thrash_default(&o->thrash);
    o->format = VMM_FMT_AUTO;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:p:h", longopts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        struct vmm_cost_model *cm = &o->cfg.cost;
        uint64_t *cost = NULL;
        switch (c) {
        case 'f':
            if (num("--frames", optarg, 1, UINT32_MAX - 1, &o->cfg.frames))
                return EXIT_USAGE;
            o->given |= OPT_FRAMES;
            break;
        case 'p': {
            snprintf(o->policy_buf, sizeof o->policy_buf, "%s", optarg);
            char *colon = strchr(o->policy_buf, ':');
            if (colon)
                *colon++ = '\0';
            o->cfg.policy = o->policy_buf;
            o->cfg.policy_params = colon;
            o->given |= OPT_POLICY;
            break;
        }
        case O_PAGE:
            if (size("--page-size", optarg, &v))
                return EXIT_USAGE;
            if (v > UINT32_MAX)
                return cli_error(EXIT_USAGE, "--page-size: %s is too large", optarg);
            o->cfg.page_size = (uint32_t)v;
            o->given |= OPT_PAGE_SIZE;
            break;
        case O_VA:
            if (num("--va-bits", optarg, 0, 64, &v))
                return EXIT_USAGE;
            o->cfg.va_bits = (unsigned)v;
            o->given |= OPT_VA_BITS;
            break;
        case O_TLB:
            if (num("--tlb", optarg, 0, 65536, &v))
                return EXIT_USAGE;
            o->cfg.tlb_entries = (unsigned)v;
            o->given |= OPT_TLB;
            break;
        case O_WAYS:
            if (num("--tlb-ways", optarg, 0, 65536, &v))
                return EXIT_USAGE;
            o->cfg.tlb_ways = (unsigned)v;
            o->given |= OPT_TLB_WAYS;
            break;
        case O_SEED:
            if (num("--seed", optarg, 0, UINT64_MAX, &o->cfg.seed))
                return EXIT_USAGE;
            o->given |= OPT_SEED;
            break;
        case O_NODATA:
            o->cfg.data = false;
            o->given |= OPT_NO_DATA;
            break;
        case O_SWAP:
            o->cfg.swap_path = optarg;
            o->given |= OPT_SWAP;
            break;
        case O_SWAPSIZE:
            if (size("--swap-size", optarg, &o->cfg.swap_bytes))
                return EXIT_USAGE;
            o->given |= OPT_SWAP_SIZE;
            break;
        case O_MAXMEM:
            if (size("--max-memory", optarg, &o->cfg.max_memory))
                return EXIT_USAGE;
            o->given |= OPT_MAX_MEMORY;
            break;
        case O_CHECK:
            o->cfg.check = true;
            o->given |= OPT_CHECK;
            break;
        case O_JSON:
            o->json = true;
            break;
        case O_EXPLAIN:
            o->explain = true;
            break;
        case O_FORMAT:
            o->format = vmm_trace_format_parse(optarg);
            if (o->format < 0)
                return cli_error(EXIT_USAGE,
                                 "--format: unknown format '%s' (expected auto, pages, addr, "
                                 "lackey, vmm, u32be, u32le, u64le or vmt)",
                                 optarg);
            break;
        case O_REFS:
            o->refs = optarg;
            break;
        case O_DEMO:
            o->print_demo = true;
            break;
        case O_FILES:
            if (strcmp(cmd, "run") != 0)
                return cli_error(EXIT_USAGE, "--files: only for vmm run (the files a workload "
                                             "names)");
            o->files = optarg;
            break;
        case O_FLUSH:
            if (num("--flush-interval", optarg, 0, UINT64_MAX, &o->cfg.flush_interval))
                return EXIT_USAGE;
            o->given |= OPT_FLUSH;
            break;
        case O_FAIL_READ:
            if (num("--fail-read", optarg, 0, UINT64_MAX, &o->cfg.fail_read))
                return EXIT_USAGE;
            o->given |= OPT_FAIL_READ;
            break;
        case O_FAIL_WRITE:
            if (num("--fail-write", optarg, 0, UINT64_MAX, &o->cfg.fail_write))
                return EXIT_USAGE;
            o->given |= OPT_FAIL_WRITE;
            break;
        case O_COMPACTION:
            o->cfg.compaction = true;
            o->given |= OPT_COMPACTION;
            break;
        case O_NO_SWAPPING:
            o->cfg.swapping = false;
            o->given |= OPT_NO_SWAPPING;
            break;
        case O_UNIT:
            if (size("--unit", optarg, &o->cfg.contig_unit))
                return EXIT_USAGE;
            o->given |= OPT_UNIT;
            break;
        case O_RESERVE:
            if (size("--reserve", optarg, &o->cfg.reserve))
                return EXIT_USAGE;
            o->given |= OPT_RESERVE;
            break;
        case O_DISK_RATE:
        case O_COPY_RATE:
            if (size(optname(c), optarg,
                     c == O_DISK_RATE ? &o->cfg.cost.disk_rate : &o->cfg.cost.copy_rate))
                return EXIT_USAGE;
            o->given |= OPT_COST;
            break;
        case O_MMU:
        case O_BINDING:
        case O_FIT:
        case O_SCHED:
        case O_REPLACEMENT:
        case O_ALLOCATION:
        case O_LOAD_CONTROL: {
            static const struct {
                int opt;
                enum vmm_setting which;
                uint32_t bit;
            } map[] = {{O_SCHED, VMM_SET_SCHED, OPT_SCHED},
                       {O_REPLACEMENT, VMM_SET_REPLACEMENT, OPT_REPLACEMENT},
                       {O_ALLOCATION, VMM_SET_ALLOCATION, OPT_ALLOCATION},
                       {O_LOAD_CONTROL, VMM_SET_LOAD_CONTROL, OPT_LOAD_CONTROL},
                       {O_MMU, VMM_SET_MMU, OPT_MMU},
                       {O_BINDING, VMM_SET_BINDING, OPT_BINDING},
                       {O_FIT, VMM_SET_FIT, OPT_FIT}};
            unsigned *field[] = {&o->cfg.sched,        &o->cfg.replacement, &o->cfg.allocation,
                                 &o->cfg.load_control, &o->cfg.mmu,         &o->cfg.binding,
                                 &o->cfg.fit};
            for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
                if (map[i].opt != c)
                    continue;
                const char *choices;
                int x = vmm_setting_parse(map[i].which, optarg, &choices);
                if (x < 0)
                    return cli_error(EXIT_USAGE, "%s: unknown value '%s' (expected %s)", optname(c),
                                     optarg, choices);
                *field[i] = (unsigned)x;
                o->given |= map[i].bit;
            }
            break;
        }
        case O_QUANTUM:
            if (vmm_parse_quantum(optarg, &o->cfg.quantum_ns, &o->cfg.quantum_refs) < 0)
                return cli_error(EXIT_USAGE,
                                 "--quantum: expected a time such as 10ms, 500us or 100000 "
                                 "(ns), or references such as 1000refs; found '%s'",
                                 optarg);
            o->given |= OPT_QUANTUM;
            break;
        case O_NO_ASID:
            o->cfg.asid = false;
            o->given |= OPT_NO_ASID;
            break;
        case O_MIN_FRAMES:
            if (num("--min-frames", optarg, 1, UINT32_MAX - 1, &o->cfg.min_frames))
                return EXIT_USAGE;
            o->given |= OPT_MIN_FRAMES;
            break;
        case O_WS_DELTA:
            if (num("--ws-delta", optarg, 1, 1u << 30, &o->cfg.ws_delta))
                return EXIT_USAGE;
            o->given |= OPT_WS_DELTA;
            break;
        case O_PFF: {
            unsigned lo, hi;
            unsigned long long w = o->cfg.pff_window;
            int got, end = 0;
            got = sscanf(optarg, "%u,%u%n,%llu%n", &lo, &hi, &end, &w, &end);
            if (got < 2 || optarg[end] != '\0' || lo >= hi || hi > 1000 || !w)
                return cli_error(EXIT_USAGE,
                                 "--pff: expected LOWER,UPPER[,WINDOW]: faults per 1000 "
                                 "references, lower < upper <= 1000, e.g. 2,20 or 2,20,1000; "
                                 "found '%s'",
                                 optarg);
            o->cfg.pff_lower = lo;
            o->cfg.pff_upper = hi;
            o->cfg.pff_window = w;
            o->given |= OPT_PFF;
            break;
        }
        case O_TIMELINE:
            o->timeline = optarg;
            break;
        case O_TIMELINE_INT:
            if (vmm_parse_time(optarg, &o->timeline_ns) < 0 || !o->timeline_ns)
                return cli_error(EXIT_USAGE,
                                 "--timeline-interval: expected a time such as 1ms or 100us; "
                                 "found '%s'",
                                 optarg);
            break;
        case O_C_SWITCH:
            cost = &cm->switch_ns;
            break;
        case O_COPIES:
        case O_PAGES:
        case O_PHASE_PAGES:
        case O_PHASES:
        case O_TREFS:
        case O_WRITE:
        case O_CONTROL:
        case O_CSV:
        case O_NO_CHART: {
            struct vmm_thrash_spec *t = &o->thrash;
            name = optname(c);
            if (strcmp(cmd, "thrash") != 0)
                return cli_error(EXIT_USAGE, "%s: only for vmm thrash", name);
            if (c == O_COPIES) {
                if (num(name, optarg, 1, 4096, &v))
                    return EXIT_USAGE;
                t->max_degree = (unsigned)v;
            } else if (c == O_PAGES && num(name, optarg, 1, 1u << 30, &t->pages)) {
                return EXIT_USAGE;
            } else if (c == O_PHASE_PAGES && num(name, optarg, 1, 1u << 30, &t->phase_pages)) {
                return EXIT_USAGE;
            } else if (c == O_PHASES && num(name, optarg, 1, 1u << 30, &t->phases)) {
                return EXIT_USAGE;
            } else if (c == O_TREFS && num(name, optarg, 1, 1ull << 40, &t->refs)) {
                return EXIT_USAGE;
            } else if (c == O_WRITE) {
                char *end;
                errno = 0;
                double w = strtod(optarg, &end);
                if (*end || errno || !(w >= 0 && w <= 1))
                    return cli_error(
                        EXIT_USAGE, "--write: expected a fraction from 0 to 1, found '%s'", optarg);
                t->write = w;
            } else if (c == O_CONTROL) {
                int x = vmm_setting_parse(VMM_SET_LOAD_CONTROL, optarg, NULL);
                if (x != VMM_LOAD_WS && x != VMM_LOAD_PFF)
                    return cli_error(EXIT_USAGE, "--control: expected ws or pff, found '%s'",
                                     optarg);
                t->control = (unsigned)x;
            } else if (c == O_CSV) {
                o->csv = true;
            } else if (c == O_NO_CHART) {
                o->no_chart = true;
            }
            break;
        }
        case O_C_MEM:
            cost = &cm->mem_ns;
            break;
        case O_C_TLB:
            cost = &cm->tlb_ns;
            break;
        case O_C_WALK:
            cost = &cm->pt_level_ns;
            break;
        case O_C_FAULT:
            cost = &cm->fault_ns;
            break;
        case O_C_READ:
            cost = &cm->swap_read_ns;
            o->disk_cost = true;
            break;
        case O_C_WRITE:
            cost = &cm->swap_write_ns;
            o->disk_cost = true;
            break;
        case 'h':
            usage(cmd);
            return -1;
        case ':':
            return cli_error(EXIT_USAGE, "%s: missing its value (vmm %s --help)", name, cmd);
        default:
            return cli_error(EXIT_USAGE, "unknown option '%s' (vmm %s --help)", name, cmd);
        }
        if (cost) {
            if (num(name, optarg, 0, UINT64_MAX / 4, cost))
                return EXIT_USAGE;
            o->given |= OPT_COST;
        }
    }
    o->nargs = argc - optind;
    o->args = argv + optind;
    if (!(o->given & OPT_MAX_MEMORY)) {
        long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0)
            o->cfg.max_memory = (uint64_t)pages * (uint64_t)psz / 2;
    }
    return EXIT_OK;
}

void cli_apply(const struct cli_opts *o, struct vmm_config *cfg)
{
    const struct vmm_config *s = &o->cfg;
    if (o->given & OPT_FRAMES)
        cfg->frames = s->frames;
    if (o->given & OPT_POLICY) {
        cfg->policy = s->policy;
        cfg->policy_params = s->policy_params;
    }
    if (o->given & OPT_PAGE_SIZE)
        cfg->page_size = s->page_size;
    if (o->given & OPT_VA_BITS)
        cfg->va_bits = s->va_bits;
    if (o->given & OPT_TLB)
        cfg->tlb_entries = s->tlb_entries;
    if (o->given & OPT_TLB_WAYS)
        cfg->tlb_ways = s->tlb_ways;
    if (o->given & OPT_SEED)
        cfg->seed = s->seed;
    if (o->given & OPT_NO_DATA)
        cfg->data = false;
    if (o->given & OPT_SWAP)
        cfg->swap_path = s->swap_path;
    if (o->given & OPT_SWAP_SIZE)
        cfg->swap_bytes = s->swap_bytes;
    if (o->given & OPT_CHECK)
        cfg->check = true;
    if (o->given & OPT_COST)
        cfg->cost = s->cost;
    if (o->given & OPT_FLUSH)
        cfg->flush_interval = s->flush_interval;
    if (o->given & OPT_FAIL_READ)
        cfg->fail_read = s->fail_read;
    if (o->given & OPT_FAIL_WRITE)
        cfg->fail_write = s->fail_write;
    if (o->given & OPT_SCHED)
        cfg->sched = s->sched;
    if (o->given & OPT_QUANTUM) {
        cfg->quantum_ns = s->quantum_ns;
        cfg->quantum_refs = s->quantum_refs;
    }
    if (o->given & OPT_NO_ASID)
        cfg->asid = false;
    if (o->given & OPT_REPLACEMENT)
        cfg->replacement = s->replacement;
    if (o->given & OPT_ALLOCATION)
        cfg->allocation = s->allocation;
    if (o->given & OPT_MIN_FRAMES)
        cfg->min_frames = s->min_frames;
    if (o->given & OPT_WS_DELTA)
        cfg->ws_delta = s->ws_delta;
    if (o->given & OPT_LOAD_CONTROL)
        cfg->load_control = s->load_control;
    if (o->given & OPT_PFF) {
        cfg->pff_lower = s->pff_lower;
        cfg->pff_upper = s->pff_upper;
        cfg->pff_window = s->pff_window;
    }
    if (o->given & OPT_MMU)
        cfg->mmu = s->mmu;
    if (o->given & OPT_BINDING)
        cfg->binding = s->binding;
    if (o->given & OPT_FIT)
        cfg->fit = s->fit;
    if (o->given & OPT_COMPACTION)
        cfg->compaction = true;
    if (o->given & OPT_NO_SWAPPING)
        cfg->swapping = false;
    if (o->given & OPT_UNIT)
        cfg->contig_unit = s->contig_unit;
    if (o->given & OPT_RESERVE)
        cfg->reserve = s->reserve;
    cfg->max_memory = s->max_memory; /* always: its default comes from the host */
}

int cli_system(const struct vmm_config *cfg, struct vmm_system **sys)
{
    char err[512];
    int r = vmm_system_create(cfg, sys, err, sizeof err);
    if (r == 0)
        return EXIT_OK;
    if (r == VMM_ENOMEM || r == VMM_EIO)
        return cli_error(EXIT_RUNTIME, "%s", err);
    return cli_error(EXIT_USAGE, "%s", err);
}

int cli_timeline(const struct cli_opts *o, struct vmm_system *sys, FILE **out)
{
    *out = NULL;
    if (!o->timeline)
        return EXIT_OK;
    FILE *f = strcmp(o->timeline, "-") == 0 ? stdout : fopen(o->timeline, "w");
    if (!f)
        return cli_error(EXIT_RUNTIME, "--timeline: %s: %s", o->timeline, strerror(errno));
    if (vmm_timeline_attach(sys, f, o->timeline_ns ? o->timeline_ns : 1000000) < 0) {
        if (f != stdout)
            fclose(f);
        return cli_error(EXIT_RUNTIME, "%s", vmm_system_error(sys));
    }
    *out = f;
    return EXIT_OK;
}

/* Closes the timeline stream; EXIT_OK or EXIT_RUNTIME if its writes failed. */
int cli_timeline_close(const struct cli_opts *o, FILE *f)
{
    if (!f || f == stdout)
        return EXIT_OK;
    if (ferror(f) | fclose(f))
        return cli_error(EXIT_RUNTIME, "--timeline: %s: writing failed", o->timeline);
    return EXIT_OK;
}

void cli_report(const struct cli_opts *o, struct vmm_system *sys, const char *input,
                const char *format)
{
    struct vmm_report_info info = {input, format};
    if (o->json)
        vmm_report_json(sys, &info, stdout);
    else
        vmm_report_text(sys, &info, stdout);
}
