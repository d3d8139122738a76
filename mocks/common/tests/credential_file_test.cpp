// The secrets file read again when it is replaced, as `run --provision` replaces it: users added
// are known at once, and a version that cannot be used leaves the previous credentials in force.
#include "mcph/mock_backend/credential_file.h"

#include <gtest/gtest.h>

#include "mcph/proc/private_file.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::mock_backend {
namespace {

constexpr const char* kAlice = R"({"alice": {"github": {"token": "ghp_aliceAAAAAAAAAAAAAAAA1111"}}})";
constexpr const char* kAliceAndDave = R"({"alice": {"github": {"token": "ghp_aliceAAAAAAAAAAAAAAAA1111"}},
                                          "dave": {"github": {"token": "ghp_daveDDDDDDDDDDDDDDDDD4444"}}})";

std::string whose(CredentialFile& file, const std::string& token) {
  return file.current()->identify(parse_authorization("Bearer " + token)).user;
}

TEST(ReplacedSecretsFile, KnowsTheUsersOfAReplacedFileAtOnce) {
  proc::TempDir dir("credential-file-test");
  const auto path = dir.path() / "secrets.json";
  proc::write_private_file(path, kAlice);
  CredentialFile file(path.string(), Service::github);
  EXPECT_EQ(whose(file, "ghp_aliceAAAAAAAAAAAAAAAA1111"), "alice");
  EXPECT_EQ(whose(file, "ghp_daveDDDDDDDDDDDDDDDDD4444"), "unknown");

  proc::write_private_file(path, kAliceAndDave);
  EXPECT_EQ(whose(file, "ghp_daveDDDDDDDDDDDDDDDDD4444"), "dave");
  EXPECT_EQ(whose(file, "ghp_aliceAAAAAAAAAAAAAAAA1111"), "alice");
}

TEST(ReplacedSecretsFile, KeepsThePreviousCredentialsWhenTheNewFileCannotBeUsed) {
  proc::TempDir dir("credential-file-test");
  const auto path = dir.path() / "secrets.json";
  proc::write_private_file(path, kAliceAndDave);
  CredentialFile file(path.string(), Service::github);

  proc::write_private_file(path, "{\"dave\": ");  // cut short
  EXPECT_EQ(whose(file, "ghp_daveDDDDDDDDDDDDDDDDD4444"), "dave");
  std::filesystem::remove(path);
  EXPECT_EQ(whose(file, "ghp_daveDDDDDDDDDDDDDDDDD4444"), "dave");

  proc::write_private_file(path, kAlice);  // usable again: dave is gone
  EXPECT_EQ(whose(file, "ghp_daveDDDDDDDDDDDDDDDDD4444"), "unknown");
}

TEST(ReplacedSecretsFile, RefusesToStartWithoutAUsableFile) {
  EXPECT_THROW(CredentialFile("/nonexistent/secrets.json", Service::jira), std::runtime_error);
}

}  // namespace
}  // namespace mcph::mock_backend
