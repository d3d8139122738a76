#pragma once
// Vault's limits on JSON request bodies (since 1.20, before any handler sees them): nesting
// depth, string length, entries per object, elements per array, tokens in all, duplicate keys,
// unclosed containers. A body past a limit is answered 500 with the limit's own message, as real
// Vault does (http/util.go wrapJSONLimitsHandler; sdk helper/jsonutil VerifyMaxDepthStreaming).
#include <optional>
#include <string>
#include <string_view>

namespace mcph::mock_vault {

struct JsonLimits {
  int max_depth = 300;
  std::size_t max_string_length = 1024 * 1024;
  int max_object_entries = 10000;
  int max_array_elements = 10000;
  int max_tokens = 500000;
};

// The message Vault gives for the first limit `body` breaks; nullopt when it breaks none (or
// does not start with '{' or '[': the limits are for structured data).
std::optional<std::string> json_limit_broken(std::string_view body, const JsonLimits& limits = {});

}  // namespace mcph::mock_vault
