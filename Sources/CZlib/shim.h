#ifndef COPILOT_EXPORTER_CZLIB_SHIM_H
#define COPILOT_EXPORTER_CZLIB_SHIM_H
#include <zlib.h>

/// deflateInit2 is a macro in zlib.h; Swift cannot call macros, so this wraps it.
static inline int cz_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// inflateInit2 with gzip decoding, for tests and the simulator.
static inline int cz_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
