#pragma once
// The syntax tree of an HCL 1 document, the language Vault policies are written in. Only what
// the policy decoder needs: object lists, lists and literals, with the positions Vault's error
// messages quote.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcph::mock_vault::hcl {

struct Pos {
  int line = 0;    // 1-based; 0 = no position
  int column = 0;  // 1-based, in bytes
  std::string str() const;  // "line:column", "-" when unset
};

enum class TokenType {
  illegal, eof, comment, ident, number, floating, boolean, string, heredoc,
  lbrack, lbrace, comma, period, rbrack, rbrace, assign, add, sub,
};
const char* token_type_name(TokenType type);

struct Token {
  TokenType type = TokenType::illegal;
  Pos pos;
  std::string text;  // exactly as written (quotes included for strings)
  // The literal's value: strings unquoted, heredocs without their anchors.
  std::string value() const;
};

struct Value;

struct Item {
  std::vector<Token> keys;
  Pos assign;  // position of '=', unset for `key { … }` blocks
  std::unique_ptr<Value> value;
};

struct Value {
  enum class Kind { literal, list, object };
  Kind kind = Kind::literal;
  Pos pos;
  Token literal;                // kind literal
  std::vector<Value> elements;  // kind list
  std::vector<Item> items;      // kind object
};

// "At line:col: message", Vault's (hcl's PosError) wording.
class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses a whole document into its top-level object list. Throws ParseError.
std::vector<Item> parse(const std::string& source);

}  // namespace mcph::mock_vault::hcl
