/*
 * fuzz_vmt.c - the .vmt record decoder on arbitrary records. Random bytes
 * rarely get past a .vmt block's checksum (fuzz_trace covers that path), so
 * this target wraps the input in a valid stream: a header and one block with
 * the right checksums around the payload, then reads it. Bytes 0-3 choose:
 * the header flags (byte 0, low 3 bits), the page size read with (512 <<
 * byte 1 % 12), the address width (byte 2: 32, 48, 57 or 64) and the block's
 * record count (byte 3, up to the payload's length). Any outcome is fine but
 * a crash, a sanitizer report, or references that break the reader's
 * promises, which abort: each within one page, pid 1 .. VMM_PID_MAX and 1
 * without the pids flag, a known operation; and, written back as .vmt and
 * read again, the very same references.
 */
#include "fuzz/fuzz.h"
#include "trace/trace.h"
#include "vmm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Reads the memfd fd as .vmt; returns the references (malloc'd) in *n. */
static struct vmm_ref *read_all(int fd, uint32_t ps, unsigned bits, size_t *n, int *err)
{
    char path[64], msg[512];
    struct vmm_trace *tr;
    struct vmm_ref batch[37], *v = NULL;
    *n = 0;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if ((*err = vmm_trace_open(path, VMM_FMT_AUTO, ps, &tr, msg, sizeof msg)) < 0)
        return NULL;
    vmm_trace_set_va_bits(tr, bits);
    long got;
    while ((got = vmm_trace_read(tr, batch, 1 + *n % 37)) > 0) {
        struct vmm_ref *nv = realloc(v, (*n + (size_t)got) * sizeof *v);
        if (!nv)
            abort();
        v = nv;
        memcpy(v + *n, batch, (size_t)got * sizeof *v);
        *n += (size_t)got;
    }
    *err = got < 0 ? (int)got : 0;
    vmm_trace_close(tr);
    return v;
}

int fuzz_vmt_one(const uint8_t *data, size_t size)
{
    if (size < 5 || size - 4 > VMT_BLOCK_MAX)
        return 0;
    const unsigned flags = data[0] & VMT_FLAGS_KNOWN;
    const uint32_t ps = 512u << (data[1] % 12);
    static const unsigned widths[] = {32, 48, 57, 64};
    const unsigned bits = widths[data[2] % 4];
    const uint32_t len = (uint32_t)(size - 4);
    const uint32_t count = 1 + data[3] % len;
    uint8_t *file = malloc(VMT_HEADER_LEN + 2 * VMT_BLOCK_HEAD + len);
    if (!file)
        return 0;
    uint8_t *h = file, *b = file + VMT_HEADER_LEN, *e = b + VMT_BLOCK_HEAD + len;
    memcpy(h, vmt_magic, VMT_MAGIC_LEN);
    h[8] = VMT_VERSION;
    h[9] = (uint8_t)flags;
    h[10] = 12;
    h[11] = 0;
    put_le(h + 12, (uint32_t)vmt_hash(h, 12, 0), 4);
    put_le(b, len, 4);
    put_le(b + 4, count, 4);
    memcpy(b + VMT_BLOCK_HEAD, data + 4, len);
    put_le(b + 8, vmt_hash(b + VMT_BLOCK_HEAD, len, vmt_block_seed(0, len, count)), 8);
    memset(e, 0, VMT_BLOCK_HEAD);
    put_le(e + 8, vmt_hash(e, 0, count), 8);

    int fd = memfd_create("fuzz-vmt", 0), fd2 = memfd_create("fuzz-vmt-2", 0);
    size_t total = (size_t)(e + VMT_BLOCK_HEAD - file), n = 0, n2 = 0;
    struct vmm_ref *v = NULL, *v2 = NULL;
    int err = 0, err2 = 0;
    if (fd < 0 || fd2 < 0 || write(fd, file, total) != (ssize_t)total)
        goto out;
    v = read_all(fd, ps, bits, &n, &err);
    for (size_t i = 0; i < n; i++) {
        const struct vmm_ref *r = &v[i];
        if (r->size == 0 || (r->addr & (ps - 1)) + r->size > ps || r->op > VMM_EXEC ||
            r->pid == 0 || r->pid > VMM_PID_MAX || (!(flags & VMM_TRACE_PIDS) && r->pid != 1) ||
            (bits < 64 && r->addr >> bits)) {
            fprintf(stderr, "fuzz_vmt: reference %zu breaks the reader's promises\n", i);
            abort();
        }
    }
    /* what was read, written back (without page numbers: sizes and offsets
     * may now be anything) and read again, is the same */
    FILE *f = fdopen(dup(fd2), "wb");
    struct vmm_trace_writer *w = NULL;
    char msg[512];
    if (!f ||
        vmm_trace_writer_open(f, VMM_FMT_VMT, VMM_TRACE_PIDS | VMM_TRACE_SIZES, ps,
                              VMM_COMPRESS_NONE, &w, msg, sizeof msg) < 0 ||
        vmm_trace_write(w, v, n) < 0 || vmm_trace_writer_finish(w) < 0) {
        fprintf(stderr, "fuzz_vmt: cannot write back: %s\n", w ? vmm_trace_writer_error(w) : msg);
        abort();
    }
    vmm_trace_writer_free(w);
    fclose(f);
    v2 = read_all(fd2, ps, 64, &n2, &err2);
    if (err2 != 0 || n2 != n) {
        fprintf(stderr, "fuzz_vmt: %zu references written back, %zu read (error %d)\n", n, n2,
                err2);
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].addr != v2[i].addr || v[i].pid != v2[i].pid || v[i].size != v2[i].size ||
            v[i].op != v2[i].op) {
            fprintf(stderr, "fuzz_vmt: reference %zu differs once written back\n", i);
            abort();
        }
    }
out:
    free(v);
    free(v2);
    free(file);
    if (fd >= 0)
        close(fd);
    if (fd2 >= 0)
        close(fd2);
    (void)err;
    return 0;
}
