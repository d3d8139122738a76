// jira-mcp: an MCP server whose tools reach Jira with the calling user's own Jira credential,
// read from Vault at secret/data/users/<entity>/jira.
#include <nlohmann/json.hpp>

#include "mcph/http/url.h"
#include "mcph/http/basic_auth.h"
#include "mcph/mcp/json.h"
#include "mcph/secrets/mask.h"
#include "mcph/servers/backend.h"
#include "mcph/servers/runtime.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;

// Jira Cloud's basic auth: the account's e-mail address and an API token (Jira takes an API
// token with the e-mail only; a username goes with a password, on Data Center).
std::string jira_authorization(broker::CredentialBroker& broker, const broker::Principal& who) {
  const auto secret = broker.user_secret(who, "jira");
  if (!secret) {
    throw mcp::ToolError("no_credentials: no Jira credentials stored for " + broker.session(who).entity_name);
  }
  const auto user = secret->data.find("email");
  const auto token = secret->data.find("api_token");
  if (user == secret->data.end() || token == secret->data.end()) {
    throw mcp::ToolError("no_credentials: the Jira secret for " + broker.session(who).entity_name +
                         " lacks email or api_token");
  }
  return http::basic_authorization(user->second, token->second);
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("jira-mcp", "MCP server for Jira; each user's calls use that user's own Jira credential.");
  servers::Runtime::declare_flags(flags);
  flags.required("jira-url", "Jira base URL, e.g. http://127.0.0.1:8001", "JIRA_URL");
  flags.parse(argc, argv);

  servers::Runtime runtime("jira-mcp", flags);
  const servers::Backend jira("Jira", flags.get("jira-url"), std::chrono::milliseconds(flags.get_int("vault-timeout-ms")));
  auto& broker = runtime.broker();
  const servers::Authorizer authorize = runtime.authorizer(jira_authorization);

  // Runs a tool body with the caller's Jira credential and the request's trace context.
  auto with_jira = [&](mcp::ToolContext& context, const servers::BackendToolBody& body) {
    return servers::with_credential(broker, context, authorize, body);
  };

  runtime.mcp().add_tool(servers::tool("list_issues", "List Jira issues matching a JQL query (default: every issue of project DEMO).",
       R"({"type":"object","properties":{"jql":{"type":"string","description":"JQL query"}}})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_jira(context, [&](const servers::BackendCaller& caller) {
          const std::string jql = args.get_string("jql").value_or("project = DEMO");
          return mcp::structured_result(
              Json::parse(jira.call("GET", "/rest/api/3/search?jql=" + http::percent_encode(jql), caller, "search")));
        });
      });
  runtime.mcp().add_tool(servers::tool("get_issue", "Get one Jira issue by key.",
       R"({"type":"object","properties":{"issue_key":{"type":"string","description":"e.g. DEMO-1"}},"required":["issue_key"]})"),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_jira(context, [&](const servers::BackendCaller& caller) {
          const std::string key = *args.get_string("issue_key");
          return mcp::structured_result(
              Json::parse(jira.call("GET", "/rest/api/3/issue/" + http::percent_encode(key), caller, "issue " + key)));
        });
      });
  // Its project travels in the header Mcp-Param-Project too (protocol 2026-07-28's x-mcp-header), for
  // a gateway that routes or authorizes by project; the server refuses a header that disagrees.
  runtime.mcp().add_tool(runtime.writing(servers::tool("create_issue", "Create a Jira issue.",
       R"({"type":"object","properties":{"summary":{"type":"string"},"project":{"type":"string","description":"project key","x-mcp-header":"Project"},"description":{"type":"string"}},"required":["summary","project"]})")),
      [&](const mcp::Arguments& args, mcp::ToolContext& context) {
        return with_jira(context, [&](const servers::BackendCaller& caller) {
          Json fields = {{"project", {{"key", *args.get_string("project")}}},
                         {"summary", *args.get_string("summary")},
                         {"issuetype", {{"name", "Task"}}}};
          if (auto description = args.get_string("description")) fields["description"] = *description;
          return mcp::structured_result(
              Json::parse(jira.call("POST", "/rest/api/3/issue", caller, "project", Json{{"fields", fields}}.dump())));
        });
      });
  // Destructive, so it runs only once the user confirms (in protocol 2026-07-28 a second round
  // trip with a sealed requestState; the legacy era cannot ask, and there it does nothing).
  mcp::ToolDefinition delete_issue = runtime.writing(servers::tool("delete_issue", "Delete a Jira issue for good.",
       R"({"type":"object","properties":{"issue_key":{"type":"string","description":"e.g. DEMO-1"}},"required":["issue_key"]})"));
  delete_issue.confirmation = "Delete this Jira issue for good? It cannot be undone.";
  runtime.mcp().add_tool(delete_issue, [&](const mcp::Arguments& args, mcp::ToolContext& context) {
    return with_jira(context, [&](const servers::BackendCaller& caller) {
      const std::string key = *args.get_string("issue_key");
      jira.call("DELETE", "/rest/api/3/issue/" + http::percent_encode(key), caller, "issue " + key);
      return mcp::ToolResult::text("deleted " + key);
    });
  });

  runtime.set_credential_trace([&](const broker::Principal& who) {
    servers::CredentialTrace trace;
    const auto session = broker.session(who);
    trace.vault_path = broker.config().kv_mount + "/data/users/" + session.entity_name + "/jira";
    if (auto secret = broker.user_secret(who, "jira")) {
      trace.secret_exists = true;
      trace.masked_credential = secrets::mask(secret->data["api_token"]);
    }
    return trace;
  });
  return runtime.run();
}
