#include "random_ids.h"

#include "mcph/codec/base64.h"

namespace mcph::mock_cognito {

std::string random_alnum(std::size_t count) {
  return openssl::random_text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", count);
}

std::string random_lower_alnum(std::size_t count) {
  return openssl::random_text("abcdefghijklmnopqrstuvwxyz0123456789", count);
}

std::string random_token(std::size_t bytes) { return codec::base64url_encode(openssl::random_bytes(bytes)); }

}  // namespace mcph::mock_cognito
