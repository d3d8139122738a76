#include "mcph/harness/stack/process_state.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "mcph/proc/poll_until.h"

namespace mcph::harness::stack {
namespace {

struct ProcStat {
  char state = '?';
  pid_t pgrp = 0;
  std::uint64_t start_ticks = 0;
};

// /proc/<pid>/stat is "pid (comm) state ppid pgrp … starttime …"; comm may hold spaces and
// parentheses, so the fields are counted from the last ')'.
std::optional<ProcStat> read_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  ProcStat stat;
  std::string field;
  // Fields 3 (state) to 22 (starttime).
  int index = 3;
  try {
    for (; index <= 22 && fields >> field; ++index) {
      if (index == 3) stat.state = field.empty() ? '?' : field[0];
      if (index == 5) stat.pgrp = static_cast<pid_t>(std::stol(field));
      if (index == 22) stat.start_ticks = std::stoull(field);
    }
  } catch (const std::exception&) {
    return std::nullopt;  // not the format proc(5) describes
  }
  if (index <= 22) return std::nullopt;
  return stat;
}

bool running_state(char state) { return state != 'Z' && state != 'X' && state != 'x'; }

}  // namespace

bool process_alive(pid_t pid) {
  const auto stat = read_stat(pid);
  return stat && running_state(stat->state);
}

std::optional<std::uint64_t> process_start_ticks(pid_t pid) {
  const auto stat = read_stat(pid);
  if (!stat) return std::nullopt;
  return stat->start_ticks;
}

bool process_is(pid_t pid, std::uint64_t start_ticks) {
  const auto stat = read_stat(pid);
  return stat && running_state(stat->state) && (start_ticks == 0 || stat->start_ticks == start_ticks);
}

bool service_process_alive(pid_t pid, std::uint64_t not_before) {
  const auto stat = read_stat(pid);
  return stat && running_state(stat->state) && stat->pgrp == pid && stat->start_ticks >= not_before;
}

bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout) {
  return proc::poll_until([&] { return !process_alive(pid); }, timeout);
}

}  // namespace mcph::harness::stack
