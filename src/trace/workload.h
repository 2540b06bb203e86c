/*
 * workload.h - the parsed form of a workload script (src/trace/workload*.c
 * only). docs/workload.md is the language reference.
 *
 * workload_parse.c turns the text into a flat array of statements; workload.c
 * runs it. A repeat block is one WS_REPEAT statement followed by its body, and
 * records where the body ends:
 *
 *    index  statement                      end
 *      0    spawn P1 editor
 *      1    repeat 3 {                     4  --+
 *      2        P1 write heap+0                 |  body: 2 .. 3
 *      3        P1 read data+0                --+
 *      4    exit P1
 *
 * so the runner expands a repeat by walking its body again (nothing is ever
 * copied N times), and nesting needs no other structure.
 *
 * Invariants after a successful parse:
 *  - for a WS_REPEAT at index i: i < end <= nstmts, and every block nested in
 *    its body ends at or before its end;
 *  - every statement's proc index names a process whose spawn (or fork)
 *    statement comes earlier in the text (so it also runs earlier);
 *  - each process name (P<n>) is created by exactly one spawn or fork;
 *  - settings lines all come before the first statement that runs;
 *  - every mapping name an address, munmap or msync uses is defined by an
 *    mmap statement earlier in the text (maps[i] by the first one naming it);
 *  - a write or check with a string (mode 1) has its n >= 1 bytes in bytes[].
 *
 * The language grows by rows in the tables of workload_parse.c (keywords,
 * process actions, key=value arguments) and workload.c (`ops`: per
 * statement kind, one function that runs it whole, or a begin and a piece
 * function for statements that run a reference at a time).
 */
#ifndef VMM_WORKLOAD_H
#define VMM_WORKLOAD_H

#include "trace/pattern.h"
#include "vmm.h"

#include <stdbool.h>
#include <stdint.h>

#define WL_DEFAULT_BYTE 0xAA              /* what `write` stores without value= */
#define WL_MAX_LEN      (1ull << 30)      /* len= limit of one statement: 1 GiB */
#define WL_MAX_DEPTH    32                /* repeat blocks nested at most this deep */
#define WL_MAX_ARGS     16                /* tokens after a statement's keyword */
#define WL_NAME_MAX     32                /* program names, with the NUL (the engine keeps 32) */
#define WL_PATH_MAX     1023              /* bytes of a path the script names */
#define WL_MAX_MAP      (1ull << 40)      /* offset= and len= of mmap: 1 TiB */
#define WL_MAX_FILE     (64u << 20)       /* vmm_workload_load refuses larger files */
#define WL_CHUNK        (1u << 20)        /* bytes moved per vmm_access; >= the largest page */
#define WL_TEXT_BASE    0x400000ull       /* where text starts (the x86-64 ELF default) */
#define WL_STACK_TOP_64 0x7ffffffff000ull /* stack top with 48- and 57-bit addresses */
#define WL_STACK_TOP_32 0xc0000000ull     /* stack top with 32-bit addresses (3 GiB) */
#define WL_STACK_LIMIT  (8ull << 20)      /* how far a stack may grow: Linux's default 8 MiB */

/* The regions a program can have, in address order (stack last, at the top). */
enum wl_region { WR_TEXT, WR_DATA, WR_BSS, WR_HEAP, WR_STACK, WR__COUNT };
#define WR_ABSOLUTE 0xffu /* an address not relative to a region */
#define WR_MAPPING  0xfeu /* an address relative to a mapping (mmap NAME): its index in arg */

struct wl_region_kind {
    const char *name; /* as written in scripts and given to vmm_region_add */
    unsigned prot;    /* VMM_PROT_* */
};
extern const struct wl_region_kind wl_regions[WR__COUNT];

/* The settings a script can give, as bits of vmm_workload.set. */
enum wl_setting {
    WSET_FRAMES,
    WSET_POLICY,
    WSET_PAGE_SIZE,
    WSET_TLB,
    WSET_SEED,
    WSET_VA_BITS,
    WSET_FLUSH,
    WSET_SCHED,
    WSET_QUANTUM,
    WSET_MMU,     /* mmu paging|relocation|segmentation */
    WSET_BINDING, /* binding execution|load|compile */
    WSET_FIT,     /* fit first|best|worst|next */
    WSET__COUNT
};

enum wl_stmt_kind {
    WS_SPAWN,   /* spawn P<n> PROGRAM */
    WS_EXIT,    /* exit P<n> */
    WS_READ,    /* P<n> read ADDR [len=] */
    WS_WRITE,   /* P<n> write ADDR [len=] [value=] */
    WS_CHECK,   /* P<n> check ADDR value= [len=] */
    WS_REPEAT,  /* repeat N { body } */
    WS_FORK,    /* fork P<n> P<m> */
    WS_EXEC,    /* exec P<n> PROGRAM */
    WS_BRK,     /* P<n> brk +SIZE | -SIZE | SIZE */
    WS_TRACE,   /* P<n> trace FILE|refs=LIST [format=] [region=] */
    WS_PATTERN, /* P<n> pattern KIND pages= refs= ... */
    WS_MMAP,    /* mmap P<n> NAME file=PATH shared|private ... | anon shared len= */
    WS_MUNMAP,  /* munmap P<n> NAME */
    WS_MSYNC,   /* msync P<n> NAME [async] */
    WS__COUNT
};

/* brk: how n changes the heap. */
enum wl_brk { WB_SET, WB_GROW, WB_SHRINK };

struct wl_stmt {
    uint8_t kind;      /* enum wl_stmt_kind */
    uint8_t region;    /* access, trace: enum wl_region of ADDR / region=, WR_ABSOLUTE, or
                          (access) WR_MAPPING */
    uint8_t mode;      /* brk: enum wl_brk; trace: 1 = refs=LIST in the text, 0 = a file;
                          write/check: 1 = a "string" gives the bytes; msync: 1 = async */
    int16_t value;     /* write/check: byte to store or expect; -1 = not given */
    uint32_t line;     /* 1-based line of the statement's first token */
    uint32_t col;      /* 1-based column of that token */
    uint32_t proc;     /* index in vmm_workload.procs of the process it concerns */
    uint32_t arg;      /* spawn, exec: index in progs; repeat: index past the body; fork: the
                          child's index in procs; trace: enum vmm_trace_format; pattern: index
                          in pats; mmap: index in mmaps; munmap, msync and access with
                          WR_MAPPING: index in maps */
    uint32_t addr_col; /* access: column of the ADDR token (trace: of FILE; munmap, msync:
                          of NAME) */
    uint32_t addr_off; /* access: ADDR as written is text[addr_off .. addr_off + addr_len) */
    uint32_t addr_len; /* its length in bytes (trace: FILE likewise) */
    uint32_t bytes;    /* write/check with a string: its bytes are w->bytes[bytes .. + n) */
    uint64_t addr;     /* access: offset in the region or mapping (two's complement), or
                          absolute */
    uint64_t n;        /* access: bytes (len=, or the string's length); repeat: count; brk:
                          bytes; spawn: priority= (0 = not given) */
};

/* A pattern statement's arguments. */
struct wl_pattern {
    struct pat_spec spec; /* kind, pages, refs, alpha, write, seed, phases, phase_pages */
    bool seeded;          /* seed= given; else the system's seed and the line */
    uint8_t region;       /* enum wl_region the pages lie in (default heap) */
    int16_t value;        /* byte written (default WL_DEFAULT_BYTE) */
};

/* A mapping name: what `mmap P<n> NAME` calls the region it adds. The
 * first mmap statement naming it defines it; each process has its own
 * mapping of it, or none (the runner's per-process table). */
struct wl_map {
    char name[WL_NAME_MAX]; /* as written */
    uint32_t line;          /* the mmap statement that defines it */
};

/* An mmap statement's arguments. */
struct wl_mmap {
    uint32_t map;      /* index in maps of NAME */
    bool anon;         /* anon: new shared memory; else file= */
    bool shared;       /* shared (else private) */
    bool writable;     /* prot=rw (the default); else prot=r */
    bool offset_given; /* offset= written */
    bool len_given;    /* len= written; else to the file's end */
    uint32_t name_col; /* column of NAME */
    uint32_t path_col; /* column of the file= token (anon: of the word anon) */
    uint32_t path_off; /* file=PATH: PATH is text[path_off .. path_off + path_len) */
    uint32_t path_len; /* its bytes */
    uint32_t off_col;  /* column of the offset= token (0 = not given) */
    uint64_t offset;   /* offset= in bytes (page aligned: checked when it runs) */
    uint64_t len;      /* len= in bytes */
};

struct wl_program {
    char name[WL_NAME_MAX];   /* as given to `program` and to vmm_process_spawn */
    uint64_t size[WR__COUNT]; /* bytes of each region; 0 = no such region */
    uint64_t stack_limit;     /* how far the stack may grow (stack-limit=) */
    uint64_t at;              /* at=: the physical address it is built for (compile-time
                                 binding under relocation and segmentation), 0 if not given */
    bool flat;                /* `flat`: one rwx region over the whole address space */
    uint32_t line;            /* where it is defined */
};

struct wl_proc {
    uint32_t pid;  /* the number in its name: P7 is pid 7 */
    uint32_t line; /* line of its spawn or fork statement */
    uint32_t prog; /* program it is spawned with (index in progs); WL_FORKED if forked */
};
#define WL_FORKED UINT32_MAX

struct vmm_workload {
    char *name;               /* shown in messages: "demo.vmw" */
    char *dir;                /* the script's directory ("" for text without a file) */
    char *files;              /* where the files it names must lie (vmm_workload_set_files);
                                 NULL = dir, or "." if dir is "" */
    char *text;               /* a copy of the script; tokens point into it */
    unsigned set;             /* 1u << WSET_* for each setting the script gives */
    uint64_t frames;          /* frames N */
    uint64_t seed;            /* seed N */
    uint32_t page_size;       /* page-size SIZE */
    unsigned tlb;             /* tlb N (entries) */
    unsigned va_bits;         /* va-bits N */
    char policy[32];          /* policy NAME */
    char policy_params[256];  /* the k=v,k=v after "NAME:", "" if none */
    struct wl_program *progs; /* program definitions, in text order */
    size_t nprogs, cap_progs; /* used, allocated */
    struct wl_proc *procs;    /* process names spawned, in text order */
    size_t nprocs, cap_procs; /* used, allocated */
    struct wl_stmt *stmts;    /* the statements, repeat bodies inline (above) */
    size_t nstmts, cap_stmts; /* used, allocated */
    struct wl_pattern *pats;  /* pattern statements' arguments */
    size_t npats, cap_pats;   /* used, allocated */
    struct wl_map *maps;      /* mapping names, in the order they are defined */
    size_t nmaps, cap_maps;   /* used, allocated */
    struct wl_mmap *mmaps;    /* mmap statements' arguments */
    size_t nmmaps, cap_mmaps; /* used, allocated */
    uint8_t *bytes;           /* the bytes of every "string", one after another */
    size_t nbytes, cap_bytes; /* used, allocated */
    uint64_t flush_interval;  /* flush-interval N */
    unsigned sched;           /* sched rr|none: enum vmm_sched */
    unsigned named[3];        /* mmu, binding and fit, by their enum vmm_setting values */
    uint64_t quantum_ns;      /* quantum TIME in ns; 0 when given in references */
    uint64_t quantum_refs;    /* quantum Nrefs; 0 when given as a time */
};

#endif /* VMM_WORKLOAD_H */
