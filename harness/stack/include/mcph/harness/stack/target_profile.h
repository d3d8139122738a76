#pragma once
// A target profile: the conventions of an MCP server under test that are not properties of it —
// how to reach it, where its results' rows are, how its stable failures read, whether its Vault
// requests carry the call's traceparent. The scenario files stay the same for every server; the
// profile maps each server's conventions onto them, so a server fails a scenario only for a
// defect, never for a convention. Built in: "reference" (this repo's servers), "demo-python"
// (the original demo's Python servers) and "agent-bridge" (agent-bridge-mcp, whose callers are
// agents, not users). A stack file's MCP service names one with "profile" and
// may override any field with a key of the same name (docs/target-profiles.md).
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/stack/auth_profile.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/tool_map.h"
#include "mcph/harness/provision/secret_layout.h"
#include "mcph/mcp/client.h"

namespace mcph::harness::stack {

// Whether a server's Vault requests carry the call's traceparent, so that the audit entries of a
// call are found by it, or must be matched by time (the call's window).
enum class Correlation { traceparent, window };
inline constexpr std::array<std::string_view, 2> kCorrelations = {"traceparent", "window"};

// The JSON-RPC request a server answers with 200 once its caller is authorised.
enum class ProbeMethod { initialize, tools_list };
inline constexpr std::array<std::string_view, 2> kProbeMethods = {"initialize", "tools/list"};

// A protected call that is a plain HTTP request rather than a JSON-RPC one (the entry's "probe"
// as an object): a server whose protected resource is `GET /hello` is asked there.
struct HttpProbe {
  std::string method;  // GET, POST, PUT, PATCH or DELETE
  std::string path;    // from the server's origin, with its query: "/hello"
  std::string body;    // sent as it is, JSON unless empty; "": none
};

// The token a server logs in to Vault's JWT role with: one exchanged for Vault's audience as its
// own client, or its caller's own (the demo's design, a defect the jwt_attacks suite reports).
enum class ServerVaultLogin { exchanged, caller_token };
inline constexpr std::array<std::string_view, 2> kServerVaultLogins = {"exchanged", "caller_token"};

struct TargetProfile {
  std::string name;                         // "reference", "demo-python"
  mcp::Transport transport = mcp::Transport::streamable_http;
  Correlation correlation = Correlation::traceparent;
  // Where a tool result's rows are: "auto" (a `{rows: [...]}` object, or a bare JSON array taken as
  // the rows), or a JSON pointer into the result ("/data/items"). Either way the rows are then at
  // /rows of the result the expectations see, in structured content or in text content as JSON.
  std::string result_rows;
  // Where the column names are when each row is an array of values ({"columns": ["who"], "rows":
  // [["alice"]]}), a JSON pointer into the result; each row is then read as an object of
  // column → value. Empty: rows are objects already.
  std::string result_columns;
  // The JSON-RPC method an `http` step's `probe: true` sends, whatever its transport: initialize
  // (Streamable HTTP), tools/list (the demo's POST /sse answers initialize with "Unknown method").
  ProbeMethod probe = ProbeMethod::initialize;
  // caller_token needs Vault's role to take the caller's audience for any call to work; the
  // provisioner binds it then (caller_token_servers).
  ServerVaultLogin vault_login = ServerVaultLogin::exchanged;
  // How long the server waits for Vault or a backend before it gives up (ms): the faults family's
  // deadline for a dependency slower than that is this and a margin (`within_timeout_ms`).
  // reference: its --vault-timeout-ms default; demo-python: httpx's default timeout.
  int dependency_timeout_ms = 0;
  // Stable failure kinds ("missing_credential") → texts of which a failed call's message contains
  // one; "${user}" stands for the acting user's name. A kind with no texts is one the server has
  // no stable words for: any failure that says something (a non-blank message) is taken as it.
  std::map<std::string, std::vector<std::string>> failures;
  // How the server identifies its callers; none: by the users' Keycloak JWTs (Authorization:
  // Bearer). A profile's own is only its modes' shape: the stack entry's `auth` says where the
  // keys are, and replaces it whole.
  std::optional<AuthProfile> auth;
  // What the server calls the tools the agent families need, and how it refuses (tool_map.h);
  // none: a server not of the agent design. The stack entry's "tools" is laid over it.
  std::optional<ToolMap> tools;
  // Where its agents' secrets are in Vault (mount and path template, secret_layout.h); none: a
  // server not of the agent design. The stack entry's "secrets" replaces it.
  std::optional<provision::SecretLayout> secrets;
  // The protected call as a plain HTTP request, in place of `probe`'s JSON-RPC one; none: `probe`.
  std::optional<HttpProbe> http_probe;
};

// The stack entry's "secrets" (JSON text: {"mount": …, "path": "…{agent}…/{key}"}) over `base`.
// Throws std::runtime_error naming the key (`where`: "services.x.secrets") on an unknown key or a
// bad value.
provision::SecretLayout parse_secret_layout(const std::string& json_text, const std::string& where, provision::SecretLayout base);

// The built-in profile of that name; nullptr when there is none.
const TargetProfile* builtin_profile(std::string_view name);
// The names of the built-in profiles, for error messages ("reference, demo-python").
std::string builtin_profile_names();

// The profile of the stack's service `name`: the built-in one its "profile" names (default
// "reference"), with the entry's own "transport", "correlation", "result_rows" and "failures"
// (a JSON object of kind → [texts]), "probe", "vault_login", "dependency_timeout_ms" and "auth"
// in its place, and its "tools" laid over the profile's tool map. Throws std::runtime_error naming the key on an unknown profile or a bad value.
TargetProfile target_profile(const ServiceEntry& entry, const std::string& name);

// The stack's MCP servers (the service table's rows started after provisioning) whose profile
// logs in to Vault with the caller's own token, in table order.
std::vector<std::string> caller_token_servers(const StackFile& stack);

}  // namespace mcph::harness::stack
