#pragma once
// The checks of the expectation table (expectation_table.cpp) too long to be written in its rows,
// by the part of the result they read: answers (answer_checks.cpp), Vault's audit log and the
// backends' ledgers (evidence_checks.cpp), bursts and loads (burst_checks.cpp).
#include <nlohmann/json.hpp>
#include <string>

#include "expectation_kinds.h"
#include "expectations.h"
#include "value_matcher.h"

namespace mcph::harness::scenario {

// A text fit for a message: secrets scrubbed, cut to `limit` characters.
std::string excerpt(const std::string& text, std::size_t limit = 240);
bool contains(const std::string& haystack, const std::string& needle);

using CheckFunction = reports::Check(const nlohmann::json& want, const StepOutcome& outcome, const CheckContext& context);

// The answer (answer_checks.cpp).
CheckFunction check_ok, check_accepted_for_at_most_s, check_header_contains, check_bearer_challenge, check_token_not_echoed,
    check_error_hides, check_answer_hides, check_result_json, check_declares_param_header, check_entity_name,
    check_vault_error_contains, check_refused;
// Whether `outcome`'s text (`text`) satisfies a text matcher whose plain value means contains.
reports::Check check_text(const nlohmann::json& want, const std::string& text, const StepOutcome& outcome, bool holds_too = true);

// Vault's audit log and the backends' ledgers (evidence_checks.cpp).
CheckFunction check_backend_credential_of, check_no_ledger_entry, check_vault_audit, check_vault_login_client;

// Two or more groups of expectations, one of which must hold whole (expectations.cpp).
CheckFunction check_either;

// Bursts and loads (burst_checks.cpp).
CheckFunction check_some_http_status, check_no_http_status, check_some_decision, check_retry_after, check_accepted_calls_at_least;
reports::Check check_load_count(const nlohmann::json& want, const StepOutcome& outcome, long LoadOutcome::*count, const char* what);
reports::Check check_rate_limit_violations(const nlohmann::json& want, const StepOutcome& outcome);

}  // namespace mcph::harness::scenario
