#pragma once
// What jira-mcp, github-mcp and postgres-mcp share: the flags, the JWT authenticator, the
// credential broker, the per-subject rate limit, the MCP endpoint and the extra endpoints
// (/.well-known/oauth-protected-resource, /health, and /debug/credentials when turned on).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcph/broker/authenticator.h"
#include "mcph/broker/credential_broker.h"
#include "mcph/broker/rate_limiter.h"
#include "mcph/cli/flags.h"
#include "mcph/http/server.h"
#include "mcph/mcp/server.h"
#include "mcph/servers/backend.h"
#include "mcph/servers/modern_era.h"
#include "mcph/servers/resource_metadata.h"

namespace mcph::servers {

// The Authorization header value a backend takes for the verified caller, made from the
// caller's own secret in Vault; throws mcp::ToolError ("no_credentials: …") when there is none.
using Authorizer = std::function<std::string(broker::CredentialBroker&, const broker::Principal&)>;

// A line of the /debug/credentials trace (the original demo's authentication trace).
struct CredentialTrace {
  std::string vault_path;
  bool secret_exists = false;
  std::string masked_credential;  // never more than a token's last 4 characters, nothing of a password
};

class Runtime {
 public:
  // Declares the common flags on `flags` (the binary adds its own before calling parse).
  static void declare_flags(cli::Flags& flags);
  // After flags.parse(): builds the authenticator, broker, rate limiter and servers.
  Runtime(const std::string& name, const cli::Flags& flags);
  ~Runtime();

  mcp::Server& mcp() { return *mcp_; }
  broker::CredentialBroker& broker() { return *broker_; }
  // A tool that writes: callable only with this server's write scope (--write-scope) too.
  mcp::ToolDefinition writing(mcp::ToolDefinition definition) const;
  // What the tools use to reach the backend as the caller: `authorize` itself, or with
  // --unsafe-credential-cache-key-chars N, a cache of each caller's backend credential keyed by
  // the first N characters of the user name (a key cut short): callers whose names share them
  // get whichever credential was cached first.
  Authorizer authorizer(Authorizer authorize) const;
  // The trace /debug/credentials shows for the caller; each server says which secret it uses.
  void set_credential_trace(std::function<CredentialTrace(const broker::Principal&)> trace);

  // Mounts everything, prints the listening line and serves until SIGTERM/SIGINT.
  int run();

 private:
  void add_endpoints();
  mcp::AuthResult authenticate(const http::Request& request);
  // A token's scopes with those its scopes imply (the broader scope implies the write scope).
  std::vector<std::string> with_implied_scopes(std::vector<std::string> scopes) const;

  std::string name_;
  std::string public_url_;
  ProtectedResource resource_;
  bool debug_credentials_ = false;
  bool offline_access_in_metadata_ = false;  // --unsafe-offline-access-in-metadata
  std::string write_scope_;  // empty: --unsafe-ignore-tool-scopes
  std::string broader_scope_;  // implies write_scope_; empty: no hierarchy
  bool exact_scopes_ = false;  // --unsafe-exact-scopes
  int credential_key_chars_ = 0;  // --unsafe-credential-cache-key-chars; 0: no cache
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<mcp::Server> mcp_;
  std::unique_ptr<broker::Authenticator> authenticator_;
  std::unique_ptr<broker::CredentialBroker> broker_;
  std::unique_ptr<broker::RateLimiter> rate_limiter_;
  std::function<CredentialTrace(const broker::Principal&)> trace_;
  std::unique_ptr<CallerByAddress> caller_by_address_;  // --unsafe-remember-caller-by-address only
};

// A tool definition from its name, description and input schema (JSON Schema text).
mcp::ToolDefinition tool(std::string name, std::string description, std::string input_schema);

// The verified caller of a tool call (set by Runtime's authentication hook).
const broker::Principal& caller(const mcp::ToolContext& context);

// Turns a broker failure into the tool error the model sees: a stable code, then the reason.
mcp::ToolResult broker_failure(const broker::BrokerError& error);

// Runs a tool body; a broker failure becomes its tool error (ToolError passes through to the
// MCP layer, which reports it as `isError: true` with its message).
mcp::ToolResult with_broker(const std::function<mcp::ToolResult()>& body);

// Runs a tool body that calls a backend on behalf of the caller (see with_broker): with the
// credential `authorize` makes and the trace context of the MCP request.
using BackendToolBody = std::function<mcp::ToolResult(const BackendCaller&)>;
mcp::ToolResult with_credential(broker::CredentialBroker& broker, const mcp::ToolContext& context,
                                const Authorizer& authorize, const BackendToolBody& body);

}  // namespace mcph::servers
