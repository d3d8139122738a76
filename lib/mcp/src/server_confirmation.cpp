// A tool call that waits for the user's confirmation, in the modern era (2026-07-28
// basic/patterns/mrtr): the first round is answered with an input_required result that asks for a
// yes (an elicitation) and carries a sealed requestState; the retry brings the answer and the
// state back, and the tool runs only when the state is taken (request_state.h) and the answer is
// yes. A retry without the answer is asked again; a no ends the call with nothing done.
#include "server_impl.h"

namespace mcph::mcp {

namespace {

constexpr const char* kConfirmKey = "confirm";

detail::StateBinding binding_of(const Message& message) {
  return {message.method, message.params.value("name", ""), message.params.value("arguments", json::object())};
}

bool declares_elicitation(const json& params) {
  const json& meta = params.value("_meta", json::object());
  const json& capabilities = meta.value(std::string(kMetaClientCapabilities), json::object());
  return capabilities.is_object() && capabilities.contains("elicitation");
}

}  // namespace

std::optional<detail::ModernRefusal> Server::Impl::confirmation_capability_refusal(const Message& message) const {
  if (tools.confirmation(message.params).empty() || message.params.contains("requestState") ||
      declares_elicitation(message.params)) {
    return std::nullopt;
  }
  return detail::ModernRefusal{400, jsonrpc::kMissingRequiredClientCapability,
                               "Missing required client capability: this tool asks the user to confirm (elicitation)",
                               json{{"requiredCapabilities", {{"elicitation", json::object()}}}}};
}

std::optional<json> Server::Impl::confirmation_round(const Message& message, const Principal& principal) const {
  const json& params = message.params;
  const detail::StateBinding binding = binding_of(message);
  const auto state = params.find("requestState");
  if (state != params.end()) {
    if (!state->is_string()) throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: requestState must be a string");
    const detail::StateLeniency leniency{options.unsafe_request_state_unsealed, options.unsafe_request_state_any_caller,
                                         options.unsafe_request_state_no_expiry,
                                         options.unsafe_request_state_any_request,
                                         options.unsafe_request_state_reusable};
    if (auto refusal = request_state.take(state->get<std::string>(), principal.subject, binding, leniency)) {
      throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: " + *refusal);
    }
    const json responses = params.value("inputResponses", json::object());
    const json answer = responses.is_object() ? responses.value(kConfirmKey, json()) : json();
    if (answer.is_object()) {
      const json content = answer.value("content", json::object());
      const bool yes = answer.value("action", json()) == "accept" && content.is_object() &&
                       content.value(kConfirmKey, json()) == true;
      if (yes || options.unsafe_confirmation_any_answer) return std::nullopt;
      return json{{"content", {{{"type", "text"}, {"text", "The user did not confirm " + binding.tool + ": nothing was done."}}}},
                  {"isError", true},
                  {"resultType", "complete"}};
    }
  }
  const json question{{"method", "elicitation/create"},
                      {"params",
                       {{"mode", "form"},
                        {"message", tools.confirmation(params)},
                        {"requestedSchema",
                         {{"type", "object"},
                          {"properties", {{kConfirmKey, {{"type", "boolean"}, {"title", "Confirm"}}}}},
                          {"required", {kConfirmKey}}}}}}};
  return json{{"resultType", "input_required"},
              {"inputRequests", {{kConfirmKey, question}}},
              {"requestState", request_state.mint(principal.subject, binding)}};
}

}  // namespace mcph::mcp
