#include "oauth_metadata_urls.h"

#include <algorithm>

#include "mcph/http/message.h"

namespace mcph::harness::scenario {
namespace {

// The issuer without a trailing "/": "https://as.example/" names the same issuer as "https://as.example".
std::string trimmed(std::string issuer) {
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  return issuer;
}

// The well-known suffix inserted between the URL's host and its path (RFC 8414 §3.1, RFC 9728
// §3.1); the query and fragment are not part of it.
std::string with_well_known(const std::string& url, const std::string& suffix) {
  std::string base = trimmed(url.substr(0, url.find_first_of("?#")));
  const std::size_t scheme_end = base.find("://");
  const std::size_t path_start = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_start == std::string::npos) return base + "/.well-known/" + suffix;
  return base.substr(0, path_start) + "/.well-known/" + suffix + base.substr(path_start);
}

// The URL's scheme and authority as written, without its path, query or fragment.
std::string origin_as_written(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  return url.substr(0, url.find_first_of("/?#", scheme_end == std::string::npos ? 0 : scheme_end + 3));
}

}  // namespace

std::string oauth_metadata_url(const std::string& issuer) { return with_well_known(issuer, "oauth-authorization-server"); }

std::string openid_configuration_url(const std::string& issuer) { return trimmed(issuer) + "/.well-known/openid-configuration"; }

std::string resource_metadata_param(std::string_view challenge) { return challenge_param(challenge, "resource_metadata"); }

std::string challenge_param(std::string_view challenge, std::string_view name) {
  for (std::size_t at = 0; (at = challenge.find('=', at)) != std::string_view::npos; ++at) {
    std::size_t end = at;
    while (end > 0 && challenge[end - 1] == ' ') --end;
    if (end < name.size()) continue;
    const std::string_view before = challenge.substr(end - name.size(), name.size());
    const bool named = http::iequals(before, name);
    const bool whole = end == name.size() || challenge[end - name.size() - 1] == ' ' || challenge[end - name.size() - 1] == ',';
    if (!named || !whole) continue;
    std::size_t value = at + 1;
    while (value < challenge.size() && challenge[value] == ' ') ++value;
    if (value < challenge.size() && challenge[value] == '"') {
      const std::size_t close = challenge.find('"', value + 1);
      return std::string(challenge.substr(value + 1, close == std::string_view::npos ? std::string_view::npos : close - value - 1));
    }
    return std::string(challenge.substr(value, challenge.find_first_of(", ", value) - value));
  }
  return "";
}

std::vector<std::string> protected_resource_metadata_urls(const std::string& resource_url, std::string_view challenge) {
  std::vector<std::string> urls;
  const auto add = [&urls](std::string url) {
    if (!url.empty() && std::find(urls.begin(), urls.end(), url) == urls.end()) urls.push_back(std::move(url));
  };
  add(resource_metadata_param(challenge));
  add(with_well_known(resource_url, "oauth-protected-resource"));
  add(with_well_known(origin_as_written(resource_url), "oauth-protected-resource"));
  return urls;
}

}  // namespace mcph::harness::scenario
