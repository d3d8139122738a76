#pragma once
// What an MCP server binary needs to declare and implement tools: the definition (JSON Schema
// as text), the arguments a call received, the result it returns, and the context through
// which it reports progress and log messages. Tool implementations that need the arguments as
// a JSON document include mcph/mcp/json.h, which brings in nlohmann/json.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mcph/http/message.h"
#include "mcph/mcp/auth.h"
#include "mcph/mcp/protocol.h"

namespace mcph::mcp {

struct ToolDefinition {
  std::string name;         // 1-128 characters of [A-Za-z0-9_.-]
  std::string description;
  // A JSON Schema for the arguments object: `{"type":"object", "properties":…, "required":…}`.
  std::string input_schema = R"({"type":"object","properties":{}})";
  std::string title;            // optional
  std::string output_schema;    // optional JSON Schema of structuredContent
  std::string annotations;      // optional JSON object (readOnlyHint, destructiveHint, …)
  // OAuth scopes a caller's token must carry to call the tool (Principal::scopes); a call
  // without one is refused before the tool runs (HTTP 403, insufficient_scope).
  std::vector<std::string> required_scopes;
  // Non-empty: the tool runs only once the user has confirmed, this the question put to them.
  // In protocol 2026-07-28 a call is two round trips: the first is answered with an input_required
  // result (an elicitation of a yes, and a sealed requestState, server.h), the retry carrying the
  // answer and the state runs the tool. The legacy era carries no second round: there such a call
  // ends with a tool execution error, and nothing runs.
  std::string confirmation;
};

// One item of a tool result's `content`.
struct Content {
  std::string type;       // "text", "image", "audio" or "resource" (embedded resource)
  std::string text;       // text, or the text of an embedded resource
  std::string data;       // base64 of an image/audio, or the blob of an embedded resource
  std::string mime_type;
  std::string uri;        // embedded resource

  static Content make_text(std::string text);
  static Content image(std::string base64_data, std::string mime_type);
  static Content audio(std::string base64_data, std::string mime_type);
  static Content resource_text(std::string uri, std::string mime_type, std::string text);
  static Content resource_blob(std::string uri, std::string mime_type, std::string base64_blob);
};

struct ToolResult {
  std::vector<Content> content;
  bool is_error = false;
  // Optional structuredContent (protocol 2025-06-18 and later), set by structured_result()
  // (mcph/mcp/json.h). Kept as the document itself, so the answer embeds it without parsing
  // the tool's JSON a second time.
  std::shared_ptr<nlohmann::json> structured_content;

  static ToolResult text(std::string text);
  // A tool execution error (`isError: true`): the message is shown to the model.
  static ToolResult error(std::string message);
};

// Thrown by a tool handler to end the call with a tool execution error carrying `what()`.
// Any other exception also ends the call with `isError: true`, but with a generic message
// (its text goes to the server's log only).
class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a tool handler (or a legacy method's, Server::add_legacy_method) to refuse a call for
// a reason of its own: the caller's tier or scope, a policy's denial, an argument it will not
// take. In a session it ends a tool call as ToolError does (`isError` with what()): a session's
// HTTP status is the transport's. On the legacy path, one call per request, it is the answer: a
// JSON-RPC error with `code` and what(), sent with HTTP `status` and `headers` (a 403 and its
// WWW-Authenticate challenge, a 503 of a policy engine that gave no decision, a 200 for an
// argument refused).
class CallRefused : public ToolError {
 public:
  CallRefused(int status, int code, const std::string& message, http::Fields headers = {})
      : ToolError(message), status_(status), code_(code), headers_(std::move(headers)) {}
  int status() const { return status_; }
  int code() const { return code_; }
  const http::Fields& headers() const { return headers_; }

 private:
  int status_;
  int code_;
  http::Fields headers_;
};

// The `arguments` object of a tools/call, already validated against the tool's input schema.
class Arguments {
 public:
  Arguments();  // {}
  explicit Arguments(std::shared_ptr<const nlohmann::json> object);

  bool has(std::string_view name) const;
  // Empty when absent, null or of another JSON type.
  std::optional<std::string> get_string(std::string_view name) const;
  std::optional<std::int64_t> get_integer(std::string_view name) const;
  std::optional<double> get_number(std::string_view name) const;
  std::optional<bool> get_boolean(std::string_view name) const;
  std::string dump() const;  // the whole object as compact JSON

  // The whole object; include mcph/mcp/json.h to use it.
  const nlohmann::json& json() const { return *object_; }

 private:
  std::shared_ptr<const nlohmann::json> object_;
};

// Given to a tool handler for the duration of one call.
class ToolContext {
 public:
  virtual ~ToolContext() = default;

  virtual const Principal& principal() const = 0;
  virtual const std::string& session_id() const = 0;        // empty on the legacy transport
  virtual const std::string& protocol_version() const = 0;
  virtual const http::Request& http_request() const = 0;

  // True when the request carried `_meta.progressToken`; progress() is a no-op otherwise.
  virtual bool has_progress_token() const = 0;
  // notifications/progress for this call; `progress` must increase from call to call.
  virtual void progress(double progress, std::optional<double> total = std::nullopt,
                        std::string message = {}) = 0;
  // notifications/message, sent when `level` is at or above the session's logging level.
  virtual void log(LogLevel level, std::string message, std::string logger = {}) = 0;
};

using ToolHandler = std::function<ToolResult(const Arguments&, ToolContext&)>;

}  // namespace mcph::mcp
