/*
 * source.c - the bytes under a trace: a file descriptor read in big blocks and,
 * when the first bytes carry a compressor's magic number, decoded on the fly.
 *
 *   uncompressed:  fd --read()------------------------------> buf[]
 *   gzip / xz:     fd --read()--> raw[] --inflate/lzma_code--> buf[]
 *
 * Compression is recognised by content, never by file name, and without
 * seeking: the first read() lands in buf, and if it starts with a magic number
 * those bytes are handed to the decoder instead. So a compressed standard input
 * works as well as a file. gzip needs zlib (VMM_HAVE_ZLIB), xz needs liblzma
 * (VMM_HAVE_LZMA); without them such a file is refused with a message that
 * says how to get the support or to decompress first.
 */
#include "trace/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef VMM_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef VMM_HAVE_LZMA
#include <lzma.h>
#endif

bool vmm_have_gzip(void)
{
#ifdef VMM_HAVE_ZLIB
    return true;
#else
    return false;
#endif
}

bool vmm_have_xz(void)
{
#ifdef VMM_HAVE_LZMA
    return true;
#else
    return false;
#endif
}

/* read() that retries on EINTR. Returns bytes read, 0 at the end, or -1. */
static ssize_t read_some(int fd, uint8_t *dst, size_t len)
{
    ssize_t n;
    do {
        n = read(fd, dst, len);
    } while (n < 0 && errno == EINTR);
    return n;
}

static int read_error(struct vmm_trace *tr)
{
    return trace_fail(tr, VMM_EIO, true, "read error: %s", strerror(errno));
}

/* Appends whatever one read() gives to buf. Sets eof at the end of the file. */
static int fill_plain(struct vmm_trace *tr)
{
    ssize_t n = read_some(tr->fd, tr->buf + tr->len, tr->cap - tr->len);
    if (n < 0)
        return read_error(tr);
    if (n == 0)
        tr->eof = true;
    tr->len += (size_t)n;
    return 0;
}

/* Reads the next block of compressed input into raw (raw must be used up). */
static int fill_raw(struct vmm_trace *tr)
{
    ssize_t n = read_some(tr->fd, tr->raw, TRACE_RAW_SIZE);
    if (n < 0)
        return read_error(tr);
    tr->raw_off += tr->raw_len;
    tr->raw_pos = 0;
    tr->raw_len = (size_t)n;
    if (n == 0)
        tr->raw_eof = true;
    return 0;
}

#ifdef VMM_HAVE_ZLIB
/* One inflate step from raw into buf. A member's end followed by more input
 * starts the next member, as gzip -d does for concatenated files. */
static int step_gzip(struct vmm_trace *tr)
{
    z_stream *z = tr->dec;
    if (tr->dec_end) {
        if (tr->raw_pos == tr->raw_len) { /* raw_eof: the last member ended */
            tr->eof = true;
            return 0;
        }
        if (inflateReset(z) != Z_OK)
            return trace_fail(tr, VMM_EIO, true, "gzip: cannot restart the decoder");
        tr->dec_end = false;
    }
    if (tr->raw_pos == tr->raw_len) /* raw_eof inside a member */
        return trace_fail(tr, VMM_EPARSE, true, "gzip data is truncated (%llu compressed bytes)",
                          (unsigned long long)(tr->raw_off + tr->raw_len));
    z->next_in = tr->raw + tr->raw_pos;
    z->avail_in = (uInt)(tr->raw_len - tr->raw_pos);
    z->next_out = tr->buf + tr->len;
    z->avail_out = (uInt)(tr->cap - tr->len);
    int rc = inflate(z, Z_NO_FLUSH);
    tr->raw_pos = tr->raw_len - z->avail_in;
    tr->len = tr->cap - z->avail_out;
    switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR: /* no progress possible: more input is read first */
        return 0;
    case Z_STREAM_END:
        tr->dec_end = true;
        return 0;
    case Z_MEM_ERROR:
        return trace_fail(tr, VMM_ENOMEM, true, "gzip: out of memory");
    default:
        return trace_fail(tr, VMM_EPARSE, true, "gzip data is corrupt near byte %llu (%s)",
                          (unsigned long long)(tr->raw_off + tr->raw_pos),
                          z->msg ? z->msg : "bad data");
    }
}
#endif

#ifdef VMM_HAVE_LZMA
/* One lzma_code step from raw into buf; LZMA_FINISH once the file has ended,
 * which is how a concatenated-streams decoder learns that nothing follows. */
static int step_xz(struct vmm_trace *tr)
{
    lzma_stream *x = tr->dec;
    if (tr->dec_end) {
        tr->eof = true;
        return 0;
    }
    x->next_in = tr->raw + tr->raw_pos;
    x->avail_in = tr->raw_len - tr->raw_pos;
    x->next_out = tr->buf + tr->len;
    x->avail_out = tr->cap - tr->len;
    lzma_ret rc = lzma_code(x, tr->raw_eof ? LZMA_FINISH : LZMA_RUN);
    tr->raw_pos = tr->raw_len - x->avail_in;
    tr->len = tr->cap - x->avail_out;
    switch (rc) {
    case LZMA_OK:
        return 0;
    case LZMA_STREAM_END:
        tr->dec_end = true;
        return 0;
    case LZMA_BUF_ERROR:
        if (!tr->raw_eof)
            return 0;
        return trace_fail(tr, VMM_EPARSE, true, "xz data is truncated (%llu compressed bytes)",
                          (unsigned long long)(tr->raw_off + tr->raw_len));
    case LZMA_MEM_ERROR:
    case LZMA_MEMLIMIT_ERROR:
        return trace_fail(tr, VMM_ENOMEM, true, "xz: out of memory");
    case LZMA_FORMAT_ERROR:
    case LZMA_OPTIONS_ERROR:
        return trace_fail(tr, VMM_EUNSUPPORTED, true,
                          "xz: unsupported stream options near byte %llu",
                          (unsigned long long)(tr->raw_off + tr->raw_pos));
    default:
        return trace_fail(tr, VMM_EPARSE, true, "xz data is corrupt near byte %llu",
                          (unsigned long long)(tr->raw_off + tr->raw_pos));
    }
}
#endif

/* Decodes until at least one byte is appended to buf or the stream ends. */
static int fill_decoded(struct vmm_trace *tr)
{
    size_t before = tr->len;
    while (tr->len == before && !tr->eof) {
        int rc = 0;
        if (tr->raw_pos == tr->raw_len && !tr->raw_eof) {
            rc = fill_raw(tr);
        } else {
#ifdef VMM_HAVE_ZLIB
            if (tr->comp == COMP_GZIP)
                rc = step_gzip(tr);
#endif
#ifdef VMM_HAVE_LZMA
            if (tr->comp == COMP_XZ)
                rc = step_xz(tr);
#endif
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

int trace_refill(struct vmm_trace *tr)
{
    if (tr->err)
        return tr->err;
    if (tr->pos > 0) {
        memmove(tr->buf, tr->buf + tr->pos, tr->len - tr->pos);
        tr->len -= tr->pos;
        tr->base += tr->pos;
        tr->pos = 0;
    }
    int rc = 0;
    if (!tr->eof) {
        if (tr->len == tr->cap) /* a reader asked for more than a whole buffer: a bug */
            return trace_fail(tr, VMM_EINVARIANT, true, "trace buffer full");
        rc = tr->comp == COMP_NONE ? fill_plain(tr) : fill_decoded(tr);
    }
    tr->buf[tr->len] = 0;
    return rc;
}

int trace_fill_to(struct vmm_trace *tr, size_t want)
{
    while (tr->len - tr->pos < want && !tr->eof) {
        int rc = trace_refill(tr);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* What the first bytes say about compression. */
struct magic {
    const char *name;     /* "gzip", ... as in the messages */
    const uint8_t *bytes; /* the magic number */
    size_t len;           /* its length */
    int digit_at;         /* index of a byte that may be any of '1'..'9', or -1 */
    enum trace_comp comp; /* decoder, or COMP_NONE when never supported */
    const char *tool;     /* command that decompresses to stdout */
    const char *lib;      /* library it needs, or NULL */
    const char *dev;      /* Debian package with its headers */
};

static const uint8_t gzip_magic[] = {0x1f, 0x8b};
static const uint8_t xz_magic[] = {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00};
static const uint8_t zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};
/* "BZh", the block size '1'..'9', then the first block's magic (pi in BCD). */
static const uint8_t bzip2_magic[] = {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59};

static const struct magic magics[] = {
    {"gzip", gzip_magic, sizeof gzip_magic, -1, COMP_GZIP, "gzip -dc", "zlib", "zlib1g-dev"},
    {"xz", xz_magic, sizeof xz_magic, -1, COMP_XZ, "xz -dc", "liblzma", "liblzma-dev"},
    {"zstd", zstd_magic, sizeof zstd_magic, -1, COMP_NONE, "zstd -dc", NULL, NULL},
    {"bzip2", bzip2_magic, sizeof bzip2_magic, 3, COMP_NONE, "bzip2 -dc", NULL, NULL},
};

#define MAGIC_MAX 10 /* bytes of the longest magic number */

static bool magic_match(const struct magic *m, const uint8_t *b, size_t len)
{
    if (len < m->len)
        return false;
    for (size_t i = 0; i < m->len; i++) {
        bool ok = (int)i == m->digit_at ? b[i] >= '1' && b[i] <= '9' : b[i] == m->bytes[i];
        if (!ok)
            return false;
    }
    return true;
}

static bool compiled_in(enum trace_comp comp)
{
    return (comp == COMP_GZIP && vmm_have_gzip()) || (comp == COMP_XZ && vmm_have_xz());
}

/* Refuses a compressed stream this build cannot read, saying how to proceed. */
static int refuse(struct vmm_trace *tr, const struct magic *m, bool is_stdin)
{
    char fmt[40] = "";
    if (tr->fmt != VMM_FMT_AUTO)
        snprintf(fmt, sizeof fmt, "--format %s ", vmm_trace_format_name(tr->fmt));
    char how[600];
    if (is_stdin)
        snprintf(how, sizeof how, "decompress first: ... | %s | vmm replay %s-", m->tool, fmt);
    else
        snprintf(how, sizeof how, "decompress first: %s %s | vmm replay %s-", m->tool, tr->name,
                 fmt);
    if (m->lib)
        return trace_fail(tr, VMM_EUNSUPPORTED, true,
                          "%s-compressed, but this vmm was built without %s (apt-get install "
                          "%s, then rebuild), or %s",
                          m->name, m->lib, m->dev, how);
    return trace_fail(tr, VMM_EUNSUPPORTED, true, "%s-compressed, which vmm cannot read; %s",
                      m->name, how);
}

/* Creates the decoder of comp. Returns 0 or VMM_ENOMEM. */
static int decoder_new(struct vmm_trace *tr)
{
    tr->raw = malloc(TRACE_RAW_SIZE);
    if (!tr->raw)
        return trace_fail(tr, VMM_ENOMEM, true, "out of memory");
#ifdef VMM_HAVE_ZLIB
    if (tr->comp == COMP_GZIP) {
        z_stream *z = calloc(1, sizeof *z);
        if (!z)
            return trace_fail(tr, VMM_ENOMEM, true, "out of memory");
        tr->dec = z;
        if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) { /* 16: gzip wrapper only */
            free(z);
            tr->dec = NULL;
            return trace_fail(tr, VMM_ENOMEM, true, "gzip: cannot start the decoder");
        }
    }
#endif
#ifdef VMM_HAVE_LZMA
    if (tr->comp == COMP_XZ) {
        lzma_stream *x = malloc(sizeof *x);
        if (!x)
            return trace_fail(tr, VMM_ENOMEM, true, "out of memory");
        *x = (lzma_stream)LZMA_STREAM_INIT;
        tr->dec = x;
        if (lzma_stream_decoder(x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
            free(x);
            tr->dec = NULL;
            return trace_fail(tr, VMM_ENOMEM, true, "xz: cannot start the decoder");
        }
    }
#endif
    return 0;
}

int trace_source_open(struct vmm_trace *tr, const char *path, int fd)
{
    bool is_stdin = fd < 0 && strcmp(path, "-") == 0;
    if (fd >= 0) {
        tr->fd = fd;
        tr->own_fd = true;
    } else if (is_stdin) {
        tr->fd = 0;
    } else {
        tr->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (tr->fd < 0)
            return trace_fail(tr, VMM_EIO, true, "cannot open: %s", strerror(errno));
        tr->own_fd = true;
    }
    /* Enough bytes for the longest magic number (pipes give short reads), and
     * no more than raw holds: they may turn out to be compressed input. */
    while (tr->len < MAGIC_MAX && !tr->eof) {
        ssize_t n = read_some(tr->fd, tr->buf + tr->len, TRACE_RAW_SIZE - tr->len);
        if (n < 0)
            return read_error(tr);
        if (n == 0)
            tr->eof = true;
        tr->len += (size_t)n;
    }
    tr->buf[tr->len] = 0;
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        const struct magic *m = &magics[i];
        if (!magic_match(m, tr->buf, tr->len))
            continue;
        if (!compiled_in(m->comp))
            return refuse(tr, m, is_stdin);
        tr->comp = m->comp;
        int rc = decoder_new(tr);
        if (rc < 0)
            return rc;
        /* The bytes read so far are compressed input, not trace bytes. */
        memcpy(tr->raw, tr->buf, tr->len);
        tr->raw_len = tr->len;
        tr->raw_eof = tr->eof;
        tr->len = 0;
        tr->eof = false;
        tr->buf[0] = 0;
        break;
    }
    return 0;
}

void trace_source_close(struct vmm_trace *tr)
{
#ifdef VMM_HAVE_ZLIB
    if (tr->comp == COMP_GZIP && tr->dec)
        inflateEnd(tr->dec);
#endif
#ifdef VMM_HAVE_LZMA
    if (tr->comp == COMP_XZ && tr->dec)
        lzma_end(tr->dec);
#endif
    free(tr->dec);
    free(tr->raw);
    tr->dec = NULL;
    tr->raw = NULL;
    if (tr->own_fd)
        close(tr->fd);
    tr->fd = -1;
    tr->own_fd = false;
}
