#include "substitution.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcph::harness::scenario {
namespace {

std::optional<std::string> known(const std::string& name) {
  if (name == "bob.id") return "7f3e";
  if (name == "role") return "v-alice-x";
  return std::nullopt;
}

TEST(Substitution, ReplacesEveryReference) {
  EXPECT_EQ(substitute("sub ${bob.id} role ${role}${role}", known), "sub 7f3e role v-alice-xv-alice-x");
  EXPECT_EQ(substitute("no references", known), "no references");
}

TEST(Substitution, UnknownAndUnclosedReferencesAreErrors) {
  EXPECT_THROW(substitute("${carol.id}", known), std::runtime_error);
  EXPECT_THROW(substitute("x ${bob.id", known), std::runtime_error);
}

TEST(Substitution, JsonStringsAreSubstitutedAndOtherValuesKept) {
  const auto out = substitute_json(nlohmann::json::parse(R"({"sub":"${bob.id}","n":3,"list":["${role}",true]})"), known);
  EXPECT_EQ(out, nlohmann::json::parse(R"({"sub":"7f3e","n":3,"list":["v-alice-x",true]})"));
}

}  // namespace
}  // namespace mcph::harness::scenario
