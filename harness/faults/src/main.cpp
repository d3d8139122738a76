// mcp-fault-proxy: named TCP proxies with toxics, driven over Toxiproxy's HTTP API (see
// mcph/harness/faults/fault_api.h). Prints `listening http://127.0.0.1:PORT` (the API) once ready and
// stops cleanly on SIGTERM or SIGINT, closing every proxied connection.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "mcph/cli/flags.h"
#include "mcph/harness/faults/fault_api.h"
#include "mcph/harness/faults/fault_proxy.h"
#include "mcph/http/server.h"

int main(int argc, char** argv) {
  mcph::cli::Flags flags("mcp-fault-proxy",
                         "TCP proxies on loopback with toxics (latency, bandwidth, slicer, timeout, reset_peer,\n"
                         "slow_close, limit_data, down), driven over Toxiproxy's HTTP API.");
  flags.option("port", "0", "the API's port on 127.0.0.1 (0 = any free port; Toxiproxy's is 8474)")
      .option("config", "", "a JSON file of proxies to create at start ([{name, listen, upstream}, …])");
  flags.parse(argc, argv);

  std::string config;
  if (const std::string& path = flags.get("config"); !path.empty()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "mcp-fault-proxy: cannot read %s\n", path.c_str());
      return 2;
    }
    config = text.str();
  }
  mcph::harness::faults::FaultProxy proxies;
  mcph::http::ServerOptions options;
  options.name = "fault-proxy";
  options.port = flags.get_int("port");
  options.error_formatter = mcph::harness::faults::toxiproxy_error;
  mcph::http::Server api(options);
  mcph::harness::faults::mount_fault_api(proxies, api);
  try {
    // The configured proxies start once SIGTERM and SIGINT are blocked (their threads inherit
    // that), before the listening line.
    return mcph::http::serve_until_signal(api, [&] {
      if (!config.empty()) mcph::harness::faults::populate(proxies, config);
    });
  } catch (const mcph::harness::faults::FaultError& e) {
    std::fprintf(stderr, "mcp-fault-proxy: %s: %s\n", flags.get("config").c_str(), e.what());
    return 2;
  }
}
