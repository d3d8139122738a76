// identity/: entity, entity-alias, group, group-alias and lookup/entity.
#include "backends.h"
#include "core.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

VaultResponse data_or_404(const std::optional<Json>& data) {
  if (!data) throw VaultError::not_found();
  return VaultResponse::with_data(*data);
}

VaultResponse data_or_204(const std::optional<Json>& data) {
  if (!data) return VaultResponse::no_content();
  return VaultResponse::with_data(*data);
}

VaultResponse list_of(const Json& listing) {
  std::vector<std::string> keys = listing["keys"].get<std::vector<std::string>>();
  return VaultResponse::list_with_info(keys, listing["key_info"]);
}

class IdentityBackend final : public Backend {
 public:
  explicit IdentityBackend(Core& core) {
    IdentityStore& ids = core.identity();
    table_.add("entity", PathOperations().update([&ids](VaultRequest& r, const Captures&) {
      return data_or_204(ids.upsert_entity(r.data, std::nullopt));
    }));
    table_.add("entity/id/?", PathOperations().list([&ids](VaultRequest&, const Captures&) {
      return list_of(ids.list_entities(true));
    }));
    table_.add("entity/id/([^/]+)", PathOperations()
                                        .read([&ids](VaultRequest&, const Captures& c) { return data_or_404(ids.read_entity(c[0])); })
                                        .update([&ids](VaultRequest& r, const Captures& c) {
                                          return data_or_204(ids.upsert_entity(r.data, c[0]));
                                        })
                                        .remove([&ids](VaultRequest&, const Captures& c) {
                                          ids.delete_entity(c[0]);
                                          return VaultResponse::no_content();
                                        }));
    table_.add("entity/name/?", PathOperations().list([&ids](VaultRequest&, const Captures&) {
      return list_of(ids.list_entities(false));
    }));
    table_.add("entity/name/([^/]+)",
               PathOperations()
                   .read([&ids](VaultRequest&, const Captures& c) { return data_or_404(ids.read_entity_by_name(c[0])); })
                   .update([&ids](VaultRequest& r, const Captures& c) {
                     Json data = r.data;
                     data["name"] = c[0];
                     return data_or_204(ids.upsert_entity(data, std::nullopt));
                   })
                   .remove([&ids](VaultRequest&, const Captures& c) {
                     ids.delete_entity_by_name(c[0]);
                     return VaultResponse::no_content();
                   }));

    table_.add("entity-alias", PathOperations().update([&ids](VaultRequest& r, const Captures&) {
      return data_or_204(ids.upsert_entity_alias(r.data, std::nullopt));
    }));
    table_.add("entity-alias/id/?", PathOperations().list([&ids](VaultRequest&, const Captures&) {
      return list_of(ids.list_entity_aliases());
    }));
    table_.add("entity-alias/id/([^/]+)",
               PathOperations()
                   .read([&ids](VaultRequest&, const Captures& c) { return data_or_404(ids.read_entity_alias(c[0])); })
                   .update([&ids](VaultRequest& r, const Captures& c) {
                     return data_or_204(ids.upsert_entity_alias(r.data, c[0]));
                   })
                   .remove([&ids](VaultRequest&, const Captures& c) {
                     ids.delete_entity_alias(c[0]);
                     return VaultResponse::no_content();
                   }));

    table_.add("group", PathOperations().update([&ids](VaultRequest& r, const Captures&) {
      return data_or_204(ids.upsert_group(r.data, std::nullopt, std::nullopt));
    }));
    table_.add("group/id/?", PathOperations().list([&ids](VaultRequest&, const Captures&) {
      return list_of(ids.list_groups(true));
    }));
    table_.add("group/id/([^/]+)", PathOperations()
                                       .read([&ids](VaultRequest&, const Captures& c) { return data_or_404(ids.read_group(c[0])); })
                                       .update([&ids](VaultRequest& r, const Captures& c) {
                                         return data_or_204(ids.upsert_group(r.data, c[0], std::nullopt));
                                       })
                                       .remove([&ids](VaultRequest&, const Captures& c) {
                                         ids.delete_group(c[0]);
                                         return VaultResponse::no_content();
                                       }));
    table_.add("group/name/?", PathOperations().list([&ids](VaultRequest&, const Captures&) {
      return list_of(ids.list_groups(false));
    }));
    table_.add("group/name/([^/]+)",
               PathOperations()
                   .read([&ids](VaultRequest&, const Captures& c) { return data_or_404(ids.read_group_by_name(c[0])); })
                   .update([&ids](VaultRequest& r, const Captures& c) {
                     return data_or_204(ids.upsert_group(r.data, std::nullopt, c[0]));
                   })
                   .remove([&ids](VaultRequest&, const Captures& c) {
                     ids.delete_group_by_name(c[0]);
                     return VaultResponse::no_content();
                   }));
    table_.add("group-alias", PathOperations().update([&ids](VaultRequest& r, const Captures&) {
      return VaultResponse::with_data(ids.upsert_group_alias(r.data, std::nullopt));
    }));
    table_.add("group-alias/id/?", PathOperations().list([&ids](VaultRequest&, const Captures&) {
      return list_of(ids.list_group_aliases());
    }));
    table_.add("group-alias/id/([^/]+)",
               PathOperations()
                   .read([&ids](VaultRequest&, const Captures& c) { return data_or_404(ids.read_group_alias(c[0])); })
                   .update([&ids](VaultRequest& r, const Captures& c) {
                     return VaultResponse::with_data(ids.upsert_group_alias(r.data, c[0]));
                   })
                   .remove([&ids](VaultRequest&, const Captures& c) {
                     ids.delete_group_alias(c[0]);
                     return VaultResponse::no_content();
                   }));
    table_.add("lookup/entity", PathOperations().update([&ids](VaultRequest& r, const Captures&) {
      return data_or_204(ids.lookup_entity(r.data));
    }));
  }

  VaultResponse handle(VaultRequest& request) override { return table_.dispatch(request); }

 private:
  PathTable table_;
};

}  // namespace

std::shared_ptr<Backend> make_identity_backend(Core& core) { return std::make_shared<IdentityBackend>(core); }

}  // namespace mcph::mock_vault
