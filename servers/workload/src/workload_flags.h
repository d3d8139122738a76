#pragma once
// The command line of workload-mcp: its flags, and the settings they make. A bad value ends the
// process with a usage error (exit status 2).
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/workload/call_gate.h"

namespace mcph::workload {

[[noreturn]] void usage_error(const std::string& message);
void declare_flags(cli::Flags& flags);
DpopAuthSettings dpop_auth_settings(const cli::Flags& flags);
PolicySettings policy_settings(const cli::Flags& flags);
GateSwitches gate_switches(const cli::Flags& flags);

}  // namespace mcph::workload
