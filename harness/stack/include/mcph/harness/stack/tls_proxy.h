#pragma once
// A real TLS-terminating reverse proxy (Debian's nginx) in front of a plain-HTTP upstream on
// loopback, as agents that authenticate with client certificates meet one: it checks the client
// certificate against a CA and passes on what it found in X-SSL-Client-S-DN ($ssl_client_s_dn,
// RFC 2253) and X-SSL-Client-Verify ($ssl_client_verify: SUCCESS, FAILED:<why>, NONE). Whatever a
// client sends under those names, or under the other names a server might trust for them, never
// reaches the upstream as sent.
//
// Everything nginx writes (its configuration, pid file, access log, temporary files) goes into
// <run_dir>/tls-proxy/, its stderr (the error log) into <run_dir>/tls-proxy.log. It listens on a
// free loopback port, runs as one process (no master, no workers: nothing to orphan) and stops
// gracefully (SIGQUIT, SIGKILL after a grace period).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace mcph::harness::stack {

// nginx's ssl_verify_client. optional: a connection without a certificate is served (NONE), one
// whose certificate does not verify is answered 400 by nginx itself; optional_no_ca: that one is
// served too, the upstream reading FAILED:<why>; required: a request without a verified
// certificate is answered 400 by nginx and never reaches the upstream.
enum class ProxyClientVerification { optional, optional_no_ca, required };
const char* nginx_verify_client(ProxyClientVerification verification);

struct TlsProxyOptions {
  std::filesystem::path run_dir;  // must exist; the proxy's files go to <run_dir>/tls-proxy/
  std::string upstream_url;       // http://127.0.0.1:PORT[/prefix] (plain HTTP on loopback)
  // The loopback address nginx connects to the upstream from (proxy_bind), e.g. 127.0.0.2: an
  // upstream that believes identity headers only from that address then never believes a local
  // client that goes around the proxy from 127.0.0.1. Empty: the kernel's choice.
  std::string upstream_source_address;
  std::string certificate_chain_file;  // PEM: the proxy's certificate, then its intermediates
  std::string private_key_file;        // PEM
  std::string client_ca_file;          // PEM: the CAs a client certificate must chain to
  ProxyClientVerification client_verification = ProxyClientVerification::optional;
  int verify_depth = 2;  // ssl_verify_depth: intermediates allowed between the CA and the leaf
  // The CA that signed certificate_chain_file, trusted by the readiness probe; empty: client_ca_file.
  std::string server_ca_file;
  std::string nginx_binary;  // empty: find_nginx()
  std::chrono::milliseconds ready_timeout{15000};
  bool die_with_parent = true;  // see proc::SpawnOptions
};

// No nginx on this machine; the message says to run scripts/bootstrap.
class NginxMissing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// nginx's path: `nginx` in PATH, else /usr/sbin/nginx (not in a user's PATH). Throws NginxMissing.
std::string find_nginx();

class TlsProxy {
 public:
  // Writes the configuration, has `nginx -t` check it (std::runtime_error quoting nginx's message
  // when it refuses), starts nginx and waits until it answers over TLS (proc::ProcessError with
  // its last log lines when it exits or is not ready in time). Throws std::invalid_argument for
  // an upstream that is not plain HTTP on loopback, NginxMissing without nginx.
  static TlsProxy start(TlsProxyOptions options);
  TlsProxy(TlsProxy&&) noexcept;
  TlsProxy& operator=(TlsProxy&&) noexcept;
  ~TlsProxy();  // stop()

  int port() const;
  std::string url() const;  // https://127.0.0.1:PORT
  pid_t pid() const;
  const std::string& log_path() const;
  std::filesystem::path config_file() const;
  // SIGQUIT (nginx's graceful shutdown), SIGKILL after `grace`; returns once the process is
  // reaped. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  TlsProxy() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::harness::stack
