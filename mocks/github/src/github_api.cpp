#include "github_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <vector>

#include "mcph/text/ascii_case.h"

namespace mcph::mock_github {

using nlohmann::json;
using mock_backend::Caller;

namespace {

constexpr const char* kDocs = "https://docs.github.com/rest";

void error_body(http::Response& res, int status, const std::string& message, json errors = nullptr) {
  json body{{"message", message}, {"documentation_url", kDocs}, {"status", std::to_string(status)}};
  if (!errors.is_null()) body["errors"] = std::move(errors);
  res.set_json(status, body.dump());
}

[[noreturn]] void fail(int status, const std::string& message) { throw http::HttpError(status, message); }

std::string now_github() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string text_of(const json& value, const char* name) {
  auto it = value.find(name);
  return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Repo {
  long id = 0;
  std::string owner, name, description, created_at, updated_at;
  std::vector<std::string> collaborators;  // logins besides the owner who may see and list it
  bool is_private = false;
  long stargazers = 0, forks = 0;
  std::string full_name() const { return owner + "/" + name; }
  // Owned by or shared with `login`: what GET /user/repos lists (GitHub's default affiliation,
  // owner and collaborator) and what a private repository shows to.
  bool affiliated(const std::string& login) const {
    return text::ascii_iequals(owner, login) ||
           std::any_of(collaborators.begin(), collaborators.end(),
                       [&](const std::string& c) { return text::ascii_iequals(c, login); });
  }
};
struct Issue {
  long id = 0, number = 0;
  std::string repo, title, body, state, user, created_at, updated_at, closed_at;
  std::vector<std::string> labels;
};

}  // namespace

struct GithubApi::Impl {
  mutable std::mutex mutex;
  std::vector<Repo> repos;
  std::vector<Issue> issues;
  std::map<std::string, long> user_ids;  // login → id
  long next_repo_id = 700000;
  long next_issue_id = 800000;

  // ---- lookups (callers hold the mutex) ----------------------------------------------------

  long user_id(const std::string& login) {
    auto [it, added] = user_ids.emplace(login, 9100000 + static_cast<long>(user_ids.size()) + 1);
    return it->second;
  }
  long user_id_of(const std::string& login) const {
    auto it = user_ids.find(login);
    return it == user_ids.end() ? 0 : it->second;
  }
  // The repository named by the path, or 404: unknown, or private and not the caller's.
  Repo& visible_repo(const std::string& owner, const std::string& name, const Caller& caller) {
    for (auto& r : repos) {
      if (text::ascii_iequals(r.owner, owner) && text::ascii_iequals(r.name, name)) {
        if (r.is_private && !r.affiliated(caller.login)) break;
        return r;
      }
    }
    fail(404, "Not Found");
  }

  // ---- rendering -------------------------------------------------------------------------

  static std::string base_url(const http::Request& req) { return "http://" + req.header("Host"); }

  json user_json(const std::string& login, const std::string& base) const {
    return {{"login", login}, {"id", user_id_of(login)}, {"type", "User"}, {"site_admin", false},
            {"url", base + "/users/" + login}, {"html_url", "https://github.com/" + login}};
  }

  json repo_json(const Repo& r, const std::string& base) const {
    long open_issues = 0;
    for (const auto& i : issues) open_issues += (i.repo == r.full_name() && i.state == "open") ? 1 : 0;
    const std::string url = base + "/repos/" + r.full_name();
    return {{"id", r.id}, {"name", r.name}, {"full_name", r.full_name()}, {"private", r.is_private},
            {"owner", user_json(r.owner, base)}, {"html_url", "https://github.com/" + r.full_name()},
            {"description", r.description.empty() ? json(nullptr) : json(r.description)}, {"fork", false},
            {"url", url}, {"issues_url", url + "/issues{/number}"}, {"created_at", r.created_at},
            {"updated_at", r.updated_at}, {"pushed_at", r.updated_at}, {"stargazers_count", r.stargazers},
            {"watchers_count", r.stargazers}, {"forks_count", r.forks}, {"open_issues_count", open_issues},
            {"default_branch", "main"}, {"visibility", r.is_private ? "private" : "public"}};
  }

  json issue_json(const Issue& i, const std::string& base) const {
    const std::string repo_url = base + "/repos/" + i.repo;
    json labels = json::array();
    for (const auto& name : i.labels) labels.push_back({{"name", name}});
    return {{"id", i.id}, {"url", repo_url + "/issues/" + std::to_string(i.number)},
            {"repository_url", repo_url}, {"html_url", "https://github.com/" + i.repo + "/issues/" + std::to_string(i.number)},
            {"number", i.number}, {"state", i.state}, {"title", i.title},
            {"body", i.body.empty() ? json(nullptr) : json(i.body)}, {"user", user_json(i.user, base)},
            {"labels", std::move(labels)}, {"assignee", nullptr}, {"assignees", json::array()}, {"comments", 0},
            {"created_at", i.created_at}, {"updated_at", i.updated_at},
            {"closed_at", i.closed_at.empty() ? json(nullptr) : json(i.closed_at)}, {"author_association", "OWNER"}};
  }

  // ---- handlers --------------------------------------------------------------------------

  static json parse_body(const http::Request& req) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) fail(400, "Problems parsing JSON");
    return body;
  }

  // GitHub's answer to a missing required field.
  static void invalid_request(http::Response& res, const std::string& field) {
    error_body(res, 422, "Invalid request.\n\n\"" + field + "\" wasn't supplied.");
  }

  void me(const http::Request& req, http::Response& res, const Caller& caller) {
    std::lock_guard lock(mutex);
    user_id(caller.login);
    json user = user_json(caller.login, base_url(req));
    user["name"] = caller.user;
    res.set_json(200, user.dump());
  }

  void my_repos(const http::Request& req, http::Response& res, const Caller& caller) const {
    std::lock_guard lock(mutex);
    json out = json::array();
    for (const auto& r : repos) {
      if (r.affiliated(caller.login)) out.push_back(repo_json(r, base_url(req)));
    }
    res.set_json(200, out.dump());
  }

  void create_repo(const http::Request& req, http::Response& res, const Caller& caller) {
    const json body = parse_body(req);
    const std::string name = text_of(body, "name");
    if (name.empty()) {
      invalid_request(res, "name");
      return;
    }
    std::lock_guard lock(mutex);
    for (const auto& r : repos) {
      if (text::ascii_iequals(r.owner, caller.login) && text::ascii_iequals(r.name, name)) {
        error_body(res, 422, "Repository creation failed.",
                   json::array({{{"resource", "Repository"}, {"code", "custom"}, {"field", "name"},
                                 {"message", "name already exists on this account"}}}));
        return;
      }
    }
    Repo r;
    r.id = ++next_repo_id;
    r.owner = caller.login;
    user_id(caller.login);
    r.name = name;
    r.description = text_of(body, "description");
    r.is_private = body.value("private", false);
    r.created_at = r.updated_at = now_github();
    repos.push_back(r);
    res.set_json(201, repo_json(r, base_url(req)).dump());
  }

  void get_repo(const http::Request& req, http::Response& res, const Caller& caller) {
    std::lock_guard lock(mutex);
    const Repo& r = visible_repo(req.captures.at(0), req.captures.at(1), caller);
    res.set_json(200, repo_json(r, base_url(req)).dump());
  }

  void list_issues(const http::Request& req, http::Response& res, const Caller& caller) {
    const std::string state = req.query_param("state").value_or("open");
    if (state != "open" && state != "closed" && state != "all") {
      error_body(res, 422, "Validation Failed",
                 json::array({{{"value", state}, {"resource", "Issue"}, {"field", "state"}, {"code", "invalid"}}}));
      return;
    }
    std::lock_guard lock(mutex);
    const Repo& r = visible_repo(req.captures.at(0), req.captures.at(1), caller);
    json out = json::array();
    // Newest first, as GitHub sorts by default (created, descending).
    for (auto it = issues.rbegin(); it != issues.rend(); ++it) {
      if (it->repo == r.full_name() && (state == "all" || it->state == state)) {
        out.push_back(issue_json(*it, base_url(req)));
      }
    }
    res.set_json(200, out.dump());
  }

  void create_issue(const http::Request& req, http::Response& res, const Caller& caller) {
    const json body = parse_body(req);
    std::lock_guard lock(mutex);
    const Repo& r = visible_repo(req.captures.at(0), req.captures.at(1), caller);
    const std::string title = text_of(body, "title");
    if (title.empty()) {
      invalid_request(res, "title");
      return;
    }
    Issue i;
    i.id = ++next_issue_id;
    for (const auto& other : issues) i.number = std::max(i.number, other.repo == r.full_name() ? other.number : 0);
    ++i.number;
    i.repo = r.full_name();
    i.title = title;
    i.body = text_of(body, "body");
    i.state = "open";
    i.user = caller.login;
    user_id(caller.login);
    if (auto labels = body.find("labels"); labels != body.end() && labels->is_array()) {
      for (const auto& label : *labels) {
        if (label.is_string()) i.labels.push_back(label.get<std::string>());
      }
    }
    i.created_at = i.updated_at = now_github();
    issues.push_back(i);
    res.set_json(201, issue_json(i, base_url(req)).dump());
  }

  Issue& issue_in(const Repo& r, const std::string& number) {
    for (auto& i : issues) {
      if (i.repo == r.full_name() && std::to_string(i.number) == number) return i;
    }
    fail(404, "Not Found");
  }

  void get_issue(const http::Request& req, http::Response& res, const Caller& caller) {
    std::lock_guard lock(mutex);
    const Repo& r = visible_repo(req.captures.at(0), req.captures.at(1), caller);
    res.set_json(200, issue_json(issue_in(r, req.captures.at(2)), base_url(req)).dump());
  }

  void edit_issue(const http::Request& req, http::Response& res, const Caller& caller) {
    const json body = parse_body(req);
    std::lock_guard lock(mutex);
    const Repo& r = visible_repo(req.captures.at(0), req.captures.at(1), caller);
    Issue& i = issue_in(r, req.captures.at(2));
    if (auto state = body.find("state"); state != body.end()) {
      if (!state->is_string() || (*state != "open" && *state != "closed")) {
        error_body(res, 422, "Validation Failed",
                   json::array({{{"resource", "Issue"}, {"field", "state"}, {"code", "invalid"}}}));
        return;
      }
      i.state = state->get<std::string>();
      i.closed_at = i.state == "closed" ? now_github() : "";
    }
    if (auto title = text_of(body, "title"); !title.empty()) i.title = title;
    if (body.contains("body")) i.body = text_of(body, "body");
    i.updated_at = now_github();
    res.set_json(200, issue_json(i, base_url(req)).dump());
  }
};

GithubApi::GithubApi(std::string_view data_json) : impl_(std::make_unique<Impl>()) {
  const json data = json::parse(data_json, nullptr, false);
  if (!data.is_object()) throw std::runtime_error("GitHub data must be a JSON object");
  try {
    for (const auto& r : data.at("repos")) {
      Repo repo;
      repo.id = r.at("id");
      repo.owner = r.at("owner");
      repo.name = r.at("name");
      repo.is_private = r.value("private", false);
      repo.description = r.value("description", "");
      repo.stargazers = r.value("stargazers_count", 0L);
      repo.forks = r.value("forks_count", 0L);
      repo.created_at = r.value("created_at", "");
      repo.updated_at = r.value("updated_at", repo.created_at);
      repo.collaborators = r.value("collaborators", std::vector<std::string>{});
      if (r.contains("owner_id")) impl_->user_ids[repo.owner] = r["owner_id"].get<long>();
      impl_->next_repo_id = std::max(impl_->next_repo_id, repo.id);
      impl_->repos.push_back(std::move(repo));
    }
    for (const auto& i : data.at("issues")) {
      Issue issue;
      issue.id = i.at("id");
      issue.repo = i.at("repo");
      issue.number = i.at("number");
      issue.title = i.at("title");
      issue.body = i.value("body", "");
      issue.state = i.value("state", "open");
      issue.user = i.at("user");
      issue.created_at = i.value("created_at", "");
      issue.updated_at = i.value("updated_at", issue.created_at);
      if (issue.state == "closed") issue.closed_at = issue.updated_at;
      impl_->next_issue_id = std::max(impl_->next_issue_id, issue.id);
      impl_->issues.push_back(std::move(issue));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("GitHub data is malformed: ") + e.what());
  }
  for (const auto& i : impl_->issues) impl_->user_id(i.user);
}

GithubApi::~GithubApi() = default;

void GithubApi::mount(mock_backend::Backend& backend) {
  Impl* impl = impl_.get();
  const std::string repo = "/repos/([^/]+)/([^/]+)";
  auto bind = [impl](void (Impl::*method)(const http::Request&, http::Response&, const Caller&)) {
    return [impl, method](const http::Request& req, http::Response& res, const Caller& c) { (impl->*method)(req, res, c); };
  };
  backend.route("GET", "/user", "/user", bind(&Impl::me));
  backend.route("GET", "/user/repos", "/user/repos",
                [impl](const http::Request& req, http::Response& res, const Caller& c) { impl->my_repos(req, res, c); });
  backend.route("POST", "/user/repos", "/user/repos", bind(&Impl::create_repo));
  backend.route("GET", repo, "/repos/{owner}/{repo}", bind(&Impl::get_repo));
  backend.route("GET", repo + "/issues", "/repos/{owner}/{repo}/issues", bind(&Impl::list_issues));
  backend.route("POST", repo + "/issues", "/repos/{owner}/{repo}/issues", bind(&Impl::create_issue));
  backend.route("GET", repo + "/issues/([0-9]+)", "/repos/{owner}/{repo}/issues/{issue_number}", bind(&Impl::get_issue));
  backend.route("PATCH", repo + "/issues/([0-9]+)", "/repos/{owner}/{repo}/issues/{issue_number}",
                bind(&Impl::edit_issue));
}

http::ErrorFormatter github_error_formatter() {
  return [](int status, std::string_view message, http::Response& res) {
    error_body(res, status, status == 404 ? "Not Found" : std::string(message));
  };
}

void github_unauthorized(const mock_backend::Identification& who, http::Response& res) {
  error_body(res, 401, who.user == "none" ? "Requires authentication" : "Bad credentials");
}

}  // namespace mcph::mock_github
