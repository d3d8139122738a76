#include "mcph/postgres/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <pqxx/pqxx>

namespace mcph::postgres {
namespace {

TEST(PostgresServer, StartsARealServerWithPasswordAuthAndRemovesEverythingOnStop) {
  std::filesystem::path data_dir;
  pid_t pid = -1;
  {
    Server server = Server::start({});
    pid = server.pid();
    EXPECT_GT(server.port(), 0);
    EXPECT_EQ(server.url(), "postgresql://postgres:postgres@127.0.0.1:" + std::to_string(server.port()) + "/mcp_demo");

    pqxx::connection connection(server.conninfo());
    pqxx::work tx(connection);
    EXPECT_EQ(tx.exec1("SELECT current_database()")[0].as<std::string>(), "mcp_demo");
    EXPECT_EQ(tx.exec1("SELECT current_user")[0].as<std::string>(), "postgres");
    EXPECT_EQ(tx.exec1("SHOW fsync")[0].as<std::string>(), "off");
    tx.exec0("CREATE ROLE probe LOGIN PASSWORD 'probe-pw'");
    tx.commit();

    // Host connections need the password: a wrong one is refused.
    std::string bad = server.conninfo();
    bad.replace(bad.find("password='postgres'"), 19, "password='wrong'");
    EXPECT_THROW(pqxx::connection{bad}, pqxx::broken_connection);
    data_dir = std::filesystem::path(server.log_path()).parent_path();
    EXPECT_TRUE(std::filesystem::exists(data_dir / "postgres" / "PG_VERSION"));
  }
  EXPECT_NE(::kill(pid, 0), 0) << "postgres still running after stop";
  EXPECT_FALSE(std::filesystem::exists(data_dir)) << "temporary cluster left behind";
}

TEST(PostgresServer, TwoServersRunSideBySide) {
  Server a = Server::start({});
  ServerOptions other;
  other.database = "other";
  Server b = Server::start(other);
  EXPECT_NE(a.port(), b.port());
  pqxx::connection ca(a.conninfo()), cb(b.conninfo());
  EXPECT_EQ(pqxx::nontransaction(cb).exec1("SELECT current_database()")[0].as<std::string>(), "other");
}

}  // namespace
}  // namespace mcph::postgres
