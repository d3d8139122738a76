#pragma once
// Small request/response types shared by the server and client wrappers, so that code which
// serves or calls HTTP never needs cpp-httplib's header.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcph::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup (RFC 9110 §5.1); the first match wins.
std::optional<std::string> find_field(const Fields& fields, std::string_view name);
// How many fields of that name there are (case-insensitive): a field a request must carry once.
std::size_t count_fields(const Fields& fields, std::string_view name);
bool iequals(std::string_view a, std::string_view b);
// Without the optional whitespace (SP, HTAB) around a field value or a list element (RFC 9110 §5.6.3).
std::string_view trim_ows(std::string_view text);

// The client certificate of a request that came over TLS, as a TLS-terminating proxy forwards it
// (nginx's $ssl_client_s_dn and $ssl_client_verify).
struct ClientCertificate {
  bool presented = false;
  bool verified = false;     // presented, and it chains to the server's client CA, valid now
  std::string subject_dn;    // RFC 2253 (OpenSSL's XN_FLAG_RFC2253): "CN=agent-1,OU=agents,O=mcph"
  std::string issuer_dn;     // the same form
  std::string verify_error;  // why a presented certificate is not verified (OpenSSL's words)

  // As nginx's $ssl_client_verify says it: "SUCCESS", "FAILED:<verify_error>" or "NONE".
  std::string verify_status() const;
};

struct Request {
  std::string method;
  std::string path;         // without the query string
  std::string body;
  std::string remote_addr;
  int remote_port = 0;
  Fields headers;
  Fields query;             // decoded query parameters, in order
  std::vector<std::string> captures;  // the route pattern's regex groups
  bool tls = false;                   // it came over TLS (ServerOptions::tls)
  ClientCertificate client_certificate;  // over TLS: the certificate its connection presented

  std::string header(std::string_view name) const { return find_field(headers, name).value_or(""); }
  bool has_header(std::string_view name) const { return find_field(headers, name).has_value(); }
  std::optional<std::string> query_param(std::string_view name) const;
};

// The body of a streamed response (Response::stream), written after the handler has returned,
// from any thread. Each write is sent at once as one chunk when the socket takes it; what it
// does not take waits in a bounded buffer that the server's workers send as the client reads,
// so that no thread waits for a slow client. A client that lets more than the bound pile up is
// cut off.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `bytes` as one chunk (nothing for empty bytes). False once the stream is closed.
  virtual bool write(std::string_view bytes) = 0;
  // Ends the body (the last chunk) and closes the connection. Idempotent.
  virtual void close() = 0;
  virtual bool closed() const = 0;
  // Runs once when the stream closes, whoever closed it (this side, the client leaving or
  // falling too far behind, the server stopping); at once when it is closed already. It runs
  // without any of the stream's locks held, and may call write (which returns false) and close.
  virtual void on_closed(std::function<void()> callback) = 0;
};

// How a handler asks for a streamed answer: the head goes out with Transfer-Encoding: chunked
// and Connection: close (and no body), then `opened` gets the stream. It is called exactly
// once for a response that set it: with a stream already closed when the head could not be
// sent, for HEAD, or when the server stops, so that what the handler reserved is released on
// one path.
struct StreamStart {
  std::function<void(std::shared_ptr<ResponseStream>)> opened;
  // Written when nothing else was for keep_alive_interval (e.g. an SSE comment), so that
  // proxies and clients with read timeouts see the stream alive. Empty: none.
  std::string keep_alive;
  std::chrono::milliseconds keep_alive_interval{15000};
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
  Fields headers;
  // Set: a streamed answer, whose body is what the stream is given (`body` is not sent).
  std::optional<StreamStart> stream;

  void set_header(std::string name, std::string value);
  // Sets status, body and Content-Type: application/json.
  void set_json(int status_code, std::string json_body);
};

// Thrown by a handler to answer with an error; the server renders it with its error formatter.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace mcph::http
