#pragma once
// The Jira Cloud REST API v3 subset of the original demo, in Jira's JSON shapes:
//   GET  /rest/api/3/search?jql=…&startAt=…&maxResults=…
//   GET|PUT|DELETE /rest/api/3/issue/{issueIdOrKey}     POST /rest/api/3/issue
//   GET  /rest/api/3/project   GET /rest/api/3/project/{projectIdOrKey}   GET /rest/api/3/myself
// Data comes from fixtures/backends/jira-data.json; created and edited issues live in memory.
#include <memory>
#include <string_view>

#include "mcph/http/server.h"
#include "mcph/mock_backend/backend.h"

namespace mcph::mock_jira {

class JiraApi {
 public:
  // Throws std::runtime_error when the data is not of the documented shape.
  explicit JiraApi(std::string_view data_json);
  ~JiraApi();
  JiraApi(const JiraApi&) = delete;
  JiraApi& operator=(const JiraApi&) = delete;

  void mount(mock_backend::Backend& backend);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// {"errorMessages":[message],"errors":{}}
http::ErrorFormatter jira_error_formatter();
// 401 {"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}
void jira_unauthorized(const mock_backend::Identification& who, http::Response& res);

}  // namespace mcph::mock_jira
