#pragma once
// Private: RAII owners for OpenSSL objects and the text of OpenSSL's error queue.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>

#include "mcph/jose/error.h"

namespace mcph::jose::detail {

template <auto free_function>
struct OpensslDeleter {
  template <typename T>
  void operator()(T* object) const {
    free_function(object);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpensslDeleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpensslDeleter<EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OpensslDeleter<EVP_MAC_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpensslDeleter<BN_clear_free>>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, OpensslDeleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OpensslDeleter<OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpensslDeleter<ECDSA_SIG_free>>;

// Drains OpenSSL's (thread-local) error queue and answers its reasons, "; "-separated, or
// "no detail from OpenSSL". Draining matters: a stale entry would be blamed on the next caller.
std::string take_openssl_errors();

// For failures caused by the input (a bad key, a bad PEM): JoseError(malformed).
[[noreturn]] void throw_malformed_openssl(std::string_view what);
// For failures that are not the caller's input (allocation, a missing provider).
[[noreturn]] void throw_openssl_failure(std::string_view what);

// SHA-256 fetched once from the default provider; implicit fetches per call cost time.
const EVP_MD* sha256();

// BIGNUM <-> unsigned big-endian bytes. bignum_bytes(…, 0) gives the minimal length.
BignumPtr bignum_from_bytes(std::string_view bytes);
std::string bignum_bytes(const BIGNUM* number, std::size_t fixed_length = 0);

std::string_view bytes_view(const unsigned char* data, std::size_t size);
const unsigned char* unsigned_data(std::string_view bytes);

}  // namespace mcph::jose::detail
