#ifndef CURL_HOST_CHECK_H
#define CURL_HOST_CHECK_H

/// How many times the replacement of FoundationNetworking's `CFURLSessionCurlHostIsEqual` ran:
/// once per request URLSession hands to libcurl when the replacement is in effect (tests).
long cx_curl_host_checks(void);

#endif
