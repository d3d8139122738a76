#pragma once
// A raw TLS connection to 127.0.0.1 (blocking OpenSSL over RawConnection's socket), for what
// http::Client does not send: malformed or unfinished requests over TLS.
#include <openssl/ssl.h>
#include <poll.h>

#include <chrono>
#include <string>

#include "raw_connection.h"

namespace mcph::http {

class TlsRawConnection {
 public:
  TlsRawConnection(int port, const std::string& ca_file) : raw_(port), context_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_load_verify_locations(context_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(context_);
    SSL_set_fd(ssl_, raw_.fd());
    established_ = raw_.connected() && SSL_connect(ssl_) == 1;
  }
  ~TlsRawConnection() {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
  }
  TlsRawConnection(const TlsRawConnection&) = delete;
  TlsRawConnection& operator=(const TlsRawConnection&) = delete;

  bool established() const { return established_; }
  bool send_text(const std::string& text) {
    return SSL_write(ssl_, text.data(), static_cast<int>(text.size())) == static_cast<int>(text.size());
  }
  // What arrives until the server closes or `timeout` passes.
  std::string receive_until_close(std::chrono::milliseconds timeout, bool* closed = nullptr) {
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (SSL_pending(ssl_) == 0) {
        pollfd entry{raw_.fd(), POLLIN, 0};
        if (::poll(&entry, 1, 50) <= 0) continue;
      }
      char buffer[4096];
      const int got = SSL_read(ssl_, buffer, sizeof buffer);
      if (got <= 0) {
        if (closed != nullptr) *closed = true;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(got));
    }
    return received;
  }

 private:
  RawConnection raw_;
  SSL_CTX* context_;
  SSL* ssl_ = nullptr;
  bool established_ = false;
};

}  // namespace mcph::http
