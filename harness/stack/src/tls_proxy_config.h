#pragma once
// The nginx configuration of a TlsProxy (tls_proxy.h), from a template in code.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/stack/tls_proxy.h"

namespace mcph::harness::stack {

// The headers the proxy sets from the connection's certificate, overwriting what a client sent.
inline constexpr std::string_view kClientDnHeader = "X-SSL-Client-S-DN";
inline constexpr std::string_view kClientVerifyHeader = "X-SSL-Client-Verify";
// Other names a server might take a client certificate's identity from: dropped from every
// request, whatever the client put in them.
const std::vector<std::string_view>& dropped_certificate_headers();

// nginx.conf for `options`, with every path nginx writes under `directory`, listening on
// 127.0.0.1:`port`. Throws std::invalid_argument for an upstream that is not plain HTTP on
// loopback, or a path nginx could not take literally (a quote, a backslash, '$', ';', braces or a
// control character).
std::string tls_proxy_config(const TlsProxyOptions& options, const std::filesystem::path& directory, int port);

}  // namespace mcph::harness::stack
