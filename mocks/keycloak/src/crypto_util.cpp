#include "crypto_util.h"

#include "mcph/codec/base64.h"

namespace mcph::mock_keycloak {

std::string random_secret() { return codec::base64url_encode(random_bytes(24)); }

std::string random_session_id() { return codec::base64url_encode(random_bytes(18)); }

}  // namespace mcph::mock_keycloak
