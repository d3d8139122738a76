#include "mcph/harness/stack/tls_proxy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "mcph/http/client.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/service.h"
#include "mcph/proc/private_file.h"
#include "program_on_path.h"
#include "tls_proxy_config.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kName = "tls-proxy";
constexpr const char* kReadyPath = "/.mcph-tls-proxy-ready";

// Ready once nginx completes a handshake and answers anything: in required mode it answers the
// probe, which has no certificate, 400.
proc::HealthProbe answers_over_tls(std::string ca_file) {
  return proc::HealthProbe{"a TLS handshake and GET " + std::string(kReadyPath),
                           [ca_file](const std::string& url) -> std::optional<std::string> {
                             try {
                               http::ClientOptions options;
                               options.ca_file = ca_file;
                               options.connect_timeout = 1s;
                               options.read_timeout = 2s;
                               http::Client(url, options).get(kReadyPath);
                               return std::nullopt;
                             } catch (const std::exception& e) {
                               return e.what();
                             }
                           }};
}

// nginx -t: the configuration's errors as nginx words them, before anything listens.
void check_config(const std::string& nginx, const fs::path& directory, const fs::path& config) {
  proc::SpawnOptions test;
  test.name = "nginx -t";
  test.argv = {nginx, "-t", "-q", "-e", "stderr", "-p", directory.string(), "-c", config.string()};
  const proc::CommandResult result = proc::run_command(test, 30s);
  if (result.exit_code != 0) {
    throw std::runtime_error("tls proxy: nginx refused its configuration " + config.string() + ":\n" +
                             result.output);
  }
}

}  // namespace

std::string find_nginx() {
  if (const auto nginx = program_on_path("nginx")) return nginx->string();
  if (executable_file("/usr/sbin/nginx")) return "/usr/sbin/nginx";
  throw NginxMissing("nginx is not installed (no nginx in PATH or /usr/sbin): run scripts/bootstrap");
}

struct TlsProxy::Impl {
  fs::path directory;
  int port = 0;
  std::optional<proc::ChildProcess> process;
};

TlsProxy TlsProxy::start(TlsProxyOptions options) {
  const std::string nginx = options.nginx_binary.empty() ? find_nginx() : options.nginx_binary;
  if (!executable_file(nginx)) throw NginxMissing("tls proxy: no nginx at " + nginx + ": run scripts/bootstrap");
  if (options.server_ca_file.empty()) options.server_ca_file = options.client_ca_file;
  TlsProxy proxy;
  proxy.impl_ = std::make_unique<Impl>();
  Impl& impl = *proxy.impl_;
  impl.directory = options.run_dir / kName;
  fs::create_directories(impl.directory);
  fs::permissions(impl.directory, fs::perms::owner_all, fs::perm_options::replace);
  const fs::path config = impl.directory / "nginx.conf";

  impl.process.emplace(proc::start_on_free_loopback_ports(1, [&](const std::vector<int>& ports) {
    impl.port = ports[0];
    proc::write_private_file(config, tls_proxy_config(options, impl.directory, impl.port));
    check_config(nginx, impl.directory, config);
    proc::SpawnOptions spawn;
    spawn.name = kName;
    spawn.argv = {nginx, "-e", "stderr", "-p", impl.directory.string(), "-c", config.string()};
    spawn.log_path = (options.run_dir / (std::string(kName) + ".log")).string();
    spawn.working_dir = impl.directory.string();
    spawn.stop_signal = SIGQUIT;  // graceful: in-flight requests finish, kept-alive connections close
    spawn.die_with_parent = options.die_with_parent;
    proc::ReadyWhen ready;
    ready.announces = false;
    ready.url = proxy.url();
    ready.health = answers_over_tls(options.server_ca_file);
    ready.timeout = options.ready_timeout;
    return proc::start_service(std::move(spawn), ready).process;
  }));
  return proxy;
}

TlsProxy::TlsProxy(TlsProxy&&) noexcept = default;
TlsProxy& TlsProxy::operator=(TlsProxy&&) noexcept = default;
TlsProxy::~TlsProxy() { stop(); }

int TlsProxy::port() const { return impl_->port; }
std::string TlsProxy::url() const { return "https://127.0.0.1:" + std::to_string(impl_->port); }
pid_t TlsProxy::pid() const { return impl_->process ? impl_->process->pid() : -1; }
const std::string& TlsProxy::log_path() const { return impl_->process->log_path(); }
fs::path TlsProxy::config_file() const { return impl_->directory / "nginx.conf"; }

void TlsProxy::stop(std::chrono::milliseconds grace) {
  if (!impl_ || !impl_->process) return;
  impl_->process->stop(grace);
  impl_->process.reset();
}

}  // namespace mcph::harness::stack
