#pragma once
// JSON request/response helpers. Kept apart from message.h so that only the code that works
// with JSON bodies pays for nlohmann/json's header.
#include <nlohmann/json.hpp>

#include "mcph/http/message.h"

namespace mcph::http {

// Parses the body as JSON; throws HttpError(400, "invalid JSON body: …") when it is not.
nlohmann::json parse_json_body(const Request& request);
void set_json(Response& response, int status, const nlohmann::json& body);

}  // namespace mcph::http
