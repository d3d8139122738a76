// A forge step's signings (token_forge.h): each name a scenario file may write is one signing,
// and the signings that need no key keep, cut or drop the token's own signature.
#include <gtest/gtest.h>

#include "mcph/codec/base64.h"
#include "mcph/text/choice.h"
#include "token_forge.h"

namespace mcph::harness::scenario {
namespace {

const std::string kHeader = codec::base64url_encode(R"({"alg":"RS256","kid":"k1"})");
const std::string kPayload = codec::base64url_encode(R"({"sub":"alice"})");
const std::string kToken = kHeader + "." + kPayload + ".c2lnbmF0dXJlLWJ5dGVz";

std::string signature_of(const std::string& token) { return token.substr(token.rfind('.') + 1); }

TEST(ForgeSigning, EveryNameIsItsOwnSigningAndNothingElseIsOne) {
  for (std::size_t i = 0; i < kForgeSignings.size(); ++i) {
    EXPECT_EQ(text::choice_of<ForgeSigning>(kForgeSignings[i], kForgeSignings), static_cast<ForgeSigning>(i)) << kForgeSignings[i];
  }
  EXPECT_FALSE(text::choice_of<ForgeSigning>("none", kForgeSignings).has_value());
  EXPECT_FALSE(text::choice_of<ForgeSigning>("Keep", kForgeSignings).has_value());
  EXPECT_EQ(ForgeSpec{}.sign, ForgeSigning::keep);  // no `sign:` keeps the signature
}

TEST(ForgeSigning, KeepCutAndStripWorkOnTheTokensOwnSignature) {
  ForgeSpec spec;
  spec.claims = {{"sub", "bob"}};
  spec.sign = ForgeSigning::keep;
  const std::string kept = forge_token(kToken, spec, "");
  EXPECT_EQ(signature_of(kept), "c2lnbmF0dXJlLWJ5dGVz");
  EXPECT_NE(kept, kToken);  // the claims changed under the old signature

  spec.sign = ForgeSigning::cut;
  EXPECT_EQ(signature_of(forge_token(kToken, spec, "")), "c2lnbmF0dX");

  spec.sign = ForgeSigning::strip;
  const std::string stripped = forge_token(kToken, spec, "");
  EXPECT_EQ(stripped.back(), '.');
  EXPECT_EQ(stripped.substr(0, stripped.size() - 1), kept.substr(0, kept.rfind('.')));
}

}  // namespace
}  // namespace mcph::harness::scenario
