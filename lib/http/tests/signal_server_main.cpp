// A minimal server for the serve_until_signal test: GET /ping answers "pong".
#include "mcph/http/server.h"

int main() {
  mcph::http::ServerOptions options;
  options.name = "signal-server";
  mcph::http::Server server(options);
  server.route("GET", "/ping", [](const mcph::http::Request&, mcph::http::Response& res) { res.body = "pong"; });
  return mcph::http::serve_until_signal(server);
}
