/*
 * thrash.c - the thrashing experiment (`vmm thrash`, docs/model.md): the
 * same program run as 1, 2, ... N copies at once under the round-robin
 * scheduler, each degree of multiprogramming twice, without load control
 * and with it, measuring CPU utilisation.
 *
 * The program is a synthetic one with shifting localities: it references a
 * window of phase_pages pages for a while, then moves to another window. One copy alone mostly
 * waits for the disk at each move; more copies overlap their waits with each other's computing, and
 * utilisation rises - until the windows together no longer fit in the frames. Then every copy
 * faults all the time, the disk is the bottleneck and utilisation collapses: thrashing.
 *
 *   CPU utilisation
 *     |        ,--.   ,--------  with working-set control: a copy is
 *     |      ,'    `. |            suspended while the working sets overflow
 *     |    ,'        `.
 *     |  ,'            `-.___    without: thrashing
 *     +--------------------------- copies
 *
 * Copy i (1-based) is process i with one region of `pages` pages and its own
 * seed (cfg.seed and i), so degree d runs the copies of degree d - 1 and one
 * more. Everything else (frames, policy, costs, quantum) is the caller's
 * configuration.
 */
#include "internal.h"

#include <stdlib.h>

/* One copy as a scheduler task: a program with shifting localities. Each
 * phase lasts a random number of references, uniform in [L/2, 3L/2) for
 * L = refs / phases (so copies that start together drift apart rather than
 * change localities in step), and references pages uniformly in a window of
 * phase_pages pages placed uniformly in the region. */
struct copy {
    uint32_t pid;      /* its process */
    uint64_t base;     /* its region's first address */
    uint64_t rng;      /* splitmix64 state */
    uint64_t left;     /* references still to make */
    uint64_t in_phase; /* references left in this phase */
    uint64_t window;   /* first page of this phase's window */
    const struct vmm_thrash_spec *spec;
};

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A number uniform in [0, n), n >= 1 (bias below 2^-32 for the sizes here). */
static uint64_t below(uint64_t *s, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)next_rand(s) * n) >> 64);
}

/* One reference of the copy; 0 when its references are done. */
static int copy_step(void *ctx, struct vmm_system *sys)
{
    struct copy *c = ctx;
    const struct vmm_thrash_spec *sp = c->spec;
    if (!c->left)
        return 0;
    if (!c->in_phase) {
        uint64_t l = sp->refs / sp->phases;
        c->in_phase = l / 2 + below(&c->rng, l ? l : 1) + 1;
        c->window = below(&c->rng, sp->pages - sp->phase_pages + 1);
    }
    c->in_phase--;
    c->left--;
    uint64_t page = c->window + below(&c->rng, sp->phase_pages);
    bool write = below(&c->rng, 1000000) < (uint64_t)(sp->write * 1e6);
    uint8_t byte = (uint8_t)page;
    int r = vmm_access(sys, c->pid, c->base + (page << sys->page_shift),
                       write ? VMM_WRITE : VMM_READ, &byte, 1);
    return r < 0 ? r : 1;
}

void vmm_thrash_default(struct vmm_thrash_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->pages = 256;
    spec->phase_pages = 12;
    spec->phases = 8;
    spec->refs = 200000;
    spec->write = 0.2;
    spec->max_degree = 10;
    spec->control = VMM_LOAD_WS;
}

/* Runs `degree` copies under cfg with load control lc; fills *out. */
static int run_degree(const struct vmm_config *base, const struct vmm_thrash_spec *spec,
                      unsigned degree, unsigned lc, struct vmm_thrash_run *out, char *err,
                      size_t errlen)
{
    struct vmm_config cfg = *base;
    struct vmm_system *sys;
    struct copy *copies = calloc(degree, sizeof *copies);
    cfg.sched = VMM_SCHED_RR;
    cfg.load_control = lc;
    if (!copies) {
        snprintf(err, errlen, "out of memory");
        return VMM_ENOMEM;
    }
    int e = vmm_system_create(&cfg, &sys, err, errlen);
    if (e < 0) {
        free(copies);
        return e;
    }
    uint64_t base_addr = 1ull << 22, len = spec->pages << sys->page_shift;
    for (unsigned i = 0; i < degree && e == 0; i++) {
        char name[16];
        copies[i] =
            (struct copy){.pid = i + 1, .base = base_addr, .left = spec->refs, .spec = spec};
        copies[i].rng = cfg.seed * 0x9E3779B97F4A7C15ull + i + 1;
        snprintf(name, sizeof name, "copy%u", i + 1);
        /* Its pages come from its own program image: the first touch of
         * each reads the disk, as a program's pages do. */
        struct vmm_task t = {copies[i].pid, copy_step, &copies[i]};
        uint32_t obj;
        if ((e = vmm_process_spawn(sys, t.pid, name)) < 0 ||
            (e = vmm_object_create(sys, name, len, &obj)) < 0 ||
            (e = vmm_region_map(sys, t.pid, "data", base_addr, len, VMM_PROT_READ | VMM_PROT_WRITE,
                                VMM_MAP_PRIVATE, obj, 0)) < 0 ||
            (e = vmm_sched_add(sys, &t)) < 0)
            snprintf(err, errlen, "%s", vmm_system_error(sys));
    }
    if (e == 0 && (e = vmm_sched_run(sys)) < 0)
        snprintf(err, errlen, "%s", vmm_system_error(sys));
    if (e == 0) {
        struct vmm_stats st;
        vmm_stats_get(sys, &st);
        double el = st.elapsed_ns ? (double)st.elapsed_ns : 1.0;
        out->cpu_util = (double)st.cpu_ns / el;
        out->disk_util = (double)st.disk_ns / el;
        out->page_faults = st.page_faults;
        out->elapsed_ns = st.elapsed_ns;
        out->references = st.references;
        out->suspensions = st.suspensions;
        out->throughput = (double)st.references * 1e9 / el;
    }
    free(copies);
    vmm_system_destroy(sys);
    return e;
}

int vmm_thrash_run(const struct vmm_config *cfg, const struct vmm_thrash_spec *spec,
                   struct vmm_thrash_point *out, char *err, size_t errlen)
{
    if (!spec->pages || !spec->phases || !spec->phase_pages || spec->phase_pages > spec->pages ||
        !(spec->write >= 0 && spec->write <= 1)) {
        snprintf(err, errlen,
                 "a copy of %" PRIu64 " pages in %" PRIu64 " phases of %" PRIu64
                 " pages writing %g of its references: expected 1 <= phase pages <= pages, "
                 "phases >= 1, 0 <= write <= 1",
                 spec->pages, spec->phases, spec->phase_pages, spec->write);
        return VMM_EINVAL;
    }
    if (!spec->max_degree || spec->max_degree > 4096) {
        snprintf(err, errlen, "copies: expected 1 .. 4096, got %u", spec->max_degree);
        return VMM_EINVAL;
    }
    if (spec->control != VMM_LOAD_WS && spec->control != VMM_LOAD_PFF) {
        snprintf(err, errlen, "the controlled runs need load control ws or pff");
        return VMM_EINVAL;
    }
    for (unsigned d = 1; d <= spec->max_degree; d++) {
        out[d - 1].degree = d;
        int e = run_degree(cfg, spec, d, VMM_LOAD_NONE, &out[d - 1].plain, err, errlen);
        if (e == 0)
            e = run_degree(cfg, spec, d, spec->control, &out[d - 1].controlled, err, errlen);
        if (e < 0)
            return e;
    }
    return 0;
}
