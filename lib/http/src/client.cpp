#include "mcph/http/client.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <csignal>
#include <mutex>

#include "mcph/http/run_slot.h"
#include "mcph/http/url.h"
#include "mcph/openssl/reasons.h"

namespace mcph::http {
namespace {

// cpp-httplib's failure, in words a log reader can act on ("Read" was all it said).
std::string failure_cause(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection: return "cannot connect";
    case httplib::Error::ConnectionTimeout: return "connect timed out";
    case httplib::Error::Write: return "the request could not be sent";
    case httplib::Error::Read: return "no answer could be read";
    default: return httplib::to_string(error);
  }
}

// An alert the server sent about the client's certificate (TLS 1.3 sends it after the client's
// side of the handshake is done, so it surfaces on the first read).
bool refused_client_certificate(const std::string& reasons) {
  for (const char* alert : {"alert certificate required", "alert unknown ca", "alert bad certificate",
                            "alert certificate expired", "alert certificate unknown", "alert certificate revoked",
                            "alert unsupported certificate", "alert access denied"}) {
    if (reasons.find(alert) != std::string::npos) return true;
  }
  return false;
}

std::string in_parentheses(const std::string& reasons) { return reasons.empty() ? "" : " (" + reasons + ")"; }

}  // namespace

struct Client::Impl {
  Url url;
  std::string base_url;
  std::string prefix;  // path of the base URL without a trailing '/'
  httplib::Client client;
  std::optional<TraceContext> trace;

  bool tls = false;
  std::atomic<bool> stopped{false};  // stop() was called: a stream that ends is no failure

  Impl(Url parsed, std::string base, const ClientOptions& options)
      : url(std::move(parsed)),
        base_url(std::move(base)),
        client(url.origin(), url.scheme == "https" ? options.client_certificate_file : std::string(),
               url.scheme == "https" ? options.client_key_file : std::string()),
        tls(url.scheme == "https") {}

  // What failed, in words that say which side to fix.
  std::string failure(httplib::Error error) {
    if (!tls) return failure_cause(error);
    const std::string reasons = openssl::take_reasons();
    switch (error) {
      case httplib::Error::SSLServerVerification: {
        const long verify = client.get_openssl_verify_result();
        if (verify != X509_V_OK) {
          return "the server's certificate is not trusted (" + std::string(X509_verify_cert_error_string(verify)) + ")";
        }
        return "the server's certificate does not name " + url.host;
      }
      case httplib::Error::SSLLoadingCerts: return "cannot load the trusted CA file" + in_parentheses(reasons);
      case httplib::Error::SSLConnection:
        if (refused_client_certificate(reasons)) return "the server refused the client certificate (" + reasons + ")";
        return "the TLS handshake failed" + in_parentheses(reasons);
      default:
        if (refused_client_certificate(reasons)) return "the server refused the client certificate (" + reasons + ")";
        return failure_cause(error) + in_parentheses(reasons);
    }
  }
};

Client::Client(std::string_view base_url, ClientOptions options) {
  // A server that closes the connection while a request body is still being sent (a 413 before
  // the whole body is read) must give a transport error, not kill the process with SIGPIPE:
  // cpp-httplib writes with send() without MSG_NOSIGNAL. The servers do the same (server.cpp).
  static std::once_flag sigpipe_ignored;
  std::call_once(sigpipe_ignored, [] { std::signal(SIGPIPE, SIG_IGN); });
  Url url = parse_url(base_url);
  std::string prefix = url.path;
  if (auto q = prefix.find('?'); q != std::string::npos) prefix.erase(q);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (url.scheme == "https") {
    if (options.ca_file.empty()) {
      throw std::invalid_argument("https client for " + url.origin() + ": ClientOptions::ca_file names no CA to trust");
    }
    if (options.client_certificate_file.empty() != options.client_key_file.empty()) {
      throw std::invalid_argument("https client for " + url.origin() +
                                  ": a client certificate needs both its certificate file and its key file");
    }
  }
  ERR_clear_error();
  impl_ = std::make_unique<Impl>(std::move(url), std::string(base_url), options);
  impl_->prefix = std::move(prefix);
  auto& client = impl_->client;
  if (!client.is_valid()) {
    // cpp-httplib drops its TLS context when the client certificate or key does not load.
    throw std::invalid_argument("https client for " + impl_->url.origin() + ": cannot load the client certificate " +
                                options.client_certificate_file + " with its key" +
                                in_parentheses(openssl::take_reasons()));
  }
  if (impl_->tls) {
    client.set_ca_cert_path(options.ca_file);
    client.enable_server_certificate_verification(true);
    SSL_CTX_set_min_proto_version(client.ssl_context(), TLS1_2_VERSION);
  }
  client.set_connection_timeout(options.connect_timeout);
  client.set_read_timeout(options.read_timeout);
  client.set_write_timeout(options.read_timeout);
  client.set_keep_alive(options.keep_alive);
  client.set_tcp_nodelay(true);
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const std::string& Client::base_url() const { return impl_->base_url; }

bool Client::holds_connection() const { return impl_->client.is_socket_open() != 0; }

void Client::continue_trace(std::optional<TraceContext> trace) { impl_->trace = std::move(trace); }

void Client::stop() {
  impl_->stopped = true;
  impl_->client.stop();
}

ClientResponse Client::stream(std::string_view path, const Fields& headers,
                              const std::function<bool(std::string_view)>& on_bytes) {
  httplib::Headers fields;
  for (const auto& [name, value] : headers) fields.emplace(name, value);
  if (impl_->trace && !find_field(headers, "traceparent")) {
    for (auto& [name, value] : outgoing_trace_headers(*impl_->trace)) fields.emplace(name, value);
  }
  std::string full_path = impl_->prefix + std::string(path);
  if (full_path.empty()) full_path = "/";
  ClientResponse response;
  bool ended_here = false;  // on_bytes asked to stop
  release_run_slot();
  if (impl_->tls) ERR_clear_error();
  auto result = impl_->client.Get(
      full_path, fields,
      [&](const httplib::Response& head) {
        response.status = head.status;
        response.headers.assign(head.headers.begin(), head.headers.end());
        return !impl_->stopped;
      },
      [&](const char* data, std::size_t size) {
        if (response.status < 200 || response.status >= 300) {
          response.body.append(data, size);
          return true;
        }
        ended_here = !on_bytes(std::string_view(data, size)) || impl_->stopped;
        return !ended_here;
      });
  if (!result && !ended_here && !impl_->stopped) {
    throw TransportError("GET " + impl_->url.origin() + full_path.substr(0, full_path.find('?')) + ": " +
                         impl_->failure(result.error()));
  }
  if (result) response.status = result->status;
  return response;
}

ClientResponse Client::request(std::string_view method, std::string_view path, const Fields& headers,
                               std::string_view body, std::string_view content_type) {
  httplib::Request request;
  request.method = std::string(method);
  request.path = impl_->prefix + std::string(path);
  if (request.path.empty()) request.path = "/";
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  if (impl_->trace && !find_field(headers, "traceparent")) {
    for (auto& [name, value] : outgoing_trace_headers(*impl_->trace)) request.headers.emplace(name, value);
  }
  if (!content_type.empty()) request.headers.emplace("Content-Type", std::string(content_type));
  request.body = std::string(body);

  release_run_slot();  // the answer may take a while: another request runs meanwhile
  // For the failure's message: a timeout shows as its length, a connection the server closed
  // as a short time; a kept-alive connection held may have been closed as the request went.
  const bool kept_alive = holds_connection();
  const auto start = std::chrono::steady_clock::now();
  if (impl_->tls) ERR_clear_error();  // so that a failure's reasons are this request's
  auto result = impl_->client.send(request);
  if (!result) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::string where = request.path.substr(0, request.path.find('?'));
    throw TransportError(std::string(method) + " " + impl_->url.origin() + where + ": " + impl_->failure(result.error()) +
                         " (after " + std::to_string(waited.count()) + " ms; " +
                         (kept_alive ? "the client held a kept-alive connection" : "on a new connection") + ")");
  }
  ClientResponse response;
  response.status = result->status;
  response.body = std::move(result->body);
  response.headers.assign(result->headers.begin(), result->headers.end());
  return response;
}

}  // namespace mcph::http
