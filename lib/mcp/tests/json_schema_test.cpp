#include "mcph/mcp/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcph::mcp {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const json kSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "key": {"type": "string", "minLength": 3, "maxLength": 5},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "state": {"enum": ["open", "closed"]},
    "labels": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    "owner": {"type": "object", "properties": {"login": {"type": "string"}}, "required": ["login"]},
    "either": {"type": ["string", "null"]}
  },
  "required": ["key"],
  "additionalProperties": false
})");

std::vector<std::string> check(const json& instance) { return validate_json_schema(kSchema, instance); }

TEST(JsonSchema, AcceptsAValidInstance) {
  EXPECT_THAT(check(json::parse(
                  R"({"key":"ABC","limit":10,"state":"open","labels":["a"],"owner":{"login":"x"},"either":null})")),
              IsEmpty());
}

TEST(JsonSchema, NamesMissingRequiredProperties) {
  EXPECT_THAT(check(json::object()), ElementsAre("(root): missing required property 'key'"));
  EXPECT_THAT(check({{"key", "abc"}, {"owner", json::object()}}),
              ElementsAre("/owner: missing required property 'login'"));
}

TEST(JsonSchema, ChecksTypesIncludingIntegerValuedNumbers) {
  EXPECT_THAT(check({{"key", 123}}), ElementsAre("/key: expected string, got integer"));
  EXPECT_THAT(check({{"key", "abc"}, {"limit", 2.5}}), ElementsAre("/limit: expected integer, got number"));
  EXPECT_THAT(check({{"key", "abc"}, {"limit", 2.0}}), IsEmpty());
  EXPECT_THAT(check({{"key", "abc"}, {"either", 1}}), ElementsAre("/either: expected string or null, got integer"));
  EXPECT_THAT(check(json::array()), ElementsAre("(root): expected object, got array"));
}

TEST(JsonSchema, ChecksBoundsEnumsItemsAndUnknownProperties) {
  EXPECT_THAT(check({{"key", "ab"}}), ElementsAre("/key: must have at least 3 characters"));
  EXPECT_THAT(check({{"key", "abc"}, {"limit", 0}}), ElementsAre("/limit: must be >= 1"));
  EXPECT_THAT(check({{"key", "abc"}, {"state", "merged"}}), ElementsAre(R"(/state: must be one of ["open","closed"])"));
  EXPECT_THAT(check({{"key", "abc"}, {"labels", {"a", 1}}}), ElementsAre("/labels/1: expected string, got integer"));
  EXPECT_THAT(check({{"key", "abc"}, {"labels", {"a", "b", "c"}}}), ElementsAre("/labels: must have at most 2 items"));
  EXPECT_THAT(check({{"key", "abc"}, {"a/b", 1}}), ElementsAre("/a~1b: unknown property 'a/b'"));
}

TEST(JsonSchema, CountsCodePointsNotBytes) {
  EXPECT_THAT(check({{"key", "\xc3\xa9\xc3\xa9\xc3\xa9"}}), IsEmpty());  // 3 characters, 6 bytes
}

TEST(JsonSchema, CombinatorsAndIgnoredKeywords) {
  const json schema = json::parse(R"({"$schema":"https://json-schema.org/draft/2020-12/schema",
    "anyOf":[{"type":"string"},{"type":"integer"}], "format":"whatever", "$ref":"#/nowhere"})");
  EXPECT_THAT(validate_json_schema(schema, "x"), IsEmpty());
  EXPECT_THAT(validate_json_schema(schema, 1), IsEmpty());
  EXPECT_THAT(validate_json_schema(schema, true), ElementsAre("(root): matches none of the allowed schemas (anyOf)"));
}

TEST(JsonSchema, ReportsAtMostTheRequestedNumberOfProblems) {
  json instance = json::object();
  for (int i = 0; i < 50; ++i) instance["p" + std::to_string(i)] = i;
  EXPECT_EQ(validate_json_schema(kSchema, instance, 5).size(), 5u);
}

}  // namespace
}  // namespace mcph::mcp
