#include "mcph/harness/faults/fault_api.h"

#include <nlohmann/json.hpp>

namespace mcph::harness::faults {
namespace {

using Json = nlohmann::ordered_json;  // Toxiproxy's field order

constexpr std::string_view kVersion = "mcph-fault-proxy 0.1.0 (Toxiproxy API v2)";

[[noreturn]] void bad_body(const std::string& why) { throw FaultError(400, "bad request body: " + why); }

Json parse_body(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) bad_body("not JSON");
  return body;
}

std::optional<std::string> string_field(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) bad_body(std::string(name) + " must be a string");
  return it->get<std::string>();
}

std::optional<bool> bool_field(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) bad_body(std::string(name) + " must be true or false");
  return it->get<bool>();
}

std::optional<double> toxicity_field(const Json& body) {
  const auto it = body.find("toxicity");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) bad_body("toxicity must be a number");
  return it->get<double>();
}

// mcp-fault-proxy's own field (Toxiproxy ignores it): the seed the toxic's draws come from.
std::optional<std::uint64_t> seed_field(const Json& body) {
  const auto it = body.find("seed");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned()) bad_body("seed must be a whole number from 0 to 2^64-1");
  return it->get<std::uint64_t>();
}

// ---- toxics as JSON ---------------------------------------------------------------------------

Json attributes_json(const ToxicAttributes& attributes) {
  return std::visit(
      [](const auto& t) -> Json {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, Latency>) return {{"latency", t.latency}, {"jitter", t.jitter}};
        else if constexpr (std::is_same_v<T, Bandwidth>) return {{"rate", t.rate}};
        else if constexpr (std::is_same_v<T, Slicer>) return {{"average_size", t.average_size}, {"size_variation", t.size_variation}, {"delay", t.delay}};
        else if constexpr (std::is_same_v<T, Timeout> || std::is_same_v<T, ResetPeer>) return {{"timeout", t.timeout}};
        else if constexpr (std::is_same_v<T, SlowClose>) return {{"delay", t.delay}};
        else if constexpr (std::is_same_v<T, LimitData>) return {{"bytes", t.bytes}};
        else static_assert(every_toxic_handled<T>, "every toxic type is written");
      },
      attributes);
}

// Fields given in `given` replace those of `base` (unknown fields are ignored, as Go does).
ToxicAttributes merge_attributes(ToxicAttributes base, const Json& given) {
  if (given.is_null()) return base;
  if (!given.is_object()) bad_body("attributes must be an object");
  auto field = [&](const char* name, std::int64_t& value) {
    const auto it = given.find(name);
    if (it == given.end() || it->is_null()) return;
    if (!it->is_number_integer()) bad_body(std::string("attributes.") + name + " must be an integer");
    value = it->get<std::int64_t>();
  };
  std::visit(
      [&](auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, Latency>) {
          field("latency", t.latency);
          field("jitter", t.jitter);
        } else if constexpr (std::is_same_v<T, Bandwidth>) {
          field("rate", t.rate);
        } else if constexpr (std::is_same_v<T, Slicer>) {
          field("average_size", t.average_size);
          field("size_variation", t.size_variation);
          field("delay", t.delay);
        } else if constexpr (std::is_same_v<T, Timeout> || std::is_same_v<T, ResetPeer>) {
          field("timeout", t.timeout);
        } else if constexpr (std::is_same_v<T, SlowClose>) {
          field("delay", t.delay);
        } else if constexpr (std::is_same_v<T, LimitData>) {
          field("bytes", t.bytes);
        } else {
          static_assert(every_toxic_handled<T>, "every toxic type is read");
        }
      },
      base);
  return base;
}

std::string stream_name(Stream stream) { return stream == Stream::upstream ? "upstream" : "downstream"; }

Json toxic_json(const Toxic& toxic) {
  return {{"attributes", attributes_json(toxic.attributes)},
          {"name", toxic.name},
          {"type", type_of(toxic.attributes)},
          {"stream", stream_name(toxic.stream)},
          {"toxicity", toxic.toxicity}};
}

Json toxics_json(const std::vector<Toxic>& toxics) {
  Json out = Json::array();
  for (const auto& toxic : toxics) out.push_back(toxic_json(toxic));
  return out;
}

Json proxy_json(const ProxyInfo& proxy) {
  return {{"name", proxy.name},
          {"listen", proxy.listen},
          {"upstream", proxy.upstream},
          {"enabled", proxy.enabled},
          {"toxics", toxics_json(proxy.toxics)}};
}

Toxic toxic_from(const Json& body) {
  if (!body.is_object()) bad_body("a toxic must be an object");
  Toxic toxic;
  const std::string stream = string_field(body, "stream").value_or("downstream");
  if (stream == "upstream") {
    toxic.stream = Stream::upstream;
  } else if (stream != "downstream") {
    throw FaultError(400, "stream was invalid, can be either upstream or downstream");
  }
  const auto type = attributes_of_type(string_field(body, "type").value_or(""));
  if (!type) throw FaultError(400, "invalid toxic type");
  toxic.attributes = merge_attributes(*type, body.contains("attributes") ? body["attributes"] : Json());
  toxic.name = string_field(body, "name").value_or("");
  toxic.toxicity = toxicity_field(body).value_or(1.0);
  toxic.seed = seed_field(body);
  return toxic;
}

void reply(http::Response& response, int status, const Json& body) { response.set_json(status, body.dump()); }

// Runs a handler; a FaultError becomes Toxiproxy's error answer.
template <typename Fn>
http::Handler api(Fn&& fn) {
  return [fn = std::forward<Fn>(fn)](const http::Request& request, http::Response& response) {
    try {
      fn(request, response);
    } catch (const FaultError& e) {
      toxiproxy_error(e.status(), e.what(), response);
    }
  };
}

}  // namespace

void toxiproxy_error(int status, std::string_view message, http::Response& response) {
  reply(response, status, Json{{"error", message}, {"status", status}});
}

std::vector<ProxyInfo> populate(FaultProxy& proxies, const std::string& json) {
  const Json body = Json::parse(json, nullptr, false);
  if (!body.is_array()) bad_body("a list of proxies is expected");
  std::vector<ProxyInfo> created;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const Json& entry = body[i];
    if (!entry.is_object()) bad_body("proxy " + std::to_string(i + 1) + " is not an object");
    const auto name = string_field(entry, "name");
    const auto upstream = string_field(entry, "upstream");
    if (!name || name->empty()) throw FaultError(400, "missing required field: name at proxy " + std::to_string(i + 1));
    if (!upstream || upstream->empty()) {
      throw FaultError(400, "missing required field: upstream at proxy " + std::to_string(i + 1));
    }
    try {
      proxies.remove(*name);  // populate replaces a proxy of the same name
    } catch (const FaultError&) {
    }
    created.push_back(proxies.create(*name, string_field(entry, "listen").value_or(""), *upstream,
                                     bool_field(entry, "enabled").value_or(true)));
  }
  return created;
}

void mount_fault_api(FaultProxy& proxies, http::Server& server) {
  FaultProxy* p = &proxies;
  server.route("GET", "/version", api([](const http::Request&, http::Response& res) {
    res.body = Json{{"version", kVersion}}.dump();
    res.content_type = "application/json;charset=utf-8";
  }));
  server.route("POST", "/reset", api([p](const http::Request&, http::Response& res) {
    p->reset();
    res.status = 204;
  }));
  server.route("GET", "/proxies", api([p](const http::Request&, http::Response& res) {
    Json out = Json::object();
    for (const auto& proxy : p->list()) out[proxy.name] = proxy_json(proxy);
    reply(res, 200, out);
  }));
  server.route("POST", "/proxies", api([p](const http::Request& req, http::Response& res) {
    const Json body = parse_body(req);
    if (!body.is_object()) bad_body("a proxy must be an object");
    const auto name = string_field(body, "name");
    const auto upstream = string_field(body, "upstream");
    if (!name || name->empty()) throw FaultError(400, "missing required field: name");
    if (!upstream || upstream->empty()) throw FaultError(400, "missing required field: upstream");
    reply(res, 201, proxy_json(p->create(*name, string_field(body, "listen").value_or(""), *upstream,
                                         bool_field(body, "enabled").value_or(true))));
  }));
  server.route("POST", "/populate", api([p](const http::Request& req, http::Response& res) {
    Json out = {{"proxies", Json::array()}};
    for (const auto& proxy : populate(*p, req.body)) out["proxies"].push_back(proxy_json(proxy));
    reply(res, 201, out);
  }));

  const std::string proxy_path = "/proxies/([^/]+)";
  server.route("GET", proxy_path, api([p](const http::Request& req, http::Response& res) {
    reply(res, 200, proxy_json(p->get(req.captures.at(0))));
  }));
  auto update_proxy = api([p](const http::Request& req, http::Response& res) {
    const Json body = parse_body(req);
    if (!body.is_object()) bad_body("a proxy must be an object");
    reply(res, 200, proxy_json(p->update(req.captures.at(0), string_field(body, "listen"), string_field(body, "upstream"),
                                         bool_field(body, "enabled"))));
  });
  server.route("POST", proxy_path, update_proxy);
  server.route("PATCH", proxy_path, update_proxy);
  server.route("DELETE", proxy_path, api([p](const http::Request& req, http::Response& res) {
    p->remove(req.captures.at(0));
    res.status = 204;
  }));

  const std::string toxics_path = proxy_path + "/toxics";
  server.route("GET", toxics_path, api([p](const http::Request& req, http::Response& res) {
    reply(res, 200, toxics_json(p->get(req.captures.at(0)).toxics));
  }));
  server.route("POST", toxics_path, api([p](const http::Request& req, http::Response& res) {
    const std::string& proxy = req.captures.at(0);
    p->get(proxy);  // 404 before any 400 about the body, as Toxiproxy answers
    reply(res, 200, toxic_json(p->add_toxic(proxy, toxic_from(parse_body(req)))));
  }));

  const std::string toxic_path = toxics_path + "/([^/]+)";
  server.route("GET", toxic_path, api([p](const http::Request& req, http::Response& res) {
    reply(res, 200, toxic_json(p->get_toxic(req.captures.at(0), req.captures.at(1))));
  }));
  auto update_toxic = api([p](const http::Request& req, http::Response& res) {
    const std::string& proxy = req.captures.at(0);
    const Toxic current = p->get_toxic(proxy, req.captures.at(1));
    const Json body = parse_body(req);
    if (!body.is_object()) bad_body("a toxic must be an object");
    std::optional<ToxicAttributes> attributes;
    if (body.contains("attributes")) attributes = merge_attributes(current.attributes, body["attributes"]);
    reply(res, 200, toxic_json(p->update_toxic(proxy, current.name, attributes, toxicity_field(body))));
  });
  server.route("POST", toxic_path, update_toxic);
  server.route("PATCH", toxic_path, update_toxic);
  server.route("DELETE", toxic_path, api([p](const http::Request& req, http::Response& res) {
    p->remove_toxic(req.captures.at(0), req.captures.at(1));
    res.status = 204;
  }));
}

}  // namespace mcph::harness::faults
