#include "answer_class.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <stdexcept>
#include <utility>

#include "mcph/http/url.h"
#include "mcph/text/ascii_case.h"

namespace mcph::harness::scenario {
namespace {

constexpr std::array<std::pair<AnswerClass, std::string_view>, 7> kNames = {{
    {AnswerClass::accepted, "accepted"},
    {AnswerClass::refused_with_challenge, "refused-with-challenge"},
    {AnswerClass::refused_without_challenge, "refused-without-challenge"},
    {AnswerClass::refused_other_status, "refused-other-status"},
    {AnswerClass::not_reached, "not-reached"},
    {AnswerClass::rate_limited, "rate-limited"},
    {AnswerClass::awaiting_input, "awaiting-input"},
}};

// RFC 9110 tchar.
bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void skip_spaces(std::string_view text, std::size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
}

std::size_t token_end(std::string_view text, std::size_t at) {
  while (at < text.size() && token_char(text[at])) ++at;
  return at;
}

// A quoted-string from its opening quote; the position after the closing one, npos when unclosed.
std::size_t quoted_end(std::string_view text, std::size_t at) {
  for (++at; at < text.size(); ++at) {
    if (text[at] == '\\') {
      ++at;
    } else if (text[at] == '"') {
      return at + 1;
    }
  }
  return std::string_view::npos;
}

// token68: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", and nothing after it.
bool token68(std::string_view rest) {
  std::size_t at = 0;
  while (at < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[at])) ||
                              std::string_view("-._~+/").find(rest[at]) != std::string_view::npos)) {
    ++at;
  }
  if (at == 0) return false;
  while (at < rest.size() && rest[at] == '=') ++at;
  skip_spaces(rest, at);
  return at == rest.size();
}

// auth-param *( "," auth-param ), each name BWS "=" BWS ( token / quoted-string ).
bool auth_params(std::string_view rest) {
  std::size_t at = 0;
  while (true) {
    const std::size_t name_end = token_end(rest, at);
    if (name_end == at) return false;
    at = name_end;
    skip_spaces(rest, at);
    if (at >= rest.size() || rest[at] != '=') return false;
    ++at;
    skip_spaces(rest, at);
    if (at < rest.size() && rest[at] == '"') {
      at = quoted_end(rest, at);
      if (at == std::string_view::npos) return false;
    } else {
      const std::size_t value_end = token_end(rest, at);
      if (value_end == at) return false;
      at = value_end;
    }
    skip_spaces(rest, at);
    if (at == rest.size()) return true;
    if (rest[at] != ',') return false;
    ++at;
    skip_spaces(rest, at);
  }
}

}  // namespace

std::string_view name_of(AnswerClass answer) {
  for (const auto& [value, name] : kNames) {
    if (value == answer) return name;
  }
  return "";
}

AnswerClass answer_class_named(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return AnswerClass::unclassified;
}

bool answers_classified(StepKind kind) {
  switch (kind) {
    case StepKind::call:
    case StepKind::http:
    case StepKind::sse:
    case StepKind::workload:
    case StepKind::oauth:
      return true;
    default:  // Vault, the IdP, raw TCP (a step about the connection), the harness's own tools
      return false;
  }
}

bool well_formed_challenge(std::string_view value) {
  std::size_t at = 0;
  skip_spaces(value, at);
  const std::size_t scheme_end = token_end(value, at);
  if (scheme_end == at) return false;
  at = scheme_end;
  if (at == value.size()) return true;  // a scheme alone ("Bearer")
  if (value[at] != ' ') return false;
  skip_spaces(value, at);
  const std::string_view rest = value.substr(at);
  return rest.empty() || token68(rest) || auth_params(rest);
}

bool not_reached_status(int status) {
  return status == 0 || status == 404 || status == 405 || status == 501 || (status >= 300 && status < 400);
}

bool names_no_such_method_or_tool(int code, std::string_view message) {
  if (code == -32601) return true;  // JSON-RPC's method not found
  if (code != -32602) return false;
  // Invalid params: the MCP rules give an unknown tool this code too, told apart by its words
  // ("Unknown tool: x", "unknown tool \"x\"", "Tool x not found"); a bad argument is a refusal.
  const std::string words = text::ascii_lower(message);
  return words.find("unknown tool") != std::string::npos ||
         (words.find("tool") != std::string::npos && words.find("not found") != std::string::npos);
}

bool tool_error_names_no_such_tool(std::string_view text) {
  // The TypeScript SDK answers an unknown tool with a tool error ("MCP error -32602: Tool x not
  // found"), as a Python server may ("Unknown tool: x"); the tool's own "secret not found" is not
  // one, nor the Python SDK's "Error executing tool x: not found: …".
  static const std::regex unknown(R"((^|[^a-z])(unknown tool|tool [^\s:]+ not found))", std::regex::icase);
  return std::regex_search(text.begin(), text.end(), unknown);
}

AnswerClass classify(const StepOutcome& outcome) {
  const int status = outcome.http.status;
  if (not_reached_status(status)) return AnswerClass::not_reached;
  if (outcome.rpc.error && names_no_such_method_or_tool(*outcome.rpc.error, outcome.rpc.error_message)) {
    return AnswerClass::not_reached;
  }
  if (outcome.tool.error && tool_error_names_no_such_tool(outcome.tool.text)) return AnswerClass::not_reached;
  if (status == 429) return AnswerClass::rate_limited;
  if (status == 401) {
    const auto challenge = http::find_field(outcome.http.headers, "WWW-Authenticate");
    return challenge && well_formed_challenge(*challenge) ? AnswerClass::refused_with_challenge
                                                          : AnswerClass::refused_without_challenge;
  }
  if (status >= 200 && status < 300 && !outcome.rpc.error) {
    return outcome.tool.input_required ? AnswerClass::awaiting_input : AnswerClass::accepted;
  }
  return AnswerClass::refused_other_status;
}

std::string answered_request(const StepOutcome& outcome) {
  for (auto it = outcome.exchanges.rbegin(); it != outcome.exchanges.rend(); ++it) {
    if (!it->is_object() || !it->contains("request") || !it->contains("response")) continue;
    const nlohmann::json& response = (*it)["response"];
    if (response.value("status", -1) != outcome.http.status) continue;
    const nlohmann::json& request = (*it)["request"];
    const std::string url = request.value("url", "");
    std::string path = url;
    try {
      if (url.find("://") != std::string::npos) path = http::parse_url(url).path;
    } catch (const std::invalid_argument&) {
    }
    path = path.substr(0, path.find('?'));  // a query may carry a token
    return request.value("method", "") + " " + (path.empty() ? "/" : path);
  }
  return "";
}

}  // namespace mcph::harness::scenario
