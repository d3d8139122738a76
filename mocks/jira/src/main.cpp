// mock-jira --secrets fixtures/secrets.json [--data fixtures/backends/jira-data.json] [--port N]
// A stand-in for the Jira Cloud REST API v3 subset of the demo, checking HTTP Basic
// credentials against the secrets file and keeping a ledger at /_ledger.
#include "jira_api.h"
#include "mcph/mock_backend/run.h"

int main(int argc, char** argv) {
  using namespace mcph;
  mock_backend::MockProgram program;
  program.name = "mock-jira";
  program.summary = "A stand-in for the Jira Cloud REST API v3 subset of the demo; keeps a ledger at /_ledger.";
  program.service = mock_backend::Service::jira;
  program.default_data_path = MCPH_DEFAULT_DATA;
  program.error_formatter = mock_jira::jira_error_formatter();
  program.unauthorized = mock_jira::jira_unauthorized;
  return mock_backend::run<mock_jira::JiraApi>(argc, argv, program);
}
