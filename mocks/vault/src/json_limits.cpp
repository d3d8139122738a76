#include "json_limits.h"

#include <cctype>
#include <set>
#include <vector>

namespace mcph::mock_vault {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A \uXXXX escape as UTF-8, so that "\u0041" and "A" are the same key, as for Go.
void append_utf8(std::string& out, unsigned long code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

struct Container {
  char type;               // '{' or '['
  bool expecting_key;      // objects: the next string is a key
  int count = 0;           // entries or elements so far
  std::set<std::string> keys;
};

class Scanner {
 public:
  Scanner(std::string_view body, const JsonLimits& limits) : text_(body), limits_(limits) {}

  std::optional<std::string> run() {
    skip_space();
    if (at_end() || (peek() != '{' && peek() != '[')) return std::nullopt;
    bool after_comma = false;
    while (!at_end()) {
      const char c = peek();
      if (after_comma && (c == '}' || c == ']')) {
        return c == '}' ? "invalid character '}' after object key-value pair" : "invalid character ']' after array element";
      }
      if (stack_.empty() && seen_value_) return std::string("invalid character '") + c + "' after top-level value";
      if (++tokens_ > limits_.max_tokens) return "JSON payload exceeds allowed token count";
      after_comma = false;
      Container* current = stack_.empty() ? nullptr : &stack_.back();
      if (c == '{' || c == '[') {
        ++pos_;
        if (auto error = count_value(current)) return error;
        if (static_cast<int>(stack_.size()) + 1 > limits_.max_depth) return "JSON input exceeds allowed nesting depth";
        stack_.push_back(Container{c, c == '{', 0, {}});
        seen_value_ = true;
      } else if (c == '}' || c == ']') {
        if (current && current->type == '{' && !current->expecting_key) return "invalid character '}' after object key";
        ++pos_;
        if (!current) return std::string("malformed JSON: unmatched closing delimiter '") + c + "'";
        if ((c == '}') != (current->type == '{')) return std::string("malformed JSON: mismatched closing delimiter '") + c + "'";
        stack_.pop_back();
        if (!stack_.empty() && stack_.back().type == '{') stack_.back().expecting_key = true;
      } else if (c == '"') {
        std::string value;
        if (auto error = scan_string(value)) return error;
        if (current && current->type == '{' && current->expecting_key) {
          if (!current->keys.insert(value).second) return "duplicate key '" + value + "' in object";
          if (++current->count > limits_.max_object_entries) return "JSON object exceeds allowed entry count";
          current->expecting_key = false;
        } else if (auto error = count_value(current)) {
          return error;
        }
      } else if (c == 't' || c == 'f' || c == 'n' || c == '-' || (c >= '0' && c <= '9')) {
        while (!at_end() && !is_space(peek()) && peek() != ',' && peek() != '}' && peek() != ']') ++pos_;
        if (auto error = count_value(current)) return error;
      } else if (c == ',') {
        ++pos_;
        after_comma = true;
        if (current && current->type == '{') current->expecting_key = true;
      } else if (c == ':') {
        ++pos_;
      } else {
        return std::string("invalid character '") + c + "' looking for beginning of value";
      }
      skip_space();
    }
    if (!stack_.empty()) return "malformed JSON, unclosed containers";
    return std::nullopt;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_space() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  // A value inside an array counts as an element; inside an object it completes an entry.
  std::optional<std::string> count_value(Container* current) {
    if (!current) return std::nullopt;
    if (current->type == '[') {
      if (++current->count > limits_.max_array_elements) return "JSON array exceeds allowed element count";
    } else {
      current->expecting_key = true;
    }
    return std::nullopt;
  }

  std::optional<std::string> scan_string(std::string& value) {
    ++pos_;  // the opening quote
    std::size_t length = 0;
    while (true) {
      if (at_end()) return "malformed JSON, unclosed string";
      const char c = text_[pos_++];
      if (c == '"') return std::nullopt;
      ++length;
      if (c == '\\') {
        if (at_end()) return "malformed JSON, unterminated escape sequence in string";
        const char escaped = text_[pos_++];
        ++length;
        if (escaped == 'u') {
          if (pos_ + 4 > text_.size()) return "malformed JSON, unterminated unicode escape in string";
          for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            if (!std::isxdigit(static_cast<unsigned char>(h))) {
              return std::string("invalid character '") + h + "' in string escape code";
            }
          }
          length += 4;
          append_utf8(value, std::stoul(std::string(text_.substr(pos_ - 4, 4)), nullptr, 16));
        } else if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
          return std::string("invalid character '") + escaped + "' in string escape code";
        } else {
          value += escaped;
        }
      } else {
        value += c;
      }
      if (length > limits_.max_string_length) return "JSON string value exceeds allowed length";
    }
  }

  std::string_view text_;
  const JsonLimits& limits_;
  std::size_t pos_ = 0;
  int tokens_ = 0;
  bool seen_value_ = false;
  std::vector<Container> stack_;
};

}  // namespace

std::optional<std::string> json_limit_broken(std::string_view body, const JsonLimits& limits) {
  return Scanner(body, limits).run();
}

}  // namespace mcph::mock_vault
