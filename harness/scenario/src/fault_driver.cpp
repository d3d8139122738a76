#include "fault_driver.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "fault_spec.h"
#include "mcph/harness/service_table.h"
#include "mcph/http/client.h"

namespace mcph::harness {
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

// One API request; throws with the proxy's own message when it refuses.
http::ClientResponse call(const std::string& api, const std::string& method, const std::string& path,
                          const Json& body, StepOutcome& out, std::initializer_list<int> expected) {
  const auto started = Clock::now();
  http::Client client(api, api_options());
  const std::string text = body.is_null() ? "" : body.dump();
  const http::ClientResponse response = client.request(method, path, {}, text, text.empty() ? "" : "application/json");
  out.exchanges.push_back(
      {{"request", {{"method", method}, {"url", api + path}, {"body", text}}},
       {"response", {{"status", response.status}, {"body", response.body.substr(0, 1000)}}},
       {"ms", std::chrono::duration<double, std::milli>(Clock::now() - started).count()}});
  for (int status : expected) {
    if (response.status == status) return response;
  }
  throw std::runtime_error("the fault proxy refused " + method + " " + path + ": HTTP " + std::to_string(response.status) +
                           " " + response.body.substr(0, 300));
}

}  // namespace

FaultDriver::FaultDriver(const StackFile& stack) : stack_(stack) {}

std::string FaultDriver::api_url() const {
  const auto it = stack_.services.find(std::string(kFaultProxyService));
  if (it == stack_.services.end()) {
    throw std::runtime_error("the stack has no fault proxy (services.\"fault-proxy\" in the stack file): start one "
                             "with `mcp-harness up` in local or real mode");
  }
  return it->second.url;
}

void FaultDriver::apply(const FaultSpec& fault, FaultsAdded& added, StepOutcome& out) const {
  const std::string api = api_url();
  if (!fault.clear.empty()) {
    if (fault.clear == "all") {  // every proxy the fault proxy has
      const Json proxies = Json::parse(call(api, "GET", "/proxies", nullptr, out, {200}).body, nullptr, false);
      if (!proxies.is_object()) throw std::runtime_error("the fault proxy's GET /proxies is not a JSON object");
      for (const auto& [name, proxy] : proxies.items()) clear(name, added);
    } else {
      clear(fault.clear, added);
    }
    out.http_status = 200;
    return;
  }
  if (fault.toxic == "down") {
    added.disabled.insert(fault.target);  // before the request: undone even if it half worked
    call(api, "POST", "/proxies/" + fault.target, Json{{"enabled", false}}, out, {200});
    out.http_status = 200;
    return;
  }
  const Json toxic = toxiproxy_toxic(fault);
  const std::string name = toxic["name"];
  const std::pair<std::string, std::string> key{fault.target, name};
  if (added.toxics.count(key)) {  // the scenario's own toxic of this kind: changed
    call(api, "POST", "/proxies/" + fault.target + "/toxics/" + name,
         Json{{"attributes", toxic["attributes"]}, {"toxicity", toxic["toxicity"]}}, out, {200});
  } else {
    added.toxics.insert(key);
    call(api, "POST", "/proxies/" + fault.target + "/toxics", toxic, out, {200});
  }
  out.http_status = 200;
}

void FaultDriver::clear(const std::string& proxy, FaultsAdded& added) const {
  const std::string api = api_url();
  StepOutcome ignored;
  // Every toxic on the proxy (a `clear` means a healthy proxy, whoever added them), then enabled.
  const auto listed = call(api, "GET", "/proxies/" + proxy + "/toxics", nullptr, ignored, {200});
  const Json toxics = Json::parse(listed.body, nullptr, false);
  if (toxics.is_array()) {
    for (const auto& toxic : toxics) {
      call(api, "DELETE", "/proxies/" + proxy + "/toxics/" + toxic.value("name", ""), nullptr, ignored, {204, 404});
    }
  }
  call(api, "POST", "/proxies/" + proxy, Json{{"enabled", true}}, ignored, {200});
  std::erase_if(added.toxics, [&](const auto& entry) { return entry.first == proxy; });
  added.disabled.erase(proxy);
}

void FaultDriver::undo(FaultsAdded& added) const {
  if (added.empty()) return;
  const std::string api = api_url();
  StepOutcome ignored;
  std::string failed;
  for (const auto& [proxy, toxic] : added.toxics) {
    try {
      call(api, "DELETE", "/proxies/" + proxy + "/toxics/" + toxic, nullptr, ignored, {204, 404});
    } catch (const std::exception& e) {
      failed += std::string(failed.empty() ? "" : "; ") + e.what();
    }
  }
  for (const auto& proxy : added.disabled) {
    try {
      call(api, "POST", "/proxies/" + proxy, Json{{"enabled", true}}, ignored, {200});
    } catch (const std::exception& e) {
      failed += std::string(failed.empty() ? "" : "; ") + e.what();
    }
  }
  added = {};
  if (!failed.empty()) throw std::runtime_error("could not undo the scenario's faults: " + failed);
}

}  // namespace mcph::harness
