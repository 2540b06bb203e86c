/*
 * internal.h - libvmm's structures shared between its components.
 *
 * The central invariant, checked by check.c after every reference in tests:
 *
 *   a page-table entry is VALID  <=>  it is one of the mappings in the reverse
 *   map of the frame it names; a frame is in use (not on the free list, and
 *   tracked by the replacement policy) <=> it has at least one mapping.
 *
 *      page tables                          frame table (phys.c)
 *      P1 +-----------------+               +---------------------------------+
 *         | vpn 7: V  f=5  -+-------------->| f5: first mapping P1 vpn 7      |
 *         | vpn 9: S  slot=3|          +--->|     further: rmap[2] = P2 vpn 7 |
 *         | vpn 2: 0        |          |    |     slot=NONE                   |
 *         +-----------------+          |    | f6: free, next free = f8        |
 *      P2 | vpn 7: V  f=5  -+----------+    +---------------------------------+
 *         | vpn 9: S  slot=3|  swap slot 3: count 2 (two PTEs hold it)
 *         +-----------------+
 *   V = valid (resident), S = not resident, its copy is in swap slot 3,
 *   0 = never touched or clean zero page: the next touch zero-fills it (or,
 *   in a region backed by an object such as a program's text, reads it).
 *
 * Sharing (fork, shared text) puts several PTEs on one frame: the first is
 * kept in the frame itself (the common, unshared case costs nothing more),
 * the others in a chain of reverse-map entries. A swap slot counts its
 * holders: PTEs that name it plus the frame that caches it (frame->slot, the
 * swap cache, slot -> frame in swap.cache). A private page shared after fork
 * is mapped read-only everywhere: the first write traps and copies it
 * (copy-on-write), or, if no one else holds the page any more, just makes the
 * PTE writable again.
 *
 * A resident page keeps the swap slot it was read from (frame->slot): while it
 * stays clean, eviction drops it without a write, which is the write-back the
 * dirty bit saves.
 */
#ifndef VMM_INTERNAL_H
#define VMM_INTERNAL_H

#include "vmm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#define VMM_LIKELY(x)   __builtin_expect(!!(x), 1)
#define VMM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Cheap checks: on unless NDEBUG (tests and debug builds keep them). A broken
 * invariant is a bug in libvmm, never the user's input. */
#ifdef NDEBUG
#define VMM_ASSERT(c) ((void)0)
#else
#include <assert.h>
#define VMM_ASSERT(c) assert(c)
#endif

/* Copies src (NULL = "") into dst of len bytes, cut and terminated. */
static inline void vmm__copy_str(char *dst, size_t len, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (len == 0)
        return;
    if (n >= len)
        n = len - 1;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

/* floor(log2(x)) for x >= 1: the shift of a power of two. */
static inline unsigned vmm__log2(uint64_t x)
{
    return x ? 63u - (unsigned)__builtin_clzll(x) : 0u;
}

/* ---- numbers that must not be mixed up ---------------------------------- */

typedef uint64_t vpn_t;   /* virtual page number within one process */
typedef uint32_t frame_t; /* physical frame number, 0 .. frames-1 */
typedef uint32_t slot_t;  /* swap slot number in the backing store */
typedef uint64_t pte_t;   /* a page-table entry, layout below */

#define FRAME_NONE UINT32_MAX
#define SLOT_NONE  UINT32_MAX
#define FRAMES_MAX (UINT32_MAX - 1u)

/* ---- page-table entries -------------------------------------------------- */

/* bit 0 valid, 1 writable, 2 dirty, 3 referenced, 4 swapped (not valid, payload
 * is a swap slot); bits 12..63: frame number (valid) or swap slot (swapped). */
#define PTE_VALID 0x1ull
#define PTE_WRITE 0x2ull
#define PTE_DIRTY 0x4ull
#define PTE_REF   0x8ull
#define PTE_SWAP  0x10ull
#define PTE_SHIFT 12

static inline frame_t pte_frame(pte_t e)
{
    return (frame_t)(e >> PTE_SHIFT);
}
static inline slot_t pte_slot(pte_t e)
{
    return (slot_t)(e >> PTE_SHIFT);
}
static inline pte_t pte_mk_frame(frame_t f, pte_t flags)
{
    return ((pte_t)f << PTE_SHIFT) | flags | PTE_VALID;
}
static inline pte_t pte_mk_slot(slot_t s)
{
    return ((pte_t)s << PTE_SHIFT) | PTE_SWAP;
}

/* ---- the frame table ----------------------------------------------------- */

#define RMAP_NONE UINT32_MAX

/* Frame flags. */
#define FR_ZERO  0x1u /* data on: the frame's bytes are known to be all zero (free frames) */
#define FR_DIRTY 0x2u /* the page differs from its backing copy (a dirty bit taken off a PTE) */
#define FR_FILE  0x4u /* the page belongs to an object (sys->fpage[f] says which) */

struct frame {
    pte_t *pte;     /* first mapping: its PTE; NULL = free */
    vpn_t vpn;      /* first mapping: its page */
    uint32_t pid;   /* first mapping: its process */
    slot_t slot;    /* swap slot holding a copy of the page (swap cache), or SLOT_NONE */
    uint32_t link;  /* free: next free frame; in use: further mappings (sys->rmap), RMAP_NONE */
    uint32_t flags; /* FR_* */
};

/* A further mapping of a shared frame: an entry of the reverse-map pool. */
struct rmap_ent {
    pte_t *pte;    /* the PTE */
    vpn_t vpn;     /* its page */
    uint32_t pid;  /* its process */
    uint32_t next; /* next entry of the same frame (or the free chain), RMAP_NONE */
};

/* One mapping of a frame, as the iteration below gives it. */
struct mapping {
    pte_t *pte;
    vpn_t vpn;
    uint32_t pid;
};

/* What a frame of an object holds: the object and the page index in it. */
struct fpage {
    uint32_t obj;   /* object id (1-based) */
    uint32_t index; /* page of the object */
};

/* ---- objects: what regions can map besides anonymous memory ------------- */

enum obj_kind {
    OBJ_IMAGE, /* a program's image: reads as zeros, never written */
    OBJ_FILE,  /* a host file: read on a miss, dirty pages written back to it */
    OBJ_SHMEM, /* shared anonymous memory: zero-filled, evicted to swap */
};

/*
 * An object's pages live in the page cache. The object holds each of its
 * pages through a PTE of its own, pte[index], exactly as a process does:
 *
 *   valid     the page is cached in that frame, and the object's PTE is the
 *             frame's first mapping (pid 0, vpn = index); process mappings
 *             follow it in the reverse map;
 *   swapped   (shared memory) the page is in that swap slot, which the
 *             object holds;
 *   0         not cached: read from the file, or zero-filled.
 *
 * So a cached page always has a mapping and the frame-table invariant holds
 * unchanged; a page stays cached after its last process unmaps it, until it
 * is evicted. Process PTEs of an object's page are valid or 0, never
 * swapped: after eviction the next touch finds the page through the object.
 */
struct vobj {
    char name[32];   /* shown in reports */
    uint8_t kind;    /* enum obj_kind */
    bool writable;   /* OBJ_FILE: fd is open for writing; OBJ_SHMEM: always */
    int fd;          /* OBJ_FILE: the host file; -1 otherwise */
    uint64_t dev;    /* OBJ_FILE: its device and inode, so that one file is one object */
    uint64_t ino;    /* */
    uint64_t size;   /* bytes: the file's size (fixed at open), or the object's */
    uint64_t npages; /* pages covering size */
    pte_t *pte;      /* npages entries (vmm__alloc_big: untouched parts cost nothing) */
    uint32_t maps;   /* regions mapping it now; shared memory is freed at 0 */
};

/* ---- processes ------------------------------------------------------------ */

struct region {
    uint64_t start;   /* first byte, page aligned */
    uint64_t end;     /* one past the last byte, page aligned */
    uint64_t floor;   /* grows down: the lowest start it may grow to; 0 = fixed */
    uint64_t pgoff;   /* obj: page of the object at start */
    uint32_t obj;     /* object mapped (1-based), 0 = anonymous memory */
    unsigned prot;    /* VMM_PROT_* */
    bool shared;      /* obj: VMM_MAP_SHARED (writes reach the object), else private */
    char name[24];    /* shown in reports and the explain log */
    uint64_t len;     /* bytes asked for (start and end are rounded out): internal
                         fragmentation is the difference */
    uint32_t img;     /* relocation, segmentation: the image holding its bytes (mmu.c), 0 = none */
    uint64_t img_off; /* offset of start in that image */
};

struct pt_node; /* a page-table node: 512 entries (pagetable.c) */
struct pt_slab; /* a chunk of page-table nodes (pagetable.c) */

struct proc {
    uint32_t pid;             /* process id */
    uint32_t asid;            /* address-space id tagging TLB entries */
    char name[32];            /* name given at spawn */
    bool live;                /* running; false after exit or kill */
    bool killed;              /* terminated by the system */
    struct pt_node *root;     /* top of the page table; NULL = empty */
    vpn_t leaf_tag;           /* vpn >> 9 of leaf_cache, or VPN_TAG_NONE */
    pte_t *leaf_cache;        /* the leaf last walked (a software shortcut) */
    pte_t **ldir;             /* ldir[vpn >> 9]: that leaf, NULL if not noted yet */
    size_t nldir;             /* entries in ldir (pagetable.c: the leaf directory) */
    struct region *regions;   /* sorted by start, non-overlapping */
    size_t nregions;          /* regions in use */
    size_t cap_regions;       /* regions allocated */
    uint64_t pt_nodes;        /* page-table nodes allocated */
    struct pt_slab *slab;     /* chunks the nodes come from, newest first */
    struct vmm_proc_stats st; /* counters reported for this process */
    struct wset *ws;          /* its working set (wset.c); NULL when not tracked */
    uint8_t state;            /* enum pstate: what the scheduler has it doing */
    uint64_t since;           /* simulated ns at which it entered that state */
    uint64_t wake;            /* PS_BLOCKED: when its last disk transfer completes */
    uint64_t pff_refs;        /* references at the start of its fault-frequency window */
    uint64_t pff_faults;      /* faults at that start */
    uint32_t task;            /* its scheduler task's index + 1, 0 = none */
    uint64_t susp_ws;         /* PS_SUSPENDED: its working-set size when it left */
    uint64_t susp_alloc;      /* PS_SUSPENDED: its allocation when it left */
    uint32_t part;            /* relocation: its partition's image (mmu.c), 0 = none yet */
    uint64_t at;              /* compile-time binding: the physical address its program was
                                 built for (vmm_process_set_address) */
    uint64_t at_next;         /* compile-time binding, segmentation: where its next segment
                                 goes (segments follow each other from at) */
    uint64_t mem_seen;        /* PS_BLOCKED waiting for memory (wake UINT64_MAX): the
                                 memory changes it has seen (vmm__cm_changes) */
};

/* What a process is doing, for the scheduler (sched.c). Without the
 * scheduler every process stays PS_READY. */
enum pstate {
    PS_READY,     /* waits for the CPU (or, without the scheduler, runs when called) */
    PS_RUNNING,   /* has the CPU */
    PS_BLOCKED,   /* waits for the disk */
    PS_SUSPENDED, /* swapped out whole by load control or the allocator */
    PS_DONE,      /* exited or killed */
};

#define VPN_TAG_NONE UINT64_MAX

/* ---- the TLB ------------------------------------------------------------- */

struct tlb_entry {
    vpn_t vpn;     /* page number cached */
    pte_t *pte;    /* its PTE (hardware caches the frame; we keep where it came from) */
    uint32_t asid; /* owner's address-space id */
    uint32_t used; /* last use, for LRU within the set; 0 = invalid */
};

struct tlb {
    struct tlb_entry *e; /* sets x ways entries, set-major */
    unsigned sets;       /* a power of two */
    unsigned ways;       /* entries per set */
    uint32_t clock;      /* use counter for LRU stamps */
};

/* ---- the backing store ---------------------------------------------------- */

struct swap {
    int fd;             /* the swap file, -1 with data off */
    uint64_t max_slots; /* slot limit, 0 = none */
    uint64_t top;       /* slots ever handed out (high-water mark) */
    slot_t *free;       /* freed slots, reused first (a stack) */
    size_t nfree;       /* entries in free */
    size_t cap_free;    /* allocated entries of free */
    uint32_t *count;    /* holders of slot s: PTEs naming it + the frame caching it; 0 = free */
    frame_t *cache;     /* the swap cache: the frame holding slot s's page, FRAME_NONE */
    size_t cap_used;    /* allocated entries of count and cache */
    uint64_t in_use;    /* slots holding a page now */
    uint64_t peak;      /* most slots in use at once */
};

/* ---- replacement policies --------------------------------------------------- */

/* What a policy asks of the core. */
enum {
    POLICY_ON_ACCESS = 1, /* call on_access for every hit (exact LRU, LFU, OPT) */
    POLICY_FUTURE = 2,    /* needs next-use times: the trace is read whole first */
    POLICY_WSET = 4,      /* needs the working sets tracked (cfg.ws_delta) */
};

/* The working-set window when something needs one and none was given. */
#define VMM_WS_DELTA_DEFAULT 10000u

#define NEXT_USE_NEVER UINT64_MAX

struct policy_params; /* parsed "k=v,..." (policy.c) */

/*
 * A policy only chooses. The core does every side effect of eviction (write-
 * back, PTE, TLB, reverse map, swap slots) and tells the policy with on_remove.
 * Frames are numbered 0 .. nframes-1; select_victim must return a frame the
 * policy tracks. With sys->take_pid == 0 (global replacement) it is called
 * only when every frame is in use. With take_pid set (local replacement, the
 * allocator trimming) some frames may be free, and the victim must be one
 * vmm__may_take allows, chosen as the policy would among those frames only;
 * the others are passed over without side effects (their R bits, their places
 * in the policy's order stay). The core guarantees that one is allowed.
 */
struct vmm_policy_ops {
    struct vmm_policy_info info; /* name (registry key), summary, parameters */
    unsigned needs;              /* POLICY_* flags */
    /* Builds the state for sys; reads its parameters from pp. */
    int (*create)(struct vmm_system *sys, const struct policy_params *pp, void **state);
    void (*destroy)(void *state);
    /* A page was loaded into f by a reference (op); next_use as on_access. */
    void (*on_insert)(void *state, frame_t f, unsigned op, uint64_t next_use);
    /* A hit on f (only with POLICY_ON_ACCESS). next_use: sequence number of the
     * next reference to this page, NEXT_USE_NEVER, or 0 when unknown. */
    void (*on_access)(void *state, frame_t f, unsigned op, uint64_t next_use);
    /* f no longer holds a page (evicted or freed by exit). */
    void (*on_remove)(void *state, frame_t f);
    /* Chooses the victim among the tracked frames (that vmm__may_take allows). */
    frame_t (*select_victim)(void *state);
    /* Optional hint, no side effects on the policy's choices: the frame
     * select_victim would likely choose after it chose `after` (FRAME_NONE:
     * the next one), or FRAME_NONE (always allowed, e.g. under local
     * replacement). It may prefetch its own entry for the frame it returns,
     * since the core asks for that frame's successor at the next eviction.
     * The core prefetches what eviction will read (speed only). */
    frame_t (*peek_victim)(void *state, frame_t after);
    /* Optional, speed only, no side effects on the policy's choices: f is
     * about to be accessed (on_access, POLICY_ON_ACCESS policies). step 0:
     * prefetch what on_access reads first; step 1, a few references later:
     * what that leads to (it has arrived by then). */
    void (*prefetch)(void *state, frame_t f, unsigned step);
    /* Periodic work every `tick` references (0 = never): NRU and aging. */
    void (*on_tick)(void *state);
    /* Checks the policy's own structures: tracks exactly the frames for which
     * tracked(f) holds. Returns 0 or writes a message and returns -1. */
    int (*check)(void *state, char *msg, size_t len);
};

/* The registry (policy/registry.c). */
const struct vmm_policy_ops *vmm__policy_find(const char *name);
extern const struct vmm_policy_ops *const vmm__policies[];
extern const size_t vmm__npolicies;

/* Reads an unsigned parameter; returns 0, or VMM_EPARSE with a message in sys. */
int vmm__param_u64(struct vmm_system *sys, const struct policy_params *pp, const char *key,
                   uint64_t def, uint64_t min, uint64_t max, uint64_t *out);
/* The working-set policies' parameter delta: the window, which is the
 * system's (cfg.ws_delta). Sets cfg.ws_delta from it when none was
 * configured (default VMM_WS_DELTA_DEFAULT); a delta= that contradicts a
 * configured one is VMM_EINVAL. Returns 0 or an error with a message. */
int vmm__param_delta(struct vmm_system *sys, const struct policy_params *pp);

/* ---- the system ------------------------------------------------------------ */

#define VMM_MAX_OBSERVERS 8
#define STAMP_WORDS       (65536 / 8) /* covers the largest trace reference (size is 16 bits) */

struct vmm_system {
    struct vmm_config cfg;            /* configuration in force (strings point below) */
    char policy_name[32];             /* copy of cfg.policy */
    char policy_params[256];          /* copy of cfg.policy_params */
    char swap_path[512];              /* copy of cfg.swap_path, "" = temp file */
    unsigned page_shift;              /* log2(page size) */
    unsigned levels;                  /* page-table levels */
    unsigned top_shift;               /* 9 x (levels - 1): shift of the root's index */
    uint64_t vpn_limit;               /* 1 << (va_bits - page_shift) */
    uint8_t *mem;                     /* physical memory, frames x page size; NULL with data off */
    size_t mem_bytes;                 /* bytes mapped at mem */
    struct frame *frames;             /* the frame table */
    struct fpage *fpage;              /* per frame: the object page it holds (FR_FILE) */
    struct rmap_ent *rmap;            /* further mappings of shared frames */
    uint32_t rmap_cap;                /* entries of rmap */
    uint32_t rmap_free;               /* first unused entry, RMAP_NONE */
    struct vobj *objs;                /* objects; id i is objs[i - 1] */
    uint32_t nobjs, cap_objs;         /* used, allocated */
    uint64_t nframes;                 /* frames in it */
    frame_t free_head;                /* first free frame, FRAME_NONE if none */
    uint64_t nfree;                   /* frames on the free list */
    struct proc **procs;              /* indexed by pid; NULL = never spawned */
    size_t cap_procs;                 /* entries of procs */
    struct proc *last;                /* the process of the last reference */
    uint32_t next_asid;               /* next address-space id to hand out */
    struct tlb tlb;                   /* the TLB (sets == 0: none) */
    struct swap swap;                 /* the backing store */
    const struct vmm_policy_ops *pol; /* replacement policy */
    void *pol_state;                  /* its state */
    bool pol_access;                  /* call pol->on_access on hits */
    bool lean;                        /* no observer, TLB or checker: hits take the short path */
    uint64_t tick;                    /* pol->on_tick every tick references (0 = never) */
    uint64_t tick_left;               /* references until the next periodic work (0 = none) */
    uint64_t tick_span;               /* references that countdown started from */
    uint64_t pol_left;                /* references until the policy's next tick */
    uint64_t flush_left;              /* references until the flusher's next run */
    bool flush_due;                   /* the flusher runs once vmm_access has stored bytes */
    uint64_t next_use;                /* next-use time of the current reference (OPT) */
    frame_t pred[8];                  /* the likely next victims (fault.c): a ring, */
    unsigned pred_head, npred;        /* the next at pred[pred_head], npred known */
    struct vmm_stats st;              /* global counters */
    struct vmm_observer obs[VMM_MAX_OBSERVERS]; /* attached observers */
    unsigned nobs;                              /* how many */
    uint32_t obs_mask;                          /* union of their masks: one test on the hot path */
    uint64_t rng;                               /* state of the seeded generator (splitmix64) */
    void *explain;                              /* explain observer state (report/explain.c) */
    uint64_t *stamp;                            /* STAMP_WORDS words that replayed writes store */
    struct proc *cur;                           /* the process making the current reference */
    uint32_t *owner;     /* per frame: pid charged for it (it brought the page in), 0 = no one;
                            NULL unless local replacement or load control needs it */
    uint32_t take_pid;   /* victims only among frames of this pid or of no one; 0 = any */
    bool take_own;       /* ... and only of this pid (the allocator trimming it, or the
                            process at its allocation) */
    bool local;          /* local replacement (or pff, which implies it) */
    bool alloc_dirty;    /* the processes changed: allocations are recomputed */
    bool ws_on;          /* working sets tracked (cfg.ws_delta > 0) */
    struct sched *sched; /* the scheduler (sched.c), NULL until a task is added */
    bool in_sched;       /* vmm_sched_run is running */
    struct timeline *timeline; /* --timeline writer (report/timeline.c), or NULL */
    struct cmem *cm;           /* relocation, segmentation: contiguous memory (mmu.c); NULL
                                  under paging */
    char err[512];             /* message of the last failure */
};

/* Records a message for vmm_system_error() and returns code. */
int vmm__fail(struct vmm_system *sys, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends ev to every observer that asked for its kind. */
void vmm__emit(struct vmm_system *sys, const struct vmm_event *ev);

#define EMIT(sys, k, ...)                                                                          \
    do {                                                                                           \
        if (VMM_UNLIKELY((sys)->obs_mask & VMM_EV_MASK(k))) {                                      \
            struct vmm_event ev_ = {.kind = (k), .seq = (sys)->st.references, __VA_ARGS__};        \
            vmm__emit((sys), &ev_);                                                                \
        }                                                                                          \
    } while (0)

static inline struct proc *vmm__proc(const struct vmm_system *sys, uint32_t pid)
{
    return pid < sys->cap_procs ? sys->procs[pid] : NULL;
}

/* Physical memory of frame f (data on only). */
static inline uint8_t *frame_mem(const struct vmm_system *sys, frame_t f)
{
    return sys->mem + ((size_t)f << sys->page_shift);
}

/* ---- page tables (pagetable.c) ---------------------------------------------- */

/* The PTE of vpn, allocating nodes on the way; NULL when out of memory. */
pte_t *vmm__pt_ensure(const struct vmm_system *sys, struct proc *p, vpn_t vpn);
/* Calls fn for every PTE that is not zero, in vpn order. */
void vmm__pt_foreach(const struct vmm_system *sys, struct proc *p,
                     void (*fn)(void *ctx, vpn_t vpn, pte_t *pte), void *ctx);
/* The same for the pages lo .. hi-1 only. */
void vmm__pt_foreach_range(const struct vmm_system *sys, struct proc *p, vpn_t lo, vpn_t hi,
                           void (*fn)(void *ctx, vpn_t vpn, pte_t *pte), void *ctx);
/* Frees every node (the PTEs must already be cleared of frames and slots). */
void vmm__pt_free(const struct vmm_system *sys, struct proc *p);

/* The PTE of vpn or NULL, through the leaf directory or the last-leaf
 * shortcut, else a walk from the root (inline: this is every reference's
 * path). A node is an array of 512 words: child pointers above the leaves,
 * PTEs in them. */
static inline pte_t *pt_find(const struct vmm_system *sys, struct proc *p, vpn_t vpn)
{
    const vpn_t l = vpn >> 9;
    if (VMM_LIKELY(l < p->nldir && p->ldir[l]))
        return p->ldir[l] + (vpn & 511);
    if (l == p->leaf_tag)
        return p->leaf_cache + (vpn & 511);
    const uint64_t *n = (const uint64_t *)p->root;
    if (VMM_LIKELY(sys->top_shift == 27)) { /* four levels, the common shape: unrolled */
        if (!n || !(n = (const uint64_t *)(uintptr_t)n[(vpn >> 27) & 511]) ||
            !(n = (const uint64_t *)(uintptr_t)n[(vpn >> 18) & 511]) ||
            !(n = (const uint64_t *)(uintptr_t)n[(vpn >> 9) & 511]))
            return NULL;
    } else {
        for (unsigned s = sys->top_shift; n && s; s -= 9)
            n = (const uint64_t *)(uintptr_t)n[(vpn >> s) & 511];
        if (!n)
            return NULL;
    }
    if (l < p->nldir)
        p->ldir[l] = (pte_t *)n;
    p->leaf_tag = l;
    p->leaf_cache = (pte_t *)n;
    return p->leaf_cache + (vpn & 511);
}

/* ---- the TLB (tlb.c) ------------------------------------------------------ */

int vmm__tlb_init(struct vmm_system *sys);
void vmm__tlb_destroy(struct tlb *t);
/* The cached PTE of (asid, vpn), or NULL on a miss. */
static inline pte_t *tlb_lookup(struct tlb *t, uint32_t asid, vpn_t vpn)
{
    struct tlb_entry *set = t->e + (size_t)(vpn & (t->sets - 1)) * t->ways;
    for (unsigned i = 0; i < t->ways; i++) {
        if (set[i].vpn == vpn && set[i].asid == asid && set[i].used) {
            set[i].used = ++t->clock ? t->clock : (t->clock = 1);
            return set[i].pte;
        }
    }
    return NULL;
}
void vmm__tlb_fill(struct tlb *t, uint32_t asid, vpn_t vpn, pte_t *pte);
/* Shoot-down: drops the entry of (asid, vpn) if cached. */
void vmm__tlb_invalidate(struct tlb *t, uint32_t asid, vpn_t vpn);
/* Drops every entry of asid. */
void vmm__tlb_flush_asid(struct tlb *t, uint32_t asid);
/* Drops every entry (a context switch without address-space ids). */
void vmm__tlb_flush_all(struct tlb *t);

/* ---- frames and the reverse map (phys.c) ------------------------------------ */

/* Zeroed memory for a large array, from mmap; 2 MiB and more are advised to
 * use transparent huge pages. NULL when out of memory. */
void *vmm__alloc_big(size_t bytes);
void vmm__free_big(void *p, size_t bytes);

int vmm__phys_init(struct vmm_system *sys);
void vmm__phys_destroy(struct vmm_system *sys);
/* Takes a frame off the free list, or FRAME_NONE. */
static inline frame_t vmm__frame_alloc(struct vmm_system *sys)
{
    frame_t f = sys->free_head;
    if (f == FRAME_NONE)
        return FRAME_NONE;
    sys->free_head = sys->frames[f].link;
    sys->frames[f].link = RMAP_NONE;
    sys->nfree--;
    return f;
}
/* Returns f to the free list (its mappings already removed). */
void vmm__frame_free(struct vmm_system *sys, frame_t f);

/* A further mapping of f, which is in use (vmm__rmap_add's second case). */
int vmm__rmap_add_more(struct vmm_system *sys, frame_t f, uint32_t pid, vpn_t vpn, pte_t *pte);
/* Makes (pid, vpn, pte) a mapping of f: the first if f is not in use, else a
 * further one. Returns 0 or VMM_ENOMEM. */
static inline int vmm__rmap_add(struct vmm_system *sys, frame_t f, uint32_t pid, vpn_t vpn,
                                pte_t *pte)
{
    struct frame *fr = &sys->frames[f];
    if (fr->pte)
        return vmm__rmap_add_more(sys, f, pid, vpn, pte);
    fr->pte = pte;
    fr->vpn = vpn;
    fr->pid = pid;
    fr->link = RMAP_NONE;
    return 0;
}
/* Removes the mapping through pte from f; its R and M bits stay with the page
 * if others still map it (M as FR_DIRTY, R on the first mapping). Returns the
 * mappings left. */
unsigned vmm__rmap_del(struct vmm_system *sys, frame_t f, const pte_t *pte);
/* Drops every further mapping of f (their PTEs already cleared). */
void vmm__rmap_clear(struct vmm_system *sys, frame_t f);
/* The number of PTEs mapping f (0 if free). */
unsigned vmm__rmap_count(const struct vmm_system *sys, frame_t f);

/* Iterates over f's mappings: cursor starts at RMAP_FIRST. */
#define RMAP_FIRST (RMAP_NONE - 1u)
static inline bool frame_mapping(const struct vmm_system *sys, frame_t f, uint32_t *cursor,
                                 struct mapping *m)
{
    const struct frame *fr = &sys->frames[f];
    if (*cursor == RMAP_FIRST) {
        if (!fr->pte)
            return false;
        *m = (struct mapping){fr->pte, fr->vpn, fr->pid};
        *cursor = fr->link;
        return true;
    }
    if (*cursor == RMAP_NONE)
        return false;
    const struct rmap_ent *e = &sys->rmap[*cursor];
    *m = (struct mapping){e->pte, e->vpn, e->pid};
    *cursor = e->next;
    return true;
}

/* The R and M bits of the page in f (in use): the OR over every PTE mapping
 * it, and M also if the frame kept a dirty bit of a PTE that went away. This
 * is what a replacement policy reads, as a kernel's rmap walk does. */
pte_t vmm__frame_bits_shared(const struct vmm_system *sys, frame_t f);
static inline pte_t frame_bits(const struct vmm_system *sys, frame_t f)
{
    const struct frame *fr = &sys->frames[f];
    if (VMM_LIKELY(fr->link == RMAP_NONE && !(fr->flags & FR_DIRTY)))
        return *fr->pte & (PTE_REF | PTE_DIRTY);
    return vmm__frame_bits_shared(sys, f);
}
/* Clears bits (PTE_REF and/or PTE_DIRTY) in every PTE mapping f. */
void vmm__frame_clear_shared(struct vmm_system *sys, frame_t f, pte_t bits);
static inline void frame_clear_bits(struct vmm_system *sys, frame_t f, pte_t bits)
{
    struct frame *fr = &sys->frames[f];
    if (VMM_LIKELY(fr->link == RMAP_NONE && !(fr->flags & FR_DIRTY)))
        *fr->pte &= ~bits;
    else
        vmm__frame_clear_shared(sys, f, bits);
}

/* ---- the backing store (swap.c) ----------------------------------------------- */

int vmm__swap_init(struct vmm_system *sys);
void vmm__swap_destroy(struct vmm_system *sys);
/* A free slot with one holder, or VMM_ENOSPC / VMM_ENOMEM. */
int vmm__swap_alloc(struct vmm_system *sys, slot_t *out);
/* One more holder of slot s. */
void vmm__swap_dup(struct vmm_system *sys, slot_t s);
/* One holder fewer; the slot is free when none is left. */
void vmm__swap_put(struct vmm_system *sys, slot_t s);
static inline uint32_t swap_count(const struct vmm_system *sys, slot_t s)
{
    return sys->swap.count[s];
}
int vmm__swap_write(struct vmm_system *sys, slot_t s, const uint8_t *page);
int vmm__swap_read(struct vmm_system *sys, slot_t s, uint8_t *page);

/* ---- regions (vma.c) ------------------------------------------------------------ */

/* The region of p containing addr, or NULL. */
struct region *vmm__region_find(const struct proc *p, uint64_t addr);
/* Stack growth: the grows-down region just above addr, extended down to
 * addr's page if its floor allows and it would not touch the region under
 * it; NULL otherwise. */
struct region *vmm__region_grow(struct vmm_system *sys, struct proc *p, uint64_t addr);
/* The page of r's object that r's page vpn maps. */
static inline uint64_t region_obj_page(const struct vmm_system *sys, const struct region *r,
                                       vpn_t vpn)
{
    return r->pgoff + vpn - (r->start >> sys->page_shift);
}

/* ---- objects and the page cache (object.c) ---------------------------------------- */

static inline struct vobj *vmm__obj(const struct vmm_system *sys, uint32_t id)
{
    return id && id <= sys->nobjs ? &sys->objs[id - 1] : NULL;
}
/* The object whose page frame f caches (FR_FILE). */
static inline struct vobj *frame_obj(const struct vmm_system *sys, frame_t f)
{
    return vmm__obj(sys, sys->fpage[f].obj);
}
/* Processes mapping frame f: its mappings less the object's own. */
static inline unsigned frame_users(const struct vmm_system *sys, frame_t f)
{
    return vmm__rmap_count(sys, f) - ((sys->frames[f].flags & FR_FILE) ? 1u : 0u);
}
/* Counts one read or write of the backing store; VMM_EIO (message set) when
 * the test hook fails it. what names it in the message. */
int vmm__io_begin(struct vmm_system *sys, bool write, const char *what);
/* A read or write of the backing store failed: counts it, tells observers and
 * records "what: why"; returns VMM_EIO. */
int vmm__io_error(struct vmm_system *sys, bool write, const char *what, const char *why);
/* Caches page idx of object id in frame f (unmapped, taken for it): the
 * object's PTE becomes f's first mapping. */
void vmm__cache_insert(struct vmm_system *sys, uint32_t id, uint64_t idx, frame_t f);
/* Drops the object page cached in f, which no process maps, from the cache
 * (without writing it back) and frees f. */
void vmm__cache_drop(struct vmm_system *sys, frame_t f);
/* Reads page idx of file object o into frame f (data on); past the end of
 * the file, zeros. Returns 0 or VMM_EIO. */
int vmm__file_read(struct vmm_system *sys, const struct vobj *o, uint64_t idx, frame_t f);
/* Writes file page cached in f back (the bytes before the file's end) and
 * clears its dirty bits; counts it under cause. Returns 0 or VMM_EIO (the
 * page stays dirty). */
int vmm__file_writeback(struct vmm_system *sys, frame_t f, int cause);
/* Writes back the dirty cached pages lo .. hi-1 of object id (a file; others:
 * nothing), adding to *written. Stops at the first failure: VMM_EIO. */
int vmm__obj_sync(struct vmm_system *sys, uint32_t id, uint64_t lo, uint64_t hi, int cause,
                  uint64_t *written);
/* Writes back every dirty page of every file; returns 0 or the first
 * failure (the failed pages stay dirty). */
int vmm__flush_all(struct vmm_system *sys, int cause);
/* A region starts or stops mapping object id; shared memory no region maps
 * is freed. */
void vmm__obj_ref(struct vmm_system *sys, uint32_t id);
void vmm__obj_unref(struct vmm_system *sys, uint32_t id);
void vmm__objs_destroy(struct vmm_system *sys);

/* ---- processes (proc.c) ---------------------------------------------------- */

/* Writes back the dirty pages of region r if it is a shared file mapping,
 * counting them under cause (and in *written, may be NULL). Returns 0 or
 * VMM_EIO at the first failure (that page stays dirty). */
int vmm__region_writeback(struct vmm_system *sys, const struct region *r, int cause,
                          uint64_t *written);
/* Frees every frame mapping, swap slot and page-table node of p, after its
 * shared file mappings are written back; its regions let go of objects. */
void vmm__proc_release(struct vmm_system *sys, struct proc *p);
/* Releases the pages [lo, hi) of p: mappings dropped, frames and slots freed
 * when no one else holds them. */
void vmm__release_range(struct vmm_system *sys, struct proc *p, vpn_t lo, vpn_t hi);
/* Drops one mapping pte (valid) of p's page vpn from its frame; frees the frame
 * when it was the last. */
void vmm__unmap_pte(struct vmm_system *sys, struct proc *p, vpn_t vpn, pte_t *pte);
/* Ends frame f's hold on its swap slot (the swap cache), if any, and clears
 * its flags. */
void vmm__frame_uncache(struct vmm_system *sys, frame_t f);
/* Frees frame f, which no PTE maps any more (not even an object's): the
 * policy, the swap cache, the free list. */
void vmm__frame_drop(struct vmm_system *sys, frame_t f);

/* ---- the fault path (fault.c) --------------------------------------------------- */

/* Handles the trap for a reference of p to vpn that found no usable PTE.
 * Returns VMM_FAULT_MINOR/MAJOR with *ptep set to the now-valid PTE,
 * VMM_KILLED when p was terminated, or a negative error. */
int vmm__fault(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, pte_t **ptep);
/* The same while nothing watches (sys->lean: no observer, TLB, checker or
 * working sets), for a located PTE: the commonest fault, a PTE of 0 in
 * anonymous memory, takes a short path (a zero-fill); any other goes to
 * vmm__fault. The results are the same. */
int vmm__fault_lean(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, pte_t *pte);

/* Evicts whatever page f holds: write-back if dirty, every PTE mapping it,
 * the TLB, the policy. */
int vmm__evict(struct vmm_system *sys, frame_t f);

/* Terminates p with a reason: frees its memory, skips its later references. */
void vmm__kill(struct vmm_system *sys, struct proc *p, uint64_t addr, const char *reason);

/* ---- frame ownership and allocation (sched.c) -------------------------------------- */

/* May select_victim take frame f? With local replacement the core sets
 * sys->take_pid to the faulting process: only its own frames, or, while it
 * is below its allocation (take_own false), frames charged to no one (a
 * cached page whose process ended), may go. A policy that scans skips the
 * others without touching them (their R bits stay). */
static inline bool vmm__may_take(const struct vmm_system *sys, frame_t f)
{
    return !sys->take_pid || sys->owner[f] == sys->take_pid ||
           (sys->owner[f] == 0 && !sys->take_own);
}
/* Evicts p's own frames (the policy chooses among them) until it holds at
 * most keep: the allocator taking frames back. Returns 0 or an error. */
int vmm__trim(struct vmm_system *sys, struct proc *p, uint64_t keep);
/* Local replacement after the processes changed: recomputes allocations and
 * takes frames back from processes over theirs. Returns 0 or an error. */
int vmm__rebalance(struct vmm_system *sys);
/* Sets up ownership for the configuration (vmm_system_create). */
int vmm__sched_init(struct vmm_system *sys);
/* Charges frame f, just taken for p, to p (when ownership is tracked). */
void vmm__charge(struct vmm_system *sys, frame_t f, struct proc *p);
/* f holds no page any more: its owner's charge ends. */
void vmm__uncharge(struct vmm_system *sys, frame_t f);
/* Every frame charged to p is charged to no one now (p ended or was
 * swapped out; what still holds a page is someone else's cache). */
void vmm__uncharge_all(struct vmm_system *sys, struct proc *p);
/* The frames p may hold under local replacement: its allocation, recomputed
 * when the processes change. */
uint64_t vmm__allocation(struct vmm_system *sys, struct proc *p);
/* A process was created, ended, suspended or resumed: allocations change. */
void vmm__alloc_changed(struct vmm_system *sys);
/* Swaps p out whole: every page only it maps leaves memory (dirty ones to
 * the backing store), its mappings of shared pages are dropped. Returns the
 * frames freed, or a negative error (VMM_EIO/ENOSPC kill as eviction does). */
long vmm__swap_out_proc(struct vmm_system *sys, struct proc *p);
/* The simulated time now, and the CPU and disk busy time up to it. */
void vmm__clock(const struct vmm_system *sys, uint64_t *now, uint64_t *cpu, uint64_t *disk);
/* Fills the time fields of vmm_stats / vmm_proc_stats. */
void vmm__sched_stats(const struct vmm_system *sys, struct vmm_stats *out);
void vmm__sched_proc_stats(const struct vmm_system *sys, const struct proc *p,
                           struct vmm_proc_stats *out);
/* The timeline (report/timeline.c): a row per interval once the clock passes it. */
void vmm__timeline_tick(struct vmm_system *sys);
void vmm__timeline_free(struct vmm_system *sys);
/* Recomputes the periodic countdown (vm.c) after what it serves changed. */
void vmm__periodic_reset(struct vmm_system *sys);
/* Tears the scheduler down (vmm_system_destroy). */
void vmm__sched_destroy(struct vmm_system *sys);

/* ---- working sets (wset.c) ------------------------------------------------------- */

/* Starts tracking W(t, cfg.ws_delta) for p. Returns 0 or VMM_ENOMEM. */
int vmm__ws_init(struct vmm_system *sys, struct proc *p);
void vmm__ws_free(struct proc *p);
/* p references page vpn (p->st.references already counts it): the window
 * slides by one (p->st.ws_size, ws_peak). Returns 0, or VMM_ENOMEM with
 * nothing changed when the host has no memory to grow the window. */
int vmm__ws_ref(struct vmm_system *sys, struct proc *p, vpn_t vpn);
/* The reference number (p->st.references at the time) of p's last reference
 * to vpn, 0 if none is in the window. */
uint64_t vmm__ws_last(const struct proc *p, vpn_t vpn);
/* Checks p's window and table (the invariants at the top of wset.c).
 * Returns 0, or -1 with a message. */
int vmm__ws_check(const struct proc *p, char *msg, size_t len);

/* ---- relocation and segmentation (mmu.c) ------------------------------------------ */

/* Sets up contiguous memory and the backing store's space (cfg.mmu is not
 * paging). Returns 0 or an error with a message. */
int vmm__cm_init(struct vmm_system *sys);
void vmm__cm_destroy(struct vmm_system *sys);
/* p's reference to [addr, addr + len) through the base and limit registers or
 * the segment table: buf receives or supplies the bytes (may be NULL).
 * Returns VMM_HIT, VMM_KILLED (a trap), VMM_WAIT, or a negative error. */
int vmm__cm_access(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, uint8_t *buf,
                   size_t len);
/* Region i of p was added (vma.c): its image is created, shared or grown.
 * On failure the caller removes the region again. */
int vmm__cm_region_added(struct vmm_system *sys, struct proc *p, size_t i);
/* Region i of p changed size; it started at old_start (a stack grows down): its image follows.
 * On failure nothing changed in memory and the caller restores the region. */
int vmm__cm_region_resized(struct vmm_system *sys, struct proc *p, size_t i, uint64_t old_start);
/* Region i of p is about to be removed: its image loses a user. */
void vmm__cm_region_removing(struct vmm_system *sys, struct proc *p, size_t i);
/* child (its regions copied from parent's) gets copies of parent's private
 * images and shares the shared ones. */
int vmm__cm_fork(struct vmm_system *sys, struct proc *parent, struct proc *child);
/* p ends or execs: every image it holds loses it as a user. */
void vmm__cm_release(struct vmm_system *sys, struct proc *p);
/* The allocator and image invariants (mmu.c): 0 or VMM_EINVARIANT. */
int vmm__cm_check(struct vmm_system *sys);
/* How many times memory has changed shape (0 under paging): the scheduler
 * lets a process waiting for memory try again after a change. */
uint64_t vmm__cm_changes(const struct vmm_system *sys);
/* Fills the relocation/segmentation fields of vmm_stats and vmm_proc_stats. */
void vmm__cm_stats(const struct vmm_system *sys, struct vmm_stats *out);
void vmm__cm_proc_stats(const struct vmm_system *sys, const struct proc *p,
                        struct vmm_proc_stats *out);

/* ---- the hot path (vm.c) -------------------------------------------------------- */

/* One page reference of p at addr (within one page). Returns an outcome or
 * a negative error. *frame_out, if not NULL, receives the frame used. */
int vmm__ref(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
             frame_t *frame_out);

/* vmm_replay_refs for page references (none crosses a page) whose next
 * uses are known already (the sweeps share one array among their threads):
 * next[i] is the index in refs of the next reference to refs[i]'s (pid,
 * page), or UINT32_MAX for none; n < UINT32_MAX. A policy that needs no
 * future ignores next, and next NULL computes it as vmm_replay_refs does. */
int vmm__replay_pages(struct vmm_system *sys, const struct vmm_ref *refs, size_t n,
                      const uint32_t *next);

#endif /* VMM_INTERNAL_H */
