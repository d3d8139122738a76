// The real SPIRE's JWT key rotation as the `spiffe` step runs it: the operator's commands in
// their order, each naming the authority SPIRE's previous answer named, played against a
// stand-in spire-server that records its command lines and answers as SPIRE 1.13 does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mcph/proc/temp_dir.h"
#include "spire_rotation.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

// A spire-server that appends its arguments to calls.log and answers like SPIRE's -output json
// (its active authority "old-kid", the prepared one "new-kid"); exit 1 for `fail`.
fs::path fake_spire_server(const fs::path& dir, const std::string& fail = "") {
  const fs::path script = dir / "spire-server";
  std::ofstream(script) << "#!/bin/sh\n"
                           "echo \"$*\" >> '" << (dir / "calls.log").string() << "'\n"
                           "[ \"$3\" = '" << fail << "' ] && { echo 'Error: refused' >&2; exit 1; }\n"
                           "case \"$3\" in\n"
                           "  show) echo '{\"active\":{\"authority_id\":\"old-kid\",\"expires_at\":\"1\"}}' ;;\n"
                           "  prepare) echo '{\"prepared_authority\":{\"authority_id\":\"new-kid\"}}' ;;\n"
                           "  activate) echo '{\"activated_authority\":{\"authority_id\":\"'\"$7\"'\"}}' ;;\n"
                           "  taint) echo '{\"tainted_authority\":{\"authority_id\":\"'\"$7\"'\"}}' ;;\n"
                           "  revoke) echo '{\"revoked_authority\":{\"authority_id\":\"'\"$7\"'\"}}' ;;\n"
                           "esac\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

class SpireRotationTest : public ::testing::Test {
 protected:
  proc::TempDir dir{"mcph-spire-rotation"};
  const fs::path& dir_ = dir.path();
};

std::vector<std::string> calls(const fs::path& dir) {
  std::ifstream log(dir / "calls.log");
  std::vector<std::string> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  return lines;
}

TEST_F(SpireRotationTest, TheOldAuthorityIsTaintedThenRevokedAfterTheNewOneIsActive) {
  const stack::SpireServerCli cli{fake_spire_server(dir_), "/run/spire/api.sock"};
  const JwtAuthorityRotation rotation = rotate_jwt_authority(cli, true);
  EXPECT_EQ(rotation.activated, "new-kid");
  EXPECT_EQ(rotation.old, "old-kid");
  const std::string socket = " -socketPath /run/spire/api.sock";
  EXPECT_THAT(calls(dir_),
              ElementsAre("localauthority jwt show -output json" + socket,
                          "localauthority jwt prepare -output json" + socket,
                          "localauthority jwt activate -output json -authorityID new-kid" + socket,
                          "localauthority jwt taint -output json -authorityID old-kid" + socket,
                          "localauthority jwt revoke -output json -authorityID old-kid" + socket));
}

TEST_F(SpireRotationTest, KeepingTheOldKeyStopsAfterTheActivation) {
  rotate_jwt_authority(stack::SpireServerCli{fake_spire_server(dir_), "/s"}, false);
  EXPECT_EQ(calls(dir_).size(), 3u);
  EXPECT_THAT(calls(dir_).back(), HasSubstr("activate"));
}

TEST_F(SpireRotationTest, ARefusedCommandIsAnErrorQuotingSpire) {
  try {
    rotate_jwt_authority(stack::SpireServerCli{fake_spire_server(dir_, "revoke"), "/s"}, true);
    FAIL() << "a refused revoke passed";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("spire-server localauthority jwt revoke failed (exit 1): Error: refused"));
  }
}

TEST_F(SpireRotationTest, TheAuthorityIdIsReadFromTheJsonAmidOtherOutput) {
  const std::string answer = "time=... level=warning msg=x\n{\"active\":{\"authority_id\":\"k1\"},\"old\":{\"authority_id\":\"k0\"}}\n";
  EXPECT_EQ(jwt_authority_id(answer, "active"), "k1");
  EXPECT_EQ(jwt_authority_id(answer, "old"), "k0");
  EXPECT_EQ(jwt_authority_id(answer, "prepared"), "");
  EXPECT_THROW(jwt_authority_id("Error: connection refused", "active"), std::runtime_error);
}

}  // namespace
}  // namespace mcph::harness::scenario
