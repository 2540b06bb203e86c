/*
 * trace.h - the trace readers' shared state (src/trace/ only).
 *
 * A trace is a byte stream cut into references by one format reader:
 *
 *   file or stdin --read()--> [gzip/xz decoder] --> buf[] --> format reader --> struct vmm_ref[]
 *                  (source.c)                        |        (text.c, binary.c)
 *                                                    +--> detect.c peeks at the first 64 KiB
 *
 * Memory is fixed at open: one block buffer (and one input buffer when the
 * stream is compressed), whatever the length of the trace.
 *
 * Invariants of the buffer:
 *  - buf[0 .. len) holds the stream bytes base .. base + len; buf[len] == 0, a
 *    sentinel that ends every scanning loop without a bounds test (a real NUL
 *    byte is told apart by its position: p < buf + len);
 *  - buf[pos .. len) is not consumed yet; only trace_refill() moves bytes,
 *    and it discards exactly buf[0 .. pos);
 *  - eof: no byte will ever be appended after buf[len - 1].
 *
 * Errors are sticky: the first one is kept in err/msg and every later read
 * returns it. References decoded before an error are returned first.
 */
#ifndef VMM_TRACE_H
#define VMM_TRACE_H

#include "vmm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TRACE_BUF_SIZE (256u * 1024u) /* decoded bytes buffered; a multiple of 8 */
#define TRACE_RAW_SIZE (128u * 1024u) /* compressed bytes read per read() */
#define TRACE_SAMPLE   (64u * 1024u)  /* bytes auto-detection looks at */
#define TRACE_WINDOW   512u           /* look-ahead a text token may need */

/* The first read lands in buf and may turn out to be compressed input for raw;
 * detection needs the whole sample plus room to move. */
_Static_assert(TRACE_RAW_SIZE <= TRACE_BUF_SIZE, "raw must fit in buf");
_Static_assert(TRACE_SAMPLE + TRACE_WINDOW < TRACE_BUF_SIZE, "sample must fit in buf");

/* Decompression in front of the buffer. */
enum trace_comp {
    COMP_NONE = 0, /* the file's bytes as they are */
    COMP_GZIP,     /* zlib inflate, concatenated members */
    COMP_XZ,       /* liblzma stream decoder, concatenated streams */
};

/* A reference being split at page boundaries (or a lackey M: a read, then a
 * write of the same bytes), emitted piece by piece across reads. */
struct trace_pending {
    uint64_t addr;   /* first byte of the next piece */
    uint32_t left;   /* bytes still to emit; 0 = nothing pending */
    uint32_t pid;    /* issuing process */
    uint8_t op;      /* enum vmm_op of the pieces */
    bool then_write; /* afterwards, replay [start, start+size) as a write */
    uint64_t start;  /* first byte of the whole reference */
    uint32_t size;   /* bytes of the whole reference */
};

/* The .vmt reader's position in the stream (vmt.c; docs/formats.md, "vmt"). */
struct trace_vmt {
    uint8_t state;        /* VMT_AT_HEADER, VMT_IN_BLOCKS or VMT_AT_END (vmt.c) */
    uint8_t flags;        /* the header's VMM_TRACE_* flags */
    uint8_t page_shift;   /* the header's page-size hint: log2, 0 = none */
    uint64_t record;      /* records decoded before the next one (0-based index of it) */
    uint64_t block_first; /* index of the current block's first record (its checksum seed) */
    uint64_t block_end;   /* stream offset just past the current block's payload */
    uint32_t left;        /* records of the current block not yet decoded */
    uint32_t pid;         /* current process; 1 at each block's start */
    uint64_t addr[2];     /* last address (page number with VMM_TRACE_PAGES) of the data (0)
                             and code (1) streams; 0 at each block's start */
    uint32_t size[2];     /* last size of each stream; 1 at each block's start */
};

struct vmm_trace {
    char *name;                /* shown in messages: the path, "stdin" or the string's name */
    enum vmm_trace_format fmt; /* format being read (never AUTO after open) */
    unsigned shift;            /* log2(page size) */
    uint64_t page_size;        /* bytes per page, a power of two */
    unsigned va_bits;          /* virtual address width references must fit (64 = any) */
    uint64_t max_addr;         /* last byte address a reference may touch */
    int fd;                    /* file read; -1 for an in-memory string */
    bool own_fd;               /* close fd at the end (not stdin) */
    enum trace_comp comp;      /* decompression in use */
    void *dec;                 /* z_stream or lzma_stream (source.c), NULL if none */
    bool dec_end;              /* the decoder reached the end of a member/stream */
    uint8_t *raw;              /* compressed input block, TRACE_RAW_SIZE bytes */
    size_t raw_pos;            /* next byte of raw not given to the decoder */
    size_t raw_len;            /* bytes held in raw */
    bool raw_eof;              /* the file has no more bytes */
    uint64_t raw_off;          /* file offset of raw[0] */
    uint8_t *buf;              /* decoded bytes, cap + 1 (the sentinel) */
    size_t cap;                /* usable bytes of buf */
    size_t len;                /* bytes held in buf */
    size_t pos;                /* next unconsumed byte of buf */
    uint64_t base;             /* stream offset of buf[0] */
    bool eof;                  /* nothing more will be appended to buf */
    uint64_t line;             /* text: 1-based line of the cursor */
    uint64_t line_start;       /* text: stream offset of that line's first byte */
    struct trace_pending pend; /* a reference partly emitted */
    struct trace_vmt vmt;      /* .vmt: the reader's state */
    int err;                   /* sticky error code, 0 = none */
    char msg[768];             /* message of err ("" if none) */
};

/* ---- trace.c ---------------------------------------------------------------- */

/* Records the first error: msg = "name: " + the formatted text (no prefix when
 * with_name is false). Returns code. Later failures keep the first message. */
int trace_fail(struct vmm_trace *tr, int code, bool with_name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records that address addr (at stream offset off, or in the binary record
 * at byte offset off when text is false) lies beyond the address width, and
 * returns VMM_ERANGE. */
int trace_beyond(struct vmm_trace *tr, uint64_t addr, uint64_t off, bool text);

/* ---- source.c: bytes in ------------------------------------------------------ */

/* Opens path ("-" = standard input), or takes fd (>= 0, path then only
 * names it), reads its first bytes and, from their magic, installs the gzip
 * or xz decoder. Returns 0 or a negative error with the message in tr. */
int trace_source_open(struct vmm_trace *tr, const char *path, int fd);

/* vmm_trace_open for a file the caller opened (fd, taken over and closed
 * also on failure); name names it in messages. */
int vmm__trace_open_fd(int fd, const char *name, enum vmm_trace_format fmt, uint32_t page_size,
                       struct vmm_trace **out, char *err, size_t errlen);

/* Discards buf[0 .. pos), moves the rest to the front and appends decoded
 * bytes: at least one, unless the stream has ended (then eof is set). Returns
 * 0 or a negative error (recorded in tr). */
int trace_refill(struct vmm_trace *tr);

/* Refills until at least want unconsumed bytes are buffered or eof. */
int trace_fill_to(struct vmm_trace *tr, size_t want);

/* Frees the decoder and closes the file. */
void trace_source_close(struct vmm_trace *tr);

/* ---- detect.c ----------------------------------------------------------------- */

/* Chooses the format from the first TRACE_SAMPLE decoded bytes (consuming
 * none). Returns the format, or a negative error with the message in tr. */
int trace_detect(struct vmm_trace *tr);

/* ---- text.c, binary.c: the readers -------------------------------------------- */

/* Each fills up to max references (max >= 1) and returns how many; 0 at the
 * end or after an error (recorded in tr->err). */
size_t trace_read_pages(struct vmm_trace *tr, struct vmm_ref *refs, size_t max);
size_t trace_read_lines(struct vmm_trace *tr, struct vmm_ref *refs, size_t max);
size_t trace_read_binary(struct vmm_trace *tr, struct vmm_ref *refs, size_t max);
size_t trace_read_vmt(struct vmm_trace *tr, struct vmm_ref *refs, size_t max);

/* Emits pieces of tr->pend (a reference split at page boundaries) into refs,
 * at most max; returns how many (text.c). */
size_t trace_flush_pending(struct vmm_trace *tr, struct vmm_ref *refs, size_t max);

/* ---- vmt.c: the .vmt format, shared by its reader and its writer ---------------- */

#define VMT_MAGIC_LEN   8u
#define VMT_HEADER_LEN  16u    /* magic, version, flags, page shift, reserved, checksum */
#define VMT_BLOCK_HEAD  16u    /* payload length, record count, checksum */
#define VMT_BLOCK_MAX   65536u /* bytes of a block's payload, at most */
#define VMT_RECORD_MAX  19u    /* bytes of one record, at most: 10 + 1 + 5 + 3 */
#define VMT_VERSION     1u
#define VMT_FLAGS_KNOWN (VMM_TRACE_PAGES | VMM_TRACE_PIDS | VMM_TRACE_SIZES)

_Static_assert(VMT_BLOCK_HEAD + VMT_BLOCK_MAX < TRACE_BUF_SIZE, "a block must fit in buf");

extern const uint8_t vmt_magic[VMT_MAGIC_LEN];

/* Reads and checks the header of a .vmt stream (at open). Returns 0 or the
 * error, recorded in tr. */
int trace_vmt_begin(struct vmm_trace *tr);

/* XXH64 of [p, p + n) with seed (the published algorithm, xxhash.com). */
uint64_t vmt_hash(const void *p, size_t n, uint64_t seed);

/* The checksum seed of a block: its first record's index mixed with its
 * length and count (docs/formats.md). */
static inline uint64_t vmt_block_seed(uint64_t first, uint32_t len, uint32_t count)
{
    return first ^ ((uint64_t)count << 32 | len);
}

/* Bytes per record of a binary format (4 or 8), 0 for text formats. */
static inline unsigned trace_record_size(enum vmm_trace_format fmt)
{
    return fmt == VMM_FMT_U64LE ? 8u : (fmt == VMM_FMT_U32BE || fmt == VMM_FMT_U32LE) ? 4u : 0u;
}

/* Fixed-width unsigned integers stored in a given byte order (binary.c, vmt.c). */
static inline uint32_t load_le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint32_t load_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

#endif /* VMM_TRACE_H */
