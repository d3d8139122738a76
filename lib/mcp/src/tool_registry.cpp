#include "tool_registry.h"

#include <algorithm>
#include <cstdio>
#include <regex>

#include "jsonrpc.h"
#include "mcph/mcp/json.h"
#include "mcph/mcp/json_schema.h"

namespace mcph::mcp::detail {
namespace {

nlohmann::json parse_object(const std::string& text, const std::string& what) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) throw std::invalid_argument(what + " must be a JSON object");
  return value;
}

class ToolCallContext final : public ToolContext {
 public:
  ToolCallContext(const CallScope& scope, nlohmann::json progress_token, std::vector<nlohmann::json>& sink)
      : scope_(scope), progress_token_(std::move(progress_token)), sink_(sink) {}

  const Principal& principal() const override { return scope_.principal; }
  const std::string& session_id() const override { return scope_.session_id; }
  const std::string& protocol_version() const override { return scope_.protocol_version; }
  const http::Request& http_request() const override { return scope_.http_request; }
  bool has_progress_token() const override { return !progress_token_.is_null(); }

  void progress(double progress, std::optional<double> total, std::string message) override {
    if (progress_token_.is_null()) return;
    nlohmann::json params{{"progressToken", progress_token_}, {"progress", progress}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = std::move(message);
    sink_.push_back(notification("notifications/progress", std::move(params)));
  }

  void log(LogLevel level, std::string message, std::string logger) override {
    if (!scope_.log_enabled || level < scope_.log_threshold) return;
    nlohmann::json params{{"level", to_string(level)}, {"data", std::move(message)}};
    if (!logger.empty()) params["logger"] = std::move(logger);
    sink_.push_back(notification("notifications/message", std::move(params)));
  }

 private:
  const CallScope& scope_;
  nlohmann::json progress_token_;
  std::vector<nlohmann::json>& sink_;
};

bool protocol_has_structured_content(const std::string& version) { return version != "2025-03-26"; }

nlohmann::json result_json(ToolResult result, const std::string& protocol_version) {
  nlohmann::json content = nlohmann::json::array();
  for (const auto& item : result.content) content.push_back(to_json(item));
  nlohmann::json out{{"content", std::move(content)}};
  if (result.is_error) out["isError"] = true;
  if (result.structured_content && protocol_has_structured_content(protocol_version)) {
    // The document moves into the answer unless a copy of the result still shares it.
    auto& structured = *result.structured_content;
    out["structuredContent"] = result.structured_content.use_count() == 1 ? std::move(structured) : structured;
  }
  return out;
}

}  // namespace

void ToolRegistry::add(ToolDefinition definition, ToolHandler handler) {
  static const std::regex kName("[A-Za-z0-9_.-]{1,128}");
  if (!std::regex_match(definition.name, kName)) {
    throw std::invalid_argument("tool name must be 1-128 characters of A-Z a-z 0-9 _ . -: '" +
                                definition.name + "'");
  }
  if (index_.count(definition.name) != 0) throw std::invalid_argument("duplicate tool: " + definition.name);
  if (!handler) throw std::invalid_argument("tool " + definition.name + " has no handler");
  Tool tool;
  tool.input_schema = parse_object(definition.input_schema, "input schema of " + definition.name);
  if (tool.input_schema.value("type", nlohmann::json()) != "object") {
    throw std::invalid_argument("input schema of " + definition.name + " must have \"type\": \"object\"");
  }
  try {
    tool.param_headers = mcp::param_headers(tool.input_schema);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("tool " + definition.name + ": " + e.what());
  }
  tool.listing = {{"name", definition.name}, {"description", definition.description},
                  {"inputSchema", tool.input_schema}};
  if (!definition.title.empty()) tool.listing["title"] = definition.title;
  if (!definition.output_schema.empty()) {
    tool.listing["outputSchema"] = parse_object(definition.output_schema, "output schema of " + definition.name);
  }
  if (!definition.annotations.empty()) {
    tool.listing["annotations"] = parse_object(definition.annotations, "annotations of " + definition.name);
  }
  tool.handler = std::move(handler);
  tool.definition = std::move(definition);
  index_.emplace(tool.definition.name, tools_.size());
  tools_.push_back(std::move(tool));
}

nlohmann::json ToolRegistry::list_result() const {
  nlohmann::json tools = nlohmann::json::array();
  for (const auto& tool : tools_) tools.push_back(tool.listing);
  return {{"tools", std::move(tools)}};
}

const ToolRegistry::Tool* ToolRegistry::named(const nlohmann::json& params) const {
  const auto name = params.is_object() ? params.find("name") : params.end();
  if (!params.is_object() || name == params.end() || !name->is_string()) return nullptr;
  const auto found = index_.find(name->get<std::string>());
  return found == index_.end() ? nullptr : &tools_[found->second];
}

std::string ToolRegistry::missing_scopes(const nlohmann::json& params, const Principal& principal) const {
  const Tool* tool = named(params);
  if (tool == nullptr) return {};
  std::string missing;
  for (const auto& needed : tool->definition.required_scopes) {
    if (std::find(principal.scopes.begin(), principal.scopes.end(), needed) != principal.scopes.end()) continue;
    missing += (missing.empty() ? "" : " ") + needed;
  }
  return missing;
}

std::string ToolRegistry::confirmation(const nlohmann::json& params) const {
  const Tool* tool = named(params);
  return tool == nullptr ? std::string() : tool->definition.confirmation;
}

const std::vector<ParamHeader>& ToolRegistry::param_headers(const nlohmann::json& params) const {
  static const std::vector<ParamHeader> kNone;
  const Tool* tool = named(params);
  return tool == nullptr ? kNone : tool->param_headers;
}

nlohmann::json ToolRegistry::call(const nlohmann::json& params, const CallScope& scope,
                                  std::vector<nlohmann::json>& notifications) const {
  if (!params.is_object()) throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: expected an object");
  const auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: \"name\" must be a string");
  }
  const auto found = index_.find(name->get<std::string>());
  if (found == index_.end()) throw RpcFailure(jsonrpc::kInvalidParams, "Unknown tool: " + name->get<std::string>());
  const Tool& tool = tools_[found->second];
  if (const std::string missing = missing_scopes(params, scope.principal); !missing.empty()) {
    throw RpcFailure(jsonrpc::kServerError, "insufficient_scope: tool " + tool.definition.name + " needs scope " + missing);
  }

  nlohmann::json arguments = nlohmann::json::object();
  if (const auto it = params.find("arguments"); it != params.end() && !it->is_null()) {
    if (!it->is_object()) throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: \"arguments\" must be an object");
    arguments = *it;
  }
  nlohmann::json progress_token;
  if (const auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
    const auto token = meta->find("progressToken");
    if (token != meta->end() && (token->is_string() || token->is_number_integer())) progress_token = *token;
  }

  const std::string& tool_name = tool.definition.name;
  // Input validation errors are tool execution errors, so that the model can correct itself.
  if (auto problems = validate_json_schema(tool.input_schema, arguments); !problems.empty()) {
    std::string message = "Invalid arguments for tool " + tool_name + ": ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    return result_json(ToolResult::error(std::move(message)), scope.protocol_version);
  }

  if (!tool.definition.confirmation.empty() && !scope.confirmed) {
    return result_json(ToolResult::error("Tool " + tool_name + " runs only once the user confirms it, which takes a "
                                         "second round trip: protocol " + std::string(kModernProtocolVersion) +
                                         " (input_required) carries it, this one does not. Nothing was done."),
                       scope.protocol_version);
  }
  ToolCallContext context(scope, std::move(progress_token), notifications);
  ToolResult result;
  try {
    result = tool.handler(make_arguments(std::move(arguments)), context);
  } catch (const CallRefused& e) {
    if (scope.refusal_answers_request) throw;
    result = ToolResult::error(e.what());
  } catch (const ToolError& e) {
    result = ToolResult::error(e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "[%s] tool %s failed: %s\n", server_name_.c_str(), tool_name.c_str(), e.what());
    result = ToolResult::error("Tool " + tool_name + " failed: internal error");
  }
  return result_json(std::move(result), scope.protocol_version);
}

}  // namespace mcph::mcp::detail
