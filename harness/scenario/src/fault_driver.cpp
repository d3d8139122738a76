#include "fault_driver.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "fault_spec.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/seed/seeded_random.h"
#include "mcph/sync/elapsed.h"
#include "recorder.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The proxy's API answers at once; a bound all the same.
http::ClientOptions api_options() {
  http::ClientOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.read_timeout = std::chrono::seconds(5);
  return options;
}

// One API request, recorded for the step's trace when `record` is given; throws with the proxy's
// own message when it refuses.
http::ClientResponse call(const std::string& api, const std::string& method, const std::string& path,
                          const Json& body, Recorder* record, std::initializer_list<int> expected) {
  const auto started = Clock::now();
  http::Client client(api, api_options());
  const std::string text = body.is_null() ? "" : body.dump();
  const http::ClientResponse response = client.request(method, path, {}, text, text.empty() ? "" : "application/json");
  if (record) record->exchange(method, api + path, {}, text, response.status, {}, response.body, sync::ms_since(started));
  for (int status : expected) {
    if (response.status == status) return response;
  }
  throw std::runtime_error(method + " " + api + path + " was refused: HTTP " + std::to_string(response.status) +
                           " " + response.body.substr(0, 300));
}

// A request's target as it came: its path encoded again segment by segment (the server decoded
// it) and its query.
std::string target_of(const http::Request& request) {
  std::string target = http::percent_encode_segments(request.path);
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    target += separator + http::percent_encode(name) + "=" + http::percent_encode(value);
    separator = '&';
  }
  return target.empty() ? "/" : target;
}

// A server answering every request whose path starts with `path` (every request when it is
// empty) with `status` and `body`, as JSON's media type says (what a broken service behind a
// proxy would claim), and passing every other request on to `upstream` (host:port) as it came.
std::shared_ptr<http::Server> start_answerer(int status, const std::string& body, const std::string& path,
                                             const std::string& upstream) {
  http::ServerOptions options;
  options.name = "http_answer";
  options.access_log = false;
  auto server = std::make_shared<http::Server>(options);
  const auto answer = [status, body, path, upstream](const http::Request& request, http::Response& response) {
    if (request.path.starts_with(path)) {
      response.status = status;
      response.body = body;
      response.content_type = "application/json";
      return;
    }
    http::Fields headers;
    for (const auto& [name, value] : request.headers) {
      if (!http::iequals(name, "Host") && !http::iequals(name, "Content-Length") && !http::iequals(name, "Content-Type") &&
          !http::iequals(name, "Connection")) {
        headers.emplace_back(name, value);
      }
    }
    http::Client service("http://" + upstream, api_options());
    const http::ClientResponse answered =
        service.request(request.method, target_of(request), headers, request.body, request.header("Content-Type"));
    response.status = answered.status;
    response.body = answered.body;
    if (const std::string type = answered.header("Content-Type"); !type.empty()) response.content_type = type;
  };
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) server->route(method, "/.*", answer);
  server->start();
  return server;
}

}  // namespace

FaultDriver::FaultDriver(const stack::StackFile& stack) : stack_(stack) {}

bool FaultDriver::has_fault_proxy() const { return stack_.services.count(std::string(stack::kFaultProxyService)) > 0; }

std::string FaultDriver::fault_hook_url(const std::string& target) const {
  const auto backends = stack::mock_backend_services();
  if (std::find(backends.begin(), backends.end(), target) == backends.end() || !stack_.services.count(target)) return "";
  return stack_.service(target).url;
}

std::string FaultDriver::api_url() const {
  const auto it = stack_.services.find(std::string(stack::kFaultProxyService));
  if (it == stack_.services.end()) {
    throw std::runtime_error("the stack has no fault proxy (services.\"fault-proxy\" in the stack file): start one "
                             "with `mcp-harness up` in local or real mode");
  }
  return it->second.url;
}

void FaultDriver::apply(const FaultSpec& fault, FaultsAdded& added, std::uint64_t scenario_seed, StepOutcome& out,
                        Recorder& record) const {
  if (!fault.clear.empty()) {
    if (fault.clear == "all") {  // every proxy the fault proxy has, and every backend's hook
      if (has_fault_proxy()) {
        const Json proxies = Json::parse(call(api_url(), "GET", "/proxies", nullptr, &record, {200}).body, nullptr, false);
        if (!proxies.is_object()) throw std::runtime_error("the fault proxy's GET /proxies is not a JSON object");
        for (const auto& [name, proxy] : proxies.items()) clear_proxy(name, added);
      }
      for (const auto& backend : stack::mock_backend_services()) {
        if (const std::string hook = fault_hook_url(backend); !hook.empty()) {
          call(hook, "DELETE", "/_fault", nullptr, &record, {204, 404});
          added.http_errors.erase(backend);
        }
      }
    } else {
      clear(fault.clear, added);
    }
    out.http.status = 200;
    return;
  }
  if (fault.toxic == std::string_view(kHttpErrorToxic)) {
    const std::string hook = fault_hook_url(fault.target);
    if (hook.empty()) throw std::runtime_error("the stack has no " + fault.target + " to answer an HTTP error");
    Json body = {{"status", fault.attributes.at("status")}};
    if (const auto count = fault.attributes.find("count"); count != fault.attributes.end()) body["count"] = count->second;
    added.http_errors.insert(fault.target);  // before the request: undone even if it half worked
    call(hook, "POST", "/_fault", body, &record, {200});
    out.http.status = 200;
    return;
  }
  if (fault.toxic == std::string_view(kHttpAnswerToxic)) {
    answer_for(fault, added, record);
    out.http.status = 200;
    return;
  }
  const std::string api = api_url();
  if (fault.toxic == "down") {
    added.disabled.insert(fault.target);  // before the request: undone even if it half worked
    call(api, "POST", "/proxies/" + fault.target, Json{{"enabled", false}}, &record, {200});
    out.http.status = 200;
    return;
  }
  Json toxic = toxiproxy_toxic(fault);
  const std::string name = toxic["name"];
  toxic["seed"] = seed::derive(scenario_seed, fault.target + "/" + name);
  const std::pair<std::string, std::string> key{fault.target, name};
  if (added.toxics.count(key)) {  // the scenario's own toxic of this kind: changed
    call(api, "POST", "/proxies/" + fault.target + "/toxics/" + name,
         Json{{"attributes", toxic["attributes"]}, {"toxicity", toxic["toxicity"]}}, &record, {200});
  } else {
    added.toxics.insert(key);
    call(api, "POST", "/proxies/" + fault.target + "/toxics", toxic, &record, {200});
  }
  out.http.status = 200;
}

// The target's proxy pointed at a server of the harness's that answers in the service's place;
// a second such step replaces the first's server.
void FaultDriver::answer_for(const FaultSpec& fault, FaultsAdded& added, Recorder& record) const {
  const std::string api = api_url();
  std::string original;
  if (const auto replaced = added.answered.find(fault.target); replaced != added.answered.end()) {
    original = replaced->second.original;
  } else {
    const Json proxy = Json::parse(call(api, "GET", "/proxies/" + fault.target, nullptr, &record, {200}).body, nullptr, false);
    original = proxy.is_object() ? proxy.value("upstream", "") : "";
    if (original.empty()) throw std::runtime_error("the fault proxy names no upstream for " + fault.target);
  }
  auto answerer = start_answerer(static_cast<int>(fault.attributes.at("status")), fault.body, fault.path, original);
  const std::string upstream = "127.0.0.1:" + std::to_string(answerer->port());
  added.answered[fault.target] = ReplacedUpstream{original, answerer};  // before the request: undone even if it half worked
  call(api, "POST", "/proxies/" + fault.target, Json{{"upstream", upstream}}, &record, {200});
}

void FaultDriver::give_back_upstream(const std::string& proxy, FaultsAdded& added, Recorder* record) const {
  const auto replaced = added.answered.find(proxy);
  if (replaced == added.answered.end()) return;
  const std::string original = replaced->second.original;
  added.answered.erase(replaced);  // the answering server stops here
  call(api_url(), "POST", "/proxies/" + proxy, Json{{"upstream", original}}, record, {200});
}

// A target's faults: its backend's HTTP error, and its proxy's toxics and state.
void FaultDriver::clear(const std::string& target, FaultsAdded& added) const {
  const std::string hook = fault_hook_url(target);
  if (!hook.empty()) {
    call(hook, "DELETE", "/_fault", nullptr, nullptr, {204, 404});
    added.http_errors.erase(target);
    if (!has_fault_proxy()) return;
  }
  clear_proxy(target, added);
}

void FaultDriver::clear_proxy(const std::string& proxy, FaultsAdded& added) const {
  const std::string api = api_url();
  // Every toxic on the proxy (a `clear` means a healthy proxy, whoever added them), then enabled.
  const auto listed = call(api, "GET", "/proxies/" + proxy + "/toxics", nullptr, nullptr, {200});
  const Json toxics = Json::parse(listed.body, nullptr, false);
  if (toxics.is_array()) {
    for (const auto& toxic : toxics) {
      call(api, "DELETE", "/proxies/" + proxy + "/toxics/" + toxic.value("name", ""), nullptr, nullptr, {204, 404});
    }
  }
  call(api, "POST", "/proxies/" + proxy, Json{{"enabled", true}}, nullptr, {200});
  std::erase_if(added.toxics, [&](const auto& entry) { return entry.first == proxy; });
  added.disabled.erase(proxy);
  give_back_upstream(proxy, added, nullptr);
}

void FaultDriver::undo(FaultsAdded& added) const {
  if (added.empty()) return;
  std::string failed;
  const auto attempt = [&](const std::function<void()>& request) {
    try {
      request();
    } catch (const std::exception& e) {
      failed += std::string(failed.empty() ? "" : "; ") + e.what();
    }
  };
  for (const auto& backend : added.http_errors) {
    attempt([&] { call(fault_hook_url(backend), "DELETE", "/_fault", nullptr, nullptr, {204, 404}); });
  }
  for (const auto& added_toxic : added.toxics) {
    const std::string path = "/proxies/" + added_toxic.first + "/toxics/" + added_toxic.second;
    attempt([&] { call(api_url(), "DELETE", path, nullptr, nullptr, {204, 404}); });
  }
  for (const auto& proxy : added.disabled) {
    attempt([&] { call(api_url(), "POST", "/proxies/" + proxy, Json{{"enabled", true}}, nullptr, {200}); });
  }
  while (!added.answered.empty()) {
    const std::string proxy = added.answered.begin()->first;
    attempt([&] { give_back_upstream(proxy, added, nullptr); });
  }
  added = {};
  if (!failed.empty()) throw std::runtime_error("could not undo the scenario's faults: " + failed);
}

}  // namespace mcph::harness::scenario
