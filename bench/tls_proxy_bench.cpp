// What the TLS-terminating proxy (harness/stack: TlsProxy, Debian's nginx) costs a request with a
// client certificate: through the proxy to a lib/http upstream, next to the same GET straight to
// the upstream over plain HTTP, on a kept-alive connection and on a new connection each time.
// Everything on loopback, certificates from lib/tls's test CA (EC P-256). Items are requests.
// Without nginx each benchmark is skipped saying so.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>

#include "mcph/harness/stack/tls_proxy.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace {

using mcph::http::Client;
using mcph::http::ClientOptions;

// The upstream and the proxy, started at first use and kept for the program's life.
struct Setup {
  mcph::proc::TempDir directory{"mcph-tls-proxy-bench"};
  mcph::tls::TestCa ca{directory.path()};
  mcph::tls::CertificateFiles proxy_files = ca.issue_server("proxy");
  mcph::tls::CertificateFiles agent = ca.issue_client("agent", {{"O", "mcph"}, {"CN", "agent-1"}});
  std::unique_ptr<mcph::http::Server> upstream = started_upstream();
  std::optional<mcph::harness::stack::TlsProxy> proxy;
  std::string missing;  // why there is no proxy

  Setup() {
    mcph::harness::stack::TlsProxyOptions options;
    options.run_dir = directory.path();
    options.upstream_url = upstream->url();
    options.certificate_chain_file = proxy_files.certificate.string();
    options.private_key_file = proxy_files.private_key.string();
    options.client_ca_file = ca.certificate_file().string();
    try {
      proxy.emplace(mcph::harness::stack::TlsProxy::start(options));
    } catch (const mcph::harness::stack::NginxMissing& e) {
      missing = e.what();
    }
  }

  static std::unique_ptr<mcph::http::Server> started_upstream() {
    mcph::http::ServerOptions options;
    options.name = "upstream";
    options.access_log = false;
    auto server = std::make_unique<mcph::http::Server>(options);
    server->route("GET", "/ping", [](const mcph::http::Request& request, mcph::http::Response& response) {
      const std::string verify = request.header("X-SSL-Client-Verify");
      response.body = verify.empty() ? "pong" : "pong " + verify;
    });
    server->start();
    return server;
  }

  ClientOptions with_certificate() const {
    ClientOptions options;
    options.ca_file = ca.certificate_file().string();
    options.client_certificate_file = agent.certificate.string();
    options.client_key_file = agent.private_key.string();
    return options;
  }
};

Setup& setup() {
  static Setup instance;
  return instance;
}

void request(benchmark::State& state, Client& client, const char* expected) {
  const auto response = client.get("/ping");
  if (response.status != 200 || response.body != expected) state.SkipWithError("an unexpected answer");
}

// The URL and client options of a case: through the proxy with the certificate, or straight.
struct Target {
  std::string url;
  ClientOptions options;
  const char* expected;
};

std::optional<Target> target(benchmark::State& state, bool through_proxy) {
  Setup& s = setup();
  if (!through_proxy) return Target{s.upstream->url(), {}, "pong"};
  if (!s.proxy) {
    state.SkipWithError(s.missing.c_str());
    return std::nullopt;
  }
  return Target{s.proxy->url(), s.with_certificate(), "pong SUCCESS"};
}

void kept_alive(benchmark::State& state, bool through_proxy) {
  const auto to = target(state, through_proxy);
  if (!to) return;
  Client client(to->url, to->options);
  request(state, client, to->expected);  // the connection (and its handshake) before the measured requests
  for (auto _ : state) request(state, client, to->expected);
  state.SetItemsProcessed(state.iterations());
}

void new_connection_each(benchmark::State& state, bool through_proxy) {
  const auto to = target(state, through_proxy);
  if (!to) return;
  for (auto _ : state) {
    Client client(to->url, to->options);
    request(state, client, to->expected);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_StraightKeptAliveRequest(benchmark::State& state) { kept_alive(state, false); }
void BM_ProxyKeptAliveRequestWithClientCertificate(benchmark::State& state) { kept_alive(state, true); }
void BM_StraightNewConnectionAndRequest(benchmark::State& state) { new_connection_each(state, false); }
void BM_ProxyHandshakeWithClientCertificateAndRequest(benchmark::State& state) { new_connection_each(state, true); }

BENCHMARK(BM_StraightKeptAliveRequest)->UseRealTime();
BENCHMARK(BM_ProxyKeptAliveRequestWithClientCertificate)->UseRealTime();
BENCHMARK(BM_StraightNewConnectionAndRequest)->UseRealTime();
BENCHMARK(BM_ProxyHandshakeWithClientCertificateAndRequest)->UseRealTime();

}  // namespace
