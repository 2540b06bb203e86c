/*
 * fuzz_workload.c - the workload parser and interpreter on arbitrary text,
 * run with the invariant checker after every reference, in script order or
 * (inputs of odd length, unless the script chooses) under round-robin
 * scheduling. Settings from the
 * script are clamped so one input cannot ask for gigabytes. The files a
 * script may name (mmap file=, trace FILE) are confined to a directory of the
 * fuzzer's own, made once with two small files in it (a.bin: 5000 bytes, a
 * partial last page; b.bin: 4096), so mapping them is explored and nothing
 * else on the machine can be touched.
 */
#include "fuzz/fuzz.h"
#include "vmm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The files directory, made on first use under $VMM_TEST_TMP or $TMPDIR. */
static const char *files_dir(void)
{
    static char dir[512];
    if (dir[0])
        return dir;
    const char *base = getenv("VMM_TEST_TMP");
    if (!base || !*base)
        base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/vmm-fuzz-files-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        dir[0] = '\0';
        return NULL;
    }
    static const struct {
        const char *name;
        size_t size;
    } files[] = {{"a.bin", 5000}, {"b.bin", 4096}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, files[i].name);
        FILE *f = fopen(p, "w");
        for (size_t k = 0; f && k < files[i].size; k++)
            fputc((int)(k * 7 + i), f);
        if (f)
            fclose(f);
    }
    return dir;
}

int fuzz_workload_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), err[512];
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct vmm_workload *w = NULL;
    const char *dir = files_dir();
    if (dir && vmm_workload_parse("fuzz.vmw", text, &w, err, sizeof err) == 0 &&
        vmm_workload_set_files(w, dir) == 0) {
        struct vmm_config c;
        vmm_config_default(&c);
        /* Inputs of odd length run under round robin with a quantum of 1 .. 8
         * references unless the script sets sched or quantum itself, so
         * both runners are explored from one corpus. */
        if (size & 1) {
            c.sched = VMM_SCHED_RR;
            c.quantum_refs = 1 + size / 2 % 8;
        }
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
