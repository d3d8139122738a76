#include "mcph/text/count.h"

#include <gtest/gtest.h>

#include <string>

namespace mcph::text {
namespace {

TEST(CountOf, CountsEveryOccurrenceOverlappingOnesIncluded) {
  EXPECT_EQ(count_of("HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", "HTTP/1.1 200"), 2u);
  EXPECT_EQ(count_of("aaa", "aa"), 2u);
  EXPECT_EQ(count_of(std::string("no such words"), "FATAL"), 0u);
  EXPECT_EQ(count_of("anything", ""), 0u);  // nothing to count, not a count of positions
}

}  // namespace
}  // namespace mcph::text
