#include "mcph/proc/listen_line.h"

#include <gtest/gtest.h>

namespace mcph::proc {
namespace {

TEST(ListenLine, RoundTripsAUrl) {
  EXPECT_EQ(listen_line("http://127.0.0.1:41001"), "listening http://127.0.0.1:41001");
  EXPECT_EQ(parse_listen_line(listen_line("http://127.0.0.1:41001")), "http://127.0.0.1:41001");
}

TEST(ListenLine, TakesAnHttpsUrlOfAServerThatTerminatesTls) {
  EXPECT_EQ(parse_listen_line("listening https://127.0.0.1:41001"), "https://127.0.0.1:41001");
  EXPECT_FALSE(parse_listen_line("listening https://").has_value());
}

TEST(ListenLine, AcceptsTrailingLineEndsOnly) {
  EXPECT_EQ(parse_listen_line("listening http://127.0.0.1:41001\r\n"), "http://127.0.0.1:41001");
}

TEST(ListenLine, RefusesOtherLines) {
  EXPECT_FALSE(parse_listen_line("listening on port 41001").has_value());
  EXPECT_FALSE(parse_listen_line("[svc] GET / 200").has_value());
  EXPECT_FALSE(parse_listen_line("listening http://").has_value());
  EXPECT_FALSE(parse_listen_line(" listening http://127.0.0.1:1").has_value());
}

}  // namespace
}  // namespace mcph::proc
