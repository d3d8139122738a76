#pragma once
// Where the commands find the stack: `--stack FILE`, or `--run-dir DIR` (DIR/stack.json), by
// default the run directory of `mcp-harness up`, .mcp-harness in the current directory.
#include <filesystem>
#include <string>

#include "mcph/cli/flags.h"

namespace mcph::harness::cli {

inline constexpr const char* kDefaultRunDir = ".mcp-harness";

// Declares --stack and --run-dir.
void add_stack_flags(mcph::cli::Flags& flags);

// This program's own path, to start `mcp-harness supervise` with (empty when unknown).
std::string this_binary();

// The stack file the flags name; exits 2 with a message when both are given.
std::filesystem::path stack_file_from(const mcph::cli::Flags& flags, const std::string& program);

}  // namespace mcph::harness::cli
