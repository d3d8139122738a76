#pragma once
// Small helpers every part of mock-vault uses: the JSON alias, clocks, random identifiers.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "mcph/codec/hex.h"
#include "mcph/openssl/crypto.h"

namespace mcph::mock_vault {

using Json = nlohmann::json;
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

std::int64_t unix_seconds(TimePoint t);
std::int64_t unix_now();
// Go's time.RFC3339Nano in UTC ("2006-01-02T15:04:05.999999999Z", trailing zeros trimmed), the
// format Vault's JSON uses for times.
std::string rfc3339_nano(TimePoint t);
// RFC 3339 with whole seconds ("2006-01-02T15:04:05Z").
std::string rfc3339(TimePoint t);

// Cryptographically random strings (lib/openssl's generator).
using openssl::random_bytes;
using openssl::random_uuid;  // Vault's ids: RFC 4122 version 4, lower-case
std::string random_base62(std::size_t length);
std::string random_hex(std::size_t length);
using codec::hex_encode;  // lower-case, two digits per byte

bool starts_with(std::string_view text, std::string_view prefix);
// ryanuber/go-glob, as Vault's strutil.StrListContainsGlob uses it: '*' matches any run of characters.
bool glob_match(const std::string& pattern, const std::string& text);
bool ends_with(std::string_view text, std::string_view suffix);

// True when JSON text nests arrays/objects deeper than `limit` (strings skipped). Checked before
// parsing: nlohmann's parser, dump and destructor recurse, and a deep body must not crash us.
bool json_too_deep(std::string_view text, std::size_t limit);

}  // namespace mcph::mock_vault
