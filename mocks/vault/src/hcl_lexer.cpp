#include "hcl_lexer.h"

#include <cctype>

namespace mcph::mock_vault::hcl {
namespace {

bool is_letter(int ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch >= 0x80;
}
bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }
bool is_hex(int ch) { return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'); }
bool is_whitespace(int ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

}  // namespace

std::string Pos::str() const {
  if (line <= 0) return "-";
  return std::to_string(line) + ":" + std::to_string(column);
}

Lexer::Lexer(std::string source) : src_(std::move(source)) {}

// Mirrors hcl's scanner: reading past the end still advances the column, which is why an error
// at the end of "not a valid hcl" is reported at column 17.
int Lexer::next() {
  if (state_.offset >= src_.size()) {
    state_.column++;
    last_char_len_ = 0;
    return kEof;
  }
  previous_ = state_;
  const int ch = static_cast<unsigned char>(src_[state_.offset]);
  state_.offset++;
  state_.column++;
  last_char_len_ = 1;
  if (ch == '\n') {
    state_.line++;
    last_line_len_ = state_.column;
    state_.column = 0;
  }
  if (ch == 0) {
    fail("unexpected null character (0x00)");
    return kEof;
  }
  return ch;
}

void Lexer::unread() { state_ = previous_; }

int Lexer::peek() const {
  if (state_.offset >= src_.size()) return kEof;
  return static_cast<unsigned char>(src_[state_.offset]);
}

Pos Lexer::recent_position() const {
  if (state_.column > 0) return Pos{state_.line, state_.column};
  if (last_line_len_ > 0) return Pos{state_.line - 1, last_line_len_};
  return Pos{1, 1};
}

void Lexer::fail(const std::string& message) {
  error_ = "At " + recent_position().str() + ": " + message;
}

Token Lexer::scan() {
  int ch = next();
  while (is_whitespace(ch)) ch = next();

  const std::size_t start = ch == kEof ? state_.offset : state_.offset - static_cast<std::size_t>(last_char_len_);
  Token token;
  if (state_.column > 0) {
    token.pos = Pos{state_.line, state_.column};
  } else {
    token.pos = Pos{state_.line - 1, last_line_len_};
  }

  if (is_letter(ch)) {
    scan_identifier();
    token.type = TokenType::ident;
  } else if (is_digit(ch)) {
    token.type = scan_number(ch);
  } else {
    switch (ch) {
      case kEof: token.type = TokenType::eof; break;
      case '"': token.type = TokenType::string; scan_string(); break;
      case '#':
      case '/': token.type = TokenType::comment; scan_comment(ch); break;
      case '.':
        token.type = TokenType::period;
        if (is_digit(peek())) {
          token.type = TokenType::floating;
          while (is_digit(peek())) next();
        }
        break;
      case '<': token.type = TokenType::heredoc; scan_heredoc(); break;
      case '[': token.type = TokenType::lbrack; break;
      case ']': token.type = TokenType::rbrack; break;
      case '{': token.type = TokenType::lbrace; break;
      case '}': token.type = TokenType::rbrace; break;
      case ',': token.type = TokenType::comma; break;
      case '=': token.type = TokenType::assign; break;
      case '+': token.type = TokenType::add; break;
      case '-':
        if (is_digit(peek())) {
          token.type = scan_number(next());
        } else {
          token.type = TokenType::sub;
        }
        break;
      default:
        fail("illegal char");
        token.type = TokenType::illegal;
    }
  }
  token.text = src_.substr(start, state_.offset - start);
  if (token.type == TokenType::ident && (token.text == "true" || token.text == "false")) {
    token.type = TokenType::boolean;
  }
  return token;
}

void Lexer::scan_identifier() {
  int ch = next();
  while (is_letter(ch) || is_digit(ch) || ch == '-' || ch == '.') ch = next();
  if (ch != kEof) unread();
}

TokenType Lexer::scan_number(int ch) {
  TokenType type = TokenType::number;
  if (ch == '0' && (peek() == 'x' || peek() == 'X')) {
    next();
    ch = next();
    bool any = false;
    while (is_hex(ch)) {
      any = true;
      ch = next();
    }
    if (!any) fail("illegal hexadecimal number");
    if (ch != kEof) unread();
    return type;
  }
  ch = next();
  while (is_digit(ch)) ch = next();
  if (ch == '.') {
    type = TokenType::floating;
    ch = next();
    while (is_digit(ch)) ch = next();
  }
  if (ch == 'e' || ch == 'E') {
    type = TokenType::floating;
    ch = next();
    if (ch == '+' || ch == '-') ch = next();
    while (is_digit(ch)) ch = next();
  }
  if (ch != kEof) unread();
  return type;
}

void Lexer::scan_string() {
  while (true) {
    const int ch = next();
    if (ch == '\n' || ch == kEof) {
      fail("literal not terminated");
      return;
    }
    if (ch == '"') return;
    if (ch == '\\') scan_escape();
  }
}

void Lexer::scan_escape() {
  const int ch = next();
  switch (ch) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\': case '"':
      return;
    case 'x':
    case 'u':
    case 'U': {
      const int digits = ch == 'x' ? 2 : (ch == 'u' ? 4 : 8);
      for (int i = 0; i < digits; ++i) {
        if (!is_hex(next())) {
          fail("illegal char escape");
          return;
        }
      }
      return;
    }
    default:
      if (ch >= '0' && ch <= '7') {
        for (int i = 0; i < 2; ++i) {
          const int digit = next();
          if (digit < '0' || digit > '7') {
            fail("illegal char escape");
            return;
          }
        }
        return;
      }
      fail("illegal char escape");
  }
}

void Lexer::scan_comment(int ch) {
  if (ch == '#' || (ch == '/' && peek() != '*')) {
    if (ch == '/' && peek() != '/') {
      fail("expected '/' for comment");
      return;
    }
    ch = next();
    while (ch != '\n' && ch != kEof) ch = next();
    if (ch != kEof) unread();
    return;
  }
  next();  // the '*' of "/*"
  while (true) {
    ch = next();
    if (ch == kEof) {
      fail("comment not terminated");
      return;
    }
    if (ch == '*' && peek() == '/') {
      next();
      return;
    }
  }
}

void Lexer::scan_heredoc() {
  if (next() != '<') {
    fail("heredoc expected second '<', didn't see it");
    return;
  }
  const bool indented = peek() == '-';
  if (indented) next();
  std::string anchor;
  int ch = next();
  while (ch != '\n' && ch != kEof) {
    if (!is_letter(ch) && !is_digit(ch)) {
      fail("invalid characters in heredoc anchor");
      return;
    }
    anchor.push_back(static_cast<char>(ch));
    ch = next();
  }
  if (ch == kEof) {
    fail("heredoc not terminated");
    return;
  }
  if (anchor.empty()) {
    fail("zero-length heredoc anchor");
    return;
  }
  // Lines until one that is the anchor (after leading blanks for <<-).
  while (true) {
    std::string line;
    ch = next();
    while (ch != '\n' && ch != kEof) {
      line.push_back(static_cast<char>(ch));
      ch = next();
    }
    std::string_view trimmed = line;
    if (indented) {
      while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    }
    if (trimmed == anchor) {
      if (ch != kEof) unread();
      return;
    }
    if (ch == kEof) {
      fail("heredoc not terminated");
      return;
    }
  }
}

}  // namespace mcph::mock_vault::hcl
