#include "request_state.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "mcph/codec/base64.h"
#include "mcph/codec/hex.h"

namespace mcph::mcp::detail {

namespace {

using nlohmann::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The originating request in a few bytes: its method, tool and arguments (a JSON object's keys
// are serialized in order, so equal arguments give equal digests).
std::string request_digest(const StateBinding& binding) {
  const std::string text = json{binding.method, binding.tool, binding.arguments}.dump();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return codec::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string random_bytes(std::size_t count, const char* what) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error(std::string("no random bytes for ") + what);
  }
  return bytes;
}

}  // namespace

RequestStateSeal::RequestStateSeal(std::string key, std::chrono::milliseconds ttl, std::size_t max_unexpired_taken)
    : key_(key.empty() ? random_bytes(32, "the requestState key") : std::move(key)),
      ttl_(ttl),
      max_unexpired_taken_(max_unexpired_taken) {}

std::string RequestStateSeal::mac(const std::string& payload) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(payload.data()),
       payload.size(), out, &length);
  return codec::base64url_encode(std::string_view(reinterpret_cast<const char*>(out), length));
}

std::string RequestStateSeal::mint(const std::string& subject, const StateBinding& binding) const {
  const json payload{{"sub", subject},
                     {"exp", now_ms() + ttl_.count()},
                     {"req", request_digest(binding)},
                     {"jti", codec::hex_encode(random_bytes(16, "a requestState's id"))}};
  const std::string encoded = codec::base64url_encode(payload.dump());
  return encoded + "." + mac(encoded);
}

std::optional<std::string> RequestStateSeal::spend(const std::string& id, std::int64_t expires_ms) const {
  const std::lock_guard lock(taken_mutex_);
  if (taken_.contains(id)) return "requestState has already been used";
  if (taken_.size() >= max_unexpired_taken_) {
    const std::int64_t now = now_ms();
    std::erase_if(taken_, [now](const auto& entry) { return entry.second < now; });
    if (taken_.size() >= max_unexpired_taken_) return "too many confirmations are in flight; ask again later";
  }
  taken_.emplace(id, expires_ms);
  return std::nullopt;
}

std::optional<std::string> RequestStateSeal::take(const std::string& state, const std::string& subject,
                                                  const StateBinding& binding, const StateLeniency& leniency) const {
  const auto dot = state.find('.');
  if (dot == std::string::npos) return "requestState is not one this server issued";
  const std::string encoded = state.substr(0, dot);
  const std::string presented = state.substr(dot + 1);
  const std::string expected = mac(encoded);
  if (!leniency.mac_unchecked &&
      (presented.size() != expected.size() || CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) != 0)) {
    return "requestState failed verification";
  }
  const auto decoded = codec::base64url_decode(encoded);
  const json payload = decoded ? json::parse(*decoded, nullptr, false) : json();
  if (!payload.is_object() || !payload.value("sub", json()).is_string() || !payload.value("exp", json()).is_number_integer() ||
      !payload.value("req", json()).is_string() || !payload.value("jti", json()).is_string()) {
    return "requestState is not one this server issued";
  }
  if (!leniency.principal_unchecked && payload["sub"] != subject) return "requestState was issued to another caller";
  if (!leniency.expiry_unchecked && payload["exp"].get<std::int64_t>() < now_ms()) return "requestState has expired";
  if (!leniency.request_unchecked && payload["req"] != request_digest(binding)) {
    return "requestState belongs to another request";
  }
  if (leniency.reuse_unchecked) return std::nullopt;
  return spend(payload["jti"].get<std::string>(), payload["exp"].get<std::int64_t>());
}

}  // namespace mcph::mcp::detail
