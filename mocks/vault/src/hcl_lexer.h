#pragma once
// HCL 1 tokenizer with hcl's own position bookkeeping, so error positions match Vault's.
#include <optional>
#include <string>

#include "hcl_ast.h"

namespace mcph::mock_vault::hcl {

class Lexer {
 public:
  explicit Lexer(std::string source);
  Token scan();
  // The last scanner error ("At l:c: illegal char"), which takes precedence over parse errors.
  const std::optional<std::string>& error() const { return error_; }

 private:
  static constexpr int kEof = -1;
  int next();
  void unread();
  int peek() const;
  void fail(const std::string& message);
  Pos recent_position() const;
  void scan_identifier();
  TokenType scan_number(int ch);
  void scan_string();
  void scan_escape();
  void scan_comment(int ch);
  void scan_heredoc();

  struct State {
    std::size_t offset = 0;
    int line = 1;
    int column = 0;
  };
  std::string src_;
  State state_;
  State previous_;
  int last_char_len_ = 0;
  int last_line_len_ = 0;
  std::optional<std::string> error_;
};

}  // namespace mcph::mock_vault::hcl
