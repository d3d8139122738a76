// Compose mode without a Docker engine: a stand-in `docker` on PATH records what the stack asks
// of `docker compose`, so the container rows of the service table are checked offline — the
// services started one by one in the table's order on the compose file, each waited for by its
// own health check run in its container, and on failure removed again in reverse order, the
// project's network and volumes with the last. (ctest -L engine runs the same on podman.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The stand-in's log without the probe of the compose plugin (`docker compose version`).
std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.ends_with(" compose version")) lines.push_back(line);
  }
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
  std::vector<std::string> ups_and_removals;
  for (const auto& call : calls) {
    if (call.starts_with("up ") || call.starts_with("rm ")) ups_and_removals.push_back(call);
  }
  EXPECT_THAT(ups_and_removals,
              ElementsAre("up --detach --no-deps postgres", "up --detach --no-deps keycloak", "up --detach --no-deps vault",
                          "rm --stop --force --volumes vault", "rm --stop --force --volumes keycloak",
                          "rm --stop --force --volumes postgres"));
  // No container is left (the stand-in lists none): the project's network and volumes go too.
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[calls.size() - 2], "ps --all --quiet");
  EXPECT_EQ(calls.back(), "down --volumes --remove-orphans");
}

// A stand-in `docker compose` whose configuration gives every service the health check
// ["CMD", "probe", "--ready"], and whose `exec` of it fails until `passes_after` calls were made.
void write_docker_with_health_check(const fs::path& docker, const fs::path& log, int passes_after) {
  std::ofstream(docker) << "#!/bin/sh\n"
                           "echo \"$*\" >> " << log.string() << "\n"
                           "case \"$*\" in\n"
                           "  *' config --format json')\n"
                           "    echo '{\"services\":{\"postgres\":{\"healthcheck\":{\"test\":[\"CMD\",\"probe\",\"--ready\"]}}}}' ;;\n"
                           "  *' exec -T '*) n=$(grep -c ' exec -T ' " << log.string() << ")\n"
                           "    [ \"$n\" -gt " << passes_after << " ] || { echo 'not ready yet'; exit 1; } ;;\n"
                           "esac\n";
  fs::permissions(docker, fs::perms::owner_all);
}

std::vector<std::string> calls_about(const std::vector<std::string>& lines, const std::string& word) {
  std::vector<std::string> found;
  for (const auto& line : lines) {
    if (line.find(word) != std::string::npos) found.push_back(line.substr(line.find(" -p mcph-stack ") + 15));
  }
  return found;
}

TEST_F(ComposeMode, WaitsForTheServicesOwnHealthCheckRunInItsContainer) {
  // The engine's own schedule of health checks is not relied on (podman without systemd never
  // runs them): the stack runs the check of compose.yaml itself until it passes.
  write_docker_with_health_check(bin_.path() / "docker", log_, 2);
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  EXPECT_THROW(LocalStack::up(params), std::exception);  // nothing answers on the demo's ports
  const auto execs = calls_about(lines_of(log_), " exec -T postgres");
  EXPECT_THAT(execs, ElementsAre("exec -T postgres probe --ready", "exec -T postgres probe --ready",
                                 "exec -T postgres probe --ready"));
  // Only once the check passed does the next service start.
  const auto lines = lines_of(log_);
  std::size_t last_check = 0, keycloak_up = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(" exec -T postgres") != std::string::npos) last_check = i;
    if (lines[i].find("up --detach --no-deps keycloak") != std::string::npos) keycloak_up = i;
  }
  EXPECT_GT(keycloak_up, last_check);
}

TEST_F(ComposeMode, AServiceWhoseHealthCheckNeverPassesIsRemovedAndNamed) {
  write_docker_with_health_check(bin_.path() / "docker", log_, 1000);
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  params.ready_timeout = std::chrono::milliseconds(1500);
  try {
    LocalStack::up(params);
    FAIL() << "a service whose health check never passed was taken as ready";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("postgres's health check (probe --ready) did not pass within 1 s"));
    EXPECT_THAT(e.what(), HasSubstr("not ready yet"));
  }
  const auto calls = lines_of(log_);
  EXPECT_TRUE(calls_about(calls, "up --detach --no-deps keycloak").empty());
  EXPECT_THAT(calls_about(calls, " rm "), ElementsAre("rm --stop --force --volumes postgres"));
}

TEST_F(ComposeMode, TheNamedEngineSocketIsComposesDockerHost) {
  // A podman API socket (`podman system service`) named with --engine-socket.
  const fs::path socket_path = run_.path() / "engine.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  std::ofstream(bin_.path() / "docker") << "#!/bin/sh\necho \"DOCKER_HOST=$DOCKER_HOST $*\" >> " << log_.string()
                                        << "\n";
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  params.engine_socket = socket_path;
  EXPECT_THROW(LocalStack::up(params), std::exception);
  ::close(fd);
  const auto calls = lines_of(log_);
  ASSERT_FALSE(calls.empty());
  for (const auto& call : calls) EXPECT_EQ(call.rfind("DOCKER_HOST=unix://" + socket_path.string() + " ", 0), 0u) << call;

  params.engine_socket = run_.path() / "no-engine.sock";
  try {
    LocalStack::up(params);
    FAIL() << "a stack came up on an engine socket that does not exist";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("no-engine.sock is not a socket"));
  }
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
    if (line.find("up --detach --no-deps vault") != std::string::npos) vault_up.push_back(line);
  }
  ASSERT_EQ(vault_up.size(), 1u);
  EXPECT_THAT(vault_up[0], HasSubstr(owner + " 700 700 "));  // Vault's audit folder: the owner's alone
}

TEST_F(ComposeMode, AFailingComposeCommandIsQuotedWithWhatToDoInstead) {
  std::ofstream(bin_.path() / "docker") << "#!/bin/sh\n[ \"$*\" = 'compose version' ] && exit 0\n"
                                           "echo 'Cannot connect to the Docker daemon at "
                                           "unix:///var/run/docker.sock.' >&2\nexit 1\n";
  StackParams params;
  params.mode = StackMode::compose;
  params.run_dir = run_.path() / "stack";
  try {
    LocalStack::up(params);
    FAIL() << "a compose stack came up without a Docker engine";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("up --detach --no-deps postgres failed (exit 1)"));
    EXPECT_THAT(e.what(), HasSubstr("Cannot connect to the Docker daemon"));
    EXPECT_THAT(e.what(), HasSubstr("use --mode local or --mode real"));
  }
}

}  // namespace
}  // namespace mcph::harness::stack
