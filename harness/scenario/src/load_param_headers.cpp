#include "load_param_headers.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/mcp/modern_message.h"

namespace mcph::harness::scenario {

http::Fields load_param_headers(const LoadTarget& target, const std::string& authorization) {
  if (target.era != mcp::Era::modern || target.transport != mcp::Transport::streamable_http) return {};
  mcp::ClientOptions options;
  options.transport = target.transport;
  options.era = target.era;
  mcp::Client client(target.url, options);
  client.set_header("Authorization", authorization);
  std::vector<mcp::ToolInfo> tools;
  try {
    tools = client.list_tools();
  } catch (const std::exception& e) {
    throw std::runtime_error("load: " + target.service + " did not list its tools, whose parameter headers its calls carry: " +
                             e.what());
  }
  const auto tool = std::find_if(tools.begin(), tools.end(), [&](const mcp::ToolInfo& t) { return t.name == target.call.tool; });
  if (tool == tools.end() || tool->input_schema.empty()) return {};
  const nlohmann::json call = {{"method", "tools/call"},
                               {"params", {{"name", target.call.tool}, {"arguments", nlohmann::json::parse(target.call.args)}}}};
  // The standard headers of the call, made as the harness's own client makes them; the load
  // driver adds the rest.
  http::Fields headers = mcp::modern_headers(call, options.modern_protocol_version,
                                             mcp::param_headers(nlohmann::json::parse(tool->input_schema)));
  std::erase_if(headers, [](const auto& header) { return !header.first.starts_with(mcp::kParamHeaderPrefix); });
  return headers;
}

}  // namespace mcph::harness::scenario
