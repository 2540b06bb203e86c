/*
 * sweep.h - what cli/sweep.c (the command, its printing) and
 * cli/sweep_merge.c (joining the shards of a sweep) share.
 */
#ifndef VMM_CLI_SWEEP_H
#define VMM_CLI_SWEEP_H

#include "vmm.h"

#define SWEEP_MAX_POLICIES 32   /* policies a sweep holds */
#define SWEEP_POLICY_BUF   1024 /* bytes of their names and parameters, NULs included */
#define SWEEP_SHARD_FORMAT 1    /* the version of a shard's JSON ("vmm_sweep_shard") */

/* A whole sweep joined from its shards: what an unsharded run would have. */
struct sweep_merged {
    struct vmm_sweep_result res;              /* every point, anomalies marked */
    char policy_buf[SWEEP_POLICY_BUF];        /* the policies, each NUL-terminated */
    const char *policies[SWEEP_MAX_POLICIES]; /* into policy_buf, in the sweep's order */
    size_t npolicies;                         /* how many */
    uint32_t page_size;                       /* as the shards were run */
    unsigned va_bits;                         /* ditto */
    uint64_t seed;                            /* ditto */
    char input[1024];                         /* shard 1's "input" */
    char format[64];                          /* shard 1's "format" */
};

/* Reads the files (shards written by vmm sweep --shard K/N; "-" is standard
 * input), checks that they are the N shards of one sweep, each once, with
 * every point once between them, and joins them into *m (free it with
 * sweep_merged_free, also after a failure). Returns EXIT_OK, or an exit
 * code after printing why (the file, and LINE:COL in it where it applies). */
int sweep_merge(char **files, int nfiles, struct sweep_merged *m);
void sweep_merged_free(struct sweep_merged *m);

#endif
