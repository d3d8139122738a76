#include "first_keyword.h"

#include <cctype>

namespace mcph::postgres_mcp {
namespace {

bool starts_at(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.substr(at, prefix.size()) == prefix;
}

// Where the comment or white space at `at` ends; `at` itself when there is none.
std::size_t skip_one(std::string_view sql, std::size_t at) {
  if (std::isspace(static_cast<unsigned char>(sql[at]))) return at + 1;
  if (starts_at(sql, at, "--")) {
    const std::size_t end = sql.find_first_of("\n\r", at);
    return end == std::string_view::npos ? sql.size() : end + 1;
  }
  if (!starts_at(sql, at, "/*")) return at;
  int depth = 0;
  do {
    if (starts_at(sql, at, "/*")) {
      ++depth;
      at += 2;
    } else if (starts_at(sql, at, "*/")) {
      --depth;
      at += 2;
    } else {
      ++at;
    }
  } while (depth > 0 && at < sql.size());
  return at;
}

}  // namespace

std::string first_keyword(std::string_view sql) {
  std::size_t at = 0;
  for (std::size_t next; at < sql.size() && (next = skip_one(sql, at)) != at;) at = next;
  std::string keyword;
  for (; at < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at])); ++at) {
    keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[at])));
  }
  return keyword;
}

}  // namespace mcph::postgres_mcp
