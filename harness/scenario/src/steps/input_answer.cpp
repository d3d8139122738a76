#include "input_answer.h"

#include <stdexcept>

#include "mcph/text/choice.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// The content of a yes to `form` (an elicitation's requestedSchema): each boolean it requires
// true; a required field of another type cannot be guessed.
Json yes_to(const Json& form) {
  Json content = Json::object();
  const Json properties = form.value("properties", Json::object());
  for (const Json& name : form.value("required", Json::array())) {
    if (!name.is_string()) continue;
    const std::string field = name.get<std::string>();
    const Json type = properties.is_object() && properties.contains(field) ? properties[field].value("type", Json()) : Json();
    if (type != "boolean") {
      throw std::runtime_error("answer: accept cannot fill the form's field " + field + " (" +
                               (type.is_string() ? type.get<std::string>() : std::string("of no type")) +
                               "): give answer: {action: accept, content: {" + field + ": …}}");
    }
    content[field] = true;
  }
  return content;
}

}  // namespace

std::optional<InputAnswer> read_input_answer(const Reader& reader, const YAML::Node& step_value, const std::string& here) {
  const YAML::Node node = step_value["answer"];
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = Reader::join(here, "answer");
  InputAnswer answer;
  if (!node.IsMap()) {
    answer.action = read_choice<InputAction>(reader, node, field, kInputActions, "answer");
    return answer;
  }
  reader.only_keys(node, field, {"action", "content"});
  if (!node["action"].IsDefined()) reader.fail(node, field, "needs action: accept, decline or cancel");
  answer.action = read_choice<InputAction>(reader, node["action"], Reader::join(field, "action"), kInputActions, "action");
  if (node["content"].IsDefined()) {
    if (answer.action != InputAction::accept) reader.fail(node["content"], Reader::join(field, "content"), "only accept carries content");
    answer.content = read_object(reader, node["content"], Reader::join(field, "content")).dump();
  }
  return answer;
}

mcp::InputAnswerer input_answerer(const InputAnswer& answer) {
  return [answer](const std::string& input_requests) -> std::optional<std::string> {
    const Json asked = Json::parse(input_requests, nullptr, false);
    if (!asked.is_object() || asked.empty()) return std::nullopt;
    Json responses = Json::object();
    for (const auto& [key, request] : asked.items()) {
      if (!request.is_object() || request.value("method", "") != "elicitation/create") return std::nullopt;
      Json response = {{"action", text::name_of(answer.action, kInputActions)}};
      if (answer.action == InputAction::accept) {
        response["content"] = answer.content.empty() ? yes_to(request.value("/params/requestedSchema"_json_pointer, Json::object()))
                                                     : Json::parse(answer.content);
      }
      responses[key] = std::move(response);
    }
    return responses.dump();
  };
}

std::string input_asked(const std::string& input_requests) {
  const Json asked = Json::parse(input_requests, nullptr, false);
  if (!asked.is_object() || asked.empty()) return "a requestState to bring back";
  std::vector<std::string> questions;
  for (const auto& [key, request] : asked.items()) {
    const std::string method = request.is_object() ? request.value("method", "") : "";
    const std::string message = request.is_object() ? request.value("/params/message"_json_pointer, std::string()) : "";
    questions.push_back((method.empty() ? key : method) + (message.empty() ? "" : ": " + message));
  }
  return text::join(questions, "; ");
}

}  // namespace mcph::harness::scenario
