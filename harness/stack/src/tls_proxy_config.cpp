#include "tls_proxy_config.h"

#include <stdexcept>

#include "mcph/http/url.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

// A path goes into the configuration as is: refuse what nginx would read as syntax or a variable.
std::string literal_path(const fs::path& path, const char* what) {
  const std::string text = path.string();
  if (text.empty()) throw std::invalid_argument(std::string("tls proxy: no ") + what + " given");
  for (const char c : text) {
    if (c == '"' || c == '\'' || c == '\\' || c == '$' || c == ';' || c == '{' || c == '}' ||
        static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw std::invalid_argument(std::string("tls proxy: the ") + what + " path '" + text +
                                  "' holds a character nginx would not take literally");
    }
  }
  return "\"" + text + "\"";
}

// The upstream's host:port for an upstream block, and the URI proxy_pass adds.
struct Upstream {
  std::string server;
  std::string uri;
};

Upstream loopback_upstream(const std::string& url) {
  const http::Url parsed = http::parse_url(url);
  if (parsed.scheme != "http") {
    throw std::invalid_argument("tls proxy: the upstream must be plain http on loopback, not " + url);
  }
  std::string host = parsed.host;
  if (host == "::1") host = "[::1]";
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
    throw std::invalid_argument("tls proxy: the upstream must be on loopback, not " + url);
  }
  Upstream upstream{host + ":" + std::to_string(parsed.port), ""};
  if (parsed.path != "/") {
    if (parsed.path.find_first_of("?#$; \"'{}\\") != std::string::npos) {
      throw std::invalid_argument("tls proxy: the upstream's path must be a plain prefix: " + url);
    }
    upstream.uri = parsed.path.back() == '/' ? parsed.path : parsed.path + "/";
  }
  return upstream;
}

}  // namespace

const char* nginx_verify_client(ProxyClientVerification verification) {
  switch (verification) {
    case ProxyClientVerification::optional: return "optional";
    case ProxyClientVerification::optional_no_ca: return "optional_no_ca";
    case ProxyClientVerification::required: return "on";
  }
  return "optional";
}

const std::vector<std::string_view>& dropped_certificate_headers() {
  static const std::vector<std::string_view> names = {"X-SSL-Client-DN", "X-SSL-Client-Cert", "X-Client-Cert",
                                                      "X-Client-DN", "X-Forwarded-Client-Cert", "SSL-Client-S-DN",
                                                      "SSL-Client-Verify", "SSL_CLIENT_S_DN", "SSL_CLIENT_VERIFY"};
  return names;
}

std::string tls_proxy_config(const TlsProxyOptions& options, const fs::path& directory, int port) {
  const Upstream upstream = loopback_upstream(options.upstream_url);
  if (options.verify_depth < 1 || options.verify_depth > 10) {
    throw std::invalid_argument("tls proxy: verify_depth must be between 1 and 10");
  }
  const auto in_dir = [&](const char* name) { return literal_path(directory / name, "run directory"); };
  std::string bind;
  if (!options.upstream_source_address.empty()) {
    if (!http::is_loopback_ipv4(options.upstream_source_address)) {
      throw std::invalid_argument("tls proxy: upstream_source_address must be a loopback IPv4 address (127.x.y.z), not " +
                                  options.upstream_source_address);
    }
    bind = "      proxy_bind " + options.upstream_source_address + ";\n";
  }
  std::string dropped;
  for (const std::string_view name : dropped_certificate_headers()) {
    dropped += "      proxy_set_header " + std::string(name) + " \"\";\n";
  }
  // One process, in the foreground: the harness supervises it, and a stop leaves no worker behind.
  return "daemon off;\n"
         "master_process off;\n"
         "pid " + in_dir("nginx.pid") + ";\n"
         "lock_file " + in_dir("nginx.lock") + ";\n"
         "error_log stderr notice;\n"
         "events {\n"
         "  worker_connections 1024;\n"
         "}\n"
         "http {\n"
         "  default_type application/octet-stream;\n"
         "  server_tokens off;\n"
         // Method, path without its query, status, and the verification result: no header values.
         "  log_format mcph '$remote_addr \"$request_method $uri\" $status $body_bytes_sent $request_time "
         "verify=$ssl_client_verify';\n"
         "  access_log " + in_dir("access.log") + " mcph;\n"
         "  client_body_temp_path " + in_dir("client_body") + ";\n"
         "  proxy_temp_path " + in_dir("proxy") + ";\n"
         "  fastcgi_temp_path " + in_dir("fastcgi") + ";\n"
         "  uwsgi_temp_path " + in_dir("uwsgi") + ";\n"
         "  scgi_temp_path " + in_dir("scgi") + ";\n"
         // A header name with '_' is dropped rather than passed on: a server reading headers the
         // CGI way would take SSL_CLIENT_S_DN for SSL-Client-S-DN.
         "  underscores_in_headers off;\n"
         "  ignore_invalid_headers on;\n"
         "  upstream mcph_upstream {\n"
         "    server " + upstream.server + ";\n"
         "    keepalive 16;\n"
         "  }\n"
         "  server {\n"
         "    listen 127.0.0.1:" + std::to_string(port) + " ssl;\n"
         "    ssl_protocols TLSv1.2 TLSv1.3;\n"
         "    ssl_certificate " + literal_path(options.certificate_chain_file, "certificate chain") + ";\n"
         "    ssl_certificate_key " + literal_path(options.private_key_file, "private key") + ";\n"
         "    ssl_client_certificate " + literal_path(options.client_ca_file, "client CA") + ";\n"
         "    ssl_verify_client " + nginx_verify_client(options.client_verification) + ";\n"
         "    ssl_verify_depth " + std::to_string(options.verify_depth) + ";\n"
         // Every connection's handshake is whole and checks its certificate, as lib/http's.
         "    ssl_session_cache off;\n"
         "    ssl_session_tickets off;\n"
         // Answered by nginx itself: the readiness probe never reaches the upstream.
         "    location = /.mcph-tls-proxy-ready {\n"
         "      return 200 \"ready\\n\";\n"
         "    }\n"
         "    location / {\n"
         "      proxy_pass http://mcph_upstream" + upstream.uri + ";\n"
         "      proxy_http_version 1.1;\n" + bind +
         "      proxy_set_header Connection \"\";\n"
         "      proxy_set_header Host $http_host;\n"
         // The edge proxy: what the client said of its own address is not passed on.
         "      proxy_set_header X-Forwarded-For $remote_addr;\n"
         "      proxy_set_header X-Real-IP $remote_addr;\n"
         "      proxy_set_header X-Forwarded-Proto https;\n"
         "      proxy_set_header " + std::string(kClientDnHeader) + " $ssl_client_s_dn;\n"
         "      proxy_set_header " + std::string(kClientVerifyHeader) + " $ssl_client_verify;\n" +
         dropped +
         "    }\n"
         "  }\n"
         "}\n";
}

}  // namespace mcph::harness::stack
