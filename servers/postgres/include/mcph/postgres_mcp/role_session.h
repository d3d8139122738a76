#pragma once
// One libpq connection logged in as a dynamic role, in pipeline mode: the statements of a call
// go to PostgreSQL together and come back in one round trip. PostgreSQL runs them in order and
// skips every statement after the first that fails, up to the sync that ends the pipeline, so a
// check sent first keeps the statements behind it from running when it fails.
//
// libpq directly, not libpqxx: libpqxx 6 has no pipeline mode, and a check and a query sent one
// after the other cost postgres-mcp a third of its calls/s (docs/benchmarks.md).
//
// The statements a caller marks `keep` stay prepared on the session (PreparedStatements: the
// last 32 distinct texts of up to 4 KiB): PostgreSQL parsed and planned the same query text on
// every call otherwise, which cost postgres-mcp a sixth of its calls/s (docs/benchmarks.md).
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace mcph::postgres_mcp {

class PreparedStatements;

// The login failed; what() is libpq's reason (it names host and role, never the password).
class LoginFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The connection broke while a call used it (PostgreSQL restarted, the backend was terminated).
class SessionBroken : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// PostgreSQL did not answer a pipeline within the session's answer timeout (a stopped server, a
// silent network); the session is unusable.
class NoAnswer : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The session is no longer as this class left it, or a plan it kept no longer fits: an earlier
// statement of the session deallocated a statement kept here or prepared one under the name a
// new one was to have, or a table a kept plan reads changed its columns. The session is
// unusable; a new one runs the statements as things are now.
class SessionChanged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What one statement of a pipeline came to.
class StatementResult {
 public:
  enum class Status { rows, failed, skipped };  // skipped: an earlier statement failed

  Status status() const { return status_; }
  const std::string& sqlstate() const { return sqlstate_; }  // when failed
  const std::string& message() const { return message_; }    // PostgreSQL's primary message, when failed

  // The rows, when status() is rows (none for a statement that returns no rows, such as SET).
  int row_count() const;
  int column_count() const;
  const char* column_name(int column) const;
  const char* value(int row, int column) const;  // nullptr for NULL

 private:
  friend class RoleSession;
  Status status_ = Status::skipped;
  std::string sqlstate_, message_;
  std::shared_ptr<pg_result> result_;
};

class RoleSession {
 public:
  // Logs in (a libpq conninfo string; its connect_timeout bounds the login). Throws LoginFailed.
  // answer_timeout bounds each pipeline's wait for PostgreSQL's answer.
  RoleSession(const std::string& conninfo, std::chrono::milliseconds answer_timeout);
  ~RoleSession();
  RoleSession(const RoleSession&) = delete;
  RoleSession& operator=(const RoleSession&) = delete;

  // Logged in, and nothing has left the connection unusable (a break, an answer the pipeline
  // could not carry on from). A session that is not open is closed, never pooled.
  bool is_open() const;
  // Marks the session not to be reused (a call left state in it): it is then not open.
  void retire() { usable_ = false; }

  // A statement of a pipeline: one SQL statement with its text parameters, borrowed for the
  // call (nothing is copied). A statement to `keep` is prepared with its first use and then
  // executed by name while the session keeps it; any other is parsed and planned each time.
  struct Statement {
    const char* sql = nullptr;
    std::vector<const char*> parameters;
    bool keep = false;
  };
  // What each statement of a pipeline came to, in order.
  struct Results {
    std::vector<StatementResult> statements;
    std::vector<StatementResult> afterwards;
  };
  // Sends the statements in one pipeline and returns what each came to. The `afterwards` run
  // whatever became of `statements` (a rollback, say): in the same round trip when every
  // statement succeeded, else in a second one, since PostgreSQL skips the rest of a pipeline
  // after a failure (one sync, not two, on the path every call takes). A statement that starts
  // a COPY fails (a pipeline cannot carry one) and leaves the session unusable; nothing after it
  // is read. Throws SessionBroken when the connection breaks, NoAnswer when the answer does not
  // come in time, SessionChanged when what it kept prepared is gone or outdated; the session is
  // then unusable too.
  Results run(const std::vector<Statement>& statements, const std::vector<Statement>& afterwards = {});

 private:
  // How one statement of a pipeline goes out: unnamed (parsed and planned for this use), or by
  // the name it is kept under, prepared first when it is new.
  struct Sending {
    std::string name;
    bool prepares = false;
  };
  struct Plan {
    std::vector<std::string> deallocating;  // kept statements given up for the new ones
    std::vector<Sending> sending;           // one for each statement
  };
  using Deadline = std::chrono::steady_clock::time_point;
  Plan plan(const std::vector<Statement>& statements);
  // One pipeline ended by one sync: `statements`, then `afterwards`, which PostgreSQL skips when
  // one of `statements` failed.
  Results run_part(const std::vector<Statement>& statements, const std::vector<Statement>& afterwards);
  void send(const Statement& statement, const Sending& sending);
  pg_result* next_result(Deadline deadline);  // PQgetResult, waiting no later than `deadline`
  StatementResult collect(Deadline deadline);
  StatementResult collect(const Statement& statement, const Sending& sending, Deadline deadline);
  void sync(Deadline deadline);  // reads the end of a pipeline's part
  [[noreturn]] void broken(const std::string& what);
  [[noreturn]] void changed(const std::string& what);

  pg_conn* connection_ = nullptr;
  std::chrono::milliseconds answer_timeout_;
  bool usable_ = true;
  std::unique_ptr<PreparedStatements> kept_;
};

}  // namespace mcph::postgres_mcp
