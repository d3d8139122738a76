#pragma once
// One libpq connection logged in as a dynamic role, in pipeline mode: the statements of a call
// go to PostgreSQL together and come back in one round trip. PostgreSQL runs them in order, in
// one implicit transaction, and skips every statement after the first that fails, so a check
// sent first keeps the statements behind it from running when it fails.
//
// libpq directly, not libpqxx: libpqxx 6 has no pipeline mode, and a check and a query sent one
// after the other cost postgres-mcp a third of its calls/s (README, "Benchmarks").
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace mcph::postgres_mcp {

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

  // A statement of a pipeline: one SQL statement with its text parameters, borrowed for the
  // call (nothing is copied). A named statement is prepared on this session with its first use
  // and executed by name after that.
  struct Statement {
    const char* sql = nullptr;
    std::vector<const char*> parameters;
    const char* prepared_name = nullptr;
  };
  // Sends the statements in one pipeline and returns what each came to, in order. A statement
  // that starts a COPY fails (a pipeline cannot carry one) and leaves the session unusable.
  // Throws SessionBroken when the connection breaks, NoAnswer when the answer does not come in
  // time; the session is then unusable too.
  std::vector<StatementResult> run(const std::vector<Statement>& statements);

 private:
  bool send(const Statement& statement);  // true when it prepared the statement first
  using Deadline = std::chrono::steady_clock::time_point;
  pg_result* next_result(Deadline deadline);  // PQgetResult, waiting no later than `deadline`
  StatementResult collect(Deadline deadline);
  [[noreturn]] void broken(const std::string& what);

  pg_conn* connection_ = nullptr;
  std::chrono::milliseconds answer_timeout_;
  bool usable_ = true;
  std::vector<std::string> prepared_;  // names prepared on this session
};

}  // namespace mcph::postgres_mcp
