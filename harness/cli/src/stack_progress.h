#pragma once
// A stack's start as a person follows it: each phase and each service's readiness, always;
// provisioning's line per item created ("  + user alice", "  + client scope …") only with
// --verbose, else one line that counts them.
#include <functional>
#include <string>

namespace mcph::harness::cli {

// Prints to stdout, flushed line by line.
std::function<void(const std::string&)> stack_progress(bool verbose);

}  // namespace mcph::harness::cli
