#pragma once
// A tool's parameters that the modern era (protocol 2026-07-28) repeats in headers: a property of
// the tool's inputSchema marked `"x-mcp-header": "<Name>"` is sent by its clients as the header
// `Mcp-Param-<Name>` beside the body, so that a gateway can route or authorize on it without
// reading the body, and its servers refuse a call whose header and body disagree
// (basic/transports/streamable-http, server/tools).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcph::mcp {

inline constexpr std::string_view kParamHeaderPrefix = "Mcp-Param-";

struct ParamHeader {
  std::string name;                         // after "Mcp-Param-", as the schema spells it
  nlohmann::json::json_pointer argument;    // where its value is in the call's arguments
  std::string type;                         // "string", "integer" or "boolean"
};

// The parameter headers `input_schema` declares, reached through `properties` alone. Throws
// std::invalid_argument for a declaration the revision does not allow: a name that is not a
// non-empty RFC 9110 token, on a property whose type is not integer, string or boolean, or a name
// twice (header names are case-insensitive).
std::vector<ParamHeader> param_headers(const nlohmann::json& input_schema);

// The header value a client sends for `argument`: an integer in decimal, a boolean as true or
// false, a string as it is when it is a safe header value (visible ASCII, no leading or trailing
// space, not starting "=?"), else "=?base64?<base64 of its UTF-8>?=".
std::string param_header_value(const nlohmann::json& argument);

}  // namespace mcph::mcp
