// What TLS costs lib/http (ServerOptions::tls, ClientOptions::ca_file): a new connection's
// handshake and one request, and one request on a kept-alive connection, each next to the same
// over plain HTTP; and a handshake with a client certificate the server verifies. Server and
// client in this process, on loopback, certificates from lib/tls's test CA (EC P-256). Items
// are requests.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace {

using mcph::http::Client;
using mcph::http::ClientOptions;
using mcph::http::ClientVerification;
using mcph::http::Server;
using mcph::http::ServerOptions;

// One server per mode, started at first use and kept for the program's life.
struct Setup {
  mcph::proc::TempDir directory{"mcph-tls-bench"};
  mcph::tls::TestCa ca{directory.path()};
  mcph::tls::CertificateFiles server_files = ca.issue_server("server");
  mcph::tls::CertificateFiles agent = ca.issue_client("agent", {{"O", "mcph"}, {"CN", "agent-1"}});
  std::unique_ptr<Server> plain = started(std::nullopt);
  std::unique_ptr<Server> tls = started(ClientVerification::none);
  std::unique_ptr<Server> mutual = started(ClientVerification::required);

  std::unique_ptr<Server> started(std::optional<ClientVerification> verification) {
    ServerOptions options;
    options.name = "tls-bench";
    options.access_log = false;
    if (verification) {
      mcph::http::TlsOptions tls_options;
      tls_options.certificate_chain_file = server_files.certificate.string();
      tls_options.private_key_file = server_files.private_key.string();
      if (*verification != ClientVerification::none) tls_options.client_ca_file = ca.certificate_file().string();
      tls_options.client_verification = *verification;
      options.tls = tls_options;
    }
    auto server = std::make_unique<Server>(options);
    server->route("GET", "/ping", [](const mcph::http::Request&, mcph::http::Response& response) {
      response.body = "pong";
    });
    server->start();
    return server;
  }

  ClientOptions client_options(bool with_certificate) const {
    ClientOptions options;
    options.ca_file = ca.certificate_file().string();
    if (with_certificate) {
      options.client_certificate_file = agent.certificate.string();
      options.client_key_file = agent.private_key.string();
    }
    return options;
  }
};

Setup& setup() {
  static Setup instance;
  return instance;
}

void request(benchmark::State& state, Client& client) {
  if (client.get("/ping").status != 200) state.SkipWithError("the server did not answer 200");
}

// A new connection each time: TCP connect, the handshake when TLS, one request.
void new_connection_each(benchmark::State& state, const Server& server, bool with_certificate) {
  const ClientOptions options = setup().client_options(with_certificate);
  for (auto _ : state) {
    Client client(server.url(), options);
    request(state, client);
  }
  state.SetItemsProcessed(state.iterations());
}

void kept_alive(benchmark::State& state, const Server& server) {
  Client client(server.url(), setup().client_options(false));
  request(state, client);  // the connection (and its handshake) before the measured requests
  for (auto _ : state) request(state, client);
  state.SetItemsProcessed(state.iterations());
}

void BM_PlainNewConnectionAndRequest(benchmark::State& state) { new_connection_each(state, *setup().plain, false); }
void BM_TlsHandshakeAndRequest(benchmark::State& state) { new_connection_each(state, *setup().tls, false); }
void BM_TlsHandshakeWithClientCertificateAndRequest(benchmark::State& state) {
  new_connection_each(state, *setup().mutual, true);
}
void BM_PlainKeptAliveRequest(benchmark::State& state) { kept_alive(state, *setup().plain); }
void BM_TlsKeptAliveRequest(benchmark::State& state) { kept_alive(state, *setup().tls); }

BENCHMARK(BM_PlainNewConnectionAndRequest)->UseRealTime();
BENCHMARK(BM_TlsHandshakeAndRequest)->UseRealTime();
BENCHMARK(BM_TlsHandshakeWithClientCertificateAndRequest)->UseRealTime();
BENCHMARK(BM_PlainKeptAliveRequest)->UseRealTime();
BENCHMARK(BM_TlsKeptAliveRequest)->UseRealTime();

}  // namespace
