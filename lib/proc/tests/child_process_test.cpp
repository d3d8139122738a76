#include "mcph/proc/child_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "mcph/proc/temp_dir.h"
#include "shell_command.h"

namespace mcph::proc {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// A zombie counts as dead: in a container nobody may reap orphans.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  return stat >> pid_field >> comm >> state && state != "Z";
}

using testing::shell;

TEST(ChildProcess, WaitsForALineAndStopsTheWholeGroup) {
  // The shell starts a grandchild (sleep) in the same group; stop() must end both.
  auto child = ChildProcess::spawn(shell("sleep 300 & echo \"grandchild $!\"; echo ready; wait"));
  const std::string line = child.wait_for_line([](std::string_view l) { return l == "ready"; }, 5s);
  EXPECT_EQ(line, "ready");
  const std::string log = child.last_log_lines();
  const auto pos = log.find("grandchild ");
  ASSERT_NE(pos, std::string::npos);
  const pid_t grandchild = std::stoi(log.substr(pos + 11));
  EXPECT_TRUE(alive(grandchild));
  const int status = child.stop(2s);
  EXPECT_TRUE(WIFSIGNALED(status));
  // The grandchild got SIGTERM too; give the kernel a moment to reap it through init.
  for (int i = 0; i < 100 && alive(grandchild); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(alive(grandchild));
}

TEST(ChildProcess, EscalatesToSigkillWhenTheStopSignalIsIgnored) {
  auto child = ChildProcess::spawn(shell("trap '' TERM; echo ready; while :; do sleep 0.05; done"));
  child.wait_for_line([](std::string_view l) { return l == "ready"; }, 5s);
  const auto start = std::chrono::steady_clock::now();
  const int status = child.stop(300ms);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(ChildProcess, EarlyExitNamesTheProcessAndQuotesItsLog) {
  auto child = ChildProcess::spawn(shell("echo 'config error: port missing' >&2; exit 3"));
  try {
    child.wait_for_line([](std::string_view) { return false; }, 5s);
    FAIL() << "expected ProcessError";
  } catch (const ProcessError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sh-test exited with status 3 before it was ready"));
    EXPECT_THAT(e.what(), HasSubstr("config error: port missing"));
  }
}

TEST(ChildProcess, TimeoutNamesTheProcess) {
  auto child = ChildProcess::spawn(shell("echo starting; sleep 30"));
  try {
    child.wait_for_line([](std::string_view l) { return l == "never"; }, 200ms);
    FAIL() << "expected ProcessError";
  } catch (const ProcessError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sh-test was not ready within 200 ms"));
    EXPECT_THAT(e.what(), HasSubstr("starting"));
  }
}

TEST(ChildProcess, MissingProgramIsAClearError) {
  SpawnOptions options;
  options.argv = {"no-such-program-mcph"};
  try {
    ChildProcess::spawn(options);
    FAIL();
  } catch (const ProcessError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no-such-program-mcph: not found in PATH"));
  }
  options.argv = {"/nonexistent/dir/prog"};
  EXPECT_THROW(ChildProcess::spawn(options), ProcessError);
}

TEST(ChildProcess, EnvironmentAndWorkingDirectoryReachTheChild) {
  TempDir dir("mcph-proc-test");
  auto options = shell("echo \"$MCPH_X $(pwd)\"");
  options.env = {{"MCPH_X", "value-1"}};
  options.working_dir = dir.path().string();
  const auto result = run_command(options, 5s);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("value-1 " + std::filesystem::canonical(dir.path()).string()));
}

TEST(ChildProcess, LogFileIsWrittenWhereAsked) {
  TempDir dir("mcph-proc-test");
  auto options = shell("echo to-stdout; echo to-stderr >&2");
  options.log_path = (dir.path() / "svc.log").string();
  auto child = ChildProcess::spawn(options);
  while (child.running()) std::this_thread::sleep_for(5ms);
  child.stop();
  std::ifstream in(options.log_path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(content, HasSubstr("to-stdout"));
  EXPECT_THAT(content, HasSubstr("to-stderr"));
}

TEST(ChildProcess, TemporaryLogIsRemovedWithTheProcess) {
  std::string log;
  {
    auto child = ChildProcess::spawn(shell("echo hi; sleep 30"));
    log = child.log_path();
    child.wait_for_line([](std::string_view l) { return l == "hi"; }, 5s);
    EXPECT_TRUE(std::filesystem::exists(log));
  }
  EXPECT_FALSE(std::filesystem::exists(log));
}

TEST(ChildProcess, DiesWithTheThreadThatSpawnedIt) {
  pid_t pid = -1;
  std::string log;
  std::thread([&] {
    auto child = ChildProcess::spawn(shell("echo ready; exec sleep 30"));
    child.wait_for_line([](std::string_view l) { return l == "ready"; }, 5s);
    pid = child.pid();
    log = child.log_path();
    // Leak the handle on purpose (never stopped): only the parent-death signal can end the
    // process now. A static holds it, so that LeakSanitizer sees it as reachable, not lost.
    static auto* leaked = new std::vector<ChildProcess>;
    leaked->push_back(std::move(child));
  }).join();
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  std::filesystem::remove(log);  // the leaked handle would have removed it
}

TEST(RunCommand, ReportsExitCodeOutputAndTimeout) {
  auto ok = run_command(shell("echo out; echo err >&2; exit 0"), 5s);
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_THAT(ok.output, HasSubstr("out"));
  EXPECT_THAT(ok.output, HasSubstr("err"));
  EXPECT_EQ(run_command(shell("exit 7"), 5s).exit_code, 7);
  auto slow = run_command(shell("sleep 10"), 100ms);
  EXPECT_EQ(slow.exit_code, -1);
  EXPECT_THAT(slow.output, HasSubstr("timed out"));
}

TEST(TempDir, IsRemovedWithItsContents) {
  std::filesystem::path path;
  {
    TempDir dir("mcph-proc-test");
    path = dir.path();
    std::filesystem::create_directories(path / "a" / "b");
    std::ofstream(path / "a" / "b" / "f") << "x";
    EXPECT_TRUE(std::filesystem::is_directory(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace mcph::proc
