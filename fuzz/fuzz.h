/*
 * fuzz.h - the fuzz targets. Each is one function over a byte string; a
 * libFuzzer entry point wraps it (fuzz/libfuzzer_*.c, `make fuzz`), and the
 * test binary replays every file of fuzz/corpus/TARGET/ through it under
 * `make test`, so what the fuzzer once found stays fixed.
 */
#ifndef VMM_FUZZ_H
#define VMM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Any bytes as a trace (first byte picks the format or auto-detection),
 * replayed with the invariant checker on. Aborts only on a real bug. */
int fuzz_trace_one(const uint8_t *data, size_t size);
/* Any bytes as the records of a .vmt block (wrapped in a valid header and
 * checksums), read, checked, written back and read again. */
int fuzz_vmt_one(const uint8_t *data, size_t size);
/* Any bytes as a workload script, parsed and run with the checker on. */
int fuzz_workload_one(const uint8_t *data, size_t size);

#endif
