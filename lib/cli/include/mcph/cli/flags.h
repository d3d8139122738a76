#pragma once
// Command-line flags for the project's binaries: `--name VALUE`, `--name=VALUE`, boolean
// `--name`, repeatable flags, defaults from environment variables, a truthful --help, and a
// clear message with exit code 2 for anything wrong.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace mcph::cli {

// A command-line mistake, said as every program of the project says it: "<program>: <reason>"
// and "Try '<program> --help'." on stderr. print_usage_error returns the exit code (2) for a
// command to return; exit_with_usage_error exits with it.
int print_usage_error(const std::string& program, const std::string& reason);
[[noreturn]] void exit_with_usage_error(const std::string& program, const std::string& reason);

class Flags {
 public:
  Flags(std::string program, std::string summary);

  // A flag with a value; `env` (optional) supplies it when the flag is not given.
  Flags& option(const std::string& name, const std::string& default_value, const std::string& help,
                const std::string& env = {});
  Flags& required(const std::string& name, const std::string& help, const std::string& env = {});
  Flags& repeated(const std::string& name, const std::string& help);
  Flags& toggle(const std::string& name, const std::string& help);
  // The command also takes arguments that are not flags (files, …), shown in the usage as
  // `[NAME...]`; without this a non-flag argument is an error. "--" ends the flags.
  Flags& positionals(const std::string& name, const std::string& help);

  // --help prints usage and exits 0; an unknown flag, a missing value or a missing required
  // flag prints "<program>: <reason>" and exits 2.
  void parse(int argc, const char* const* argv);
  // For tests: like parse() but throws std::invalid_argument instead of exiting.
  void parse_or_throw(const std::vector<std::string>& args);

  const std::string& get(const std::string& name) const;
  int get_int(const std::string& name) const;  // exits 2 when not an integer
  // The secret in the file the flag `name` names, its trailing newline and blanks cut; "" when
  // the flag is not given. Exits 2 naming the flag (never the secret) when the file cannot be
  // read or holds fewer than `min_bytes`. `what` says what it is: "JWT secret".
  std::string secret_file(const std::string& name, const std::string& what, std::size_t min_bytes = 1) const;
  bool on(const std::string& name) const;      // toggles
  const std::vector<std::string>& all(const std::string& name) const;  // repeated flags
  const std::vector<std::string>& positional() const { return positional_; }
  std::string usage() const;
  // exit_with_usage_error under this program's name.
  [[noreturn]] void usage_error(const std::string& reason) const;

 private:
  struct Spec {
    std::string help, default_value, env;
    enum Kind { value, required_value, repeat, boolean } kind = value;
  };
  [[noreturn]] void fail(const std::string& reason) const;
  std::string program_, summary_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::string positional_name_, positional_help_;  // empty name: none taken
  std::vector<std::string> positional_;
};

}  // namespace mcph::cli
