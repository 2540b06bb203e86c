/*
 * translate.c - the translation calculator behind `vmm translate`: the three
 * classic MMUs as pure functions of their registers and tables, for
 * exercises (docs/cli.md, "vmm translate"). No system, no memory: one
 * virtual address in, a physical address or a trap out.
 *
 *   relocation     va ----(va < limit?)----> base + va                 else trap
 *   segmentation   s:d -> table[s] -(d < limit?)-> base + d            else trap
 *                  (a segment that grows down: max - d <= limit -> base - (max - d))
 *   paging         va = vpn | offset -> pt[vpn] valid? -> frame * page + offset
 *
 * A flat segmented address is split by its top seg_bits bits (OSTEP); an s:d
 * pair names the two parts (Silberschatz). The largest segment, max, is
 * as_size >> seg_bits. Checks come in the hardware's order: the segment
 * exists and is valid, the offset is within the limit, then the operation is
 * among the permissions.
 *
 * Invariants: x->nsegs <= VMM_XLATE_MAX_SEGMENTS; pt and addrs are owned and
 * hold npages and naddrs entries; every address in addrs translates without
 * error (vmm_xlate_add_addr checks it), so printing never fails.
 *
 * Generated exercises come from a splitmix64 stream of the seed alone, so the
 * same seed gives the same exercise on every machine.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

/* Writes a message to err and returns code. */
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static unsigned log2u(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* A size for a person: "16 KiB" when a whole number of KiB, MiB or GiB,
 * else "1000 bytes". */
static const char *human(uint64_t v, char *buf, size_t len)
{
    static const char *unit[] = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    uint64_t n = v;
    while (n && n % 1024 == 0 && u < 3) {
        n /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%llu bytes", (unsigned long long)v);
    else
        snprintf(buf, len, "%llu %s", (unsigned long long)n, unit[u]);
    return buf;
}

/* The largest segment: the part of a flat address below the segment bits. */
static uint64_t seg_max(const struct vmm_xlate *x)
{
    return x->as_size >> x->seg_bits;
}

static void prot_text(unsigned prot, char out[4])
{
    out[0] = prot & VMM_XLATE_R ? 'r' : '-';
    out[1] = prot & VMM_XLATE_W ? 'w' : '-';
    out[2] = prot & VMM_XLATE_X ? 'x' : '-';
    out[3] = '\0';
}

static const char *op_word(int op)
{
    return op == VMM_READ ? "read" : op == VMM_WRITE ? "write" : op == VMM_EXEC ? "exec" : "";
}

/* ---- names and numbers -------------------------------------------------- */

static const char *const mmu_names[] = {
    [VMM_MMU_PAGING] = "paging",
    [VMM_MMU_RELOCATION] = "relocation",
    [VMM_MMU_SEGMENTATION] = "segmentation",
};

const char *vmm_xlate_mmu_name(enum vmm_mmu mmu)
{
    return (unsigned)mmu < sizeof mmu_names / sizeof mmu_names[0] ? mmu_names[mmu] : "?";
}

int vmm_xlate_mmu_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof mmu_names / sizeof mmu_names[0]; i++)
        if (strcmp(name, mmu_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *vmm_xlate_outcome_name(enum vmm_xlate_outcome o)
{
    switch (o) {
    case VMM_XLATE_OK:
        return "ok";
    case VMM_XLATE_LIMIT:
        return "limit";
    case VMM_XLATE_NO_SEGMENT:
        return "no_segment";
    case VMM_XLATE_PROTECTION:
        return "protection";
    case VMM_XLATE_INVALID_PAGE:
        return "invalid_page";
    }
    return "?";
}

int vmm_xlate_parse_value(const char *text, uint64_t *out)
{
    if (!text || !(text[0] == '0' && (text[1] == 'x' || text[1] == 'X')))
        return vmm_parse_size(text, out); /* decimal, with K, M, G or T */
    char *end;
    if (!isxdigit((unsigned char)text[2]))
        return VMM_EPARSE;
    errno = 0;
    unsigned long long v = strtoull(text + 2, &end, 16);
    if (errno)
        return VMM_ERANGE;
    if (*end)
        return VMM_EPARSE;
    *out = v;
    return 0;
}

/* ---- building an exercise ----------------------------------------------- */

void vmm_xlate_init(struct vmm_xlate *x, enum vmm_mmu mmu)
{
    memset(x, 0, sizeof *x);
    x->mmu = mmu;
}

void vmm_xlate_free(struct vmm_xlate *x)
{
    enum vmm_mmu mmu = x->mmu;
    free(x->pt);
    free(x->addrs);
    vmm_xlate_init(x, mmu);
}

int vmm_xlate_add_segment(struct vmm_xlate *x, const struct vmm_xlate_segment *s, char *err,
                          size_t errlen)
{
    if (x->nsegs == VMM_XLATE_MAX_SEGMENTS)
        return fail(err, errlen, VMM_ELIMIT, "more than %d segments", VMM_XLATE_MAX_SEGMENTS);
    x->segs[x->nsegs++] = *s;
    return 0;
}

int vmm_xlate_parse_segment(struct vmm_xlate *x, const char *text, char *err, size_t errlen)
{
    struct vmm_xlate_segment s = {0, 0, VMM_XLATE_R | VMM_XLATE_W | VMM_XLATE_X, false, true};
    char buf[256], *save = NULL;
    if (strcmp(text, "-") == 0) {
        s.valid = false;
        s.prot = 0;
        return vmm_xlate_add_segment(x, &s, err, errlen);
    }
    if (strlen(text) >= sizeof buf)
        return fail(err, errlen, VMM_EPARSE, "too long; expected BASE,LIMIT[,PROT][,down]");
    snprintf(buf, sizeof buf, "%s", text);
    int field = 0;
    bool have_prot = false, have_dir = false;
    for (char *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save), field++) {
        if (field < 2) {
            uint64_t *v = field == 0 ? &s.base : &s.limit;
            int r = vmm_xlate_parse_value(f, v);
            if (r == VMM_ERANGE)
                return fail(err, errlen, r, "%s %s is too large", field ? "limit" : "base", f);
            if (r < 0)
                return fail(err, errlen, r,
                            "%s: expected a number (decimal or 0x hex, K/M/G allowed), "
                            "found '%s'",
                            field ? "limit" : "base", f);
            continue;
        }
        if (strcmp(f, "down") == 0 || strcmp(f, "up") == 0) {
            if (have_dir)
                return fail(err, errlen, VMM_EPARSE, "'%s': the direction is given twice", f);
            s.down = f[0] == 'd';
            have_dir = true;
            continue;
        }
        if (have_prot || strlen(f) > 3)
            return fail(err, errlen, VMM_EPARSE,
                        "'%s': expected permissions (letters from r, w, x, or -) or down", f);
        s.prot = 0;
        for (const char *c = f; *c; c++) {
            unsigned bit = *c == 'r'   ? VMM_XLATE_R
                           : *c == 'w' ? VMM_XLATE_W
                           : *c == 'x' ? VMM_XLATE_X
                                       : 0;
            if (!bit && *c != '-')
                return fail(err, errlen, VMM_EPARSE,
                            "'%s': expected permissions (letters from r, w, x, or -) or down", f);
            s.prot |= bit;
        }
        have_prot = true;
    }
    if (field < 2)
        return fail(err, errlen, VMM_EPARSE,
                    "expected BASE,LIMIT[,PROT][,down], e.g. 1400,1000 or 28K,2K,rw,down; or "
                    "- for an invalid entry");
    return vmm_xlate_add_segment(x, &s, err, errlen);
}

int vmm_xlate_add_pte(struct vmm_xlate *x, const struct vmm_xlate_pte *e, char *err, size_t errlen)
{
    if (x->npages == VMM_XLATE_MAX_PAGES)
        return fail(err, errlen, VMM_ELIMIT, "more than %u page-table entries",
                    VMM_XLATE_MAX_PAGES);
    if ((x->npages & (x->npages - 1)) == 0) { /* grow at 0, 1, 2, 4, ... */
        size_t cap = x->npages ? 2 * x->npages : 1;
        struct vmm_xlate_pte *pt = realloc(x->pt, cap * sizeof *pt);
        if (!pt)
            return fail(err, errlen, VMM_ENOMEM, "out of memory");
        x->pt = pt;
    }
    x->pt[x->npages++] = *e;
    return 0;
}

int vmm_xlate_parse_page_table(struct vmm_xlate *x, const char *text, char *err, size_t errlen)
{
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, ",");
        char f[64];
        struct vmm_xlate_pte e = {0, false};
        size_t vpn = x->npages;
        if (n >= sizeof f)
            return fail(err, errlen, VMM_EPARSE, "entry %zu is too long", vpn);
        memcpy(f, p, n);
        f[n] = '\0';
        if (strcmp(f, "-") != 0) {
            int r = vmm_xlate_parse_value(f, &e.frame);
            if (r == VMM_ERANGE)
                return fail(err, errlen, r, "entry %zu: frame %s is too large", vpn, f);
            if (r < 0)
                return fail(err, errlen, r,
                            "entry %zu: expected a frame number or - (invalid), found '%s'", vpn,
                            f);
            e.valid = true;
        }
        int r = vmm_xlate_add_pte(x, &e, err, errlen);
        if (r < 0)
            return r;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

int vmm_xlate_check(const struct vmm_xlate *x, char *err, size_t errlen)
{
    char h1[32], h2[32];
    uint64_t as = x->as_size, phys = x->phys_size;
    switch (x->mmu) {
    case VMM_MMU_RELOCATION:
        if (!x->limit)
            return fail(err, errlen, VMM_EINVAL,
                        "limit 0 leaves no legal address; expected at least 1 (--limit)");
        if (as && x->limit > as)
            return fail(err, errlen, VMM_ERANGE,
                        "limit %llu is larger than the address space (%s, --as-size)",
                        (unsigned long long)x->limit, human(as, h1, sizeof h1));
        if (x->base > UINT64_MAX - x->limit)
            return fail(err, errlen, VMM_ERANGE, "base + limit is beyond 64 bits");
        if (phys && x->base + x->limit > phys)
            return fail(err, errlen, VMM_ERANGE,
                        "base %llu + limit %llu = %llu is beyond physical memory (%s, "
                        "--phys-size)",
                        (unsigned long long)x->base, (unsigned long long)x->limit,
                        (unsigned long long)(x->base + x->limit), human(phys, h1, sizeof h1));
        return 0;
    case VMM_MMU_SEGMENTATION:
        if (!x->nsegs)
            return fail(err, errlen, VMM_EINVAL, "the segment table is empty (--segment)");
        if (x->seg_bits) {
            if (!pow2(as))
                return fail(err, errlen, VMM_EINVAL,
                            "segment bits need an address space whose size is a power of two "
                            "(--as-size), found %s",
                            as ? human(as, h1, sizeof h1) : "none");
            if (x->seg_bits > 6 || x->seg_bits >= log2u(as))
                return fail(err, errlen, VMM_ERANGE,
                            "%u segment bits: expected 1 .. 6, and fewer than the %u bits of the "
                            "address space (--seg-bits)",
                            x->seg_bits, log2u(as));
            if (x->nsegs > (size_t)1 << x->seg_bits)
                return fail(err, errlen, VMM_ERANGE,
                            "%zu segments, but %u segment bits select at most %u (--seg-bits)",
                            x->nsegs, x->seg_bits, 1u << x->seg_bits);
        }
        for (size_t i = 0; i < x->nsegs; i++) {
            const struct vmm_xlate_segment *s = &x->segs[i];
            if (!s->valid)
                continue;
            if (s->down && !x->seg_bits)
                return fail(err, errlen, VMM_EINVAL,
                            "segment %zu grows down: its offsets count back from the largest "
                            "segment size, which needs --seg-bits and --as-size",
                            i);
            if (x->seg_bits && s->limit > seg_max(x))
                return fail(err, errlen, VMM_ERANGE,
                            "segment %zu: limit %llu is larger than the largest segment (%s: "
                            "%u segment bits of a %s address space)",
                            i, (unsigned long long)s->limit, human(seg_max(x), h1, sizeof h1),
                            x->seg_bits, human(as, h2, sizeof h2));
            if (s->down && s->base < s->limit)
                return fail(err, errlen, VMM_ERANGE,
                            "segment %zu grows down from base %llu (its top), so its limit %llu "
                            "must not exceed its base (--segment)",
                            i, (unsigned long long)s->base, (unsigned long long)s->limit);
            if (!s->down && s->base > UINT64_MAX - s->limit)
                return fail(err, errlen, VMM_ERANGE,
                            "segment %zu: base + limit is beyond 64 bits (--segment)", i);
            uint64_t end = s->down ? s->base : s->base + s->limit;
            if (phys && end > phys)
                return fail(err, errlen, VMM_ERANGE,
                            "segment %zu ends at %llu, beyond physical memory (%s, --phys-size)", i,
                            (unsigned long long)end, human(phys, h1, sizeof h1));
        }
        return 0;
    case VMM_MMU_PAGING:
        if (!pow2(x->page_size))
            return fail(err, errlen, VMM_EINVAL,
                        "page size %llu is not a power of two (--page-size 1K, 4K, ...)",
                        (unsigned long long)x->page_size);
        if (!x->npages)
            return fail(err, errlen, VMM_EINVAL, "the page table is empty (--page-table)");
        if (as) {
            if (!pow2(as) || as < x->page_size)
                return fail(err, errlen, VMM_EINVAL,
                            "address space %s: expected a power of two, at least the page size "
                            "(--as-size)",
                            human(as, h1, sizeof h1));
            if (x->npages > as / x->page_size)
                return fail(err, errlen, VMM_ERANGE,
                            "%zu page-table entries, but an address space of %s has %llu pages "
                            "of %s (--page-table, --as-size)",
                            x->npages, human(as, h1, sizeof h1),
                            (unsigned long long)(as / x->page_size),
                            human(x->page_size, h2, sizeof h2));
        }
        for (size_t i = 0; i < x->npages; i++) {
            const struct vmm_xlate_pte *e = &x->pt[i];
            if (!e->valid)
                continue;
            if (e->frame > UINT64_MAX / x->page_size - 1)
                return fail(err, errlen, VMM_ERANGE,
                            "page-table entry %zu: frame %llu is beyond 64 bits", i,
                            (unsigned long long)e->frame);
            if (phys && (e->frame + 1) * x->page_size > phys)
                return fail(err, errlen, VMM_ERANGE,
                            "page-table entry %zu: frame %llu is beyond physical memory (%s: "
                            "frames 0 .. %llu, --phys-size)",
                            i, (unsigned long long)e->frame, human(phys, h1, sizeof h1),
                            (unsigned long long)(phys / x->page_size) - 1);
        }
        return 0;
    }
    return fail(err, errlen, VMM_EINVAL, "unknown MMU %d", (int)x->mmu);
}

/* ---- translating -------------------------------------------------------- */

int vmm_xlate_translate(const struct vmm_xlate *x, const struct vmm_xlate_addr *a,
                        struct vmm_xlate_result *r)
{
    memset(r, 0, sizeof *r);
    if (a->op != VMM_XLATE_ANY && x->mmu != VMM_MMU_SEGMENTATION)
        return VMM_EINVAL;
    if (a->pair && x->mmu != VMM_MMU_SEGMENTATION)
        return VMM_EINVAL;
    if (!a->pair && x->as_size && a->va >= x->as_size)
        return VMM_ERANGE;
    r->va = a->va;
    switch (x->mmu) {
    case VMM_MMU_RELOCATION:
        r->offset = a->va;
        if (a->va < x->limit) {
            r->outcome = VMM_XLATE_OK;
            r->pa = x->base + a->va;
        } else {
            r->outcome = VMM_XLATE_LIMIT;
        }
        return 0;
    case VMM_MMU_SEGMENTATION: {
        uint64_t max = seg_max(x);
        if (a->pair) {
            if (x->seg_bits && (a->seg >> x->seg_bits || a->offset >= max))
                return VMM_ERANGE;
            r->seg = a->seg;
            r->offset = a->offset;
            r->va = x->seg_bits ? a->seg * max + a->offset : 0;
        } else {
            if (!x->seg_bits)
                return VMM_EINVAL;
            r->seg = a->va / max;
            r->offset = a->va % max;
        }
        if (r->seg >= x->nsegs || !x->segs[r->seg].valid) {
            r->outcome = VMM_XLATE_NO_SEGMENT;
            return 0;
        }
        const struct vmm_xlate_segment *s = &x->segs[r->seg];
        if (s->down ? max - r->offset > s->limit : r->offset >= s->limit) {
            r->outcome = VMM_XLATE_LIMIT;
            return 0;
        }
        if (a->op != VMM_XLATE_ANY && !(s->prot & (1u << a->op))) {
            r->outcome = VMM_XLATE_PROTECTION;
            return 0;
        }
        r->outcome = VMM_XLATE_OK;
        r->pa = s->down ? s->base - (max - r->offset) : s->base + r->offset;
        return 0;
    }
    case VMM_MMU_PAGING:
        r->vpn = a->va >> log2u(x->page_size);
        r->offset = a->va & (x->page_size - 1);
        if (r->vpn >= x->npages || !x->pt[r->vpn].valid) {
            r->outcome = VMM_XLATE_INVALID_PAGE;
            return 0;
        }
        r->outcome = VMM_XLATE_OK;
        r->frame = x->pt[r->vpn].frame;
        r->pa = r->frame * x->page_size + r->offset;
        return 0;
    }
    return VMM_EINVAL;
}

/* The op bits in the same order as enum vmm_op (read 0, write 1, exec 2). */
_Static_assert(VMM_XLATE_R == 1u << VMM_READ && VMM_XLATE_W == 1u << VMM_WRITE &&
                   VMM_XLATE_X == 1u << VMM_EXEC,
               "permission bits follow enum vmm_op");

int vmm_xlate_describe(const struct vmm_xlate *x, const struct vmm_xlate_result *r, char *buf,
                       size_t len)
{
    unsigned long long seg = r->seg, off = r->offset;
    switch (r->outcome) {
    case VMM_XLATE_OK:
        return snprintf(buf, len, "PA 0x%llx (%llu)", (unsigned long long)r->pa,
                        (unsigned long long)r->pa);
    case VMM_XLATE_LIMIT:
        if (x->mmu == VMM_MMU_RELOCATION)
            return snprintf(buf, len, "trap (segmentation violation): VA %llu >= limit %llu",
                            (unsigned long long)r->va, (unsigned long long)x->limit);
        if (x->segs[seg].down)
            return snprintf(buf, len,
                            "trap (segmentation violation): grows down, offset %llu - max %llu = "
                            "-%llu < -limit -%llu",
                            off, (unsigned long long)seg_max(x),
                            (unsigned long long)seg_max(x) - off,
                            (unsigned long long)x->segs[seg].limit);
        return snprintf(buf, len, "trap (segmentation violation): offset %llu >= limit %llu", off,
                        (unsigned long long)x->segs[seg].limit);
    case VMM_XLATE_NO_SEGMENT:
        if (seg >= x->nsegs)
            return snprintf(buf, len,
                            "trap (segmentation violation): no segment %llu, the table has %zu",
                            seg, x->nsegs);
        return snprintf(buf, len, "trap (segmentation violation): segment %llu is invalid", seg);
    case VMM_XLATE_PROTECTION: {
        char p[4];
        prot_text(x->segs[seg].prot, p);
        return snprintf(buf, len, "trap (protection): segment %llu is %s", seg, p);
    }
    case VMM_XLATE_INVALID_PAGE:
        if (r->vpn >= x->npages)
            return snprintf(buf, len,
                            "trap (invalid page, segmentation fault): vpn %llu is beyond the "
                            "page table (%zu entries)",
                            (unsigned long long)r->vpn, x->npages);
        return snprintf(buf, len, "trap (invalid page, segmentation fault): vpn %llu is invalid",
                        (unsigned long long)r->vpn);
    }
    return snprintf(buf, len, "?");
}

int vmm_xlate_add_addr(struct vmm_xlate *x, const struct vmm_xlate_addr *a, char *err,
                       size_t errlen)
{
    struct vmm_xlate_result r;
    char h[32], h2[32];
    int e = vmm_xlate_translate(x, a, &r);
    if (e == VMM_EINVAL && a->op != VMM_XLATE_ANY && x->mmu != VMM_MMU_SEGMENTATION)
        return fail(err, errlen, e,
                    "an operation (r:, w:, x:) applies only to segmentation, whose segments have "
                    "permissions");
    if (e == VMM_EINVAL && a->pair)
        return fail(err, errlen, e, "s:d addresses are for segmentation; %s takes a number",
                    vmm_xlate_mmu_name(x->mmu));
    if (e == VMM_EINVAL)
        return fail(err, errlen, e,
                    "a flat address needs --seg-bits (the top bits select the segment); or "
                    "write it as s:d");
    if (e == VMM_ERANGE && a->pair && a->seg >> x->seg_bits)
        return fail(err, errlen, e, "segment %llu cannot be written in %u segment bits (0 .. %u)",
                    (unsigned long long)a->seg, x->seg_bits, (1u << x->seg_bits) - 1);
    if (e == VMM_ERANGE && a->pair)
        return fail(err, errlen, e,
                    "offset %llu is beyond the largest segment (%s: %u segment bits of a %s "
                    "address space)",
                    (unsigned long long)a->offset, human(seg_max(x), h, sizeof h), x->seg_bits,
                    human(x->as_size, h2, sizeof h2));
    if (e == VMM_ERANGE)
        return fail(err, errlen, e,
                    "0x%llx (%llu) is beyond the address space (%s: 0 .. 0x%llx, --as-size)",
                    (unsigned long long)a->va, (unsigned long long)a->va,
                    human(x->as_size, h, sizeof h), (unsigned long long)x->as_size - 1);
    if (e < 0)
        return fail(err, errlen, e, "%s", vmm_strerror(e));
    if (x->naddrs == VMM_XLATE_MAX_ADDRS)
        return fail(err, errlen, VMM_ELIMIT, "more than %u addresses", VMM_XLATE_MAX_ADDRS);
    if ((x->naddrs & (x->naddrs - 1)) == 0) {
        size_t cap = x->naddrs ? 2 * x->naddrs : 1;
        struct vmm_xlate_addr *v = realloc(x->addrs, cap * sizeof *v);
        if (!v)
            return fail(err, errlen, VMM_ENOMEM, "out of memory");
        x->addrs = v;
    }
    x->addrs[x->naddrs++] = *a;
    return 0;
}

int vmm_xlate_parse_addr(struct vmm_xlate *x, const char *text, char *err, size_t errlen)
{
    struct vmm_xlate_addr a = {0, 0, 0, false, VMM_XLATE_ANY};
    const char *p = text;
    char buf[64];
    if ((p[0] == 'r' || p[0] == 'w' || p[0] == 'x') && p[1] == ':') {
        a.op = p[0] == 'r' ? VMM_READ : p[0] == 'w' ? VMM_WRITE : VMM_EXEC;
        p += 2;
    }
    const char *colon = strchr(p, ':');
    if (strlen(p) >= sizeof buf)
        return fail(err, errlen, VMM_EPARSE, "too long");
    snprintf(buf, sizeof buf, "%s", p);
    int r;
    if (colon) {
        buf[colon - p] = '\0';
        a.pair = true;
        const char *s = buf, *d = buf + (colon - p) + 1;
        if ((r = vmm_xlate_parse_value(s, &a.seg)) < 0 ||
            (r = vmm_xlate_parse_value(d, &a.offset)) < 0)
            return fail(err, errlen, r == VMM_ERANGE ? r : VMM_EPARSE,
                        r == VMM_ERANGE ? "a number is too large for 64 bits"
                                        : "expected s:d, two numbers (decimal or 0x hex)");
    } else if ((r = vmm_xlate_parse_value(buf, &a.va)) < 0) {
        return fail(err, errlen, r,
                    r == VMM_ERANGE ? "the address is too large for 64 bits"
                    : x->mmu == VMM_MMU_SEGMENTATION
                        ? "expected an address: a number (decimal or 0x hex) or s:d, optionally "
                          "after r:, w: or x:"
                        : "expected an address: a number (decimal or 0x hex)");
    }
    return vmm_xlate_add_addr(x, &a, err, errlen);
}

/* ---- generating --------------------------------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014): 64 well-mixed bits per call. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A number uniform in [0, n), n >= 1 (multiply-shift; bias below 2^-28 for
 * the sizes allowed). */
static uint64_t below(uint64_t *s, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)next_rand(s) * n) >> 64);
}

/* A limit for a segment or partition of at most max bytes: uniform in
 * [max/4, 3max/4], at least 1 and below max, so both legal and illegal
 * addresses exist. */
static uint64_t some_limit(uint64_t *s, uint64_t max)
{
    uint64_t lo = max / 4 ? max / 4 : 1;
    uint64_t v = lo + below(s, max / 2 + 1);
    return v >= max ? max - 1 : v;
}

/* Which addresses are to be legal: a coin each; with two or more, one is
 * turned over if all came out the same, so an exercise has both kinds. */
static void legal_flags(uint64_t *s, bool *legal, size_t n)
{
    size_t yes = 0;
    for (size_t i = 0; i < n; i++)
        yes += legal[i] = next_rand(s) >> 63;
    if (n >= 2 && (yes == 0 || yes == n)) {
        size_t i = below(s, n);
        legal[i] = !legal[i];
    }
}

/* Segmentation: entry 0 is code (r-x), the last is a stack growing down
 * (rw-), those between are data (rw-) except that with four or more the
 * one below the stack is invalid (unused, as in OSTEP's 2-bit example).
 * Segments lie in physical memory in a random order with random gaps. */
static int gen_segments(struct vmm_xlate *x, uint64_t *s, char *err, size_t errlen)
{
    size_t n = (size_t)1 << x->seg_bits;
    uint64_t max = seg_max(x), total = 0;
    size_t order[VMM_XLATE_MAX_SEGMENTS], nvalid = 0;
    for (size_t i = 0; i < n; i++) {
        struct vmm_xlate_segment g = {0, 0, VMM_XLATE_R | VMM_XLATE_W, false, true};
        if (i == 0)
            g.prot = VMM_XLATE_R | VMM_XLATE_X;
        else if (i == n - 1)
            g.down = true;
        else if (n >= 4 && i == n - 2)
            g.valid = false, g.prot = 0;
        if (g.valid) {
            g.limit = some_limit(s, max);
            total += g.limit;
            order[nvalid++] = i;
        }
        int r = vmm_xlate_add_segment(x, &g, err, errlen);
        if (r < 0)
            return r;
    }
    for (size_t i = nvalid; i > 1; i--) { /* Fisher-Yates */
        size_t j = below(s, i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    uint64_t slack = x->phys_size - total, at = 0;
    for (size_t k = 0; k < nvalid; k++) {
        uint64_t gap = below(s, slack / (nvalid + 1 - k) * 2 + 1);
        gap = gap > slack ? slack : gap;
        slack -= gap;
        at += gap;
        struct vmm_xlate_segment *g = &x->segs[order[k]];
        g->base = g->down ? at + g->limit : at;
        at += g->limit;
    }
    return 0;
}

/* A segmented address in a segment chosen uniformly among those that have
 * addresses of the kind wanted; legal or not as asked. */
static uint64_t gen_seg_addr(const struct vmm_xlate *x, uint64_t *s, bool legal)
{
    uint64_t max = seg_max(x);
    size_t cand[VMM_XLATE_MAX_SEGMENTS], nc = 0;
    for (size_t i = 0; i < x->nsegs; i++) {
        const struct vmm_xlate_segment *g = &x->segs[i];
        if (legal ? g->valid && g->limit > 0 : !g->valid || g->limit < max)
            cand[nc++] = i;
    }
    size_t i = cand[below(s, nc)];
    const struct vmm_xlate_segment *g = &x->segs[i];
    uint64_t off;
    if (!g->valid)
        off = below(s, max);
    else if (legal)
        off = g->down ? max - g->limit + below(s, g->limit) : below(s, g->limit);
    else
        off = g->down ? below(s, max - g->limit) : g->limit + below(s, max - g->limit);
    return i * max + off;
}

int vmm_xlate_generate(const struct vmm_xlate_gen *g, struct vmm_xlate *x, char *err, size_t errlen)
{
    char h1[32], h2[32], h3[32];
    uint64_t as = g->as_size ? g->as_size : 16 * 1024;
    uint64_t phys = g->phys_size;
    if (!phys) /* 64K, or room for four address spaces (as_size is checked below) */
        phys = as > 16 * 1024 && as <= (1ull << 32) ? 4 * as : 64 * 1024;
    uint64_t page = g->page_size ? g->page_size : 1024;
    unsigned seg_bits = g->seg_bits ? g->seg_bits : 2;
    size_t count = g->count ? g->count : 5;
    if (g->mmu != VMM_MMU_RELOCATION && g->mmu != VMM_MMU_SEGMENTATION && g->mmu != VMM_MMU_PAGING)
        return fail(err, errlen, VMM_EINVAL, "unknown MMU %d", (int)g->mmu);
    if (!pow2(as) || as < 16 || as > (1ull << 32))
        return fail(err, errlen, VMM_ERANGE,
                    "address space %s: expected a power of two from 16 bytes to 4 GiB "
                    "(--as-size)",
                    human(as, h1, sizeof h1));
    if (phys < as || phys > (1ull << 36))
        return fail(err, errlen, VMM_ERANGE,
                    "physical memory %s: expected at least the address space (%s) and at most "
                    "64 GiB (--phys-size)",
                    human(phys, h1, sizeof h1), human(as, h2, sizeof h2));
    if (count > 10000)
        return fail(err, errlen, VMM_ERANGE, "%zu addresses: expected 1 .. 10000 (-n)", count);
    if (g->mmu == VMM_MMU_PAGING && (!pow2(page) || page > as / 2 || as / page > 4096))
        return fail(err, errlen, VMM_ERANGE,
                    "page size %s: expected a power of two from the address space / 4096 to "
                    "the address space / 2 (%s .. %s here; --page-size)",
                    human(page, h1, sizeof h1), human(as / 4096 ? as / 4096 : 1, h2, sizeof h2),
                    human(as / 2, h3, sizeof h3));
    if (g->mmu == VMM_MMU_SEGMENTATION && (seg_bits > 6 || (as >> seg_bits) < 4))
        return fail(err, errlen, VMM_ERANGE,
                    "%u segment bits: expected 1 .. 6, leaving segments of at least 4 bytes "
                    "(--seg-bits)",
                    seg_bits);

    enum vmm_mmu mmu = g->mmu;
    vmm_xlate_free(x);
    vmm_xlate_init(x, mmu);
    x->as_size = as;
    x->phys_size = phys;
    x->generated = true;
    x->seed = g->seed;
    uint64_t st = g->seed;
    bool *legal = calloc(count, sizeof *legal);
    if (!legal)
        return fail(err, errlen, VMM_ENOMEM, "out of memory");
    int r = 0;
    switch (mmu) {
    case VMM_MMU_RELOCATION:
        x->limit = some_limit(&st, as);
        x->base = below(&st, phys - x->limit + 1);
        break;
    case VMM_MMU_SEGMENTATION:
        x->seg_bits = seg_bits;
        r = gen_segments(x, &st, err, errlen);
        break;
    case VMM_MMU_PAGING: {
        size_t n = (size_t)(as / page), valid = 0;
        uint64_t nframes = phys / page;
        x->page_size = page;
        bool *v = calloc(n, sizeof *v);
        if (!v) {
            r = fail(err, errlen, VMM_ENOMEM, "out of memory");
            break;
        }
        legal_flags(&st, v, n); /* about half the pages valid, both kinds */
        for (size_t i = 0; i < n && r == 0; i++) {
            struct vmm_xlate_pte e = {0, v[i]};
            if (v[i]) { /* a frame no other page has: nframes >= n, so this ends */
                for (bool again = true; again;) {
                    e.frame = below(&st, nframes);
                    again = false;
                    for (size_t j = 0; j < i; j++)
                        again |= x->pt[j].valid && x->pt[j].frame == e.frame;
                }
                valid++;
            }
            r = vmm_xlate_add_pte(x, &e, err, errlen);
        }
        free(v);
        VMM_ASSERT(r < 0 || (valid >= 1 && valid < n));
        break;
    }
    }
    legal_flags(&st, legal, count);
    for (size_t i = 0; i < count && r == 0; i++) {
        struct vmm_xlate_addr a = {0, 0, 0, false, VMM_XLATE_ANY};
        if (mmu == VMM_MMU_RELOCATION) {
            a.va = legal[i] ? below(&st, x->limit) : x->limit + below(&st, as - x->limit);
        } else if (mmu == VMM_MMU_SEGMENTATION) {
            a.va = gen_seg_addr(x, &st, legal[i]);
        } else {
            size_t want = 0, k;
            for (k = 0; k < x->npages; k++)
                want += x->pt[k].valid == legal[i];
            uint64_t pick = below(&st, want);
            for (k = 0; k < x->npages; k++)
                if (x->pt[k].valid == legal[i] && pick-- == 0)
                    break;
            a.va = k * page + below(&st, page);
        }
        r = vmm_xlate_add_addr(x, &a, err, errlen);
    }
    free(legal);
    if (r < 0)
        vmm_xlate_free(x);
    return r;
}

/* ---- printing ----------------------------------------------------------- */

/* Decimal digits of v. */
static int ddigits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* Hex digits of v. */
static int xdigits(uint64_t v)
{
    int n = 1;
    while (v >= 16) {
        v >>= 4;
        n++;
    }
    return n;
}

static void print_header(const struct vmm_xlate *x, bool answers, FILE *out)
{
    char h1[32], h2[32], h3[32];
    if (x->generated)
        fprintf(out, "%s exercise from seed %llu\n", vmm_xlate_mmu_name(x->mmu),
                (unsigned long long)x->seed);
    if (x->mmu == VMM_MMU_RELOCATION) {
        fprintf(out, "relocation: base %llu (0x%llx), limit %llu (0x%llx)",
                (unsigned long long)x->base, (unsigned long long)x->base,
                (unsigned long long)x->limit, (unsigned long long)x->limit);
        if (x->as_size)
            fprintf(out, "; address space %s", human(x->as_size, h1, sizeof h1));
        if (x->phys_size)
            fprintf(out, "; physical memory %s", human(x->phys_size, h1, sizeof h1));
        fputc('\n', out);
        if (answers)
            fprintf(out,
                    "legal: VA 0 .. %llu -> PA %llu .. %llu (0x%llx .. 0x%llx); VA >= %llu "
                    "traps\n",
                    (unsigned long long)x->limit - 1, (unsigned long long)x->base,
                    (unsigned long long)(x->base + x->limit - 1), (unsigned long long)x->base,
                    (unsigned long long)(x->base + x->limit - 1), (unsigned long long)x->limit);
    } else if (x->mmu == VMM_MMU_SEGMENTATION) {
        fprintf(out, "segmentation: %zu segment%s", x->nsegs, x->nsegs == 1 ? "" : "s");
        if (x->seg_bits)
            fprintf(out,
                    "; the top %u bit%s of a %u-bit virtual address select%s the segment "
                    "(address space %s, segments up to %s)",
                    x->seg_bits, x->seg_bits == 1 ? "" : "s", log2u(x->as_size),
                    x->seg_bits == 1 ? "s" : "", human(x->as_size, h1, sizeof h1),
                    human(seg_max(x), h2, sizeof h2));
        else
            fprintf(out, "; addresses are s:d (segment, offset)");
        if (x->phys_size)
            fprintf(out, "; physical memory %s", human(x->phys_size, h3, sizeof h3));
        fputc('\n', out);
        int wb = 4, wl = 5; /* widths of the base and limit columns */
        for (size_t i = 0; i < x->nsegs; i++) {
            const struct vmm_xlate_segment *s = &x->segs[i];
            int n = ddigits(s->base) + xdigits(s->base) + 5; /* "B (0xH)" */
            wb = n > wb ? n : wb;
            n = ddigits(s->limit) + xdigits(s->limit) + 5;
            wl = n > wl ? n : wl;
        }
        int ws = ddigits(x->nsegs - 1) > 3 ? ddigits(x->nsegs - 1) : 3;
        fprintf(out, "  %*s  %-*s  %-*s  prot  grows%s\n", ws, "seg", wb, "base", wl, "limit",
                answers ? "  physical" : "");
        for (size_t i = 0; i < x->nsegs; i++) {
            const struct vmm_xlate_segment *s = &x->segs[i];
            char b[48], l[48], p[4];
            if (!s->valid) {
                fprintf(out, "  %*zu  (invalid)\n", ws, i);
                continue;
            }
            snprintf(b, sizeof b, "%llu (0x%llx)", (unsigned long long)s->base,
                     (unsigned long long)s->base);
            snprintf(l, sizeof l, "%llu (0x%llx)", (unsigned long long)s->limit,
                     (unsigned long long)s->limit);
            prot_text(s->prot, p);
            fprintf(out, "  %*zu  %-*s  %-*s  %s   ", ws, i, wb, b, wl, l, p);
            uint64_t lo = s->down ? s->base - s->limit : s->base;
            if (!answers)
                fprintf(out, "%s\n", s->down ? "down" : "up");
            else if (s->limit)
                fprintf(out, "%-4s   %llu .. %llu\n", s->down ? "down" : "up",
                        (unsigned long long)lo, (unsigned long long)(lo + s->limit - 1));
            else
                fprintf(out, "%-4s   (empty)\n", s->down ? "down" : "up");
        }
    } else {
        fprintf(out, "paging: pages of %s; %zu page-table entries",
                human(x->page_size, h1, sizeof h1), x->npages);
        if (x->as_size)
            fprintf(out, "; address space %s (%u-bit VA: %u-bit vpn, %u-bit offset)",
                    human(x->as_size, h2, sizeof h2), log2u(x->as_size),
                    log2u(x->as_size) - log2u(x->page_size), log2u(x->page_size));
        else
            fprintf(out, "; %u-bit offset", log2u(x->page_size));
        if (x->phys_size)
            fprintf(out, "; physical memory %s (%llu frames)", human(x->phys_size, h3, sizeof h3),
                    (unsigned long long)(x->phys_size / x->page_size));
        fputc('\n', out);
        int wv = ddigits(x->npages - 1) > 3 ? ddigits(x->npages - 1) : 3;
        fprintf(out, "  %*s  frame\n", wv, "vpn");
        for (size_t i = 0; i < x->npages; i++)
            if (x->pt[i].valid)
                fprintf(out, "  %*zu  %llu\n", wv, i, (unsigned long long)x->pt[i].frame);
            else
                fprintf(out, "  %*zu  - (invalid)\n", wv, i);
    }
}

/* The cells of one address line: the address as given, and with answers its
 * other form (segment and offset of a flat address, the flat address of an
 * s:d pair, page and offset). Widths: w[0] op, w[1] hex digits, w[2] decimal
 * digits, w[3] the address cell, w[4] the parts cell. */
static void address_cells(const struct vmm_xlate *x, const struct vmm_xlate_addr *a,
                          const struct vmm_xlate_result *r, bool answers, const int *w, char *addr,
                          size_t alen, char *parts, size_t plen)
{
    if (a->pair)
        snprintf(addr, alen, "%llu:%llu", (unsigned long long)a->seg,
                 (unsigned long long)a->offset);
    else
        snprintf(addr, alen, "VA 0x%0*llx (%*llu)", w[1], (unsigned long long)a->va, w[2],
                 (unsigned long long)a->va);
    parts[0] = '\0';
    if (!answers)
        return;
    if (a->pair && x->seg_bits) /* the other form of the address */
        snprintf(parts, plen, "VA 0x%0*llx (%*llu)", w[1], (unsigned long long)r->va, w[2],
                 (unsigned long long)r->va);
    else if (x->mmu == VMM_MMU_SEGMENTATION && !a->pair)
        snprintf(parts, plen, "seg %llu offset %llu", (unsigned long long)r->seg,
                 (unsigned long long)r->offset);
    else if (x->mmu == VMM_MMU_PAGING)
        snprintf(parts, plen, "vpn %llu offset %llu", (unsigned long long)r->vpn,
                 (unsigned long long)r->offset);
}

static void print_text(const struct vmm_xlate *x, bool answers, FILE *out)
{
    print_header(x, answers, out);
    if (!x->naddrs)
        return;
    fputc('\n', out);
    int w[5] = {0, 1, 1, 0, 0};
    uint64_t top = x->as_size ? x->as_size - 1 : 0;
    for (size_t i = 0; i < x->naddrs; i++)
        if (!x->addrs[i].pair && x->addrs[i].va > top)
            top = x->addrs[i].va;
    w[1] = xdigits(top);
    w[2] = ddigits(top);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < x->naddrs; i++) {
            const struct vmm_xlate_addr *a = &x->addrs[i];
            struct vmm_xlate_result r;
            char addr[96], parts[96], res[256];
            int e = vmm_xlate_translate(x, a, &r);
            VMM_ASSERT(e == 0);
            (void)e;
            address_cells(x, a, &r, answers, w, addr, sizeof addr, parts, sizeof parts);
            if (pass == 0) {
                int n = (int)strlen(op_word(a->op));
                w[0] = n > w[0] ? n : w[0];
                n = (int)strlen(addr);
                w[3] = n > w[3] ? n : w[3];
                n = (int)strlen(parts);
                w[4] = n > w[4] ? n : w[4];
                continue;
            }
            if (answers)
                vmm_xlate_describe(x, &r, res, sizeof res);
            else
                snprintf(res, sizeof res, "?");
            fputs("  ", out);
            if (w[0])
                fprintf(out, "%-*s  ", w[0], op_word(a->op));
            fprintf(out, "%-*s  ", w[3], addr);
            if (w[4])
                fprintf(out, "%-*s  ", w[4], parts);
            fprintf(out, "->  %s\n", res);
        }
    }
}

static void print_json(const struct vmm_xlate *x, bool answers, FILE *out)
{
    fprintf(out, "{\n  \"mmu\": \"%s\",\n", vmm_xlate_mmu_name(x->mmu));
    if (x->generated)
        fprintf(out, "  \"seed\": %llu,\n", (unsigned long long)x->seed);
    fprintf(out, "  \"as_size\": %llu,\n  \"phys_size\": %llu,\n", (unsigned long long)x->as_size,
            (unsigned long long)x->phys_size);
    if (x->mmu == VMM_MMU_RELOCATION) {
        fprintf(out, "  \"base\": %llu,\n  \"limit\": %llu,\n", (unsigned long long)x->base,
                (unsigned long long)x->limit);
    } else if (x->mmu == VMM_MMU_SEGMENTATION) {
        fprintf(out, "  \"seg_bits\": %u,\n  \"segments\": [", x->seg_bits);
        for (size_t i = 0; i < x->nsegs; i++) {
            const struct vmm_xlate_segment *s = &x->segs[i];
            char p[4];
            prot_text(s->prot, p);
            fprintf(out, "%s\n    {\"segment\": %zu, \"valid\": %s", i ? "," : "", i,
                    s->valid ? "true" : "false");
            if (s->valid)
                fprintf(out, ", \"base\": %llu, \"limit\": %llu, \"prot\": \"%s\", \"down\": %s",
                        (unsigned long long)s->base, (unsigned long long)s->limit, p,
                        s->down ? "true" : "false");
            fputc('}', out);
        }
        fprintf(out, "\n  ],\n");
    } else {
        fprintf(out, "  \"page_size\": %llu,\n  \"page_table\": [",
                (unsigned long long)x->page_size);
        for (size_t i = 0; i < x->npages; i++) {
            if (x->pt[i].valid)
                fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)x->pt[i].frame);
            else
                fprintf(out, "%snull", i ? ", " : "");
        }
        fprintf(out, "],\n");
    }
    fprintf(out, "  \"addresses\": [");
    for (size_t i = 0; i < x->naddrs; i++) {
        const struct vmm_xlate_addr *a = &x->addrs[i];
        struct vmm_xlate_result r;
        int e = vmm_xlate_translate(x, a, &r);
        VMM_ASSERT(e == 0);
        (void)e;
        fprintf(out, "%s\n    {", i ? "," : "");
        if (a->op != VMM_XLATE_ANY)
            fprintf(out, "\"op\": \"%s\", ", op_word(a->op));
        if (a->pair)
            fprintf(out, "\"segment\": %llu, \"offset\": %llu", (unsigned long long)a->seg,
                    (unsigned long long)a->offset);
        else
            fprintf(out, "\"va\": %llu", (unsigned long long)a->va);
        if (answers) {
            if (a->pair && x->seg_bits)
                fprintf(out, ", \"va\": %llu", (unsigned long long)r.va);
            if (!a->pair && x->mmu == VMM_MMU_SEGMENTATION)
                fprintf(out, ", \"segment\": %llu, \"offset\": %llu", (unsigned long long)r.seg,
                        (unsigned long long)r.offset);
            if (x->mmu == VMM_MMU_PAGING)
                fprintf(out, ", \"vpn\": %llu, \"offset\": %llu", (unsigned long long)r.vpn,
                        (unsigned long long)r.offset);
            fprintf(out, ", \"outcome\": \"%s\"", vmm_xlate_outcome_name(r.outcome));
            char why[256]; /* no quotes or backslashes: safe in a JSON string */
            vmm_xlate_describe(x, &r, why, sizeof why);
            if (r.outcome == VMM_XLATE_OK)
                fprintf(out, ", \"pa\": %llu", (unsigned long long)r.pa);
            else
                fprintf(out, ", \"reason\": \"%s\"", why);
        }
        fputc('}', out);
    }
    fprintf(out, "%s]\n}\n", x->naddrs ? "\n  " : "");
}

void vmm_xlate_print(const struct vmm_xlate *x, unsigned flags, FILE *out)
{
    if (flags & VMM_XLATE_JSON)
        print_json(x, flags & VMM_XLATE_ANSWERS, out);
    else
        print_text(x, flags & VMM_XLATE_ANSWERS, out);
}
