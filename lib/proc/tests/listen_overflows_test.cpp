#include "mcph/proc/listen_overflows.h"

#include <gtest/gtest.h>

namespace mcph::proc {
namespace {

// Linux always has the counter; -1 would mean the parse no longer finds it.
TEST(ListenOverflows, IsReadFromTheKernel) { EXPECT_GE(listen_overflows(), 0); }

}  // namespace
}  // namespace mcph::proc
