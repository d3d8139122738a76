// mock-github --secrets fixtures/secrets.json [--data fixtures/backends/github-data.json] [--port N]
// A stand-in for the GitHub REST API subset of the demo, checking Bearer/token credentials
// against the secrets file and keeping a ledger at /_ledger.
#include <cstdio>

#include "github_api.h"

int main(int argc, char** argv) {
  using namespace mcph;
  const auto options = mock_backend::parse_mock_options(argc, argv, "mock-github", MCPH_DEFAULT_DATA);
  try {
    http::ServerOptions http_options;
    http_options.name = "mock-github";
    http_options.host = options.host;
    http_options.port = options.port;
    http_options.error_formatter = mock_github::github_error_formatter();
    http::Server server(http_options);
    mock_github::GithubApi api(mock_backend::read_file(options.data_path));
    mock_backend::Backend backend(
        server, mock_backend::CredentialSet::load(options.secrets_path, mock_backend::Service::github),
        mock_github::github_unauthorized);
    api.mount(backend);
    return http::serve_until_signal(server);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mock-github: %s\n", e.what());
    return 1;
  }
}
