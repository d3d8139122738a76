#include "modern_request.h"

#include <array>
#include <charconv>

#include "mcph/codec/base64.h"
#include "mcph/mcp/protocol.h"

namespace mcph::mcp::detail {

using nlohmann::json;

namespace {

const json* request_meta(const Message& message) {
  if (!message.params.is_object()) return nullptr;
  const auto meta = message.params.find("_meta");
  return meta != message.params.end() && meta->is_object() ? &*meta : nullptr;
}

ModernRefusal header_mismatch(std::string what) {
  return {400, jsonrpc::kHeaderMismatch, "Header mismatch: " + std::move(what), nullptr};
}

// A header value in visible ASCII and spaces (anything else must come base64-wrapped).
bool plain_header_value(std::string_view value) {
  for (const char c : value) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Whether the header's text, decoded, is the argument of an integer parameter: compared as numbers.
bool same_integer(const std::string& text, const json& argument) {
  if (!argument.is_number()) return false;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value == argument.get<double>();
}

constexpr std::array<std::string_view, 3> kNamedMethods = {"tools/call", "resources/read", "prompts/get"};

}  // namespace

bool opens_modern_request(const http::Request& req, const Message& message) {
  if (req.has_header(kSessionIdHeader)) return false;
  const json* meta = request_meta(message);
  const bool modern_meta = meta != nullptr && meta->contains(kMetaProtocolVersion);
  // initialize opens a legacy session, and carries its protocolVersion in params. One without it
  // but with the modern era's _meta is a modern request for a method that era dropped (404).
  if (message.method == "initialize") return modern_meta && !message.params.contains("protocolVersion");
  return modern_meta || req.has_header(kMethodHeader);
}

std::optional<std::string> expected_name(const Message& message) {
  bool named = false;
  for (const auto method : kNamedMethods) named = named || message.method == method;
  if (!named) return std::nullopt;
  const char* key = message.method == "resources/read" ? "uri" : "name";
  if (!message.params.is_object()) return std::string();
  const auto value = message.params.find(key);
  return value != message.params.end() && value->is_string() ? value->get<std::string>() : std::string();
}

std::optional<std::string> decode_header_value(std::string_view value) {
  constexpr std::string_view kOpen = "=?base64?";
  constexpr std::string_view kClose = "?=";
  if (!value.starts_with(kOpen) || !value.ends_with(kClose) || value.size() < kOpen.size() + kClose.size()) {
    return std::string(value);
  }
  return codec::base64_decode(value.substr(kOpen.size(), value.size() - kOpen.size() - kClose.size()));
}

std::optional<ModernRefusal> check_param_headers(const http::Request& req, const json& params,
                                                 const std::vector<ParamHeader>& declared) {
  if (declared.empty() || !params.is_object()) return std::nullopt;
  const auto arguments = params.find("arguments");
  if (arguments == params.end() || !arguments->is_object()) return std::nullopt;
  for (const ParamHeader& param : declared) {
    if (!arguments->contains(param.argument) || arguments->at(param.argument).is_null()) continue;
    const json& argument = arguments->at(param.argument);
    const std::string header = std::string(kParamHeaderPrefix) + param.name;
    const auto sent = http::find_field(req.headers, header);
    if (!sent) return header_mismatch(header + " is required: the call carries " + param.argument.to_string());
    if (!plain_header_value(*sent)) return header_mismatch(header + " carries characters a header value cannot");
    const auto decoded = decode_header_value(*sent);
    if (!decoded) return header_mismatch(header + " is not valid base64");
    const bool same = param.type == "integer" ? same_integer(*decoded, argument)
                      : argument.is_string()  ? *decoded == argument.get<std::string>()
                                              : *decoded == param_header_value(argument);
    if (!same) return header_mismatch(header + " " + *decoded + " is not the body's " + argument.dump());
  }
  return std::nullopt;
}

std::vector<std::string> protocol_versions_of(Era era) {
  if (era == Era::modern) return modern_protocol_versions();
  if (era == Era::legacy) return supported_protocol_versions();
  return all_protocol_versions();
}

std::optional<ModernRefusal> check_modern_request(const http::Request& req, const Message& message,
                                                  const std::vector<std::string>& supported,
                                                  const ModernLeniency& leniency) {
  const json* meta = request_meta(message);
  const auto version = meta != nullptr ? meta->find(kMetaProtocolVersion) : json::const_iterator();
  if (meta == nullptr || version == meta->end() || !version->is_string()) {
    return ModernRefusal{400, jsonrpc::kInvalidParams,
                         "Invalid params: _meta must carry a string \"" + std::string(kMetaProtocolVersion) + "\"",
                         nullptr};
  }
  const auto capabilities = meta->find(kMetaClientCapabilities);
  if (capabilities == meta->end() || !capabilities->is_object()) {
    return ModernRefusal{400, jsonrpc::kInvalidParams,
                         "Invalid params: _meta must carry an object \"" + std::string(kMetaClientCapabilities) + "\"",
                         nullptr};
  }
  const auto header_version = http::find_field(req.headers, kProtocolVersionHeader);
  if (!header_version) return header_mismatch("MCP-Protocol-Version is required");
  const std::string requested = leniency.version_from_header ? *header_version : version->get<std::string>();
  if (*header_version != requested) {
    return header_mismatch("MCP-Protocol-Version " + *header_version + " is not _meta's " + requested);
  }
  if (!is_modern_protocol_version(requested)) {
    return ModernRefusal{400, jsonrpc::kUnsupportedProtocolVersion, "Unsupported protocol version: " + requested,
                         json{{"supported", supported}, {"requested", requested}}};
  }
  const auto method = http::find_field(req.headers, kMethodHeader);
  if (!method) return header_mismatch("Mcp-Method is required");
  if (*method != message.method) return header_mismatch("Mcp-Method " + *method + " is not the body's " + message.method);
  const auto expected = expected_name(message);
  if (!expected || leniency.name_header_unchecked) return std::nullopt;
  const auto name = http::find_field(req.headers, kNameHeader);
  if (!name) return header_mismatch("Mcp-Name is required for " + message.method);
  if (!plain_header_value(*name)) return header_mismatch("Mcp-Name carries characters a header value cannot");
  const auto decoded = decode_header_value(*name);
  if (!decoded) return header_mismatch("Mcp-Name is not valid base64");
  if (*decoded != *expected) return header_mismatch("Mcp-Name " + *decoded + " is not the body's " + *expected);
  return std::nullopt;
}

}  // namespace mcph::mcp::detail
