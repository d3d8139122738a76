// The one matcher vocabulary every checked value takes (value_matcher.h): what each check holds
// for, and the loader's refusal of a matcher written in a removed form, naming the new one.
#include "value_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "expectations.h"
#include "mcph/harness/scenario/scenario_loader.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using Verdict = reports::Check::Verdict;

TEST(ValueMatcher, APlainValueEqualsAsTextAndAStructuredOneAsJson) {
  EXPECT_TRUE(value_matches(75, 75));
  EXPECT_TRUE(value_matches("75", 75));
  EXPECT_FALSE(value_matches(76, 75));
  EXPECT_TRUE(value_matches(Json::array(), Json::array()));
  EXPECT_FALSE(value_matches("[]", Json::array()));
  EXPECT_TRUE(value_matches(Json(), Json()));  // null: absent, as written
  EXPECT_TRUE(value_matches("a bearer token", "bearer", {PlainValue::contains}));
}

TEST(ValueMatcher, EqualsWithAJsonArrayOrObjectComparesJson) {
  EXPECT_TRUE(value_matches(Json::array({"jira"}), {{"equals", Json::array({"jira"})}}));
  EXPECT_FALSE(value_matches(Json::array({"jira", "note"}), {{"equals", Json::array({"jira"})}}));
  EXPECT_TRUE(value_matches(Json::object(), {{"equals", Json::object()}}));
  EXPECT_FALSE(value_matches(Json::array(), {{"equals", Json::object()}}));
}

TEST(ValueMatcher, EveryCheckOfAMappingMustHold) {
  const Json matcher = {{"starts_with", "v-"}, {"contains", "bob"}};
  EXPECT_TRUE(value_matches("v-bob-1", matcher));
  EXPECT_FALSE(value_matches("v-alice-1", matcher));
  EXPECT_FALSE(value_matches("bob", matcher));
}

TEST(ValueMatcher, MatchesSearchesARegularExpressionAndCountCountsEntries) {
  EXPECT_TRUE(value_matches("max-age=31536000", {{"matches", "max-age=[0-9]{6,}"}}));
  EXPECT_FALSE(value_matches("max-age=60", {{"matches", "max-age=[0-9]{6,}"}}));
  EXPECT_TRUE(value_matches("NO-STORE", {{"matches", "no-store"}}, {PlainValue::contains, true}));
  EXPECT_TRUE(value_matches(Json::array({1, 2, 3}), {{"count", 3}}));
  EXPECT_FALSE(value_matches(Json::array({1, 2}), {{"count", 3}}));
  EXPECT_FALSE(value_matches("abc", {{"count", 3}}));
}

TEST(ValueMatcher, NotNegatesAMatcherButAnAbsentValueNeverPasses) {
  const Json not_alice = {{"not", {{"equals", "v-alice"}}}};
  EXPECT_TRUE(value_matches("v-bob", not_alice));
  EXPECT_FALSE(value_matches("v-alice", not_alice));
  EXPECT_FALSE(value_matches(Json(), not_alice));
  EXPECT_FALSE(value_matches(Json::array({"note"}), {{"not", {{"equals", Json::array({"note"})}}}}));
  EXPECT_TRUE(value_matches(Json::array(), {{"not", {{"equals", Json::array({"note"})}}}}));
}

TEST(ValueMatcher, TheSameVocabularyChecksHeadersAndTexts) {
  StepOutcome outcome;
  outcome.http.status = 401;
  outcome.http.headers = {{"Cache-Control", "No-Store"}};
  outcome.http.body = R"({"error":"invalid_token"})";
  const auto check = [&](const std::string& kind, const Json& value) {
    return check_expectations({{kind, value.dump(), {"x.yaml", 1}}}, outcome, {}).at(0).verdict;
  };
  EXPECT_EQ(check("header_contains", {{"Cache-Control", "no-store"}}), Verdict::held);
  EXPECT_EQ(check("header_contains", {{"Cache-Control", {{"matches", "^no-(store|cache)$"}}}}), Verdict::held);
  EXPECT_EQ(check("header_contains", {{"Cache-Control", {{"not", {{"contains", "no-store"}}}}}}), Verdict::failed);
  EXPECT_EQ(check("header_contains", {{"Pragma", {{"not", {{"contains", "x"}}}}}}), Verdict::failed);
  EXPECT_EQ(check("body_contains", "invalid_token"), Verdict::held);
  EXPECT_EQ(check("body_contains", {{"matches", "\"error\":\"invalid_(token|request)\""}}), Verdict::held);
  EXPECT_EQ(check("body_contains", {{"not", {{"contains", "invalid_token"}}}}), Verdict::failed);
}

std::string expect_error(const std::string& expect) {
  const std::string file = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.get_issue\n"
                           "        expect: " + expect + "\n";
  try {
    parse_scenario_file(file, "x.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(ValueMatcher, TheLoaderNamesTheNewFormOfARemovedOne) {
  EXPECT_THAT(expect_error("{result_json: {/who: {not_equals: v-alice}}}"),
              HasSubstr("x.yaml:6: scenarios[0].steps[0].expect.result_json: /who: not_equals was removed: write {not: {equals: \"v-alice\"}}"));
  EXPECT_THAT(expect_error("{result_json: {/keys: {equals: \"[]\"}}}"),
              HasSubstr("/keys: equals: a JSON value is written as JSON, not as text: {equals: []}"));
  EXPECT_THAT(expect_error("{result_json: {/keys: {size: 1}}}"),
              HasSubstr("unknown check \"size\" (equals, contains, starts_with, matches, count, not)"));
  EXPECT_THAT(expect_error("{body_contains: {matches: \"(\"}}"), HasSubstr("matches: not a regular expression"));
  EXPECT_THAT(expect_error("{header_contains: {Cache-Control: {not: {count: x}}}}"),
              HasSubstr("Cache-Control: not: count: expected a number of entries"));
  EXPECT_EQ(expect_error("{result_json: {/keys: {equals: [jira]}, /who: {not: {equals: v-alice}, matches: \"^v-\"}}}"),
            "(loaded)");
}

}  // namespace
}  // namespace mcph::harness::scenario
