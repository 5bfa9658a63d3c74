/*
 * fuzz_eventlog: libFuzzer target for the reader of the shim's JSON-lines
 * event log (harness/run/eventlog.c): the input is a whole log, read back
 * with pf_events_read from a file as the harness does after every trial,
 * and line by line with pf_events_parse_line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = memfd_create("fuzz-eventlog", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    static struct pf_events ev; /* 24 KB+: off the stack */
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    /* the whole log, and from an offset into it (a log appended by runs) */
    if (pf_events_read(path, 0, &ev) < 0)
        abort();
    if (size > 0 && pf_events_read(path, (long)(data[0] % (size + 1)), &ev) < 0)
        abort();
    /* each line as getline gives it: up to and with its newline */
    memset(&ev, 0, sizeof ev);
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        char *line = malloc(len + 1);
        if (!line)
            return 0;
        memcpy(line, p, len);
        line[len] = '\0';
        (void)pf_events_parse_line(line, &ev);
        free(line);
        p += len;
    }
    return 0;
}
