#pragma once
// JSON-RPC 2.0 messages: telling requests, notifications and responses apart, and building
// responses, errors and notifications.
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace mcph::mcp::detail {

enum class MessageKind { request, notification, response, invalid };

struct Message {
  MessageKind kind = MessageKind::invalid;
  nlohmann::json id;            // null when absent or unusable
  std::string method;           // requests and notifications
  nlohmann::json params;        // null when absent
  std::string problem;          // why it is invalid
};

Message classify(const nlohmann::json& value);

nlohmann::json result_response(const nlohmann::json& id, nlohmann::json result);
nlohmann::json error_response(const nlohmann::json& id, int code, std::string message,
                              nlohmann::json data = nullptr);
nlohmann::json notification(std::string method, nlohmann::json params);
// Compact JSON text; invalid UTF-8 in strings (a tool may pass on any bytes) becomes U+FFFD
// instead of an exception.
std::string serialize(const nlohmann::json& value);

}  // namespace mcph::mcp::detail

namespace mcph::mcp::detail {

// Ends a request with a JSON-RPC error response (its data member when not null).
class RpcFailure : public std::runtime_error {
 public:
  RpcFailure(int code, const std::string& message, nlohmann::json data = nullptr)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}
  int code() const { return code_; }
  const nlohmann::json& data() const { return data_; }

 private:
  int code_;
  nlohmann::json data_;
};

}  // namespace mcph::mcp::detail
