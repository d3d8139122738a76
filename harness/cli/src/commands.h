#pragma once
// The commands of `mcp-harness <command> [flags]`. Each is a function that gets the command's
// own arguments (argv[0] is "mcp-harness <command>", then its flags) and returns the exit code:
// 0 success, 1 failure, 2 usage error. main.cpp lists them in one table; to add a command,
// declare its function here, add a row there and its .cpp file to CMakeLists.txt.
#include <string_view>

namespace mcph::harness::cli {

using CommandFunction = int (*)(int argc, char** argv);

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `mcp-harness --help`
  CommandFunction run;
  bool hidden = false;       // internal: not listed by --help, still runnable
};

int up_command(int argc, char** argv);         // up_command.cpp
int status_command(int argc, char** argv);     // status_command.cpp
int down_command(int argc, char** argv);       // down_command.cpp
int supervise_command(int argc, char** argv);  // supervise_command.cpp
int run_command(int argc, char** argv);        // run_command.cpp
int replay_command(int argc, char** argv);     // replay_command.cpp
int reference_command(int argc, char** argv);  // reference_command.cpp
int merge_command(int argc, char** argv);      // merge_command.cpp
int probe_command(int argc, char** argv);      // probe_command.cpp

}  // namespace mcph::harness::cli
