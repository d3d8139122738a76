#pragma once
// A property a fuzz target asserts about the code under test (an answer's status, that an
// error never echoes a secret, ...). When it does not hold, the input is a finding: the
// message goes to stderr and the process aborts, which libFuzzer reports as a crash and the
// regression driver as a failed test. Unlike assert(), it is never compiled out.
#include <string_view>

namespace mcph::fuzz {

void check(bool holds, std::string_view what);
[[noreturn]] void fail(std::string_view what);

}  // namespace mcph::fuzz
