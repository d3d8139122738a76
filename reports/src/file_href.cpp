#include "file_href.h"

#include <system_error>

namespace mcph::reports::detail {

std::string percent_encode_path(std::string_view path) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  return out;
}

std::string file_href(const std::filesystem::path& file, const std::filesystem::path& page_dir) {
  namespace fs = std::filesystem;
  if (page_dir.empty()) {
    return file.is_absolute() ? "file://" + percent_encode_path(file.lexically_normal().generic_string())
                              : percent_encode_path(file.lexically_normal().generic_string());
  }
  std::error_code error;
  const fs::path target = fs::absolute(file, error).lexically_normal();
  const fs::path base = fs::absolute(page_dir, error).lexically_normal();
  if (error) return percent_encode_path(file.generic_string());
  const fs::path relative = target.lexically_relative(base);
  if (relative.empty()) return "file://" + percent_encode_path(target.generic_string());
  return percent_encode_path(relative.generic_string());
}

}  // namespace mcph::reports::detail
