// A recursive-descent parser for HCL 1 with the same structure and error texts as
// hashicorp/hcl's parser (the 1.0.x-vault branch Vault builds with).
#include <set>

#include "hcl_ast.h"
#include "hcl_lexer.h"

namespace mcph::mock_vault::hcl {

const char* token_type_name(TokenType type) {
  switch (type) {
    case TokenType::illegal: return "ILLEGAL";
    case TokenType::eof: return "EOF";
    case TokenType::comment: return "COMMENT";
    case TokenType::ident: return "IDENT";
    case TokenType::number: return "NUMBER";
    case TokenType::floating: return "FLOAT";
    case TokenType::boolean: return "BOOL";
    case TokenType::string: return "STRING";
    case TokenType::heredoc: return "HEREDOC";
    case TokenType::lbrack: return "LBRACK";
    case TokenType::lbrace: return "LBRACE";
    case TokenType::comma: return "COMMA";
    case TokenType::period: return "PERIOD";
    case TokenType::rbrack: return "RBRACK";
    case TokenType::rbrace: return "RBRACE";
    case TokenType::assign: return "ASSIGN";
    case TokenType::add: return "ADD";
    case TokenType::sub: return "SUB";
  }
  return "ILLEGAL";
}

namespace {

void append_utf8(std::string& out, unsigned long code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
  }
}

// The lexer already rejected malformed escapes, so this only decodes.
std::string unquote(std::string_view quoted) {
  if (quoted.size() < 2) return std::string(quoted);
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out.push_back(body[i]);
      continue;
    }
    const char escape = body[++i];
    switch (escape) {
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case 'x':
      case 'u':
      case 'U': {
        const std::size_t digits = escape == 'x' ? 2 : (escape == 'u' ? 4 : 8);
        const std::string hex(body.substr(i + 1, digits));
        const unsigned long code = std::stoul(hex, nullptr, 16);
        if (escape == 'x') {
          out.push_back(static_cast<char>(code));
        } else {
          append_utf8(out, code);
        }
        i += digits;
        break;
      }
      default:
        if (escape >= '0' && escape <= '7') {
          out.push_back(static_cast<char>(std::stoul(std::string(body.substr(i, 3)), nullptr, 8)));
          i += 2;
        } else {
          out.push_back(escape);
        }
    }
  }
  return out;
}

std::string heredoc_body(std::string_view text) {
  // <<ANCHOR\n ... \nANCHOR  (or <<-ANCHOR, whose lines keep their indentation here)
  const auto first_newline = text.find('\n');
  if (first_newline == std::string_view::npos) return {};
  std::string_view rest = text.substr(first_newline + 1);
  const auto last_newline = rest.rfind('\n');
  if (last_newline == std::string_view::npos) return {};
  return std::string(rest.substr(0, last_newline + 1));
}

[[noreturn]] void fail_at(const Pos& pos, const std::string& message) {
  throw ParseError("At " + pos.str() + ": " + message);
}

struct EndOfInput {};  // hcl's errEofToken

class Parser {
 public:
  explicit Parser(std::string source) : lexer_(std::move(source)) {}

  std::vector<Item> parse_document() {
    try {
      auto items = object_list(false);
      if (lexer_.error()) throw ParseError(*lexer_.error());
      return items;
    } catch (const ParseError&) {
      if (lexer_.error()) throw ParseError(*lexer_.error());
      throw;
    }
  }

 private:
  Token scan() {
    if (buffered_) {
      buffered_ = false;
      return tok_;
    }
    do {
      tok_ = lexer_.scan();
    } while (tok_.type == TokenType::comment);
    return tok_;
  }
  void unscan() { buffered_ = true; }

  std::vector<Item> object_list(bool in_object) {
    std::vector<Item> items;
    std::set<std::string> seen;
    while (true) {
      if (in_object) {
        const Token peeked = scan();
        unscan();
        if (peeked.type == TokenType::rbrace) break;
      }
      std::optional<Item> item = object_item();
      if (!item) break;
      if (item->assign.line > 0) {
        // hcl.Parse refuses an attribute set twice in one object (Vault ≥ 1.21 does too).
        for (const Token& key : item->keys) {
          if (!seen.insert(key.text).second) {
            throw ParseError("The argument \"" + key.text + "\" at " + key.pos.str() +
                             " was already set. Each argument can only be defined once");
          }
        }
      }
      items.push_back(std::move(*item));
      if (scan().type != TokenType::comma) unscan();
    }
    return items;
  }

  // nullopt at the end of input (no keys read).
  std::optional<Item> object_item() {
    Item item;
    bool eof = false;
    item.keys = object_key(eof);
    if (eof && item.keys.empty()) return std::nullopt;

    switch (tok_.type) {
      case TokenType::assign:
        item.assign = tok_.pos;
        item.value = std::make_unique<Value>(object());
        break;
      case TokenType::lbrace:
        item.value = std::make_unique<Value>(object_type());
        break;
      default: {
        std::string joined;
        for (const auto& key : item.keys) joined += (joined.empty() ? "" : " ") + key.text;
        fail_at(tok_.pos, "key '" + joined + "' expected start of object ('{') or assignment ('=')");
      }
    }
    return item;
  }

  std::vector<Token> object_key(bool& eof) {
    std::vector<Token> keys;
    while (true) {
      const Token token = scan();
      switch (token.type) {
        case TokenType::eof:
          eof = true;
          return keys;
        case TokenType::assign:
          if (keys.size() > 1) {
            fail_at(token.pos, std::string("nested object expected: LBRACE got: ") + token_type_name(token.type));
          }
          if (keys.empty()) fail_at(token.pos, "no object keys found!");
          return keys;
        case TokenType::lbrace:
          if (keys.empty()) {
            fail_at(token.pos, std::string("expected: IDENT | STRING got: ") + token_type_name(token.type));
          }
          return keys;
        case TokenType::ident:
        case TokenType::string:
          keys.push_back(token);
          break;
        case TokenType::illegal:
          fail_at(token.pos, "illegal character");
        default:
          // hcl lets an item without a value end its object: `{ a }` reports the value error.
          if (!keys.empty() && token.type == TokenType::rbrace) {
            tok_.type = TokenType::eof;
            return keys;
          }
          fail_at(token.pos, std::string("expected: IDENT | STRING | ASSIGN | LBRACE got: ") +
                                 token_type_name(token.type));
      }
    }
  }

  Value object() {
    const Token token = scan();
    switch (token.type) {
      case TokenType::number:
      case TokenType::floating:
      case TokenType::boolean:
      case TokenType::string:
      case TokenType::heredoc:
        return literal(token);
      case TokenType::lbrace:
        return object_type();
      case TokenType::lbrack:
        return list_type();
      case TokenType::eof:
        fail_at(token.pos, "key expected a value, reached end of input");
      default:
        fail_at(token.pos, std::string("Unknown token: ") + token_type_name(token.type) + " " + token.text);
    }
  }

  static Value literal(const Token& token) {
    Value value;
    value.kind = Value::Kind::literal;
    value.pos = token.pos;
    value.literal = token;
    return value;
  }

  // Nesting guard: a policy is only a couple of levels deep, and recursion must stay bounded.
  static constexpr int kMaxDepth = 100;
  struct DepthGuard {
    explicit DepthGuard(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxDepth) fail_at(parser_.tok_.pos, "nesting too deep");
    }
    ~DepthGuard() { --parser_.depth_; }
    Parser& parser_;
  };

  Value object_type() {
    DepthGuard guard(*this);
    Value value;
    value.kind = Value::Kind::object;
    value.pos = tok_.pos;
    value.items = object_list(true);
    const Token closing = scan();
    if (closing.type != TokenType::rbrace) {
      fail_at(closing.pos, std::string("object expected closing RBRACE got: ") + token_type_name(closing.type));
    }
    return value;
  }

  Value list_type() {
    DepthGuard guard(*this);
    Value list;
    list.kind = Value::Kind::list;
    list.pos = tok_.pos;
    bool need_comma = false;
    while (true) {
      const Token token = scan();
      if (need_comma && token.type != TokenType::comma && token.type != TokenType::rbrack) {
        fail_at(token.pos, std::string("error parsing list, expected comma or list end, got: ") +
                               token_type_name(token.type));
      }
      switch (token.type) {
        case TokenType::boolean:
        case TokenType::number:
        case TokenType::floating:
        case TokenType::string:
        case TokenType::heredoc:
          list.elements.push_back(literal(token));
          need_comma = true;
          break;
        case TokenType::comma:
          need_comma = false;
          break;
        case TokenType::lbrace:
          list.elements.push_back(object_type());
          need_comma = true;
          break;
        case TokenType::lbrack:
          list.elements.push_back(list_type());
          need_comma = true;
          break;
        case TokenType::rbrack:
          return list;
        default:
          fail_at(token.pos, std::string("unexpected token while parsing list: ") + token_type_name(token.type));
      }
    }
  }

  Lexer lexer_;
  Token tok_;
  bool buffered_ = false;
  int depth_ = 0;
};

}  // namespace

std::string Token::value() const {
  switch (type) {
    case TokenType::string: return unquote(text);
    case TokenType::heredoc: return heredoc_body(text);
    default: return text;
  }
}

std::vector<Item> parse(const std::string& source) {
  std::string normalized;
  normalized.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r' && i + 1 < source.size() && source[i + 1] == '\n') continue;
    normalized.push_back(source[i]);
  }
  return Parser(std::move(normalized)).parse_document();
}

}  // namespace mcph::mock_vault::hcl
