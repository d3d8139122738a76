#pragma once
// One server-side TLS connection over a non-blocking socket: a handshake advanced step by step
// (the reactor calls it as bytes arrive, never waiting), then reads and writes that answer like
// recv and send (-1 with EAGAIN when the socket must become ready first, for the events
// wanted_events() names: TLS may need to write to read, or read to write).
#include <sys/types.h>

#include <cstddef>
#include <string>

#include "mcph/http/message.h"

struct ssl_st;  // OpenSSL's SSL

namespace mcph::http::detail {

class TlsSession {
 public:
  explicit TlsSession(ssl_st* ssl);  // owns ssl, not its socket
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  enum class Handshake { done, want_read, want_write, failed };
  Handshake handshake();
  bool established() const { return established_; }
  // Why the handshake failed, for the log: OpenSSL's reason in words, never key material.
  const std::string& failure() const { return failure_; }
  // After the handshake: the client's certificate, as the server's verification judged it.
  const ClientCertificate& client_certificate() const { return client_certificate_; }

  ssize_t read(char* into, std::size_t size);         // > 0, 0 at the end, -1 with errno
  ssize_t write(const char* from, std::size_t size);  // > 0, -1 with errno
  short wanted_events() const { return wanted_events_; }  // POLLIN or POLLOUT
  // Sends close_notify once, without waiting for the client's.
  void close_notify();

  // The verification's first complaint about the client's chain (X509_V_ERR_…), kept by the
  // verify callback of optional mode, which lets the chain through: the first names the cause
  // ("unable to get local issuer certificate"), later ones its consequences.
  void note_verify_error(long error) {
    if (first_verify_error_ == 0) first_verify_error_ = error;
  }

 private:
  ssize_t failed_io(int result, bool reading);
  std::string describe_failure(int error) const;
  void read_client_certificate();

  ssl_st* ssl_;
  bool established_ = false;
  short wanted_events_;
  std::string failure_;
  ClientCertificate client_certificate_;
  long first_verify_error_ = 0;  // X509_V_OK
};

}  // namespace mcph::http::detail
