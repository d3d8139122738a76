#include "mcph/proc/listen_overflows.h"

#include <fstream>
#include <sstream>
#include <string>

namespace mcph::proc {

std::int64_t listen_overflows() {
  // Two lines per group: "TcpExt: name name …" then "TcpExt: value value …".
  std::ifstream netstat("/proc/net/netstat");
  std::string names, values;
  while (std::getline(netstat, names) && std::getline(netstat, values)) {
    if (names.rfind("TcpExt:", 0) != 0) continue;
    std::istringstream name_stream(names), value_stream(values);
    std::string name, value;
    while (name_stream >> name && value_stream >> value) {
      if (name == "ListenOverflows") return std::stoll(value);
    }
  }
  return -1;
}

}  // namespace mcph::proc
