#include "pg_connection.h"

#include <optional>
#include <pqxx/pqxx>

#include "mcph/http/run_slot.h"
#include "mcph/postgres/message.h"

namespace mcph::mock_vault {
namespace {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 3) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[redacted]");
    }
  }
  return postgres::message_text(std::move(text));
}

std::string with_connect_timeout(const std::string& conninfo) {
  if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
  const bool url = conninfo.rfind("postgres://", 0) == 0 || conninfo.rfind("postgresql://", 0) == 0;
  if (url) return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=5";
  return conninfo + " connect_timeout=5";
}

}  // namespace

struct PgConnection::Impl {
  std::string conninfo;
  std::string secret;
  std::mutex mutex;
  std::unique_ptr<pqxx::connection> connection;

  pqxx::connection& connect_locked() {
    if (!connection || !connection->is_open()) connection = std::make_unique<pqxx::connection>(conninfo);
    return *connection;
  }

  // `extra_secrets` is read when an error is reported: the work may have added to it.
  template <typename Work>
  void run(Work&& work, const std::vector<std::string>& extra_secrets) {
    http::release_run_slot();  // PostgreSQL's answer, or this connection's lock, may take a while
    std::lock_guard lock(mutex);
    const auto sanitized = [&](const std::exception& e) {
      std::vector<std::string> secrets = extra_secrets;
      secrets.push_back(secret);
      return std::runtime_error(redact(e.what(), secrets));
    };
    // One retry when the kept connection turned out to be broken.
    for (int attempt = 0;; ++attempt) {
      try {
        work(connect_locked());
        return;
      } catch (const pqxx::broken_connection& e) {
        connection.reset();
        if (attempt == 0) continue;
        throw sanitized(e);
      } catch (const pqxx::sql_error& e) {
        throw sanitized(e);
      } catch (const std::exception& e) {
        connection.reset();
        throw sanitized(e);
      }
    }
  }
};

PgConnection::PgConnection(std::string conninfo, std::string secret) : impl_(std::make_unique<Impl>()) {
  impl_->conninfo = with_connect_timeout(conninfo);
  impl_->secret = std::move(secret);
}

PgConnection::~PgConnection() = default;

void PgConnection::verify() {
  impl_->run([](pqxx::connection& connection) { pqxx::nontransaction(connection).exec("SELECT 1"); }, {});
}

void PgConnection::execute(const std::vector<std::string>& statements, const std::vector<std::string>& secrets) {
  execute([&statements](std::vector<std::string>&) { return statements; }, secrets);
}

void PgConnection::execute(const Render& render, std::vector<std::string> secrets) {
  std::optional<std::vector<std::string>> statements;  // rendered once, kept for the retry
  impl_->run(
      [&](pqxx::connection& connection) {
        if (!statements) statements = render(secrets);
        pqxx::work work(connection);
        for (const auto& statement : *statements) work.exec(statement);
        work.commit();
      },
      secrets);
}

void PgConnection::drop_role(const std::string& role) {
  impl_->run(
      [&role](pqxx::connection& connection) {
        pqxx::work work(connection);
        const auto exists = work.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", role);
        if (exists.empty()) return;
        const std::string name = work.quote_name(role);
        const auto schemas = work.exec_params(
            "SELECT DISTINCT table_schema FROM information_schema.role_table_grants WHERE grantee = $1", role);
        for (const auto& row : schemas) {
          const std::string schema = work.quote_name(row[0].as<std::string>());
          work.exec("REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA " + schema + " FROM " + name);
          work.exec("REVOKE USAGE ON SCHEMA " + schema + " FROM " + name);
        }
        work.exec("REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM " + name);
        work.exec("REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM " + name);
        work.exec("REVOKE USAGE ON SCHEMA public FROM " + name);
        const std::string database = work.exec1("SELECT current_database()")[0].as<std::string>();
        work.exec("REVOKE ALL PRIVILEGES ON DATABASE " + work.quote_name(database) + " FROM " + name);
        work.exec("DROP ROLE IF EXISTS " + name);
        work.commit();
      },
      {});
}

}  // namespace mcph::mock_vault
