/*
 * floor.c - the floor under vmm's fifo and clock replay: each policy over a
 * u32le page-number trace with nothing but what the policy itself needs. A
 * page's entry (8 bytes: frame, valid and R bits) sits in an array indexed by
 * page number, a frame records the page it holds, and the PTEs are
 * prefetched ahead as vmm's replay does. No page table walk, process, region,
 * statistics or policy interface. It shows what a policy costs on this
 * machine, apart from what vmm adds around it.
 *
 *   floor POLICY FRAMES TRACE     prints: references faults
 *
 * POLICY:
 *   fifo          the frame loaded longest ago (frames are reused in place,
 *                 so a hand going round the frames in order);
 *   clock         second chance: the hand clears R bits, read in the PTEs,
 *                 until one is 0 (the PTE of the frame 64 places on is
 *                 prefetched at each step);
 *   clock-mirror  clock with a copy of each frame's R bit in a byte per frame,
 *                 set on every hit as well: the hand decides on the copy and
 *                 clears R in both places. It asks whether keeping R beside
 *                 the frame table would make the hand cheaper.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALID  1ull
#define REF    2ull
#define SHIFT  12 /* an entry: frame << SHIFT | REF | VALID */
#define AHEAD  24 /* references between a PTE's prefetch and its use */
#define HAND   64 /* frames between the hand's prefetch and its visit */
#define CHUNK  16384
#define NOPAGE UINT32_MAX

enum policy { FIFO, CLOCK, MIRROR };

struct sim {
    enum policy pol;
    uint64_t *pte;   /* by page number */
    size_t npages;   /* entries in pte */
    uint32_t *page;  /* by frame: the page it holds */
    uint8_t *mirror; /* by frame: a copy of R (clock-mirror) */
    uint32_t frames, used, hand;
    uint64_t refs, faults;
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "floor: out of memory\n");
        exit(1);
    }
    return p;
}

/* Makes room for page numbers up to p, new entries invalid. */
static void grow(struct sim *s, uint32_t p)
{
    size_t n = s->npages ? s->npages : 1024;
    while (n <= p)
        n *= 2;
    s->pte = xrealloc(s->pte, n * sizeof *s->pte);
    memset(s->pte + s->npages, 0, (n - s->npages) * sizeof *s->pte);
    s->npages = n;
}

/* The hand's next victim; passes (and clears) frames whose R is set. */
static uint32_t victim(struct sim *s)
{
    for (;;) {
        uint32_t f = s->hand, a = f + HAND < s->frames ? f + HAND : (f + HAND) % s->frames;
        s->hand = f + 1 == s->frames ? 0 : f + 1;
        if (s->pol == FIFO)
            return f;
        __builtin_prefetch(&s->pte[s->page[a]], 1);
        uint64_t *e = &s->pte[s->page[f]];
        if (s->pol == MIRROR) {
            if (!s->mirror[f])
                return f;
            s->mirror[f] = 0;
        } else if (!(*e & REF)) {
            return f;
        }
        *e &= ~REF;
    }
}

static void fault(struct sim *s, uint32_t p)
{
    uint32_t f;
    s->faults++;
    if (s->used < s->frames) {
        f = s->used++;
    } else {
        f = victim(s);
        s->pte[s->page[f]] = 0;
    }
    s->page[f] = p;
    s->pte[p] = (uint64_t)f << SHIFT | REF | VALID;
    if (s->mirror)
        s->mirror[f] = 1;
}

static void run(struct sim *s, const uint32_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] >= s->npages)
            grow(s, buf[i]);
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            __builtin_prefetch(&s->pte[buf[i + AHEAD]], 1);
        uint32_t p = buf[i]; /* little-endian host assumed, as in the bench */
        uint64_t e = s->pte[p];
        s->refs++;
        if (e & VALID) {
            s->pte[p] = e | REF;
            if (s->mirror)
                s->mirror[e >> SHIFT] = 1;
        } else {
            fault(s, p);
        }
    }
}

int main(int argc, char **argv)
{
    static uint32_t buf[CHUNK];
    struct sim s = {0};
    if (argc != 4)
        return fprintf(stderr, "usage: floor fifo|clock|clock-mirror FRAMES TRACE\n"), 1;
    if (!strcmp(argv[1], "fifo"))
        s.pol = FIFO;
    else if (!strcmp(argv[1], "clock"))
        s.pol = CLOCK;
    else if (!strcmp(argv[1], "clock-mirror"))
        s.pol = MIRROR;
    else
        return fprintf(stderr, "floor: unknown policy %s\n", argv[1]), 1;
    char *end;
    unsigned long frames = strtoul(argv[2], &end, 10);
    FILE *f = fopen(argv[3], "rb");
    if (*end || !frames || frames >= NOPAGE || !f)
        return fprintf(stderr, "floor: bad frames %s or cannot read %s\n", argv[2], argv[3]), 1;
    s.frames = (uint32_t)frames;
    s.page = xrealloc(NULL, frames * sizeof *s.page);
    if (s.pol == MIRROR)
        s.mirror = calloc(frames, 1);
    if (s.pol == MIRROR && !s.mirror)
        return fprintf(stderr, "floor: out of memory\n"), 1;
    size_t n;
    while ((n = fread(buf, 4, CHUNK, f)) > 0)
        run(&s, buf, n);
    printf("%llu %llu\n", (unsigned long long)s.refs, (unsigned long long)s.faults);
    return 0;
}
