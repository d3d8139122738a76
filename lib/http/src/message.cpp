#include "mcph/http/message.h"

#include "mcph/text/ascii_case.h"

namespace mcph::http {

bool iequals(std::string_view a, std::string_view b) {
  return text::ascii_iequals(a, b);  // ASCII only, as field names are (RFC 9110 §5.1)
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::string> find_field(const Fields& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::size_t count_fields(const Fields& fields, std::string_view name) {
  std::size_t count = 0;
  for (const auto& [key, value] : fields) count += iequals(key, name) ? 1 : 0;
  return count;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& field : headers) {
    if (iequals(field.first, name)) {
      field.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::set_json(int status_code, std::string json_body) {
  status = status_code;
  body = std::move(json_body);
  content_type = "application/json";
}

std::string ClientCertificate::verify_status() const {
  if (!presented) return "NONE";
  return verified ? "SUCCESS" : "FAILED:" + verify_error;
}

}  // namespace mcph::http
