/*
 * config.c - configuration defaults and validation, error texts, the seeded
 * generator and observer dispatch: the small shared pieces of libvmm.
 *
 * Every default is documented in docs/model.md; validation happens before
 * anything is allocated, and each refusal names the limit and the option that
 * changes it.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

const char *vmm_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
#define VMM_X_CASE(name, value, text)                                                              \
    case VMM_##name:                                                                               \
        return text;
        VMM_ERRNO_MAP(VMM_X_CASE)
#undef VMM_X_CASE
    }
    return "unknown error";
}

void vmm_config_default(struct vmm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->page_size = 4096;
    cfg->frames = 64;
    cfg->va_bits = 48;
    cfg->tlb_entries = 64;
    cfg->tlb_ways = 4;
    cfg->policy = "lru";
    cfg->policy_params = NULL;
    cfg->seed = 1;
    cfg->data = true;
    cfg->swap_path = NULL;
    cfg->swap_bytes = 0;
    cfg->max_memory = 0;
    cfg->check = false;
    /* Silberschatz's figures: memory 100-200 ns, a disk page 8 ms. */
    cfg->cost.mem_ns = 100;
    cfg->cost.tlb_ns = 1;
    cfg->cost.pt_level_ns = 100;
    cfg->cost.fault_ns = 1000;
    cfg->cost.swap_read_ns = 8000000;
    cfg->cost.swap_write_ns = 8000000;
    cfg->cost.switch_ns = 5000; /* "a few microseconds" */
    cfg->sched = VMM_SCHED_NONE;
    cfg->quantum_ns = 10000000; /* 10 ms, the textbook's 10 .. 100 ms at its low end */
    cfg->asid = true;
    cfg->replacement = VMM_REPLACE_GLOBAL;
    cfg->allocation = VMM_ALLOC_EQUAL;
    cfg->min_frames = 1;
    cfg->load_control = VMM_LOAD_NONE;
    cfg->pff_lower = 2;
    cfg->pff_upper = 20;
    cfg->pff_window = 1000;
    /* Silberschatz's swapping example: a 40 MB/s disk, 8 ms latency. */
    cfg->cost.disk_rate = 40000000;
    cfg->cost.copy_rate = 1000000000;
    cfg->mmu = VMM_MMU_PAGING;
    cfg->binding = VMM_BIND_EXECUTION;
    cfg->fit = VMM_FIT_FIRST;
    cfg->swapping = true;
    cfg->contig_unit = 1;
    cfg->reserve = 64 * 1024;
}

static const char *const setting_names[][4] = {
    [VMM_SET_SCHED] = {"none", "rr"},
    [VMM_SET_REPLACEMENT] = {"global", "local"},
    [VMM_SET_ALLOCATION] = {"equal", "proportional", "priority"},
    [VMM_SET_LOAD_CONTROL] = {"none", "ws", "pff"},
    [VMM_SET_MMU] = {"paging", "relocation", "segmentation"},
    [VMM_SET_BINDING] = {"execution", "load", "compile"},
    [VMM_SET_FIT] = {"first", "best", "worst", "next"},
};
static const char *const setting_choices[] = {
    [VMM_SET_SCHED] = "none or rr",
    [VMM_SET_REPLACEMENT] = "global or local",
    [VMM_SET_ALLOCATION] = "equal, proportional or priority",
    [VMM_SET_LOAD_CONTROL] = "none, ws or pff",
    [VMM_SET_MMU] = "paging, relocation or segmentation",
    [VMM_SET_BINDING] = "execution, load or compile",
    [VMM_SET_FIT] = "first, best, worst or next",
};

const char *vmm_setting_name(enum vmm_setting which, unsigned value)
{
    if ((unsigned)which > VMM_SET_FIT || value >= 4)
        return NULL;
    return setting_names[which][value];
}

int vmm_setting_parse(enum vmm_setting which, const char *name, const char **choices)
{
    if ((unsigned)which > VMM_SET_FIT)
        return -1;
    if (choices)
        *choices = setting_choices[which];
    for (int i = 0; i < 4 && setting_names[which][i]; i++)
        if (name && strcmp(name, setting_names[which][i]) == 0)
            return i;
    return -1;
}

int vmm_parse_time(const char *text, uint64_t *ns)
{
    static const struct {
        const char *unit;
        uint64_t ns;
    } units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"", 1}};
    char *end;
    if (!text || *text < '0' || *text > '9')
        return VMM_EPARSE;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno)
        return VMM_ERANGE;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) != 0)
            continue;
        if (v > UINT64_MAX / units[i].ns)
            return VMM_ERANGE;
        *ns = v * units[i].ns;
        return 0;
    }
    return VMM_EPARSE;
}

int vmm_parse_quantum(const char *text, uint64_t *ns, uint64_t *refs)
{
    size_t l = text ? strlen(text) : 0;
    uint64_t v;
    int r;
    if (l > 4 && strcmp(text + l - 4, "refs") == 0) {
        char n[32];
        if (l - 4 >= sizeof n)
            return VMM_ERANGE;
        memcpy(n, text, l - 4);
        n[l - 4] = '\0';
        r = vmm_parse_time(n, &v); /* a bare number: the count */
        if (r == 0 && !v)
            r = VMM_ERANGE;
        if (r == 0) {
            *ns = 0;
            *refs = v;
        }
        return r;
    }
    r = vmm_parse_time(text, &v);
    if (r == 0 && !v)
        r = VMM_ERANGE;
    if (r == 0) {
        *ns = v;
        *refs = 0;
    }
    return r;
}

unsigned vmm_config_levels(const struct vmm_config *cfg)
{
    unsigned vpn_bits = cfg->va_bits - vmm__log2(cfg->page_size);
    return vpn_bits <= 9 ? 1 : (vpn_bits + 8) / 9;
}

/* Formats bytes as "12 GiB" / "512 KiB" / "100 B" for messages. */
static void human(uint64_t b, char *out, size_t len)
{
    static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    unsigned u = 0;
    double v = (double)b;
    while (v >= 1024 && u < 6) {
        v /= 1024;
        u++;
    }
    snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

int vmm_config_validate(const struct vmm_config *c, char *msg, size_t len)
{
    char a[32], b[32];
    if (c->page_size & (c->page_size - 1)) {
        snprintf(msg, len, "page size %u is not a power of two (--page-size 4K)", c->page_size);
        return VMM_EINVAL;
    }
    if (c->page_size < 512 || c->page_size > (1u << 20)) {
        snprintf(msg, len, "page size %u is outside 512 bytes .. 1 MiB (--page-size 4K)",
                 c->page_size);
        return VMM_EINVAL;
    }
    if (c->va_bits != 32 && c->va_bits != 48 && c->va_bits != 57) {
        snprintf(msg, len, "virtual address width %u is not 32, 48 or 57 (--va-bits)", c->va_bits);
        return VMM_EINVAL;
    }
    if (c->frames < 1) {
        snprintf(msg, len, "frames must be at least 1 (--frames)");
        return VMM_EINVAL;
    }
    if (c->frames > FRAMES_MAX) {
        snprintf(msg, len, "%" PRIu64 " frames is more than the %u a frame number holds (--frames)",
                 c->frames, (unsigned)FRAMES_MAX);
        return VMM_ELIMIT;
    }
    if (c->tlb_entries) {
        unsigned ways = c->tlb_ways ? c->tlb_ways : c->tlb_entries;
        if (c->tlb_entries > 65536 || ways > c->tlb_entries || c->tlb_entries % ways != 0 ||
            ((c->tlb_entries / ways) & (c->tlb_entries / ways - 1))) {
            snprintf(msg, len,
                     "TLB of %u entries, %u-way: entries must be at most 65536 and a "
                     "power-of-two multiple of the ways (--tlb N --tlb-ways W)",
                     c->tlb_entries, ways);
            return VMM_EINVAL;
        }
    }
    if (!c->policy || !vmm__policy_find(c->policy)) {
        snprintf(msg, len, "unknown policy '%s' (vmm policies lists them)",
                 c->policy ? c->policy : "");
        return VMM_EINVAL;
    }
    /* Memory the system will hold: frame bytes (data on) and the frame table. */
    uint64_t meta = c->frames * sizeof(struct frame);
    uint64_t bytes = meta;
    if (c->data) {
        if (c->frames > UINT64_MAX / c->page_size - meta) {
            snprintf(msg, len, "frames x page size overflows (--frames, --page-size)");
            return VMM_ELIMIT;
        }
        bytes += c->frames * c->page_size;
    }
    if (c->max_memory && bytes > c->max_memory) {
        human(bytes, a, sizeof a);
        human(c->max_memory, b, sizeof b);
        snprintf(msg, len,
                 "%" PRIu64 " frames of %u bytes need %s, more than --max-memory %s; use fewer "
                 "--frames, a smaller --page-size%s, or raise --max-memory",
                 c->frames, c->page_size, a, b, c->data ? ", --no-data" : "");
        return VMM_ELIMIT;
    }
    if (c->sched > VMM_SCHED_RR || c->replacement > VMM_REPLACE_LOCAL ||
        c->allocation > VMM_ALLOC_PRIORITY || c->load_control > VMM_LOAD_PFF) {
        snprintf(msg, len, "unknown scheduler, replacement, allocation or load control");
        return VMM_EINVAL;
    }
    if (c->mmu > VMM_MMU_SEGMENTATION || c->binding > VMM_BIND_COMPILE || c->fit > VMM_FIT_NEXT) {
        snprintf(msg, len, "unknown MMU, binding or fit");
        return VMM_EINVAL;
    }
    if (c->mmu == VMM_MMU_PAGING && c->binding != VMM_BIND_EXECUTION) {
        snprintf(msg, len,
                 "paging binds addresses at execution time: --binding %s needs --mmu "
                 "relocation or segmentation",
                 vmm_setting_name(VMM_SET_BINDING, c->binding));
        return VMM_EINVAL;
    }
    if (c->compaction && (c->mmu == VMM_MMU_PAGING || c->binding != VMM_BIND_EXECUTION)) {
        snprintf(msg, len,
                 c->mmu == VMM_MMU_PAGING
                     ? "compaction moves contiguous images: it needs --mmu relocation or "
                       "segmentation (paging has no external fragmentation)"
                     : "compaction moves processes, which only execution-time binding allows "
                       "(--binding execution)");
        return VMM_EINVAL;
    }
    if (c->contig_unit < 1 || (c->contig_unit & (c->contig_unit - 1)) ||
        c->contig_unit > c->page_size) {
        snprintf(msg, len,
                 "allocation unit %" PRIu64
                 " is not a power of two of at most the page size (--unit 1K)",
                 c->contig_unit);
        return VMM_EINVAL;
    }
    if (!c->cost.disk_rate || !c->cost.copy_rate) {
        snprintf(msg, len, "a transfer rate of 0 bytes per second (--disk-rate, --copy-rate)");
        return VMM_EINVAL;
    }
    if (c->mmu != VMM_MMU_PAGING &&
        (c->load_control != VMM_LOAD_NONE || c->replacement != VMM_REPLACE_GLOBAL)) {
        snprintf(msg, len,
                 "%s swaps whole images; --load-control and --replacement local manage "
                 "pages and need --mmu paging",
                 vmm_setting_name(VMM_SET_MMU, c->mmu));
        return VMM_EINVAL;
    }
    if (c->load_control != VMM_LOAD_NONE && c->sched != VMM_SCHED_RR) {
        snprintf(msg, len,
                 "load control %s suspends processes, which needs the scheduler (--sched rr)",
                 vmm_setting_name(VMM_SET_LOAD_CONTROL, c->load_control));
        return VMM_EINVAL;
    }
    if (c->sched == VMM_SCHED_RR && !c->quantum_ns && !c->quantum_refs) {
        snprintf(msg, len, "a round-robin quantum of 0 (--quantum 10ms or --quantum 1000refs)");
        return VMM_EINVAL;
    }
    if (c->min_frames < 1 || c->min_frames > c->frames) {
        snprintf(msg, len,
                 "a minimum of %" PRIu64 " frames per process with %" PRIu64
                 " frames (--min-frames 1 .. --frames)",
                 c->min_frames, c->frames);
        return VMM_EINVAL;
    }
    if (c->load_control == VMM_LOAD_PFF &&
        (c->pff_lower >= c->pff_upper || c->pff_upper > 1000 || !c->pff_window)) {
        snprintf(msg, len,
                 "page-fault frequency bounds %u .. %u per 1000 references over %" PRIu64
                 ": expected lower < upper <= 1000 and a window of at least 1 (--pff L,U[,W])",
                 c->pff_lower, c->pff_upper, c->pff_window);
        return VMM_EINVAL;
    }
    if (c->swap_bytes && c->swap_bytes < c->page_size) {
        snprintf(msg, len, "swap size %" PRIu64 " is smaller than one page (--swap-size)",
                 c->swap_bytes);
        return VMM_EINVAL;
    }
    return 0;
}

int vmm_parse_size(const char *text, uint64_t *out)
{
    char *end;
    if (!text || *text < '0' || *text > '9')
        return VMM_EPARSE;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno)
        return VMM_ERANGE;
    unsigned shift = 0;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        shift = 10;
        break;
    case 'm':
    case 'M':
        shift = 20;
        break;
    case 'g':
    case 'G':
        shift = 30;
        break;
    case 't':
    case 'T':
        shift = 40;
        break;
    default:
        return VMM_EPARSE;
    }
    if (shift) {
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
    }
    if (*end != '\0')
        return VMM_EPARSE;
    if (shift && v > (UINT64_MAX >> shift))
        return VMM_ERANGE;
    *out = (uint64_t)v << shift;
    return 0;
}

int vmm__fail(struct vmm_system *sys, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sys->err, sizeof sys->err, fmt, ap);
    va_end(ap);
    return code;
}

const char *vmm_system_error(const struct vmm_system *sys)
{
    return sys->err;
}

void vmm__emit(struct vmm_system *sys, const struct vmm_event *ev)
{
    for (unsigned i = 0; i < sys->nobs; i++)
        if (sys->obs[i].mask & VMM_EV_MASK(ev->kind))
            sys->obs[i].on_event(sys->obs[i].ctx, ev);
}

int vmm_observer_add(struct vmm_system *sys, const struct vmm_observer *obs)
{
    if (!obs || !obs->on_event)
        return vmm__fail(sys, VMM_EINVAL, "observer without a callback");
    if (sys->nobs == VMM_MAX_OBSERVERS)
        return vmm__fail(sys, VMM_ELIMIT, "more than %d observers", VMM_MAX_OBSERVERS);
    sys->obs[sys->nobs++] = *obs;
    sys->obs_mask |= obs->mask;
    sys->lean = false;
    return 0;
}

double vmm_eat_formula(double p, double ma_ns, double service_ns)
{
    return (1.0 - p) * ma_ns + p * service_ns;
}
