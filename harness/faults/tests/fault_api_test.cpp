// Toxiproxy's HTTP API: paths, status codes, JSON shapes and error bodies as Toxiproxy's own
// clients expect them; and the mcp-fault-proxy binary.
#include "mcph/harness/faults/fault_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/listen_line.h"
#include "mcph/proc/thread_count.h"
#include "tcp_fixtures.h"

namespace mcph::harness::faults {
namespace {

using namespace testing;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using Mode = Upstream::Mode;

class FaultApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.access_log = false;
    options.error_formatter = toxiproxy_error;
    server_ = std::make_unique<http::Server>(options);
    mount_fault_api(proxies_, *server_);
    server_->start();
    client_ = std::make_unique<http::Client>(server_->url());
  }
  http::ClientResponse call(const std::string& method, const std::string& path, const Json& body = nullptr) {
    return client_->request(method, path, {}, body.is_null() ? "" : body.dump(), body.is_null() ? "" : "application/json");
  }
  static Json json_of(const http::ClientResponse& response) { return Json::parse(response.body); }

  Upstream echo_{Mode::echo};
  FaultProxy proxies_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Client> client_;
};

TEST_F(FaultApiTest, CreateShowListAndDeleteAProxy) {
  const auto created = call("POST", "/proxies", {{"name", "vault"}, {"listen", "127.0.0.1:0"}, {"upstream", echo_.address()}});
  ASSERT_EQ(created.status, 201) << created.body;
  const Json proxy = json_of(created);
  EXPECT_EQ(proxy["name"], "vault");
  EXPECT_EQ(proxy["upstream"], echo_.address());
  EXPECT_EQ(proxy["enabled"], true);
  EXPECT_EQ(proxy["toxics"], Json::array());
  EXPECT_THAT(proxy["listen"].get<std::string>(), ::testing::StartsWith("127.0.0.1:"));
  EXPECT_EQ(json_of(call("GET", "/proxies"))["vault"], proxy);
  EXPECT_EQ(json_of(call("GET", "/proxies/vault")), proxy);
  EXPECT_EQ(call("DELETE", "/proxies/vault").status, 204);
  EXPECT_EQ(json_of(call("GET", "/proxies")), Json::object());
}

TEST_F(FaultApiTest, ErrorsHaveToxiproxysShapeAndStatus) {
  const auto missing = call("GET", "/proxies/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing), (Json{{"error", "proxy not found"}, {"status", 404}}));
  const auto no_upstream = call("POST", "/proxies", {{"name", "x"}});
  EXPECT_EQ(no_upstream.status, 400);
  EXPECT_EQ(json_of(no_upstream)["error"], "missing required field: upstream");
  call("POST", "/proxies", {{"name", "x"}, {"upstream", echo_.address()}});
  const auto twice = call("POST", "/proxies", {{"name", "x"}, {"upstream", echo_.address()}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(json_of(twice)["error"], "proxy already exists");
  const auto not_json = client_->post("/proxies", "{name", "application/json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_THAT(json_of(not_json)["error"].get<std::string>(), ::testing::StartsWith("bad request body"));
  const auto wrong_type = call("POST", "/proxies", {{"name", 5}, {"upstream", echo_.address()}});
  EXPECT_EQ(wrong_type.status, 400);
}

// "seed", mcp-fault-proxy's own field, reaches the toxic (its draws come from it); a seed that
// is not a whole number is refused rather than silently replaced by a random one.
TEST_F(FaultApiTest, AToxicsSeedIsTakenFromItsBody) {
  call("POST", "/proxies", {{"name", "vault"}, {"upstream", echo_.address()}});
  const auto seeded = call("POST", "/proxies/vault/toxics",
                           {{"type", "latency"}, {"attributes", {{"latency", 10}, {"jitter", 5}}}, {"seed", 18446744073709551615ULL}});
  ASSERT_EQ(seeded.status, 200) << seeded.body;
  EXPECT_EQ(proxies_.get_toxic("vault", "latency_downstream").seed, 18446744073709551615ULL);
  EXPECT_FALSE(json_of(seeded).contains("seed"));  // the answer keeps Toxiproxy's shape
  for (const Json& bad : {Json(-1), Json(1.5), Json("7")}) {
    const auto refused = call("POST", "/proxies/vault/toxics", {{"name", "other"}, {"type", "latency"}, {"seed", bad}});
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_THAT(refused.body, HasSubstr("seed must be a whole number"));
  }
  call("POST", "/proxies/vault/toxics", {{"name", "unseeded"}, {"type", "latency"}});
  EXPECT_TRUE(proxies_.get_toxic("vault", "unseeded").seed.has_value());  // one drawn for it
}

TEST_F(FaultApiTest, ToxicsAreAddedWithToxiproxysDefaultsChangedAndRemoved) {
  call("POST", "/proxies", {{"name", "vault"}, {"upstream", echo_.address()}});
  const auto added = call("POST", "/proxies/vault/toxics", {{"type", "latency"}, {"attributes", {{"latency", 2000}}}});
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(json_of(added), (Json{{"attributes", {{"latency", 2000}, {"jitter", 0}}},
                                  {"name", "latency_downstream"},
                                  {"type", "latency"},
                                  {"stream", "downstream"},
                                  {"toxicity", 1.0}}));
  // A partial change keeps the other attributes.
  const auto changed = call("PATCH", "/proxies/vault/toxics/latency_downstream", {{"attributes", {{"jitter", 50}}}, {"toxicity", 0.5}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json_of(changed)["attributes"], (Json{{"latency", 2000}, {"jitter", 50}}));
  EXPECT_EQ(json_of(changed)["toxicity"], 0.5);
  call("POST", "/proxies/vault/toxics",
       {{"name", "cut"}, {"type", "reset_peer"}, {"stream", "upstream"}, {"attributes", {{"timeout", 100}}}});
  const Json toxics = json_of(call("GET", "/proxies/vault/toxics"));
  ASSERT_EQ(toxics.size(), 2u);
  EXPECT_EQ(toxics[0]["name"], "cut");
  EXPECT_EQ(json_of(call("GET", "/proxies/vault"))["toxics"], toxics);
  EXPECT_EQ(json_of(call("GET", "/proxies/vault/toxics/cut"))["stream"], "upstream");
  EXPECT_EQ(call("DELETE", "/proxies/vault/toxics/cut").status, 204);
  const auto gone = call("GET", "/proxies/vault/toxics/cut");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(json_of(gone)["error"], "toxic not found");
}

TEST_F(FaultApiTest, BadToxicsAreRefusedWithTheirReason) {
  call("POST", "/proxies", {{"name", "vault"}, {"upstream", echo_.address()}});
  const auto type = call("POST", "/proxies/vault/toxics", {{"type", "meteor"}});
  EXPECT_EQ(type.status, 400);
  EXPECT_EQ(json_of(type)["error"], "invalid toxic type");
  const auto stream = call("POST", "/proxies/vault/toxics", {{"type", "latency"}, {"stream", "sideways"}});
  EXPECT_EQ(stream.status, 400);
  EXPECT_EQ(json_of(stream)["error"], "stream was invalid, can be either upstream or downstream");
  const auto attribute = call("POST", "/proxies/vault/toxics", {{"type", "latency"}, {"attributes", {{"latency", "slow"}}}});
  EXPECT_EQ(attribute.status, 400);
  EXPECT_THAT(json_of(attribute)["error"].get<std::string>(), HasSubstr("attributes.latency"));
  call("POST", "/proxies/vault/toxics", {{"type", "timeout"}});
  EXPECT_EQ(call("POST", "/proxies/vault/toxics", {{"type", "timeout"}}).status, 409);
  EXPECT_EQ(call("POST", "/proxies/nope/toxics", {{"type", "timeout"}}).status, 404);
}

TEST_F(FaultApiTest, DisablingAProxyIsTheDownFaultAndResetUndoesEverything) {
  const std::string listen =
      json_of(call("POST", "/proxies", {{"name", "jwks"}, {"upstream", echo_.address()}}))["listen"];
  call("POST", "/proxies/jwks/toxics", {{"type", "timeout"}});
  const auto down = call("POST", "/proxies/jwks", {{"enabled", false}});
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(json_of(down)["enabled"], false);
  EXPECT_FALSE(Client(listen).connected());
  EXPECT_EQ(call("POST", "/reset").status, 204);
  const Json after = json_of(call("GET", "/proxies/jwks"));
  EXPECT_EQ(after["enabled"], true);
  EXPECT_EQ(after["toxics"], Json::array());
  Client client(listen);
  client.send_text("up");
  std::string received;
  EXPECT_EQ(client.receive(received, 2, 5s), End::data);
}

TEST_F(FaultApiTest, PopulateCreatesOrReplacesProxies) {
  call("POST", "/proxies", {{"name", "a"}, {"upstream", "127.0.0.1:1"}});
  const auto populated = call("POST", "/populate", Json::array({{{"name", "a"}, {"upstream", echo_.address()}},
                                                                 {{"name", "b"}, {"upstream", echo_.address()}, {"enabled", false}}}));
  ASSERT_EQ(populated.status, 201) << populated.body;
  const Json proxies = json_of(populated)["proxies"];
  ASSERT_EQ(proxies.size(), 2u);
  EXPECT_EQ(proxies[0]["upstream"], echo_.address());
  EXPECT_EQ(proxies[1]["enabled"], false);
  EXPECT_EQ(call("POST", "/populate", Json::array({{{"name", "c"}}})).status, 400);
}

TEST_F(FaultApiTest, VersionIsServed) {
  const auto version = call("GET", "/version");
  EXPECT_EQ(version.status, 200);
  EXPECT_THAT(json_of(version)["version"].get<std::string>(), HasSubstr("mcph-fault-proxy"));
}

// mcp-fault-proxy started with a config of one proxy, "vault", in front of `upstream`.
struct ProxyBinary {
  explicit ProxyBinary(const std::string& upstream) : child(spawn(upstream, listen_line)), api(*proc::parse_listen_line(listen_line)) {
    listen = Json::parse(api.get("/proxies/vault").body)["listen"].get<std::string>();
  }
  static proc::ChildProcess spawn(const std::string& upstream, std::string& listen_line) {
    const auto config = std::filesystem::temp_directory_path() / ("mcph-fault-config-" + std::to_string(::getpid()) + ".json");
    std::ofstream(config) << Json::array({{{"name", "vault"}, {"upstream", upstream}}}).dump();
    proc::SpawnOptions options;
    options.argv = {MCPH_FAULT_PROXY_PATH, "--config", config.string()};
    auto child = proc::ChildProcess::spawn(options);
    listen_line = child.wait_for_line([](std::string_view l) { return proc::parse_listen_line(l).has_value(); }, 10s);
    std::filesystem::remove(config);
    return child;
  }
  std::string listen_line;  // first: spawn() sets it
  proc::ChildProcess child;
  http::Client api;
  std::string listen;  // the proxy's address
};

TEST(FaultProxyBinary, ServesTheApiFromItsConfigAndStopsCleanly) {
  Upstream echo(Mode::echo);
  ProxyBinary proxy(echo.address());
  Client client(proxy.listen);
  client.send_text("hi");
  std::string received;
  EXPECT_EQ(client.receive(received, 2, 5s), End::data);
  const int status = proxy.child.stop(5s);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(client.receive_to_end(received, 2s), End::closed);
}

// A proxy's connections share its one event loop: they add no thread. (Two threads per
// connection and direction, the first design, left the scheduler hundreds of threads to run and
// the servers behind it runnable but waiting for seconds under load.)
TEST(FaultProxyBinary, CarriesManyConnectionsOnTheThreadsItStartedWith) {
  Upstream echo(Mode::echo);
  ProxyBinary proxy(echo.address());
  Client warm_up(proxy.listen);  // the first connection: anything started lazily is started now
  warm_up.send_text("0");
  std::string received;
  ASSERT_EQ(warm_up.receive(received, 1, 5s), End::data);
  const int threads_before = proc::thread_count(proxy.child.pid());
  ASSERT_GT(threads_before, 0);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 40; ++i) {
    clients.push_back(std::make_unique<Client>(proxy.listen));
    clients.back()->send_text("x" + std::to_string(i));
  }
  for (int i = 0; i < 40; ++i) {
    std::string echoed;
    const std::string expected = "x" + std::to_string(i);
    ASSERT_EQ(clients[i]->receive(echoed, expected.size(), 5s), End::data) << i;
    EXPECT_EQ(echoed, expected);
  }
  EXPECT_EQ(proc::thread_count(proxy.child.pid()), threads_before);
}

}  // namespace
}  // namespace mcph::harness::faults
