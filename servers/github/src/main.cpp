// github-mcp: an MCP server whose tools reach GitHub with the calling user's own token, read
// from Vault at secret/data/users/<entity>/github.
#include <nlohmann/json.hpp>

#include "mcph/http/url.h"
#include "mcph/mcp/json.h"
#include "mcph/secrets/mask.h"
#include "mcph/servers/backend.h"
#include "mcph/servers/runtime.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;

std::string github_authorization(broker::CredentialBroker& broker, const broker::Principal& who) {
  const auto secret = broker.user_secret(who, "github");
  const auto token = secret ? secret->data.find("token") : std::map<std::string, std::string>::const_iterator{};
  if (!secret || token == secret->data.end()) {
    throw mcp::ToolError("no_credentials: no GitHub credentials stored for " + broker.session(who).entity_name);
  }
  return "Bearer " + token->second;
}

std::string repo_path(const mcp::Arguments& args) {
  return "/repos/" + http::percent_encode(*args.get_string("owner")) + "/" + http::percent_encode(*args.get_string("repo"));
}

constexpr const char* kRepoSchema =
    R"({"type":"object","properties":{"owner":{"type":"string"},"repo":{"type":"string"}},"required":["owner","repo"]})";

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("github-mcp", "MCP server for GitHub; each user's calls use that user's own GitHub token.");
  servers::Runtime::declare_flags(flags);
  flags.required("github-url", "GitHub API base URL, e.g. http://127.0.0.1:8002", "GITHUB_API_URL");
  flags.parse(argc, argv);

  servers::Runtime runtime("github-mcp", flags);
  const servers::Backend github("GitHub", flags.get("github-url"),
                                std::chrono::milliseconds(flags.get_int("vault-timeout-ms")));
  auto& broker = runtime.broker();
  const servers::Authorizer authorize = runtime.authorizer(github_authorization);
  auto with_github = [&](mcp::ToolContext& context, const servers::BackendToolBody& body) {
    return servers::with_credential(broker, context, authorize, body);
  };

  runtime.mcp().add_tool(servers::tool("list_repos", "List the caller's GitHub repositories.", R"({"type":"object","properties":{}})"),
                         [&](const mcp::Arguments&, mcp::ToolContext& context) {
                           return with_github(context, [&](const servers::BackendCaller& caller) {
                             return mcp::structured_result(
                                 Json{{"repositories", Json::parse(github.call("GET", "/user/repos", caller, "repositories"))}});
                           });
                         });
  runtime.mcp().add_tool(servers::tool("get_repo", "Get one GitHub repository.", kRepoSchema),
                         [&](const mcp::Arguments& args, mcp::ToolContext& context) {
                           return with_github(context, [&](const servers::BackendCaller& caller) {
                             const std::string path = repo_path(args);
                             return mcp::structured_result(Json::parse(github.call("GET", path, caller, "repository")));
                           });
                         });
  runtime.mcp().add_tool(servers::tool("list_issues", "List the issues of a GitHub repository.",
       R"({"type":"object","properties":{"owner":{"type":"string"},"repo":{"type":"string"},"state":{"type":"string","enum":["open","closed","all"]}},"required":["owner","repo"]})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_github(context, [&](const servers::BackendCaller& caller) {
          const std::string path = repo_path(args) + "/issues?state=" + args.get_string("state").value_or("open");
          return mcp::structured_result(Json{{"issues", Json::parse(github.call("GET", path, caller, "repository"))}});
        });
      });
  runtime.mcp().add_tool(runtime.writing(servers::tool("create_issue", "Create an issue in a GitHub repository.",
       R"({"type":"object","properties":{"owner":{"type":"string"},"repo":{"type":"string"},"title":{"type":"string"},"body":{"type":"string"}},"required":["owner","repo","title"]})")),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_github(context, [&](const servers::BackendCaller& caller) {
          Json issue = {{"title", *args.get_string("title")}};
          if (auto body = args.get_string("body")) issue["body"] = *body;
          const std::string path = repo_path(args) + "/issues";
          return mcp::structured_result(Json::parse(github.call("POST", path, caller, "repository", issue.dump())));
        });
      });

  runtime.set_credential_trace([&](const broker::Principal& who) {
    servers::CredentialTrace trace;
    trace.vault_path = broker.config().kv_mount + "/data/users/" + broker.session(who).entity_name + "/github";
    if (auto secret = broker.user_secret(who, "github")) {
      trace.secret_exists = true;
      trace.masked_credential = secrets::mask(secret->data["token"]);
    }
    return trace;
  });
  return runtime.run();
}
