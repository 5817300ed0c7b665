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

/// TLS 1.2 suites with forward secrecy and AEAD only (Mozilla's "intermediate" list); TLS 1.3
/// keeps OpenSSL's defaults, which are all of that kind.
#define CX_TLS12_CIPHERS "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

/// A passphrase callback that never answers, so an encrypted key fails to load at once (instead
/// of prompting on the terminal), and records that a passphrase was asked for.
static int cx_refuse_passphrase(char *buffer, int size, int rwflag, void *asked) {
    (void)buffer; (void)size; (void)rwflag;
    if (asked != NULL) *(int *)asked = 1;
    return -1;
}

/// A TLS server context with a certificate chain and key from PEM files, or NULL with the reason
/// written to `error`.
static inline SSL_CTX *cx_tls_server_context(const char *cert, const char *key, int min_version, int max_version, char *error, size_t capacity) {
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL) { snprintf(error, capacity, "cannot create a TLS context"); return NULL; }
    if (SSL_CTX_use_certificate_chain_file(context, cert) != 1) {
        snprintf(error, capacity, "cannot load the certificate %s: %s", cert, ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(context); ERR_clear_error(); return NULL;
    }
    int asked = 0;
    SSL_CTX_set_default_passwd_cb(context, cx_refuse_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(context, &asked);
    int loaded = SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(context, NULL);
    if (!loaded && asked) {
        snprintf(error, capacity, "the key file %s is encrypted and copilot_exporter cannot ask for its passphrase; "
            "store it decrypted (openssl pkey -in ENCRYPTED -out %s) and readable only by the exporter", key, key);
        SSL_CTX_free(context); ERR_clear_error(); return NULL;
    }
    if (!loaded || SSL_CTX_check_private_key(context) != 1) {
        snprintf(error, capacity, "cannot load the key %s or it does not match the certificate: %s", key, ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(context); ERR_clear_error(); return NULL;
    }
    SSL_CTX_set_min_proto_version(context, min_version);
    if (max_version > 0) SSL_CTX_set_max_proto_version(context, max_version);
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(context, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_set_cipher_list(context, CX_TLS12_CIPHERS) != 1) {
        snprintf(error, capacity, "this OpenSSL offers none of the TLS 1.2 cipher suites with forward secrecy");
        SSL_CTX_free(context); ERR_clear_error(); return NULL;
    }
    return context;
}
#endif
