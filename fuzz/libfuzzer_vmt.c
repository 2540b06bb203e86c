/* libFuzzer entry for fuzz_vmt_one (built by `make fuzz`, with clang). */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_vmt_one(data, size);
}
