#pragma once
// A running MCP server on an ephemeral loopback port with a few tools, for the protocol tests.
// Authentication: no Authorization header → anonymous; "Bearer alice-token" / "Bearer
// bob-token" → alice / bob; "Bearer limited" → 429; any other → 401.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/mcp/server.h"

namespace mcph::mcp::testing {

struct TestServerOptions {
  bool authentication = false;
  std::string legacy_path = "/sse";
  std::vector<std::string> legacy_methods;  // ServerOptions::legacy_methods
  std::size_t max_sessions = 100;
  std::string sse_path = "/sse";  // the HTTP+SSE transport's GET, beside the legacy POST
  std::size_t max_sse_streams = 1000;
  std::size_t max_sse_streams_per_subject = 16;
  bool unsafe_sse_token_on_stream_only = false;  // ServerOptions' UNSAFE switches
  bool unsafe_sse_session_any_user = false;
  decltype(ServerOptions::charge_batch) charge_batch;  // none: batches are not charged
  // A per-user resource source: each caller lists and reads test://<subject>/profile alone.
  bool resources = false;
  bool unsafe_public_cache_scope = false;  // the modern era's UNSAFE switches (ServerOptions)
  bool unsafe_authorize_on_header = false;
  bool unsafe_version_from_header = false;
  bool unsafe_param_headers_unchecked = false;
  Era era = Era::dual;
  // Tools of the test's own, added beside the test tools before the server serves.
  std::function<void(Server&)> more_tools;
};

// What TestServer is made of, for a server that is not started (the fuzz target routes
// requests to it in process).
ServerOptions test_server_options(const TestServerOptions& options);
void add_test_tools(Server& server);
void add_test_resources(Server& server);  // TestServerOptions::resources

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();

  std::string base_url() const { return http_.url(); }
  std::string endpoint() const { return http_.url() + "/mcp"; }
  std::string sse_url() const { return http_.url() + "/sse"; }
  Server& mcp() { return mcp_; }
  void stop() { http_.stop(); }

 private:
  Server mcp_;
  http::Server http_;
};

// Headers of a well-behaved client's POST (Accept both, JSON body).
http::Fields post_headers(http::Fields extra = {});

// initialize with `version` through a raw client; returns the session id ("" when refused).
std::string open_session(http::Client& client, const std::string& version = "2025-06-18",
                         const http::Fields& extra = {});

}  // namespace mcph::mcp::testing
