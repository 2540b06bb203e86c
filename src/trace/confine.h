/*
 * confine.h - opening files that an untrusted script names, inside one
 * directory (src/trace only).
 */
#ifndef VMM_CONFINE_H
#define VMM_CONFINE_H

#include <stddef.h>

/* Opens path, as a script names it, inside the directory root: a relative
 * path is taken from root; an absolute one must lie inside root. Refused,
 * with a message saying which rule: a '..' component, an absolute path
 * elsewhere, a symbolic link that leads out of root, and anything but a
 * regular file (a device, a FIFO, a directory). flags: O_RDONLY or O_RDWR.
 * Returns the descriptor, or a negative VMM_E* with "path: why" in err. */
int wl_open_confined(const char *root, const char *path, int flags, char *err, size_t errlen);

#endif /* VMM_CONFINE_H */
