#pragma once
// nlohmann/json helpers for tool implementations and tests: building Arguments from a JSON
// object and results with structured content. Kept out of tool.h so that code which only
// registers tools does not pay for nlohmann/json's header.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "mcph/mcp/tool.h"

namespace mcph::mcp {

Arguments make_arguments(nlohmann::json object);
// The definition of a tool written as its tools/list entry (name, description, inputSchema).
ToolDefinition tool_definition(const nlohmann::json& listing);
// A result whose structuredContent is `structured` and whose text content is its JSON text
// (the spec asks servers returning structured content to serialize it into a text block too).
ToolResult structured_result(nlohmann::json structured);
nlohmann::json to_json(const Content& content);
Content content_from_json(const nlohmann::json& item);
// A tools/call request as a client sends it (one item of a batch, or a body of its own).
nlohmann::json tool_call_request(std::int64_t id, std::string_view tool, nlohmann::json arguments);
// A JSON-RPC batch of `size` such requests of one call, numbered from 1 (protocol 2025-03-26).
nlohmann::json tool_call_batch(int size, std::string_view tool, const nlohmann::json& arguments);

}  // namespace mcph::mcp
