#include "mcph/proc/service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "shell_command.h"

namespace mcph::proc {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

using testing::shell;

TEST(StartService, ReturnsTheAnnouncedUrl) {
  auto service = start_service(shell("echo booting; echo 'listening http://127.0.0.1:4242'; exec sleep 300"));
  EXPECT_EQ(service.url, "http://127.0.0.1:4242");
  EXPECT_TRUE(service.process.running());
  EXPECT_GE(service.took.count(), 0);
}

TEST(StartService, WaitsForTheProbeAfterTheAnnounceLine) {
  std::atomic<int> probes = 0;
  ReadyWhen ready;
  ready.health = HealthProbe{"GET /health", [&](const std::string& url) -> std::optional<std::string> {
                               EXPECT_EQ(url, "http://127.0.0.1:4243");
                               return ++probes < 3 ? std::optional<std::string>("HTTP 503") : std::nullopt;
                             }};
  auto service = start_service(shell("echo 'listening http://127.0.0.1:4243'; exec sleep 300"), ready);
  EXPECT_EQ(probes.load(), 3);
}

TEST(StartService, ProbesAServiceThatDoesNotAnnounceAtItsGivenUrl) {
  ReadyWhen ready;
  ready.announces = false;
  ready.url = "http://127.0.0.1:4244";
  std::string probed;
  ready.health = HealthProbe{"GET /ready", [&](const std::string& url) -> std::optional<std::string> {
                               probed = url;
                               return std::nullopt;
                             }};
  auto service = start_service(shell("exec sleep 300"), ready);
  EXPECT_EQ(service.url, "http://127.0.0.1:4244");
  EXPECT_EQ(probed, "http://127.0.0.1:4244");
}

TEST(StartService, AProbeThatNeverPassesNamesWhatItWaitedForAndStopsTheProcess) {
  ReadyWhen ready;
  ready.timeout = 300ms;
  ready.health = HealthProbe{"GET /health/ready",
                             [](const std::string&) -> std::optional<std::string> { return "HTTP 503"; }};
  try {
    (void)start_service(shell("echo 'listening http://127.0.0.1:4245'; echo still-starting; exec sleep 300"), ready);
    FAIL() << "expected a ProcessError";
  } catch (const ProcessError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("sh-test was not healthy within 300 ms"));
    EXPECT_THAT(message, HasSubstr("GET /health/ready on http://127.0.0.1:4245: HTTP 503"));
    EXPECT_THAT(message, HasSubstr("still-starting"));  // its log, quoted
  }
}

TEST(StartService, AServiceThatDiesWhileProbedSaysSoAtOnce) {
  ReadyWhen ready;
  ready.timeout = 20s;
  ready.health = HealthProbe{"GET /health", [](const std::string&) -> std::optional<std::string> { return "refused"; }};
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)start_service(shell("echo 'listening http://127.0.0.1:4246'; echo 'fatal: no config'; sleep 0.2; exit 3"),
                        ready);
    FAIL() << "expected a ProcessError";
  } catch (const ProcessError& e) {
    EXPECT_THAT(e.what(), HasSubstr("exited before GET /health"));
    EXPECT_THAT(e.what(), HasSubstr("fatal: no config"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(StartService, NoAnnounceLineInTimeIsAnError) {
  ReadyWhen ready;
  ready.timeout = 200ms;
  EXPECT_THROW((void)start_service(shell("exec sleep 300"), ready), ProcessError);
}

}  // namespace
}  // namespace mcph::proc
