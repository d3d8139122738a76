#pragma once
// The GitHub REST API subset of the original demo, in GitHub's JSON shapes:
//   GET /user   GET|POST /user/repos   GET /repos/{owner}/{repo}
//   GET|POST /repos/{owner}/{repo}/issues   GET|PATCH /repos/{owner}/{repo}/issues/{number}
// /user/repos lists the repositories the user whose token was presented owns or collaborates on
// (the demo's user/repo1 and user/repo2 are shared with alice and bob); a private repository
// answers 404 to anyone else, as GitHub does. Data comes from
// fixtures/backends/github-data.json; created items live in memory.
#include <memory>
#include <string_view>

#include "mcph/http/server.h"
#include "mcph/mock_backend/backend.h"

namespace mcph::mock_github {

class GithubApi {
 public:
  // Throws std::runtime_error when the data is not of the documented shape.
  explicit GithubApi(std::string_view data_json);
  ~GithubApi();
  GithubApi(const GithubApi&) = delete;
  GithubApi& operator=(const GithubApi&) = delete;

  void mount(mock_backend::Backend& backend);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// {"message": …, "documentation_url": "https://docs.github.com/rest", "status": "<code>"}
http::ErrorFormatter github_error_formatter();
// 401 "Requires authentication" (no credential) or "Bad credentials" (unknown one).
void github_unauthorized(const mock_backend::Identification& who, http::Response& res);

}  // namespace mcph::mock_github
