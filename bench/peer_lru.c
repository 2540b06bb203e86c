/*
 * peer_lru.c - the benchmark's peer: the smallest exact LRU simulator one
 * would write by hand for a u32le page-number trace. Page numbers index an
 * array directly (no hashing, no page table, no TLB, no statistics beyond the
 * fault count), the recency list is intrusive over page numbers. It shows
 * what the machine allows; vmm does more work per reference (a page-table
 * walk, frame table, reverse map, policy interface) and is compared with it
 * as a ratio in the same run.
 *
 *   peer_lru FRAMES TRACE     prints: references faults
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NONE UINT32_MAX

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: peer_lru FRAMES TRACE\n"), 1;
    uint64_t frames = strtoull(argv[1], NULL, 10), used = 0, refs = 0, faults = 0;
    FILE *f = fopen(argv[2], "rb");
    if (!f || !frames)
        return fprintf(stderr, "peer_lru: cannot read %s\n", argv[2]), 1;
    size_t cap = 1 << 20;
    uint32_t *prev = malloc(cap * 4), *next = malloc(cap * 4);
    uint8_t *in = calloc(cap, 1);
    uint32_t head = NONE, tail = NONE, buf[16384];
    size_t n;
    while ((n = fread(buf, 4, 16384, f)) > 0) {
        for (size_t i = 0; i < n; i++) {
            uint32_t p = buf[i]; /* little-endian host assumed, as in the bench */
            refs++;
            if (p >= cap) {
                size_t nc = cap;
                while (nc <= p)
                    nc *= 2;
                prev = realloc(prev, nc * 4);
                next = realloc(next, nc * 4);
                in = realloc(in, nc);
                for (size_t k = cap; k < nc; k++)
                    in[k] = 0;
                cap = nc;
            }
            if (in[p]) { /* hit: move to the tail (most recent) */
                if (tail == p)
                    continue;
                if (prev[p] != NONE)
                    next[prev[p]] = next[p];
                else
                    head = next[p];
                prev[next[p]] = prev[p];
            } else {
                faults++;
                if (used == frames) { /* evict the head */
                    uint32_t v = head;
                    head = next[v];
                    if (head != NONE)
                        prev[head] = NONE;
                    else
                        tail = NONE;
                    in[v] = 0;
                } else {
                    used++;
                }
                in[p] = 1;
            }
            prev[p] = tail;
            next[p] = NONE;
            if (tail != NONE)
                next[tail] = p;
            else
                head = p;
            tail = p;
        }
    }
    printf("%llu %llu\n", (unsigned long long)refs, (unsigned long long)faults);
    return 0;
}
