/*
 * pattern.h - synthetic reference patterns (src/trace/ only), the generator
 * behind the workload statement
 *
 *   P1 pattern KIND pages=N refs=R [alpha=A] [write=W] [seed=S] [phases=K] [phase-pages=M]
 *
 * A pure module: it knows nothing of the engine and yields page numbers
 * 0 .. pages-1, a read/write flag and an offset in the page; the caller maps
 * them to addresses. Reference i (0-based, i < refs) of each kind:
 *
 *   seq      one sweep: page floor(i * pages / refs), so each page is touched
 *            about refs/pages times in a row (pages are skipped evenly when
 *            refs < pages)                    0 0 0 1 1 1 2 2 2 ...
 *   loop     page i mod pages: the LRU worst case with fewer frames than pages
 *                                             0 1 2 0 1 2 0 1 2 ...
 *   uniform  a page drawn uniformly from 0 .. pages-1
 *   zipf     page k drawn with probability (1/(k+1)^alpha) / H, H the sum of
 *            the weights; page 0 is the hottest, alpha = 0 is uniform. Exact:
 *            a cumulative table (8 bytes a page, at most PAT_ZIPF_MAX_PAGES
 *            pages) and a guide to it (2 to 4 bytes a page) searched by
 *            bisection: a few steps a reference, O(log pages) at worst
 *   phases   the refs cut into `phases` consecutive phases of refs/phases
 *            references (the last also takes the remainder); each phase draws
 *            a window of phase_pages consecutive pages, its start uniform in
 *            0 .. pages-phase_pages, and references pages uniformly in it:
 *            shifting localities, a working set that moves
 *
 *              pages  0 ......................................... pages-1
 *              phase 0          [#######]
 *              phase 1   [#######]
 *              phase 2                              [#######]
 *
 * For every kind, each reference is a write with probability `write` (one
 * draw per reference, made whatever `write` is, so the pages drawn do not
 * depend on it), and the offset is a multiple of 8 below page_size, drawn
 * at random (uniform to within one part in 2^32 / (page_size / 8)).
 *
 * Determinism: the only source of randomness is a xoshiro256** generator
 * seeded from spec->seed through splitmix64, and the zipf weights come from
 * this module's own log and exp (no libm), so one spec gives the same
 * sequence on every machine and compiler. Per reference the draws are made in
 * a fixed order: the page (uniform, zipf, phases; phases also draws a window
 * start at each phase's first reference), then the write, then the offset.
 *
 * Cost: nothing is allocated after pat_init; a reference is a few 64-bit
 * operations (and a short bisection for zipf): 150 million a second or more,
 * zipf 50 million with pages in the cache, 20 million with 1 Mi pages
 * (measured on one x86-64 core).
 */
#ifndef VMM_PATTERN_H
#define VMM_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAT_DEFAULT_ALPHA  1.0           /* zipf exponent when alpha= is not given */
#define PAT_ZIPF_MAX_PAGES (64ull << 20) /* largest zipf table: 64 Mi pages, 512 MiB */
#define PAT_OFFSET_ALIGN   8u            /* offsets are multiples of this */

enum pat_kind { PAT_SEQ, PAT_LOOP, PAT_UNIFORM, PAT_ZIPF, PAT_PHASES, PAT__COUNT };

/* The kinds' names as written in scripts, indexed by enum pat_kind:
 * "seq", "loop", "uniform", "zipf", "phases". */
extern const char *const pat_kind_names[PAT__COUNT];

struct pat_spec {
    enum pat_kind kind;   /* which pattern */
    uint64_t pages;       /* >= 1: pages 0 .. pages-1 are referenced */
    uint64_t refs;        /* references to generate (0 is allowed: none) */
    double alpha;         /* zipf exponent, finite and >= 0 (0 = uniform); default 1.0 */
    double write;         /* probability a reference is a write, 0 .. 1 */
    uint64_t seed;        /* seeds the generator; any value */
    uint64_t phases;      /* phases: number of phases >= 1 (other kinds ignore it) */
    uint64_t phase_pages; /* phases: pages in each phase's window, 1 .. pages (ditto) */
};

/* A generator's state (pattern.c); one per pattern being run. */
struct pat_gen;

/* Checks spec and makes a generator for it in *out (copied: spec need not
 * outlive it). Returns 0, or -1 with a message in err (if errlen > 0) and
 * *out untouched: an unknown kind, pages = 0, write outside 0 .. 1, for zipf
 * alpha negative or not finite, pages > PAT_ZIPF_MAX_PAGES or no memory for
 * the table, for phases phases = 0, phase_pages = 0 or phase_pages > pages.
 * Free the generator with pat_free. */
int pat_init(struct pat_gen **out, const struct pat_spec *spec, char *err, size_t errlen);

/* The next reference: its page in *page (0 .. pages-1), *write true for a
 * write, and in *offset a byte offset in the page, a multiple of
 * PAT_OFFSET_ALIGN at most page_size - PAT_OFFSET_ALIGN (0 if page_size <
 * PAT_OFFSET_ALIGN). Returns false, and leaves the outputs alone, once
 * spec->refs references have been returned. page_size may differ between
 * calls; it changes only the offsets, never the pages or writes. */
bool pat_next(struct pat_gen *g, uint32_t page_size, uint64_t *page, bool *write, uint32_t *offset);

/* References returned so far by g (0 .. spec->refs). */
uint64_t pat_done(const struct pat_gen *g);

/* Frees g and its table; g may be NULL. */
void pat_free(struct pat_gen *g);

#endif /* VMM_PATTERN_H */
