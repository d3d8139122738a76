// TlsProxy (Debian's nginx) in front of a lib/http server whose handler keeps the headers it
// received: what the upstream learns of each client certificate, that forged certificate headers
// never reach it, required mode, a clean stop and a clear error for a bad configuration.
// Skipped, saying why, where nginx is not installed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>

#include "mcph/harness/stack/tls_proxy.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/proc/poll_until.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A plain-HTTP upstream on loopback that remembers the last request's headers.
class EchoUpstream {
 public:
  EchoUpstream() {
    http::ServerOptions options;
    options.name = "upstream";
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("GET", ".*", [this](const http::Request& request, http::Response& response) {
      std::lock_guard lock(mutex_);
      last_ = request.headers;
      last_remote_ = request.remote_addr;
      ++requests_;
      response.body = "upstream saw " + request.path;
    });
    server_->start();
  }
  std::string url() const { return server_->url(); }
  int requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // The address the last request came from (the proxy's side of its connection).
  std::string remote() const {
    std::lock_guard lock(mutex_);
    return last_remote_;
  }
  std::optional<std::string> header(std::string_view name) const {
    std::lock_guard lock(mutex_);
    return http::find_field(last_, name);
  }

 private:
  mutable std::mutex mutex_;
  http::Fields last_;
  std::string last_remote_;
  int requests_ = 0;
  std::unique_ptr<http::Server> server_;
};

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Nothing listens on it: a listener may bind it again (SO_REUSEADDR lets the closed connections'
// TIME_WAIT be).
bool port_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

fs::perms permissions(const fs::path& path) { return fs::status(path).permissions() & fs::perms::all; }

class TlsProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      find_nginx();
    } catch (const NginxMissing& e) {
      GTEST_SKIP() << e.what();
    }
  }

  TlsProxyOptions options(ProxyClientVerification verification = ProxyClientVerification::optional) const {
    TlsProxyOptions options;
    options.run_dir = directory_.path();
    options.upstream_url = upstream_.url();
    options.certificate_chain_file = server_files_.certificate.string();
    options.private_key_file = server_files_.private_key.string();
    options.client_ca_file = ca_.certificate_file().string();
    options.client_verification = verification;
    return options;
  }

  http::ClientOptions client(const tls::CertificateFiles* certificate = nullptr) const {
    http::ClientOptions options;
    options.connect_timeout = 2s;
    options.read_timeout = 5s;
    options.ca_file = ca_.certificate_file().string();
    if (certificate != nullptr) {
      options.client_certificate_file = certificate->certificate.string();
      options.client_key_file = certificate->private_key.string();
    }
    return options;
  }

  proc::TempDir directory_{"mcph-tls-proxy-test"};
  tls::TestCa ca_{directory_.path()};
  tls::TestCa foreign_ca_{directory_.path(), "foreign CA"};
  tls::CertificateFiles server_files_ = ca_.issue_server("proxy");
  // The comma in the CN is escaped in RFC 2253 form.
  tls::CertificateFiles agent_ =
      ca_.issue_client("agent", {{"O", "mcph"}, {"OU", "agents"}, {"CN", "Doe, John"}});
  tls::CertificateFiles stranger_ = foreign_ca_.issue_client("stranger", {{"O", "elsewhere"}, {"CN", "intruder"}});
  EchoUpstream upstream_;
};

constexpr const char* kAgentDn = "CN=Doe\\, John,OU=agents,O=mcph";

TEST_F(TlsProxyTest, AVerifiedCertificateReachesTheUpstreamAsSuccessWithItsDn) {
  TlsProxy proxy = TlsProxy::start(options());
  EXPECT_EQ(proxy.url().rfind("https://127.0.0.1:", 0), 0u);
  const auto response = http::Client(proxy.url(), client(&agent_)).get("/tools?x=1");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, "upstream saw /tools");
  EXPECT_EQ(upstream_.header("X-SSL-Client-Verify"), "SUCCESS");
  EXPECT_EQ(upstream_.header("X-SSL-Client-S-DN"), kAgentDn);
  EXPECT_EQ(upstream_.header("X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(upstream_.header("X-Real-IP"), "127.0.0.1");
  EXPECT_EQ(upstream_.header("X-Forwarded-Proto"), "https");
}

TEST_F(TlsProxyTest, TheUpstreamSeesTheProxyComeFromItsOwnAddress) {
  {
    TlsProxy proxy = TlsProxy::start(options());
    ASSERT_EQ(http::Client(proxy.url(), client(&agent_)).get("/").status, 200);
    EXPECT_EQ(upstream_.remote(), "127.0.0.1");
  }
  // An upstream that believes identity headers from 127.0.0.2 only believes the proxy, never a
  // local client that goes around it.
  TlsProxyOptions own_address = options();
  own_address.upstream_source_address = "127.0.0.2";
  TlsProxy proxy = TlsProxy::start(own_address);
  ASSERT_EQ(http::Client(proxy.url(), client(&agent_)).get("/").status, 200);
  EXPECT_EQ(upstream_.remote(), "127.0.0.2");
  EXPECT_EQ(upstream_.header("X-Forwarded-For"), "127.0.0.1") << "the client's own address, as before";
}

TEST_F(TlsProxyTest, ASourceAddressOffLoopbackOrMalformedIsRefused) {
  for (const char* bad : {"10.0.0.2", "127.0.0", "127.0.0.256", "127.0.0.2; evil", "localhost", "::1"}) {
    TlsProxyOptions options_with = options();
    options_with.upstream_source_address = bad;
    EXPECT_THROW(TlsProxy::start(options_with), std::invalid_argument) << bad;
  }
}

TEST_F(TlsProxyTest, NoCertificateReachesTheUpstreamAsNoneWithNoDn) {
  TlsProxy proxy = TlsProxy::start(options());
  const auto response = http::Client(proxy.url(), client()).get("/");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(upstream_.header("X-SSL-Client-Verify"), "NONE");
  EXPECT_EQ(upstream_.header("X-SSL-Client-S-DN").value_or(""), "");
}

TEST_F(TlsProxyTest, AForeignCertificateInOptionalModeIsAnsweredByNginxAndNeverReachesTheUpstream) {
  TlsProxy proxy = TlsProxy::start(options());
  const auto response = http::Client(proxy.url(), client(&stranger_)).get("/");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(upstream_.requests(), 0);
}

TEST_F(TlsProxyTest, AForeignCertificateInOptionalNoCaModeReachesTheUpstreamAsFailed) {
  TlsProxy proxy = TlsProxy::start(options(ProxyClientVerification::optional_no_ca));
  const auto response = http::Client(proxy.url(), client(&stranger_)).get("/");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string verify = upstream_.header("X-SSL-Client-Verify").value_or("");
  EXPECT_EQ(verify.rfind("FAILED:", 0), 0u) << verify;
  EXPECT_NE(verify, "SUCCESS");
  EXPECT_EQ(upstream_.header("X-SSL-Client-S-DN"), "CN=intruder,O=elsewhere");
}

TEST_F(TlsProxyTest, ForgedCertificateHeadersFromTheClientNeverReachTheUpstream) {
  TlsProxy proxy = TlsProxy::start(options(ProxyClientVerification::optional_no_ca));
  const http::Fields forged = {{"X-SSL-Client-S-DN", "CN=admin,O=mcph"},
                               {"x-ssl-client-verify", "SUCCESS"},
                               {"X-SSL-Client-DN", "CN=admin"},
                               {"X-Client-Cert", "forged"},
                               {"X-Forwarded-Client-Cert", "Hash=forged;Subject=\"CN=admin\""},
                               {"SSL_CLIENT_S_DN", "CN=admin"},
                               {"SSL-Client-Verify", "SUCCESS"},
                               {"X-Forwarded-For", "10.9.8.7"},
                               {"X-Real-IP", "10.9.8.7"}};
  const auto expect_nothing_forged_arrived = [&] {
    for (const char* dropped : {"X-SSL-Client-DN", "X-Client-Cert", "X-Forwarded-Client-Cert", "SSL_CLIENT_S_DN",
                                "SSL-Client-Verify"}) {
      EXPECT_FALSE(upstream_.header(dropped).has_value()) << dropped << ": " << *upstream_.header(dropped);
    }
    EXPECT_EQ(upstream_.header("X-Forwarded-For"), "127.0.0.1");
    EXPECT_EQ(upstream_.header("X-Real-IP"), "127.0.0.1");
  };

  ASSERT_EQ(http::Client(proxy.url(), client()).get("/", forged).status, 200);
  EXPECT_EQ(upstream_.header("X-SSL-Client-Verify"), "NONE");
  EXPECT_EQ(upstream_.header("X-SSL-Client-S-DN").value_or(""), "");
  expect_nothing_forged_arrived();

  ASSERT_EQ(http::Client(proxy.url(), client(&stranger_)).get("/", forged).status, 200);
  EXPECT_NE(upstream_.header("X-SSL-Client-Verify"), "SUCCESS");
  EXPECT_EQ(upstream_.header("X-SSL-Client-S-DN"), "CN=intruder,O=elsewhere");
  expect_nothing_forged_arrived();

  ASSERT_EQ(http::Client(proxy.url(), client(&agent_)).get("/", forged).status, 200);
  EXPECT_EQ(upstream_.header("X-SSL-Client-Verify"), "SUCCESS");
  EXPECT_EQ(upstream_.header("X-SSL-Client-S-DN"), kAgentDn);
  expect_nothing_forged_arrived();
}

TEST_F(TlsProxyTest, RequiredModeRefusesARequestWithoutAVerifiedCertificate) {
  TlsProxy proxy = TlsProxy::start(options(ProxyClientVerification::required));
  EXPECT_EQ(http::Client(proxy.url(), client()).get("/").status, 400);
  EXPECT_EQ(http::Client(proxy.url(), client(&stranger_)).get("/").status, 400);
  EXPECT_EQ(upstream_.requests(), 0);
  ASSERT_EQ(http::Client(proxy.url(), client(&agent_)).get("/").status, 200);
  EXPECT_EQ(upstream_.header("X-SSL-Client-Verify"), "SUCCESS");
  EXPECT_EQ(upstream_.requests(), 1);
}

TEST_F(TlsProxyTest, StopLeavesNoProcessAndFreesThePortAndEverythingStaysInItsDirectory) {
  TlsProxy proxy = TlsProxy::start(options());
  const pid_t pid = proxy.pid();
  const int port = proxy.port();
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(port_free(port));
  http::Client kept_alive(proxy.url(), client(&agent_));
  ASSERT_EQ(kept_alive.get("/").status, 200);

  const fs::path own = directory_.path() / "tls-proxy";
  EXPECT_TRUE(fs::exists(own / "nginx.pid"));
  EXPECT_TRUE(fs::exists(own / "access.log"));
  EXPECT_TRUE(fs::exists(proxy.config_file()));
  EXPECT_EQ(permissions(own), fs::perms::owner_all);
  EXPECT_EQ(permissions(server_files_.private_key), fs::perms::owner_read | fs::perms::owner_write);

  const auto started = std::chrono::steady_clock::now();
  proxy.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // graceful, not the SIGKILL after the grace
  EXPECT_TRUE(process_gone(pid));
  EXPECT_TRUE(proc::poll_until([&] { return port_free(port); }, 2s));
  EXPECT_THROW(kept_alive.get("/"), http::TransportError);
  proxy.stop();  // idempotent
}

TEST_F(TlsProxyTest, ABadCertificateIsAClearErrorQuotingNginx) {
  const fs::path garbage = directory_.path() / "garbage.crt";
  std::ofstream(garbage) << "not a certificate\n";
  TlsProxyOptions bad = options();
  bad.certificate_chain_file = garbage.string();
  const auto started = std::chrono::steady_clock::now();
  try {
    TlsProxy::start(bad);
    FAIL() << "started with a certificate that is not one";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("nginx refused its configuration"), std::string::npos) << message;
    EXPECT_NE(message.find("garbage.crt"), std::string::npos) << message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);

  bad.certificate_chain_file = (directory_.path() / "absent.crt").string();
  EXPECT_THROW(TlsProxy::start(bad), std::runtime_error);
}

TEST_F(TlsProxyTest, AnUpstreamOffLoopbackOrNotPlainHttpIsRefused) {
  TlsProxyOptions bad = options();
  bad.upstream_url = "http://10.0.0.1:8080";
  EXPECT_THROW(TlsProxy::start(bad), std::invalid_argument);
  bad.upstream_url = "https://127.0.0.1:8080";
  EXPECT_THROW(TlsProxy::start(bad), std::invalid_argument);
}

TEST_F(TlsProxyTest, AMissingNginxSaysToRunTheBootstrap) {
  TlsProxyOptions missing = options();
  missing.nginx_binary = (directory_.path() / "no-such-nginx").string();
  try {
    TlsProxy::start(missing);
    FAIL() << "started without nginx";
  } catch (const NginxMissing& e) {
    EXPECT_NE(std::string(e.what()).find("run scripts/bootstrap"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mcph::harness::stack
