#include "mcph/cli/flags.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mcph/text/line_end.h"

namespace mcph::cli {

int print_usage_error(const std::string& program, const std::string& reason) {
  std::fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program.c_str(), reason.c_str(), program.c_str());
  return 2;
}

void exit_with_usage_error(const std::string& program, const std::string& reason) {
  std::exit(print_usage_error(program, reason));
}

Flags::Flags(std::string program, std::string summary) : program_(std::move(program)), summary_(std::move(summary)) {}

Flags& Flags::option(const std::string& name, const std::string& default_value, const std::string& help,
                     const std::string& env) {
  order_.push_back(name);
  specs_[name] = Spec{help, default_value, env, Spec::value};
  return *this;
}

Flags& Flags::required(const std::string& name, const std::string& help, const std::string& env) {
  order_.push_back(name);
  specs_[name] = Spec{help, {}, env, Spec::required_value};
  return *this;
}

Flags& Flags::repeated(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{help, {}, {}, Spec::repeat};
  return *this;
}

Flags& Flags::toggle(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{help, {}, {}, Spec::boolean};
  return *this;
}

Flags& Flags::positionals(const std::string& name, const std::string& help) {
  positional_name_ = name;
  positional_help_ = help;
  return *this;
}

std::string Flags::usage() const {
  const std::string positional = positional_name_.empty() ? "" : " [" + positional_name_ + "...]";
  std::string text = "Usage: " + program_ + positional + " [flags]\n" + summary_ + "\n\n";
  if (!positional_name_.empty()) {
    std::string left = "  " + positional_name_ + "...";
    if (left.size() < 30) left.resize(30, ' ');
    text += "Arguments:\n" + left + " " + positional_help_ + "\n\n";
  }
  text += "Flags:\n";
  const auto flag_column = [](std::string left) {  // the help texts start in one column
    if (left.size() < 30) left.resize(30, ' ');
    return left + " ";
  };
  for (const auto& name : order_) {
    const Spec& spec = specs_.at(name);
    text += flag_column("  --" + name + (spec.kind == Spec::boolean ? "" : " VALUE")) + spec.help;
    if (spec.kind == Spec::required_value) text += " (required)";
    if (spec.kind == Spec::repeat) text += " (repeatable)";
    if (!spec.default_value.empty()) text += " [default: " + spec.default_value + "]";
    if (!spec.env.empty()) text += " [env: " + spec.env + "]";
    text += "\n";
  }
  text += flag_column("  --help") + "show this help and exit\n";
  return text;
}

void Flags::fail(const std::string& reason) const { throw std::invalid_argument(reason); }

void Flags::usage_error(const std::string& reason) const { exit_with_usage_error(program_, reason); }

void Flags::parse_or_throw(const std::vector<std::string>& args) {
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool is_flag = !flags_ended && arg.rfind("--", 0) == 0 && arg.size() > 2;
    if (!flags_ended && arg == "--") {
      flags_ended = true;
      continue;
    }
    if (!is_flag) {
      if (positional_name_.empty()) fail("unexpected argument '" + arg + "'");
      if (!flags_ended && arg.size() > 1 && arg[0] == '-') fail("unknown flag " + arg + " (flags start with --)");
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    auto it = specs_.find(name);
    if (it == specs_.end()) fail("unknown flag --" + name);
    if (it->second.kind == Spec::boolean) {
      if (has_value && value != "true" && value != "false") fail("--" + name + " takes no value");
      values_[name] = has_value ? value : "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) fail("--" + name + " needs a value");
      value = args[++i];
    }
    if (it->second.kind == Spec::repeat) {
      lists_[name].push_back(value);
    } else {
      values_[name] = value;
    }
  }
  for (const auto& [name, spec] : specs_) {
    if (values_.count(name) || spec.kind == Spec::repeat) continue;
    if (!spec.env.empty()) {
      if (const char* env = std::getenv(spec.env.c_str()); env && *env) {
        values_[name] = env;
        continue;
      }
    }
    if (spec.kind == Spec::required_value) fail("--" + name + " is required");
    values_[name] = spec.kind == Spec::boolean ? "false" : spec.default_value;
  }
}

void Flags::parse(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage().c_str(), stdout);
      std::exit(0);
    }
  }
  try {
    parse_or_throw(args);
  } catch (const std::invalid_argument& e) {
    usage_error(e.what());
  }
}

const std::string& Flags::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("flag --" + name + " was not declared or parsed");
  return it->second;
}

std::string Flags::secret_file(const std::string& name, const std::string& what, std::size_t min_bytes) const {
  const std::string& path = get(name);
  if (path.empty()) return "";
  const auto refuse = [&](const std::string& why) { usage_error("--" + name + ": " + why); };
  std::ifstream in(path);
  if (!in) refuse("cannot read the " + what + " file " + path);
  std::stringstream content;
  content << in.rdbuf();
  std::string secret = text::without_line_end(content.str());
  if (secret.empty()) refuse("the " + what + " file " + path + " is empty");
  if (secret.size() < min_bytes) {
    refuse("the " + what + " file " + path + " holds " + std::to_string(secret.size()) + " bytes; at least " +
           std::to_string(min_bytes) + " are needed");
  }
  return secret;
}

int Flags::get_int(const std::string& name) const {
  const std::string& text = get(name);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    usage_error("--" + name + " must be an integer, got '" + text + "'");
  }
  return value;
}

bool Flags::on(const std::string& name) const { return get(name) == "true"; }

const std::vector<std::string>& Flags::all(const std::string& name) const {
  static const std::vector<std::string> none;
  auto it = lists_.find(name);
  return it == lists_.end() ? none : it->second;
}

}  // namespace mcph::cli
