#pragma once
// A real PostgreSQL server for tests and the local stack: initdb into a directory, postgres on
// a free loopback port (TCP only, password authentication, fsync off), stopped with a fast
// shutdown. PostgreSQL refuses to run as root, so under root it runs as the `postgres` system
// user that Debian's package creates.
#include <filesystem>
#include <memory>
#include <string>

#include "mcph/proc/child_process.h"

namespace mcph::postgres {

// Client connections the server accepts (max_connections): room for a pool that keeps every
// provisioned user's role logged in, beside the other clients of a stack.
inline constexpr int kMaxConnections = 200;

struct ServerOptions {
  // The cluster goes into <run_dir>/postgres and its log into <run_dir>/postgres.log.
  // Empty: a temporary directory removed on stop.
  std::filesystem::path run_dir;
  std::string superuser = "postgres";
  std::string password = "postgres";
  std::string database = "mcp_demo";  // created after start
  std::string bin_dir;                // empty: the newest /usr/lib/postgresql/*/bin
  bool die_with_parent = true;        // see proc::SpawnOptions
};

class Server {
 public:
  // Throws proc::ProcessError with the server's last log lines when it does not come up.
  static Server start(ServerOptions options);
  Server(Server&&) noexcept;
  Server& operator=(Server&&) noexcept;
  ~Server();

  int port() const { return port_; }
  const std::string& host() const;
  pid_t pid() const;
  const std::string& log_path() const;
  // postgresql://user:password@127.0.0.1:port/db (db defaults to the options' database)
  std::string url(const std::string& db = {}) const;
  // libpq keyword/value form, for libpqxx.
  std::string conninfo(const std::string& db = {}) const;
  void stop();

 private:
  Server() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// The directory holding initdb and postgres; throws when no server is installed.
std::string find_bin_dir();

}  // namespace mcph::postgres
