#include "text.h"

#include <gtest/gtest.h>

namespace mcph::reports::detail {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(ValidText, PassesValidUtf8Through) {
  const std::string text = "alice → bob · café 日本語 😀 tab\tnewline\nreturn\r";
  EXPECT_EQ(valid_text(text), text);
}

TEST(ValidText, ReplacesCharactersXmlForbids) {
  EXPECT_EQ(valid_text(std::string("a\0b", 3)), "a" + kReplacement + "b");
  EXPECT_EQ(valid_text("bell\x07 esc\x1b del\x7f"), "bell" + kReplacement + " esc" + kReplacement + " del" + kReplacement);
  EXPECT_EQ(valid_text("\xC2\x85"), kReplacement);      // C1 control NEL
  EXPECT_EQ(valid_text("\xEF\xBF\xBE"), kReplacement);  // U+FFFE
  EXPECT_EQ(valid_text("\xEF\xBF\xBF"), kReplacement);  // U+FFFF
}

TEST(ValidText, ReplacesInvalidUtf8ByteByByte) {
  EXPECT_EQ(valid_text("\xC0\xAF"), kReplacement + kReplacement);  // overlong '/'
  EXPECT_EQ(valid_text("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(valid_text("\xF5\x80\x80\x80").substr(0, 3), kReplacement);  // above U+10FFFF
  EXPECT_EQ(valid_text("ok\xE6\x97"), "ok" + kReplacement + kReplacement);  // cut short
  EXPECT_EQ(valid_text("\x80x"), kReplacement + "x");                      // stray continuation
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  EXPECT_EQ(truncate_utf8("abc", 10), "abc");
  EXPECT_EQ(truncate_utf8("ab日本", 4), "ab");  // 日 is 3 bytes: it does not fit
  EXPECT_EQ(truncate_utf8("ab日本", 5), "ab日");
}

TEST(Clean, ScrubsCapsAndValidates) {
  EXPECT_EQ(clean("password=alice123\x01"), "password=****" + kReplacement);
  const std::string huge(kMaxFieldBytes + 10, 'x');
  const std::string cut = clean(huge);
  EXPECT_LT(cut.size(), kMaxFieldBytes + 100);
  EXPECT_NE(cut.find(std::to_string(huge.size()) + " bytes in all"), std::string::npos);
}

TEST(Escape, EscapesMarkupCharactersForTextAndAttributes) {
  EXPECT_EQ(escape("<a href=\"x\">'&'</a>", false), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(escape("a\tb\nc\rd", false), "a\tb\nc&#13;d");
  EXPECT_EQ(escape("a\tb\nc\rd", true), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(markup_text("<b>password=hunter2hunter2 </b>"), "&lt;b&gt;password=****ter2 &lt;/b&gt;");
}

TEST(SecondsText, HasMillisecondsAndADotWhateverTheValue) {
  EXPECT_EQ(seconds_text(0), "0.000");
  EXPECT_EQ(seconds_text(1.23456), "1.235");
  EXPECT_EQ(seconds_text(-3), "0.000");
  EXPECT_EQ(seconds_text(std::numeric_limits<double>::quiet_NaN()), "0.000");
  EXPECT_EQ(seconds_text(std::numeric_limits<double>::infinity()), "0.000");
}

}  // namespace
}  // namespace mcph::reports::detail
