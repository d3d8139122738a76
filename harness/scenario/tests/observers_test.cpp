#include "observers.h"

#include <gtest/gtest.h>

#include <fstream>

#include "mcph/proc/temp_dir.h"

namespace mcph::harness {
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

}  // namespace
}  // namespace mcph::harness
