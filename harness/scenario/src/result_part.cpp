#include "result_part.h"

#include <stdexcept>

namespace mcph::harness::scenario {

const std::vector<ResultPartInfo>& result_parts() {
  using enum ResultPart;
  static const std::vector<ResultPartInfo> parts = [] {
    std::vector<ResultPartInfo> rows = {
        {http_answer, "http_answer", "an HTTP answer: its status, headers and body"},
        {rpc_answer, "rpc_answer", "a JSON-RPC answer: a result or an error code"},
        {tool_answer, "tool_answer", "an MCP tool call's answer: its result or error text, and the failure kinds it shows"},
        {json_result, "json_result", "a JSON result: a tool's, a response body's, a token's claims"},
        {sent_token, "sent_token", "the bearer token (an `oauth` token request: the client secret) the step sent"},
        {burst, "burst", "every status of a repeated request, how many were accepted, and the first rejection's Retry-After"},
        {decisions, "decisions", "each call of a workload burst read as the policy's decision, by the target's `workload_tools`"},
        {load, "load", "a load step's counts: calls made, accepted, cross-user, failed, without a ledger entry"},
        {ledger, "ledger", "the backend's ledger entries for the step"},
        {audit, "audit", "Vault's audit log entries for the step"},
        {connection, "connection", "a raw TCP connection: when the server closed it, how many answers came back"},
        {stream, "stream", "an SSE stream watched after a POST: the messages it carried"},
        {vault_answer, "vault_answer", "Vault's answer: the entity a login or whoami resolved to, its errors"},
        {token_grant, "token_grant", "a token got from the identity provider, or its OAuth error"},
        {authorization_server, "authorization_server", "what an authorization server published and answered"},
        {policy_probe, "policy_probe", "the bent inputs a policy was asked and those it granted"},
        {sql, "sql", "a query's rows"},
        {duration, "duration", "how long the step took"},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].part != static_cast<ResultPart>(i)) throw std::logic_error("result parts out of ResultPart's order");
    }
    return rows;
  }();
  return parts;
}

std::string_view to_string(ResultPart part) { return result_parts().at(static_cast<std::size_t>(part)).name; }

}  // namespace mcph::harness::scenario
