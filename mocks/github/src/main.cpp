// mock-github --secrets fixtures/secrets.json [--data fixtures/backends/github-data.json] [--port N]
// A stand-in for the GitHub REST API subset of the demo, checking Bearer/token credentials
// against the secrets file and keeping a ledger at /_ledger.
#include "github_api.h"
#include "mcph/mock_backend/run.h"

int main(int argc, char** argv) {
  using namespace mcph;
  mock_backend::MockProgram program;
  program.name = "mock-github";
  program.summary = "A stand-in for the GitHub REST API subset of the demo; keeps a ledger at /_ledger.";
  program.service = mock_backend::Service::github;
  program.default_data_path = MCPH_DEFAULT_DATA;
  program.error_formatter = mock_github::github_error_formatter();
  program.unauthorized = mock_github::github_unauthorized;
  return mock_backend::run<mock_github::GithubApi>(argc, argv, program);
}
