/*
 * sweep.h - what sweep.c shares with the other curve builders (shards.c):
 * reading traces into page references as a sweep sees them.
 */
#ifndef VMM_SWEEP_H
#define VMM_SWEEP_H

#include "vmm.h"

/* Takes n page references (none crosses a page; n >= 1) from
 * vmm__sweep_stream. Returns 0, or a negative code with a message in err,
 * which stops the reading. */
typedef int (*vmm__page_sink)(void *ctx, const struct vmm_ref *refs, size_t n, char *err,
                              size_t errlen);

/* Reads the traces in order, a batch at a time, as vmm_sweep_load does: each
 * reference split into one per page it touches, each single-process trace its
 * own process (pid 1, 2, ...) when several are given, addresses refused
 * beyond va_bits; hands the page references to sink batch by batch, so
 * memory does not grow with the trace. Returns 0, the trace's error with its
 * message, VMM_EINVAL (page size, width), VMM_ERANGE, VMM_ENOMEM, or the
 * sink's error. */
int vmm__sweep_stream(struct vmm_trace **traces, size_t ntraces, uint32_t page_size,
                      unsigned va_bits, vmm__page_sink sink, void *ctx, char *err, size_t errlen);

#endif
