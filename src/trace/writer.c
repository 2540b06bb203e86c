/*
 * writer.c - writing traces: references in, a file in one of the formats
 * vmm reads out (vmt, vmm, pages, u32be, u32le, u64le), optionally through
 * gzip or xz.
 *
 *   vmm_trace_write --encode--> buf[] --[deflate / lzma_code]--> fwrite(out)
 *
 * The encoders append to buf; when it is full it goes to the sink, which
 * compresses it or writes it as it is. For vmt, buf holds one block: 16 bytes
 * kept for its header, then its records (docs/formats.md, "vmt"; vmt.c reads
 * them and documents the encoding). A writer that is not finished leaves a
 * stream its reader refuses (no end block, no compressor trailer), so a
 * conversion that failed half-way cannot pass for a whole trace.
 *
 * Errors are sticky: the first one is kept, every later call returns it.
 */
#include "trace/trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef VMM_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef VMM_HAVE_LZMA
#include <lzma.h>
#endif

#define OUT_BUF  (VMT_BLOCK_HEAD + VMT_BLOCK_MAX) /* encoded bytes held before the sink */
#define ZOUT_BUF (128u * 1024u)                   /* compressed bytes per fwrite */
#define TEXT_MAX 48u                              /* bytes of the longest text line written */

struct vmm_trace_writer {
    FILE *out;                        /* the stream written; the caller's */
    enum vmm_trace_format fmt;        /* format written */
    unsigned flags;                   /* VMM_TRACE_* bits the references may use */
    unsigned shift;                   /* log2(page size) */
    enum vmm_compress comp;           /* compression of the stream */
    void *enc;                        /* z_stream or lzma_stream; NULL without compression */
    uint8_t *zout;                    /* compressor output, ZOUT_BUF bytes */
    uint8_t *buf;                     /* encoded bytes not yet given to the sink, OUT_BUF */
    size_t len;                       /* bytes held in buf */
    uint32_t count;                   /* vmt: records in the current block */
    uint64_t first;                   /* vmt: index of the current block's first record */
    uint32_t pid;                     /* vmt: current process of the block */
    uint64_t addr[2];                 /* vmt: last address of the data and code streams */
    uint32_t size[2];                 /* vmt: their last sizes */
    struct vmm_trace_writer_stats st; /* counts so far */
    bool finished;                    /* the stream was ended */
    int err;                          /* sticky error, 0 = none */
    char msg[512];                    /* its message */
};

__attribute__((format(printf, 3, 4))) static int fail(struct vmm_trace_writer *w, int code,
                                                      const char *fmt, ...)
{
    if (w->err)
        return w->err;
    w->err = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- the sink: compression and the stream ------------------------------------------ */

static int put_raw(struct vmm_trace_writer *w, const uint8_t *p, size_t n)
{
    errno = 0;
    if (n && fwrite(p, 1, n, w->out) != n)
        return fail(w, VMM_EIO, "write error: %s", strerror(errno ? errno : EIO));
    w->st.bytes += n;
    return 0;
}

#ifdef VMM_HAVE_ZLIB
/* Deflates [p, p + n) (all of it), or finishes the gzip member when finish. */
static int put_gzip(struct vmm_trace_writer *w, const uint8_t *p, size_t n, bool finish)
{
    z_stream *z = w->enc;
    z->next_in = (Bytef *)(uintptr_t)p;
    z->avail_in = (uInt)n;
    for (;;) {
        z->next_out = w->zout;
        z->avail_out = ZOUT_BUF;
        int rc = deflate(z, finish ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR)
            return fail(w, VMM_EINVARIANT, "gzip: the compressor failed");
        if (put_raw(w, w->zout, ZOUT_BUF - z->avail_out) < 0)
            return w->err;
        if (finish ? rc == Z_STREAM_END : z->avail_in == 0 && z->avail_out != 0)
            return 0;
    }
}
#endif

#ifdef VMM_HAVE_LZMA
/* Compresses [p, p + n) (all of it), or ends the xz stream when finish. */
static int put_xz(struct vmm_trace_writer *w, const uint8_t *p, size_t n, bool finish)
{
    lzma_stream *x = w->enc;
    x->next_in = p;
    x->avail_in = n;
    for (;;) {
        x->next_out = w->zout;
        x->avail_out = ZOUT_BUF;
        lzma_ret rc = lzma_code(x, finish ? LZMA_FINISH : LZMA_RUN);
        if (rc != LZMA_OK && rc != LZMA_STREAM_END)
            return fail(w, rc == LZMA_MEM_ERROR ? VMM_ENOMEM : VMM_EINVARIANT,
                        "xz: the compressor failed (%d)", (int)rc);
        if (put_raw(w, w->zout, ZOUT_BUF - x->avail_out) < 0)
            return w->err;
        if (finish ? rc == LZMA_STREAM_END : x->avail_in == 0 && x->avail_out != 0)
            return 0;
    }
}
#endif

/* Hands [p, p + n) to the compressor or the stream; finish ends the
 * compressed stream. */
static int sink(struct vmm_trace_writer *w, const uint8_t *p, size_t n, bool finish)
{
    if (n == 0 && !finish)
        return 0;
    switch (w->comp) {
#ifdef VMM_HAVE_ZLIB
    case VMM_COMPRESS_GZIP:
        return put_gzip(w, p, n, finish);
#endif
#ifdef VMM_HAVE_LZMA
    case VMM_COMPRESS_XZ:
        return put_xz(w, p, n, finish);
#endif
    default:
        return put_raw(w, p, n);
    }
}

/* ---- vmt ---------------------------------------------------------------------------- */

static inline void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Writes the LEB128 form of x at p; returns the byte after it. */
static inline uint8_t *put_leb(uint8_t *p, uint64_t x)
{
    while (x >= 0x80) {
        *p++ = (uint8_t)(x | 0x80);
        x >>= 7;
    }
    *p++ = (uint8_t)x;
    return p;
}

/* A block starts afresh: pid 1, addresses 0, sizes 1. */
static void vmt_block_reset(struct vmm_trace_writer *w)
{
    w->len = VMT_BLOCK_HEAD;
    w->count = 0;
    w->pid = 1;
    w->addr[0] = w->addr[1] = 0;
    w->size[0] = w->size[1] = 1;
}

/* Sends the current block (if it holds records) to the sink. */
static int vmt_block_flush(struct vmm_trace_writer *w)
{
    if (w->count == 0)
        return 0;
    uint32_t len = (uint32_t)(w->len - VMT_BLOCK_HEAD);
    le32(w->buf, len);
    le32(w->buf + 4, w->count);
    le64(w->buf + 8,
         vmt_hash(w->buf + VMT_BLOCK_HEAD, len, vmt_block_seed(w->first, len, w->count)));
    int rc = sink(w, w->buf, w->len, false);
    w->first += w->count;
    vmt_block_reset(w);
    return rc;
}

static int vmt_header(struct vmm_trace_writer *w)
{
    uint8_t h[VMT_HEADER_LEN];
    memcpy(h, vmt_magic, VMT_MAGIC_LEN);
    h[8] = VMT_VERSION;
    h[9] = (uint8_t)w->flags;
    h[10] = (uint8_t)w->shift;
    h[11] = 0;
    le32(h + 12, (uint32_t)vmt_hash(h, 12, 0));
    vmt_block_reset(w);
    return sink(w, h, sizeof h, false);
}

static int vmt_end(struct vmm_trace_writer *w)
{
    uint8_t h[VMT_BLOCK_HEAD] = {0};
    if (vmt_block_flush(w) < 0)
        return w->err;
    le64(h + 8, vmt_hash(h, 0, w->first));
    return sink(w, h, sizeof h, false);
}

/* Encodes reference r, the index-th written. */
static int vmt_put(struct vmm_trace_writer *w, const struct vmm_ref *r, uint64_t index)
{
    const uint64_t mask = (1ull << w->shift) - 1;
    uint64_t a = r->addr;
    if (w->flags & VMM_TRACE_PAGES) {
        if (a & mask)
            return fail(w, VMM_ERANGE,
                        "reference %llu: address 0x%llx is not at a page start, which a .vmt "
                        "of page numbers cannot hold",
                        (unsigned long long)index + 1, (unsigned long long)a);
        a >>= w->shift;
    }
    if (r->pid != 1 && !(w->flags & VMM_TRACE_PIDS))
        return fail(w, VMM_ERANGE,
                    "reference %llu: pid %lu, but this .vmt was opened without pids "
                    "(VMM_TRACE_PIDS)",
                    (unsigned long long)index + 1, (unsigned long)r->pid);
    if (r->size != 1 && !(w->flags & VMM_TRACE_SIZES))
        return fail(w, VMM_ERANGE,
                    "reference %llu: size %u, but this .vmt was opened without sizes "
                    "(VMM_TRACE_SIZES)",
                    (unsigned long long)index + 1, (unsigned)r->size);
    if (r->pid == 0 || r->pid > VMM_PID_MAX || r->size == 0 || r->op > VMM_EXEC)
        return fail(w, VMM_ERANGE, "reference %llu: pid %lu, size %u or operation %u out of range",
                    (unsigned long long)index + 1, (unsigned long)r->pid, (unsigned)r->size,
                    (unsigned)r->op);
    if (w->len + VMT_RECORD_MAX > OUT_BUF && vmt_block_flush(w) < 0)
        return w->err;
    const unsigned st = r->op == VMM_EXEC;
    const uint64_t d = a - w->addr[st];
    const uint64_t z = (d << 1) ^ (0 - (d >> 63));
    const bool new_pid = r->pid != w->pid, new_size = r->size != w->size[st];
    uint8_t *p = w->buf + w->len;
    const unsigned form = new_pid || new_size ? 3u : r->op;
    *p++ = (uint8_t)(form | (z & 0x1f) << 2 | (z >> 5 ? 0x80 : 0));
    if (z >> 5)
        p = put_leb(p, z >> 5);
    if (form == 3) {
        *p++ = (uint8_t)(r->op | (unsigned)new_pid << 2 | (unsigned)new_size << 3);
        if (new_pid)
            p = put_leb(p, r->pid);
        if (new_size)
            p = put_leb(p, r->size);
    }
    w->pid = r->pid;
    w->addr[st] = a;
    w->size[st] = r->size;
    w->len = (size_t)(p - w->buf);
    w->count++;
    return 0;
}

/* ---- the other formats ------------------------------------------------------------------- */

/* Writes x in decimal at p; returns the byte after it. */
static char *put_dec(char *p, uint64_t x)
{
    char t[20];
    int k = 0;
    do {
        t[k++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    while (k)
        *p++ = t[--k];
    return p;
}

/* Writes x in lower-case hex at p; returns the byte after it. */
static char *put_hex(char *p, uint64_t x)
{
    char t[16];
    int k = 0;
    do {
        t[k++] = "0123456789abcdef"[x & 15];
        x >>= 4;
    } while (x);
    while (k)
        *p++ = t[--k];
    return p;
}

/* Encodes r into buf in a format other than vmt. */
static int other_put(struct vmm_trace_writer *w, const struct vmm_ref *r, uint64_t index)
{
    if (w->len + TEXT_MAX > OUT_BUF) {
        if (sink(w, w->buf, w->len, false) < 0)
            return w->err;
        w->len = 0;
    }
    uint8_t *b = w->buf + w->len;
    const uint64_t page = r->addr >> w->shift;
    const uint64_t mask = (1ull << w->shift) - 1;
    if (w->fmt != VMM_FMT_VMM &&
        (r->op != VMM_READ || r->pid != 1 || r->size != 1 || (r->addr & mask)))
        w->st.lossy++;
    switch (w->fmt) {
    case VMM_FMT_VMM: {
        if (r->pid == 0 || r->pid > VMM_PID_MAX || r->size == 0 || r->op > VMM_EXEC)
            return fail(w, VMM_ERANGE,
                        "reference %llu: pid %lu, size %u or operation %u out of range",
                        (unsigned long long)index + 1, (unsigned long)r->pid, (unsigned)r->size,
                        (unsigned)r->op);
        char *p = put_dec((char *)b, r->pid);
        *p++ = ' ';
        *p++ = "RWX"[r->op];
        *p++ = ' ';
        p = put_hex(p, r->addr);
        if (r->size != 1) {
            *p++ = ' ';
            p = put_dec(p, r->size);
        }
        *p++ = '\n';
        w->len = (size_t)((uint8_t *)p - w->buf);
        return 0;
    }
    case VMM_FMT_PAGES: {
        char *p = put_dec((char *)b, page);
        *p++ = '\n';
        w->len = (size_t)((uint8_t *)p - w->buf);
        return 0;
    }
    case VMM_FMT_U32BE:
    case VMM_FMT_U32LE:
        if (page > UINT32_MAX)
            return fail(w, VMM_ERANGE,
                        "reference %llu: page number %llu does not fit in the 32 bits of %s",
                        (unsigned long long)index + 1, (unsigned long long)page,
                        vmm_trace_format_name(w->fmt));
        for (int i = 0; i < 4; i++)
            b[w->fmt == VMM_FMT_U32LE ? i : 3 - i] = (uint8_t)(page >> (8 * i));
        w->len += 4;
        return 0;
    default:
        le64(b, page);
        w->len += 8;
        return 0;
    }
}

/* ---- the API ---------------------------------------------------------------------------- */

static bool writable(enum vmm_trace_format fmt)
{
    return fmt == VMM_FMT_VMT || fmt == VMM_FMT_VMM || fmt == VMM_FMT_PAGES ||
           fmt == VMM_FMT_U32BE || fmt == VMM_FMT_U32LE || fmt == VMM_FMT_U64LE;
}

/* Creates the compressor of w->comp. Returns 0 or the error. */
static int encoder_new(struct vmm_trace_writer *w)
{
    if (w->comp == VMM_COMPRESS_NONE)
        return 0;
    if (!(w->zout = malloc(ZOUT_BUF)))
        return fail(w, VMM_ENOMEM, "out of memory");
#ifdef VMM_HAVE_ZLIB
    if (w->comp == VMM_COMPRESS_GZIP) {
        z_stream *z = calloc(1, sizeof *z);
        if (!z)
            return fail(w, VMM_ENOMEM, "out of memory");
        /* 16 + 15: a gzip wrapper around a 32 KiB window */
        if (deflateInit2(z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            free(z);
            return fail(w, VMM_ENOMEM, "gzip: cannot start the compressor");
        }
        w->enc = z;
        return 0;
    }
#endif
#ifdef VMM_HAVE_LZMA
    if (w->comp == VMM_COMPRESS_XZ) {
        lzma_stream *x = malloc(sizeof *x);
        if (!x)
            return fail(w, VMM_ENOMEM, "out of memory");
        *x = (lzma_stream)LZMA_STREAM_INIT;
        if (lzma_easy_encoder(x, 6, LZMA_CHECK_CRC64) != LZMA_OK) {
            free(x);
            return fail(w, VMM_ENOMEM, "xz: cannot start the compressor");
        }
        w->enc = x;
        return 0;
    }
#endif
    if (w->comp == VMM_COMPRESS_GZIP)
        return fail(w, VMM_EUNSUPPORTED,
                    "gzip output needs zlib, and this vmm was built without it (apt-get install "
                    "zlib1g-dev, then rebuild), or compress after: ... | gzip");
    if (w->comp == VMM_COMPRESS_XZ)
        return fail(w, VMM_EUNSUPPORTED,
                    "xz output needs liblzma, and this vmm was built without it (apt-get "
                    "install liblzma-dev, then rebuild), or compress after: ... | xz");
    return fail(w, VMM_EINVAL, "unknown compression %d", (int)w->comp);
}

void vmm_trace_writer_free(struct vmm_trace_writer *w)
{
    if (!w)
        return;
#ifdef VMM_HAVE_ZLIB
    if (w->comp == VMM_COMPRESS_GZIP && w->enc)
        deflateEnd(w->enc);
#endif
#ifdef VMM_HAVE_LZMA
    if (w->comp == VMM_COMPRESS_XZ && w->enc)
        lzma_end(w->enc);
#endif
    free(w->enc);
    free(w->zout);
    free(w->buf);
    free(w);
}

int vmm_trace_writer_open(FILE *out, enum vmm_trace_format fmt, unsigned flags, uint32_t page_size,
                          enum vmm_compress comp, struct vmm_trace_writer **wp, char *err,
                          size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!wp)
        return VMM_EINVAL;
    *wp = NULL;
    if (!out || (unsigned)fmt >= VMM_FMT__COUNT || !writable(fmt) || (flags & ~VMT_FLAGS_KNOWN) ||
        page_size == 0 || (page_size & (page_size - 1))) {
        if (err && errlen)
            snprintf(err, errlen,
                     (unsigned)fmt < VMM_FMT__COUNT && !writable(fmt)
                         ? "cannot write the %s format (vmm writes vmt, vmm, pages, u32be, "
                           "u32le and u64le)"
                         : "vmm_trace_writer_open: invalid argument (%s)",
                     vmm_trace_format_name(fmt));
        return VMM_EINVAL;
    }
    struct vmm_trace_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->buf = malloc(OUT_BUF))) {
        free(w);
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return VMM_ENOMEM;
    }
    w->out = out;
    w->fmt = fmt;
    w->flags = flags;
    w->shift = (unsigned)__builtin_ctz(page_size);
    w->comp = comp;
    int rc = encoder_new(w);
    if (rc == 0 && fmt == VMM_FMT_VMT)
        rc = vmt_header(w);
    if (rc < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s", w->msg);
        vmm_trace_writer_free(w);
        return rc;
    }
    *wp = w;
    return 0;
}

int vmm_trace_write(struct vmm_trace_writer *w, const struct vmm_ref *refs, size_t n)
{
    if (!w || (n && !refs))
        return VMM_EINVAL;
    if (w->err)
        return w->err;
    if (w->finished)
        return fail(w, VMM_EINVAL, "vmm_trace_write after vmm_trace_writer_finish");
    for (size_t i = 0; i < n; i++) {
        uint64_t index = w->st.refs;
        int rc =
            w->fmt == VMM_FMT_VMT ? vmt_put(w, &refs[i], index) : other_put(w, &refs[i], index);
        if (rc < 0)
            return rc;
        w->st.refs++;
    }
    return 0;
}

int vmm_trace_writer_finish(struct vmm_trace_writer *w)
{
    if (!w)
        return VMM_EINVAL;
    if (w->err || w->finished)
        return w->err;
    if (w->fmt == VMM_FMT_VMT) {
        if (vmt_end(w) < 0)
            return w->err;
    } else if (sink(w, w->buf, w->len, false) < 0) {
        return w->err;
    }
    w->len = 0;
    if (w->comp != VMM_COMPRESS_NONE && sink(w, NULL, 0, true) < 0)
        return w->err;
    errno = 0;
    if (fflush(w->out) != 0 || ferror(w->out))
        return fail(w, VMM_EIO, "write error: %s", strerror(errno ? errno : EIO));
    w->finished = true;
    return 0;
}

const char *vmm_trace_writer_error(const struct vmm_trace_writer *w)
{
    return w ? w->msg : "";
}

void vmm_trace_writer_stats(const struct vmm_trace_writer *w, struct vmm_trace_writer_stats *st)
{
    if (w && st)
        *st = w->st;
}
