#ifndef COPILOT_EXPORTER_COPENSSL_SHIM_H
#define COPILOT_EXPORTER_COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

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

/// The public half of a key as PEM into `out` (at most `capacity` bytes); its length, or -1.
static inline int cx_public_key_pem(EVP_PKEY *key, char *out, int capacity) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return -1;
    int length = -1;
    if (PEM_write_bio_PUBKEY(bio, key) == 1) {
        length = BIO_read(bio, out, capacity);
    }
    BIO_free(bio);
    return length;
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
#endif
