#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <string>

#include "mcph/openssl/reasons.h"

namespace mcph::http::detail {
namespace {

[[noreturn]] void fail(const std::string& what) {
  const std::string reasons = openssl::take_reasons();
  throw std::runtime_error("TLS: " + what + " (" + (reasons.empty() ? "no reason from OpenSSL" : reasons) + ")");
}

// optional: a certificate that does not verify is let through; the handler reads why.
int accept_unverified(int verified, X509_STORE_CTX* store) {
  if (verified == 0) {
    const auto* ssl = static_cast<const SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (auto* session = ssl != nullptr ? static_cast<TlsSession*>(SSL_get_app_data(ssl)) : nullptr) {
      session->note_verify_error(X509_STORE_CTX_get_error(store));
    }
  }
  return 1;
}

}  // namespace

TlsServerContext::TlsServerContext(const TlsOptions& options) : context_(nullptr) {
  if (options.client_verification != ClientVerification::none && options.client_ca_file.empty()) {
    throw std::invalid_argument("TLS: client verification needs TlsOptions::client_ca_file");
  }
  ERR_clear_error();
  context_ = SSL_CTX_new(TLS_server_method());
  if (context_ == nullptr) fail("cannot make a context");
  try {
    SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
    SSL_CTX_set_options(context_, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(context_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // No resumption: every connection's handshake is whole and checks its client certificate.
    SSL_CTX_set_session_cache_mode(context_, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(context_, 0);
    if (SSL_CTX_use_certificate_chain_file(context_, options.certificate_chain_file.c_str()) != 1) {
      fail("cannot load the certificate chain " + options.certificate_chain_file);
    }
    if (SSL_CTX_use_PrivateKey_file(context_, options.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(context_) != 1) {
      fail("cannot load the private key " + options.private_key_file + " for that certificate");
    }
    if (options.client_verification != ClientVerification::none) {
      if (SSL_CTX_load_verify_locations(context_, options.client_ca_file.c_str(), nullptr) != 1) {
        fail("cannot load the client CA file " + options.client_ca_file);
      }
      STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str());
      if (names == nullptr) fail("cannot read the CA names of " + options.client_ca_file);
      SSL_CTX_set_client_CA_list(context_, names);
      if (options.client_verification == ClientVerification::required) {
        SSL_CTX_set_verify(context_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      } else {
        SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, accept_unverified);
      }
    }
  } catch (...) {
    SSL_CTX_free(context_);
    throw;
  }
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(context_); }

std::unique_ptr<TlsSession> TlsServerContext::session(int fd) const {
  SSL* ssl = SSL_new(context_);
  if (ssl == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  auto session = std::make_unique<TlsSession>(ssl);
  if (SSL_set_fd(ssl, fd) != 1) {  // a socket BIO that leaves the descriptor open
    ERR_clear_error();
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  SSL_set_app_data(ssl, session.get());
  return session;
}

}  // namespace mcph::http::detail
