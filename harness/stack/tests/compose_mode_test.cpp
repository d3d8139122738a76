// Compose mode without a Docker engine: a stand-in `docker` on PATH records what the stack asks
// of `docker compose`, so the container rows of the service table are checked offline — the
// services started one by one in the table's order on the compose file, each waited for, and
// on failure removed again in reverse order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ComposeMode : public ::testing::Test {
 protected:
  void SetUp() override {
    // The fake docker logs "MCPH_RUN_DIR=<dir> <args>" and succeeds.
    const fs::path docker = bin_.path() / "docker";
    std::ofstream(docker) << "#!/bin/sh\necho \"MCPH_RUN_DIR=$MCPH_RUN_DIR $*\" >> " << log_.string() << "\n";
    fs::permissions(docker, fs::perms::owner_all);
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    ::setenv("PATH", (bin_.path().string() + ":" + old_path_).c_str(), 1);
  }
  void TearDown() override { ::setenv("PATH", old_path_.c_str(), 1); }

  proc::TempDir bin_{"mcph-fake-docker"};
  proc::TempDir run_{"mcph-compose-run"};
  fs::path log_ = bin_.path() / "calls.log";
  std::string old_path_;
};

TEST_F(ComposeMode, StartsEachServiceOfTheComposeFileInOrderAndRemovesThemInReverseOnFailure) {
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  // Nothing listens on the demo's ports, so enabling Vault's audit device once its container is
  // "healthy" fails: the stack must then take down what it started, Vault's container included.
  try {
    LocalStack::up(params);
    FAIL() << "a compose stack came up without a Docker engine";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:8200/v1/sys/audit/file"));
  }
  const std::string prefix = "MCPH_RUN_DIR=" + (run_.path() / "stack").string() + " compose -f ";
  std::vector<std::string> calls;
  for (const auto& line : lines_of(log_)) {
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    const std::string rest = line.substr(prefix.size());
    EXPECT_THAT(rest, HasSubstr("docker/compose.yaml -p mcph-stack "));
    calls.push_back(rest.substr(rest.find(" -p mcph-stack ") + 15));
  }
  EXPECT_THAT(calls, ElementsAre("up --detach --wait --no-deps postgres", "up --detach --wait --no-deps keycloak",
                                 "up --detach --wait --no-deps vault", "rm --stop --force --volumes vault",
                                 "rm --stop --force --volumes keycloak", "rm --stop --force --volumes postgres"));
}

TEST_F(ComposeMode, ContainersRunAsTheRunDirectorysOwnerWithNothingOpenedToOthers) {
  // Each call logs whom compose.yaml runs the containers as, and the modes of the run directory
  // and of Vault's audit folder at that moment.
  std::ofstream(bin_.path() / "docker")
      << "#!/bin/sh\necho \"$MCPH_UID:$MCPH_GID $(stat -c %a \"$MCPH_RUN_DIR\") "
         "$(stat -c %a \"$MCPH_RUN_DIR/vault-audit\" 2>/dev/null || echo none) $*\" >> "
      << log_.string() << "\n";
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  EXPECT_THROW(LocalStack::up(params), std::exception);  // no Vault answers on 8200 here
  const std::string owner = std::to_string(::getuid()) + ":" + std::to_string(::getgid());
  std::vector<std::string> vault_up;
  for (const auto& line : lines_of(log_)) {
    EXPECT_EQ(line.rfind(owner + " 700 ", 0), 0u) << line;
    if (line.find("up --detach --wait --no-deps vault") != std::string::npos) vault_up.push_back(line);
  }
  ASSERT_EQ(vault_up.size(), 1u);
  EXPECT_THAT(vault_up[0], HasSubstr(owner + " 700 700 "));  // Vault's audit folder: the owner's alone
}

TEST_F(ComposeMode, AFailingComposeCommandIsQuotedWithWhatToDoInstead) {
  std::ofstream(bin_.path() / "docker") << "#!/bin/sh\necho 'Cannot connect to the Docker daemon at "
                                           "unix:///var/run/docker.sock.' >&2\nexit 1\n";
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  try {
    LocalStack::up(params);
    FAIL() << "a compose stack came up without a Docker engine";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("up --detach --wait --no-deps postgres failed (exit 1)"));
    EXPECT_THAT(e.what(), HasSubstr("Cannot connect to the Docker daemon"));
    EXPECT_THAT(e.what(), HasSubstr("use --mode local or --mode real"));
  }
}

}  // namespace
}  // namespace mcph::harness
