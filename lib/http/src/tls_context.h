#pragma once
// A TLS server's OpenSSL context: its certificate and key, the client CAs and the client
// verification mode of mcph::http::TlsOptions, loaded once and shared by every connection.
#include <openssl/ssl.h>

#include <memory>

#include "mcph/http/server.h"
#include "tls_session.h"

namespace mcph::http::detail {

class TlsServerContext {
 public:
  // Throws std::runtime_error naming the file that cannot be loaded and OpenSSL's reason, and
  // std::invalid_argument for a verification mode without client CAs.
  explicit TlsServerContext(const TlsOptions& options);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // A session for an accepted socket, its handshake not begun; nullptr when OpenSSL cannot
  // make one (out of memory).
  std::unique_ptr<TlsSession> session(int fd) const;

 private:
  SSL_CTX* context_;
};

}  // namespace mcph::http::detail
