#pragma once
// The fixture the servers' integration tests share: one local stack for the whole program
// (PostgreSQL, mock-keycloak, mock-vault, the mock backends and the three MCP servers, provisioned
// through the public APIs), and what the tests ask of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/http/client.h"
#include "mcph/http/trace_context.h"
#include "mcph/proc/service.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jwt.h"
#include "mcph/mcp/client.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness::servers_test {

using namespace std::chrono_literals;
using Json = nlohmann::json;

class ServersIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack::StackParams options;
    options.generated_users = 2;
    stack_ = stack::LocalStack::up(options).release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static const stack::StackFile& stack() { return stack_->stack(); }
  static std::string realm_url() { return stack().service("keycloak").url + "/realms/" + stack().realm; }

  static std::string password_of(const std::string& username) {
    for (const auto& user : stack_->provisioned().users) {
      if (user.fixture.username == username) return user.fixture.password;
    }
    throw std::runtime_error("no such fixture user " + username);
  }
  // A token for every MCP server of the stack, as the runner gets them.
  static std::string token_for(const std::string& username, const std::string& client = "mcp-client") {
    return stack::user_access_token(stack(), {}, username, password_of(username), client);
  }
  static std::string user_id(const std::string& username) {
    for (const auto& user : stack_->provisioned().users) {
      if (user.fixture.username == username) return user.id;
    }
    throw std::runtime_error("no such fixture user " + username);
  }

  // An initialized MCP session with `server` as `username`.
  static mcp::Client session(const std::string& server, const std::string& username) {
    mcp::Client client(stack().service(server).url);
    client.set_header("Authorization", "Bearer " + token_for(username));
    const auto init = client.connect();
    EXPECT_TRUE(init.ok()) << server << " initialize as " << username << ": " << init.http_status << " " << init.body;
    return client;
  }

  static Json ledger(const std::string& backend) {
    http::Client client(stack().service(backend).url);
    return Json::parse(client.get("/_ledger").body);
  }
  static void clear_ledger(const std::string& backend) {
    http::Client client(stack().service(backend).url);
    ASSERT_LT(client.request("DELETE", "/_ledger").status, 300);
  }

  // A server of the stack's kind started by a test for itself (a tight rate limit, another
  // client allowed), against the shared stack's Keycloak, Vault and backends.
  static proc::StartedService start_own_server(const std::string& name, std::vector<std::string> extra) {
    proc::SpawnOptions spawn;
    spawn.name = name + "-own";
    spawn.argv = {stack::service_binary(name), "--port", "0", "--issuer", realm_url(), "--vault-url",
                  stack().service("vault").url,
                  // Its resource URL is new to the realm: it takes the audience every token of
                  // the realm's user-facing clients carries.
                  "--audience", "mcp-client"};
    spawn.env = {{"MCPH_CLIENT_SECRET", fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), name)}};
    spawn.argv.insert(spawn.argv.end(), extra.begin(), extra.end());
    return proc::start_service(spawn);
  }

  static stack::LocalStack* stack_;
};

}  // namespace mcph::harness::servers_test
