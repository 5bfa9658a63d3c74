/* repro_check.c: the folder, the interpreter and the input files of a
 * replay, checked against what results.json recorded. A replay elsewhere,
 * on another binary or of a script deleted or edited since can give the
 * same class for another reason (python3.11 not finding t.py is an
 * "error" too) and say "reproduced" falsely, or "not reproduced". */
#include "repro_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"
#include "result_json.h"
#include "shellquote.h"

int pf_repro_enter_cwd(const struct pf_results *r, char *err, size_t errlen)
{
    if (!r->cwd || !r->cwd[0])
        return 1;
    if (chdir(r->cwd) < 0) {
        snprintf(err, errlen, "the folder the trials ran in, %.900s: %s", r->cwd,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int pf_repro_same_binary(const struct pf_rinterp *in, char *err, size_t errlen)
{
    struct pf_interp now;
    /* a known (empty) version: only resolve and hash, never run it */
    if (pf_interp_describe_known(&now, in->id, in->path, "", err, errlen) < 0)
        return -1;
    if (strcmp(now.sha256, in->sha256) == 0)
        return 0;
    snprintf(err, errlen, "%.900s changed since the sweep: sha256 %s, was %s", in->path,
             now.sha256, in->sha256);
    return 1;
}

int pf_repro_same_inputs(const json_t *files, char *err, size_t errlen)
{
    if (!files)
        return 0;
    if (!json_is_array(files)) {
        snprintf(err, errlen, "files: expected an array");
        return -1;
    }
    size_t k;
    json_t *f;
    int changed = 0; /* the first changed one is told; a gone one wins */
    json_array_foreach(files, k, f) {
        const char *path = json_string_value(json_object_get(f, "path"));
        const char *was = json_string_value(json_object_get(f, "sha256"));
        if (!path || !path[0] || !was) {
            snprintf(err, errlen, "files[%zu]: expected \"path\" and \"sha256\" strings", k);
            return -1;
        }
        char now[65];
        if (pf_file_sha256(path, now) < 0) {
            snprintf(err, errlen, "%.900s: %s (the trial ran it)", path,
                     errno == EINVAL ? "not a regular file" : strerror(errno));
            return -1;
        }
        if (strcmp(now, was) != 0 && !changed++)
            snprintf(err, errlen, "%.900s changed since the sweep: sha256 %s, was %.64s", path,
                     now, was);
    }
    return changed ? 1 : 0;
}

void pf_repro_line_in(const char *dir, const char *repro, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    if (dir[0] && repro[0] && repro[0] != '#') {
        pf_shell_append(out, outlen, &used, "cd");
        pf_shell_append(out, outlen, &used, dir);
        if (used < outlen && (size_t)snprintf(out + used, outlen - used, " && %s", repro) < outlen - used)
            return;
    }
    snprintf(out, outlen, "%s", repro);
}
