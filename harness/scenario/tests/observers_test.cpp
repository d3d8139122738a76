#include "observers.h"

#include <gtest/gtest.h>

#include <fstream>

#include "mcph/proc/temp_dir.h"

namespace mcph::harness::scenario {
namespace {

TEST(PathOwner, NamesTheUserOfSecretAndDatabasePaths) {
  EXPECT_EQ(path_owner("secret/data/users/alice/jira"), "alice");
  EXPECT_EQ(path_owner("secret/metadata/users/bob/github"), "bob");
  EXPECT_EQ(path_owner("database/creds/user0001"), "user0001");
  EXPECT_EQ(path_owner("auth/jwt/login"), "");
  EXPECT_EQ(path_owner("secret/data/shared/x"), "");
}

TEST(AuditTail, ReadsOnlyWhatWasAppendedAndWaitsForUnfinishedLines) {
  proc::TempDir dir("audit-tail");
  const auto path = dir.path() / "audit.log";
  std::ofstream(path) << R"({"type":"request","request":{"path":"old"}})" << "\n";
  AuditTail tail(path);
  EXPECT_TRUE(tail.read_new().empty());
  {
    std::ofstream out(path, std::ios::app);
    out << R"({"type":"request","request":{"path":"a"}})" << "\n" << R"({"type":"resp)";
  }
  auto entries = tail.read_new();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["request"]["path"], "a");
  {
    std::ofstream out(path, std::ios::app);
    out << R"(onse","request":{"path":"b"}})" << "\n";
  }
  entries = tail.read_new();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["request"]["path"], "b");
}

TEST(AuditTail, NoPathMeansNotAvailable) {
  AuditTail tail{std::filesystem::path()};
  EXPECT_FALSE(tail.available());
  EXPECT_TRUE(tail.read_new().empty());
}

// A step's audit entries are those whose request carried one of its trace-ids: another
// scenario's entries written meanwhile (bob's probe of alice's path) are not its.
TEST(EntriesOfTraces, KeepsOnlyEntriesCarryingTheStepsTraceIds) {
  const std::string mine = "0af7651916cd43dd8448eb211c80319c";
  const std::string also_mine = "11111111111111111111111111111111";
  const auto entry = [](const std::string& path, nlohmann::json headers) {
    nlohmann::json request = {{"path", path}};
    if (!headers.is_null()) request["headers"] = std::move(headers);
    return nlohmann::json{{"type", "response"}, {"request", request}};
  };
  const nlohmann::json entries = nlohmann::json::array({
      entry("secret/data/users/alice/jira", {{"traceparent", {"00-" + mine + "-b7ad6b7169203331-01"}}}),
      entry("secret/data/users/alice/github", {{"traceparent", {"00-22222222222222222222222222222222-b7ad6b7169203331-01"}}}),
      entry("secret/data/users/bob/jira", nullptr),
      entry("sys/mounts", {{"user-agent", {"curl"}}}),
      entry("secret/data/users/alice/x", {{"traceparent", {"not a traceparent", "00-" + also_mine + "-b7ad6b7169203331-01"}}}),
      entry("secret/data/users/alice/y", {{"traceparent", "00-" + mine + "-b7ad6b7169203331-01"}}),  // not a list
  });
  const nlohmann::json kept = entries_of_traces(entries, {mine, also_mine});
  ASSERT_EQ(kept.size(), 2u) << kept.dump();
  EXPECT_EQ(kept[0]["request"]["path"], "secret/data/users/alice/jira");
  EXPECT_EQ(kept[1]["request"]["path"], "secret/data/users/alice/x");
  EXPECT_TRUE(entries_of_traces(entries, {}).empty());
}

// What a time window can only guess at: entries with no well-formed traceparent. An entry of
// another trace is that trace's, never the window's.
TEST(EntriesWithoutTrace, KeepsOnlyEntriesNoTraceClaims) {
  const auto entry = [](const std::string& path, nlohmann::json headers) {
    nlohmann::json request = {{"path", path}};
    if (!headers.is_null()) request["headers"] = std::move(headers);
    return nlohmann::json{{"type", "request"}, {"request", request}};
  };
  const nlohmann::json entries = nlohmann::json::array({
      entry("secret/data/users/alice/jira", {{"traceparent", {"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}}),
      entry("secret/data/users/bob/jira", nullptr),
      entry("secret/data/users/bob/github", {{"traceparent", {"garbage"}}}),
      entry("sys/mounts", {{"user-agent", {"curl"}}}),
  });
  const nlohmann::json untraced = entries_without_trace(entries);
  ASSERT_EQ(untraced.size(), 3u) << untraced.dump();
  EXPECT_EQ(untraced[0]["request"]["path"], "secret/data/users/bob/jira");
  EXPECT_EQ(untraced[1]["request"]["path"], "secret/data/users/bob/github");
  EXPECT_EQ(untraced[2]["request"]["path"], "sys/mounts");
}

}  // namespace
}  // namespace mcph::harness::scenario
