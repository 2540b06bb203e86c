/*
 * fuzz_trace.c - every trace reader and the replay path on arbitrary bytes.
 * The bytes go to an in-memory file (memfd), are opened like any trace and
 * replayed into a small system with the invariant checker after every
 * reference. Any outcome is fine except a crash, a sanitizer report, or a
 * broken invariant (which aborts).
 */
#include "fuzz/fuzz.h"
#include "vmm.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_trace_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int fmt = data[0] % VMM_FMT__COUNT; /* 0 = auto-detect */
    int fd = memfd_create("fuzz-trace", 0);
    if (fd < 0)
        return 0;
    if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(fd);
        return 0;
    }
    char path[64], err[512];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 3;
    c.page_size = 512;
    c.tlb_entries = 4;
    c.check = true;
    c.policy = (data[0] >> 4) & 1 ? "clock" : "lru";
    struct vmm_system *sys = NULL;
    struct vmm_trace *tr = NULL;
    if (vmm_system_create(&c, &sys, err, sizeof err) == 0 &&
        vmm_trace_open(path, (enum vmm_trace_format)fmt, c.page_size, &tr, err, sizeof err) == 0) {
        int r = vmm_replay(sys, &tr, 1);
        if (r == VMM_EINVARIANT) {
            fprintf(stderr, "invariant broken: %s\n", vmm_system_error(sys));
            abort();
        }
    }
    vmm_trace_close(tr);
    vmm_system_destroy(sys);
    close(fd);
    return 0;
}
