// A replacement for swift-corelibs-foundation's `CFURLSessionCurlHostIsEqual`, which
// FoundationNetworking calls for every request (`_EasyHandle.set(url:)`) to check that libcurl
// reads the same host as URL does. The toolchain's version parses the URL into a libcurl URL
// handle and releases it with `curl_free`, which frees the handle but none of the parts
// `curl_url_set` allocated in it (scheme, host, path, query): about 150 bytes of heap lost per
// request, for the life of the process (issue 17's soak: the heap grew with the request rate;
// heaptrack pointed at `curl_url_set` under this function). This one does the same check and
// releases the handle with `curl_url_cleanup`.
//
// How it takes the original's place:
// - dynamically linked (the default build): FoundationNetworking calls the function through its
//   PLT, and the executable exports its own definition (`--export-dynamic-symbol`), which the
//   dynamic linker finds first;
// - statically linked (`--static-swift-stdlib`, the Docker image): `--wrap` sends
//   FoundationNetworking's call to `__wrap_CFURLSessionCurlHostIsEqual`; the weak definition
//   below then yields to the archive's own, so the link has no duplicate (gold warns that it
//   "cannot export local symbol 'CFURLSessionCurlHostIsEqual'": expected, and harmless).
// libcurl's functions are looked up at run time: FoundationNetworking has loaded libcurl, and
// no libcurl headers or development library are needed to build.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "CURLHostCheck.h"

typedef struct Curl_URL CURLU;
// From <curl/urlapi.h>: CURLUPart.
enum { CX_CURLUPART_URL = 0, CX_CURLUPART_HOST = 5 };

static CURLU *(*url_new)(void);
static int (*url_set)(CURLU *, int, const char *, unsigned int);
static int (*url_get)(const CURLU *, int, char **, unsigned int);
static void (*url_cleanup)(CURLU *);
static void (*free_string)(void *);
static pthread_once_t resolved = PTHREAD_ONCE_INIT;
static atomic_long checks;

static void resolve(void) {
    url_new = (CURLU * (*)(void)) dlsym(RTLD_DEFAULT, "curl_url");
    url_set = (int (*)(CURLU *, int, const char *, unsigned int))dlsym(RTLD_DEFAULT, "curl_url_set");
    url_get = (int (*)(const CURLU *, int, char **, unsigned int))dlsym(RTLD_DEFAULT, "curl_url_get");
    url_cleanup = (void (*)(CURLU *))dlsym(RTLD_DEFAULT, "curl_url_cleanup");
    free_string = (void (*)(void *))dlsym(RTLD_DEFAULT, "curl_free");
}

static bool host_is_equal(const char *url, const char *expected_host) {
    pthread_once(&resolved, resolve);
    atomic_fetch_add(&checks, 1);
    // Without libcurl's URL API the check cannot be made: say no (the request fails with
    // FoundationNetworking's "did not agree on URL host") rather than skip a safety check.
    if (!url_new || !url_set || !url_get || !url_cleanup || !free_string) return false;
    CURLU *handle = url_new();
    if (!handle) return false;
    bool equal = false;
    if (url_set(handle, CX_CURLUPART_URL, url, 0) == 0) {
        char *host = NULL;
        if (url_get(handle, CX_CURLUPART_HOST, &host, 0) == 0 && host) {
            equal = strcmp(host, expected_host) == 0;
            free_string(host);
        }
    }
    url_cleanup(handle);
    return equal;
}

__attribute__((weak, visibility("default"))) bool CFURLSessionCurlHostIsEqual(const char *url, const char *expectedHost) {
    return host_is_equal(url, expectedHost);
}

bool __wrap_CFURLSessionCurlHostIsEqual(const char *url, const char *expectedHost) {
    return host_is_equal(url, expectedHost);
}

long cx_curl_host_checks(void) { return atomic_load(&checks); }
