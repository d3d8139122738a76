// The database engine against a real PostgreSQL started by the test: dynamic roles that log in,
// are per user, and disappear at revocation, lease expiry and server shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "contract_support.h"
#include "mcph/http/client.h"
#include "mcph/postgres/server.h"

namespace mcph::mock_vault::contract {
namespace {

using namespace std::chrono_literals;
using ::testing::MatchesRegex;

class Database : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { postgres_ = new postgres::Server(postgres::Server::start({})); }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }

  void SetUp() override {
    // Vault must reach this PostgreSQL; a real Vault in a container may see it elsewhere.
    std::string host_port = "127.0.0.1:" + std::to_string(postgres_->port());
    if (!vault_.local()) {
      const char* seen_from_vault = std::getenv("MCPH_VAULT_PG_HOSTPORT");
      if (seen_from_vault == nullptr) GTEST_SKIP() << "set MCPH_VAULT_PG_HOSTPORT for an external Vault";
      host_port = seen_from_vault;
    }
    connection_url_ = "postgresql://{{username}}:{{password}}@" + host_port + "/mcp_demo";
    demo_ = Demo::provision(vault_, jwks_);
    Reply mounted = vault_.post("/v1/sys/mounts/database", Json{{"type", "database"}});
    ASSERT_TRUE(mounted.status == 204 || mounted.error().find("already in use") != std::string::npos) << mounted.text;
    Reply config = vault_.post("/v1/database/config/mcp-db",
                               Json{{"plugin_name", "postgresql-database-plugin"},
                                    {"connection_url", connection_url_},
                                    {"username", "postgres"},
                                    {"password", "postgres"},
                                    {"allowed_roles", "alice,bob,short"}});
    ASSERT_EQ(config.status, 204) << config.text;
    for (const auto& [role, ttl] : {std::pair{"alice", "1h"}, std::pair{"bob", "1h"}, std::pair{"short", "2s"}}) {
      Reply reply = vault_.post("/v1/database/roles/" + std::string(role),
                                Json{{"db_name", "mcp-db"},
                                     {"creation_statements",
                                      {"CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL "
                                       "'{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"}},
                                     {"default_ttl", ttl},
                                     {"max_ttl", "24h"}});
      ASSERT_EQ(reply.status, 204) << reply.text;
    }
    pqxx::connection admin(postgres_->conninfo());
    pqxx::work work(admin);
    work.exec("CREATE TABLE IF NOT EXISTS orders (id int)");
    work.commit();
  }

  // A table of the test's own, empty, made by the superuser.
  static void recreate_table(const std::string& name, const std::string& columns) {
    pqxx::connection admin(postgres_->conninfo());
    pqxx::work work(admin);
    work.exec("DROP TABLE IF EXISTS " + name);
    work.exec("CREATE TABLE " + name + " (" + columns + ")");
    work.commit();
  }

  static bool role_exists(const std::string& name) {
    pqxx::connection admin(postgres_->conninfo());
    pqxx::nontransaction work(admin);
    return !work.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", name).empty();
  }

  // pg_roles.rolvaliduntil as ISO text ('YYYY-MM-DD HH:MM:SS+00' in UTC), which sorts as time.
  static std::string valid_until(const std::string& name) {
    pqxx::connection admin(postgres_->conninfo());
    pqxx::nontransaction work(admin);
    work.exec("SET TIME ZONE 'UTC'");
    return work.exec_params1("SELECT rolvaliduntil::text FROM pg_roles WHERE rolname = $1", name)[0].as<std::string>();
  }

  static bool wait_role_gone(const std::string& name, std::chrono::seconds deadline) {
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < deadline) {
      if (!role_exists(name)) return true;
      std::this_thread::sleep_for(100ms);
    }
    return !role_exists(name);
  }

  static std::string conninfo_as(const std::string& user, const std::string& password) {
    return "host=127.0.0.1 port=" + std::to_string(postgres_->port()) + " dbname=mcp_demo user=" + user +
           " password=" + password + " connect_timeout=5";
  }

  std::string login(const std::string& sub) { return Demo::login(vault_, jwks_.sign(jwks_.claims_for(sub))); }

  static postgres::Server* postgres_;
  VaultUnderTest vault_;
  JwksServer jwks_;
  Demo demo_;
  // postgresql://{{username}}:{{password}}@<PostgreSQL as Vault reaches it>/mcp_demo
  std::string connection_url_;
};

postgres::Server* Database::postgres_ = nullptr;

TEST_F(Database, CredsAreARealLoginWhoseCurrentUserIsTheGeneratedName) {
  const std::string alice = login(demo_.alice_sub);
  Reply creds = vault_.get("/v1/database/creds/alice", alice);
  ASSERT_EQ(creds.status, 200) << creds.text;
  EXPECT_EQ(creds.body["mount_type"], "database");
  EXPECT_EQ(creds.body["renewable"], true);
  EXPECT_EQ(creds.body["lease_duration"], 3600);
  EXPECT_THAT(creds.body["lease_id"].get<std::string>(), MatchesRegex("database/creds/alice/[A-Za-z0-9]{24}"));
  const std::string username = creds.body["data"]["username"];
  const std::string password = creds.body["data"]["password"];
  EXPECT_LE(username.size(), 63u);
  EXPECT_THAT(username, MatchesRegex("v-jwt-[^-]{4}-alice-[A-Za-z0-9]{20}-[0-9]{10}")) << username;
  EXPECT_EQ(password.size(), 20u);

  pqxx::connection as_alice(conninfo_as(username, password));
  pqxx::nontransaction work(as_alice);
  EXPECT_EQ(work.exec1("SELECT current_user")[0].as<std::string>(), username);
  EXPECT_NO_THROW(work.exec("SELECT count(*) FROM orders"));

  Reply other = vault_.get("/v1/database/creds/alice", login(demo_.bob_sub));
  EXPECT_EQ(other.status, 403) << "bob may not mint alice's role";
  Reply bobs = vault_.get("/v1/database/creds/bob", login(demo_.bob_sub));
  ASSERT_EQ(bobs.status, 200);
  EXPECT_NE(bobs.body["data"]["username"], username) << "current_user differs per user";
}

TEST_F(Database, RevocationDropsTheRole) {
  Reply creds = vault_.get("/v1/database/creds/alice", login(demo_.alice_sub));
  ASSERT_EQ(creds.status, 200) << creds.text;
  const std::string username = creds.body["data"]["username"];
  const std::string lease = creds.body["lease_id"];
  ASSERT_TRUE(role_exists(username));

  Reply lookup = vault_.post("/v1/sys/leases/lookup", Json{{"lease_id", lease}});
  ASSERT_EQ(lookup.status, 200) << lookup.text;
  EXPECT_EQ(lookup.body["data"]["id"], lease);
  EXPECT_EQ(lookup.body["data"]["renewable"], true);
  EXPECT_GT(lookup.body["data"]["ttl"].get<int>(), 3500);
  Reply renewed = vault_.post("/v1/sys/leases/renew", Json{{"lease_id", lease}, {"increment", "2h"}});
  ASSERT_EQ(renewed.status, 200) << renewed.text;
  EXPECT_EQ(renewed.body["lease_id"], lease);
  EXPECT_EQ(renewed.body["lease_duration"], 7200) << "the TTL granted, not what is left of it";

  ASSERT_EQ(vault_.post("/v1/sys/leases/revoke", Json{{"lease_id", lease}}).status, 204);
  EXPECT_TRUE(wait_role_gone(username, 10s));
  EXPECT_EQ(vault_.post("/v1/sys/leases/lookup", Json{{"lease_id", lease}}).error(), "invalid lease");
}

// The MCP servers renew a user's lease with the user's own token (the default policy allows
// sys/leases/renew): the role stays, with its password, and its VALID UNTIL moves on.
TEST_F(Database, AUsersOwnTokenRenewsItsLeaseWhichKeepsTheRoleAndMovesItsExpiry) {
  const std::string alice = login(demo_.alice_sub);
  Reply creds = vault_.get("/v1/database/creds/alice", alice);
  ASSERT_EQ(creds.status, 200) << creds.text;
  const std::string username = creds.body["data"]["username"];
  const std::string password = creds.body["data"]["password"];
  const std::string lease = creds.body["lease_id"];
  const std::string expiry = valid_until(username);

  Reply renewed = vault_.post("/v1/sys/leases/renew", Json{{"lease_id", lease}, {"increment", 7200}}, alice);
  ASSERT_EQ(renewed.status, 200) << renewed.text;
  EXPECT_EQ(renewed.body["lease_id"], lease);
  EXPECT_EQ(renewed.body["lease_duration"], 7200);
  EXPECT_GT(valid_until(username), expiry) << "the role's VALID UNTIL follows the lease";
  pqxx::connection as_alice(conninfo_as(username, password));
  pqxx::nontransaction work(as_alice);
  EXPECT_EQ(work.exec1("SELECT current_user")[0].as<std::string>(), username);
}

TEST_F(Database, LeaseExpiryDropsTheRole) {
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/short-db", Json{{"policy", R"(path "database/creds/short" { capabilities = ["read"] })"}}).status, 204);
  const std::string token = vault_.post("/v1/auth/token/create", Json{{"policies", {"short-db"}}}).body["auth"]["client_token"];
  Reply creds = vault_.get("/v1/database/creds/short", token);
  ASSERT_EQ(creds.status, 200) << creds.text;
  EXPECT_EQ(creds.body["lease_duration"], 2);
  const std::string username = creds.body["data"]["username"];
  ASSERT_TRUE(role_exists(username));
  EXPECT_TRUE(wait_role_gone(username, 15s)) << "no dynamic role outlives its lease";
}

TEST_F(Database, RevokingTheCreatingTokenRevokesItsLeases) {
  const std::string alice = login(demo_.alice_sub);
  Reply creds = vault_.get("/v1/database/creds/alice", alice);
  ASSERT_EQ(creds.status, 200) << creds.text;
  const std::string username = creds.body["data"]["username"];
  ASSERT_EQ(vault_.post("/v1/auth/token/revoke-self", Json::object(), alice).status, 204);
  EXPECT_TRUE(wait_role_gone(username, 10s));
}

TEST_F(Database, RevokePrefixDropsEveryRoleUnderIt) {
  std::vector<std::string> usernames;
  for (int i = 0; i < 2; ++i) {
    Reply creds = vault_.get("/v1/database/creds/bob");
    ASSERT_EQ(creds.status, 200) << creds.text;
    usernames.push_back(creds.body["data"]["username"]);
  }
  Reply listed = vault_.list("/v1/sys/leases/lookup/database/creds/bob");
  ASSERT_EQ(listed.status, 200) << listed.text;
  EXPECT_GE(listed.body["data"]["keys"].size(), 2u);
  ASSERT_EQ(vault_.post("/v1/sys/leases/revoke-prefix/database/creds/bob", Json::object()).status, 204);
  for (const auto& name : usernames) EXPECT_TRUE(wait_role_gone(name, 10s)) << name;
}

// Vault's dev server keeps its leases in memory: stopping it loses them and their roles stay in
// PostgreSQL (mcp-harness revokes them before it stops a stack's Vault).
TEST_F(Database, StoppingTheServerLeavesItsRolesBehind) {
  if (!vault_.local()) GTEST_SKIP() << "needs a server this test may stop";
  std::vector<std::string> usernames;
  for (const char* role : {"alice", "bob"}) {
    Reply creds = vault_.get(std::string("/v1/database/creds/") + role);
    ASSERT_EQ(creds.status, 200) << creds.text;
    usernames.push_back(creds.body["data"]["username"]);
  }
  for (const auto& name : usernames) ASSERT_TRUE(role_exists(name));
  const int status = vault_.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "clean exit on SIGTERM, status " << status;
  for (const auto& name : usernames) EXPECT_TRUE(role_exists(name)) << name;
}

// Vault's PostgreSQL plugin creates users one at a time per connection config (NewUser holds
// the plugin's lock), even with a pool of admin connections: six slow creations requested at
// once never overlap. A stand-in that created them side by side would be faster than Vault, and
// a server's behaviour under a burst of first calls would look better against it than it is.
TEST_F(Database, CredentialCreationIsOneAtATimePerConnectionConfig) {
  recreate_table("creations", "name text PRIMARY KEY, started timestamptz, ended timestamptz");
  Reply config = vault_.post("/v1/database/config/pooled",
                             Json{{"plugin_name", "postgresql-database-plugin"},
                                  {"connection_url", connection_url_},
                                  {"username", "postgres"},
                                  {"password", "postgres"},
                                  {"max_open_connections", 4},
                                  {"allowed_roles", "slow"}});
  ASSERT_EQ(config.status, 204) << config.text;
  Reply read = vault_.get("/v1/database/config/pooled");
  ASSERT_EQ(read.status, 200) << read.text;
  EXPECT_EQ(read.body["data"]["connection_details"]["max_open_connections"], 4) << read.text;
  ASSERT_EQ(vault_.post("/v1/database/roles/slow",
                        Json{{"db_name", "pooled"},
                             {"creation_statements",
                              {"CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}';",
                               "INSERT INTO creations VALUES ('{{name}}', clock_timestamp(), NULL);",
                               "SELECT pg_sleep(0.3);",
                               "UPDATE creations SET ended = clock_timestamp() WHERE name = '{{name}}';"}},
                             {"default_ttl", "1h"}})
                .status,
            204);

  std::vector<std::thread> requests;
  std::vector<int> statuses(6, 0);
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    // A client each: the fixture's client sends one request at a time.
    requests.emplace_back([&, i] {
      http::Client client(vault_.url());
      statuses[i] = client.get("/v1/database/creds/slow", {{"X-Vault-Token", vault_.root_token()}}).status;
    });
  }
  for (auto& request : requests) request.join();
  for (int status : statuses) EXPECT_EQ(status, 200);

  pqxx::connection admin(postgres_->conninfo());
  pqxx::nontransaction work(admin);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM creations WHERE ended IS NOT NULL")[0].as<int>(), 6);
  EXPECT_EQ(work.exec1("SELECT count(*) FROM creations a JOIN creations b ON a.name < b.name "
                       "AND a.started < b.ended AND b.started < a.ended")[0]
                .as<int>(),
            0)
      << "creations overlapped";
  vault_.post("/v1/sys/leases/revoke-prefix/database/creds/slow", Json::object());
}

// password_authentication=scram-sha-256: what stands for {{password}} in the statements is the
// password's SCRAM verifier, which PostgreSQL stores as written, and the generated password logs
// in with it. "password" (the default) writes the password itself.
TEST_F(Database, ScramPasswordAuthenticationWritesAVerifierThatTheGeneratedPasswordLogsInWith) {
  recreate_table("written_passwords", "name text PRIMARY KEY, written text");
  for (const auto& [config, authentication] : {std::pair{"hashed", "scram-sha-256"}, std::pair{"plain", "password"}}) {
    Reply written = vault_.post("/v1/database/config/" + std::string(config),
                                Json{{"plugin_name", "postgresql-database-plugin"},
                                     {"connection_url", connection_url_},
                                     {"username", "postgres"},
                                     {"password", "postgres"},
                                     {"password_authentication", authentication},
                                     {"allowed_roles", config}});
    ASSERT_EQ(written.status, 204) << written.text;
    Reply read = vault_.get("/v1/database/config/" + std::string(config));
    ASSERT_EQ(read.status, 200) << read.text;
    EXPECT_EQ(read.body["data"]["connection_details"]["password_authentication"], authentication) << read.text;
    ASSERT_EQ(vault_.post("/v1/database/roles/" + std::string(config),
                          Json{{"db_name", config},
                               {"creation_statements",
                                {"CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
                                 "INSERT INTO written_passwords VALUES ('{{name}}', '{{password}}');"}},
                               {"default_ttl", "1h"}})
                  .status,
              204);
  }
  const auto written_for = [](const std::string& role) {
    pqxx::connection admin(postgres_->conninfo());
    pqxx::nontransaction work(admin);
    return std::pair{
        work.exec_params1("SELECT written FROM written_passwords WHERE name = $1", role)[0].as<std::string>(),
        work.exec_params1("SELECT rolpassword FROM pg_authid WHERE rolname = $1", role)[0].as<std::string>()};
  };
  const auto logs_in = [&](const std::string& role, const std::string& password) {
    pqxx::connection login("host=127.0.0.1 port=" + std::to_string(postgres_->port()) + " dbname=mcp_demo user=" +
                           role + " password=" + password);
    return pqxx::nontransaction(login).exec1("SELECT current_user")[0].as<std::string>();
  };

  Reply hashed = vault_.get("/v1/database/creds/hashed");
  ASSERT_EQ(hashed.status, 200) << hashed.text;
  const std::string hashed_role = hashed.body["data"]["username"];
  const std::string hashed_password = hashed.body["data"]["password"];
  const auto [hashed_written, hashed_stored] = written_for(hashed_role);
  EXPECT_THAT(hashed_written, MatchesRegex(R"(SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=)"));
  EXPECT_EQ(hashed_written.find(hashed_password), std::string::npos);
  EXPECT_EQ(hashed_stored, hashed_written) << "PostgreSQL stores the verifier as written";
  EXPECT_EQ(logs_in(hashed_role, hashed_password), hashed_role);

  Reply plain = vault_.get("/v1/database/creds/plain");
  ASSERT_EQ(plain.status, 200) << plain.text;
  const std::string plain_role = plain.body["data"]["username"];
  const std::string plain_password = plain.body["data"]["password"];
  const auto [plain_written, plain_stored] = written_for(plain_role);
  EXPECT_EQ(plain_written, plain_password);
  EXPECT_THAT(plain_stored, ::testing::StartsWith("SCRAM-SHA-256$4096:")) << "PostgreSQL hashed it itself";
  EXPECT_EQ(logs_in(plain_role, plain_password), plain_role);

  vault_.post("/v1/sys/leases/revoke-prefix/database/creds/hashed", Json::object());
  vault_.post("/v1/sys/leases/revoke-prefix/database/creds/plain", Json::object());
}

TEST_F(Database, ConfigAndRoleErrors) {
  Reply unreachable = vault_.post("/v1/database/config/broken",
                                  Json{{"plugin_name", "postgresql-database-plugin"},
                                       {"connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1:1/x"},
                                       {"username", "u"},
                                       {"password", "very-secret-pw"}});
  EXPECT_EQ(unreachable.status, 400);
  EXPECT_THAT(unreachable.error(), ::testing::StartsWith("error creating database object: "));
  EXPECT_THAT(unreachable.text, ::testing::Not(::testing::HasSubstr("very-secret-pw")));

  Reply md5 = vault_.post("/v1/database/config/md5",
                          Json{{"plugin_name", "postgresql-database-plugin"},
                               {"connection_url", connection_url_},
                               {"username", "postgres"},
                               {"password", "postgres"},
                               {"password_authentication", "md5"}});
  EXPECT_EQ(md5.status, 400);
  EXPECT_EQ(md5.error(), "error creating database object: 'md5' is not a valid password authentication type");
  EXPECT_EQ(vault_.get("/v1/database/config/md5").status, 404) << "a refused config is not kept";

  Reply unknown = vault_.get("/v1/database/creds/nobody");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error(), "unknown role: nobody");

  ASSERT_EQ(vault_.post("/v1/database/roles/outsider",
                        Json{{"db_name", "mcp-db"}, {"creation_statements", "CREATE ROLE \"{{name}}\";"}})
                .status,
            204);
  Reply not_allowed = vault_.get("/v1/database/creds/outsider");
  EXPECT_EQ(not_allowed.status, 500);
  EXPECT_EQ(not_allowed.error(), "1 error occurred:\n\t* \"outsider\" is not an allowed role\n\n");

  Reply no_db = vault_.post("/v1/database/roles/nodb", Json{{"creation_statements", "x"}});
  EXPECT_EQ(no_db.status, 400);

  Reply config = vault_.get("/v1/database/config/mcp-db");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.body["data"]["plugin_name"], "postgresql-database-plugin");
  EXPECT_FALSE(config.body["data"]["connection_details"].contains("password"));
  EXPECT_THAT(config.text, ::testing::Not(::testing::HasSubstr("\"postgres\",\"password\"")));
}

}  // namespace
}  // namespace mcph::mock_vault::contract
