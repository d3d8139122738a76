#include "tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "mcph/openssl/reasons.h"

namespace mcph::http::detail {
namespace {

int clamp_size(std::size_t size) { return static_cast<int>(size > INT_MAX ? INT_MAX : size); }

std::string rfc2253(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length > 0 ? length : 0));
  BIO_free(bio);
  return text;
}

}  // namespace

TlsSession::TlsSession(ssl_st* ssl) : ssl_(ssl), wanted_events_(POLLIN) {}

TlsSession::~TlsSession() { SSL_free(ssl_); }

TlsSession::Handshake TlsSession::handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    established_ = true;
    read_client_certificate();
    return Handshake::done;
  }
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ) return Handshake::want_read;
  if (error == SSL_ERROR_WANT_WRITE) return Handshake::want_write;
  failure_ = describe_failure(error);
  return Handshake::failed;
}

std::string TlsSession::describe_failure(int error) const {
  const int saved_errno = errno;
  const unsigned long first = ERR_peek_error();
  std::string reasons = openssl::take_reasons();
  // Closed unanswered, not answered 400 in plain text as nginx does: an answer would teach the
  // client that the port speaks HTTP.
  if (ERR_GET_LIB(first) == ERR_LIB_SSL &&
      (ERR_GET_REASON(first) == SSL_R_HTTP_REQUEST || ERR_GET_REASON(first) == SSL_R_HTTPS_PROXY_REQUEST)) {
    return "a plain HTTP request on the TLS port";
  }
  if (const long verify = SSL_get_verify_result(ssl_); verify != X509_V_OK) {
    return "the client certificate is not trusted (" + std::string(X509_verify_cert_error_string(verify)) + ")";
  }
  if (ERR_GET_LIB(first) == ERR_LIB_SSL && ERR_GET_REASON(first) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
    return "the client presented no certificate, and one is required";
  }
  if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN) {
    if (reasons.empty() && saved_errno != 0 && error == SSL_ERROR_SYSCALL) {
      return "the connection failed during the handshake (" + std::string(std::strerror(saved_errno)) + ")";
    }
    if (reasons.empty()) return "the client closed the connection during the handshake";
  }
  return reasons.empty() ? "no reason from OpenSSL" : reasons;
}

void TlsSession::read_client_certificate() {
  X509* certificate = SSL_get1_peer_certificate(ssl_);
  if (certificate == nullptr) return;
  client_certificate_.presented = true;
  client_certificate_.subject_dn = rfc2253(X509_get_subject_name(certificate));
  client_certificate_.issuer_dn = rfc2253(X509_get_issuer_name(certificate));
  const long verify = first_verify_error_ != X509_V_OK ? first_verify_error_ : SSL_get_verify_result(ssl_);
  client_certificate_.verified = verify == X509_V_OK;
  if (!client_certificate_.verified) client_certificate_.verify_error = X509_verify_cert_error_string(verify);
  X509_free(certificate);
}

ssize_t TlsSession::read(char* into, std::size_t size) {
  ERR_clear_error();
  const int got = SSL_read(ssl_, into, clamp_size(size));
  return got > 0 ? got : failed_io(got, true);
}

ssize_t TlsSession::write(const char* from, std::size_t size) {
  ERR_clear_error();
  const int sent = SSL_write(ssl_, from, clamp_size(size));
  return sent > 0 ? sent : failed_io(sent, false);
}

ssize_t TlsSession::failed_io(int result, bool reading) {
  const int saved_errno = errno;
  const int error = SSL_get_error(ssl_, result);
  ERR_clear_error();
  switch (error) {
    case SSL_ERROR_WANT_READ:
      wanted_events_ = POLLIN;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      wanted_events_ = POLLOUT;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:  // close_notify, or an EOF (SSL_OP_IGNORE_UNEXPECTED_EOF)
      if (reading) return 0;
      errno = EPIPE;
      return -1;
    case SSL_ERROR_SYSCALL:
      errno = saved_errno != 0 && saved_errno != EAGAIN ? saved_errno : ECONNRESET;
      return -1;
    default:
      errno = EPROTO;
      return -1;
  }
}

void TlsSession::close_notify() {
  if (!established_ || (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) != 0) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

}  // namespace mcph::http::detail
