#pragma once
// One PostgreSQL admin connection of a database config, through libpqxx (kept out of this
// header). Reconnects when the connection broke. Error texts never contain the password.
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcph::mock_vault {

class PgConnection {
 public:
  // conninfo: a postgresql:// URL or key=value string. `secret` is removed from error texts.
  PgConnection(std::string conninfo, std::string secret);
  ~PgConnection();

  // Connects now; throws std::runtime_error with a sanitized reason.
  void verify();
  // Runs the statements in one transaction; `secrets` (the new role's password) are removed from
  // error texts, which may quote the failing statement.
  void execute(const std::vector<std::string>& statements, const std::vector<std::string>& secrets = {});
  // The same for the statements `render` returns, called once under the connection's lock: Vault's
  // plugin renders a new user's statements (hashing its password, if so configured) inside the
  // lock its NewUser holds. `render` may add to `secrets` what its statements hold.
  using Render = std::function<std::vector<std::string>(std::vector<std::string>& secrets)>;
  void execute(const Render& render, std::vector<std::string> secrets);
  // Vault's built-in revocation: revoke what the role was granted, then DROP ROLE IF EXISTS.
  void drop_role(const std::string& role);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::mock_vault
