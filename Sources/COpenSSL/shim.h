#ifndef COPILOT_EXPORTER_COPENSSL_SHIM_H
#define COPILOT_EXPORTER_COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

/// A private key from PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"), or NULL.
static inline EVP_PKEY *cx_private_key_from_pem(const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

/// A public key from PEM ("PUBLIC KEY"), or NULL.
static inline EVP_PKEY *cx_public_key_from_pem(const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWT "RS256"). Returns 1 on success.
static inline int cx_sign_rs256(EVP_PKEY *key, const unsigned char *message, size_t length, unsigned char *signature, size_t *signature_length) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key) == 1
        && EVP_DigestSign(context, signature, signature_length, message, length) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/// Verifies an RS256 signature. Returns 1 when it is valid.
static inline int cx_verify_rs256(EVP_PKEY *key, const unsigned char *message, size_t length, const unsigned char *signature, size_t signature_length) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key) == 1
        && EVP_DigestVerify(context, signature, signature_length, message, length) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/// HMAC-SHA256 into `out` (32 bytes). Returns 1 on success.
static inline int cx_hmac_sha256(const void *key, int key_length, const unsigned char *data, size_t length, unsigned char *out) {
    unsigned int out_length = 32;
    return HMAC(EVP_sha256(), key, key_length, data, length, out, &out_length) != NULL;
}

/// A TLS server context with a certificate chain and key from PEM files, or NULL with the reason
/// written to `error`.
static inline SSL_CTX *cx_tls_server_context(const char *cert, const char *key, int min_version, int max_version, char *error, size_t capacity) {
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL) { snprintf(error, capacity, "cannot create a TLS context"); return NULL; }
    if (SSL_CTX_use_certificate_chain_file(context, cert) != 1) {
        snprintf(error, capacity, "cannot load the certificate %s: %s", cert, ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(context); return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(context) != 1) {
        snprintf(error, capacity, "cannot load the key %s or it does not match the certificate: %s", key, ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(context); return NULL;
    }
    SSL_CTX_set_min_proto_version(context, min_version);
    if (max_version > 0) SSL_CTX_set_max_proto_version(context, max_version);
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
    return context;
}

/// Accepts TLS on a connected socket; returns the session or NULL.
static inline SSL *cx_tls_accept(SSL_CTX *context, int fd) {
    SSL *ssl = SSL_new(context);
    if (ssl == NULL) return NULL;
    if (SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1) { SSL_free(ssl); ERR_clear_error(); return NULL; }
    return ssl;
}
#endif
