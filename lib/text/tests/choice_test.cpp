#include "mcph/text/choice.h"

#include <gtest/gtest.h>

namespace mcph::text {
namespace {

enum class Colour { red, green, blue };
constexpr std::array<std::string_view, 3> kColours = {"red", "green", "blue"};

TEST(Choice, AWordNamesTheValueInItsPlace) {
  EXPECT_EQ(choice_of<Colour>("red", kColours), Colour::red);
  EXPECT_EQ(choice_of<Colour>("blue", kColours), Colour::blue);
  EXPECT_EQ(name_of(Colour::green, kColours), "green");
}

TEST(Choice, AnyOtherSpellingNamesNothing) {
  EXPECT_EQ(choice_of<Colour>("Red", kColours), std::nullopt);
  EXPECT_EQ(choice_of<Colour>("", kColours), std::nullopt);
  EXPECT_EQ(choice_of<Colour>("red ", kColours), std::nullopt);
}

TEST(Choice, TheChoicesReadAsAList) {
  EXPECT_EQ(choices(kColours), "\"red\", \"green\" or \"blue\"");
  EXPECT_EQ(choices(std::array<std::string_view, 2>{"a", "b"}), "\"a\" or \"b\"");
}

}  // namespace
}  // namespace mcph::text
