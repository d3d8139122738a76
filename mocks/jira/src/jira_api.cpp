#include "jira_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "jql.h"
#include "mcph/text/ascii_case.h"

namespace mcph::mock_jira {

using nlohmann::json;
using mock_backend::Caller;

namespace {

void error_body(http::Response& res, int status, json messages, json errors = json::object()) {
  res.set_json(status, json{{"errorMessages", std::move(messages)}, {"errors", std::move(errors)}}.dump());
}

[[noreturn]] void fail(int status, const std::string& message) { throw http::HttpError(status, message); }

std::string now_jira() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000+0000", &utc);
  return buffer;
}

std::string text_of(const json& value, const char* name) {
  auto it = value.find(name);
  return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Atlassian Document Format: one paragraph per line of plain text.
json to_adf(const std::string& text) {
  if (text.empty()) return nullptr;
  json content = json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    json paragraph{{"type", "paragraph"}, {"content", json::array()}};
    if (!line.empty()) paragraph["content"].push_back({{"type", "text"}, {"text", line}});
    content.push_back(std::move(paragraph));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {{"type", "doc"}, {"version", 1}, {"content", std::move(content)}};
}

// The text of an ADF document (or a plain string), paragraphs joined by newlines.
std::string from_adf(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string out;
  if (!value.is_object()) return out;
  if (value.value("type", "") == "text") return text_of(value, "text");
  if (auto content = value.find("content"); content != value.end() && content->is_array()) {
    for (const auto& child : *content) {
      const std::string text = from_adf(child);
      if (value.value("type", "") == "doc" && !out.empty()) out += "\n";
      out += text;
    }
  }
  return out;
}

struct Project {
  std::string id, key, name, description;
};
struct User {
  std::string name, account_id, display_name;
};
struct Issue {
  std::string id, key, project, issuetype, summary, description, status, assignee, reporter, priority, created,
      updated;
};

struct StatusInfo {
  const char* id;
  const char* category_key;
  int category_id;
  const char* category_name;
  const char* color;
};
StatusInfo status_info(const std::string& status) {
  const std::string s = text::ascii_lower(status);
  if (s == "done" || s == "closed" || s == "resolved") return {"10001", "done", 3, "Done", "green"};
  if (s == "in progress" || s == "in review") return {"3", "indeterminate", 4, "In Progress", "yellow"};
  return {"10000", "new", 2, "To Do", "blue-gray"};
}

}  // namespace

struct JiraApi::Impl {
  mutable std::mutex mutex;
  std::vector<Project> projects;
  std::vector<User> users;
  std::vector<Issue> issues;
  long next_issue_id = 10000;
  // A project's highest issue number ever given: as in Jira, a deleted issue's key is never
  // given again (a client holding it must not reach another issue under it).
  std::map<std::string, long> last_issue_number;

  // ---- lookups (callers hold the mutex) ----------------------------------------------------

  const Project* project(const std::string& id_or_key) const {
    for (const auto& p : projects) {
      if (p.id == id_or_key || text::ascii_iequals(p.key, id_or_key)) return &p;
    }
    return nullptr;
  }
  const User* user(const std::string& name_or_id) const {
    for (const auto& u : users) {
      if (u.name == name_or_id || u.account_id == name_or_id || text::ascii_iequals(u.display_name, name_or_id)) return &u;
    }
    return nullptr;
  }
  Issue* issue(const std::string& id_or_key) {
    for (auto& i : issues) {
      if (i.id == id_or_key || text::ascii_iequals(i.key, id_or_key)) return &i;
    }
    return nullptr;
  }

  // ---- rendering -------------------------------------------------------------------------

  static std::string base_url(const http::Request& req) { return "http://" + req.header("Host"); }

  json user_json(const std::string& name, const std::string& base) const {
    const User* u = user(name);
    if (u == nullptr) return nullptr;
    return {{"self", base + "/rest/api/3/user?accountId=" + u->account_id}, {"accountId", u->account_id},
            {"displayName", u->display_name}, {"active", true}, {"accountType", "atlassian"}};
  }

  json project_json(const Project& p, const std::string& base) const {
    return {{"self", base + "/rest/api/3/project/" + p.id}, {"id", p.id}, {"key", p.key}, {"name", p.name},
            {"description", p.description}, {"projectTypeKey", "software"}, {"simplified", false},
            {"style", "classic"}, {"isPrivate", false}};
  }

  json issue_json(const Issue& i, const std::string& base) const {
    const StatusInfo status = status_info(i.status);
    json project_ref = nullptr;
    if (const Project* p = project(i.project)) {
      project_ref = {{"self", base + "/rest/api/3/project/" + p->id}, {"id", p->id}, {"key", p->key},
                     {"name", p->name}, {"projectTypeKey", "software"}};
    }
    json fields{
        {"summary", i.summary},
        {"description", to_adf(i.description)},
        {"status", {{"self", base + "/rest/api/3/status/" + status.id}, {"name", i.status}, {"id", status.id},
                    {"statusCategory", {{"id", status.category_id}, {"key", status.category_key},
                                        {"name", status.category_name}, {"colorName", status.color}}}}},
        {"project", project_ref},
        {"issuetype", {{"name", i.issuetype}, {"subtask", false}}},
        {"priority", {{"name", i.priority}}},
        {"assignee", i.assignee.empty() ? json(nullptr) : user_json(i.assignee, base)},
        {"reporter", i.reporter.empty() ? json(nullptr) : user_json(i.reporter, base)},
        {"created", i.created},
        {"updated", i.updated}};
    return {{"expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"},
            {"id", i.id}, {"self", base + "/rest/api/3/issue/" + i.id}, {"key", i.key}, {"fields", std::move(fields)}};
  }

  // ---- JQL -------------------------------------------------------------------------------

  // Does `name` (a user name) match a JQL user value (name, account id, display name,
  // currentUser())?
  bool user_matches(const std::string& name, const std::string& value, const Caller& caller) const {
    if (text::ascii_iequals(value, "currentUser()")) return name == caller.user;
    const User* u = user(value);
    return u != nullptr ? u->name == name : text::ascii_iequals(value, name);
  }

  bool clause_holds(const Issue& i, const JqlClause& clause, const Caller& caller) const {
    auto field_value = [&]() -> std::string {
      if (clause.field == "project") return i.project;
      if (clause.field == "key") return i.key;
      if (clause.field == "status") return i.status;
      if (clause.field == "assignee") return i.assignee;
      if (clause.field == "reporter") return i.reporter;
      if (clause.field == "issuetype") return i.issuetype;
      if (clause.field == "priority") return i.priority;
      if (clause.field == "summary") return i.summary;
      if (clause.field == "description") return i.description;
      return i.summary + "\n" + i.description;  // text
    };
    const std::string value = field_value();
    if (clause.op == "is empty") return value.empty();
    if (clause.op == "is not empty") return !value.empty();
    if (clause.op == "~") return text::ascii_lower(value).find(text::ascii_lower(clause.values.front())) != std::string::npos;
    const bool is_user = clause.field == "assignee" || clause.field == "reporter";
    auto equals = [&](const std::string& wanted) {
      if (is_user) return !value.empty() && user_matches(value, wanted, caller);
      if (clause.field == "project") {
        const Project* p = project(wanted);
        return p != nullptr && p->key == value;
      }
      if (clause.field == "key") return text::ascii_iequals(value, wanted) || i.id == wanted;
      return text::ascii_iequals(value, wanted);
    };
    const bool any = std::any_of(clause.values.begin(), clause.values.end(), equals);
    return clause.op == "!=" ? !any : any;
  }

  // ---- handlers --------------------------------------------------------------------------

  void search(const http::Request& req, http::Response& res, const Caller& caller) const {
    JqlQuery query;
    try {
      query = parse_jql(req.query_param("jql").value_or(""));
    } catch (const JqlError& e) {
      error_body(res, 400, json::array({e.what()}));
      return;
    }
    const long start_at = number_param(req, "startAt", 0);
    const long max_results = std::clamp(number_param(req, "maxResults", 50), 0L, 100L);
    const std::string base = base_url(req);
    std::lock_guard lock(mutex);
    std::vector<const Issue*> matches;
    for (const auto& i : issues) {
      if (std::all_of(query.clauses.begin(), query.clauses.end(),
                      [&](const JqlClause& c) { return clause_holds(i, c, caller); })) {
        matches.push_back(&i);
      }
    }
    json page = json::array();
    for (long n = start_at; n < static_cast<long>(matches.size()) && n < start_at + max_results; ++n) {
      page.push_back(issue_json(*matches[static_cast<std::size_t>(n)], base));
    }
    res.set_json(200, json{{"expand", "schema,names"}, {"startAt", start_at}, {"maxResults", max_results},
                           {"total", matches.size()}, {"issues", std::move(page)}}
                          .dump());
  }

  static long number_param(const http::Request& req, const char* name, long fallback) {
    const auto value = req.query_param(name);
    if (!value) return fallback;
    try {
      std::size_t used = 0;
      const long n = std::stol(*value, &used);
      if (used == value->size() && n >= 0) return n;
    } catch (const std::exception&) {
    }
    fail(400, std::string("The value '") + *value + "' is invalid for the " + name + " parameter.");
  }

  static json parse_body(const http::Request& req) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      fail(400, "Invalid request payload. Refer to the REST API documentation and try again.");
    }
    return body;
  }

  void get_issue(const http::Request& req, http::Response& res) {
    std::lock_guard lock(mutex);
    const Issue* i = issue(req.captures.at(0));
    if (i == nullptr) fail(404, "Issue does not exist or you do not have permission to see it.");
    res.set_json(200, issue_json(*i, base_url(req)).dump());
  }

  void create_issue(const http::Request& req, http::Response& res, const Caller& caller) {
    const json body = parse_body(req);
    // The real shape is {"fields":{…}}; the original demo's tools sent the fields flat with
    // "project" as a key string, which is accepted too.
    const json fields = body.contains("fields") && body["fields"].is_object() ? body["fields"] : body;
    std::string project_ref;
    if (auto p = fields.find("project"); p != fields.end()) {
      if (p->is_string()) project_ref = p->get<std::string>();
      else if (p->is_object()) project_ref = !text_of(*p, "key").empty() ? text_of(*p, "key") : text_of(*p, "id");
    }
    std::string issuetype = "Task";
    if (auto t = fields.find("issuetype"); t != fields.end() && t->is_object() && !text_of(*t, "name").empty()) {
      issuetype = text_of(*t, "name");
    }
    const std::string summary = text_of(fields, "summary");
    std::lock_guard lock(mutex);
    const Project* p = project(project_ref);
    json errors = json::object();
    if (p == nullptr) errors["project"] = "Specify a valid project ID or key";
    if (summary.empty()) errors["summary"] = "You must specify a summary of the issue.";
    if (!errors.empty()) {
      error_body(res, 400, json::array(), std::move(errors));
      return;
    }
    Issue i;
    i.id = std::to_string(++next_issue_id);
    i.key = p->key + "-" + std::to_string(++last_issue_number[p->key]);
    i.project = p->key;
    i.issuetype = issuetype;
    i.summary = summary;
    if (auto d = fields.find("description"); d != fields.end()) i.description = from_adf(*d);
    i.status = "To Do";
    i.priority = "Medium";
    i.reporter = caller.user;
    i.created = i.updated = now_jira();
    issues.push_back(i);
    res.set_json(201, json{{"id", i.id}, {"key", i.key}, {"self", base_url(req) + "/rest/api/3/issue/" + i.id}}.dump());
  }

  void edit_issue(const http::Request& req, http::Response& res) {
    const json body = parse_body(req);
    const json fields = body.contains("fields") && body["fields"].is_object() ? body["fields"] : body;
    std::lock_guard lock(mutex);
    Issue* i = issue(req.captures.at(0));
    if (i == nullptr) fail(404, "Issue does not exist or you do not have permission to see it.");
    json errors = json::object();
    if (auto s = fields.find("summary"); s != fields.end()) {
      if (!s->is_string() || s->get<std::string>().empty()) errors["summary"] = "You must specify a summary of the issue.";
    }
    if (auto a = fields.find("assignee"); a != fields.end() && !a->is_null()) {
      const std::string who = a->is_object() ? (!text_of(*a, "accountId").empty() ? text_of(*a, "accountId")
                                                                                   : text_of(*a, "name"))
                                             : std::string();
      if (user(who) == nullptr) errors["assignee"] = "User '" + who + "' does not exist.";
    }
    if (!errors.empty()) {
      error_body(res, 400, json::array(), std::move(errors));
      return;
    }
    if (auto s = fields.find("summary"); s != fields.end()) i->summary = s->get<std::string>();
    if (auto d = fields.find("description"); d != fields.end()) i->description = from_adf(*d);
    if (auto a = fields.find("assignee"); a != fields.end()) {
      i->assignee = a->is_null() ? std::string()
                                 : user(!text_of(*a, "accountId").empty() ? text_of(*a, "accountId") : text_of(*a, "name"))->name;
    }
    // Real Jira changes status through transitions; the demo's mock took it here.
    if (auto s = fields.find("status"); s != fields.end()) {
      if (s->is_string()) i->status = s->get<std::string>();
      else if (s->is_object() && !text_of(*s, "name").empty()) i->status = text_of(*s, "name");
    }
    i->updated = now_jira();
    res.status = 204;
  }

  void delete_issue(const http::Request& req, http::Response& res) {
    std::lock_guard lock(mutex);
    const auto it = std::find_if(issues.begin(), issues.end(), [&](const Issue& i) {
      return i.id == req.captures.at(0) || text::ascii_iequals(i.key, req.captures.at(0));
    });
    if (it == issues.end()) fail(404, "Issue does not exist or you do not have permission to see it.");
    issues.erase(it);
    res.status = 204;
  }

  void list_projects(const http::Request& req, http::Response& res) const {
    std::lock_guard lock(mutex);
    json out = json::array();
    for (const auto& p : projects) out.push_back(project_json(p, base_url(req)));
    res.set_json(200, out.dump());
  }

  void get_project(const http::Request& req, http::Response& res) const {
    std::lock_guard lock(mutex);
    const Project* p = project(req.captures.at(0));
    if (p == nullptr) fail(404, "No project could be found with key '" + req.captures.at(0) + "'.");
    res.set_json(200, project_json(*p, base_url(req)).dump());
  }

  void myself(const http::Request& req, http::Response& res, const Caller& caller) const {
    std::lock_guard lock(mutex);
    json me = user_json(caller.user, base_url(req));
    if (me.is_null()) me = {{"accountId", caller.user}, {"displayName", caller.user}, {"active", true}};
    res.set_json(200, me.dump());
  }
};

JiraApi::JiraApi(std::string_view data_json) : impl_(std::make_unique<Impl>()) {
  const json data = json::parse(data_json, nullptr, false);
  if (!data.is_object()) throw std::runtime_error("Jira data must be a JSON object");
  try {
    for (const auto& p : data.at("projects")) {
      impl_->projects.push_back({p.at("id"), p.at("key"), p.at("name"), p.value("description", "")});
    }
    for (const auto& u : data.value("users", json::array())) {
      impl_->users.push_back({u.at("name"), u.at("accountId"), u.at("displayName")});
    }
    for (const auto& i : data.at("issues")) {
      Issue issue;
      issue.id = i.at("id");
      issue.key = i.at("key");
      issue.project = i.at("project");
      issue.issuetype = i.value("issuetype", "Task");
      issue.summary = i.at("summary");
      issue.description = i.value("description", "");
      issue.status = i.value("status", "To Do");
      issue.assignee = i.contains("assignee") && i["assignee"].is_string() ? i["assignee"].get<std::string>() : "";
      issue.reporter = i.value("reporter", "");
      issue.priority = i.value("priority", "Medium");
      issue.created = i.value("created", "");
      issue.updated = i.value("updated", issue.created);
      impl_->next_issue_id = std::max(impl_->next_issue_id, std::stol(issue.id));
      long& number = impl_->last_issue_number[issue.project];
      number = std::max(number, std::stol(issue.key.substr(issue.project.size() + 1)));
      impl_->issues.push_back(std::move(issue));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("Jira data is malformed: ") + e.what());
  }
}

JiraApi::~JiraApi() = default;

void JiraApi::mount(mock_backend::Backend& backend) {
  Impl* impl = impl_.get();
  const std::string issue = "/rest/api/3/issue/([^/]+)";
  backend.route("GET", "/rest/api/3/search", "/rest/api/3/search",
                [impl](const http::Request& req, http::Response& res, const Caller& c) { impl->search(req, res, c); });
  backend.route("POST", "/rest/api/3/issue", "/rest/api/3/issue",
                [impl](const http::Request& req, http::Response& res, const Caller& c) { impl->create_issue(req, res, c); });
  backend.route("GET", issue, "/rest/api/3/issue/{issueIdOrKey}",
                [impl](const http::Request& req, http::Response& res, const Caller&) { impl->get_issue(req, res); });
  backend.route("PUT", issue, "/rest/api/3/issue/{issueIdOrKey}",
                [impl](const http::Request& req, http::Response& res, const Caller&) { impl->edit_issue(req, res); });
  backend.route("DELETE", issue, "/rest/api/3/issue/{issueIdOrKey}",
                [impl](const http::Request& req, http::Response& res, const Caller&) { impl->delete_issue(req, res); });
  backend.route("GET", "/rest/api/3/project", "/rest/api/3/project",
                [impl](const http::Request& req, http::Response& res, const Caller&) { impl->list_projects(req, res); });
  backend.route("GET", "/rest/api/3/project/([^/]+)", "/rest/api/3/project/{projectIdOrKey}",
                [impl](const http::Request& req, http::Response& res, const Caller&) { impl->get_project(req, res); });
  backend.route("GET", "/rest/api/3/myself", "/rest/api/3/myself",
                [impl](const http::Request& req, http::Response& res, const Caller& c) { impl->myself(req, res, c); });
}

http::ErrorFormatter jira_error_formatter() {
  return [](int status, std::string_view message, http::Response& res) {
    error_body(res, status, json::array({message}));
  };
}

void jira_unauthorized(const mock_backend::Identification&, http::Response& res) {
  error_body(res, 401, json::array({"Client must be authenticated to access this resource."}));
}

}  // namespace mcph::mock_jira
