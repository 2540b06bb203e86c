/*
 * trace.c - the public face of the trace readers: open a file, stdin or a
 * string, pick the reader for its format, hand out references in batches.
 *
 * A trace is a stream: vmm_trace_read() decodes only as many references as it
 * is asked for, so memory stays fixed however long the trace is
 * (docs/formats.md lists the formats, the detection rules and the limits).
 */
#include "trace/trace.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const format_names[VMM_FMT__COUNT] = {
    [VMM_FMT_AUTO] = "auto",     [VMM_FMT_PAGES] = "pages", [VMM_FMT_ADDR] = "addr",
    [VMM_FMT_LACKEY] = "lackey", [VMM_FMT_VMM] = "vmm",     [VMM_FMT_U32BE] = "u32be",
    [VMM_FMT_U32LE] = "u32le",   [VMM_FMT_U64LE] = "u64le", [VMM_FMT_VMT] = "vmt",
};

const char *vmm_trace_format_name(enum vmm_trace_format fmt)
{
    if ((unsigned)fmt >= VMM_FMT__COUNT)
        return "unknown";
    return format_names[fmt];
}

int vmm_trace_format_parse(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < VMM_FMT__COUNT; i++) {
        if (strcmp(name, format_names[i]) == 0)
            return i;
    }
    return -1;
}

int trace_fail(struct vmm_trace *tr, int code, bool with_name, const char *fmt, ...)
{
    if (tr->err)
        return code;
    tr->err = code;
    size_t off = 0;
    if (with_name) {
        int k = snprintf(tr->msg, sizeof tr->msg, "%s: ", tr->name ? tr->name : "trace");
        off = k < 0 ? 0 : (size_t)k < sizeof tr->msg ? (size_t)k : sizeof tr->msg - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tr->msg + off, sizeof tr->msg - off, fmt, ap);
    va_end(ap);
    return code;
}

static void copy_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Allocates a trace with its buffer (cap bytes + the sentinel), shown as name.
 * Returns NULL when out of memory. */
static struct vmm_trace *trace_new(const char *name, size_t cap, unsigned shift)
{
    struct vmm_trace *tr = calloc(1, sizeof *tr);
    if (!tr)
        return NULL;
    tr->fd = -1;
    tr->name = dup_str(name);
    tr->buf = malloc(cap + 1);
    if (!tr->name || !tr->buf) {
        free(tr->name);
        free(tr->buf);
        free(tr);
        return NULL;
    }
    tr->buf[0] = 0;
    tr->cap = cap;
    tr->shift = shift;
    tr->page_size = 1ull << shift;
    tr->va_bits = 64;
    tr->max_addr = UINT64_MAX;
    tr->line = 1;
    return tr;
}

/* log2(page_size), or -1 unless it is a power of two. */
static int page_shift(uint32_t page_size)
{
    if (page_size == 0 || (page_size & (page_size - 1)) != 0)
        return -1;
    return __builtin_ctz(page_size);
}

void vmm_trace_close(struct vmm_trace *tr)
{
    if (!tr)
        return;
    trace_source_close(tr);
    free(tr->buf);
    free(tr->name);
    free(tr);
}

/* Opens the trace path, or fd when >= 0 (then path only names it). */
static int trace_open(const char *path, int fd, enum vmm_trace_format fmt, uint32_t page_size,
                      struct vmm_trace **out, char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    copy_err(err, errlen, "");
    if (!path || !out || (unsigned)fmt >= VMM_FMT__COUNT) {
        copy_err(err, errlen, "vmm_trace_open: invalid argument");
        if (fd >= 0)
            close(fd);
        return VMM_EINVAL;
    }
    int shift = page_shift(page_size);
    if (shift < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: page size %u is not a power of two", path, page_size);
        if (fd >= 0)
            close(fd);
        return VMM_EINVAL;
    }
    bool is_stdin = fd < 0 && strcmp(path, "-") == 0;
    struct vmm_trace *tr = trace_new(is_stdin ? "stdin" : path, TRACE_BUF_SIZE, (unsigned)shift);
    if (!tr) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        if (fd >= 0)
            close(fd);
        return VMM_ENOMEM;
    }
    tr->fmt = fmt;
    int rc = trace_source_open(tr, path, fd);
    if (rc == 0 && fmt == VMM_FMT_AUTO) {
        rc = trace_detect(tr);
        if (rc >= 0) {
            tr->fmt = (enum vmm_trace_format)rc;
            rc = 0;
        }
    }
    if (rc == 0 && tr->fmt == VMM_FMT_VMT)
        rc = trace_vmt_begin(tr);
    if (rc < 0) {
        copy_err(err, errlen, tr->msg);
        vmm_trace_close(tr);
        return rc;
    }
    *out = tr;
    return 0;
}

int vmm_trace_open(const char *path, enum vmm_trace_format fmt, uint32_t page_size,
                   struct vmm_trace **out, char *err, size_t errlen)
{
    return trace_open(path, -1, fmt, page_size, out, err, errlen);
}

int vmm__trace_open_fd(int fd, const char *name, enum vmm_trace_format fmt, uint32_t page_size,
                       struct vmm_trace **out, char *err, size_t errlen)
{
    if (fd < 0) {
        if (out)
            *out = NULL;
        copy_err(err, errlen, "vmm__trace_open_fd: no file descriptor");
        return VMM_EINVAL;
    }
    return trace_open(name, fd, fmt, page_size, out, err, errlen);
}

int vmm_trace_open_string(const char *name, const char *text, uint32_t page_size,
                          struct vmm_trace **out, char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    copy_err(err, errlen, "");
    if (!text || !out) {
        copy_err(err, errlen, "vmm_trace_open_string: invalid argument");
        return VMM_EINVAL;
    }
    if (!name)
        name = "refs";
    int shift = page_shift(page_size);
    if (shift < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: page size %u is not a power of two", name, page_size);
        return VMM_EINVAL;
    }
    size_t len = strlen(text);
    /* The whole string is the buffer, at eof from the start: never refilled,
     * so the readers' look-ahead rule holds trivially. */
    struct vmm_trace *tr = trace_new(name, len, (unsigned)shift);
    if (!tr) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", name);
        return VMM_ENOMEM;
    }
    memcpy(tr->buf, text, len);
    tr->buf[len] = 0;
    tr->len = len;
    tr->eof = true;
    tr->fmt = VMM_FMT_PAGES;
    *out = tr;
    return 0;
}

long vmm_trace_read(struct vmm_trace *tr, struct vmm_ref *refs, size_t max)
{
    if (!tr)
        return VMM_EINVAL;
    if (tr->err)
        return tr->err;
    if (max == 0)
        return 0;
    if (!refs)
        return VMM_EINVAL;
    if (max > (size_t)LONG_MAX)
        max = (size_t)LONG_MAX;
    size_t n;
    switch (tr->fmt) {
    case VMM_FMT_PAGES:
        n = trace_read_pages(tr, refs, max);
        break;
    case VMM_FMT_ADDR:
    case VMM_FMT_LACKEY:
    case VMM_FMT_VMM:
        n = trace_read_lines(tr, refs, max);
        break;
    case VMM_FMT_U32BE:
    case VMM_FMT_U32LE:
    case VMM_FMT_U64LE:
        n = trace_read_binary(tr, refs, max);
        break;
    case VMM_FMT_VMT:
        n = trace_read_vmt(tr, refs, max);
        break;
    default:
        return trace_fail(tr, VMM_EINVAL, true, "no reader for format %d", (int)tr->fmt);
    }
    if (n == 0 && tr->err)
        return tr->err;
    return (long)n;
}

enum vmm_trace_format vmm_trace_format_of(const struct vmm_trace *tr)
{
    return tr ? tr->fmt : VMM_FMT_AUTO;
}

unsigned vmm_trace_fields(const struct vmm_trace *tr)
{
    if (!tr)
        return 0;
    switch (tr->fmt) {
    case VMM_FMT_PAGES:
    case VMM_FMT_U32BE:
    case VMM_FMT_U32LE:
    case VMM_FMT_U64LE:
        return VMM_TRACE_PAGES;
    case VMM_FMT_LACKEY:
        return VMM_TRACE_SIZES;
    case VMM_FMT_VMM:
        return VMM_TRACE_PIDS | VMM_TRACE_SIZES;
    case VMM_FMT_VMT:
        return tr->vmt.flags;
    default:
        return 0;
    }
}

uint32_t vmm_trace_page_size_hint(const struct vmm_trace *tr)
{
    if (!tr || tr->fmt != VMM_FMT_VMT)
        return 0;
    unsigned s = tr->vmt.page_shift;
    return s == 0 || s > 31 ? 0 : 1u << s;
}

uint64_t vmm_trace_bytes_in(const struct vmm_trace *tr)
{
    if (!tr)
        return 0;
    return tr->comp == COMP_NONE ? tr->base + tr->len : tr->raw_off + tr->raw_len;
}

const char *vmm_trace_error(const struct vmm_trace *tr)
{
    return tr ? tr->msg : "";
}

const char *vmm_trace_compression(const struct vmm_trace *tr)
{
    if (!tr)
        return "";
    switch (tr->comp) {
    case COMP_GZIP:
        return "gzip";
    case COMP_XZ:
        return "xz";
    default:
        return "";
    }
}

void vmm_trace_set_va_bits(struct vmm_trace *tr, unsigned bits)
{
    if (bits >= 64)
        bits = 64;
    tr->va_bits = bits;
    tr->max_addr = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

int trace_beyond(struct vmm_trace *tr, uint64_t addr, uint64_t off, bool text)
{
    const char *wider = tr->va_bits == 32   ? " (a wider one: --va-bits 48 or 57)"
                        : tr->va_bits == 48 ? " (a wider one: --va-bits 57)"
                                            : "";
    if (text) {
        unsigned long long col = (unsigned long long)(off - tr->line_start) + 1;
        return trace_fail(tr, VMM_ERANGE, false,
                          "%s:%llu:%llu: address 0x%llx is beyond the %u-bit virtual address "
                          "space%s",
                          tr->name, (unsigned long long)tr->line, col, (unsigned long long)addr,
                          tr->va_bits, wider);
    }
    return trace_fail(tr, VMM_ERANGE, true,
                      "record at byte offset %llu: address 0x%llx is beyond the %u-bit virtual "
                      "address space%s",
                      (unsigned long long)off, (unsigned long long)addr, tr->va_bits, wider);
}
