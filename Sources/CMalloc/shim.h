#ifndef COPILOT_EXPORTER_CMALLOC_SHIM_H
#define COPILOT_EXPORTER_CMALLOC_SHIM_H
// glibc's malloc controls (malloc_trim, mallopt), which the Glibc module does not export.
#include <malloc.h>
#endif
