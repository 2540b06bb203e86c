/*
 * vmm.h - the public API of libvmm, a model of an operating system's virtual
 * memory: frames that hold real bytes, per-process multi-level page tables, a
 * TLB, the page-fault trap, a backing store on a real file and pluggable
 * replacement policies.
 *
 * Conventions
 *  - Functions return 0 (or a non-negative result) on success and a negative
 *    VMM_E* code on failure; vmm_system_error() then holds a message fit to show
 *    a user. The library never prints except to a stream the caller supplies,
 *    never exits and never aborts on bad input.
 *  - A simulated fault (page fault, segmentation violation of a simulated
 *    process) is a result of the simulation, never a library error.
 *  - All randomness comes from the seed in the configuration: the same inputs
 *    and options give the same results on every run.
 */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMM_VERSION "0.1.0"

/* What libvmm.so exports: the functions declared here and nothing else (the
 * library is built with -fvisibility=hidden). */
#if defined(__GNUC__)
#define VMM_API __attribute__((visibility("default")))
#else
#define VMM_API
#endif

/* ---- errors ------------------------------------------------------------- */

/* One table gives the enum and vmm_strerror(): X(name, value, text). */
#define VMM_ERRNO_MAP(X)                                                                           \
    X(EINVAL, -1, "invalid argument")                                                              \
    X(ENOMEM, -2, "out of memory")                                                                 \
    X(EIO, -3, "input/output error")                                                               \
    X(EPARSE, -4, "malformed input")                                                               \
    X(ERANGE, -5, "value out of range")                                                            \
    X(ELIMIT, -6, "request exceeds a configured limit")                                            \
    X(ENOSPC, -7, "backing store full")                                                            \
    X(ENOENT, -8, "no such object")                                                                \
    X(EEXIST, -9, "object already exists")                                                         \
    X(EUNSUPPORTED, -10, "not supported in this build")                                            \
    X(EINVARIANT, -11, "internal invariant violated")

enum vmm_error {
#define VMM_X_ENUM(name, value, text) VMM_##name = (value),
    VMM_ERRNO_MAP(VMM_X_ENUM)
#undef VMM_X_ENUM
};

/* The fixed text of an error code ("unknown error" for anything else). */
VMM_API const char *vmm_strerror(int err);

/* ---- configuration ------------------------------------------------------ */

/* The time-cost model, all in nanoseconds of simulated time. */
struct vmm_cost_model {
    uint64_t mem_ns;        /* one memory access (the reference itself) */
    uint64_t tlb_ns;        /* one TLB lookup, hit or miss */
    uint64_t pt_level_ns;   /* reading one level of the page table in a walk */
    uint64_t fault_ns;      /* trap entry, handler and return, without I/O */
    uint64_t swap_read_ns;  /* reading one page from the backing store */
    uint64_t swap_write_ns; /* writing one page to the backing store */
    uint64_t switch_ns;     /* one context switch: the dispatcher saves one process's state
                               and loads another's (with the scheduler, docs/model.md) */
    /* Relocation and segmentation move whole images (docs/model.md, "Before paging"): */
    uint64_t disk_rate; /* backing-store transfer rate, bytes per second: swapping an image
                           of n bytes costs one access (swap_read_ns or swap_write_ns, the
                           latency) plus n / disk_rate [40 MB/s] */
    uint64_t copy_rate; /* memory-to-memory copy rate, bytes per second: compaction, moving
                           a partition, fork's copy of an image [1 GB/s] */
};

/* Who runs when (docs/model.md, "Time and the scheduler"). */
enum vmm_sched {
    VMM_SCHED_NONE, /* references run in the order given (script or trace order), one at a
                       time: the CPU waits for every disk transfer */
    VMM_SCHED_RR,   /* round robin: each process runs its own references for a quantum; one
                       that waits for the disk blocks while the others run */
};

/* Where a victim frame may come from (docs/model.md, "Frame allocation"). */
enum vmm_replacement {
    VMM_REPLACE_GLOBAL, /* any process's frame */
    VMM_REPLACE_LOCAL,  /* only the faulting process's own frames, up to its allocation */
};

/* How frames are divided among processes (with local replacement and load control). */
enum vmm_allocation {
    VMM_ALLOC_EQUAL,        /* m / n each */
    VMM_ALLOC_PROPORTIONAL, /* a_i = s_i / S x m, s_i the process's size in pages */
    VMM_ALLOC_PRIORITY,     /* a_i = w_i / W x m, w_i its priority */
};

/* What keeps the degree of multiprogramming in check (docs/model.md). */
enum vmm_load_control {
    VMM_LOAD_NONE, /* every process runs, whatever it costs */
    VMM_LOAD_WS,   /* working sets: suspend while the sum of working-set sizes exceeds
                      the frames, resume when the suspended one's fits again */
    VMM_LOAD_PFF,  /* page-fault frequency: a frame more above the upper bound, one less
                      below the lower; suspend when no frame is free */
};

/* The memory-management unit (docs/model.md, "Before paging"). */
enum vmm_mmu {
    VMM_MMU_PAGING,       /* pages, frames, page tables, a TLB, demand paging [default] */
    VMM_MMU_RELOCATION,   /* one contiguous partition per process: relocation (base) and
                             limit registers; processes are swapped whole */
    VMM_MMU_SEGMENTATION, /* a segment table per process, one segment per region, each
                             segment contiguous and swapped as a unit */
};

/* When a program's addresses are bound to physical ones (relocation and
 * segmentation; paging is always execution time). */
enum vmm_binding {
    VMM_BIND_EXECUTION, /* the MMU relocates every reference: a process may move
                           (compaction, swap in anywhere) [default] */
    VMM_BIND_LOAD,      /* fixed when the loader places it: it never moves, and is swapped
                           back in at the same place */
    VMM_BIND_COMPILE,   /* fixed in the program: it loads only at its absolute address */
};

/* Which hole a contiguous allocation takes. */
enum vmm_fit {
    VMM_FIT_FIRST, /* the first hole, from the bottom, that is large enough [default] */
    VMM_FIT_BEST,  /* the smallest hole that is large enough */
    VMM_FIT_WORST, /* the largest hole */
    VMM_FIT_NEXT,  /* the first large enough from where the last search ended, wrapping */
};

struct vmm_config {
    uint32_t page_size;        /* bytes; a power of two, 512 .. 1 MiB */
    uint64_t frames;           /* physical frames, >= 1 */
    unsigned va_bits;          /* virtual address width: 32, 48 or 57 */
    unsigned tlb_entries;      /* 0 = no TLB */
    unsigned tlb_ways;         /* associativity; 0 = fully associative */
    const char *policy;        /* replacement policy name, e.g. "lru" */
    const char *policy_params; /* "k=v,k=v" for the policy, or NULL */
    uint64_t seed;             /* seeds every random choice */
    bool data;                 /* frames hold bytes; false = metadata only */
    const char *swap_path;     /* backing store file; NULL = a private temp file */
    uint64_t swap_bytes;       /* backing store size; 0 = grows as needed */
    uint64_t max_memory;       /* refuse configs whose memory exceeds this; 0 = no limit */
    bool check;                /* run the invariant checker after every reference */
    struct vmm_cost_model cost;
    uint64_t flush_interval; /* references between write-backs of every dirty page of a
                                mapped file (the periodic flusher); 0 = never */
    uint64_t fail_read;      /* test hook: the Nth read of the backing store (swap or a
                                mapped file) fails with an I/O error; 0 = none */
    uint64_t fail_write;     /* test hook: likewise the Nth write */
    /* Time, scheduling, allocation and load control (issue 5; docs/model.md). */
    unsigned sched;        /* enum vmm_sched [VMM_SCHED_NONE] */
    uint64_t quantum_ns;   /* round-robin time slice, simulated ns [10 ms] */
    uint64_t quantum_refs; /* the slice in references instead, when not 0 [0] */
    bool asid;             /* TLB entries carry address-space ids, so a context switch
                              keeps them; false: the TLB is flushed at every switch [true] */
    unsigned replacement;  /* enum vmm_replacement [VMM_REPLACE_GLOBAL] */
    unsigned allocation;   /* enum vmm_allocation [VMM_ALLOC_EQUAL] */
    uint64_t min_frames;   /* the least frames a process may be given [1] */
    uint64_t ws_delta;     /* working-set window: the last ws_delta references of each
                              process; 0 = working sets are not tracked [0; load
                              control ws and the timeline turn it on at 10000; so do
                              the policies ws and wsclock, or at their delta=] */
    unsigned load_control; /* enum vmm_load_control [VMM_LOAD_NONE] */
    uint32_t pff_lower;    /* page-fault frequency bounds, faults per 1000 references of */
    uint32_t pff_upper;    /*   the process over its last pff_window references [2, 20] */
    uint64_t pff_window;   /* [1000] */
    /* Before paging (issue 6; docs/model.md, "Before paging"). */
    unsigned mmu;         /* enum vmm_mmu [VMM_MMU_PAGING] */
    unsigned binding;     /* enum vmm_binding, relocation and segmentation [execution] */
    unsigned fit;         /* enum vmm_fit: where images are placed [first] */
    bool compaction;      /* a request that fits in no hole but in the free space compacts
                             memory first (execution-time binding only) [false] */
    bool swapping;        /* a request that fits in no hole swaps images out whole to make
                             room; false: the process waits until memory is freed [true] */
    uint64_t contig_unit; /* relocation and segmentation allocate in multiples of this many
                             bytes (a power of two) [1] */
    uint64_t reserve;     /* relocation: free bytes a workload program's partition keeps
                             between its heap and its stack, for brk, stack growth and
                             mmap (the loader lays the regions out) [64K] */
};

/* The names of the enumerated settings, as options and scripts spell them:
 * sched none|rr, replacement global|local, allocation equal|proportional|
 * priority, load control none|ws|pff, mmu paging|relocation|segmentation,
 * binding execution|load|compile, fit first|best|worst|next. */
enum vmm_setting {
    VMM_SET_SCHED,
    VMM_SET_REPLACEMENT,
    VMM_SET_ALLOCATION,
    VMM_SET_LOAD_CONTROL,
    VMM_SET_MMU,     /* paging, relocation, segmentation */
    VMM_SET_BINDING, /* execution, load, compile */
    VMM_SET_FIT,     /* first, best, worst, next */
};
/* The name of value, or NULL if it has none. */
VMM_API const char *vmm_setting_name(enum vmm_setting which, unsigned value);
/* The value named name, or -1; *choices (may be NULL) receives "none, rr"-style
 * text listing the names, for a message. */
VMM_API int vmm_setting_parse(enum vmm_setting which, const char *name, const char **choices);

/* Parses a duration such as "100", "250ns", "8us", "10ms", "1s" into ns
 * (a bare number is ns). Returns 0, or VMM_EPARSE / VMM_ERANGE. */
VMM_API int vmm_parse_time(const char *text, uint64_t *ns);

/* Parses a round-robin quantum: a duration as vmm_parse_time reads it, into
 * *ns (and *refs = 0), or a number of references such as "500refs", into
 * *refs (and *ns = 0). Returns 0, VMM_EPARSE, or VMM_ERANGE (also for 0). */
VMM_API int vmm_parse_quantum(const char *text, uint64_t *ns, uint64_t *refs);

/* Fills *cfg with the documented defaults (docs/model.md). */
VMM_API void vmm_config_default(struct vmm_config *cfg);

/* Checks a configuration before anything runs. Returns 0, or a negative code
 * with a message naming the limit and how to change it written to msg. */
VMM_API int vmm_config_validate(const struct vmm_config *cfg, char *msg, size_t msglen);

/* Page-table levels for a configuration: ceil((va_bits - log2(page)) / 9). */
VMM_API unsigned vmm_config_levels(const struct vmm_config *cfg);

/* Parses a size such as "4096", "4K", "16k", "1M", "2G" into bytes.
 * Returns 0, or VMM_EPARSE / VMM_ERANGE. */
VMM_API int vmm_parse_size(const char *text, uint64_t *out);

/* ---- the system --------------------------------------------------------- */

struct vmm_system;

/* Creates a system from a validated-or-not configuration (it is validated
 * again). On failure returns a negative code and writes a message to err. */
VMM_API int vmm_system_create(const struct vmm_config *cfg, struct vmm_system **out, char *err,
                              size_t errlen);
VMM_API void vmm_system_destroy(struct vmm_system *sys);

/* The message of the last failure of a call on sys ("" if none). */
VMM_API const char *vmm_system_error(const struct vmm_system *sys);

/* The configuration in force (with defaults resolved). */
VMM_API const struct vmm_config *vmm_system_config(const struct vmm_system *sys);

/* ---- processes and regions ---------------------------------------------- */

/* Region permissions. */
enum { VMM_PROT_READ = 1, VMM_PROT_WRITE = 2, VMM_PROT_EXEC = 4 };

/* Creates process pid (1 .. VMM_PID_MAX) with an empty address space.
 * VMM_EEXIST if pid is in use (pids are never reused). */
#define VMM_PID_MAX 1048575u
VMM_API int vmm_process_spawn(struct vmm_system *sys, uint32_t pid, const char *name);

/* Creates child, a copy of parent (fork): the same regions, and every page
 * shared copy-on-write. Resident pages are mapped read-only in both; the
 * first write by either copies the page (or, if the other side no longer
 * holds it, makes it writable again). Swapped-out pages share their slot.
 * Pages of objects (shared text) stay shared. */
VMM_API int vmm_process_fork(struct vmm_system *sys, uint32_t parent, uint32_t child);

/* Replaces pid's image (exec): every region, page and slot is dropped and the
 * address space is empty again, named name; add the new image's regions with
 * vmm_region_add / vmm_region_map. Its pages load lazily, on first touch. */
VMM_API int vmm_process_exec(struct vmm_system *sys, uint32_t pid, const char *name);

/* Adds a region [start, start+len) to pid's address space: references inside
 * it are legal, demand-zero, with the given permissions. Regions may not
 * overlap; start and len are rounded out to whole pages. */
VMM_API int vmm_region_add(struct vmm_system *sys, uint32_t pid, const char *name, uint64_t start,
                           uint64_t len, unsigned prot);

/* An object: something regions can map whose pages live in the page cache,
 * one frame per page whoever maps it. A page read (a major fault) on first
 * touch by anyone is then found by every process mapping it (minor faults);
 * it stays cached after the last unmapping until it is evicted.
 *
 * vmm_object_create: a program image, whose bytes read as zero and are never
 * written. *id receives the object's id (>= 1). */
VMM_API int vmm_object_create(struct vmm_system *sys, const char *name, uint64_t size,
                              uint32_t *id);

/* A host file the caller opened: libvmm takes fd (and closes it, also on
 * failure). writable: fd was opened read-write, as a shared writable mapping
 * needs. Its size is read now and fixed for the run. The same file (device
 * and inode) given again is the same object: one page cache; a read-only
 * object given a writable fd keeps the writable one. Dirty pages are written
 * back to the file (only the bytes before its end) on eviction, msync,
 * munmap, exit and by the periodic flusher. With data off the file is never
 * read or written. */
VMM_API int vmm_object_file(struct vmm_system *sys, const char *name, int fd, bool writable,
                            uint32_t *id);

/* Anonymous shared memory of size bytes (mmap MAP_SHARED|MAP_ANONYMOUS):
 * zero-filled on first touch, evicted to swap, one page for every mapper
 * (a child after fork too). Freed when no region maps it any more. */
VMM_API int vmm_object_shmem(struct vmm_system *sys, const char *name, uint64_t size, uint32_t *id);

/* How a region maps an object. */
enum { VMM_MAP_PRIVATE = 0, VMM_MAP_SHARED = 1 };

/* Adds a region mapping object obj from byte offset (page aligned) onward.
 * VMM_MAP_SHARED: every process sees the same pages and writes reach the
 * object (a file, shared memory); writable only if the object is (a file
 * opened read-write, shared memory). VMM_MAP_PRIVATE: reads come from the
 * object, the first write copies the page (copy-on-write) into anonymous
 * memory that goes to swap, never to the object. A file mapping may reach
 * past the file's end: touching a page wholly beyond it is a bus error that
 * kills the process; images and shared memory must cover the range. */
VMM_API int vmm_region_map(struct vmm_system *sys, uint32_t pid, const char *name, uint64_t start,
                           uint64_t len, unsigned prot, unsigned flags, uint32_t obj,
                           uint64_t offset);

/* msync: writes back the dirty pages of the shared file mapping that starts
 * at start (any other region: nothing to do); *written (may be NULL) receives
 * how many. Unless async, also waits for the host to put them on its disk
 * (fdatasync). Returns 0; VMM_KILLED if a write failed (the process is
 * terminated: an I/O error); or a negative error. */
VMM_API int vmm_region_sync(struct vmm_system *sys, uint32_t pid, uint64_t start, bool async,
                            uint64_t *written);

/* Removes the region that starts at start (munmap); its pages are released,
 * after a shared file mapping's dirty pages are written back. Returns 0,
 * VMM_KILLED if that write failed (the process is terminated), or a negative
 * error. */
VMM_API int vmm_region_remove(struct vmm_system *sys, uint32_t pid, uint64_t start);

/* Moves the end of the region that starts at start to start + len (rounded
 * up to a page; len >= 1): growing must not reach the next region (VMM_EEXIST);
 * shrinking releases the pages past the new end. This is brk. */
VMM_API int vmm_region_resize(struct vmm_system *sys, uint32_t pid, uint64_t start, uint64_t len);

/* Makes the (anonymous) region that starts at start grow down, as a stack
 * does: a reference below it, but not below its end - max_len and not
 * touching the region under it (a page of gap is kept), extends it to that
 * page. VMM_EUNSUPPORTED for a region mapping an object. */
VMM_API int vmm_region_grows_down(struct vmm_system *sys, uint32_t pid, uint64_t start,
                                  uint64_t max_len);

struct vmm_region_info {
    uint64_t start, end; /* [start, end), page aligned */
    unsigned prot;       /* VMM_PROT_* */
    uint32_t obj;        /* object mapped, 0 = anonymous */
    bool grows_down;     /* a stack */
    bool shared;         /* maps obj shared (VMM_MAP_SHARED) */
    char name[24];       /* as given */
};

/* pid's regions in address order (for an ended process, those it had when it
 * ended: what a segfault report shows). Returns how many there are; fills at
 * most max entries of out (out may be NULL to count). 0 for an unknown pid. */
VMM_API size_t vmm_regions_get(const struct vmm_system *sys, uint32_t pid,
                               struct vmm_region_info *out, size_t max);

/* Ends pid: frees its frames and swap slots, drops its share of shared ones.
 * VMM_ENOENT if not live. */
VMM_API int vmm_process_exit(struct vmm_system *sys, uint32_t pid);

/* ---- references ----------------------------------------------------------- */

enum vmm_op { VMM_READ = 0, VMM_WRITE = 1, VMM_EXEC = 2 };

/* What one reference did (the worst outcome when it spans pages). */
enum vmm_outcome {
    VMM_HIT = 0,         /* the page was resident */
    VMM_FAULT_MINOR = 1, /* page fault served without I/O (zero-fill, cache hit, copy) */
    VMM_FAULT_MAJOR = 2, /* page fault served by reading the backing store or an object */
    VMM_KILLED = 3,      /* the process was terminated by this reference */
    VMM_DEAD = 4,        /* the process was no longer running; nothing done */
    VMM_WAIT = 5,        /* relocation, segmentation without swapping: its image fits in no
                            hole, the process waits for memory; nothing done */
};

/* One reference of a trace: pid issues op on [addr, addr+size). */
struct vmm_ref {
    uint64_t addr; /* virtual address */
    uint32_t pid;  /* issuing process */
    uint16_t size; /* bytes, >= 1 */
    uint8_t op;    /* enum vmm_op */
};

/* Process pid references [addr, addr+len) with op. A write stores len bytes
 * from buf (or leaves the bytes as they are if buf is NULL); a read copies the
 * bytes into buf (if not NULL). With data off, buf is ignored. Each page
 * touched is one reference. Returns an enum vmm_outcome, or a negative error
 * (VMM_ENOENT: no such process; VMM_ERANGE: address beyond the width). */
VMM_API int vmm_access(struct vmm_system *sys, uint32_t pid, uint64_t addr, enum vmm_op op,
                       void *buf, size_t len);

/* ---- the invariant checker ------------------------------------------------ */

/* Walks every structure (frame table, reverse map, free list, page tables,
 * TLB, swap slots, the policy's own state) and checks they agree. Returns 0,
 * or VMM_EINVARIANT with the first disagreement in vmm_system_error(). */
VMM_API int vmm_system_check(struct vmm_system *sys);

/* ---- observers ------------------------------------------------------------ */

enum vmm_event_kind {
    VMM_EV_REF,        /* a reference starts: pid, op, vaddr */
    VMM_EV_TLB_HIT,    /* frame */
    VMM_EV_TLB_MISS,   /* */
    VMM_EV_WALK,       /* page-table walk: valid = PTE state found, levels */
    VMM_EV_FAULT,      /* the MMU traps: page fault on vaddr */
    VMM_EV_LEGAL,      /* the kernel found vaddr in region `region` */
    VMM_EV_SEGV,       /* illegal address or permission: process terminated */
    VMM_EV_FREE_FRAME, /* frame taken from the free list */
    VMM_EV_VICTIM,     /* no free frame: victim frame owned by vpid/vvpn, dirty */
    VMM_EV_WRITEBACK,  /* victim written to swap slot */
    VMM_EV_DROP,       /* clean victim dropped without a write (dirty bit saved one) */
    VMM_EV_SWAP_IN,    /* page read from swap slot into frame */
    VMM_EV_ZERO_FILL,  /* frame zero-filled for a new page */
    VMM_EV_MAP,        /* PTE made valid: vpn -> frame */
    VMM_EV_RESTART,    /* the faulting reference is restarted and succeeds */
    VMM_EV_REF_END,    /* the reference is complete: outcome */
    VMM_EV_SPAWN,      /* process created */
    VMM_EV_EXIT,       /* process ended */
    VMM_EV_KILL,       /* process terminated: reason */
    VMM_EV_CACHE_HIT,  /* page found resident in the page cache (text: "page cache") or the
                          swap cache (slot); mapped without I/O */
    VMM_EV_FILE_READ,  /* page read from an object into frame (text: its name) */
    VMM_EV_COW,        /* copy-on-write: valid = 1: frame copied to vvpn's new frame `frame`
                          (slot: copied from swap slot when the source was not resident);
                          valid = 0: frame made writable again (no one else held it) */
    VMM_EV_FORK,       /* process pid forked child vpid */
    VMM_EV_EXEC,       /* process pid runs a new image (text: its name) */
    VMM_EV_GROW,       /* a grows-down region (text) was extended down to vaddr's page */
    VMM_EV_FILE_WRITE, /* a dirty page (frame) written back to its file (text: the file's
                          name; op: enum vmm_wb_cause; vpn: the page of the file) */
    VMM_EV_OOM,        /* the backing store is full: the out-of-memory killer chose vpid */
    VMM_EV_IO_ERROR,   /* a read (op READ) or write of the backing store failed (text: what) */
    VMM_EV_SWITCH,     /* the dispatcher gives the CPU to pid (vpid: the one it leaves, 0 =
                          none; text: why it left: "quantum", "disk", "exit", ...) */
    VMM_EV_SUSPEND,    /* load control swapped pid out whole (frame: frames freed; text: why) */
    VMM_EV_RESUME,     /* load control let suspended pid run again (text: why) */
    VMM_EV_MEM,        /* relocation, segmentation: an image (a partition, a segment) of
                          pid changed place: mem says how, frame is its physical address,
                          vpn its size in bytes, slot its backing-store offset, text its name */
    VMM_EV__COUNT
};

struct vmm_event {
    enum vmm_event_kind kind;
    uint32_t pid;     /* process the event concerns */
    uint8_t op;       /* enum vmm_op of the reference */
    uint8_t valid;    /* WALK: PTE valid; VICTIM: dirty */
    uint8_t outcome;  /* REF_END: enum vmm_outcome */
    uint8_t levels;   /* WALK: levels read */
    uint64_t vaddr;   /* virtual address of the reference */
    uint64_t vpn;     /* page number concerned */
    uint64_t frame;   /* frame concerned */
    uint64_t slot;    /* swap slot concerned */
    uint32_t vpid;    /* VICTIM: owner of the victim frame */
    uint64_t vvpn;    /* VICTIM: victim's page number */
    const char *text; /* LEGAL: region name; KILL/SPAWN: reason or name */
    uint64_t seq;     /* number of the reference (1-based) */
    uint8_t mem;      /* MEM: enum vmm_mem_what */
};

/* What a VMM_EV_MEM event did to an image. */
enum vmm_mem_what {
    VMM_MEM_PLACE,    /* placed in a hole (a new image, or one that grew by moving) */
    VMM_MEM_SWAP_OUT, /* written to the backing store whole and its memory freed */
    VMM_MEM_SWAP_IN,  /* read back whole into a hole */
    VMM_MEM_MOVE,     /* moved to another place (compaction, growth): frame is the new place */
    VMM_MEM_RESIZE,   /* grew or shrank in place */
    VMM_MEM_FREE,     /* freed (its last user ended or unmapped it) */
    VMM_MEM_WAIT,     /* fits in no hole: its process waits for memory */
};

struct vmm_observer {
    uint32_t mask;                                           /* 1u << kind for each wanted kind */
    void (*on_event)(void *ctx, const struct vmm_event *ev); /* called in event order */
    void *ctx;                                               /* passed back */
};

#define VMM_EV_MASK(kind) (1u << (kind))
#define VMM_EV_ALL        (0xffffffffu >> (32 - VMM_EV__COUNT))

/* Adds an observer (up to 8). Observers that are not added cost nothing. */
VMM_API int vmm_observer_add(struct vmm_system *sys, const struct vmm_observer *obs);

/* An observer that narrates each reference on one line, following the trap
 * sequence, to out. Returns 0 or a negative error. */
VMM_API int vmm_explain_attach(struct vmm_system *sys, FILE *out);

/* ---- results -------------------------------------------------------------- */

/* Why a dirty page of a mapped file was written back to it. */
enum vmm_wb_cause {
    VMM_WB_EVICT,    /* the page was chosen as a victim */
    VMM_WB_MSYNC,    /* msync of a mapping */
    VMM_WB_MUNMAP,   /* the mapping was removed */
    VMM_WB_EXIT,     /* the process exited, was killed or exec'd; or the system ended */
    VMM_WB_PERIODIC, /* the periodic flusher (flush_interval) */
    VMM_WB__COUNT
};

/* "evict", "msync", "munmap", "exit", "periodic"; "?" for anything else. */
VMM_API const char *vmm_wb_cause_name(int cause);

struct vmm_stats {
    uint64_t references;       /* page references made */
    uint64_t hits;             /* references that found the page resident */
    uint64_t page_faults;      /* every fault, minor and major */
    uint64_t minor_faults;     /* served without I/O (zero-fill) */
    uint64_t major_faults;     /* served from the backing store */
    uint64_t evictions;        /* victims taken from a process */
    uint64_t writebacks;       /* dirty victims written to the backing store */
    uint64_t writebacks_saved; /* clean victims dropped: writes the dirty bit saved */
    uint64_t swap_reads;       /* pages read from the backing store */
    uint64_t zero_fills;       /* frames zero-filled for new pages */
    uint64_t tlb_hits;         /* TLB lookups that hit */
    uint64_t tlb_misses;       /* TLB lookups that missed */
    uint64_t walks;            /* page-table walks (TLB misses, or every reference without TLB) */
    uint64_t segfaults;        /* processes terminated for an illegal reference */
    uint64_t cow_copies;       /* copy-on-write faults that copied the page */
    uint64_t cow_reuses;       /* copy-on-write faults that found the page no longer shared */
    uint64_t page_cache_hits;  /* faults served by a page of an object already resident */
    uint64_t swap_cache_hits;  /* faults served by a swapped page already read back */
    uint64_t file_reads;       /* pages read from objects (program images) */
    uint64_t forks;            /* vmm_process_fork calls */
    uint64_t execs;            /* vmm_process_exec calls */
    uint64_t stack_growths;    /* references that grew a stack region */
    uint64_t file_writes[VMM_WB__COUNT]; /* pages written back to mapped files, by cause */
    uint64_t page_cache_pages;  /* frames holding a page of an object now (files, shared memory,
                                   program text), mapped by a process or only cached */
    uint64_t page_cache_mapped; /* of those, pages some process maps (Mapped in /proc/meminfo) */
    uint64_t dirty_pages;       /* of those, pages of files changed and not yet written back */
    uint64_t bus_errors;        /* processes killed for touching a page beyond the end of a file */
    uint64_t oom_kills;         /* processes killed because the backing store was full */
    uint64_t io_errors;         /* reads and writes of the backing store that failed */
    uint64_t io_reads;          /* reads of the backing store: swap slots and file pages */
    uint64_t io_writes;         /* writes of the backing store: swap slots and file pages */
    uint64_t swap_slots_used;   /* slots in use at the end */
    uint64_t swap_slots_peak;   /* most slots in use at once */
    uint64_t frames_used;       /* frames holding a page at the end */
    uint64_t time_ns;           /* simulated time of all references (cost model) */
    uint32_t processes;         /* processes ever created */
    /* Time (docs/model.md). Without the scheduler nothing overlaps: elapsed_ns is
     * time_ns, cpu_ns its references and traps, disk_ns its transfers. */
    uint64_t elapsed_ns;       /* simulated wall-clock time from start to the last completion */
    uint64_t cpu_ns;           /* time the CPU ran processes (references and their traps) */
    uint64_t switch_ns;        /* time the CPU spent in context switches */
    uint64_t idle_ns;          /* time the CPU had nothing to run */
    uint64_t disk_ns;          /* time the disk was transferring */
    uint64_t context_switches; /* dispatches of a process other than the one that ran */
    uint64_t suspensions;      /* processes swapped out whole by load control */
    uint64_t resumptions;      /* suspended processes let run again */
    /* Relocation and segmentation (docs/model.md, "Before paging"); 0 under paging but
     * internal_frag. Sizes in bytes. */
    uint64_t images;           /* partitions or segments in memory now */
    uint64_t holes;            /* holes in memory now */
    uint64_t largest_hole;     /* the largest of them */
    uint64_t free_bytes;       /* the bytes in them */
    double ext_frag;           /* external fragmentation now: 1 - largest_hole / free_bytes */
    double ext_frag_mean;      /* its mean over the run, each value weighted by the
                                  references made while it held */
    double ext_frag_peak;      /* its largest value */
    uint64_t internal_frag;    /* allocated but not asked for, now: relocation's free space
                                  inside partitions and rounding to the unit; paging, the
                                  unused tail of each region's last page when resident */
    uint64_t image_swap_outs;  /* images written out whole (or dropped: program text) */
    uint64_t image_swap_ins;   /* images read back whole */
    uint64_t image_swap_bytes; /* bytes those transfers moved */
    uint64_t image_disk_ns;    /* disk time of them and of loading program text */
    uint64_t compactions;      /* times memory was compacted */
    uint64_t compact_bytes;    /* bytes compaction moved */
    uint64_t copy_ns;          /* CPU time copying memory: compaction, moves, fork */
    uint64_t limit_traps;      /* references past a limit or in no segment (terminated) */
    uint64_t mem_waits;        /* times a process found no hole and waited */
    uint64_t reg_loads;        /* base/limit or segment-table registers loaded at a switch */
};

struct vmm_proc_stats {
    uint32_t pid;              /* process id */
    char name[32];             /* name given at spawn */
    uint64_t references;       /* page references issued */
    uint64_t page_faults;      /* minor + major */
    uint64_t minor_faults;     /* zero-fill faults */
    uint64_t major_faults;     /* faults that read the backing store */
    uint64_t resident_pages;   /* pages in frames now */
    uint64_t swapped_pages;    /* pages with their only copy in the backing store now */
    uint64_t evicted;          /* pages of this process taken as victims */
    uint64_t writebacks;       /* of those, written to the backing store */
    uint64_t page_table_nodes; /* page-table nodes (512 entries, 4 KiB each) held now */
    uint32_t ppid;             /* parent (fork), 0 = none */
    uint64_t zero_fills;       /* pages this process was handed zero-filled */
    uint64_t cow_copies;       /* its copy-on-write faults that copied a page */
    /* Memory now, as Linux's /proc/PID/status and smaps_rollup count it
     * (docs/metrics.md), in pages except pss: */
    uint64_t rss_anon;      /* resident anonymous pages (RssAnon) */
    uint64_t rss_file;      /* resident pages of files and program text (RssFile) */
    uint64_t rss_shmem;     /* resident pages of shared anonymous memory (RssShmem) */
    uint64_t shared;        /* resident pages also mapped by another process (Shared_*) */
    uint64_t private_pages; /* resident pages mapped by this process only: USS (Private_*) */
    uint64_t pss_bytes;     /* proportional set size: each page's size / its mappers (Pss) */
    bool live;              /* still running */
    bool killed;            /* terminated by the system (segfault, bus error, out of memory,
                               I/O error) */
    uint64_t kill_addr;     /* address whose reference killed it */
    char kill_reason[160];  /* why it was killed */
    /* Time and frames (with the scheduler; docs/model.md): */
    uint64_t run_ns;       /* time it ran on the CPU */
    uint64_t ready_ns;     /* time it waited for the CPU */
    uint64_t blocked_ns;   /* time it waited for the disk */
    uint64_t suspended_ns; /* time it was swapped out by load control */
    uint32_t priority;     /* its priority, >= 1, higher is more important [1] */
    uint64_t allocation;   /* frames allocated to it (local replacement, pff), 0 = none set */
    uint64_t owned_frames; /* frames charged to it now: those it brought in */
    uint64_t ws_size;      /* |W(t, delta)| now, 0 when working sets are not tracked */
    uint64_t ws_peak;      /* the largest |W(t, delta)| it had */
    uint64_t suspensions;  /* times load control swapped it out */
    /* Relocation and segmentation (docs/model.md, "Before paging"): */
    uint64_t image_bytes;     /* bytes of its images: its partition, or its segments */
    uint64_t image_resident;  /* of those, in memory now */
    uint64_t base;            /* relocation: its base (relocation) register, when resident */
    uint64_t limit;           /* relocation: its limit register */
    uint64_t image_swap_outs; /* times one of its images was swapped out */
    bool waiting;             /* it waits for memory (no hole fits, no swapping) */
};

VMM_API void vmm_stats_get(const struct vmm_system *sys, struct vmm_stats *out);

/* One entry of a process's segment table (segmentation: one per region; relocation:
 * its regions, all in the one partition). */
struct vmm_segment_info {
    char name[24];   /* the region's name */
    uint64_t vstart; /* logical address of offset 0 */
    uint64_t base;   /* physical address of offset 0 (when resident) */
    uint64_t limit;  /* bytes: offsets 0 .. limit - 1 are legal */
    unsigned prot;   /* VMM_PROT_* */
    bool resident;   /* in memory (else swapped out, or waiting to be placed) */
    bool shared;     /* one image for several processes (program text, shared memory) */
};
/* pid's segment table, in region order. Returns its length and fills at most
 * max entries (out may be NULL); 0 under paging. */
VMM_API size_t vmm_segments_get(const struct vmm_system *sys, uint32_t pid,
                                struct vmm_segment_info *out, size_t max);

/* One piece of physical memory under relocation and segmentation. */
struct vmm_extent {
    uint64_t start; /* physical address */
    uint64_t size;  /* bytes */
    uint32_t pid;   /* the process whose image it holds, 0 = shared or a hole */
    bool hole;      /* free */
    char name[24];  /* the image: "P3", "P3 heap", "text editor"; "" for a hole */
};
/* Physical memory from address 0 up: images and holes. Returns how many
 * extents there are and fills at most max (out may be NULL); 0 under paging. */
VMM_API size_t vmm_memory_map(const struct vmm_system *sys, struct vmm_extent *out, size_t max);

/* The loader places pid's image in memory now (relocation: its partition;
 * segmentation: each segment), swapping others out or leaving it waiting as
 * configured; one that can never fit is terminated. Under paging nothing
 * happens (pages load on demand). Otherwise images are placed at their first
 * reference. Returns 0 or an error. */
VMM_API int vmm_process_load(struct vmm_system *sys, uint32_t pid);

/* Compile-time binding: the physical address pid's program was built for
 * (before its regions are added). Returns 0 or VMM_ENOENT. */
VMM_API int vmm_process_set_address(struct vmm_system *sys, uint32_t pid, uint64_t addr);

/* Per-process results, in pid order. Returns how many processes there are;
 * fills at most max entries of out (out may be NULL to count). */
VMM_API size_t vmm_proc_stats_get(const struct vmm_system *sys, struct vmm_proc_stats *out,
                                  size_t max);

/* Effective access time from the model's own counters: time_ns / references. */
VMM_API double vmm_stats_eat_ns(const struct vmm_stats *st);

/* The textbook formula: EAT = (1 - p) x ma + p x service. */
VMM_API double vmm_eat_formula(double p, double ma_ns, double service_ns);

/* ---- time, scheduling, working sets ------------------------------------------ */

/* A process the scheduler runs (vmm_sched_run). step makes the process do its
 * next piece of work through the API: one page reference (vmm_access of at
 * most a page), or one call such as vmm_region_map or vmm_process_fork. It
 * returns 1 while there is more to do, 0 when the process is done (if it still
 * lives, the scheduler ends it), or a negative error, which ends the run.
 * The scheduler measures each step by the counters it moved: the CPU time of
 * its references and traps, and the disk transfers it must wait for. */
struct vmm_task {
    uint32_t pid;                                   /* the process it runs */
    int (*step)(void *ctx, struct vmm_system *sys); /* its next piece of work */
    void *ctx;                                      /* passed back */
};

/* Adds a task, ready at the current simulated time (also from inside a
 * step: a fork adds the child's). pid must exist (vmm_process_spawn). */
VMM_API int vmm_sched_add(struct vmm_system *sys, const struct vmm_task *task);

/* Runs the tasks added, as cfg.sched says, until every one is done: round
 * robin with the quantum, a process blocked while the disk serves its
 * faults (one disk, first come first served, write-backs queued too), load
 * control suspending and resuming processes. Returns 0 or a negative error. */
VMM_API int vmm_sched_run(struct vmm_system *sys);

/* The simulated time now, in ns. */
VMM_API uint64_t vmm_sched_now(const struct vmm_system *sys);

/* Sets pid's priority (>= 1, higher is more important): priority allocation
 * divides frames by it, load control suspends the lowest first. */
VMM_API int vmm_process_set_priority(struct vmm_system *sys, uint32_t pid, uint32_t priority);

/* W(t, delta) of pid now: the distinct pages (page numbers) of its last
 * delta references, ascending. Returns the set's size and fills at most max
 * entries of pages (may be NULL); 0 when working sets are not tracked. */
VMM_API size_t vmm_working_set(const struct vmm_system *sys, uint32_t pid, uint64_t *pages,
                               size_t max);

/* Writes one CSV row per interval_ns of simulated time to out (header first):
 * time, CPU and disk utilisation, faults per second, and each process's
 * state, resident set and working-set size. Call before any process exists;
 * working sets are then tracked (cfg.ws_delta, 10000 if it was 0). */
VMM_API int vmm_timeline_attach(struct vmm_system *sys, FILE *out, uint64_t interval_ns);
/* Writes the timeline's last rows, for the part of an interval the run ended in. */
VMM_API void vmm_timeline_finish(struct vmm_system *sys);

/* The thrashing experiment (docs/model.md): 1 .. max_degree copies of a
 * program with shifting localities, each degree run without load control and
 * with `control`, under round robin and the rest of the caller's config. */
struct vmm_thrash_spec {
    uint64_t pages;       /* pages each copy's region has */
    uint64_t refs;        /* references each copy makes */
    uint64_t phases;      /* localities it moves through, one after another */
    uint64_t phase_pages; /* pages of each locality (its working set) */
    double write;         /* fraction of references that write */
    unsigned max_degree;  /* copies run at most */
    unsigned control;     /* enum vmm_load_control of the controlled runs: WS or PFF */
};

/* One run of the experiment. */
struct vmm_thrash_run {
    double cpu_util;      /* cpu_ns / elapsed_ns */
    double disk_util;     /* disk_ns / elapsed_ns */
    double throughput;    /* references per simulated second */
    uint64_t references;  /* references made */
    uint64_t page_faults; /* faults */
    uint64_t elapsed_ns;  /* simulated time */
    uint64_t suspensions; /* load control's */
};

struct vmm_thrash_point {
    unsigned degree;                  /* copies */
    struct vmm_thrash_run plain;      /* without load control */
    struct vmm_thrash_run controlled; /* with spec.control */
};

/* Fills spec with the defaults `vmm thrash` uses. */
VMM_API void vmm_thrash_default(struct vmm_thrash_spec *spec);

/* Runs the experiment: out[d - 1] for d = 1 .. spec->max_degree. Returns 0 or
 * a negative error with a message in err. */
VMM_API int vmm_thrash_run(const struct vmm_config *cfg, const struct vmm_thrash_spec *spec,
                           struct vmm_thrash_point *out, char *err, size_t errlen);

/* ---- the translation calculator (vmm translate) ------------------------------ */

/* Address translation as the textbooks pose it in exercises, apart from any
 * running system: an MMU (relocation and limit registers, a segment table or
 * a one-level page table), a list of virtual addresses, and for each the
 * physical address or the trap and why (docs/cli.md, "vmm translate").
 * Exercises are given by hand or generated from a seed. A trap is a result
 * (enum vmm_xlate_outcome), never an error; errors are malformed exercises. */

#define VMM_XLATE_MAX_SEGMENTS 64         /* segment-table entries at most */
#define VMM_XLATE_MAX_PAGES    (1u << 20) /* page-table entries at most */
#define VMM_XLATE_MAX_ADDRS    (1u << 20) /* addresses of one exercise at most */
#define VMM_XLATE_ANY                                                                              \
    (-1) /* vmm_xlate_addr.op: no operation given, so                                              \
            permissions are not checked */

/* Segment permissions, the bits of vmm_xlate_segment.prot. */
enum vmm_xlate_prot { VMM_XLATE_R = 1, VMM_XLATE_W = 2, VMM_XLATE_X = 4 };

/* One entry of a segment table. */
struct vmm_xlate_segment {
    uint64_t base;  /* physical address of the segment's first byte; for a segment that
                       grows down, of the byte just past its last (its top) */
    uint64_t limit; /* its length in bytes */
    unsigned prot;  /* VMM_XLATE_R | VMM_XLATE_W | VMM_XLATE_X */
    bool down;      /* grows down (a stack): offset d is legal iff max - d <= limit,
                       max the largest segment size, and maps to base - (max - d) */
    bool valid;     /* the entry's validation bit; an invalid entry traps every reference */
};

/* One entry of a page table. */
struct vmm_xlate_pte {
    uint64_t frame; /* physical frame number, when valid */
    bool valid;     /* the valid-invalid bit */
};

/* One address to translate. */
struct vmm_xlate_addr {
    uint64_t va;     /* the virtual address, when not a pair */
    uint64_t seg;    /* segmentation: segment number s, when a pair */
    uint64_t offset; /* segmentation: offset d, when a pair */
    bool pair;       /* given as s:d (Silberschatz) rather than flat (OSTEP) */
    int op;          /* enum vmm_op of the reference, or VMM_XLATE_ANY; segmentation only */
};

/* An exercise: the MMU's state and the addresses to translate. Fill it with
 * vmm_xlate_init and the vmm_xlate_add_* / vmm_xlate_parse_* functions (or
 * vmm_xlate_generate); it owns its arrays: vmm_xlate_free releases them. */
struct vmm_xlate {
    enum vmm_mmu mmu;   /* the scheme */
    uint64_t as_size;   /* bytes of the virtual address space; 0 = unbounded (any 64-bit
                           address); required with seg_bits */
    uint64_t phys_size; /* bytes of physical memory; 0 = not stated (unchecked) */
    bool generated;     /* made by vmm_xlate_generate from seed */
    uint64_t seed;      /* the seed it was made from */
    /* relocation */
    uint64_t base;  /* relocation register: physical address of virtual 0 */
    uint64_t limit; /* limit register: virtual addresses 0 .. limit - 1 are legal */
    /* segmentation */
    unsigned seg_bits; /* top bits of a flat address that select the segment (OSTEP);
                          0 = addresses are s:d pairs only */
    size_t nsegs;      /* entries in segs (the segment-table length) */
    struct vmm_xlate_segment segs[VMM_XLATE_MAX_SEGMENTS]; /* the segment table */
    /* paging */
    uint64_t page_size;           /* bytes; a power of two */
    size_t npages;                /* entries in pt (the page-table length) */
    struct vmm_xlate_pte *pt;     /* the page table, indexed by virtual page number; owned */
    size_t naddrs;                /* addresses in addrs */
    struct vmm_xlate_addr *addrs; /* the addresses to translate, in order; owned */
};

/* What one translation gives. */
enum vmm_xlate_outcome {
    VMM_XLATE_OK,           /* translated: pa holds the physical address */
    VMM_XLATE_LIMIT,        /* trap, segmentation violation: the address or the offset is
                               at or beyond the limit */
    VMM_XLATE_NO_SEGMENT,   /* trap, segmentation violation: the segment number is beyond
                               the table or its entry is invalid */
    VMM_XLATE_PROTECTION,   /* trap: the operation is not among the segment's permissions */
    VMM_XLATE_INVALID_PAGE, /* trap: the page's entry is invalid or beyond the table; with
                               no backing store here, a segmentation fault */
};

struct vmm_xlate_result {
    enum vmm_xlate_outcome outcome; /* what happened */
    uint64_t va;     /* the flat virtual address (for an s:d pair, when seg_bits is set) */
    uint64_t pa;     /* the physical address, when VMM_XLATE_OK */
    uint64_t seg;    /* segmentation: the segment number */
    uint64_t offset; /* the offset in the segment or the page; relocation: va */
    uint64_t vpn;    /* paging: the virtual page number */
    uint64_t frame;  /* paging: the frame, when VMM_XLATE_OK */
};

/* Parameters of a generated exercise; 0 in a field means its default. */
struct vmm_xlate_gen {
    enum vmm_mmu mmu;   /* the scheme */
    uint64_t seed;      /* the same seed gives the same exercise on every machine */
    uint64_t as_size;   /* a power of two, 16 bytes .. 4 GiB [16K] */
    uint64_t phys_size; /* at least as_size, at most 64 GiB [64K, or 4 x as_size if
                           that is larger] */
    uint64_t page_size; /* paging: a power of two, at most as_size / 2 and at least
                           as_size / 4096 [1K] */
    unsigned seg_bits;  /* segmentation: 1 .. 6 [2] */
    size_t count;       /* addresses, 1 .. 10000 [5] */
};

/* An empty exercise for mmu. */
VMM_API void vmm_xlate_init(struct vmm_xlate *x, enum vmm_mmu mmu);
/* Releases what x owns and leaves it empty (as vmm_xlate_init with x->mmu). */
VMM_API void vmm_xlate_free(struct vmm_xlate *x);

/* "relocation", "segmentation", "paging" and the reverse (-1 if unknown). */
VMM_API const char *vmm_xlate_mmu_name(enum vmm_mmu mmu);
VMM_API int vmm_xlate_mmu_parse(const char *name);
/* A short name of an outcome: "ok", "limit", "no_segment", "protection",
 * "invalid_page". */
VMM_API const char *vmm_xlate_outcome_name(enum vmm_xlate_outcome o);

/* Parses a number as exercises write them: decimal with an optional K, M, G
 * or T (binary) suffix, as vmm_parse_size reads sizes, or 0x hex: "120900",
 * "28K", "0x3a0". Returns 0, or VMM_EPARSE / VMM_ERANGE. */
VMM_API int vmm_xlate_parse_value(const char *text, uint64_t *out);

/* Appends a segment-table entry. Returns 0, or VMM_ELIMIT with a message. */
VMM_API int vmm_xlate_add_segment(struct vmm_xlate *x, const struct vmm_xlate_segment *s, char *err,
                                  size_t errlen);
/* Appends "BASE,LIMIT[,PROT][,down]" (PROT letters from r, w, x and -, e.g.
 * "r-x" [rwx]; "up" is accepted too) or "-" (an invalid entry). Returns 0, or
 * VMM_EPARSE / VMM_ERANGE / VMM_ELIMIT with a message. */
VMM_API int vmm_xlate_parse_segment(struct vmm_xlate *x, const char *text, char *err,
                                    size_t errlen);
/* Appends a page-table entry. Returns 0, or VMM_ENOMEM / VMM_ELIMIT. */
VMM_API int vmm_xlate_add_pte(struct vmm_xlate *x, const struct vmm_xlate_pte *e, char *err,
                              size_t errlen);
/* Appends the entries of "F0,F1,-,F3" (frame numbers; "-" invalid). Returns 0,
 * or a negative code with a message naming the entry. */
VMM_API int vmm_xlate_parse_page_table(struct vmm_xlate *x, const char *text, char *err,
                                       size_t errlen);

/* Checks the MMU's state before addresses are added: the limits, sizes and
 * tables fit each other and the stated memories. Returns 0, or VMM_EINVAL /
 * VMM_ERANGE with a message naming what is wrong and the option that sets it. */
VMM_API int vmm_xlate_check(const struct vmm_xlate *x, char *err, size_t errlen);

/* Translates one address on x (which vmm_xlate_check accepts) into *r.
 * Returns 0 (a trap is an outcome), or VMM_EINVAL (a pair outside
 * segmentation, a flat address with no seg_bits, an operation outside
 * segmentation) / VMM_ERANGE (beyond the address space, or a pair that
 * seg_bits cannot encode); *r is then unspecified. */
VMM_API int vmm_xlate_translate(const struct vmm_xlate *x, const struct vmm_xlate_addr *a,
                                struct vmm_xlate_result *r);
/* The outcome as text: "PA 0x10c1 (4353)", or "trap (segmentation violation):
 * offset 1222 >= limit 1000", ... Returns the length it needed (snprintf's). */
VMM_API int vmm_xlate_describe(const struct vmm_xlate *x, const struct vmm_xlate_result *r,
                               char *buf, size_t len);

/* Appends an address after checking that x can translate it. Returns 0, or
 * the code of vmm_xlate_translate / VMM_ENOMEM / VMM_ELIMIT with a message. */
VMM_API int vmm_xlate_add_addr(struct vmm_xlate *x, const struct vmm_xlate_addr *a, char *err,
                               size_t errlen);
/* Appends an address written "VA", "s:d", or either after an operation
 * "r:", "w:" or "x:" ("w:2:53"). Returns 0, or a negative code with a message. */
VMM_API int vmm_xlate_parse_addr(struct vmm_xlate *x, const char *text, char *err, size_t errlen);

/* Replaces *x (initialised, or left by vmm_xlate_free) with an exercise made
 * from g->seed: a sensible setup and addresses about half of which are legal
 * (both kinds whenever there are two or more). Returns 0, or VMM_EINVAL /
 * VMM_ERANGE / VMM_ENOMEM with a message naming the parameter. */
VMM_API int vmm_xlate_generate(const struct vmm_xlate_gen *g, struct vmm_xlate *x, char *err,
                               size_t errlen);

/* Flags of vmm_xlate_print. */
enum {
    VMM_XLATE_ANSWERS = 1 << 0, /* show each translation; otherwise "?" (a problem sheet) */
    VMM_XLATE_JSON = 1 << 1,    /* one JSON object instead of the text */
};

/* Prints the exercise: the MMU's state, then one line per address with the
 * virtual address in hex and decimal and, with VMM_XLATE_ANSWERS, its parts
 * (segment and offset, page and offset) and the outcome. */
VMM_API void vmm_xlate_print(const struct vmm_xlate *x, unsigned flags, FILE *out);

/* ---- replacement policies -------------------------------------------------- */

struct vmm_policy_info {
    const char *name;    /* as given to --policy */
    const char *summary; /* one line */
    const char *params;  /* accepted parameters with defaults, or "" */
};

/* The i-th registered policy, or NULL past the end. */
VMM_API const struct vmm_policy_info *vmm_policy_at(size_t i);

/* ---- traces ------------------------------------------------------------------ */

enum vmm_trace_format {
    VMM_FMT_AUTO = 0,
    VMM_FMT_PAGES,  /* page numbers separated by commas or white space */
    VMM_FMT_ADDR,   /* "<hex address> R|W" per line */
    VMM_FMT_LACKEY, /* Valgrind lackey output */
    VMM_FMT_VMM,    /* "<pid> R|W|X <hex address> [size]" per line */
    VMM_FMT_U32BE,  /* raw big-endian 32-bit page numbers */
    VMM_FMT_U32LE,  /* raw little-endian 32-bit page numbers */
    VMM_FMT_U64LE,  /* raw little-endian 64-bit page numbers */
    VMM_FMT_VMT,    /* vmm's compact binary format (.vmt) */
    VMM_FMT__COUNT
};

/* Name of a format ("pages", ...) and the reverse; -1 if unknown. */
VMM_API const char *vmm_trace_format_name(enum vmm_trace_format fmt);
VMM_API int vmm_trace_format_parse(const char *name);

struct vmm_trace;

/* Opens a trace file ("-" = standard input), detecting gzip/xz compression
 * and, with VMM_FMT_AUTO, the format. page_size turns page numbers into
 * addresses. On failure writes "file: what" to err. */
VMM_API int vmm_trace_open(const char *path, enum vmm_trace_format fmt, uint32_t page_size,
                           struct vmm_trace **out, char *err, size_t errlen);

/* Opens an in-memory page-number list such as "7,0,1,2" (the --refs form). */
VMM_API int vmm_trace_open_string(const char *name, const char *text, uint32_t page_size,
                                  struct vmm_trace **out, char *err, size_t errlen);

/* Reads up to max references. Returns how many (0 at the end), or a negative
 * error with "file:line:col: what was expected" in vmm_trace_error(). */
VMM_API long vmm_trace_read(struct vmm_trace *tr, struct vmm_ref *refs, size_t max);

/* Refuses, at the reference's own file:line:col, addresses at or beyond 2^bits
 * (vmm_replay sets the system's width). Default 64: any address. */
VMM_API void vmm_trace_set_va_bits(struct vmm_trace *tr, unsigned bits);

VMM_API enum vmm_trace_format vmm_trace_format_of(const struct vmm_trace *tr);
VMM_API const char *vmm_trace_error(const struct vmm_trace *tr);
VMM_API const char *vmm_trace_compression(const struct vmm_trace *tr); /* "", "gzip" or "xz" */
VMM_API void vmm_trace_close(struct vmm_trace *tr);

/* Compression support compiled in. */
VMM_API bool vmm_have_gzip(void);
VMM_API bool vmm_have_xz(void);

/* What a trace's references carry beyond a one-byte access by pid 1 (the same
 * bits are the flags of a .vmt header, docs/formats.md):
 *   PAGES  whole pages: the format holds page numbers (pages, u32be, u32le,
 *          u64le, a .vmt of page numbers)
 *   PIDS   it names its processes (vmm, a .vmt with pids)
 *   SIZES  sizes other than 1 (lackey, vmm, a .vmt with sizes) */
#define VMM_TRACE_PAGES 0x1u
#define VMM_TRACE_PIDS  0x2u
#define VMM_TRACE_SIZES 0x4u

/* The VMM_TRACE_* bits of an open trace. */
VMM_API unsigned vmm_trace_fields(const struct vmm_trace *tr);
/* The page size a .vmt trace was written with (its header's hint), or 0. */
VMM_API uint32_t vmm_trace_page_size_hint(const struct vmm_trace *tr);
/* Bytes read from the file so far (compressed bytes when it is compressed). */
VMM_API uint64_t vmm_trace_bytes_in(const struct vmm_trace *tr);

/* A trace writer: references in, a trace file out (vmt, vmm, pages, u32be,
 * u32le or u64le), optionally gzip- or xz-compressed. */
struct vmm_trace_writer;

enum vmm_compress {
    VMM_COMPRESS_NONE = 0,
    VMM_COMPRESS_GZIP, /* needs zlib (vmm_have_gzip) */
    VMM_COMPRESS_XZ,   /* needs liblzma (vmm_have_xz) */
};

struct vmm_trace_writer_stats {
    uint64_t refs;  /* references written */
    uint64_t bytes; /* bytes written to the stream (after compression) */
    uint64_t lossy; /* references the format could not hold whole: page-number formats
                       keep only the page, dropping operation, pid, size and offset */
};

/* Starts writing fmt to out (not closed by the writer). flags: VMM_TRACE_*
 * bits the references may use (vmt: written in its header; a reference that
 * needs a field not allowed is refused). page_size (a power of two) turns
 * addresses into page numbers and is the vmt header's hint. Returns 0, or
 * VMM_EINVAL (a format that cannot be written, a bad page size),
 * VMM_EUNSUPPORTED (compression not compiled in) or VMM_ENOMEM, with the
 * message in err. */
VMM_API int vmm_trace_writer_open(FILE *out, enum vmm_trace_format fmt, unsigned flags,
                                  uint32_t page_size, enum vmm_compress comp,
                                  struct vmm_trace_writer **w, char *err, size_t errlen);
/* Appends n references. Returns 0, or VMM_ERANGE (a reference the format or
 * flags cannot hold), VMM_EIO (a write failed); errors are sticky, the
 * message is in vmm_trace_writer_error(). */
VMM_API int vmm_trace_write(struct vmm_trace_writer *w, const struct vmm_ref *refs, size_t n);
/* Ends the stream (vmt: its last block and end block; the compressor's
 * trailer) and flushes out. Returns 0 or the (sticky) error. A stream that is
 * not finished is incomplete: a reader of vmt or compressed data says so. */
VMM_API int vmm_trace_writer_finish(struct vmm_trace_writer *w);
VMM_API const char *vmm_trace_writer_error(const struct vmm_trace_writer *w);
VMM_API void vmm_trace_writer_stats(const struct vmm_trace_writer *w,
                                    struct vmm_trace_writer_stats *st);
/* Frees the writer; whatever was not finished is not written. */
VMM_API void vmm_trace_writer_free(struct vmm_trace_writer *w);

/* Replays every reference of the traces through sys, creating each pid the
 * first time it is seen (one region covering the whole address space). With a
 * policy that needs the future (opt), the traces are read whole first.
 * Returns 0 or a negative error (a trace error's message is in
 * vmm_system_error()). */
VMM_API int vmm_replay(struct vmm_system *sys, struct vmm_trace **traces, size_t ntraces);

/* Replays n references held in memory, as vmm_replay does (the next-use times
 * that opt needs are computed from the array). Each write stores an 8-byte
 * stamp (the reference's sequence number) when data is on. */
VMM_API int vmm_replay_refs(struct vmm_system *sys, const struct vmm_ref *refs, size_t n);

/* ---- fault curves (vmm sweep) ---------------------------------------------------- */

/* A fault curve is the page faults of a policy at each of many frame counts,
 * over one trace (docs/policies.md, "Fault curves in one pass"). lru's whole
 * curve comes from one pass of stack distances (Mattson et al. 1970), opt's
 * from Mattson's OPT stack where that is cheaper than simulating each point;
 * every other point is one engine simulation, and the points run in parallel
 * threads. A page is the pair (pid, page number), and the reference string is
 * the global one, as the engine's global replacement sees it. Every point
 * runs with data off, no TLB, global replacement, no scheduler: page faults
 * are what a sweep counts. */

/* The most frame counts one sweep holds. */
#define VMM_SWEEP_MAX_POINTS (1u << 20)

/* Parses a list of frame counts, items separated by commas, each one of
 *   N           one count: 64, 4K, 1M (K, M, G are binary: 1M = 1048576)
 *   A..B        every count from A to B
 *   A..B/S      A, A+S, A+2S, ... and B
 *   A..B*R      A, A*R, A*R^2, ... and B (a geometric range, R >= 2)
 * (a range always includes its end), into *out, malloc'd, ascending without
 * repeats; counts run from 1 to 2^32 - 2. Returns 0, or VMM_EPARSE,
 * VMM_ERANGE, VMM_ELIMIT (more than VMM_SWEEP_MAX_POINTS) or VMM_ENOMEM with
 * a message quoting the item and its column. */
VMM_API int vmm_sweep_frames_parse(const char *spec, uint64_t **out, size_t *n, char *err,
                                   size_t errlen);

/* Reads the traces whole into memory as vmm_replay replays them: each
 * reference split into one per page it touches (none crosses a page), each
 * single-process trace its own process (pid 1, 2, ...) when several are
 * given, addresses refused beyond va_bits. *refs (malloc'd, 16 bytes a page
 * reference) receives them, *n their number (at most 2^32 - 2). Returns 0, or
 * the trace's error (its "file:line:col: what" in err), VMM_ERANGE,
 * VMM_ELIMIT or VMM_ENOMEM with a message. */
VMM_API int vmm_sweep_load(struct vmm_trace **traces, size_t ntraces, uint32_t page_size,
                           unsigned va_bits, struct vmm_ref **refs, size_t *n, char *err,
                           size_t errlen);

/* How a policy's curve is (to be) computed. */
enum vmm_sweep_method {
    VMM_SWEEP_AUTO = 0,  /* request: lru one pass; opt one pass where its stack is expected
                            to cost less than the simulations (vmm_sweep_run) */
    VMM_SWEEP_ONE_PASS,  /* stack distances: the whole curve from one pass (lru, opt) */
    VMM_SWEEP_PER_POINT, /* one engine simulation per frame count */
    VMM_SWEEP_SHARDS,    /* lru approximated by sampling pages (vmm_sweep_shards) */
};

/* The one-pass curves alone: faults[i] = the page faults of lru (opt) with
 * frames[i] frames (ascending, no repeats, >= 1), over refs as vmm_replay_refs
 * takes them (a reference crossing a page touches each page). Equal, point by
 * point, to a replay by the engine's lru (opt) with data off (tests/test_sweep.c).
 * Addresses are not checked against an address width. Memory: 4 bytes a
 * page reference (8 for opt), at most 32 a distinct page. Returns 0, or
 * VMM_EINVAL (frames), VMM_ELIMIT (more than 2^32 - 2 page references; lru:
 * 2^30 distinct pages; opt: a stack of 2^31) or VMM_ENOMEM. */
VMM_API int vmm_sweep_lru(const struct vmm_ref *refs, size_t n, uint32_t page_size,
                          const uint64_t *frames, size_t nframes, uint64_t *faults);
VMM_API int vmm_sweep_opt(const struct vmm_ref *refs, size_t n, uint32_t page_size,
                          const uint64_t *frames, size_t nframes, uint64_t *faults);

/* What to sweep. */
struct vmm_sweep_spec {
    const struct vmm_config *cfg;   /* page_size, va_bits, seed, max_memory (each point's
                                       own limit), check; the rest is set per point */
    const char *const *policies;    /* "lru", "opt", "aging:bits=4,interval=10", ... */
    size_t npolicies;               /* how many, each at most once */
    const uint64_t *frames;         /* frame counts, ascending, no repeats, >= 1 */
    size_t nframes;                 /* how many, at most VMM_SWEEP_MAX_POINTS; 0: powers of
                                       two up to the distinct pages, and their number */
    unsigned jobs;                  /* threads; 0 = the online CPUs; 1 = none started */
    enum vmm_sweep_method lru, opt; /* how lru's and opt's curves are computed [AUTO] */
    unsigned shard, nshards;        /* run only part `shard` (1 .. nshards) of nshards of
                                       the work, below; 0, 0: the whole sweep */
    bool no_fingerprint;            /* vmm_sweep_read: leave res->fingerprint 0 (nothing
                                       will join these results to others') */
};

/* Shards: a sweep's work is a list of tasks, numbered from 0 in an order
 * fixed by the spec and the trace alone (never by threads or timing): first
 * one task per one-pass curve (its whole curve), in the order of the
 * policies; then one task per simulated point, policy by policy, frame
 * counts ascending. Shard K of N runs the tasks i with i mod N = K - 1, so
 * N runs of the same spec over the same trace, K = 1 .. N, compute every
 * point exactly once between them, each on any machine (docs/cli.md,
 * "Spreading a sweep across machines"). A shard may have no task. */

/* What a sweep found. Arrays are indexed [policy * nframes + point]. */
struct vmm_sweep_result {
    uint64_t *frames;              /* the frame counts swept, ascending */
    size_t nframes;                /* how many */
    size_t npolicies;              /* policies, as in the spec */
    uint64_t references;           /* page references replayed at each point */
    uint64_t distinct;             /* distinct (pid, page) among them */
    uint64_t *faults;              /* page faults; 0 where not computed */
    bool *computed;                /* this run computed the point: every point, but only
                                      the shard's own with spec->nshards */
    bool *anomaly;                 /* faults above those at the previous (smaller) frame
                                      count, both computed: Belady's anomaly */
    uint64_t anomalies;            /* points marked so */
    enum vmm_sweep_method *method; /* [policy]: ONE_PASS or PER_POINT, as computed */
    uint64_t fingerprint;          /* the trace's: vmm_sweep_fingerprint of the page
                                      references */
    size_t tasks;                  /* the whole sweep's tasks (every shard's) */
    size_t tasks_run;              /* of those, the ones this run did */
};

/* Checks a sweep before any work: frame counts, policies and their
 * parameters (unknown ones are refused as vmm_system_create refuses them),
 * and the largest simulated point against max_memory. Returns 0 or a
 * negative code with a message. */
VMM_API int vmm_sweep_check(const struct vmm_sweep_spec *spec, char *err, size_t errlen);

/* Runs a sweep over refs (as vmm_sweep_load gives them, or any references
 * vmm_replay_refs takes) into *res; the results are the same for every number
 * of jobs (vmm_sweep_read below streams the trace instead of taking it
 * whole). Memory: refs, plus 4 bytes a reference for page ids, 4 more with
 * opt (next uses, shared by its points), plus each running simulation's own
 * system (frames and page tables) and each one-pass curve's structures.
 * Threads (pthreads) live only inside the call; the library is otherwise
 * single-threaded and a sweep shares nothing with other calls. Returns 0, or
 * the first failing point's error with its message; free *res with
 * vmm_sweep_result_free. */
VMM_API int vmm_sweep_run(const struct vmm_sweep_spec *spec, const struct vmm_ref *refs, size_t n,
                          struct vmm_sweep_result *res, char *err, size_t errlen);
VMM_API void vmm_sweep_result_free(struct vmm_sweep_result *res);

/* A sweep that streams its trace: vmm_sweep_read reads the traces once (as
 * vmm_sweep_load splits them) into what the sweep spec needs, and
 * vmm_sweep_run_input runs the sweep over it; the results are those of
 * vmm_sweep_load + vmm_sweep_run. The pages are numbered as the trace
 * streams, so one-pass curves (lru; opt where its frame counts make it one
 * pass whatever the trace) hold 4 bytes a page reference, 8 with opt's next
 * uses; the 16-byte references themselves are held only when some point may
 * be simulated (any other policy, or opt left to the library over many
 * frames). vmm_sweep_read returns 0, vmm_sweep_check's error, the trace's
 * error (its "file:line:col: what" in err), VMM_ERANGE, VMM_ELIMIT or
 * VMM_ENOMEM; vmm_sweep_run_input takes a spec with the same policies and
 * methods (else VMM_EINVAL) and returns as vmm_sweep_run. */
struct vmm_sweep_input;
VMM_API int vmm_sweep_read(const struct vmm_sweep_spec *spec, struct vmm_trace **traces,
                           size_t ntraces, struct vmm_sweep_input **in, char *err, size_t errlen);
VMM_API int vmm_sweep_run_input(const struct vmm_sweep_spec *spec, const struct vmm_sweep_input *in,
                                struct vmm_sweep_result *res, char *err, size_t errlen);
VMM_API void vmm_sweep_input_free(struct vmm_sweep_input *in);

/* Marks Belady's anomaly in res from its faults: anomaly[p * nframes + i]
 * where points i - 1 and i of policy p were both computed (computed NULL:
 * every point) and i has more faults, false elsewhere; sets anomalies to the
 * points marked. Needs frames, nframes, npolicies, faults and anomaly.
 * vmm_sweep_run does this; a caller that joins the shards' results into
 * one (vmm sweep --merge) calls it again over the whole curve. */
VMM_API void vmm_sweep_mark_anomalies(struct vmm_sweep_result *res);

/* A 64-bit fingerprint of a sweep's trace, the same on every host: a hash,
 * in order, of each page reference's pid, page number and operation (the
 * references split at page boundaries as a sweep splits them), and of the
 * page size. Shards of one sweep carry it so that their results are joined
 * only when they come from the same trace. */
VMM_API uint64_t vmm_sweep_fingerprint(const struct vmm_ref *refs, size_t n, uint32_t page_size);

/* ---- approximate fault curves: SHARDS (vmm sweep --approx) ------------------------- */

/* lru's curve estimated from a sample of the pages, for traces too large to
 * hold (docs/policies.md, "Approximate curves: SHARDS"; Waldspurger, Park,
 * Garthwaite and Ahmad, "Efficient MRC Construction with SHARDS", FAST 2015).
 * A page (pid, page number) is sampled iff its hash modulo P = 2^24 is below
 * a threshold T, so the sampling rate is R = T / P and a page is in or out
 * for the whole trace. Only sampled references are followed: their LRU stack
 * distances among the sampled pages, scaled by 1 / R, estimate those of the
 * whole trace, and each sampled reference counts for 1 / R references. The
 * trace is streamed: memory grows with the sampled pages (about 80 bytes
 * each), not with the trace. With smax, at most smax sampled pages are held:
 * when one more would be, T is lowered to the largest hash value held and
 * the pages at it are dropped (fixed size), so memory is bounded whatever
 * the trace. The result is deterministic: the hash has a fixed seed. */

#define VMM_SHARDS_MODULUS   (1u << 24) /* P: hash values are taken modulo this */
#define VMM_SHARDS_MAX_PAGES (1u << 30) /* the most sampled pages (smax, or pages held) */

struct vmm_shards_config {
    double rate;        /* R in (0, 1]: T = R x P rounded, at least 1; with smax the
                           starting rate [1] */
    uint64_t smax;      /* 0: fixed rate; else the most sampled pages held, 1 .. 2^30 */
    bool adjust;        /* SHARDS_adj: the sampled references are taken to stand for
                           all N references (the shortfall or excess against R x N
                           counted as hits), so faults = sampled faults / R; without
                           it faults = sampled faults x N / sampled references [true] */
    uint32_t page_size; /* bytes, a power of two from 512 [4096] */
};

/* The defaults above, rate 1 (every page). */
VMM_API void vmm_shards_config_default(struct vmm_shards_config *c);

/* Parses parameters "rate=R[,smax=N][,adjust=yes|no]" (smax may end in K, M
 * or G; rate may be left out with smax: it starts at 1) into c, which it
 * first sets to the defaults (page_size as it was). Returns 0 or VMM_EPARSE,
 * VMM_ERANGE with a message naming the parameter. */
VMM_API int vmm_shards_parse(const char *params, struct vmm_shards_config *c, char *err,
                             size_t errlen);

/* The 64-bit hash of page (pid, vpn): a page is sampled iff its top 24 bits
 * (the hash modulo P, read from the top) are below T. Fixed seed. */
VMM_API uint64_t vmm_shards_hash(uint32_t pid, uint64_t vpn);

/* What a sample holds. */
struct vmm_shards_info {
    uint64_t references;        /* page references seen: the whole trace */
    uint64_t sampled;           /* of those, sampled (followed) */
    uint64_t sampled_pages;     /* sampled pages held now: every page seen whose hash is
                                   below the threshold now */
    uint64_t dropped;           /* pages dropped by lowering the threshold (smax) */
    uint32_t threshold;         /* T now */
    double rate;                /* T / P now: the effective rate */
    uint64_t distinct_estimate; /* sampled_pages / rate, rounded: the trace's distinct pages */
    uint64_t bucket;            /* the distance histogram's bucket, in pages: 1 = every
                                   scaled distance kept apart */
};

/* A sampler: feed it references, then ask for the curve. */
struct vmm_shards;

/* Returns 0, or VMM_EINVAL (a rate outside (0, 1] or below 1 / P, smax
 * beyond 2^30, a bad page size) with a message, or VMM_ENOMEM. */
VMM_API int vmm_shards_create(const struct vmm_shards_config *c, struct vmm_shards **out, char *err,
                              size_t errlen);
/* Feeds n references, as vmm_replay_refs takes them (one crossing a page
 * touches each page; a page is (pid, addr / page_size)). Returns 0, or
 * VMM_ENOMEM or VMM_ELIMIT (more than 2^30 sampled pages held); the sampler
 * is then unusable. */
VMM_API int vmm_shards_add(struct vmm_shards *s, const struct vmm_ref *refs, size_t n);
/* faults[i] = the estimated lru page faults with frames[i] frames (ascending,
 * no repeats, >= 1) over every reference fed so far, rounded, at most the
 * references. Returns 0, VMM_EINVAL (frames) or VMM_ENOMEM. */
VMM_API int vmm_shards_curve(const struct vmm_shards *s, const uint64_t *frames, size_t nframes,
                             uint64_t *faults);
VMM_API void vmm_shards_info(const struct vmm_shards *s, struct vmm_shards_info *info);
VMM_API void vmm_shards_destroy(struct vmm_shards *s);

/* lru's approximate curve over traces streamed through a sampler, read as
 * vmm_sweep_load reads them (split per page, one process per trace, checked
 * against va_bits) but never held whole. With nframes 0 the frame counts are
 * powers of two up to the estimated distinct pages, and that estimate. Fills
 * *res as vmm_sweep_run does for one policy, lru, method VMM_SWEEP_SHARDS,
 * res->distinct the estimate; *info (may be NULL) says what was sampled.
 * Returns 0, or the trace's error (VMM_EPARSE, VMM_EIO, VMM_ERANGE ...) with
 * its message, VMM_EINVAL (configuration, frames), VMM_ELIMIT or VMM_ENOMEM;
 * free *res with vmm_sweep_result_free. */
VMM_API int vmm_sweep_shards(struct vmm_trace **traces, size_t ntraces,
                             const struct vmm_shards_config *c, unsigned va_bits,
                             const uint64_t *frames, size_t nframes, struct vmm_sweep_result *res,
                             struct vmm_shards_info *info, char *err, size_t errlen);

/* ---- workloads ------------------------------------------------------------------ */

/* A workload script (docs/workload.md): settings, programs, processes and
 * the references they make, line by line. */
struct vmm_workload;

/* Parses text; name is used in messages ("demo.vmw:3:7: ..."). On failure
 * returns VMM_EPARSE (or another code) with the message in err. */
VMM_API int vmm_workload_parse(const char *name, const char *text, struct vmm_workload **out,
                               char *err, size_t errlen);
/* Reads and parses the file at path ("-": standard input, named "stdin"); traces
 * it names by relative paths are found from the file's directory. */
VMM_API int vmm_workload_load(const char *path, struct vmm_workload **out, char *err,
                              size_t errlen);
/* Confines the files the script names (mmap file=, trace FILE) to the
 * directory dir: a path that leaves it ('..', an absolute path elsewhere, a
 * symbolic link out) or names anything but a regular file is refused when
 * the statement runs. The default is the script's own directory ("." for
 * standard input and vmm_workload_parse). Returns 0 or VMM_ENOMEM. */
VMM_API int vmm_workload_set_files(struct vmm_workload *w, const char *dir);
/* Applies the script's settings lines (frames, policy, ...) to cfg; strings
 * in cfg then point into w, which must outlive vmm_system_create. */
VMM_API void vmm_workload_settings(const struct vmm_workload *w, struct vmm_config *cfg);
/* Runs the script's statements on sys. Process events and failed checks are
 * narrated to log (may be NULL); *check_failures counts failed checks.
 * With cfg.sched rr, each process's statements are a task of vmm_sched_run (docs/workload.md).
 * Returns 0, or a negative error with "file:line:col: what" in
 * vmm_system_error(). */
VMM_API int vmm_workload_run(struct vmm_system *sys, const struct vmm_workload *w, FILE *log,
                             uint64_t *check_failures);
VMM_API void vmm_workload_free(struct vmm_workload *w);
/* The built-in demo workload's text (examples/demo.vmw, embedded). */
VMM_API const char *vmm_demo_workload(void);

/* ---- reports ----------------------------------------------------------------- */

struct vmm_report_info {
    const char *input;  /* what was run, for the header */
    const char *format; /* its format, or NULL */
};

/* The summary a person reads, and the --json object. */
VMM_API void vmm_report_text(const struct vmm_system *sys, const struct vmm_report_info *info,
                             FILE *out);
VMM_API void vmm_report_json(const struct vmm_system *sys, const struct vmm_report_info *info,
                             FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* VMM_H */
