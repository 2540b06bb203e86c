/*
 * gen.c - writes the benchmark traces as raw little-endian 32-bit page
 * numbers (vmm's u32le format).
 *
 *   gen zipf  OUT REFS PAGES ALPHA SEED   Zipf(alpha) over PAGES pages; the
 *                                         popularity ranks are shuffled over
 *                                         the page numbers (seeded)
 *   gen loop  OUT REFS PAGES              0, 1, ..., PAGES-1, 0, 1, ...
 *
 * Sampling: inverse CDF over the precomputed cumulative weights 1/k^alpha,
 * with a binary search per reference; splitmix64 as the generator, so the
 * same arguments always give the same file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void put(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    fwrite(b, 1, 4, f);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: gen zipf OUT REFS PAGES ALPHA SEED | gen loop OUT REFS PAGES\n");
        return 1;
    }
    FILE *out = fopen(argv[2], "wb");
    uint64_t refs = strtoull(argv[3], NULL, 10), pages = strtoull(argv[4], NULL, 10);
    if (!out || !refs || !pages || pages > UINT32_MAX) {
        fprintf(stderr, "gen: bad arguments or cannot write %s\n", argv[2]);
        return 1;
    }
    if (strcmp(argv[1], "loop") == 0) {
        for (uint64_t i = 0; i < refs; i++)
            put(out, (uint32_t)(i % pages));
    } else if (strcmp(argv[1], "zipf") == 0 && argc == 7) {
        double alpha = atof(argv[5]);
        state = strtoull(argv[6], NULL, 10);
        double *cdf = malloc(pages * sizeof *cdf);
        uint32_t *perm = malloc(pages * sizeof *perm);
        if (!cdf || !perm)
            return 1;
        double sum = 0;
        for (uint64_t k = 0; k < pages; k++)
            cdf[k] = (sum += 1.0 / pow((double)(k + 1), alpha));
        for (uint64_t k = 0; k < pages; k++)
            perm[k] = (uint32_t)k;
        for (uint64_t k = pages - 1; k > 0; k--) {
            uint64_t j = next() % (k + 1);
            uint32_t t = perm[k];
            perm[k] = perm[j];
            perm[j] = t;
        }
        for (uint64_t i = 0; i < refs; i++) {
            double u = (double)(next() >> 11) * 0x1.0p-53 * sum;
            uint64_t lo = 0, hi = pages - 1;
            while (lo < hi) {
                uint64_t mid = (lo + hi) / 2;
                if (cdf[mid] < u)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            put(out, perm[lo]);
        }
        free(cdf);
        free(perm);
    } else {
        fprintf(stderr, "gen: unknown kind %s\n", argv[1]);
        return 1;
    }
    return fclose(out) == 0 ? 0 : 1;
}
