#include "mcph/codec/base64.h"

#include <array>
#include <cstdint>

namespace mcph::codec {
namespace {

// What tells the two apart: the last two characters of the alphabet, padding, and whether
// non-zero unused bits in the last character are refused.
struct Alphabet {
  std::string_view characters;
  bool padded;
  bool canonical;
  std::array<std::int8_t, 256> values;
};

constexpr Alphabet make_alphabet(std::string_view characters, bool padded, bool canonical) {
  Alphabet alphabet{characters, padded, canonical, {}};
  for (auto& value : alphabet.values) value = -1;
  for (std::size_t i = 0; i < characters.size(); ++i) {
    alphabet.values[static_cast<unsigned char>(characters[i])] = static_cast<std::int8_t>(i);
  }
  return alphabet;
}

constexpr Alphabet kStandard =
    make_alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true, false);
constexpr Alphabet kUrl = make_alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false, true);

std::string encode(std::string_view bytes, const Alphabet& alphabet) {
  std::string text;
  text.reserve(4 * ((bytes.size() + 2) / 3));
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char byte : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(byte);
    bit_count += 8;
    while (bit_count >= 6) {
      bit_count -= 6;
      text += alphabet.characters[(bits >> bit_count) & 0x3F];
    }
    bits &= (1u << bit_count) - 1;
  }
  if (bit_count > 0) text += alphabet.characters[(bits << (6 - bit_count)) & 0x3F];
  if (alphabet.padded) text.append((4 - text.size() % 4) % 4, '=');
  return text;
}

std::optional<std::string> decode(std::string_view text, const Alphabet& alphabet) {
  if (alphabet.padded) {
    if (text.size() % 4 != 0) return std::nullopt;
    // '=' only in the last two places, and nothing after it but '='.
    std::size_t end = text.size();
    while (end > 0 && end + 2 > text.size() && text[end - 1] == '=') --end;
    text = text.substr(0, end);
  }
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char symbol : text) {
    const std::int8_t value = alphabet.values[static_cast<unsigned char>(symbol)];
    if (value < 0) return std::nullopt;  // outside the alphabet, a misplaced '=' included
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes += static_cast<char>((bits >> bit_count) & 0xFF);
    }
    bits &= (1u << bit_count) - 1;
  }
  if (alphabet.canonical && bits != 0) return std::nullopt;
  return bytes;
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStandard); }
std::optional<std::string> base64_decode(std::string_view text) { return decode(text, kStandard); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrl); }
std::optional<std::string> base64url_decode(std::string_view text) { return decode(text, kUrl); }

}  // namespace mcph::codec
