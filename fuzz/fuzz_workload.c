/*
 * fuzz_workload.c - the workload parser and interpreter on arbitrary text,
 * run with the invariant checker after every reference. Settings from the
 * script are clamped so one input cannot ask for gigabytes.
 */
#include "fuzz/fuzz.h"
#include "vmm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_workload_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[512];
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct vmm_workload *w = NULL;
    if (vmm_workload_parse("fuzz.vmw", text, &w, err, sizeof err) == 0 &&
        /* Files an input names (mmap file= can write them) are looked for in a
         * directory that does not exist: never the fuzzer's own files. */
        vmm_workload_set_files(w, "/nonexistent/vmm-fuzz") == 0) {
        struct vmm_config c;
        vmm_config_default(&c);
        vmm_workload_settings(w, &c);
        if (c.frames > 64)
            c.frames = 64;
        c.max_memory = 64u << 20;
        c.check = true;
        struct vmm_system *sys = NULL;
        uint64_t failures = 0;
        if (vmm_system_create(&c, &sys, err, sizeof err) == 0) {
            FILE *devnull = fopen("/dev/null", "w");
            if (vmm_workload_run(sys, w, devnull, &failures) == VMM_EINVARIANT) {
                fprintf(stderr, "invariant broken: %s\n", vmm_system_error(sys));
                abort();
            }
            if (devnull)
                fclose(devnull);
        }
        vmm_system_destroy(sys);
    }
    vmm_workload_free(w);
    free(text);
    return 0;
}
