#pragma once
// Lower-case hexadecimal (RFC 4648 §8 with the lower-case alphabet), as digests, trace ids and
// random identifiers are written.
#include <string>
#include <string_view>

namespace mcph::codec {

std::string hex_encode(std::string_view bytes);

}  // namespace mcph::codec
