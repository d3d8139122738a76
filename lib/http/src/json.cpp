#include "mcph/http/json.h"

namespace mcph::http {

nlohmann::json parse_json_body(const Request& request) {
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the position; the library's text repeats the offending input, which may hold
    // secrets, so it is not passed on.
    throw HttpError(400, "invalid JSON body: syntax error at byte " + std::to_string(e.byte));
  }
}

void set_json(Response& response, int status, const nlohmann::json& body) {
  response.set_json(status, body.dump());
}

}  // namespace mcph::http
