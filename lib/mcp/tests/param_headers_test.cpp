// A tool's parameter headers (protocol 2026-07-28's x-mcp-header, sent as Mcp-Param-<Name>): what
// a schema may declare, the values a client sends, the server's refusal of a header that
// disagrees with the body or is missing, and the client that learns them from tools/list.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/mcp/client.h"
#include "mcph/mcp/modern_message.h"
#include "mcph/mcp/param_headers.h"
#include "mcph/mcp/protocol.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kRouteSchema = R"({"type":"object","properties":{
  "region":{"type":"string","x-mcp-header":"Region"},
  "shard":{"type":"integer","x-mcp-header":"Shard"},
  "dry_run":{"type":"boolean","x-mcp-header":"Dry-Run"},
  "target":{"type":"object","properties":{"owner":{"type":"string","x-mcp-header":"Owner"}}},
  "note":{"type":"string"}}})";

TEST(ParamHeaders, AreReadThroughPropertiesAtAnyDepth) {
  const auto declared = param_headers(json::parse(kRouteSchema));
  ASSERT_EQ(declared.size(), 4u);
  std::map<std::string, std::string> where;
  for (const auto& param : declared) where[param.name] = param.argument.to_string() + " " + param.type;
  EXPECT_EQ(where["Region"], "/region string");
  EXPECT_EQ(where["Shard"], "/shard integer");
  EXPECT_EQ(where["Dry-Run"], "/dry_run boolean");
  EXPECT_EQ(where["Owner"], "/target/owner string");
  EXPECT_TRUE(param_headers(json::parse(R"({"type":"object"})")).empty());
}

TEST(ParamHeaders, DeclarationsTheRevisionDoesNotAllowAreRefused) {
  const auto refusal = [](const std::string& schema) {
    try {
      param_headers(json::parse(schema));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(taken)");
  };
  EXPECT_THAT(refusal(R"({"properties":{"n":{"type":"number","x-mcp-header":"N"}}})"), HasSubstr("not on number"));
  EXPECT_THAT(refusal(R"({"properties":{"n":{"x-mcp-header":"N"}}})"), HasSubstr("without one type"));
  EXPECT_THAT(refusal(R"({"properties":{"n":{"type":"string","x-mcp-header":"A B"}}})"), HasSubstr("RFC 9110 token"));
  EXPECT_THAT(refusal(R"({"properties":{"n":{"type":"string","x-mcp-header":""}}})"), HasSubstr("RFC 9110 token"));
  EXPECT_THAT(refusal(R"({"properties":{"a":{"type":"string","x-mcp-header":"Same"},
                                        "b":{"type":"string","x-mcp-header":"same"}}})"),
              HasSubstr("already /a's"));
}

TEST(ParamHeaders, ValuesGoAsTheRevisionWritesThem) {
  EXPECT_EQ(param_header_value(json(42)), "42");
  EXPECT_EQ(param_header_value(json(42.0)), "42");
  EXPECT_EQ(param_header_value(json(true)), "true");
  EXPECT_EQ(param_header_value(json("eu-west")), "eu-west");
  EXPECT_EQ(param_header_value(json("Zürich")), "=?base64?WsO8cmljaA==?=");
  EXPECT_EQ(param_header_value(json(" padded")), "=?base64?IHBhZGRlZA==?=");
  EXPECT_EQ(param_header_value(json("=?looks-encoded")), "=?base64?PT9sb29rcy1lbmNvZGVk?=");
}

// A server with the tool `route`, whose runs are counted.
class ParamHeaderServer : public ::testing::Test {
 protected:
  explicit ParamHeaderServer(bool unchecked = false) : server_(options(unchecked, runs_)) {}
  static testing::TestServerOptions options(bool unchecked, std::shared_ptr<std::atomic<int>> runs) {
    testing::TestServerOptions options;
    options.authentication = true;
    options.unsafe_param_headers_unchecked = unchecked;
    options.more_tools = [runs](Server& server) {
      ToolDefinition route;
      route.name = "route";
      route.description = "routes by its header parameters";
      route.input_schema = kRouteSchema;
      server.add_tool(route, [runs](const Arguments&, ToolContext&) {
        ++*runs;
        return ToolResult::text("routed");
      });
    };
    return options;
  }

  // A tools/call of route with `arguments`, its headers as the client makes them, then `changed`
  // (an empty value removes a header).
  http::ClientResponse call(const json& arguments, const http::Fields& changed = {}) {
    ClientOptions client;
    const json message = with_modern_meta(
        {{"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/call"}, {"params", {{"name", "route"}, {"arguments", arguments}}}},
        client.modern_protocol_version, client);
    http::Fields headers = modern_headers(message, client.modern_protocol_version, param_headers(json::parse(kRouteSchema)));
    for (const auto& change : changed) {
      std::erase_if(headers, [&](const auto& field) { return http::iequals(field.first, change.first); });
      if (!change.second.empty()) headers.push_back(change);
    }
    headers.emplace_back("Authorization", "Bearer alice-token");
    return http_.post("/mcp", message.dump(), "application/json", testing::post_headers(headers));
  }

  // The refusal's message when `answer` is the revision's header mismatch and nothing ran.
  std::string mismatch(const http::ClientResponse& answer) const {
    EXPECT_EQ(answer.status, 400) << answer.body;
    const json body = json::parse(answer.body, nullptr, false);
    EXPECT_EQ(body.value("/error/code"_json_pointer, 0), jsonrpc::kHeaderMismatch) << answer.body;
    EXPECT_EQ(*runs_, 0) << "the tool ran";
    return body.value("/error/message"_json_pointer, "");
  }

  std::shared_ptr<std::atomic<int>> runs_ = std::make_shared<std::atomic<int>>(0);
  testing::TestServer server_;
  http::Client http_{server_.base_url()};
};

const json kRouted = {{"region", "eu-west"}, {"shard", 7}, {"dry_run", false}, {"target", {{"owner", "alice"}}}};

TEST_F(ParamHeaderServer, HeadersAgreeingWithTheArgumentsRunTheTool) {
  const auto answer = call(kRouted);
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(*runs_, 1);
}

TEST_F(ParamHeaderServer, AHeaderThatDisagreesWithItsArgumentIsRefused) {
  EXPECT_THAT(mismatch(call(kRouted, {{"Mcp-Param-Region", "us-east"}})), HasSubstr("Mcp-Param-Region us-east"));
  EXPECT_THAT(mismatch(call(kRouted, {{"Mcp-Param-Owner", "bob"}})), HasSubstr("Mcp-Param-Owner"));
  EXPECT_THAT(mismatch(call(kRouted, {{"Mcp-Param-Dry-Run", "true"}})), HasSubstr("Mcp-Param-Dry-Run"));
  EXPECT_THAT(mismatch(call(kRouted, {{"Mcp-Param-Shard", "8"}})), HasSubstr("Mcp-Param-Shard"));
}

TEST_F(ParamHeaderServer, TheBase64FormIsDecodedBeforeItIsCompared) {
  mismatch(call(kRouted, {{"Mcp-Param-Region", "=?base64?dXMtZWFzdA==?="}}));  // us-east
  mismatch(call(kRouted, {{"Mcp-Param-Region", "=?base64?not base64?="}}));
  EXPECT_EQ(call(kRouted, {{"Mcp-Param-Region", "=?base64?ZXUtd2VzdA==?="}}).status, 200);  // eu-west
}

TEST_F(ParamHeaderServer, AMissingHeaderIsRefusedUnlessItsArgumentIsAbsentOrNull) {
  EXPECT_THAT(mismatch(call(kRouted, {{"Mcp-Param-Shard", ""}})), HasSubstr("Mcp-Param-Shard is required"));
  json without = kRouted;
  without.erase("shard");
  without["region"] = nullptr;
  EXPECT_EQ(call(without).status, 200);
}

TEST_F(ParamHeaderServer, IntegersCompareAsNumbers) {
  mismatch(call(kRouted, {{"Mcp-Param-Shard", "seven"}}));
  json routed = kRouted;
  routed["shard"] = 7.0;
  EXPECT_EQ(call(routed, {{"Mcp-Param-Shard", "7"}}).status, 200);
  EXPECT_EQ(call(kRouted, {{"Mcp-Param-Shard", "7.0"}}).status, 200);
}

TEST_F(ParamHeaderServer, AValueOutsideVisibleAsciiIsRefused) {
  json routed = kRouted;
  routed["region"] = "Zürich";
  EXPECT_THAT(mismatch(call(routed, {{"Mcp-Param-Region", "Zürich"}})), HasSubstr("characters a header value cannot"));
  EXPECT_EQ(call(routed).status, 200) << "the client's base64 form";
}

class UncheckedParamHeaderServer : public ParamHeaderServer {
 protected:
  UncheckedParamHeaderServer() : ParamHeaderServer(/*unchecked=*/true) {}
};

TEST_F(UncheckedParamHeaderServer, TheUnsafeSwitchRunsACallWhoseHeaderDisagrees) {
  EXPECT_EQ(call(kRouted, {{"Mcp-Param-Region", "us-east"}}).status, 200);
  EXPECT_EQ(*runs_, 1);
}

TEST(ParamHeaderTools, AToolDeclaringAHeaderTheRevisionDoesNotAllowIsNotAdded) {
  Server server(testing::test_server_options({}));
  ToolDefinition bad;
  bad.name = "bad";
  bad.input_schema = R"({"type":"object","properties":{"n":{"type":"number","x-mcp-header":"N"}}})";
  try {
    server.add_tool(bad, [](const Arguments&, ToolContext&) { return ToolResult::text(""); });
    FAIL() << "added";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("tool bad: inputSchema property /n"));
  }
}

TEST_F(ParamHeaderServer, AModernClientLearnsTheHeadersAtConnectAndSendsThem) {
  ClientOptions options;
  options.era = Era::modern;
  Client client(server_.endpoint(), options);
  client.set_header("Authorization", "Bearer alice-token");
  ASSERT_TRUE(client.connect().ok());
  const ToolCallOutcome routed = client.call_tool("route", kRouted.dump());
  EXPECT_TRUE(routed.ok()) << routed.rpc.body;
  EXPECT_EQ(*runs_, 1);
}

TEST_F(ParamHeaderServer, AClientThatNeverListedTheToolsSendsNoneAndIsRefused) {
  ClientOptions options;
  options.era = Era::modern;
  Client client(server_.endpoint(), options);
  client.set_header("Authorization", "Bearer alice-token");
  const ToolCallOutcome routed = client.call_tool("route", kRouted.dump());
  EXPECT_EQ(routed.rpc.http_status, 400);
  ASSERT_TRUE(client.list_tools().size() > 0);
  EXPECT_TRUE(client.call_tool("route", kRouted.dump()).ok());
  EXPECT_EQ(*runs_, 1);
}

}  // namespace
}  // namespace mcph::mcp
