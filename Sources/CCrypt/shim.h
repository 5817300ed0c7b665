#ifndef COPILOT_EXPORTER_CCRYPT_SHIM_H
#define COPILOT_EXPORTER_CCRYPT_SHIM_H
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

/// bcrypt (and the other libxcrypt methods) of `password` with the settings in `hash`, written
/// to `out` (NUL-terminated, at most `capacity` bytes); returns 1 on success. Thread-safe:
/// uses crypt_r with its own state.
static inline int cc_crypt(const char *password, const char *hash, char *out, size_t capacity) {
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (data == NULL) return 0;
    const char *result = crypt_r(password, hash, data);
    int ok = result != NULL && result[0] != '*' && strlen(result) < capacity;
    if (ok) strcpy(out, result);
    explicit_bzero(data, sizeof(struct crypt_data));
    free(data);
    return ok;
}
#endif
