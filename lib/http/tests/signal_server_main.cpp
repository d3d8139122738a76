// A minimal server for the serve_until_signal tests: GET /ping answers "pong <url>", the URL
// that serve_until_signal's on_started learned once the port was bound (as the MCP servers
// learn their resource URL), read by the handlers' threads.
#include <string>

#include "mcph/http/server.h"

int main() {
  mcph::http::ServerOptions options;
  options.name = "signal-server";
  mcph::http::Server server(options);
  std::string own_url;
  server.route("GET", "/ping", [&own_url](const mcph::http::Request&, mcph::http::Response& res) {
    res.body = "pong " + own_url;
  });
  return mcph::http::serve_until_signal(server, [&] { own_url = server.url(); });
}
