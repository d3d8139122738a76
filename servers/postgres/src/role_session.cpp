#include "mcph/postgres_mcp/role_session.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mcph/postgres/message.h"
#include "prepared_statements.h"

namespace mcph::postgres_mcp {
namespace {

std::string error_of(const PGconn* connection) { return postgres::message_text(PQerrorMessage(connection)); }

std::string field_of(const PGresult* result, int field) {
  const char* value = PQresultErrorField(result, field);
  return value ? value : "";
}

// What a session keeps prepared (docs/reference-servers.md, "PostgreSQL sessions").
constexpr std::size_t kKeptStatements = 32;
constexpr std::size_t kLongestKeptText = 4096;

// The notices of a user's query (a COMMIT outside a transaction, say) are PostgreSQL's words to
// that user; libpq would print them on the server's stderr.
void drop_notice(void*, const char*) {}

}  // namespace

int StatementResult::row_count() const { return result_ ? PQntuples(result_.get()) : 0; }
int StatementResult::column_count() const { return result_ ? PQnfields(result_.get()) : 0; }
const char* StatementResult::column_name(int column) const { return PQfname(result_.get(), column); }
const char* StatementResult::value(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) ? nullptr : PQgetvalue(result_.get(), row, column);
}

RoleSession::RoleSession(const std::string& conninfo, std::chrono::milliseconds answer_timeout)
    : connection_(PQconnectdb(conninfo.c_str())),
      answer_timeout_(answer_timeout),
      kept_(std::make_unique<PreparedStatements>(kKeptStatements, kLongestKeptText)) {
  if (!connection_) throw LoginFailed("out of memory for a PostgreSQL connection");
  if (PQstatus(connection_) != CONNECTION_OK || !PQenterPipelineMode(connection_)) {
    const std::string why = error_of(connection_);
    PQfinish(connection_);
    throw LoginFailed(why);
  }
  PQsetNoticeProcessor(connection_, drop_notice, nullptr);
}

RoleSession::~RoleSession() { PQfinish(connection_); }

bool RoleSession::is_open() const { return usable_ && PQstatus(connection_) == CONNECTION_OK; }

void RoleSession::broken(const std::string& what) {
  usable_ = false;
  throw SessionBroken(what.empty() ? "the connection to PostgreSQL broke" : what);
}

void RoleSession::changed(const std::string& what) {
  usable_ = false;
  throw SessionChanged(what);
}

// Kept statements found first, so that none of this pipeline's is given up for its new ones.
RoleSession::Plan RoleSession::plan(const std::vector<Statement>& statements) {
  // A text too long to keep is not looked up either (it would be hashed on every call).
  const auto kept = [&](const Statement& statement) { return statement.keep && kept_->admits(statement.sql); };
  std::vector<Sending> sending(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (!kept(statements[i])) continue;
    if (const std::string* name = kept_->find(statements[i].sql)) sending[i].name = *name;
  }
  std::size_t new_ones = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (!kept(statements[i]) || !sending[i].name.empty()) continue;
    const auto same = std::find_if(statements.begin(), statements.begin() + i, [&](const Statement& earlier) {
      return kept(earlier) && std::strcmp(earlier.sql, statements[i].sql) == 0;
    });
    if (same != statements.begin() + i) {
      sending[i].name = sending[same - statements.begin()].name;  // prepared once, by the first
      continue;
    }
    sending[i] = Sending{kept_->new_name(), true};
    ++new_ones;
  }
  return Plan{kept_->make_room(new_ones), std::move(sending)};
}

void RoleSession::send(const Statement& statement, const Sending& sending) {
  const int count = static_cast<int>(statement.parameters.size());
  const char* const* values = statement.parameters.data();
  int sent = 0;
  if (sending.name.empty()) {
    sent = PQsendQueryParams(connection_, statement.sql, count, nullptr, values, nullptr, nullptr, 0);
  } else {
    if (sending.prepares && !PQsendPrepare(connection_, sending.name.c_str(), statement.sql, count, nullptr)) {
      broken(error_of(connection_));
    }
    sent = PQsendQueryPrepared(connection_, sending.name.c_str(), count, values, nullptr, nullptr, 0);
  }
  if (!sent) broken(error_of(connection_));
}

// libpq's own wait has no limit: the socket is polled here, up to the deadline.
PGresult* RoleSession::next_result(Deadline deadline) {
  while (PQisBusy(connection_)) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      usable_ = false;
      throw NoAnswer("PostgreSQL did not answer within " + std::to_string(answer_timeout_.count()) + " ms");
    }
    pollfd socket{PQsocket(connection_), POLLIN, 0};
    const int ready = ::poll(&socket, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) broken(std::string("cannot wait for PostgreSQL: ") + std::strerror(errno));
    if (ready > 0 && !PQconsumeInput(connection_)) broken(error_of(connection_));
  }
  return PQgetResult(connection_);
}

// One statement's answer. In a pipeline each statement's result is followed by a null one.
StatementResult RoleSession::collect(Deadline deadline) {
  PGresult* first = next_result(deadline);
  if (!first) broken(error_of(connection_));
  StatementResult out;
  out.result_.reset(first, PQclear);
  switch (PQresultStatus(first)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
      out.status_ = StatementResult::Status::rows;
      break;
    case PGRES_PIPELINE_ABORTED:
      out.status_ = StatementResult::Status::skipped;
      break;
    case PGRES_FATAL_ERROR:
      if (PQstatus(connection_) != CONNECTION_OK) broken(error_of(connection_));
      out.status_ = StatementResult::Status::failed;
      out.sqlstate_ = field_of(first, PG_DIAG_SQLSTATE);
      out.message_ = field_of(first, PG_DIAG_MESSAGE_PRIMARY);
      break;
    case PGRES_COPY_OUT:
    case PGRES_COPY_IN:
    case PGRES_COPY_BOTH:
      // PostgreSQL now streams the COPY, which a pipeline cannot take: the session is done.
      usable_ = false;
      out.status_ = StatementResult::Status::failed;
      out.sqlstate_ = "0A000";  // feature_not_supported
      out.message_ = "COPY is not supported here; use SELECT";
      return out;
    default:
      broken("unexpected answer from PostgreSQL: " + std::string(PQresStatus(PQresultStatus(first))));
  }
  if (PGresult* extra = next_result(deadline)) {
    PQclear(extra);
    broken("PostgreSQL answered one statement twice");
  }
  return out;
}

// A statement sent by name. A new one's preparation answers first; when it fails (a syntax
// error, an unknown table), its execution is skipped and the preparation's error is the
// statement's.
StatementResult RoleSession::collect(const Statement& statement, const Sending& sending, Deadline deadline) {
  if (sending.prepares) {
    StatementResult prepared = collect(deadline);
    StatementResult executed = collect(deadline);
    if (prepared.status() == StatementResult::Status::rows) {
      kept_->add(statement.sql, sending.name);
      return executed;
    }
    if (prepared.sqlstate() == "42P05") changed("an earlier query prepared a statement under the name " + sending.name);
    return prepared;
  }
  StatementResult executed = collect(deadline);
  if (sending.name.empty() || executed.status() != StatementResult::Status::failed || !usable_) return executed;
  // PostgreSQL names the statement it could not find (26000) in any language of its messages.
  if (executed.sqlstate() == "26000" && executed.message().find('"' + sending.name + '"') != std::string::npos) {
    changed("an earlier query deallocated a statement kept on this session");
  }
  // A kept plan whose table changed its columns ("cached plan must not change result type"); a
  // new session prepares the statement anew.
  if (executed.sqlstate() == "0A000") {
    changed("a statement kept on this session no longer fits its tables: " + executed.message());
  }
  return executed;
}

void RoleSession::sync(Deadline deadline) {
  PGresult* sync = next_result(deadline);
  const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced) broken("PostgreSQL did not end the pipeline: " + error_of(connection_));
}

RoleSession::Results RoleSession::run(const std::vector<Statement>& statements, const std::vector<Statement>& afterwards) {
  Results results = run_part(statements, afterwards);
  // A statement that failed made PostgreSQL skip the rest of the part, the afterwards with it:
  // they go again, alone, in a second round trip.
  const auto skipped = [](const StatementResult& r) { return r.status() == StatementResult::Status::skipped; };
  if (usable_ && std::any_of(results.afterwards.begin(), results.afterwards.end(), skipped)) {
    results.afterwards = run_part(afterwards, {}).statements;
  }
  return results;
}

RoleSession::Results RoleSession::run_part(const std::vector<Statement>& statements,
                                           const std::vector<Statement>& afterwards) {
  if (!is_open()) broken("the connection to PostgreSQL is closed");
  std::vector<Statement> all = statements;
  all.insert(all.end(), afterwards.begin(), afterwards.end());
  const Plan plan = this->plan(all);
  for (const auto& name : plan.deallocating) {
    const std::string deallocate = "DEALLOCATE " + name;
    send(Statement{deallocate.c_str(), {}, false}, Sending{});
  }
  for (std::size_t i = 0; i < all.size(); ++i) send(all[i], plan.sending[i]);
  if (!PQpipelineSync(connection_)) broken(error_of(connection_));
  const Deadline deadline = std::chrono::steady_clock::now() + answer_timeout_;

  for (std::size_t i = 0; i < plan.deallocating.size(); ++i) {
    if (const StatementResult given_up = collect(deadline); given_up.status() != StatementResult::Status::rows) {
      changed("an earlier query deallocated a statement kept on this session: " + given_up.message());
    }
  }
  Results results{std::vector<StatementResult>(statements.size()), std::vector<StatementResult>(afterwards.size())};
  for (std::size_t i = 0; i < all.size() && usable_; ++i) {
    StatementResult& result = i < statements.size() ? results.statements[i] : results.afterwards[i - statements.size()];
    result = collect(all[i], plan.sending[i], deadline);
  }
  if (!usable_) return results;  // a COPY: what follows is never read
  sync(deadline);
  return results;
}

}  // namespace mcph::postgres_mcp
