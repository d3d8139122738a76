#pragma once
// What a step's answer was, before any check gives it a meaning: the server accepted the request,
// refused it (with the challenge a refusal of a token is due, without it, or under another error
// status), rate-limited it, or the request never reached what the step tests (an endpoint the
// server does not have, a method it does not take, no HTTP answer at all). A finding is filed
// only on what a step is about (findings.h): a refusal without its challenge is not an
// acceptance, and an answer that never reached the check is no verdict on the server.
#include <string>
#include <string_view>

#include "mcph/harness/scenario/scenario.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

enum class AnswerClass {
  unclassified,               // a step whose kind yields no HTTP answer of a server under test
  accepted,                   // 2xx and, for JSON-RPC, a result
  refused_with_challenge,     // 401 with a well-formed WWW-Authenticate
  refused_without_challenge,  // 401 without WWW-Authenticate, or with a malformed one
  refused_other_status,       // another refusal: 403, 400, 500, …, or a JSON-RPC error
  not_reached,                // 404, 405, 501, a redirect, no HTTP answer, no such method or tool
  rate_limited,               // 429
  awaiting_input,             // MCP 2026-07-28's input_required: a question, before the tool ran
};

// The stable name a report keeps: "accepted", "refused-with-challenge", "not-reached", …; "" for
// unclassified. from_name reads it back (unclassified for anything else).
std::string_view name_of(AnswerClass answer);
AnswerClass answer_class_named(std::string_view name);

// Whether answers of the step's kind are classified: those that yield an HTTP answer from a
// server the run tests (Vault's answers are the harness's own instruments, not a verdict).
bool answers_classified(StepKind kind);

// Whether an HTTP status says the request never reached what it was aimed at: 404, 405, 501, a
// redirect, or 0 (no HTTP answer).
bool not_reached_status(int status);

// Whether a JSON-RPC error says the server has no such method (-32601) or tool (-32602 with an
// unknown tool's words): the request never reached what the step tests.
bool names_no_such_method_or_tool(int code, std::string_view message);

// Whether a tool's error result says the server has no such tool ("Tool x not found", "Unknown
// tool: x"), as some SDKs answer an unknown tool: the request never reached a tool.
bool tool_error_names_no_such_tool(std::string_view text);

// The class of an answer: its HTTP status, its WWW-Authenticate, whether a JSON-RPC error came
// (one naming no such method or tool is not reached), whether the tool asked for input first.
AnswerClass classify(const StepOutcome& outcome);

// Whether a WWW-Authenticate value is a challenge as RFC 9110 §11.6.1 shapes it: an auth-scheme,
// then nothing, a token68, or comma-separated auth-params (name=token or name="quoted").
bool well_formed_challenge(std::string_view value);

// The request the answer came to, as "POST /mcp/rpc" (the last exchange the step recorded with
// that status; "" when none was recorded).
std::string answered_request(const StepOutcome& outcome);

}  // namespace mcph::harness::scenario
