#include "mcph/bench/cpu_idle.h"

#include <optional>
#include <utility>
#include <vector>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/text/join.h"
#include "mcph/text/line_end.h"

namespace mcph::bench {

std::string cpu_idle_state(const std::filesystem::path& sys_root) {
  const std::vector<std::pair<std::string, std::filesystem::path>> facts = {
      {"driver", "devices/system/cpu/cpuidle/current_driver"},
      {"governor", "devices/system/cpu/cpuidle/current_governor_ro"},
      {"guest_halt_poll_ns", "module/haltpoll/parameters/guest_halt_poll_ns"},
  };
  std::vector<std::string> said;
  for (const auto& [name, file] : facts) {
    const std::optional<std::string> content = harness::fixtures::read_text_file(sys_root / file);
    if (!content) continue;
    if (const std::string value = text::without_line_end(*content); !value.empty()) said.push_back(name + " " + value);
  }
  return text::join(said, ", ");
}

}  // namespace mcph::bench
