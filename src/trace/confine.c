/*
 * confine.c - a script may name files (mmap file=, trace FILE), and a script
 * is untrusted input: it must not reach beyond the directory the user named.
 *
 * The rules, checked in this order:
 *   1. no '..' component anywhere (even one that would stay inside: the rule
 *      is simple to state and to check);
 *   2. an absolute path must lie inside the directory (compared with the
 *      directory's real path);
 *   3. the file is opened relative to the directory with openat2(2) and
 *      RESOLVE_BENEATH, so the kernel refuses any symbolic link that leads
 *      out (an absolute one, or one climbing with ..); where openat2 is not
 *      available, the file is opened and its real path (from /proc/self/fd)
 *      must lie inside the directory;
 *   4. it must be a regular file. It is opened with O_NONBLOCK so that a
 *      FIFO cannot block the open before it is refused.
 */
#include "trace/confine.h"

#include "vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif
#endif

static int refuse(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* True if path has a ".." component. */
static bool has_dotdot(const char *path)
{
    for (const char *c = path; *c;) {
        const char *e = strchr(c, '/');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return true;
        c += n;
        while (*c == '/')
            c++;
    }
    return false;
}

/* True if real (a real path) is root or inside it. */
static bool inside(const char *root, const char *real)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return true;
    return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* Opens rel beneath the directory dirfd; sets *escaped if a link leads out. */
static int open_beneath(int dirfd, const char *real_root, const char *rel, int flags, bool *escaped)
{
    *escaped = false;
#ifdef HAVE_OPENAT2
    struct open_how how = {.flags = (unsigned long long)flags,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) {
        *escaped = fd < 0 && errno == EXDEV;
        return (int)fd;
    }
#endif
    /* No openat2: open, then see where the file really is. */
    int f = openat(dirfd, rel, flags);
    if (f < 0)
        return f;
    char link[64], real[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", f);
    ssize_t n = readlink(link, real, sizeof real - 1);
    if (n < 0 || (size_t)n >= sizeof real - 1) {
        close(f);
        errno = EACCES; /* cannot tell where it is: refuse */
        *escaped = true;
        return -1;
    }
    real[n] = '\0';
    if (!inside(real_root, real)) {
        close(f);
        errno = EXDEV;
        *escaped = true;
        return -1;
    }
    return f;
}

int wl_open_confined(const char *root, const char *path, int flags, char *err, size_t errlen)
{
    char real_root[PATH_MAX];
    if (!path || !path[0])
        return refuse(err, errlen, VMM_EINVAL, "an empty path; expected a file inside %s",
                      root ? root : ".");
    if (!root || !root[0])
        root = ".";
    if (has_dotdot(path))
        return refuse(err, errlen, VMM_EINVAL,
                      "%s: '..' is not allowed; expected a path inside %s (the files "
                      "directory, --files DIR)",
                      path, root);
    if (!realpath(root, real_root))
        return refuse(err, errlen, VMM_ENOENT, "%s: the files directory %s: %s", path, root,
                      strerror(errno));
    const char *rel = path;
    if (path[0] == '/') {
        size_t n = strlen(real_root);
        bool in = n == 1 ? true : strncmp(path, real_root, n) == 0 && path[n] == '/';
        if (!in)
            return refuse(err, errlen, VMM_EINVAL,
                          "%s: an absolute path outside %s (the files directory, --files "
                          "DIR); expected a path inside it",
                          path, real_root);
        rel = path + (n == 1 ? 1 : n + 1);
        while (*rel == '/')
            rel++;
        if (!*rel)
            return refuse(err, errlen, VMM_EINVAL,
                          "%s: the files directory itself; expected a "
                          "file in it",
                          path);
    }
    int dirfd = open(real_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return refuse(err, errlen, VMM_EIO, "%s: cannot open the files directory %s: %s", path,
                      real_root, strerror(errno));
    bool escaped;
    int fd =
        open_beneath(dirfd, real_root, rel, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, &escaped);
    int e = errno;
    close(dirfd);
    if (fd < 0 && escaped)
        return refuse(err, errlen, VMM_EINVAL,
                      "%s: a symbolic link leads outside %s (the files directory, --files DIR); "
                      "expected a file inside it",
                      path, real_root);
    if (fd < 0)
        return refuse(err, errlen, e == ENOENT ? VMM_ENOENT : VMM_EIO, "%s: cannot open: %s", path,
                      strerror(e));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return refuse(err, errlen, VMM_EINVAL, "%s: not a regular file; expected a file", path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}
