// postgres-mcp's pooled per-role connections against a real PostgreSQL: reuse, one session per
// role, old roles retired, revoked or locked roles found stale (never quietly empty), broken
// connections replaced, the idle limits.
#include "mcph/postgres_mcp/role_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include "mcph/mcp/tool.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/poll_until.h"
#include "mcph/text/count.h"

namespace mcph::postgres_mcp {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class RoleDatabaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new postgres::Server(postgres::Server::start({}));
    admin("CREATE TABLE projects (key text, name text); INSERT INTO projects VALUES ('DEMO', 'Demo project')");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static void admin(const std::string& sql) {
    pqxx::connection connection(server_->conninfo());
    pqxx::nontransaction tx(connection);
    tx.exec(sql);
  }
  static int sessions_of(const std::string& role) {
    pqxx::connection connection(server_->conninfo());
    pqxx::nontransaction tx(connection);
    return tx.exec_params("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", role)[0][0].as<int>();
  }
  // A role as Vault's database engine creates it for a lease (fixtures/vault/database-role.json).
  static RoleCredentials create_role(const std::string& subject, const std::string& name) {
    admin("CREATE ROLE \"" + name + "\" WITH LOGIN PASSWORD 'pw-" + name + "' VALID UNTIL 'infinity'");
    admin("GRANT CONNECT ON DATABASE mcp_demo TO \"" + name + "\"; GRANT USAGE ON SCHEMA public TO \"" + name +
          "\"; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"" + name + "\"");
    return RoleCredentials{subject, name, "pw-" + name};
  }
  // A role whose session the pool keeps (one call made), then altered by the administrator.
  static RoleCredentials pooled_role_then(RoleDatabase& database, const std::string& subject, const std::string& name,
                                          const std::string& alteration) {
    const auto who = create_role(subject, name);
    backend_of(database, who);
    admin("ALTER ROLE \"" + name + "\" " + alteration);
    return who;
  }
  static void revoke(const std::string& name) {
    admin("REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM \"" + name + "\"; REVOKE USAGE ON SCHEMA public FROM \"" +
          name + "\"; REVOKE CONNECT ON DATABASE mcp_demo FROM \"" + name + "\"; DROP ROLE IF EXISTS \"" + name + "\"");
  }
  static DatabaseAddress address() {
    return DatabaseAddress{"127.0.0.1", std::to_string(server_->port()), "mcp_demo", 3};
  }
  static std::string backend_of(RoleDatabase& database, const RoleCredentials& who) {
    return database.query(who, "SELECT pg_backend_pid()::text AS pid, current_user AS who")[0]["pid"];
  }
  // The statements the role's session keeps prepared (pg_prepared_statements, read as the
  // role): text → name, and how often each ran on its kept plan.
  static std::map<std::string, std::pair<std::string, int>> kept_statements(RoleDatabase& database,
                                                                             const RoleCredentials& who) {
    std::map<std::string, std::pair<std::string, int>> kept;
    for (const auto& row :
         database.query(who, "SELECT statement, name, generic_plans::text AS runs FROM pg_prepared_statements")) {
      kept[row["statement"]] = {row["name"], std::stoi(row["runs"].get<std::string>())};
    }
    return kept;
  }
  // Runs `sql`, which its session keeps, then, as the same role, a query that deallocates the
  // statement kept for it. Returns the session's backend.
  static std::string kept_then_deallocated(RoleDatabase& database, const RoleCredentials& who, const std::string& sql) {
    database.query(who, sql);
    const std::string backend = backend_of(database, who);
    database.query(who, "DEALLOCATE " + kept_statements(database, who).at(sql).first);
    return backend;
  }
  // The query fails as a tool error "query_failed: <PostgreSQL's words>", and `words` are among them.
  static void expect_query_failed(RoleDatabase& database, const RoleCredentials& who, const std::string& sql,
                                  const std::string& words) {
    try {
      database.query(who, sql);
      ADD_FAILURE() << "expected query_failed: ..." << words << "...";
    } catch (const mcp::ToolError& e) {
      EXPECT_THAT(e.what(), ::testing::StartsWith("query_failed: "));
      EXPECT_THAT(e.what(), HasSubstr(words));
    }
  }
  // Closing a connection ends its backend a moment later.
  static bool eventually_no_sessions(const std::string& role) {
    for (int i = 0; i < 100; ++i) {
      if (sessions_of(role) == 0) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  static postgres::Server* server_;
};

postgres::Server* RoleDatabaseTest::server_ = nullptr;

TEST_F(RoleDatabaseTest, ARolesNextCallReusesItsConnection) {
  RoleDatabase database(address(), {}, 3000);
  const auto alice = create_role("alice-sub", "v-alice-reuse");
  const std::string first = backend_of(database, alice);
  EXPECT_EQ(backend_of(database, alice), first);
  EXPECT_EQ(database.pool().idle_count(), 1u);
  EXPECT_EQ(sessions_of("v-alice-reuse"), 1);
  const auto rows = database.query(alice, "SELECT key FROM projects WHERE key = $1", "DEMO");
  EXPECT_EQ(rows[0]["key"], "DEMO");
}

TEST_F(RoleDatabaseTest, EachRoleQueriesInASessionOfItsOwn) {
  RoleDatabase database(address(), {}, 3000);
  const auto alice = create_role("alice-sub", "v-alice-own");
  const auto bob = create_role("bob-sub", "v-bob-own");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(database.query(alice, "SELECT current_user AS who")[0]["who"], "v-alice-own");
    EXPECT_EQ(database.query(bob, "SELECT current_user AS who")[0]["who"], "v-bob-own");
  }
  EXPECT_NE(backend_of(database, alice), backend_of(database, bob));
}

TEST_F(RoleDatabaseTest, ANewLeaseRetiresTheOldRolesConnections) {
  RoleDatabase database(address(), {}, 3000);
  const auto old_role = create_role("carol-sub", "v-carol-1");
  const auto new_role = create_role("carol-sub", "v-carol-2");
  backend_of(database, old_role);
  ASSERT_EQ(sessions_of("v-carol-1"), 1);
  EXPECT_EQ(database.query(new_role, "SELECT current_user AS who")[0]["who"], "v-carol-2");
  EXPECT_TRUE(eventually_no_sessions("v-carol-1"));
  EXPECT_EQ(database.pool().idle_count(), 1u);
}

TEST_F(RoleDatabaseTest, ARevokedRoleIsStaleOnItsPooledConnectionNotQuietlyEmpty) {
  RoleDatabase database(address(), {}, 3000);
  const auto dave = create_role("dave-sub", "v-dave-revoked");
  ASSERT_EQ(database.query(dave, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").size(), 1u);
  revoke("v-dave-revoked");  // the pooled session outlives the role
  EXPECT_THROW(database.query(dave, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"),
               StaleCredential);
  EXPECT_EQ(database.pool().idle_count(), 0u);
  // A new login is refused the same way.
  EXPECT_THROW(database.query(dave, "SELECT 1"), StaleCredential);
}

TEST_F(RoleDatabaseTest, ALockedOrExpiredRoleIsStale) {
  RoleDatabase database(address(), {}, 3000);
  const auto erin = pooled_role_then(database, "erin-sub", "v-erin-locked", "NOLOGIN");
  EXPECT_THROW(database.query(erin, "SELECT 1"), StaleCredential);
  const auto frank = pooled_role_then(database, "frank-sub", "v-frank-expired", "VALID UNTIL '2000-01-01'");
  EXPECT_THROW(database.query(frank, "SELECT 1"), StaleCredential);
  // A new login as a locked role is refused as stale too, not as an unavailable database.
  const auto gus = create_role("gus-sub", "v-gus-locked-early");
  admin("ALTER ROLE \"v-gus-locked-early\" NOLOGIN");
  EXPECT_THROW(database.query(gus, "SELECT 1"), StaleCredential);
}

// The check and the query go to PostgreSQL together, but a failed check stops the query: a
// stale role's query never runs (here it would sleep for seconds before anything answered).
TEST_F(RoleDatabaseTest, AStaleRolesQueryNeverRuns) {
  RoleDatabase database(address(), {}, 5000);
  const auto opal = pooled_role_then(database, "opal-sub", "v-opal-stopped", "NOLOGIN");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(database.query(opal, "SELECT pg_sleep(3)"), StaleCredential);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(RoleDatabaseTest, ATerminatedBackendIsReplacedOnce) {
  RoleDatabase database(address(), {}, 3000);
  const auto gina = create_role("gina-sub", "v-gina-terminated");
  const std::string first = backend_of(database, gina);
  admin("SELECT pg_terminate_backend(" + first + ")");
  ASSERT_TRUE(eventually_no_sessions("v-gina-terminated"));
  const std::string second = backend_of(database, gina);
  EXPECT_NE(second, first);
}

TEST_F(RoleDatabaseTest, AWrongPasswordIsStaleAndAnUnreachableDatabaseIsUnavailable) {
  RoleDatabase database(address(), {}, 3000);
  auto hank = create_role("hank-sub", "v-hank-password");
  hank.password = "not-it";
  EXPECT_THROW(database.query(hank, "SELECT 1"), StaleCredential);
  DatabaseAddress nowhere = address();
  nowhere.port = "1";
  RoleDatabase unreachable(nowhere, {}, 3000);
  try {
    unreachable.query(create_role("ivy-sub", "v-ivy-unreachable"), "SELECT 1");
    FAIL() << "expected database_unavailable";
  } catch (const mcp::ToolError& e) {
    EXPECT_THAT(e.what(), HasSubstr("database_unavailable"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("pw-")));
  }
}

// A login refused for another reason than the credential (here the role's own connection limit,
// taken by another session) is tried once more, then answered as database_unavailable; both
// attempts are logged with PostgreSQL's reason, the password in neither.
TEST_F(RoleDatabaseTest, ALoginThatFailsForAnotherReasonIsTriedOnceMoreThenUnavailable) {
  RoleDatabase database(address(), {}, 3000);
  const auto jack = create_role("jack-sub", "v-jack-limited");
  admin("ALTER ROLE \"v-jack-limited\" CONNECTION LIMIT 1");
  pqxx::connection holder("host=127.0.0.1 port=" + std::to_string(server_->port()) +
                          " dbname=mcp_demo user=v-jack-limited password=" + jack.password);
  ::testing::internal::CaptureStderr();
  try {
    database.query(jack, "SELECT 1");
    ADD_FAILURE() << "expected database_unavailable";
  } catch (const mcp::ToolError& e) {
    EXPECT_THAT(e.what(), HasSubstr("database_unavailable"));
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(text::count_of(log, "too many connections for role"), 2u) << log;
  EXPECT_THAT(log, ::testing::Not(HasSubstr(jack.password)));
}

TEST_F(RoleDatabaseTest, AFailedQueryKeepsTheConnection) {
  RoleDatabase database(address(), {}, 3000);
  const auto jack = create_role("jack-sub", "v-jack-syntax");
  const std::string first = backend_of(database, jack);
  expect_query_failed(database, jack, "SELEC nonsense", "syntax error");
  EXPECT_EQ(backend_of(database, jack), first);
}

TEST_F(RoleDatabaseTest, TheStatementTimeoutHolds) {
  RoleDatabase database(address(), {}, 200);
  const auto kim = create_role("kim-sub", "v-kim-timeout");
  expect_query_failed(database, kim, "SELECT pg_sleep(3)", "statement timeout");
}

// Sessions start read-only: a query cannot write, even what its role may (a temporary table),
// and the refusal costs the connection nothing.
TEST_F(RoleDatabaseTest, AQueryCannotWriteEvenWhatItsRoleMay) {
  RoleDatabase database(address(), {}, 3000);
  const auto lee = create_role("lee-sub", "v-lee-readonly");
  const std::string first = backend_of(database, lee);
  expect_query_failed(database, lee, "CREATE TEMP TABLE scratch (x int)", "read-only transaction");
  EXPECT_EQ(backend_of(database, lee), first);
  EXPECT_EQ(database.query(lee, "SELECT key FROM projects WHERE key = $1", "DEMO")[0]["key"], "DEMO");
}

// A query is one statement: a list of them could end the read-only transaction it runs in and
// write in a new one ("COMMIT; SET …; CREATE …").
TEST_F(RoleDatabaseTest, AQueryIsOneStatement) {
  RoleDatabase database(address(), {}, 3000);
  const auto mia = create_role("mia-sub", "v-mia-one");
  expect_query_failed(database, mia, "SELECT 1; SELECT 2", "multiple commands");
  expect_query_failed(database, mia,
                      "COMMIT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; CREATE TEMP TABLE scratch (x int)",
                      "multiple commands");
  expect_query_failed(database, mia, "CREATE TEMP TABLE scratch (x int)", "read-only transaction");
  // Nor does one open a transaction that would outlive the call.
  expect_query_failed(database, mia, "BEGIN READ WRITE", "BEGIN is not accepted");
  expect_query_failed(database, mia, "-- a comment ends at a carriage return too\rbegin", "BEGIN is not accepted");
  expect_query_failed(database, mia, " -- a comment\n /* and /* a nested */ one */ start transaction read write",
                      "START is not accepted");
  expect_query_failed(database, mia, "CREATE TEMP TABLE scratch (x int)", "read-only transaction");
}

// No write survives a call, whatever the role may write and whatever form the statement takes:
// a DO block or a procedure that commits in the middle, a data-modifying WITH, a SELECT INTO.
TEST_F(RoleDatabaseTest, NoWriteSurvivesACallWhateverTheRoleMayWrite) {
  RoleDatabase database(address(), {}, 3000);
  const auto wes = create_role("wes-sub", "v-wes-writes");
  admin("CREATE TABLE write_probe (x int); INSERT INTO write_probe VALUES (1); "
        "GRANT INSERT, UPDATE, DELETE, TRUNCATE ON write_probe TO \"v-wes-writes\"; "
        "CREATE PROCEDURE write_probe_commits() LANGUAGE plpgsql AS "
        "$$ BEGIN COMMIT; INSERT INTO public.write_probe VALUES (2); COMMIT; END $$");
  const std::map<std::string, std::string> attempts = {
      {"INSERT INTO write_probe VALUES (2)", "read-only transaction"},
      {"UPDATE write_probe SET x = 2", "read-only transaction"},
      {"DELETE FROM write_probe", "read-only transaction"},
      {"TRUNCATE write_probe", "read-only transaction"},
      {"MERGE INTO write_probe USING (SELECT 2 AS x) s ON false WHEN NOT MATCHED THEN INSERT VALUES (s.x)",
       "read-only transaction"},
      {"WITH written AS (INSERT INTO write_probe VALUES (2) RETURNING x) SELECT x FROM written",
       "read-only transaction"},
      {"SELECT 2 AS x INTO write_probe_copy", "read-only transaction"},
      {"DO $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); COMMIT; "
       "INSERT INTO public.write_probe VALUES (2); CREATE TEMP TABLE scratch (x int); COMMIT; END $$",
       "invalid transaction termination"},
      {"DO $$ BEGIN COMMIT; SET LOCAL transaction_read_only = off; CREATE TEMP TABLE scratch (x int); END $$",
       "invalid transaction termination"},
      {"CALL write_probe_commits()", "invalid transaction termination"},
  };
  for (const auto& [attempt, words] : attempts) {
    SCOPED_TRACE(attempt);
    expect_query_failed(database, wes, attempt, words);
    pqxx::connection connection(server_->conninfo());
    pqxx::nontransaction tx(connection);
    EXPECT_EQ(tx.exec("SELECT string_agg(x::text, ',') FROM write_probe")[0][0].as<std::string>(), "1");
    EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_class WHERE relowner = 'v-wes-writes'::regrole")[0][0].as<int>(), 0);
  }
  // Nor what one call set for the session: the next call runs read-only as ever.
  database.query(wes, "SELECT set_config('default_transaction_read_only', 'off', false)");
  expect_query_failed(database, wes, "INSERT INTO write_probe VALUES (2)", "read-only transaction");
  admin("DROP PROCEDURE write_probe_commits; DROP TABLE write_probe");
}

// Session state a query may leave behind that no rollback ends (an advisory lock, a statement
// prepared in SQL) ends with the call too; what a rollback ends (a cursor WITH HOLD, LISTEN)
// never outlives it.
TEST_F(RoleDatabaseTest, NoSessionStateOutlivesACall) {
  RoleDatabase database(address(), {}, 3000);
  const auto zoe = create_role("zoe-sub", "v-zoe-state");
  database.query(zoe, "SELECT pg_advisory_lock(4242)");
  {
    pqxx::connection connection(server_->conninfo());
    pqxx::nontransaction tx(connection);
    EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242")[0][0].as<int>(), 0);
  }
  database.query(zoe, "DECLARE held CURSOR WITH HOLD FOR SELECT 1");
  expect_query_failed(database, zoe, "FETCH held", "does not exist");
  database.query(zoe, "LISTEN mcph_probe");
  EXPECT_EQ(database.query(zoe, "SELECT count(*)::text AS n FROM pg_listening_channels()")[0]["n"], "0");
  database.query(zoe, "PREPARE left_behind AS SELECT 1");
  expect_query_failed(database, zoe, "EXECUTE left_behind", "does not exist");
  EXPECT_EQ(database.query(zoe, "SELECT current_user AS who")[0]["who"], "v-zoe-state");
}

// A query that fails makes PostgreSQL skip the rest of its round trip, the rollback and the
// unlock with it: they run in a second one, so a lock taken before the failure is released and
// the session serves the next call, out of the aborted block.
TEST_F(RoleDatabaseTest, AFailedQueryIsRolledBackAndUnlockedAllTheSame) {
  RoleDatabase database(address(), {}, 3000);
  const auto una = create_role("una-sub", "v-una-fails");
  expect_query_failed(database, una, "SELECT pg_advisory_lock(4343), 1 / 0", "division by zero");
  {
    pqxx::connection connection(server_->conninfo());
    pqxx::nontransaction tx(connection);
    EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4343")[0][0].as<int>(), 0);
  }
  EXPECT_EQ(database.query(una, "SELECT current_setting('transaction_read_only') AS ro")[0]["ro"], "on");
  EXPECT_EQ(database.pool().open_count(), 1u);  // the same session, not a new one
}

// A query may change its own session (a setting, its prepared statements), but the next call
// does not run in what it left: the server's limits hold for every call.
TEST_F(RoleDatabaseTest, WhatAQueryChangesInItsSessionDoesNotReachTheNextCall) {
  RoleDatabase database(address(), {}, 200);
  const auto nora = create_role("nora-sub", "v-nora-changes");
  for (const char* change : {"SET default_transaction_read_only = off",
                             "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
                             "SET statement_timeout = 0", "DEALLOCATE ALL"}) {
    SCOPED_TRACE(change);
    EXPECT_EQ(database.query(nora, change), nlohmann::json::array());
    expect_query_failed(database, nora, "CREATE TEMP TABLE scratch (x int)", "read-only transaction");
    database.query(nora, change);
    expect_query_failed(database, nora, "SELECT pg_sleep(3)", "statement timeout");
  }
  // None of it cost the user their credential.
  EXPECT_EQ(database.query(nora, "SELECT current_user AS who")[0]["who"], "v-nora-changes");
}

// A PostgreSQL that stops answering (here the role's backend is stopped) makes the call
// database_unavailable once the statement timeout and a margin have passed, never a call that
// waits for ever; the silent session is closed, and a new one serves the next call.
TEST_F(RoleDatabaseTest, APostgreSQLThatStopsAnsweringIsUnavailableNotAHang) {
  RoleDatabase database(address(), {}, 300);
  const auto quinn = create_role("quinn-sub", "v-quinn-silent");
  const std::string first = backend_of(database, quinn);
  const pid_t backend = std::stoi(first);
  ASSERT_EQ(::kill(backend, SIGSTOP), 0);
  struct Continue {  // whatever happens below: a stopped backend would hold up the server's shutdown
    pid_t pid;
    ~Continue() { ::kill(pid, SIGCONT); }
  } resume{backend};
  const auto start = std::chrono::steady_clock::now();
  try {
    database.query(quinn, "SELECT 1");
    ADD_FAILURE() << "expected database_unavailable";
  } catch (const mcp::ToolError& e) {
    EXPECT_THAT(e.what(), HasSubstr("database_unavailable: PostgreSQL did not answer within 800 ms"));
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 800ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(database.pool().open_count(), 0u);
  EXPECT_NE(backend_of(database, quinn), first);
}

// A COPY streams its rows outside the pipeline: the call fails with a clear reason, and the
// session it spoiled is closed, not pooled; the role's next call gets a new one.
TEST_F(RoleDatabaseTest, ACopyFailsAndItsSessionIsNotReused) {
  RoleDatabase database(address(), {}, 3000);
  const auto pia = create_role("pia-sub", "v-pia-copy");
  const std::string first = backend_of(database, pia);
  expect_query_failed(database, pia, "COPY projects TO STDOUT", "COPY is not supported");
  EXPECT_EQ(database.pool().open_count(), 0u);
  EXPECT_NE(backend_of(database, pia), first);
  EXPECT_EQ(database.query(pia, "SELECT key FROM projects")[0]["key"], "DEMO");
}

// A query a user sends again is neither parsed nor planned again: its session keeps it
// prepared, with the check, and runs the plan it kept.
TEST_F(RoleDatabaseTest, ARepeatedQueryRunsOnThePlanItsSessionKept) {
  RoleDatabase database(address(), {}, 3000);
  const auto rosa = create_role("rosa-sub", "v-rosa-kept");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(database.query(rosa, "SELECT key FROM projects")[0]["key"], "DEMO");
  const auto kept = kept_statements(database, rosa);
  ASSERT_EQ(kept.count("SELECT key FROM projects"), 1u);
  EXPECT_EQ(kept.at("SELECT key FROM projects").second, 3);
  // The block's start and the check before, the rollback and the unlock with the leftover check
  // after, the query, and the look at pg_prepared_statements.
  EXPECT_EQ(kept.size(), 6u);
}

// A session keeps its last 32 statements and deallocates the older ones; a long text (over
// 4 KiB) and a query that failed are never kept.
TEST_F(RoleDatabaseTest, ASessionKeepsItsLast32StatementsAndNoLongOrFailedOne) {
  RoleDatabase database(address(), {}, 3000);
  const auto sam = create_role("sam-sub", "v-sam-bounded");
  for (int i = 0; i < 40; ++i) database.query(sam, "SELECT " + std::to_string(i) + " AS n");
  const std::string long_query = "SELECT '" + std::string(4100, 'x') + "' AS long_text";
  database.query(sam, long_query);
  database.query(sam, long_query);
  expect_query_failed(database, sam, "SELECT nonsense FROM projects", "nonsense");
  const auto kept = kept_statements(database, sam);
  EXPECT_EQ(kept.size(), 32u);
  EXPECT_EQ(kept.count("SELECT 39 AS n"), 1u);
  EXPECT_EQ(kept.count("SELECT 0 AS n"), 0u);
  EXPECT_EQ(kept.count(long_query), 0u);
  EXPECT_EQ(kept.count("SELECT nonsense FROM projects"), 0u);
  EXPECT_EQ(database.pool().open_count(), 1u);  // all of it on one session
}

// A column added under a kept SELECT * would make PostgreSQL refuse the kept plan ("cached plan
// must not change result type"); the call runs on a new session instead and sees the column.
TEST_F(RoleDatabaseTest, AColumnAddedUnderAKeptQueryIsSeenNotAnError) {
  admin("CREATE TABLE gadgets (id int); INSERT INTO gadgets VALUES (1)");
  RoleDatabase database(address(), {}, 3000);
  const auto tess = create_role("tess-sub", "v-tess-columns");
  database.query(tess, "SELECT * FROM gadgets");
  EXPECT_EQ(database.query(tess, "SELECT * FROM gadgets")[0].size(), 1u);
  admin("ALTER TABLE gadgets ADD COLUMN color text DEFAULT 'red'");
  const auto rows = database.query(tess, "SELECT * FROM gadgets");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["color"], "red");
}

// A query may deallocate a statement its session kept, or prepare one under the name the next
// kept statement was to have; the next call is not broken by it: it runs on a new session.
TEST_F(RoleDatabaseTest, AQueryThatDeallocatesOrTakesAKeptNameDoesNotBreakTheNextCall) {
  RoleDatabase database(address(), {}, 3000);
  const auto uma = create_role("uma-sub", "v-uma-names");
  const std::string first = kept_then_deallocated(database, uma, "SELECT key FROM projects");
  EXPECT_EQ(database.query(uma, "SELECT key FROM projects")[0]["key"], "DEMO");
  const std::string second = backend_of(database, uma);
  EXPECT_NE(second, first);

  // The names are given in order: the look at them is the newest, the PREPARE below the next.
  int newest = 0;
  for (const auto& [text, kept] : kept_statements(database, uma)) {
    newest = std::max(newest, std::stoi(kept.first.substr(kept.first.find('_') + 1)));
  }
  database.query(uma, "PREPARE mcph_" + std::to_string(newest + 2) + " AS SELECT 1");
  EXPECT_EQ(database.query(uma, "SELECT name FROM projects")[0]["name"], "Demo project");
  EXPECT_NE(backend_of(database, uma), second);
}

// A kept statement a query deallocated is found gone when the session gives it up for a newer
// one: that call runs on a new session, with its rows, never skipped without a word.
TEST_F(RoleDatabaseTest, AKeptStatementAQueryDeallocatedIsFoundGoneWhenItIsGivenUp) {
  RoleDatabase database(address(), {}, 3000);
  const auto wes = create_role("wes-sub", "v-wes-given-up");
  const std::string first = kept_then_deallocated(database, wes, "SELECT 0 AS n");
  for (int i = 1; i <= 40; ++i) {
    const auto rows = database.query(wes, "SELECT " + std::to_string(i) + " AS n");
    ASSERT_EQ(rows.size(), 1u) << "call " << i;
    EXPECT_EQ(rows[0]["n"], std::to_string(i));
  }
  EXPECT_NE(backend_of(database, wes), first);
}

// A user's own EXECUTE of a statement that does not exist is that query's failure, however
// often it is sent: not mistaken for a kept statement gone missing.
TEST_F(RoleDatabaseTest, AUsersOwnMissingPreparedStatementIsTheirQuerysFailure) {
  RoleDatabase database(address(), {}, 3000);
  const auto vic = create_role("vic-sub", "v-vic-execute");
  const std::string first = backend_of(database, vic);
  for (int i = 0; i < 2; ++i) expect_query_failed(database, vic, "EXECUTE nosuch", "\"nosuch\" does not exist");
  EXPECT_EQ(backend_of(database, vic), first);
}

class RoleConnectionPoolTest : public RoleDatabaseTest {
 protected:
  static void SetUpTestSuite() {
    RoleDatabaseTest::SetUpTestSuite();
    for (const char* name : {"r1", "r2", "r3"}) admin(std::string("CREATE ROLE ") + name + " WITH LOGIN PASSWORD 'pw'");
  }
  static PoolLimits limits(std::size_t max_open, std::size_t max_per_role) {
    return PoolLimits{max_open, max_per_role, std::chrono::seconds(1), std::chrono::milliseconds(300)};
  }
};

TEST_F(RoleConnectionPoolTest, AtTheLimitTheLeastRecentlyUsedIdleConnectionOfAnotherRoleMakesRoom) {
  RoleConnectionPool pool(address(), limits(2, 2));
  pool.borrow("r1", "r1", "pw").give_back();
  pool.borrow("r2", "r2", "pw").give_back();
  EXPECT_EQ(pool.open_count(), 2u);
  auto r3 = pool.borrow("r3", "r3", "pw");  // r1's idle connection, the older one, is closed
  EXPECT_FALSE(r3.reused());
  r3.give_back();
  EXPECT_EQ(pool.open_count(), 2u);
  EXPECT_TRUE(pool.borrow("r2", "r2", "pw").reused());
  EXPECT_FALSE(pool.borrow("r1", "r1", "pw").reused());
  EXPECT_LE(pool.open_count(), 2u);
}

TEST_F(RoleConnectionPoolTest, ARoleThatHasAConnectionWaitsForItInsteadOfClosingOthers) {
  RoleConnectionPool pool(address(), limits(2, 2));
  pool.borrow("r1", "r1", "pw").give_back();
  auto busy = pool.borrow("r2", "r2", "pw");
  EXPECT_THROW(pool.borrow("r2", "r2", "pw"), PoolExhausted);  // waited for its own
  EXPECT_EQ(pool.idle_count(), 1u);                             // r1's was left alone
  busy.give_back();
  EXPECT_TRUE(pool.borrow("r2", "r2", "pw").reused());
}

TEST_F(RoleConnectionPoolTest, WhenEveryConnectionIsBusyACallWaitsThenGivesUp) {
  RoleConnectionPool pool(address(), limits(2, 2));
  auto first = pool.borrow("r1", "r1", "pw");
  auto second = pool.borrow("r2", "r2", "pw");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(pool.borrow("r3", "r3", "pw"), PoolExhausted);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_EQ(pool.open_count(), 2u);
}

// Under load a freed place went to whichever call took the lock first, often one that had just
// arrived, and a call that lost every race gave up after the wait timeout while later ones went
// through. Places now go to waiting calls in their order of arrival.
TEST_F(RoleConnectionPoolTest, AFreedPlaceGoesToTheCallThatWaitedLongestNotToALaterOne) {
  RoleConnectionPool pool(address(), PoolLimits{1, 1, std::chrono::seconds(5), std::chrono::milliseconds(3000)});
  std::atomic<int> next{0};
  auto holder = pool.borrow("r1", "r1", "pw");
  auto waited = std::async(std::launch::async, [&] {
    auto lease = pool.borrow("r2", "r2", "pw");
    const int turn = next++;
    std::this_thread::sleep_for(100ms);
    lease.give_back();
    return turn;
  });
  proc::poll_until([&] { return pool.waiting_count() > 0; }, 2s);
  ASSERT_EQ(pool.waiting_count(), 1u);
  holder.give_back();                       // frees the one place while r2 waits for it,
  auto later = pool.borrow("r3", "r3", "pw");  // and r3 asks at once: it must queue behind r2
  const int later_turn = next++;
  EXPECT_EQ(waited.get(), 0) << "the waiting call was served first";
  EXPECT_EQ(later_turn, 1);
  EXPECT_EQ(pool.open_count(), 1u);
  EXPECT_EQ(pool.waiting_count(), 0u);
}

TEST_F(RoleConnectionPoolTest, OneUsersCallsShareTheRolesConnections) {
  // A wait timeout long enough for a slow machine: the third call must wait, not give up.
  RoleConnectionPool pool(address(), PoolLimits{8, 2, std::chrono::seconds(1), std::chrono::milliseconds(5000)});
  auto first = pool.borrow("r1", "r1", "pw");
  auto second = pool.borrow("r1", "r1", "pw");
  EXPECT_NE(&*first, &*second);
  // A third call of the role waits for one of the two, and gets it.
  auto third = std::async(std::launch::async, [&] {
    auto lease = pool.borrow("r1", "r1", "pw");
    const bool reused = lease.reused();
    lease.give_back();
    return reused;
  });
  proc::poll_until([&] { return pool.waiting_count() > 0; }, 2s);
  ASSERT_EQ(pool.waiting_count(), 1u) << "the third call did not wait";
  EXPECT_EQ(pool.open_count(), 2u);
  first.give_back();
  EXPECT_TRUE(third.get());
  second.give_back();
  EXPECT_EQ(pool.open_count(), 2u);
  EXPECT_EQ(pool.idle_count(), 2u);
}

TEST_F(RoleConnectionPoolTest, IdleConnectionsAreClosedWhenTooOld) {
  RoleConnectionPool pool(address(), limits(8, 2));
  pool.borrow("r1", "r1", "pw").give_back();
  EXPECT_EQ(pool.idle_count(), 1u);
  std::this_thread::sleep_for(1100ms);
  EXPECT_FALSE(pool.borrow("r1", "r1", "pw").reused());  // the old one was closed on the way
  EXPECT_EQ(pool.open_count(), 0u);  // and the new one, not given back, was closed at the end
}

TEST_F(RoleConnectionPoolTest, ALeaseNotGivenBackIsClosedAndCountedOut) {
  RoleConnectionPool pool(address(), limits(8, 2));
  {
    auto lease = pool.borrow("r1", "r1", "pw");
    EXPECT_EQ(pool.open_count(), 1u);
  }
  EXPECT_EQ(pool.open_count(), 0u);
  EXPECT_EQ(pool.idle_count(), 0u);
  RoleConnectionPool nowhere(DatabaseAddress{"127.0.0.1", "1", "mcp_demo", 1}, limits(8, 2));
  EXPECT_THROW(nowhere.borrow("r1", "r1", "pw"), LoginFailed);
  EXPECT_EQ(nowhere.open_count(), 0u);  // a failed login takes no place
}

}  // namespace
}  // namespace mcph::postgres_mcp
