#include "mcph/http/trace_context.h"

#include <random>

namespace mcph::http {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::size_t kVersion00Size = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2

bool is_lower_hex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_nonzero_lower_hex(std::string_view text, std::size_t size) {
  return text.size() == size && is_lower_hex(text) && text.find_first_not_of('0') != std::string_view::npos;
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

bool is_valid_trace_id(std::string_view id) { return is_nonzero_lower_hex(id, 32); }
bool is_valid_parent_id(std::string_view id) { return is_nonzero_lower_hex(id, 16); }

std::optional<TraceParent> parse_traceparent(std::string_view value) {
  value = trim_ows(value);
  if (value.size() < kVersion00Size) return std::nullopt;
  const std::string_view version = value.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly this long; a later version may only add fields after a '-'.
  if (version == "00" ? value.size() != kVersion00Size
                      : value.size() > kVersion00Size && value[kVersion00Size] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  TraceParent trace;
  trace.trace_id = std::string(value.substr(3, 32));
  trace.parent_id = std::string(value.substr(36, 16));
  const std::string_view flags = value.substr(53, 2);
  if (!is_valid_trace_id(trace.trace_id) || !is_valid_parent_id(trace.parent_id) || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  trace.flags = static_cast<std::uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]));
  return trace;
}

std::string format_traceparent(const TraceParent& trace) {
  return "00-" + trace.trace_id + "-" + trace.parent_id + (trace.sampled() ? "-01" : "-00");
}

std::string new_parent_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uint64_t bits = 0;
  while (bits == 0) bits = random();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, bits >>= 4) id[static_cast<std::size_t>(i)] = kHex[bits & 0xf];
  return id;
}

std::string new_trace_id() { return new_parent_id() + new_parent_id(); }

TraceParent new_trace() { return {new_trace_id(), new_parent_id(), 0x01}; }

std::optional<TraceContext> trace_context_of(const Request& request) {
  std::optional<TraceParent> parent;
  int traceparents = 0;
  std::string tracestate;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "traceparent")) {
      ++traceparents;
      parent = parse_traceparent(value);
    } else if (iequals(name, "tracestate")) {
      // RFC 9110 §5.3: several fields of one name are one comma-separated list.
      if (const std::string_view list = trim_ows(value); !list.empty()) {
        if (!tracestate.empty()) tracestate += ',';
        tracestate += list;
      }
    }
  }
  // Two traceparents cannot both describe this request: neither is trusted.
  if (traceparents != 1 || !parent) return std::nullopt;
  return TraceContext{std::move(*parent), std::move(tracestate)};
}

Fields outgoing_trace_headers(const TraceContext& incoming) {
  TraceParent outgoing = incoming.parent;
  outgoing.parent_id = new_parent_id();
  Fields headers{{"traceparent", format_traceparent(outgoing)}};
  if (!incoming.tracestate.empty()) headers.emplace_back("tracestate", incoming.tracestate);
  return headers;
}

}  // namespace mcph::http
