/* same_file.c: one file by its name or by its device and inode: the names
 * an output and an input are given differ for one file (./R.json, a
 * link), and a file not there yet can only be named the same. */
#include "same_file.h"

#include <string.h>
#include <sys/stat.h>

int pf_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

const char *pf_same_file_any(const char *output, const char *const *inputs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (inputs[i] && pf_same_file(output, inputs[i]))
            return inputs[i];
    return NULL;
}
