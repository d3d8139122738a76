#include "jql.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "mcph/text/ascii_case.h"

namespace mcph::mock_jira {
namespace {

struct Token {
  enum Kind { word, quoted, op, open, close, comma } kind;
  std::string text;
};

std::vector<Token> tokenize(std::string_view jql) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < jql.size()) {
    const char c = jql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '"' || c == '\'') {
      const auto end = jql.find(c, i + 1);
      if (end == std::string_view::npos) throw JqlError("Error in the JQL Query: The quoted string '" +
                                                        std::string(jql.substr(i + 1)) + "' has not been completed.");
      tokens.push_back({Token::quoted, std::string(jql.substr(i + 1, end - i - 1))});
      i = end + 1;
    } else if (c == '!' && i + 1 < jql.size() && jql[i + 1] == '=') {
      tokens.push_back({Token::op, "!="});
      i += 2;
    } else if (c == '=' || c == '~') {
      tokens.push_back({Token::op, std::string(1, c)});
      ++i;
    } else if (c == '(') {
      tokens.push_back({Token::open, "("});
      ++i;
    } else if (c == ')') {
      tokens.push_back({Token::close, ")"});
      ++i;
    } else if (c == ',') {
      tokens.push_back({Token::comma, ","});
      ++i;
    } else {
      std::size_t end = i;
      while (end < jql.size() && !std::isspace(static_cast<unsigned char>(jql[end])) &&
             std::string_view("=!~(),\"'").find(jql[end]) == std::string_view::npos) {
        ++end;
      }
      tokens.push_back({Token::word, std::string(jql.substr(i, end - i))});
      i = end;
    }
  }
  return tokens;
}

const std::map<std::string, std::string>& field_names() {
  static const std::map<std::string, std::string> names = {
      {"project", "project"}, {"key", "key"},         {"issuekey", "key"},       {"id", "key"},
      {"status", "status"},   {"assignee", "assignee"}, {"reporter", "reporter"}, {"issuetype", "issuetype"},
      {"type", "issuetype"},  {"priority", "priority"}, {"summary", "summary"},   {"description", "description"},
      {"text", "text"}};
  return names;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  JqlQuery parse() {
    JqlQuery query;
    while (pos_ < tokens_.size()) {
      if (is_word("order")) break;  // ORDER BY …: ordering is not modelled
      query.clauses.push_back(clause());
      if (pos_ >= tokens_.size() || is_word("order")) break;
      if (is_word("and")) {
        ++pos_;
        continue;
      }
      if (is_word("or")) throw JqlError("Error in the JQL Query: OR is not supported by this mock.");
      throw JqlError("Error in the JQL Query: Expecting either 'OR' or 'AND' but got '" + tokens_[pos_].text + "'.");
    }
    return query;
  }

 private:
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;

  bool is_word(const char* word) const {
    return pos_ < tokens_.size() && tokens_[pos_].kind == Token::word && text::ascii_lower(tokens_[pos_].text) == word;
  }
  const Token& next(const char* expecting) {
    if (pos_ >= tokens_.size()) throw JqlError(std::string("Error in the JQL Query: Expecting ") + expecting +
                                               " but reached the end of the query.");
    return tokens_[pos_++];
  }

  std::string value() {
    const Token& token = next("a value");
    if (token.kind == Token::quoted) return token.text;
    if (token.kind != Token::word) {
      throw JqlError("Error in the JQL Query: Expecting a value but got '" + token.text + "'.");
    }
    // A function call such as currentUser().
    if (pos_ + 1 < tokens_.size() && tokens_[pos_].kind == Token::open && tokens_[pos_ + 1].kind == Token::close) {
      pos_ += 2;
      return token.text + "()";
    }
    return token.text;
  }

  JqlClause clause() {
    const Token& field = next("a field name");
    if (field.kind != Token::word && field.kind != Token::quoted) {
      throw JqlError("Error in the JQL Query: Expecting a field name but got '" + field.text + "'.");
    }
    const auto known = field_names().find(text::ascii_lower(field.text));
    if (known == field_names().end()) {
      throw JqlError("Field '" + field.text + "' does not exist or you do not have permission to view it.");
    }
    JqlClause clause;
    clause.field = known->second;
    const Token& op = next("an operator");
    if (op.kind == Token::op) {
      clause.op = op.text;
      clause.values.push_back(value());
    } else if (op.kind == Token::word && text::ascii_iequals(op.text, "in")) {
      clause.op = "in";
      if (next("'('").kind != Token::open) throw JqlError("Error in the JQL Query: Expecting '(' after IN.");
      while (true) {
        clause.values.push_back(value());
        const Token& separator = next("',' or ')'");
        if (separator.kind == Token::close) break;
        if (separator.kind != Token::comma) throw JqlError("Error in the JQL Query: Expecting ',' or ')'.");
      }
    } else if (op.kind == Token::word && text::ascii_iequals(op.text, "is")) {
      const bool negated = is_word("not");
      if (negated) ++pos_;
      const std::string what = text::ascii_lower(next("EMPTY").text);
      if (what != "empty" && what != "null") throw JqlError("Error in the JQL Query: Expecting EMPTY after IS.");
      clause.op = negated ? "is not empty" : "is empty";
    } else {
      throw JqlError("Error in the JQL Query: Expecting operator but got '" + op.text + "'.");
    }
    return clause;
  }
};

}  // namespace

JqlQuery parse_jql(std::string_view jql) { return Parser(tokenize(jql)).parse(); }

}  // namespace mcph::mock_jira
