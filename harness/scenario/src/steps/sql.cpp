// The `sql` step: a query on the stack's PostgreSQL as its superuser, for what the database
// itself says (the roles a server made, who owns what).
#include <pqxx/pqxx>

#include "../recorder.h"
#include "../step_executor.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

void run_sql(const SqlStep& step, StepRun& run) {
  StepOutcome& out = run.out;
  const std::string query = substitute(step.query, run.resolve);
  const auto started = sync::SteadyClock::now();
  pqxx::connection connection(run.executor.stack().service("postgres").url);
  pqxx::nontransaction tx(connection);
  const pqxx::result rows = tx.exec(query);
  out.sql.rows = static_cast<int>(rows.size());
  if (!rows.empty() && rows.columns() > 0) out.sql.value = rows[0][0].is_null() ? "null" : rows[0][0].c_str();
  run.record.note({{"sql", query},
                   {"rows", out.sql.rows},
                   {"value", out.sql.value ? nlohmann::json(*out.sql.value) : nlohmann::json(nullptr)},
                   {"ms", sync::ms_since(started)}});
}

std::string sql_title(const SqlStep& step, const std::string&) { return "SQL: " + step.query; }

}  // namespace

StepKindInfo sql_step_kind() {
  return {
      .kind = StepKind::sql,
      .name = "sql",
      .summary = "A query on the stack's PostgreSQL as its superuser; the first row's first value and the number of "
                 "rows are kept.",
      .example = "sql: SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%'",
      .fields = {{"sql", "the query (`${…}` substituted)"}},
      .yields = {ResultPart::sql},
      .read = [](const StepSource& source) -> StepSpec { return SqlStep{source.reader.text(source.value, source.here)}; },
      .run = runner<SqlStep>(run_sql),
      .title = titler<SqlStep>(sql_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string("postgres"); },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness::scenario
