#include "probe_stack_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "mcph/harness/stack/tool_map.h"
#include "mcph/http/url.h"
#include "mcph/text/join.h"

namespace mcph::harness::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kAgent = "@AGENT@";
constexpr const char* kClientsFile = "@CLIENTS_FILE@";

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The authorization server on the server's own origin whose token endpoint grants client
// credentials: the agent design's, which issues its agents' tokens itself. An identity provider
// elsewhere (Keycloak grants that too) says nothing of whether the callers are agents or users.
const scenario::ProbedAuthorizationServer* own_client_credentials_server(const scenario::ProbeFacts& facts) {
  for (const auto& server : facts.authorization_servers) {
    if (server.token_endpoint.empty() || !has(server.grant_types, "client_credentials")) continue;
    if (http::parse_url(server.issuer).origin() == http::parse_url(facts.url).origin()) return &server;
  }
  return nullptr;
}

Json auth_of(const scenario::ProbeFacts& facts, std::vector<std::string>& unknowns) {
  const scenario::ProbedAuthorizationServer* server = own_client_credentials_server(facts);
  if (!server) {
    std::string issuers;
    for (const auto& other : facts.authorization_servers) issuers += (issuers.empty() ? "" : ", ") + other.issuer;
    unknowns.push_back("auth: how its callers authenticate (services.<name>.auth: api_key, static_jwt, mtls, "
                       "client_credentials, or none for the identity provider's users" +
                       (issuers.empty() ? std::string() : "; its authorization server: " + issuers) + ")");
    return Json();
  }
  // The @…@ placeholders (as docs/examples' stack file has them) keep the file loadable until filled in.
  Json credentials = {{"token_url", server->token_endpoint}, {"issuer", server->issuer}, {"clients_file", kClientsFile}};
  if (has(server->auth_methods, "client_secret_basic") && !has(server->auth_methods, "client_secret_post")) {
    credentials["method"] = "client_secret_basic";
  }
  unknowns.push_back(std::string("auth.agents, auth.client_credentials.clients_file: the agents (for ") + kAgent +
                     "; the families act as agent-a, agent-b and agent-c, so an object of each → your client's name) and a "
                     "0600 JSON file of each one's client_id and client_secret at " + server->token_endpoint + " (for " +
                     kClientsFile + ")");
  unknowns.push_back("auth.client_credentials.audience: the aud its tokens carry for this server");
  unknowns.push_back("auth.static_jwt: the key it signs its tokens with (alg, key_file, iss, aud), for the scenarios "
                     "that sign a token as it would with one claim changed; without it they do not apply");
  return {{"default", "client_credentials"}, {"agents", {kAgent}}, {"client_credentials", credentials}};
}

// A server's words on one comment line: a line break in them would end the comment.
std::string one_line(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

}  // namespace

ProbedStack probed_stack_file(const scenario::ProbeFacts& facts, const std::string& name) {
  ProbedStack out;
  out.unknowns = facts.unknowns;
  Json entry = {{"url", facts.url}};
  if (facts.transport) entry["transport"] = mcp::to_string(*facts.transport);
  if (facts.protocol) entry["protocol"] = mcp::to_string(*facts.protocol);
  // Whether it sends each request's traceparent on to Vault cannot be seen from outside.
  entry["correlation"] = "window";
  out.unknowns.push_back("correlation: \"window\" until you know it sends each request's traceparent on to Vault "
                         "(then \"traceparent\")");
  std::vector<std::string> guesses;
  if (facts.tool_map_guess.is_object()) {
    entry["tools"] = facts.tool_map_guess;
    std::vector<std::string> capabilities;
    for (const auto& [capability, tool] : facts.tool_map_guess.items()) {
      capabilities.push_back(capability + " = " + tool.value("tool", ""));
    }
    guesses.push_back("tools (from the tools' names and input schemas alone): " + text::join(capabilities, ", "));
    for (const char* capability : {"read", "write", "list", "delete"}) {
      if (!facts.tool_map_guess.contains(capability)) out.unknowns.push_back(std::string("tools.") + capability + ": no tool named for it");
    }
    out.unknowns.push_back("tools.*.result, tools.*.fields: where each answer's data is (call each tool once and look)");
    out.unknowns.push_back("tools.refusals: its words for insufficient_scope, invalid_argument and not_found");
    if (facts.tool_map_guess.contains("read")) {
      entry["plays"] = "agent-bridge-mcp";
      guesses.push_back("plays agent-bridge-mcp: its tools read and write secrets, as the agent design's server does");
      out.unknowns.push_back("secrets: where each agent's secrets are in Vault (mount and path with {agent} and {key})");
    }
  } else if (facts.tools) {
    std::vector<std::string> named;
    for (const std::string& tool : stack::named_tools()) {
      const bool offered = std::any_of(facts.tools->begin(), facts.tools->end(), [&](const auto& its) { return its.name == tool; });
      if (offered) named.push_back(tool);
    }
    out.unknowns.push_back("tools, result_rows, result_columns: none of its tools reads, writes, lists or deletes a secret by its name, as "
                           "the agent families need; of the tools the user families call by name (" + text::join(stack::named_tools()) +
                           ") it offers " + (named.empty() ? std::string("none") : text::join(named)) +
                           ": map each it offers under another name (services.<name>.tools.get_issue: {tool, args}), and "
                           "say where a call's rows are in its answer when not at /rows nor the answer itself "
                           "(result_rows: a JSON pointer; result_columns: where the column names are, when each "
                           "row is an array of values; call a tool once and look)");
  }
  const bool own_authorization_server = own_client_credentials_server(facts) != nullptr;
  if (const Json auth = auth_of(facts, out.unknowns); !auth.is_null()) entry["auth"] = auth;
  if (!entry.contains("plays")) {
    out.unknowns.push_back("plays: the harness's service whose part it plays (jira-mcp, github-mcp, postgres-mcp, "
                           "agent-bridge-mcp, workload-mcp), so that the families written for that service address it");
  }
  if (!facts.tools) {
    out.unknowns.push_back("secrets: where each agent's secrets are in Vault, for a server of the agent design");
  }
  if (facts.challenge && facts.challenge->dpop) {
    out.unknowns.push_back("workload_tools, policy: its tools for each trust tier, and the authorization policy it asks "
                           "(a server of the workload design: it asks for DPoP-bound tokens)");
  }
  if (!own_authorization_server) {
    out.unknowns.push_back("scope, write_scope, broader_scope, clients: the scope its callers' tokens need for it, the "
                           "one its writes need (when it has one), a broader one that implies it (when its scopes form "
                           "a hierarchy), and the clients whose users' tokens it serves (when it serves only some)");
  }
  out.unknowns.push_back("profile, failures: a built-in profile whose conventions it shares (reference, demo-python, "
                         "agent-bridge), and its words for each way a call fails (missing_credential, backend_error, "
                         "vault_unavailable, …): a failed call's text is seen only by making it fail");
  out.unknowns.push_back("rate_limit: the limit per caller it enforces (\"20/1000ms\") or \"none\": seen only by a burst, "
                         "which the probe does not send");
  out.unknowns.push_back("behind_fault_proxy: the services it reaches through the stack's fault proxy, for the faults "
                         "family");
  out.unknowns.push_back("services.vault: the Vault the server reads its callers' credentials from (url, token, audit_log)");
  out.unknowns.push_back("services.keycloak, services.cognito: the identity provider whose users or agents call it (one "
                         "of them)");

  const Json stack = {{"mode", "external"}, {"services", {{name, entry}}}};
  std::string text = "// mcp-harness probe of " + facts.url + ": a starting stack file, not a finished one.\n"
                     "// Check every value below, fill in each unknown, then delete these comments if a tool\n"
                     "// other than mcp-harness reads the file (they are not JSON).\n";
  for (const auto& line : facts.found) text += "// found: " + one_line(line) + "\n";
  for (const auto& line : guesses) text += "// GUESS: " + one_line(line) + "\n";
  for (const auto& line : out.unknowns) text += "// unknown: " + one_line(line) + "\n";
  text += stack.dump(2) + "\n";
  out.text = std::move(text);
  return out;
}

}  // namespace mcph::harness::cli
