#pragma once
// What the TLS tests share: a test CA in a temporary directory with a server certificate for
// 127.0.0.1, a client certificate, and a server on TLS with a route that says what it saw of the
// connection ("tls=1 verify=SUCCESS dn=CN=agent-1,…").
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace mcph::http {

class TlsTest : public ::testing::Test {
 protected:
  TlsTest() : ca_(directory_.path()), server_files_(ca_.issue_server("server")) {}

  ServerOptions server_options(ClientVerification verification = ClientVerification::none) const {
    ServerOptions options;
    options.name = "tls";
    options.access_log = false;
    TlsOptions tls;
    tls.certificate_chain_file = server_files_.certificate.string();
    tls.private_key_file = server_files_.private_key.string();
    if (verification != ClientVerification::none) tls.client_ca_file = ca_.certificate_file().string();
    tls.client_verification = verification;
    options.tls = tls;
    return options;
  }

  // Starts a server with `options` and its routes: GET /who says what the handler saw, GET /port
  // the client's port (one per connection), POST /echo answers the body.
  void start(ServerOptions options) {
    server_ = std::make_unique<Server>(std::move(options));
    server_->route("GET", "/who", [](const Request& request, Response& response) {
      const ClientCertificate& certificate = request.client_certificate;
      response.body = std::string("tls=") + (request.tls ? "1" : "0") + " verify=" + certificate.verify_status() +
                      " dn=" + certificate.subject_dn;
    });
    server_->route("GET", "/port", [](const Request& request, Response& response) {
      response.body = std::to_string(request.remote_port);
    });
    server_->route("POST", "/echo", [](const Request& request, Response& response) { response.body = request.body; });
    server_->start();
  }

  ClientOptions client_options(const tls::CertificateFiles* certificate = nullptr) const {
    ClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.read_timeout = std::chrono::milliseconds(5000);
    options.ca_file = ca_.certificate_file().string();
    if (certificate != nullptr) {
      options.client_certificate_file = certificate->certificate.string();
      options.client_key_file = certificate->private_key.string();
    }
    return options;
  }

  proc::TempDir directory_{"mcph-tls-test"};
  tls::TestCa ca_;
  tls::CertificateFiles server_files_;
  std::unique_ptr<Server> server_;
};

}  // namespace mcph::http
