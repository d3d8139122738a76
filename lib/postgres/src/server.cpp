#include "mcph/postgres/server.h"

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <pqxx/pqxx>

#include "mcph/postgres/conninfo.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::postgres {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kHost = "127.0.0.1";

// Under root, hand a path to the postgres user (and let it traverse the parent).
void give_to_postgres_user(const fs::path& path) {
  if (::geteuid() != 0) return;
  const passwd* user = ::getpwnam("postgres");
  if (!user) throw proc::ProcessError("PostgreSQL cannot run as root and there is no 'postgres' user");
  if (::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
    throw proc::ProcessError("cannot chown " + path.string() + " to postgres");
  }
  fs::permissions(path.parent_path(), fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
}

}  // namespace

std::string find_bin_dir() {
  std::optional<fs::path> best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "postgres") && (!best || entry.path() > *best)) best = entry.path();
  }
  if (!best) {
    throw proc::ProcessError("no PostgreSQL server found under /usr/lib/postgresql (run scripts/bootstrap)");
  }
  return (*best / "bin").string();
}

struct Server::Impl {
  ServerOptions options;
  std::optional<proc::TempDir> temp;
  std::optional<proc::ChildProcess> process;
};

Server Server::start(ServerOptions options) {
  Server server;
  server.impl_ = std::make_unique<Impl>();
  auto& impl = *server.impl_;
  if (options.bin_dir.empty()) options.bin_dir = find_bin_dir();
  if (options.run_dir.empty()) {
    impl.temp.emplace("mcph-postgres");
    options.run_dir = impl.temp->path();
  }
  fs::create_directories(options.run_dir);
  const fs::path data_dir = options.run_dir / "postgres";
  const fs::path password_file = options.run_dir / "postgres.pwfile";
  fs::create_directories(data_dir);
  {
    std::ofstream(password_file) << options.password << "\n";
  }
  give_to_postgres_user(data_dir);
  give_to_postgres_user(password_file);

  proc::SpawnOptions initdb;
  initdb.name = "initdb";
  initdb.run_as_user = "postgres";
  initdb.argv = {options.bin_dir + "/initdb", "-D", data_dir.string(), "-U", options.superuser,
                 "--pwfile=" + password_file.string(), "--auth-local=scram-sha-256",
                 "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"};
  const auto init = proc::run_command(initdb, 120s);
  fs::remove(password_file);
  if (init.exit_code != 0) throw proc::ProcessError("initdb failed:\n" + init.output);

  impl.process.emplace(proc::start_on_free_loopback_ports(1, [&](const std::vector<int>& ports) {
    server.port_ = ports[0];
    proc::SpawnOptions postgres;
    postgres.name = "postgres";
    postgres.run_as_user = "postgres";
    postgres.stop_signal = SIGINT;  // "fast" shutdown; SIGTERM would wait for clients
    postgres.die_with_parent = options.die_with_parent;
    postgres.log_path = (options.run_dir / "postgres.log").string();
    postgres.argv = {options.bin_dir + "/postgres", "-D", data_dir.string(), "-p", std::to_string(server.port_),
                     "-c", "listen_addresses=" + kHost, "-c", "unix_socket_directories=",
                     "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                     "-c", "logging_collector=off", "-c", "max_connections=" + std::to_string(kMaxConnections)};
    auto process = proc::ChildProcess::spawn(postgres);
    process.wait_for_line(
        [](std::string_view line) {
          return line.find("database system is ready to accept connections") != std::string_view::npos;
        },
        30s);
    return process;
  }));
  impl.options = std::move(options);

  pqxx::connection admin(server.conninfo("postgres"));
  pqxx::nontransaction tx(admin);
  tx.exec0("CREATE DATABASE " + tx.quote_name(impl.options.database));
  return server;
}

Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() { stop(); }

const std::string& Server::host() const { return kHost; }
pid_t Server::pid() const { return impl_->process->pid(); }
const std::string& Server::log_path() const { return impl_->process->log_path(); }

std::string Server::url(const std::string& db) const {
  const auto& o = impl_->options;
  return "postgresql://" + o.superuser + ":" + o.password + "@" + kHost + ":" + std::to_string(port_) + "/" +
         (db.empty() ? o.database : db);
}

std::string Server::conninfo(const std::string& db) const {
  const auto& o = impl_->options;
  return "host=" + kHost + " port=" + std::to_string(port_) + " user=" + quote_conninfo(o.superuser) +
         " password=" + quote_conninfo(o.password) + " dbname=" + quote_conninfo(db.empty() ? o.database : db) +
         " connect_timeout=5";
}

void Server::stop() {
  if (!impl_) return;
  if (impl_->process) impl_->process->stop(10s);
  impl_->process.reset();
  impl_->temp.reset();
}

}  // namespace mcph::postgres
