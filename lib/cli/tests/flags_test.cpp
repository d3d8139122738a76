#include "mcph/cli/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "mcph/proc/temp_dir.h"

namespace mcph::cli {
namespace {

using ::testing::HasSubstr;

Flags sample() {
  Flags flags("svc", "A service.");
  flags.option("port", "0", "port to bind")
      .required("issuer", "expected token issuer", "MCPH_TEST_ISSUER")
      .repeated("allowed-host", "extra Host header value")
      .toggle("legacy-sse", "also serve POST /sse");
  return flags;
}

std::string failure(const std::vector<std::string>& args) {
  Flags flags = sample();
  try {
    flags.parse_or_throw(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Flags, ParsesBothValueFormsTogglesAndRepeats) {
  Flags flags = sample();
  flags.parse_or_throw({"--port", "8080", "--issuer=http://idp/realms/r", "--allowed-host", "a", "--allowed-host=b",
                        "--legacy-sse"});
  EXPECT_EQ(flags.get_int("port"), 8080);
  EXPECT_EQ(flags.get("issuer"), "http://idp/realms/r");
  EXPECT_EQ(flags.all("allowed-host"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(flags.on("legacy-sse"));
}

TEST(Flags, DefaultsAndEnvironment) {
  ::setenv("MCPH_TEST_ISSUER", "http://from-env", 1);
  Flags flags = sample();
  flags.parse_or_throw({});
  EXPECT_EQ(flags.get("port"), "0");
  EXPECT_EQ(flags.get("issuer"), "http://from-env");
  EXPECT_FALSE(flags.on("legacy-sse"));
  EXPECT_TRUE(flags.all("allowed-host").empty());
  ::unsetenv("MCPH_TEST_ISSUER");
}

TEST(Flags, PositionalsBetweenFlagsTogglesDoNotSwallowThem) {
  Flags flags = sample();
  flags.positionals("FILES", "scenario files");
  flags.parse_or_throw({"a.yaml", "--legacy-sse", "b.yaml", "--issuer", "x", "--", "--c.yaml"});
  EXPECT_EQ(flags.positional(), (std::vector<std::string>{"a.yaml", "b.yaml", "--c.yaml"}));
  EXPECT_TRUE(flags.on("legacy-sse"));
  EXPECT_EQ(flags.get("issuer"), "x");
  EXPECT_THAT(flags.usage(), HasSubstr("Usage: svc [FILES...] [flags]"));
  EXPECT_THAT(flags.usage(), HasSubstr("FILES..."));
}

TEST(Flags, ShortFlagsAreNotTakenForPositionals) {
  Flags flags = sample();
  flags.positionals("FILES", "scenario files");
  try {
    flags.parse_or_throw({"--issuer", "x", "-v"});
    FAIL() << "-v was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown flag -v (flags start with --)");
  }
}

TEST(Flags, ClearErrors) {
  ::unsetenv("MCPH_TEST_ISSUER");
  EXPECT_EQ(failure({}), "--issuer is required");
  EXPECT_EQ(failure({"--issuer", "x", "--bogus"}), "unknown flag --bogus");
  EXPECT_EQ(failure({"--issuer"}), "--issuer needs a value");
  EXPECT_EQ(failure({"--issuer", "x", "stray"}), "unexpected argument 'stray'");
  EXPECT_EQ(failure({"--issuer", "x", "--legacy-sse=maybe"}), "--legacy-sse takes no value");
}

TEST(Flags, UsageListsEveryFlag) {
  const std::string usage = sample().usage();
  EXPECT_THAT(usage, HasSubstr("Usage: svc [flags]"));
  EXPECT_THAT(usage, HasSubstr("--port VALUE"));
  EXPECT_THAT(usage, HasSubstr("[default: 0]"));
  EXPECT_THAT(usage, HasSubstr("(required) [env: MCPH_TEST_ISSUER]"));
  EXPECT_THAT(usage, HasSubstr("(repeatable)"));
  EXPECT_THAT(usage, HasSubstr("--help"));
}

// Every help text, --help's too, starts in the same column.
TEST(Flags, UsageAlignsEveryHelpText) {
  const std::string usage = sample().usage();
  const auto column_of = [&](const std::string& text) {
    const auto at = usage.find(text);
    EXPECT_NE(at, std::string::npos) << text;
    return at - usage.rfind('\n', at) - 1;
  };
  EXPECT_EQ(column_of("show this help and exit"), 31u) << usage;
  std::istringstream lines(usage.substr(usage.find("Flags:\n") + 7));
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 31 && line.find("  --") == 0 && line.find(' ', 4) < 30) {
      EXPECT_NE(line[31], ' ') << line;
    }
  }
}

}  // namespace
}  // namespace mcph::cli

namespace mcph::cli {
namespace {

// A secret read from the file a flag names: trimmed, and any problem named by the flag and the
// file without the secret; a flag not given is no secret at all.
TEST(FlagsDeathTest, ASecretFileIsReadTrimmedAndRefusedClearly) {
  const proc::TempDir temp("flags-secret");
  const std::string dir = temp.path().string();
  const std::string good = dir + "/flags_secret_good", empty = dir + "/flags_secret_empty", short_one = dir + "/flags_secret_short";
  std::ofstream(good) << "an-hmac-key-of-more-than-thirty-two-bytes\n";
  std::ofstream(empty) << "\n";
  std::ofstream(short_one) << "tiny-secret\n";
  const auto with = [](const std::string& path) {
    Flags flags("svc", "A service.");
    flags.option("key-file", "", "the key");
    flags.parse_or_throw(path.empty() ? std::vector<std::string>{} : std::vector<std::string>{"--key-file", path});
    return flags;
  };
  EXPECT_EQ(with(good).secret_file("key-file", "key", 32), "an-hmac-key-of-more-than-thirty-two-bytes");
  EXPECT_EQ(with("").secret_file("key-file", "key", 32), "");
  EXPECT_EXIT(with(dir + "/no-such-file").secret_file("key-file", "key"), ::testing::ExitedWithCode(2),
              "svc: --key-file: cannot read the key file");
  EXPECT_EXIT(with(empty).secret_file("key-file", "key"), ::testing::ExitedWithCode(2), "is empty");
  EXPECT_EXIT(with(short_one).secret_file("key-file", "key", 32), ::testing::ExitedWithCode(2),
              "holds 11 bytes; at least 32 are needed");
}

// Every usage error reads the same, whoever says it: the program, the reason, where to look, exit 2.
TEST(FlagsDeathTest, EveryUsageErrorNamesTheProgramAndItsHelp) {
  const std::string said = "svc: --port must be 0..65535\nTry 'svc --help'.\n";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(print_usage_error("svc", "--port must be 0..65535"), 2);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), said);
  EXPECT_EXIT(exit_with_usage_error("svc", "--port must be 0..65535"), ::testing::ExitedWithCode(2), said);
  Flags flags("svc", "A service.");
  flags.option("port", "x", "the port");
  flags.parse_or_throw({});
  EXPECT_EXIT(flags.get_int("port"), ::testing::ExitedWithCode(2), "svc: --port must be an integer, got 'x'\nTry 'svc --help'.");
  EXPECT_EXIT(flags.usage_error("--port must be 0..65535"), ::testing::ExitedWithCode(2), said);
}

}  // namespace
}  // namespace mcph::cli
