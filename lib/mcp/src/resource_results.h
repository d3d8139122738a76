#pragma once
// The results of resources/list and resources/read from a ResourceSource, in either era.
#include <nlohmann/json.hpp>

#include "mcph/mcp/resource.h"

namespace mcph::mcp::detail {

nlohmann::json resources_list_result(const ResourceSource& source, const Principal& caller);
// Throws RpcFailure(-32602) without a string uri, and for a resource the caller has none at
// (2026-07-28 server/resources: a missing resource is -32602, never empty contents), its data
// {"uri": the uri asked for}.
nlohmann::json resources_read_result(const ResourceSource& source, const nlohmann::json& params,
                                     const Principal& caller);

}  // namespace mcph::mcp::detail
