#include "resource_results.h"

#include "jsonrpc.h"
#include "mcph/mcp/protocol.h"

namespace mcph::mcp::detail {

using nlohmann::json;

json resources_list_result(const ResourceSource& source, const Principal& caller) {
  json resources = json::array();
  for (const ResourceInfo& info : source.list(caller)) {
    json entry{{"uri", info.uri}, {"name", info.name}, {"mimeType", info.mime_type}};
    if (!info.description.empty()) entry["description"] = info.description;
    resources.push_back(std::move(entry));
  }
  return {{"resources", std::move(resources)}};
}

json resources_read_result(const ResourceSource& source, const json& params, const Principal& caller) {
  const auto uri = params.find("uri");
  if (uri == params.end() || !uri->is_string()) throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: \"uri\" must be a string");
  const auto text = source.read(uri->get<std::string>(), caller);
  if (!text) throw RpcFailure(jsonrpc::kInvalidParams, "Resource not found: " + uri->get<std::string>(), {{"uri", *uri}});
  return {{"contents", json::array({{{"uri", text->uri}, {"mimeType", text->mime_type}, {"text", text->text}}})}};
}

}  // namespace mcph::mcp::detail
