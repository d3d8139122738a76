#pragma once
// The main() of a mock backend (mock-jira, mock-github): what differs between them is the
// program's name, whose credentials it accepts, its data and its API.
#include <cstdio>
#include <exception>
#include <string>

#include "mcph/http/server.h"
#include "mcph/mock_backend/backend.h"

namespace mcph::mock_backend {

// Command line of the mock binaries: --secrets FILE [--data FILE] [--port N] [--host H].
struct MockOptions {
  std::string secrets_path;
  std::string data_path;
  std::string host = "127.0.0.1";
  int port = 0;
};
// --data defaults to `default_data_path` (the fixture in the source tree). --help prints the
// usage with `summary` and exits 0; bad arguments exit 2 with the reason.
MockOptions parse_mock_options(int argc, char** argv, const std::string& program, const std::string& summary,
                               const std::string& default_data_path);
std::string read_file(const std::string& path);  // throws std::runtime_error naming the path

struct MockProgram {
  std::string name;               // "mock-jira": the program's and the log's name
  std::string summary;            // for --help
  Service service = Service::jira;
  std::string default_data_path;  // --data when not given
  http::ErrorFormatter error_formatter;
  Unauthorized unauthorized;
};

http::ServerOptions server_options(const MockProgram& program, const MockOptions& options);

// Parses the command line, builds `Api` from the data file's text (it has
// `void mount(Backend&)`), and serves until SIGTERM/SIGINT. Returns the exit code: 1 when the
// data or secrets cannot be loaded or the port cannot be bound.
template <class Api>
int run(int argc, char** argv, const MockProgram& program) {
  const MockOptions options =
      parse_mock_options(argc, argv, program.name, program.summary, program.default_data_path);
  try {
    http::Server server(server_options(program, options));
    Api api(read_file(options.data_path));
    CredentialFile credentials(options.secrets_path, program.service);
    Backend backend(server, credentials, program.unauthorized);
    api.mount(backend);
    return http::serve_until_signal(server);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.name.c_str(), e.what());
    return 1;
  }
}

}  // namespace mcph::mock_backend
