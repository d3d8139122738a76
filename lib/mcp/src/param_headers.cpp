#include "mcph/mcp/param_headers.h"

#include <cmath>
#include <stdexcept>

#include "mcph/http/message.h"
#include "mcph/http/token.h"
#include "modern_client.h"

namespace mcph::mcp {

using nlohmann::json;

namespace {

void collect(const json& schema, const json::json_pointer& at, std::vector<ParamHeader>& out) {
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return;
  for (const auto& [key, property] : properties->items()) {
    if (!property.is_object()) continue;
    const json::json_pointer here = at / key;
    if (const auto marked = property.find("x-mcp-header"); marked != property.end()) {
      const std::string where = "inputSchema property " + here.to_string();
      if (!marked->is_string() || !http::is_token(marked->get<std::string>())) {
        throw std::invalid_argument(where + ": x-mcp-header must be a header name (an RFC 9110 token)");
      }
      const std::string type = property.value("type", json()).is_string() ? property["type"].get<std::string>() : "";
      if (type != "string" && type != "integer" && type != "boolean") {
        throw std::invalid_argument(where + ": x-mcp-header is allowed on a string, integer or boolean, not on " +
                                    (type.empty() ? std::string("a property without one type") : type));
      }
      const std::string name = marked->get<std::string>();
      for (const ParamHeader& other : out) {
        if (http::iequals(other.name, name)) {
          throw std::invalid_argument(where + ": x-mcp-header " + name + " is already " + other.argument.to_string() + "'s");
        }
      }
      out.push_back({name, here, type});
    }
    collect(property, here, out);
  }
}

}  // namespace

std::vector<ParamHeader> param_headers(const json& input_schema) {
  std::vector<ParamHeader> out;
  if (input_schema.is_object()) collect(input_schema, json::json_pointer(), out);
  return out;
}

std::string param_header_value(const json& argument) {
  if (argument.is_boolean()) return argument.get<bool>() ? "true" : "false";
  if (argument.is_number_integer()) return argument.dump();
  if (argument.is_number_float()) {
    // 42.0 is the integer 42: sent as the client of an integer parameter sends it.
    const double value = argument.get<double>();
    if (std::abs(value) < 9.0e15 && value == std::trunc(value)) return std::to_string(static_cast<long long>(value));
    return argument.dump();
  }
  if (argument.is_string()) return detail::header_safe(argument.get<std::string>());
  return detail::header_safe(argument.dump());
}

}  // namespace mcph::mcp
