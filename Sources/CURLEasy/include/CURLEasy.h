#ifndef CURL_EASY_H
#define CURL_EASY_H

#include <stddef.h>

/// One HTTP exchange for `cx_easy_perform`. Every pointer must stay valid for the call.
typedef struct {
    const char *url;
    /// "GET", "HEAD", "POST", or any other method (sent as a custom request).
    const char *method;
    /// Header lines, "Name: value"; `header_count` of them.
    const char *const *headers;
    int header_count;
    const void *body;
    size_t body_length;
    /// The whole exchange, connection to last byte; 0 for none.
    long timeout_ms;
    /// Connecting, name resolution and TLS included.
    long connect_timeout_ms;
    /// Fails the exchange when fewer than 1 byte a second arrives for this long; 0 for none.
    long idle_timeout_s;
    /// libcurl's receive buffer: the largest piece handed to `on_body` for an unencoded body.
    long buffer_size;
} cx_request;

/// Called with each piece of the body (decoded); return `length` to go on, anything else to
/// stop the exchange (it then fails with `cx_write_refused`).
typedef size_t (*cx_body_callback)(void *context, const char *data, size_t length);
/// Called with each header line as received, status lines included, CRLF included; return
/// nonzero to go on, zero to stop the exchange (it then fails with `cx_write_refused`).
typedef int (*cx_header_callback)(void *context, const char *line, size_t length);
/// Called at least once a second while the exchange runs; nonzero stops it (`cx_aborted`).
typedef int (*cx_abort_callback)(void *context);

/// Outcomes of `cx_easy_perform` (libcurl's own codes are passed through otherwise).
enum {
    cx_ok = 0,
    cx_unavailable = -1,
    cx_write_refused = 23,
    cx_timed_out = 28,
    cx_aborted = 42,
};

/// 1 when libcurl's easy interface was found in the process (FoundationNetworking loads
/// libcurl), 0 otherwise.
int cx_easy_available(void);
/// A new easy handle, or NULL.
void *cx_easy_new(void);
void cx_easy_free(void *handle);
/// Runs one exchange on `handle` (reset first: nothing of an earlier exchange carries over but
/// its open connections). Returns libcurl's code; `status` gets the HTTP status (0 if none),
/// `error` (256 bytes) a message when the code is not 0.
int cx_easy_perform(
    void *handle,
    const cx_request *request,
    void *context,
    cx_body_callback on_body,
    cx_header_callback on_header,
    cx_abort_callback should_abort,
    long *status,
    char *error
);

#endif
