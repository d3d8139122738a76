// mcp-conformance-server [--port N] [--host H]
// The conformance fixture tools on the Streamable HTTP transport at /mcp; prints
// "listening http://HOST:PORT" once it serves, stops on SIGTERM/SIGINT.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "conformance_tools.h"

int main(int argc, char** argv) {
  mcph::http::ServerOptions http_options;
  http_options.name = "mcp-conformance-server";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--port" || arg == "--host") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--host") {
        http_options.host = value;
      } else {
        char* end = nullptr;
        const long port = std::strtol(value.c_str(), &end, 10);
        if (end == value.c_str() || *end != '\0' || port < 0 || port > 65535) {
          std::fprintf(stderr, "mcp-conformance-server: bad --port '%s'\n", value.c_str());
          return 2;
        }
        http_options.port = static_cast<int>(port);
      }
    } else {
      std::fprintf(stderr, "usage: mcp-conformance-server [--port N] [--host H]\n");
      return 2;
    }
  }
  mcph::mcp::ServerOptions options;
  options.name = "mcph-conformance-server";
  mcph::mcp::Server mcp(options);
  mcph::mcp::conformance::add_conformance_tools(mcp);
  mcph::mcp::conformance::add_conformance_resources(mcp);
  mcph::http::Server http(http_options);
  mcp.mount(http);
  try {
    return mcph::http::serve_until_signal(http);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcp-conformance-server: %s\n", e.what());
    return 1;
  }
}
