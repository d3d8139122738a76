// Content, ToolResult and Arguments, and their JSON forms (mcph/mcp/json.h).
#include "mcph/mcp/json.h"

namespace mcph::mcp {

Content Content::make_text(std::string text) {
  Content c;
  c.type = "text";
  c.text = std::move(text);
  return c;
}

Content Content::image(std::string base64_data, std::string mime_type) {
  Content c;
  c.type = "image";
  c.data = std::move(base64_data);
  c.mime_type = std::move(mime_type);
  return c;
}

Content Content::audio(std::string base64_data, std::string mime_type) {
  Content c = image(std::move(base64_data), std::move(mime_type));
  c.type = "audio";
  return c;
}

Content Content::resource_text(std::string uri, std::string mime_type, std::string text) {
  Content c;
  c.type = "resource";
  c.uri = std::move(uri);
  c.mime_type = std::move(mime_type);
  c.text = std::move(text);
  return c;
}

Content Content::resource_blob(std::string uri, std::string mime_type, std::string base64_blob) {
  Content c;
  c.type = "resource";
  c.uri = std::move(uri);
  c.mime_type = std::move(mime_type);
  c.data = std::move(base64_blob);
  return c;
}

ToolResult ToolResult::text(std::string text) {
  ToolResult r;
  r.content.push_back(Content::make_text(std::move(text)));
  return r;
}

ToolResult ToolResult::error(std::string message) {
  ToolResult r = text(std::move(message));
  r.is_error = true;
  return r;
}

Arguments::Arguments() : object_(std::make_shared<const nlohmann::json>(nlohmann::json::object())) {}

Arguments::Arguments(std::shared_ptr<const nlohmann::json> object) : object_(std::move(object)) {
  if (!object_ || !object_->is_object()) {
    throw std::invalid_argument("tool arguments must be a JSON object");
  }
}

namespace {
const nlohmann::json* member(const nlohmann::json& object, std::string_view name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}
}  // namespace

bool Arguments::has(std::string_view name) const { return member(*object_, name) != nullptr; }

std::optional<std::string> Arguments::get_string(std::string_view name) const {
  const auto* value = member(*object_, name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<std::int64_t> Arguments::get_integer(std::string_view name) const {
  const auto* value = member(*object_, name);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) {
    const double d = value->get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<double> Arguments::get_number(std::string_view name) const {
  const auto* value = member(*object_, name);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

std::optional<bool> Arguments::get_boolean(std::string_view name) const {
  const auto* value = member(*object_, name);
  if (value == nullptr || !value->is_boolean()) return std::nullopt;
  return value->get<bool>();
}

std::string Arguments::dump() const { return object_->dump(); }

Arguments make_arguments(nlohmann::json object) {
  return Arguments(std::make_shared<const nlohmann::json>(std::move(object)));
}

ToolDefinition tool_definition(const nlohmann::json& listing) {
  ToolDefinition definition;
  definition.name = listing.at("name").get<std::string>();
  definition.description = listing.value("description", "");
  definition.input_schema = listing.at("inputSchema").dump();
  return definition;
}

ToolResult structured_result(nlohmann::json structured) {
  ToolResult r = ToolResult::text(structured.dump());
  r.structured_content = std::make_shared<nlohmann::json>(std::move(structured));
  return r;
}

nlohmann::json to_json(const Content& content) {
  nlohmann::json item{{"type", content.type}};
  if (content.type == "text") {
    item["text"] = content.text;
  } else if (content.type == "image" || content.type == "audio") {
    item["data"] = content.data;
    item["mimeType"] = content.mime_type;
  } else if (content.type == "resource") {
    nlohmann::json resource{{"uri", content.uri}};
    if (!content.mime_type.empty()) resource["mimeType"] = content.mime_type;
    if (!content.data.empty()) {
      resource["blob"] = content.data;
    } else {
      resource["text"] = content.text;
    }
    item["resource"] = std::move(resource);
  }
  return item;
}

namespace {
// A string member, or "" when absent or not a string (the input may come from any server).
std::string string_member(const nlohmann::json& object, std::string_view name) {
  const auto* value = member(object, name);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}
}  // namespace

Content content_from_json(const nlohmann::json& item) {
  Content c;
  if (!item.is_object()) return c;
  c.type = string_member(item, "type");
  if (c.type == "text") {
    c.text = string_member(item, "text");
  } else if (c.type == "image" || c.type == "audio") {
    c.data = string_member(item, "data");
    c.mime_type = string_member(item, "mimeType");
  } else if (const auto* resource = member(item, "resource");
             c.type == "resource" && resource != nullptr && resource->is_object()) {
    c.uri = string_member(*resource, "uri");
    c.mime_type = string_member(*resource, "mimeType");
    c.text = string_member(*resource, "text");
    c.data = string_member(*resource, "blob");
  }
  return c;
}

nlohmann::json tool_call_request(std::int64_t id, std::string_view tool, nlohmann::json arguments) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
          {"params", {{"name", std::string(tool)}, {"arguments", std::move(arguments)}}}};
}

nlohmann::json tool_call_batch(int size, std::string_view tool, const nlohmann::json& arguments) {
  nlohmann::json batch = nlohmann::json::array();
  for (int id = 1; id <= size; ++id) batch.push_back(tool_call_request(id, tool, arguments));
  return batch;
}

}  // namespace mcph::mcp
