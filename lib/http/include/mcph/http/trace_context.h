#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): reading the `traceparent` and
// `tracestate` request headers and writing them on an outgoing request of the same trace.
//   traceparent: 00-<trace-id: 32 lowercase hex>-<parent-id: 16 lowercase hex>-<flags: 2 hex>
// Anything malformed is simply not a trace context (the spec: "vendors MUST ignore the
// traceparent"); none of these functions throws on bad input.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mcph/http/message.h"

namespace mcph::http {

struct TraceParent {
  std::string trace_id;   // 32 lowercase hex digits, not all zero
  std::string parent_id;  // 16 lowercase hex digits, not all zero
  std::uint8_t flags = 0;

  bool sampled() const { return (flags & 0x01) != 0; }
};

// The value of one traceparent header. Version 00 must be exactly 55 characters; a higher
// version (not ff) is read by its version-00 prefix, which must then end the value or be
// followed by '-'. Surrounding spaces and tabs are ignored.
std::optional<TraceParent> parse_traceparent(std::string_view value);
// Always version 00; of the flags only `sampled` is kept (the spec: other flags MUST be zero).
std::string format_traceparent(const TraceParent& trace);

bool is_valid_trace_id(std::string_view id);   // 32 lowercase hex digits, not all zero
bool is_valid_parent_id(std::string_view id);  // 16 lowercase hex digits, not all zero
// A random parent-id for a new span (never all zero).
std::string new_parent_id();
// A random trace-id (never all zero), and a new sampled trace with it: what a client that
// starts a trace sends (the scenario runner, one per tool call).
std::string new_trace_id();
TraceParent new_trace();

// What an incoming request carries: its traceparent (absent when the header is missing,
// malformed or given more than once) and its tracestate, the values of every tracestate
// header joined with ',' in order (empty ones dropped), kept only when the traceparent is.
struct TraceContext {
  TraceParent parent;
  std::string tracestate;
};
std::optional<TraceContext> trace_context_of(const Request& request);

// The headers for an outgoing request made while serving a request of context `incoming`:
// the same trace-id and sampled flag with a new parent-id (this request's own span), and the
// tracestate passed on unchanged (omitted when empty).
Fields outgoing_trace_headers(const TraceContext& incoming);

}  // namespace mcph::http
