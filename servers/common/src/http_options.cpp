#include "mcph/servers/http_options.h"

namespace mcph::servers {

http::ServerOptions http_options_of(const std::string& name, const cli::Flags& flags) {
  http::ServerOptions options;
  options.name = name;
  options.port = flags.get_int("port");
  options.host = flags.get("host");
  options.run_slots = options.threads;
  return options;
}

}  // namespace mcph::servers
