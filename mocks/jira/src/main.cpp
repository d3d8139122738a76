// mock-jira --secrets fixtures/secrets.json [--data fixtures/backends/jira-data.json] [--port N]
// A stand-in for the Jira Cloud REST API v3 subset of the demo, checking HTTP Basic
// credentials against the secrets file and keeping a ledger at /_ledger.
#include <cstdio>

#include "jira_api.h"

int main(int argc, char** argv) {
  using namespace mcph;
  const auto options = mock_backend::parse_mock_options(argc, argv, "mock-jira", MCPH_DEFAULT_DATA);
  try {
    http::ServerOptions http_options;
    http_options.name = "mock-jira";
    http_options.host = options.host;
    http_options.port = options.port;
    http_options.error_formatter = mock_jira::jira_error_formatter();
    http::Server server(http_options);
    mock_jira::JiraApi api(mock_backend::read_file(options.data_path));
    mock_backend::Backend backend(
        server, mock_backend::CredentialSet::load(options.secrets_path, mock_backend::Service::jira),
        mock_jira::jira_unauthorized);
    api.mount(backend);
    return http::serve_until_signal(server);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mock-jira: %s\n", e.what());
    return 1;
  }
}
