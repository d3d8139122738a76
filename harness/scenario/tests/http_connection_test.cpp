// An http step's `connection:`: the steps of a scenario that name the same connection send on one
// kept-alive HTTP connection. A server that trusts a token for the connection it came on — serving
// a later request on it without one as the same caller — passes every scenario whose requests
// each open a connection of their own, and only this finds it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/http/server.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Status = reports::ScenarioResult::Status;

// POST /mcp: 200 to a bearer token, else 401; with `remembers`, a request without a token on a
// connection (its client port) that a token was accepted on is served as that token's.
class ConnectionServer {
 public:
  explicit ConnectionServer(bool remembers) : remembers_(remembers) {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/mcp", [this](const http::Request& req, http::Response& res) {
      const std::lock_guard<std::mutex> hold(lock_);
      ports_.push_back(req.remote_port);
      std::string authorization = req.header("Authorization");
      if (authorization.empty() && remembers_ && by_port_.count(req.remote_port)) authorization = by_port_[req.remote_port];
      if (authorization.rfind("Bearer ", 0) != 0) {
        res.set_json(401, R"({"error":"no token"})");
        return;
      }
      by_port_[req.remote_port] = authorization;
      res.set_json(200, R"({"jsonrpc":"2.0","id":1,"result":{}})");
    });
    server_->start();
  }
  std::string url() const { return server_->url() + "/mcp"; }
  std::vector<int> ports() const {
    const std::lock_guard<std::mutex> hold(lock_);
    return ports_;
  }

 private:
  bool remembers_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex lock_;
  std::vector<int> ports_;
  std::map<int, std::string> by_port_;
};

std::string scenario(const std::string& first_connection, const std::string& second_connection) {
  const auto connection = [](const std::string& name) { return name.empty() ? std::string() : ", connection: " + name; };
  return R"(suite: connection
scenarios:
  - name: a request without a token is refused after one with
    steps:
      - token: raw
        as: alice
        name: t
        value: a-token
      - http: {server: jira-mcp, json: {jsonrpc: "2.0", id: 1, method: ping})" + connection(first_connection) + R"(}
        with_token: t
        control: true
        expect: {http_status: 200}
      - http: {server: jira-mcp, json: {jsonrpc: "2.0", id: 1, method: ping}, auth: none)" + connection(second_connection) + R"(}
        expect: {http_status: 401}
)";
}

reports::ScenarioResult run(const ConnectionServer& server, const std::string& text) {
  ScenarioRunner runner(stack::StackFile::parse(
      nlohmann::json{{"mode", "external"}, {"services", {{"jira-mcp", {{"url", server.url()}}}}}}.dump()));
  return runner.run(parse_scenario_file(text, "connection.yaml")).scenarios.at(0);
}

TEST(HttpConnection, StepsNamingOneConnectionSendOnOneAndOthersOnTheirOwn) {
  ConnectionServer server(false);
  EXPECT_EQ(run(server, scenario("c", "c")).status, Status::passed);
  EXPECT_EQ(run(server, scenario("", "")).status, Status::passed);
  const std::vector<int> ports = server.ports();
  ASSERT_EQ(ports.size(), 4u);
  EXPECT_EQ(ports[0], ports[1]);  // connection: c, twice
  EXPECT_NE(ports[2], ports[3]);  // each step its own
}

TEST(HttpConnection, AServerTrustingTheConnectionIsFoundOnlyOnIt) {
  ConnectionServer server(true);
  const auto shared = run(server, scenario("c", "c"));
  EXPECT_EQ(shared.status, Status::failed);
  ASSERT_FALSE(shared.failures.empty());
  EXPECT_THAT(shared.failures.front().expectation, HasSubstr("http_status"));
  EXPECT_EQ(run(server, scenario("c", "other")).status, Status::passed);
  EXPECT_EQ(run(server, scenario("", "")).status, Status::passed);
}

TEST(HttpConnection, AConnectionIsSentWhereItWasOpened) {
  ConnectionServer jira(false), github(false);
  ScenarioRunner runner(stack::StackFile::parse(nlohmann::json{
      {"mode", "external"},
      {"services", {{"jira-mcp", {{"url", jira.url()}}}, {"github-mcp", {{"url", github.url()}}}}}}.dump()));
  const auto result = runner.run(parse_scenario_file(R"(suite: connection
scenarios:
  - name: one connection, two servers
    steps:
      - http: {server: jira-mcp, json: {}, auth: none, connection: c}
        expect: {http_status: 401}
      - http: {server: github-mcp, json: {}, auth: none, connection: c}
        expect: {http_status: 401}
)", "connection.yaml")).scenarios.at(0);
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.message, HasSubstr("connection c was opened to " + jira.url().substr(0, jira.url().size() - 4)));
  EXPECT_THAT(github.ports(), ElementsAre());
}

}  // namespace
}  // namespace mcph::harness::scenario
