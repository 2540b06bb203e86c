/*
 * stackdist.h - stack distances: the whole fault curve of a stack algorithm
 * (lru, opt) from one pass over the references (stackdist.c), and the dense
 * page ids and next uses they work on.
 *
 * Every function here takes page references (none crosses a page) and at most
 * SD_MAX_REFS of them; a page is the pair (pid, page number).
 */
#ifndef VMM_STACKDIST_H
#define VMM_STACKDIST_H

#include "vmm.h"

/* Positions and page ids are 32-bit; UINT32_MAX means "none". */
#define SD_MAX_REFS (UINT32_MAX - 1u)
#define SD_NONE     UINT32_MAX

/* Numbers the pages in order of first reference, the references given a
 * batch at a time: a direct table by page number while one process is seen
 * and page numbers stay small, a hash table of (pid, page number) after. */
struct vmm__ids {
    unsigned shift;      /* the page size's log2 */
    uint32_t count;      /* pages numbered: ids run 0 .. count-1 */
    uint64_t refs;       /* references numbered */
    bool direct_off;     /* the direct table was left, for good */
    uint32_t pid;        /* the one process while direct */
    uint32_t *direct;    /* page number -> id + 1 (0 = none), or NULL */
    uint64_t maxvpn;     /* the largest page number in direct */
    struct idslot *hash; /* after direct: open addressing, at most half full */
    size_t cap;          /* its slots, a power of two */
};

void vmm__ids_init(struct vmm__ids *s, unsigned page_shift);
/* ids[i] = the id of (refs[i].pid, refs[i].addr >> shift), numbered
 * on from the batches before. Returns 0 or VMM_ENOMEM (the ids of the batch
 * then undefined, the numbering unusable). */
int vmm__ids_add(struct vmm__ids *s, const struct vmm_ref *refs, size_t n, uint32_t *ids);
void vmm__ids_free(struct vmm__ids *s);

/* The same for one array: ids[i] in [0, *distinct). Returns 0 or
 * VMM_ENOMEM. */
int vmm__page_ids(const struct vmm_ref *refs, size_t n, unsigned page_shift, uint32_t *ids,
                  uint32_t *distinct);

/* next[i] = the index of the next reference to page ids[i] after i, or
 * SD_NONE. Returns 0 or VMM_ENOMEM. */
int vmm__next_uses(const uint32_t *ids, size_t n, uint32_t distinct, uint32_t *next);

/*
 * Stack-distance histograms. hist has maxd + 2 entries: hist[d] for
 * 1 <= d <= maxd counts the references at stack distance d (they hit with d
 * frames or more), hist[maxd + 1] those deeper than maxd and first references
 * (they fault with every frame count up to maxd); hist[0] is 0. Returns 0 or
 * VMM_ENOMEM.
 *
 * lru: d = 1 + the distinct pages referenced since the previous reference to
 * the same page. opt: d = the depth of the page in Mattson's OPT stack
 * (priority = the sooner next use), the stack cut at maxd entries.
 */
int vmm__lru_distances(const uint32_t *ids, size_t n, uint32_t distinct, uint32_t maxd,
                       uint64_t *hist);
int vmm__opt_distances(const uint32_t *ids, const uint32_t *next, size_t n, uint32_t distinct,
                       uint32_t maxd, uint64_t *hist);

/*
 * LRU stack distances one reference at a time, over pages that come and go
 * (shards.c samples them): the same marks as vmm__lru_distances, grown as
 * needed. A page is an id below 2^30 chosen by the caller (reuse the ids of
 * forgotten pages to keep the arrays small). Memory: 4 bytes for each id up
 * to the largest, under a byte a page held (the bitmap, 2 to 4 positions a page).
 */
struct vmm__lru_stream;

/* A stream holding no page, or NULL when out of memory. */
struct vmm__lru_stream *vmm__lru_stream_create(void);
void vmm__lru_stream_destroy(struct vmm__lru_stream *s);
/* A reference to x: *between = the pages held that were referenced since
 * x's previous reference (its LRU stack distance - 1), or SD_NONE if x is
 * not held (a first reference, or the first since it was forgotten); x is
 * held from then on. Returns 0, VMM_ELIMIT (x or the pages held reach 2^30)
 * or VMM_ENOMEM (then nothing changed). */
int vmm__lru_stream_ref(struct vmm__lru_stream *s, uint32_t x, uint32_t *between);
/* Drops x (if held): it counts in no later distance. */
void vmm__lru_stream_forget(struct vmm__lru_stream *s, uint32_t x);
/* The pages held. */
uint32_t vmm__lru_stream_pages(const struct vmm__lru_stream *s);

/* faults[i] = the references a memory of frames[i] frames faults on: those
 * at a distance beyond frames[i] (all of hist[maxd + 1] when frames[i] >=
 * maxd, which needs maxd = distinct pages or maxd >= every frame count). */
void vmm__curve_from_hist(const uint64_t *hist, uint32_t maxd, const uint64_t *frames,
                          size_t nframes, uint64_t *faults);

#endif
