#include "claims.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "message_text.h"

namespace mcph::jose::detail {
namespace {

using Json = nlohmann::json;
using Limits = std::numeric_limits<std::int64_t>;

// NumericDates may be fractional (RFC 7519 §2). Rounding goes the strict way: exp down, nbf
// and iat up, so a fraction never buys a token extra life.
enum class Rounding { down, up };

std::optional<std::int64_t> numeric_date(const Json& payload, const char* name, Rounding rounding) {
  const auto found = payload.find(name);
  if (found == payload.end()) {
    return std::nullopt;
  }
  const std::string not_a_date = std::string("claim '") + name + "' is not a NumericDate";
  if (found->is_number_integer() && !found->is_number_unsigned()) {
    return found->get<std::int64_t>();
  }
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(Limits::max())) {
      throw JoseError(ErrorKind::malformed, not_a_date + " (out of range)");
    }
    return static_cast<std::int64_t>(value);
  }
  if (found->is_number_float()) {
    const double value = found->get<double>();
    constexpr double kLimit = 1e15;  // about 31 million years; beyond that it is not a date
    if (!std::isfinite(value) || std::fabs(value) > kLimit) {
      throw JoseError(ErrorKind::malformed, not_a_date + " (out of range)");
    }
    return static_cast<std::int64_t>(rounding == Rounding::down ? std::floor(value)
                                                                : std::ceil(value));
  }
  throw JoseError(ErrorKind::malformed, not_a_date + " (must be a number)");
}

std::optional<std::string> string_claim(const Json& payload, const char* name) {
  const auto found = payload.find(name);
  if (found == payload.end()) {
    return std::nullopt;
  }
  if (!found->is_string()) {
    throw JoseError(ErrorKind::malformed, std::string("claim '") + name + "' must be a string");
  }
  return found->get<std::string>();
}

std::optional<std::vector<std::string>> audience_claim(const Json& payload) {
  const auto found = payload.find("aud");
  if (found == payload.end()) {
    return std::nullopt;
  }
  if (found->is_string()) {
    return std::vector<std::string>{found->get<std::string>()};
  }
  if (!found->is_array()) {
    throw JoseError(ErrorKind::malformed, "claim 'aud' must be a string or an array of strings");
  }
  std::vector<std::string> audiences;
  for (const Json& entry : *found) {
    if (!entry.is_string()) {
      throw JoseError(ErrorKind::malformed, "claim 'aud' has an element that is not a string");
    }
    audiences.push_back(entry.get<std::string>());
  }
  return audiences;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > Limits::max() - b) {
    return Limits::max();
  }
  if (b < 0 && a < Limits::min() - b) {
    return Limits::min();
  }
  return a + b;
}

std::string describe_audiences(const std::vector<std::string>& audiences) {
  constexpr std::size_t kShown = 5;
  std::string text = "[";
  for (std::size_t i = 0; i < audiences.size() && i < kShown; ++i) {
    text += (i == 0 ? "" : ", ") + quote_untrusted(audiences[i]);
  }
  if (audiences.size() > kShown) {
    text += ", ... " + std::to_string(audiences.size() - kShown) + " more";
  }
  return text + "]";
}

std::string time_context(std::int64_t now, std::int64_t leeway) {
  return "now is " + std::to_string(now) + ", leeway " + std::to_string(leeway) + " s";
}

}  // namespace

RegisteredClaims read_registered_claims(const Json& payload) {
  RegisteredClaims claims;
  claims.iss = string_claim(payload, "iss");
  claims.sub = string_claim(payload, "sub");
  claims.aud = audience_claim(payload);
  claims.exp = numeric_date(payload, "exp", Rounding::down);
  claims.nbf = numeric_date(payload, "nbf", Rounding::up);
  claims.iat = numeric_date(payload, "iat", Rounding::up);
  return claims;
}

void check_registered_claims(const RegisteredClaims& claims, const VerifyOptions& options,
                             std::int64_t now) {
  if (options.require_exp && !claims.exp) {
    throw JoseError(ErrorKind::missing_claim, "token has no 'exp' claim");
  }
  if (options.issuer && !claims.iss) {
    throw JoseError(ErrorKind::missing_claim, "token has no 'iss' claim");
  }
  if (options.audience && !claims.aud) {
    throw JoseError(ErrorKind::missing_claim, "token has no 'aud' claim");
  }
  if (options.issuer && *claims.iss != *options.issuer) {
    throw JoseError(ErrorKind::wrong_issuer, "issuer " + quote_untrusted(*claims.iss, 200) +
                                                 " is not the expected " +
                                                 quote_untrusted(*options.issuer, 200));
  }
  if (options.audience &&
      std::find(claims.aud->begin(), claims.aud->end(), *options.audience) == claims.aud->end()) {
    throw JoseError(ErrorKind::wrong_audience, "audience " + describe_audiences(*claims.aud) +
                                                   " does not contain the expected " +
                                                   quote_untrusted(*options.audience));
  }
  const std::int64_t leeway = std::max<std::int64_t>(0, options.leeway.count());
  if (claims.exp && saturating_add(*claims.exp, leeway) <= now) {
    throw JoseError(ErrorKind::expired, "token expired at " + std::to_string(*claims.exp) +
                                            " (exp); " + time_context(now, leeway));
  }
  if (claims.nbf && *claims.nbf > saturating_add(now, leeway)) {
    throw JoseError(ErrorKind::not_yet_valid, "token is not valid before " +
                                                  std::to_string(*claims.nbf) + " (nbf); " +
                                                  time_context(now, leeway));
  }
  if (claims.iat && *claims.iat > saturating_add(now, leeway)) {
    throw JoseError(ErrorKind::issued_in_future,
                    "token claims to be issued at " + std::to_string(*claims.iat) +
                        " (iat), in the future; " + time_context(now, leeway));
  }
}

}  // namespace mcph::jose::detail
