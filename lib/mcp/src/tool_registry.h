#pragma once
// The server's tools: their definitions for tools/list, and tools/call — argument validation
// against the input schema, the handler call, and the mapping of failures to results.
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/mcp/param_headers.h"
#include "mcph/mcp/tool.h"

namespace mcph::mcp::detail {

// Where a call is made: who asks, in which session, under which protocol version.
struct CallScope {
  const Principal& principal;
  const std::string& session_id;
  const std::string& protocol_version;
  const http::Request& http_request;
  LogLevel log_threshold = LogLevel::debug;
  // The legacy path's: a handler's CallRefused leaves call() to become the request's answer,
  // instead of a tool execution error.
  bool refusal_answers_request = false;
  // False for a modern-era request without _meta's logLevel: it gets no notifications/message.
  bool log_enabled = true;
  // True once the user confirmed the call (a tool with ToolDefinition::confirmation runs only then).
  bool confirmed = false;
};

class ToolRegistry {
 public:
  explicit ToolRegistry(std::string server_name) : server_name_(std::move(server_name)) {}

  // Throws std::invalid_argument for a bad name, a duplicate, a schema that is not an object or
  // an x-mcp-header the revision does not allow.
  void add(ToolDefinition definition, ToolHandler handler);
  nlohmann::json list_result() const;
  // `params` of tools/call; returns the CallToolResult, appends the call's notifications.
  // Throws RpcFailure(-32602) for malformed params and unknown tools, and passes on a handler's
  // CallRefused when the scope says so.
  nlohmann::json call(const nlohmann::json& params, const CallScope& scope,
                      std::vector<nlohmann::json>& notifications) const;
  // The scopes (space-separated) the tool named in tools/call `params` needs and `principal`
  // lacks; empty when it lacks none, or when the tool is unknown (call() then says so).
  std::string missing_scopes(const nlohmann::json& params, const Principal& principal) const;
  // The confirmation question of the tool named in tools/call `params`; empty when it needs none,
  // or when the tool is unknown (call() then says so).
  std::string confirmation(const nlohmann::json& params) const;
  // The parameter headers (x-mcp-header) of the tool named in tools/call `params`; none when it
  // declares none, or when the tool is unknown.
  const std::vector<ParamHeader>& param_headers(const nlohmann::json& params) const;

 private:
  struct Tool {
    ToolDefinition definition;
    nlohmann::json input_schema;
    std::vector<ParamHeader> param_headers;
    nlohmann::json listing;  // the tools/list entry
    ToolHandler handler;
  };
  // The tool named in tools/call `params`; nullptr when there is none of that name.
  const Tool* named(const nlohmann::json& params) const;

  std::string server_name_;
  std::vector<Tool> tools_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace mcph::mcp::detail
