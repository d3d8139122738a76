#include "mcph/servers/backend.h"

namespace mcph::servers {

Backend::Backend(std::string name, std::string base_url, std::chrono::milliseconds timeout)
    : name_(std::move(name)),
      base_url_(std::move(base_url)),
      clients_(std::make_unique<http::ClientPool<http::Client>>(kMaxIdleConnections, [url = base_url_, timeout] {
        http::ClientOptions options;
        options.connect_timeout = timeout;
        options.read_timeout = timeout;
        return std::make_unique<http::Client>(url, options);
      })) {}

Backend::~Backend() = default;

std::string Backend::call(const std::string& method, const std::string& path, const BackendCaller& caller,
                          const std::string& what, const std::string& json_body) const {
  http::Fields headers{{"Authorization", caller.authorization}, {"Accept", "application/json"}};
  if (caller.trace) {
    for (auto& field : http::outgoing_trace_headers(*caller.trace)) headers.push_back(std::move(field));
  }
  http::ClientResponse response;
  try {
    response = clients_->with_client([&](http::Client& client) {
      return client.request(method, path, headers, json_body, json_body.empty() ? "" : "application/json");
    });
  } catch (const http::TransportError& e) {
    throw mcp::ToolError("backend_unavailable: " + name_ + " did not answer (" + e.what() + ")");
  }
  if (response.status >= 200 && response.status < 300) return response.body;
  if (response.status == 401 || response.status == 403) {
    throw mcp::ToolError("backend_auth_failed: " + name_ + " rejected the credential (HTTP " +
                         std::to_string(response.status) + ")");
  }
  if (response.status == 404) throw mcp::ToolError("not_found: " + what + " does not exist in " + name_);
  throw mcp::ToolError("backend_error: " + name_ + " answered HTTP " + std::to_string(response.status));
}

}  // namespace mcph::servers
