#ifndef COPILOT_EXPORTER_CMALLOC_SHIM_H
#define COPILOT_EXPORTER_CMALLOC_SHIM_H
// glibc's process controls that the Glibc module does not export: malloc (malloc_trim,
// mallopt) and prctl, which is variadic and so cannot be called from Swift.
#include <malloc.h>
#include <sys/prctl.h>

/// prctl(PR_SET_DUMPABLE, dumpable): 0 forbids core dumps, ptrace attach and reading
/// /proc/<pid>/mem or environ by other processes of the same user. Returns 0 on success.
static inline int cm_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
}
#endif
