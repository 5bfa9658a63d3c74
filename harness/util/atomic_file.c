/* atomic_file.c: temp file in the same directory + fsync + rename(2), so a
 * reader (or a Ctrl-C, or a full disk) never sees half a report. */
#include "atomic_file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int pf_atomic_open(struct pf_atomic_file *af, const char *path, char *err, size_t errlen)
{
    af->f = NULL;
    if (snprintf(af->path, sizeof af->path, "%s", path) >= (int)sizeof af->path) {
        snprintf(err, errlen, "%.200s...: path too long", path);
        return -1;
    }
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%d", path, (int)getpid());
    af->f = fopen(af->tmp, "we");
    if (!af->f) {
        snprintf(err, errlen, "cannot write %.300s: %s", af->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int pf_atomic_commit(struct pf_atomic_file *af, char *err, size_t errlen)
{
    int bad = ferror(af->f) || fflush(af->f) != 0 || fsync(fileno(af->f)) != 0;
    int e = bad ? (errno ? errno : EIO) : 0;
    if (fclose(af->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->f = NULL;
    if (!bad && rename(af->tmp, af->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        snprintf(err, errlen, "cannot write %.300s: %s", af->path, strerror(e));
        unlink(af->tmp);
        return -1;
    }
    return 0;
}

void pf_atomic_abort(struct pf_atomic_file *af)
{
    if (af->f)
        fclose(af->f);
    af->f = NULL;
    unlink(af->tmp);
}
