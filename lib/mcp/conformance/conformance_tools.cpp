#include "conformance_tools.h"

#include <chrono>
#include <thread>

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
    "$defs": {"address": {"type": "object",
                          "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
    "additionalProperties": false})";
  server.add_tool(std::move(schema_2020_12), [](const Arguments& arguments, ToolContext&) {
    return ToolResult::text("Received: " + arguments.dump());
  });
}

}  // namespace mcph::mcp::conformance
