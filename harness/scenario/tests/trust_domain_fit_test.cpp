// What a scenario may ask of the stack's trust domain: everything of mock-spiffe; of the real
// SPIRE, SVIDs through its Workload API (the entries' 60 s, its own trust domain's), another
// trust domain's signed with its own key when the stack file says where it keeps it, and its
// keys rotated by its operator's commands — the rest is not applicable there, saying why, never
// an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "trust_domain_fit.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;

stack::StackFile stack_with_spiffe(const std::string& implementation) {
  stack::StackFile stack;
  stack::ServiceEntry spiffe;
  spiffe.url = "https://127.0.0.1:1";
  spiffe.implementation = implementation;
  stack.services["spiffe"] = spiffe;
  return stack;
}

Scenario with_step(StepSpec spec) {
  Scenario scenario;
  Step step;
  step.spec = std::move(spec);
  scenario.steps.push_back(step);
  return scenario;
}

TEST(TrustDomainFitTest, SpireIsAskedForWhatItsWorkloadApiGives) {
  EXPECT_EQ(trust_domain_cannot(with_step(SvidTokenStep{}), stack_with_spiffe("native")), std::nullopt);
  SvidTokenStep attacker;
  attacker.sign = SvidSigner::attacker_new_kid;
  attacker.ttl = 1;  // signed by the harness itself: any lifetime
  EXPECT_EQ(trust_domain_cannot(with_step(attacker), stack_with_spiffe("native")), std::nullopt);
  // Rotated with spire-server's localauthority commands (spire_rotation.h).
  EXPECT_EQ(trust_domain_cannot(with_step(SpiffeStep{}), stack_with_spiffe("native")), std::nullopt);
  // A shorter lifetime is the entry's, updated around the step (spire_entry_lifetime.h).
  SvidTokenStep short_lived;
  short_lived.ttl = 1;
  EXPECT_EQ(trust_domain_cannot(with_step(short_lived), stack_with_spiffe("native")), std::nullopt);
}

TEST(TrustDomainFitTest, WhatOnlyMockSpiffeGivesIsNotApplicableWithSpire) {
  SvidTokenStep long_lived;
  long_lived.ttl = 600;
  EXPECT_THAT(trust_domain_cannot(with_step(long_lived), stack_with_spiffe("native")).value_or(""),
              HasSubstr("not applicable: it needs an SVID living 600 s"));
  SvidTokenStep foreign;
  foreign.sub = "spiffe://attacker.example/agent/a";
  EXPECT_THAT(trust_domain_cannot(with_step(foreign), stack_with_spiffe("native")).value_or(""),
              HasSubstr("another trust domain's SPIFFE ID, which the real SPIRE never mints, and the stack's spiffe "
                        "entry names no spire_signing_keys"));
}

TEST(TrustDomainFitTest, AForeignSvidIsSignedWithSpiresOwnKeyWhenTheStackSaysWhereItIs) {
  SvidTokenStep foreign;
  foreign.sub = "spiffe://attacker.example/agent/a";
  stack::StackFile stack = stack_with_spiffe("native");
  stack.services["spiffe"].spire_signing_keys = "/run/x/spire/server/keys.json";
  EXPECT_EQ(trust_domain_cannot(with_step(foreign), stack), std::nullopt);
}

TEST(TrustDomainFitTest, MockSpiffeIsAskedForAnything) {
  SvidTokenStep short_lived;
  short_lived.ttl = 1;
  EXPECT_EQ(trust_domain_cannot(with_step(short_lived), stack_with_spiffe("standin")), std::nullopt);
  EXPECT_EQ(trust_domain_cannot(with_step(SpiffeStep{}), stack_with_spiffe("standin")), std::nullopt);
  EXPECT_EQ(trust_domain_cannot(with_step(SpiffeStep{}), stack::StackFile{}), std::nullopt);
}

}  // namespace
}  // namespace mcph::harness::scenario
