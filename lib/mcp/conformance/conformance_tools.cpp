#include "conformance_tools.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/http/run_slot.h"

namespace mcph::mcp::conformance {
namespace {

// A 1x1 red PNG and an 8-sample silent 8 kHz mono WAV.
constexpr const char* kRedPixelPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
constexpr const char* kSilentWav = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

// The scenarios ask for pauses between notifications, so that a client sees them arrive
// during the call (here they are delivered together, in one SSE body, before the result).
void pause() {
  http::release_run_slot();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

ToolDefinition no_arguments(std::string name, std::string description) {
  ToolDefinition definition;
  definition.name = std::move(name);
  definition.description = std::move(description);
  definition.input_schema = R"({"type":"object","properties":{}})";
  return definition;
}

}  // namespace

void add_conformance_tools(Server& server) {
  server.add_tool(no_arguments("test_simple_text", "Returns a simple text response"),
                  [](const Arguments&, ToolContext&) {
                    return ToolResult::text("This is a simple text response for testing.");
                  });
  server.add_tool(no_arguments("test_image_content", "Returns a 1x1 PNG image"),
                  [](const Arguments&, ToolContext&) {
                    ToolResult result;
                    result.content.push_back(Content::image(kRedPixelPng, "image/png"));
                    return result;
                  });
  server.add_tool(no_arguments("test_audio_content", "Returns a short WAV clip"),
                  [](const Arguments&, ToolContext&) {
                    ToolResult result;
                    result.content.push_back(Content::audio(kSilentWav, "audio/wav"));
                    return result;
                  });
  server.add_tool(no_arguments("test_embedded_resource", "Returns an embedded text resource"),
                  [](const Arguments&, ToolContext&) {
                    ToolResult result;
                    result.content.push_back(Content::resource_text("test://embedded-resource", "text/plain",
                                                                    "This is an embedded resource content."));
                    return result;
                  });
  server.add_tool(no_arguments("test_multiple_content_types", "Returns text, an image and a resource"),
                  [](const Arguments&, ToolContext&) {
                    ToolResult result = ToolResult::text("Multiple content types test:");
                    result.content.push_back(Content::image(kRedPixelPng, "image/png"));
                    result.content.push_back(Content::resource_text("test://mixed-content-resource", "application/json",
                                                                    R"({"test":"data","value":123})"));
                    return result;
                  });
  server.add_tool(no_arguments("test_tool_with_logging", "Sends three info log messages while it runs"),
                  [](const Arguments&, ToolContext& context) {
                    context.log(LogLevel::info, "Tool execution started");
                    pause();
                    context.log(LogLevel::info, "Tool processing data");
                    pause();
                    context.log(LogLevel::info, "Tool execution completed");
                    return ToolResult::text("Tool with logging executed successfully");
                  });
  // The 2026-07-28 scenarios' diagnostic tools: one that logs (nothing may reach a request without
  // _meta's logLevel), and those that ask the user first (ToolDefinition::confirmation): answered
  // input_required with a sealed requestState (never a request of the server's own on the
  // stream; a tampered state refused), or, to a client that declares no elicitation, 400 with
  // -32021. lib/mcp's one kind of input request is that confirmation, so the scenarios that ask
  // for other questions, sampling or roots find no tool of theirs here.
  server.add_tool(no_arguments("test_logging_tool", "Sends an info log message while it runs"),
                  [](const Arguments&, ToolContext& context) {
                    context.log(LogLevel::info, "Tool execution started");
                    return ToolResult::text("Tool with logging executed successfully");
                  });
  for (const char* name : {"test_streaming_elicitation", "test_missing_capability",
                           "test_input_required_result_request_state",
                           "test_input_required_result_tampered_state"}) {
    ToolDefinition confirmed = no_arguments(name, "Runs once the user has confirmed");
    confirmed.confirmation = "Please confirm";
    server.add_tool(std::move(confirmed),
                    [](const Arguments&, ToolContext&) { return ToolResult::text("Confirmed: state-ok"); });
  }
  server.add_tool(no_arguments("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100"),
                  [](const Arguments&, ToolContext& context) {
                    context.progress(0, 100);
                    pause();
                    context.progress(50, 100);
                    pause();
                    context.progress(100, 100);
                    return ToolResult::text("Tool with progress executed successfully");
                  });
  server.add_tool(no_arguments("test_error_handling", "Always fails with a tool execution error"),
                  [](const Arguments&, ToolContext&) -> ToolResult {
                    throw ToolError("This tool intentionally returns an error for testing");
                  });
  ToolDefinition schema_2020_12;
  schema_2020_12.name = "json_schema_2020_12_tool";
  schema_2020_12.description = "Tool with JSON Schema 2020-12 features";
  schema_2020_12.input_schema = R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {"address": {"$anchor": "addressDef", "type": "object",
                          "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                   "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                   "phone": {"type": "string"}, "email": {"type": "string"}},
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": false})";
  server.add_tool(std::move(schema_2020_12), [](const Arguments& arguments, ToolContext&) {
    return ToolResult::text("Received: " + arguments.dump());
  });
  // An argument that travels in a header too (x-mcp-header), for the checks of Mcp-Param-*.
  ToolDefinition param_header;
  param_header.name = "test_param_header";
  param_header.description = "Echoes a region that its clients repeat in the Mcp-Param-Region header";
  param_header.input_schema =
      R"({"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"}},"required":["region"]})";
  server.add_tool(std::move(param_header), [](const Arguments& arguments, ToolContext&) {
    return ToolResult::text("Routed to " + arguments.get_string("region").value_or(""));
  });
}

void add_conformance_resources(Server& server) {
  ResourceSource source;
  source.per_user = false;
  source.list = [](const Principal&) {
    return std::vector<ResourceInfo>{
        {"test://static-text", "static-text", "A static text resource", "text/plain"}};
  };
  source.read = [](const std::string& uri, const Principal&) -> std::optional<ResourceText> {
    if (uri == "test://static-text") {
      return ResourceText{uri, "text/plain", "This is the content of the static text resource."};
    }
    // The template test://template/{id}/data.
    constexpr std::string_view kPrefix = "test://template/";
    constexpr std::string_view kSuffix = "/data";
    const std::string_view view = uri;
    if (view.size() > kPrefix.size() + kSuffix.size() && view.starts_with(kPrefix) && view.ends_with(kSuffix)) {
      const std::string id(view.substr(kPrefix.size(), view.size() - kPrefix.size() - kSuffix.size()));
      if (id.find('/') == std::string::npos) {
        nlohmann::json data{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
        return ResourceText{uri, "application/json", data.dump()};
      }
    }
    return std::nullopt;
  };
  server.add_resources(std::move(source));
}

}  // namespace mcph::mcp::conformance
