#pragma once
// Calls from an MCP server to its backend API (Jira, GitHub) with the caller's credential,
// with timeouts, and failures turned into tool errors with stable codes.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "mcph/http/client.h"
#include "mcph/http/client_pool.h"
#include "mcph/http/trace_context.h"
#include "mcph/mcp/tool.h"

namespace mcph::servers {

// What every backend request of one tool call carries: the caller's Authorization header
// value and, when the MCP request came with a valid W3C traceparent, its trace context (each
// backend request continues that trace with a parent-id of its own).
struct BackendCaller {
  std::string authorization;
  std::optional<http::TraceContext> trace;
};

// Calls run on many threads at once; each takes a kept-alive connection from a small pool.
class Backend {
 public:
  Backend(std::string name, std::string base_url, std::chrono::milliseconds timeout);
  ~Backend();

  // The backend's JSON answer for a 2xx status. Otherwise throws mcp::ToolError:
  //   "backend_unavailable: <name> did not answer (…)"       transport failure
  //   "backend_auth_failed: <name> rejected the credential"  401/403
  //   "not_found: <what> does not exist in <name>"           404
  //   "backend_error: <name> answered <status>"               anything else
  std::string call(const std::string& method, const std::string& path, const BackendCaller& caller,
                   const std::string& what, const std::string& json_body = {}) const;

  const std::string& name() const { return name_; }

 private:
  // As many as the server handles requests at once (http::ServerOptions::threads), so that no
  // call at full concurrency connects anew.
  static constexpr std::size_t kMaxIdleConnections = 64;
  std::string name_, base_url_;
  std::unique_ptr<http::ClientPool<http::Client>> clients_;
};

}  // namespace mcph::servers
