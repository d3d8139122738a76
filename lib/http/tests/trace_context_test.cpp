// The cases follow the W3C Trace Context spec and its test suite (w3c/trace-context test/test.py).
#include "mcph/http/trace_context.h"

#include <gtest/gtest.h>

#include <set>

namespace mcph::http {
namespace {

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceParent, ParsesTheSpecExample) {
  const auto trace = parse_traceparent(kValid);
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->trace_id, kTraceId);
  EXPECT_EQ(trace->parent_id, "00f067aa0ba902b7");
  EXPECT_TRUE(trace->sampled());
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")->sampled());
  EXPECT_EQ(format_traceparent(*trace), kValid);
}

TEST(TraceParent, IgnoresSurroundingSpacesAndTabs) {
  EXPECT_TRUE(parse_traceparent(std::string(" \t") + kValid + "\t "));
}

TEST(TraceParent, RefusesMalformedValues) {
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",         // no flags
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",       // flags too short
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",     // flags too long
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0.",      // flags not hex
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.",     // trailing junk
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",    // version 00 has no more fields
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",      // all-zero trace-id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",      // all-zero parent-id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",      // uppercase trace-id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",      // uppercase parent-id
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",       // trace-id too short
           "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",     // trace-id too long
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",       // parent-id too short
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b77-01",     // parent-id too long
           "00-4bf92f3577b34da6a3ce929d0e0e473.-00f067aa0ba902b7-01",      // trace-id not hex
           "00-4bf92f3577b34da6a3ce929d0e0e4736-.0f067aa0ba902b7-01",      // parent-id not hex
           "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",      // wrong delimiters
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version ff is forbidden
           "0.-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version not hex
           "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version uppercase
           "000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // version too long
           "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",       // version too short
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.more",  // later version: '-' must follow
       }) {
    EXPECT_FALSE(parse_traceparent(bad).has_value()) << bad;
  }
}

TEST(TraceParent, ReadsALaterVersionByItsVersion00PrefixAndWritesVersion00) {
  for (const char* future : {"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                             "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like"}) {
    const auto trace = parse_traceparent(future);
    ASSERT_TRUE(trace.has_value()) << future;
    EXPECT_EQ(format_traceparent(*trace), kValid);
  }
}

TEST(TraceParent, WritesOnlyTheSampledFlag) {
  const auto trace = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09");
  ASSERT_TRUE(trace.has_value());
  EXPECT_TRUE(trace->sampled());
  EXPECT_EQ(format_traceparent(*trace), kValid);
}

TEST(TraceParent, NewParentIdsAreValidAndDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_parent_id();
    EXPECT_TRUE(is_valid_parent_id(id)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(TraceParent, NewTracesAreValidSampledAndDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const TraceParent trace = new_trace();
    EXPECT_TRUE(is_valid_trace_id(trace.trace_id)) << trace.trace_id;
    EXPECT_TRUE(is_valid_parent_id(trace.parent_id)) << trace.parent_id;
    EXPECT_TRUE(trace.sampled());
    EXPECT_EQ(parse_traceparent(format_traceparent(trace))->trace_id, trace.trace_id);
    ids.insert(trace.trace_id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

Request request_with(Fields headers) {
  Request request;
  request.headers = std::move(headers);
  return request;
}

TEST(TraceContextOf, ReadsTheHeaderInAnyCaseWithItsTracestate) {
  const auto context = trace_context_of(request_with({{"TraceParent", kValid}, {"tracestate", "congo=t61rcWkgMzE"}}));
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->parent.trace_id, kTraceId);
  EXPECT_EQ(context->tracestate, "congo=t61rcWkgMzE");
}

TEST(TraceContextOf, JoinsSeveralTracestateFieldsInOrderAndDropsEmptyOnes) {
  const auto context = trace_context_of(request_with(
      {{"tracestate", "foo=1,bar=2"}, {"traceparent", kValid}, {"TRACESTATE", ""}, {"tracestate", " baz=3 "}}));
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->tracestate, "foo=1,bar=2,baz=3");
}

TEST(TraceContextOf, IsAbsentWhenTheTraceparentIsMissingMalformedOrDuplicated) {
  EXPECT_FALSE(trace_context_of(request_with({{"tracestate", "foo=1"}})));
  EXPECT_FALSE(trace_context_of(request_with({{"trace-parent", kValid}})));
  EXPECT_FALSE(trace_context_of(request_with({{"traceparent", "00-garbage"}})));
  EXPECT_FALSE(trace_context_of(request_with(
      {{"traceparent", kValid}, {"traceparent", "00-12345678901234567890123456789012-1234567890123456-01"}})));
  EXPECT_FALSE(trace_context_of(request_with({{"traceparent", kValid}, {"traceparent", kValid}})));
}

TEST(OutgoingTraceHeaders, KeepTheTraceAndSampledFlagWithANewParentId) {
  const auto incoming = trace_context_of(request_with({{"traceparent", kValid}, {"tracestate", "congo=t61rcWkgMzE"}}));
  ASSERT_TRUE(incoming.has_value());
  const Fields headers = outgoing_trace_headers(*incoming);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, "traceparent");
  const auto outgoing = parse_traceparent(headers[0].second);
  ASSERT_TRUE(outgoing.has_value()) << headers[0].second;
  EXPECT_EQ(outgoing->trace_id, kTraceId);
  EXPECT_NE(outgoing->parent_id, incoming->parent.parent_id);
  EXPECT_TRUE(outgoing->sampled());
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"tracestate", "congo=t61rcWkgMzE"}));
}

TEST(OutgoingTraceHeaders, OmitAnEmptyTracestate) {
  const auto incoming = trace_context_of(request_with({{"traceparent", kValid}}));
  ASSERT_TRUE(incoming.has_value());
  EXPECT_EQ(outgoing_trace_headers(*incoming).size(), 1u);
}

TEST(TraceIds, AreValidatedLikeTheHeaderFields) {
  EXPECT_TRUE(is_valid_trace_id(kTraceId));
  EXPECT_FALSE(is_valid_trace_id(""));
  EXPECT_FALSE(is_valid_trace_id("00000000000000000000000000000000"));
  EXPECT_FALSE(is_valid_trace_id("4BF92F3577B34DA6A3CE929D0E0E4736"));
  EXPECT_FALSE(is_valid_trace_id("4bf92f3577b34da6a3ce929d0e0e473"));
  EXPECT_TRUE(is_valid_parent_id("00f067aa0ba902b7"));
  EXPECT_FALSE(is_valid_parent_id("0000000000000000"));
}

}  // namespace
}  // namespace mcph::http
