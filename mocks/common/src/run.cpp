#include "mcph/mock_backend/run.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mcph/cli/flags.h"

namespace mcph::mock_backend {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

http::ServerOptions server_options(const MockProgram& program, const MockOptions& options) {
  http::ServerOptions server;
  server.name = program.name;
  server.host = options.host;
  server.port = options.port;
  server.error_formatter = program.error_formatter;
  return server;
}

MockOptions parse_mock_options(int argc, char** argv, const std::string& program, const std::string& summary,
                               const std::string& default_data_path) {
  cli::Flags flags(program, summary);
  flags.required("secrets", "the users' backend credentials, e.g. fixtures/secrets.json")
      .option("data", default_data_path, "the API's data")
      .option("port", "0", "TCP port (0 = any free port)")
      .option("host", "127.0.0.1", "address to listen on");
  flags.parse(argc, argv);
  MockOptions options;
  options.secrets_path = flags.get("secrets");
  options.data_path = flags.get("data");
  options.host = flags.get("host");
  options.port = flags.get_int("port");
  if (options.port < 0 || options.port > 65535) {
    flags.usage_error("--port must be 0..65535");
  }
  return options;
}

}  // namespace mcph::mock_backend
