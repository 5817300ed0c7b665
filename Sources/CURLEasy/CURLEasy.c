// libcurl's easy interface for `CurlTransport`: the same libcurl FoundationNetworking runs on,
// without URLSession's queues between the socket and the reader. Each exchange runs on the
// calling thread; the body goes straight to the caller's callback, so a reader that is slower
// than the network slows the connection down (TCP flow control) instead of piling the body up
// in memory or on disk.
//
// Like Sources/CURLHostCheck, libcurl's functions are looked up at run time in the process
// (FoundationNetworking has loaded libcurl), so no libcurl headers or development library are
// needed to build. The option numbers below are libcurl's ABI, from <curl/curl.h> (7.x and 8.x).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "CURLEasy.h"

typedef void CURL;
struct curl_slist;
typedef int64_t curl_off_t;

enum {
    OPT_WRITEDATA = 10001,
    OPT_URL = 10002,
    OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011,
    OPT_LOW_SPEED_LIMIT = 19,
    OPT_LOW_SPEED_TIME = 20,
    OPT_HTTPHEADER = 10023,
    OPT_HEADERDATA = 10029,
    OPT_CUSTOMREQUEST = 10036,
    OPT_NOPROGRESS = 43,
    OPT_NOBODY = 44,
    OPT_FOLLOWLOCATION = 52,
    OPT_XFERINFODATA = 10057,
    OPT_HEADERFUNCTION = 20079,
    OPT_HTTPGET = 80,
    OPT_BUFFERSIZE = 98,
    OPT_NOSIGNAL = 99,
    OPT_ACCEPT_ENCODING = 10102,
    OPT_POSTFIELDSIZE_LARGE = 30120,
    OPT_POSTFIELDS = 10015,
    OPT_TIMEOUT_MS = 155,
    OPT_CONNECTTIMEOUT_MS = 156,
    OPT_HTTP_CONTENT_DECODING = 158,
    OPT_PROTOCOLS = 181,
    OPT_XFERINFOFUNCTION = 20219,
    OPT_PROTOCOLS_STR = 10318,
};
enum { INFO_RESPONSE_CODE = 0x200000 + 2 };
enum { PROTO_HTTP = 1, PROTO_HTTPS = 2 };
enum { GLOBAL_ALL = 3 };

static int (*global_init)(long);
static CURL *(*easy_init)(void);
static void (*easy_cleanup)(CURL *);
static void (*easy_reset)(CURL *);
static int (*easy_setopt)(CURL *, int, ...);
static int (*easy_getinfo)(CURL *, int, ...);
static int (*easy_perform)(CURL *);
static const char *(*easy_strerror)(int);
static struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
static void (*slist_free_all)(struct curl_slist *);
static pthread_once_t resolved = PTHREAD_ONCE_INIT;
static int available;

static void resolve(void) {
    global_init = (int (*)(long))dlsym(RTLD_DEFAULT, "curl_global_init");
    easy_init = (CURL * (*)(void)) dlsym(RTLD_DEFAULT, "curl_easy_init");
    easy_cleanup = (void (*)(CURL *))dlsym(RTLD_DEFAULT, "curl_easy_cleanup");
    easy_reset = (void (*)(CURL *))dlsym(RTLD_DEFAULT, "curl_easy_reset");
    easy_setopt = (int (*)(CURL *, int, ...))dlsym(RTLD_DEFAULT, "curl_easy_setopt");
    easy_getinfo = (int (*)(CURL *, int, ...))dlsym(RTLD_DEFAULT, "curl_easy_getinfo");
    easy_perform = (int (*)(CURL *))dlsym(RTLD_DEFAULT, "curl_easy_perform");
    easy_strerror = (const char *(*)(int))dlsym(RTLD_DEFAULT, "curl_easy_strerror");
    slist_append = (struct curl_slist * (*)(struct curl_slist *, const char *)) dlsym(RTLD_DEFAULT, "curl_slist_append");
    slist_free_all = (void (*)(struct curl_slist *))dlsym(RTLD_DEFAULT, "curl_slist_free_all");
    available = global_init && easy_init && easy_cleanup && easy_reset && easy_setopt && easy_getinfo && easy_perform
        && easy_strerror && slist_append && slist_free_all;
    // Idempotent, and FoundationNetworking has usually done it already.
    if (available && global_init(GLOBAL_ALL) != 0) available = 0;
}

int cx_easy_available(void) {
    pthread_once(&resolved, resolve);
    return available;
}

void *cx_easy_new(void) { return cx_easy_available() ? easy_init() : NULL; }

void cx_easy_free(void *handle) {
    if (handle && cx_easy_available()) easy_cleanup(handle);
}

typedef struct {
    void *context;
    cx_body_callback on_body;
    cx_header_callback on_header;
    cx_abort_callback should_abort;
} exchange;

static size_t write_body(char *data, size_t size, size_t count, void *user) {
    exchange *x = user;
    return x->on_body(x->context, data, size * count);
}

static size_t write_header(char *data, size_t size, size_t count, void *user) {
    exchange *x = user;
    return x->on_header(x->context, data, size * count) ? size * count : 0;
}

static int progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d) {
    (void)a, (void)b, (void)c, (void)d;
    exchange *x = user;
    return x->should_abort(x->context);
}

int cx_easy_perform(
    void *handle,
    const cx_request *request,
    void *context,
    cx_body_callback on_body,
    cx_header_callback on_header,
    cx_abort_callback should_abort,
    long *status,
    char *error
) {
    *status = 0;
    error[0] = 0;
    if (!cx_easy_available() || !handle) {
        snprintf(error, 256, "libcurl is not available in this process");
        return cx_unavailable;
    }
    exchange x = {context, on_body, on_header, should_abort};
    easy_reset(handle);
    struct curl_slist *headers = NULL;
    // No "Expect: 100-continue" round trip for bodies; no header of libcurl's own beyond Host,
    // Accept and Accept-Encoding.
    struct curl_slist *grown = slist_append(headers, "Expect:");
    if (!grown) goto out_of_memory;
    headers = grown;
    for (int i = 0; i < request->header_count; i++) {
        grown = slist_append(headers, request->headers[i]);
        if (!grown) goto out_of_memory;
        headers = grown;
    }
    easy_setopt(handle, OPT_NOSIGNAL, 1L);
    easy_setopt(handle, OPT_ERRORBUFFER, error);
    easy_setopt(handle, OPT_URL, request->url);
    // http and https only, for the request and for any redirect (redirects are not followed
    // here: the transport decides them by its policy).
    if (easy_setopt(handle, OPT_PROTOCOLS_STR, "http,https") != 0) easy_setopt(handle, OPT_PROTOCOLS, (long)(PROTO_HTTP | PROTO_HTTPS));
    easy_setopt(handle, OPT_FOLLOWLOCATION, 0L);
    // gzip and deflate (what GitHub uses), decoded before the body callback sees it; not "",
    // which would also offer zstd and brotli, whose decoders a server can make allocate far
    // more (zstd's window reaches 128 MiB).
    easy_setopt(handle, OPT_ACCEPT_ENCODING, "gzip, deflate");
    easy_setopt(handle, OPT_HTTP_CONTENT_DECODING, 1L);
    easy_setopt(handle, OPT_HTTPHEADER, headers);
    if (strcmp(request->method, "GET") == 0) {
        easy_setopt(handle, OPT_HTTPGET, 1L);
    } else if (strcmp(request->method, "HEAD") == 0) {
        easy_setopt(handle, OPT_NOBODY, 1L);
    } else {
        if (strcmp(request->method, "POST") != 0 || request->body_length == 0) easy_setopt(handle, OPT_CUSTOMREQUEST, request->method);
        if (request->body_length > 0 || strcmp(request->method, "POST") == 0) {
            easy_setopt(handle, OPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length);
            easy_setopt(handle, OPT_POSTFIELDS, request->body_length > 0 ? request->body : "");
        }
    }
    if (request->timeout_ms > 0) easy_setopt(handle, OPT_TIMEOUT_MS, request->timeout_ms);
    if (request->connect_timeout_ms > 0) easy_setopt(handle, OPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    if (request->idle_timeout_s > 0) {
        easy_setopt(handle, OPT_LOW_SPEED_LIMIT, 1L);
        easy_setopt(handle, OPT_LOW_SPEED_TIME, request->idle_timeout_s);
    }
    if (request->buffer_size > 0) easy_setopt(handle, OPT_BUFFERSIZE, request->buffer_size);
    easy_setopt(handle, OPT_WRITEFUNCTION, write_body);
    easy_setopt(handle, OPT_WRITEDATA, &x);
    easy_setopt(handle, OPT_HEADERFUNCTION, write_header);
    easy_setopt(handle, OPT_HEADERDATA, &x);
    easy_setopt(handle, OPT_XFERINFOFUNCTION, progress);
    easy_setopt(handle, OPT_XFERINFODATA, &x);
    easy_setopt(handle, OPT_NOPROGRESS, 0L);
    int code = easy_perform(handle);
    easy_getinfo(handle, INFO_RESPONSE_CODE, status);
    if (code != 0 && error[0] == 0) snprintf(error, 256, "%s", easy_strerror(code));
    // Nothing of this exchange stays referenced by the handle: the header list and the
    // callbacks' data live on this stack.
    easy_reset(handle);
    slist_free_all(headers);
    return code;

out_of_memory:
    slist_free_all(headers);
    snprintf(error, 256, "out of memory");
    return 27;
}
