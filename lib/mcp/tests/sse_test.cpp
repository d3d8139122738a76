#include "mcph/mcp/sse.h"

#include <gtest/gtest.h>

namespace mcph::mcp {
namespace {

TEST(Sse, FormatsOneMessageEvent) {
  EXPECT_EQ(format_sse_event(R"({"a":1})"), "event: message\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(format_sse_event("x\ny"), "event: message\ndata: x\ndata: y\n\n");
}

TEST(Sse, ParsesWhatItFormats) {
  const auto events = parse_sse(format_sse_event("one") + format_sse_event("two\nlines"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "one");
  EXPECT_EQ(events[1].data, "two\nlines");
  EXPECT_EQ(events[1].event, "message");
}

TEST(Sse, HandlesCrlfCommentsIdsAndFieldsWithoutSpace) {
  const auto events = parse_sse(": keep-alive\r\nid: 7\r\nevent: custom\r\ndata:{\"x\":1}\r\n\r\ndata: b\rdata: c\r\r");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[0].event, "custom");
  EXPECT_EQ(events[0].data, "{\"x\":1}");
  EXPECT_EQ(events[1].data, "b\nc");
}

TEST(Sse, SkipsEventsWithoutDataAndAnUnterminatedTail) {
  // An event with no data line is not dispatched; one with an empty data line (MCP's priming
  // event) is, with empty data.
  const auto events = parse_sse("id: 1\nretry: 500\n\ndata: \n\ndata: cut");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "");
}

}  // namespace
}  // namespace mcph::mcp
