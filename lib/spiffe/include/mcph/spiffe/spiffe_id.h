#pragma once
// SPIFFE IDs (the SPIFFE ID standard, §2): spiffe://<trust domain>/<path>, the trust domain of
// lower-case letters, digits, '.', '-' and '_', each path segment non-empty, of letters, digits,
// '.', '-' and '_', and neither "." nor "..".
#include <optional>
#include <string>
#include <string_view>

namespace mcph::spiffe {

// Why `name` is not a trust domain name, or nullopt when it is one.
std::optional<std::string> why_not_trust_domain(std::string_view name);
// Why `id` is not a workload SPIFFE ID of `trust_domain`, or nullopt when it is one.
std::optional<std::string> why_not_member_id(std::string_view id, std::string_view trust_domain);
// The trust domain a spiffe://<trust domain>/… ID names ("" when it has no spiffe:// scheme);
// the caller checks the ID with why_not_member_id of that domain.
std::string trust_domain_of(std::string_view id);
// spiffe://<trust_domain>/agent/<name>; the caller checks it with why_not_member_id.
std::string agent_id(std::string_view trust_domain, std::string_view name);
// The same workload path in `trust_domain` (spiffe://a/agent/x → spiffe://b/agent/x); `id`
// unchanged when it has no spiffe:// scheme.
std::string in_trust_domain(std::string_view id, std::string_view trust_domain);

}  // namespace mcph::spiffe
