/*
 * test_translate.c - the translation calculator (vmm_xlate_*): the textbooks'
 * worked examples at both edges of every limit, each kind of trap, the
 * parsers and their errors, and the generator: determinism, sensible
 * exercises with legal and illegal addresses, and every generated answer
 * checked against a naive reference written here from the definitions.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

/* Translates a flat address; the outcome, with *pa set when it is ok. */
static int xl(const struct vmm_xlate *x, uint64_t va, uint64_t *pa)
{
    struct vmm_xlate_addr a = {va, 0, 0, false, VMM_XLATE_ANY};
    struct vmm_xlate_result r;
    int e = vmm_xlate_translate(x, &a, &r);
    if (e < 0)
        return e;
    *pa = r.pa;
    return (int)r.outcome;
}

/* Translates the pair s:d with op (or VMM_XLATE_ANY). */
static int xl_sd(const struct vmm_xlate *x, uint64_t s, uint64_t d, int op, uint64_t *pa)
{
    struct vmm_xlate_addr a = {0, s, d, true, op};
    struct vmm_xlate_result r;
    int e = vmm_xlate_translate(x, &a, &r);
    if (e < 0)
        return e;
    *pa = r.pa;
    return (int)r.outcome;
}

/* The outcome text of a flat or s:d address written as text. */
static const char *describe(struct vmm_xlate *x, const char *addr)
{
    static char buf[320];
    char err[256];
    struct vmm_xlate_result r;
    if (vmm_xlate_parse_addr(x, addr, err, sizeof err) < 0) {
        snprintf(buf, sizeof buf, "error: %s", err);
        return buf;
    }
    vmm_xlate_translate(x, &x->addrs[x->naddrs - 1], &r);
    vmm_xlate_describe(x, &r, buf, sizeof buf);
    return buf;
}

/* Silberschatz, Operating System Concepts, ch. "Main Memory", basic hardware:
 * base 300040 and limit 120900 make 300040 .. 420939 the legal physical
 * range. As logical addresses: 0 .. 120899 legal, 120900 traps. */
TEST(xlate_relocation_silberschatz_base_limit)
{
    struct vmm_xlate x;
    uint64_t pa = 0;
    vmm_xlate_init(&x, VMM_MMU_RELOCATION);
    x.base = 300040;
    x.limit = 120900;
    CHECK_EQ_I64(vmm_xlate_check(&x, NULL, 0), 0);
    CHECK_EQ_I64(xl(&x, 0, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 300040);
    CHECK_EQ_I64(xl(&x, 120899, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 420939);
    CHECK_EQ_I64(xl(&x, 120900, &pa), VMM_XLATE_LIMIT);
    CHECK_EQ_I64(xl(&x, UINT64_MAX, &pa), VMM_XLATE_LIMIT);
    CHECK_STR_EQ(describe(&x, "120899"), "PA 0x66c4b (420939)");
    CHECK_STR_EQ(describe(&x, "0x1d844"),
                 "trap (segmentation violation): VA 120900 >= limit 120900");
    /* Physical memory ending exactly at base + limit fits; a byte less does not. */
    x.phys_size = 420940;
    CHECK_EQ_I64(vmm_xlate_check(&x, NULL, 0), 0);
    x.phys_size = 420939;
    CHECK_EQ_I64(vmm_xlate_check(&x, NULL, 0), VMM_ERANGE);
    vmm_xlate_free(&x);
}

/* Silberschatz, ch. "Main Memory", the segmentation example figure:
 * segment 0 base 1400 limit 1000, 1: 6300/400, 2: 4300/400, 3: 3200/1100,
 * 4: 4700/1000. Byte 53 of segment 2 is at 4353, byte 852 of segment 3 at
 * 4052, byte 1222 of segment 0 traps. */
TEST(xlate_segmentation_silberschatz_figure)
{
    static const char *const table[] = {"1400,1000", "6300,400", "4300,400", "3200,1100",
                                        "4700,1000"};
    struct vmm_xlate x;
    char err[256];
    uint64_t pa = 0;
    vmm_xlate_init(&x, VMM_MMU_SEGMENTATION);
    for (size_t i = 0; i < 5; i++)
        CHECK_EQ_I64(vmm_xlate_parse_segment(&x, table[i], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
    CHECK_EQ_I64(xl_sd(&x, 2, 53, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 4353);
    CHECK_EQ_I64(xl_sd(&x, 3, 852, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 4052);
    CHECK_EQ_I64(xl_sd(&x, 0, 1222, VMM_XLATE_ANY, &pa), VMM_XLATE_LIMIT);
    /* both edges of each segment */
    static const uint64_t base[] = {1400, 6300, 4300, 3200, 4700},
                          limit[] = {1000, 400, 400, 1100, 1000};
    for (uint64_t s = 0; s < 5; s++) {
        CHECK_EQ_I64(xl_sd(&x, s, 0, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
        CHECK_EQ_U64(pa, base[s]);
        CHECK_EQ_I64(xl_sd(&x, s, limit[s] - 1, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
        CHECK_EQ_U64(pa, base[s] + limit[s] - 1);
        CHECK_EQ_I64(xl_sd(&x, s, limit[s], VMM_XLATE_ANY, &pa), VMM_XLATE_LIMIT);
    }
    /* a segment number beyond the table (the segment-table length) traps */
    CHECK_EQ_I64(xl_sd(&x, 5, 0, VMM_XLATE_ANY, &pa), VMM_XLATE_NO_SEGMENT);
    CHECK_STR_EQ(describe(&x, "2:53"), "PA 0x1101 (4353)");
    CHECK_STR_EQ(describe(&x, "0:1222"),
                 "trap (segmentation violation): offset 1222 >= limit 1000");
    CHECK_STR_EQ(describe(&x, "5:0"),
                 "trap (segmentation violation): no segment 5, the table has 5");
    /* without segment bits a flat address cannot be split */
    CHECK_CONTAINS(describe(&x, "53"), "error: a flat address needs --seg-bits");
    vmm_xlate_free(&x);
}

/* Silberschatz, ch. "Main Memory", exercise: segment table (base, length)
 * 0: (219, 600), 1: (2300, 14), 2: (90, 100), 3: (1327, 580), 4: (1952, 96);
 * 0,430 -> 649; 1,10 -> 2310; 2,500 illegal; 3,400 -> 1727; 4,112 illegal. */
TEST(xlate_segmentation_silberschatz_exercise)
{
    static const struct vmm_xlate_segment t[] = {{219, 600, 7, false, true},
                                                 {2300, 14, 7, false, true},
                                                 {90, 100, 7, false, true},
                                                 {1327, 580, 7, false, true},
                                                 {1952, 96, 7, false, true}};
    struct vmm_xlate x;
    uint64_t pa = 0;
    vmm_xlate_init(&x, VMM_MMU_SEGMENTATION);
    for (size_t i = 0; i < 5; i++)
        CHECK_EQ_I64(vmm_xlate_add_segment(&x, &t[i], NULL, 0), 0);
    CHECK_EQ_I64(vmm_xlate_check(&x, NULL, 0), 0);
    CHECK_EQ_I64(xl_sd(&x, 0, 430, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 649);
    CHECK_EQ_I64(xl_sd(&x, 1, 10, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 2310);
    CHECK_EQ_I64(xl_sd(&x, 2, 500, VMM_XLATE_ANY, &pa), VMM_XLATE_LIMIT);
    CHECK_EQ_I64(xl_sd(&x, 3, 400, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 1727);
    CHECK_EQ_I64(xl_sd(&x, 4, 112, VMM_XLATE_ANY, &pa), VMM_XLATE_LIMIT);
    /* the edges of the short segment 1 and of segment 4 */
    CHECK_EQ_I64(xl_sd(&x, 1, 13, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 2313);
    CHECK_EQ_I64(xl_sd(&x, 1, 14, VMM_XLATE_ANY, &pa), VMM_XLATE_LIMIT);
    CHECK_EQ_I64(xl_sd(&x, 4, 95, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 2047);
    CHECK_EQ_I64(xl_sd(&x, 4, 96, VMM_XLATE_ANY, &pa), VMM_XLATE_LIMIT);
    vmm_xlate_free(&x);
}

/* OSTEP ch. 16 "Segmentation": a 16 KiB address space whose top two bits
 * select code (32K, 2K), heap (34K, 3K) or the stack (base 28K, 2K, growing
 * down); segment 2 is unused. VA 100 -> 32868, VA 4200 -> 34920, VA 7K is
 * beyond the heap, VA 15K is in the stack at 27K. */
TEST(xlate_segmentation_ostep_flat_and_grows_down)
{
    struct vmm_xlate x;
    char err[256];
    uint64_t pa = 0;
    vmm_xlate_init(&x, VMM_MMU_SEGMENTATION);
    x.as_size = 16 * 1024;
    x.seg_bits = 2;
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "32K,2K,r-x", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "34K,3K,rw", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "-", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "28K,2K,rw-,down", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
    CHECK(x.segs[3].down && x.segs[3].prot == (VMM_XLATE_R | VMM_XLATE_W));
    CHECK_EQ_I64(xl(&x, 100, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 32868);
    CHECK_EQ_I64(xl(&x, 4200, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 34920);
    CHECK_EQ_I64(xl(&x, 7 * 1024, &pa), VMM_XLATE_LIMIT);
    CHECK_EQ_I64(xl(&x, 15 * 1024, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 27 * 1024);
    /* the stack's edges: its top byte, its lowest byte, one below */
    CHECK_EQ_I64(xl(&x, 16383, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 28 * 1024 - 1);
    CHECK_EQ_I64(xl(&x, 14336, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 26 * 1024);
    CHECK_EQ_I64(xl(&x, 14335, &pa), VMM_XLATE_LIMIT);
    CHECK_STR_EQ(describe(&x, "14335"), "trap (segmentation violation): grows down, offset 2047 - "
                                        "max 4096 = -2049 < -limit -2048");
    /* the unused segment */
    CHECK_EQ_I64(xl(&x, 0x2000, &pa), VMM_XLATE_NO_SEGMENT);
    CHECK_STR_EQ(describe(&x, "0x2000"), "trap (segmentation violation): segment 2 is invalid");
    /* the pair form of the same addresses, and the result's parts */
    struct vmm_xlate_addr a = {0, 3, 3072, true, VMM_XLATE_ANY};
    struct vmm_xlate_result r;
    CHECK_EQ_I64(vmm_xlate_translate(&x, &a, &r), 0);
    CHECK_EQ_I64(r.outcome, VMM_XLATE_OK);
    CHECK_EQ_U64(r.pa, 27 * 1024);
    CHECK_EQ_U64(r.va, 15 * 1024);
    a = (struct vmm_xlate_addr){4200, 0, 0, false, VMM_XLATE_ANY};
    CHECK_EQ_I64(vmm_xlate_translate(&x, &a, &r), 0);
    CHECK_EQ_U64(r.seg, 1);
    CHECK_EQ_U64(r.offset, 104);
    /* addresses the setup cannot express are errors, not traps */
    a = (struct vmm_xlate_addr){16384, 0, 0, false, VMM_XLATE_ANY};
    CHECK_EQ_I64(vmm_xlate_translate(&x, &a, &r), VMM_ERANGE);
    a = (struct vmm_xlate_addr){0, 4, 0, true, VMM_XLATE_ANY};
    CHECK_EQ_I64(vmm_xlate_translate(&x, &a, &r), VMM_ERANGE);
    a = (struct vmm_xlate_addr){0, 1, 4096, true, VMM_XLATE_ANY};
    CHECK_EQ_I64(vmm_xlate_translate(&x, &a, &r), VMM_ERANGE);
    vmm_xlate_free(&x);
}

/* Permissions: checked only when the address names an operation, after the
 * segment and the limit. */
TEST(xlate_segmentation_protection)
{
    struct vmm_xlate x;
    char err[256];
    uint64_t pa = 0;
    vmm_xlate_init(&x, VMM_MMU_SEGMENTATION);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "1000,100,r-x", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "2000,100,rw", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "3000,100,-", err, sizeof err), 0);
    CHECK_EQ_I64(xl_sd(&x, 0, 5, VMM_READ, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 1005);
    CHECK_EQ_I64(xl_sd(&x, 0, 5, VMM_EXEC, &pa), VMM_XLATE_OK);
    CHECK_EQ_I64(xl_sd(&x, 0, 5, VMM_WRITE, &pa), VMM_XLATE_PROTECTION);
    CHECK_EQ_I64(xl_sd(&x, 0, 5, VMM_XLATE_ANY, &pa), VMM_XLATE_OK);
    CHECK_EQ_I64(xl_sd(&x, 1, 5, VMM_WRITE, &pa), VMM_XLATE_OK);
    CHECK_EQ_I64(xl_sd(&x, 1, 5, VMM_EXEC, &pa), VMM_XLATE_PROTECTION);
    CHECK_EQ_I64(xl_sd(&x, 2, 5, VMM_READ, &pa), VMM_XLATE_PROTECTION);
    /* the limit is checked before the permissions */
    CHECK_EQ_I64(xl_sd(&x, 0, 100, VMM_WRITE, &pa), VMM_XLATE_LIMIT);
    CHECK_STR_EQ(describe(&x, "w:0:5"), "trap (protection): segment 0 is r-x");
    CHECK_EQ_I64(x.addrs[x.naddrs - 1].op, VMM_WRITE);
    CHECK_STR_EQ(describe(&x, "x:0:99"), "PA 0x44b (1099)");
    vmm_xlate_free(&x);
}

/* Paging: VA -> (vpn, offset) -> frame * page + offset, both edges of a
 * page, invalid entries and addresses beyond the page table. */
TEST(xlate_paging)
{
    struct vmm_xlate x;
    char err[256];
    uint64_t pa = 0;
    vmm_xlate_init(&x, VMM_MMU_PAGING);
    x.page_size = 1024;
    CHECK_EQ_I64(vmm_xlate_parse_page_table(&x, "3,7,-,0x5", err, sizeof err), 0);
    CHECK_EQ_U64(x.npages, 4);
    CHECK(!x.pt[2].valid && x.pt[3].valid && x.pt[3].frame == 5);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
    CHECK_EQ_I64(xl(&x, 0, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 3072);
    CHECK_EQ_I64(xl(&x, 1023, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 4095);
    CHECK_EQ_I64(xl(&x, 1024, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 7168);
    CHECK_EQ_I64(xl(&x, 2048, &pa), VMM_XLATE_INVALID_PAGE);
    CHECK_EQ_I64(xl(&x, 3500, &pa), VMM_XLATE_OK);
    CHECK_EQ_U64(pa, 5 * 1024 + 428);
    CHECK_EQ_I64(xl(&x, 4096, &pa), VMM_XLATE_INVALID_PAGE); /* beyond the table */
    struct vmm_xlate_addr a = {3500, 0, 0, false, VMM_XLATE_ANY};
    struct vmm_xlate_result r;
    CHECK_EQ_I64(vmm_xlate_translate(&x, &a, &r), 0);
    CHECK_EQ_U64(r.vpn, 3);
    CHECK_EQ_U64(r.offset, 428);
    CHECK_EQ_U64(r.frame, 5);
    CHECK_STR_EQ(describe(&x, "2100"), "trap (invalid page, segmentation fault): vpn 2 is invalid");
    CHECK_STR_EQ(describe(&x, "4096"), "trap (invalid page, segmentation fault): vpn 4 is beyond "
                                       "the page table (4 entries)");
    /* an address space bounds the addresses; s:d and operations are not paging's */
    x.as_size = 4096;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
    CHECK_CONTAINS(describe(&x, "4096"), "error: 0x1000 (4096) is beyond the address space");
    CHECK_CONTAINS(describe(&x, "1:2"), "error: s:d addresses are for segmentation");
    CHECK_CONTAINS(describe(&x, "w:5"), "error: an operation (r:, w:, x:) applies only");
    /* physical memory bounds the frames */
    x.phys_size = 8 * 1024;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
    x.phys_size = 7 * 1024;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_ERANGE);
    CHECK_CONTAINS(err, "page-table entry 1: frame 7 is beyond physical memory");
    vmm_xlate_free(&x);
    CHECK(x.pt == NULL && x.npages == 0 && x.mmu == VMM_MMU_PAGING);
}

TEST(xlate_parse_value)
{
    uint64_t v = 0;
    CHECK_EQ_I64(vmm_xlate_parse_value("120900", &v), 0);
    CHECK_EQ_U64(v, 120900);
    CHECK_EQ_I64(vmm_xlate_parse_value("0x1D844", &v), 0);
    CHECK_EQ_U64(v, 120900);
    CHECK_EQ_I64(vmm_xlate_parse_value("28K", &v), 0);
    CHECK_EQ_U64(v, 28672);
    CHECK_EQ_I64(vmm_xlate_parse_value("1MiB", &v), 0);
    CHECK_EQ_U64(v, 1u << 20);
    CHECK_EQ_I64(vmm_xlate_parse_value("18446744073709551615", &v), 0);
    CHECK_EQ_U64(v, UINT64_MAX);
    static const char *const bad[] = {"",   "0x",  "x1",  "-1",   "+1",   " 1",
                                      "1 ", "12Q", "1KK", "0x1z", "0x10k"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_I64(vmm_xlate_parse_value(bad[i], &v), VMM_EPARSE);
    CHECK_EQ_I64(vmm_xlate_parse_value("18446744073709551616", &v), VMM_ERANGE);
    CHECK_EQ_I64(vmm_xlate_parse_value("16777216T", &v), VMM_ERANGE);
}

TEST(xlate_parse_and_check_errors)
{
    struct vmm_xlate x;
    char err[256];
    vmm_xlate_init(&x, VMM_MMU_SEGMENTATION);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "1400", err, sizeof err), VMM_EPARSE);
    CHECK_CONTAINS(err, "expected BASE,LIMIT");
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "1400,1000,rwz", err, sizeof err), VMM_EPARSE);
    CHECK_CONTAINS(err, "'rwz': expected permissions");
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "1400,x", err, sizeof err), VMM_EPARSE);
    CHECK_CONTAINS(err, "limit: expected a number");
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "1400,10,down,up", err, sizeof err), VMM_EPARSE);
    CHECK_EQ_U64(x.nsegs, 0);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_EINVAL); /* empty table */
    /* growing down needs the largest segment size, so segment bits */
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "2K,1K,down", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "grows down");
    x.seg_bits = 1;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_EINVAL); /* no address space */
    x.as_size = 4096;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
    x.segs[0].base = 512; /* a stack whose top is below its length */
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_ERANGE);
    x.segs[0].base = 2048;
    for (int i = 0; i < 2; i++)
        CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "-", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_ERANGE); /* 3 segments, 1 bit */
    CHECK_CONTAINS(err, "3 segments, but 1 segment bits select at most 2");
    vmm_xlate_free(&x);
    for (int i = 0; i < VMM_XLATE_MAX_SEGMENTS; i++)
        CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "0,1", err, sizeof err), 0);
    CHECK_EQ_I64(vmm_xlate_parse_segment(&x, "0,1", err, sizeof err), VMM_ELIMIT);

    vmm_xlate_init(&x, VMM_MMU_PAGING);
    CHECK_EQ_I64(vmm_xlate_parse_page_table(&x, "1,,2", err, sizeof err), VMM_EPARSE);
    CHECK_CONTAINS(err, "entry 1: expected a frame number or - (invalid), found ''");
    vmm_xlate_free(&x);
    CHECK_EQ_I64(vmm_xlate_parse_page_table(&x, "1,2", err, sizeof err), 0);
    x.page_size = 3000;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "page size 3000 is not a power of two");
    x.page_size = 1024;
    x.as_size = 1024; /* two entries, one page */
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_ERANGE);
    vmm_xlate_free(&x);

    vmm_xlate_init(&x, VMM_MMU_RELOCATION);
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_EINVAL); /* limit 0 */
    x.limit = 10;
    x.base = UINT64_MAX - 5;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_ERANGE);
    x.base = 0;
    x.as_size = 8;
    CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), VMM_ERANGE); /* limit > space */
    x.as_size = 0;
    CHECK_EQ_I64(vmm_xlate_parse_addr(&x, "12abc", err, sizeof err), VMM_EPARSE);
    CHECK_EQ_I64(vmm_xlate_parse_addr(&x, "99999999999999999999", err, sizeof err), VMM_ERANGE);
    CHECK_EQ_U64(x.naddrs, 0);
    vmm_xlate_free(&x);
}

/* ---- the generator -------------------------------------------------------- */

/* The exercise printed with its answers, as a string to free. */
static char *printed(const struct vmm_xlate *x, unsigned flags)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    vmm_xlate_print(x, flags, f);
    fclose(f);
    return buf;
}

static char *generated(enum vmm_mmu mmu, uint64_t seed, unsigned flags)
{
    struct vmm_xlate_gen g = {mmu, seed, 0, 0, 0, 0, 0};
    struct vmm_xlate x;
    char err[256];
    vmm_xlate_init(&x, mmu);
    if (vmm_xlate_generate(&g, &x, err, sizeof err) < 0)
        return NULL;
    char *s = printed(&x, flags);
    vmm_xlate_free(&x);
    return s;
}

TEST(xlate_generate_deterministic)
{
    static const enum vmm_mmu mmus[] = {VMM_MMU_RELOCATION, VMM_MMU_SEGMENTATION, VMM_MMU_PAGING};
    for (size_t m = 0; m < 3; m++) {
        char *a = generated(mmus[m], 42, VMM_XLATE_ANSWERS | VMM_XLATE_JSON);
        char *b = generated(mmus[m], 42, VMM_XLATE_ANSWERS | VMM_XLATE_JSON);
        CHECK(a && b);
        CHECK_STR_EQ(a, b);
        free(b);
        /* different seeds, different exercises */
        for (uint64_t s = 0; s < 20; s++) {
            b = generated(mmus[m], s, VMM_XLATE_ANSWERS | VMM_XLATE_JSON);
            CHECK(b && strcmp(a, b) != 0);
            free(b);
        }
        free(a);
    }
    /* A fixed seed gives a fixed exercise on every machine: the generator is
     * the seed's splitmix64 stream and nothing else. */
    char *r = generated(VMM_MMU_RELOCATION, 7, VMM_XLATE_ANSWERS | VMM_XLATE_JSON);
    CHECK(r != NULL);
    CHECK_CONTAINS(r, "\"base\": 977,\n  \"limit\": 7289,");
    CHECK_CONTAINS(r, "{\"va\": 2391, \"outcome\": \"ok\", \"pa\": 3368}");
    free(r);
}

/* A naive reference, from the definitions: the outcome of va on x. */
static int reference(const struct vmm_xlate *x, uint64_t va, uint64_t *pa)
{
    if (x->mmu == VMM_MMU_RELOCATION) {
        if (va >= x->limit)
            return VMM_XLATE_LIMIT;
        *pa = x->base + va;
        return VMM_XLATE_OK;
    }
    if (x->mmu == VMM_MMU_PAGING) {
        uint64_t vpn = va / x->page_size;
        if (vpn >= x->npages || !x->pt[vpn].valid)
            return VMM_XLATE_INVALID_PAGE;
        *pa = x->pt[vpn].frame * x->page_size + va % x->page_size;
        return VMM_XLATE_OK;
    }
    unsigned bits = 0;
    while ((1ull << bits) < x->as_size)
        bits++;
    uint64_t seg = va >> (bits - x->seg_bits), max = 1ull << (bits - x->seg_bits);
    uint64_t off = va - seg * max;
    if (seg >= x->nsegs || !x->segs[seg].valid)
        return VMM_XLATE_NO_SEGMENT;
    const struct vmm_xlate_segment *s = &x->segs[seg];
    if (!s->down) {
        if (off >= s->limit)
            return VMM_XLATE_LIMIT;
        *pa = s->base + off;
        return VMM_XLATE_OK;
    }
    /* growing down: the segment holds the top `limit` offsets below max */
    if (off < max - s->limit)
        return VMM_XLATE_LIMIT;
    *pa = (s->base - s->limit) + (off - (max - s->limit));
    return VMM_XLATE_OK;
}

TEST(xlate_generate_answers_and_mix)
{
    static const struct vmm_xlate_gen params[] = {
        {VMM_MMU_RELOCATION, 0, 0, 0, 0, 0, 0},
        {VMM_MMU_RELOCATION, 0, 1024, 16384, 0, 0, 8},
        {VMM_MMU_RELOCATION, 0, 16, 16, 0, 0, 2},
        {VMM_MMU_SEGMENTATION, 0, 0, 0, 0, 0, 0},
        {VMM_MMU_SEGMENTATION, 0, 1024, 16384, 0, 1, 8},
        {VMM_MMU_SEGMENTATION, 0, 1u << 20, 1u << 20, 0, 3, 10},
        {VMM_MMU_SEGMENTATION, 0, 64, 64, 0, 4, 3},
        {VMM_MMU_PAGING, 0, 0, 0, 0, 0, 0},
        {VMM_MMU_PAGING, 0, 16384, 65536, 4096, 0, 5},
        {VMM_MMU_PAGING, 0, 1u << 20, 1u << 20, 256, 0, 12},
        {VMM_MMU_PAGING, 0, 64, 64, 32, 0, 2},
    };
    for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
        uint64_t legal = 0, total = 0;
        for (uint64_t seed = 0; seed < 300; seed++) {
            struct vmm_xlate_gen g = params[p];
            struct vmm_xlate x;
            char err[256];
            g.seed = seed * 7919 + p;
            vmm_xlate_init(&x, g.mmu);
            CHECK_EQ_I64(vmm_xlate_generate(&g, &x, err, sizeof err), 0);
            CHECK(x.generated && x.seed == g.seed && x.mmu == g.mmu);
            CHECK_EQ_I64(vmm_xlate_check(&x, err, sizeof err), 0);
            CHECK_EQ_U64(x.naddrs, g.count ? g.count : 5);
            if (x.mmu == VMM_MMU_PAGING) /* distinct frames */
                for (size_t i = 0; i < x.npages; i++)
                    for (size_t j = 0; j < i; j++)
                        CHECK(!x.pt[i].valid || !x.pt[j].valid || x.pt[i].frame != x.pt[j].frame);
            if (x.mmu == VMM_MMU_SEGMENTATION) /* disjoint segments in physical memory */
                for (size_t i = 0; i < x.nsegs; i++)
                    for (size_t j = 0; j < i; j++) {
                        const struct vmm_xlate_segment *a = &x.segs[i], *b = &x.segs[j];
                        if (!a->valid || !b->valid)
                            continue;
                        uint64_t a0 = a->down ? a->base - a->limit : a->base;
                        uint64_t b0 = b->down ? b->base - b->limit : b->base;
                        CHECK(a0 + a->limit <= b0 || b0 + b->limit <= a0);
                    }
            size_t ok = 0;
            for (size_t i = 0; i < x.naddrs; i++) {
                struct vmm_xlate_result r;
                uint64_t pa = 0;
                CHECK_EQ_I64(vmm_xlate_translate(&x, &x.addrs[i], &r), 0);
                CHECK_EQ_I64(r.outcome, reference(&x, x.addrs[i].va, &pa));
                if (r.outcome == VMM_XLATE_OK) {
                    CHECK_EQ_U64(r.pa, pa);
                    CHECK(x.phys_size == 0 || r.pa < x.phys_size);
                    ok++;
                }
            }
            /* both kinds in every exercise of two or more addresses */
            if (x.naddrs >= 2)
                CHECK(ok > 0 && ok < x.naddrs);
            legal += ok;
            total += x.naddrs;
            vmm_xlate_free(&x);
        }
        /* about half legal */
        CHECK(legal * 100 >= total * 35 && legal * 100 <= total * 65);
    }
}

TEST(xlate_generate_refuses_bad_parameters)
{
    struct vmm_xlate x;
    char err[256];
    vmm_xlate_init(&x, VMM_MMU_PAGING);
    struct vmm_xlate_gen g = {VMM_MMU_PAGING, 1, 0, 0, 3000, 0, 0};
    CHECK_EQ_I64(vmm_xlate_generate(&g, &x, err, sizeof err), VMM_ERANGE);
    CHECK_CONTAINS(err, "page size");
    g = (struct vmm_xlate_gen){VMM_MMU_RELOCATION, 1, 10000, 0, 0, 0, 0};
    CHECK_EQ_I64(vmm_xlate_generate(&g, &x, err, sizeof err), VMM_ERANGE);
    CHECK_CONTAINS(err, "address space");
    g = (struct vmm_xlate_gen){VMM_MMU_RELOCATION, 1, 16384, 8192, 0, 0, 0};
    CHECK_EQ_I64(vmm_xlate_generate(&g, &x, err, sizeof err), VMM_ERANGE);
    CHECK_CONTAINS(err, "physical memory");
    g = (struct vmm_xlate_gen){VMM_MMU_SEGMENTATION, 1, 16, 0, 0, 3, 0};
    CHECK_EQ_I64(vmm_xlate_generate(&g, &x, err, sizeof err), VMM_ERANGE);
    CHECK_CONTAINS(err, "segment bits");
    g = (struct vmm_xlate_gen){VMM_MMU_RELOCATION, 1, 0, 0, 0, 0, 10001};
    CHECK_EQ_I64(vmm_xlate_generate(&g, &x, err, sizeof err), VMM_ERANGE);
    CHECK_EQ_U64(x.naddrs, 0);
    vmm_xlate_free(&x);
}

TEST(xlate_print_hides_answers)
{
    char *s = generated(VMM_MMU_SEGMENTATION, 3, 0);
    CHECK(s != NULL);
    CHECK_CONTAINS(s, "segmentation exercise from seed 3");
    CHECK_CONTAINS(s, "->  ?\n");
    CHECK(strstr(s, "PA ") == NULL && strstr(s, "trap") == NULL &&
          strstr(s, "seg 0 offset") == NULL);
    free(s);
    s = generated(VMM_MMU_SEGMENTATION, 3, VMM_XLATE_ANSWERS);
    CHECK(s != NULL);
    CHECK(strstr(s, "->  ?") == NULL);
    CHECK_CONTAINS(s, "physical");
    free(s);
    s = generated(VMM_MMU_PAGING, 3, VMM_XLATE_JSON);
    CHECK(s != NULL);
    CHECK_CONTAINS(s, "\"page_table\": [");
    CHECK(strstr(s, "outcome") == NULL);
    free(s);
    CHECK_STR_EQ(vmm_xlate_mmu_name(VMM_MMU_SEGMENTATION), "segmentation");
    CHECK_EQ_I64(vmm_xlate_mmu_parse("paging"), VMM_MMU_PAGING);
    CHECK_EQ_I64(vmm_xlate_mmu_parse("pages"), -1);
    CHECK_STR_EQ(vmm_xlate_outcome_name(VMM_XLATE_INVALID_PAGE), "invalid_page");
}
