#include "mcph/mock_vault/app.h"

#include <pthread.h>

#include <csignal>

#include "core.h"
#include "mcph/http/server.h"
#include "vault_http.h"

namespace mcph::mock_vault {

struct MockVault::Impl {
  explicit Impl(const MockVaultOptions& options)
      : core(CoreOptions{options.root_token, options.audit_log}), server(server_options(options)) {
    install_routes(server, core);
  }

  static http::ServerOptions server_options(const MockVaultOptions& options) {
    http::ServerOptions server_options;
    server_options.name = "mock-vault";
    server_options.port = options.port;
    server_options.max_body_bytes = options.max_request_bytes;
    server_options.access_log = options.access_log;
    server_options.error_formatter = format_http_error;
    server_options.extension_methods = {"LIST"};  // Vault's list verb (hvac, node-vault, curl -X LIST)
    return server_options;
  }

  Core core;
  http::Server server;
};

MockVault::MockVault(MockVaultOptions options) : impl_(std::make_unique<Impl>(options)) {}

MockVault::~MockVault() { stop(); }

int MockVault::start() {
  impl_->core.start_reaper();
  return impl_->server.start();
}

void MockVault::stop() {
  if (!impl_) return;
  impl_->server.stop();
  impl_->core.shutdown();
}

std::string MockVault::url() const { return impl_->server.url(); }

int MockVault::run_until_signal() {
  // Every thread must inherit the blocked SIGTERM/SIGINT (serve_until_signal waits for them with
  // sigwait), so block them before the reaper thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  impl_->core.start_reaper();
  const int code = http::serve_until_signal(impl_->server);
  impl_->core.shutdown();
  return code;
}

}  // namespace mcph::mock_vault
