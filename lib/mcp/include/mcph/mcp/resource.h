#pragma once
// Resources a server offers each caller of its own: resources/list names those the caller may
// read, resources/read gives one. A source that answers per caller is per-user: its results
// carry cacheScope "private" in the modern era (a cache must not serve them to another token).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mcph/mcp/auth.h"

namespace mcph::mcp {

struct ResourceInfo {
  std::string uri;
  std::string name;
  std::string description;
  std::string mime_type = "application/json";
};

struct ResourceText {
  std::string uri;
  std::string mime_type = "application/json";
  std::string text;
};

struct ResourceSource {
  // The resources `caller` may read.
  std::function<std::vector<ResourceInfo>(const Principal& caller)> list;
  // The resource at `uri` as `caller` may read it; nullopt when there is none for this caller
  // (resources/read answers -32602 either way, so that another user's URI reveals nothing).
  std::function<std::optional<ResourceText>(const std::string& uri, const Principal& caller)> read;
  bool per_user = true;
};

}  // namespace mcph::mcp
