#include "stack_for_run.h"

#include <cstdio>
#include <filesystem>

#include "stack_location.h"

namespace mcph::harness::cli {

namespace fs = std::filesystem;

void add_run_stack_flags(mcph::cli::Flags& flags) {
  add_stack_flags(flags);
  flags.option("users", "8", "generated users of an own local stack (the token expiry, rate limit and database "
                             "suites use user0001-user0006)");
  flags.option("fixtures", "", "fixtures directory [default: the source tree's fixtures/, or $MCPH_FIXTURES_DIR]");
}

StackForRun stack_for_run(const mcph::cli::Flags& flags, const std::string& program) {
  StackForRun out;
  const bool named = !flags.get("stack").empty() || !flags.get("run-dir").empty();
  const fs::path file = stack_file_from(flags, program);
  if (named || (supervisor_running_in(file.parent_path()) && fs::exists(file))) {
    out.stack = StackFile::load(file);
    out.stack_file = file.string();
    std::printf("stack: %s (%s mode)\n", file.c_str(), out.stack.mode.c_str());
    std::fflush(stdout);
    return out;
  }
  std::printf("stack: starting a local stack for this run (no --stack given, none running in %s)\n", kDefaultRunDir);
  std::fflush(stdout);
  SupervisedStackOptions options;
  options.fixtures_dir = flags.get("fixtures");
  options.generated_users = flags.get_int("users");
  options.rate_limit = 20;  // what the rate_limit suite expects, as `mcp-harness up` does
  options.rate_window_ms = 1000;
  options.harness_binary = this_binary();
  options.progress = [](const std::string& line) {
    std::printf("  %s\n", line.c_str());
    std::fflush(stdout);
  };
  out.owned = SupervisedStack::start(options);
  out.stack = out.owned->stack();
  out.stack_file = out.owned->stack_file().string();
  return out;
}

std::vector<std::string> split_positional(int argc, char** argv, std::vector<char*>& flag_args) {
  std::vector<std::string> positional;
  flag_args.push_back(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      flag_args.push_back(argv[i]);
      if (arg != "--help" && arg.find('=') == std::string::npos && i + 1 < argc) flag_args.push_back(argv[++i]);
    } else {
      positional.push_back(arg);
    }
  }
  return positional;
}

}  // namespace mcph::harness::cli
