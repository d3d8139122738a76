// Contract tests for Keycloak 26's default user profile as the admin API applies it (found with
// Keycloak's own admin client): its validators and their error shapes, the read-only username,
// unmanaged attributes, the representations of a user in each place, and the credentials.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_fixture.h"

namespace mcph::keycloak_test {
namespace {

nlohmann::json field_error(const std::string& field, const std::string& message, const nlohmann::json& params) {
  return {{"field", field}, {"errorMessage", message}, {"params", params}};
}

class UserProfile : public ContractTest {
 protected:
  http::ClientResponse create(const nlohmann::json& rep) { return api().admin("POST", "/" + realm() + "/users", rep); }
  http::ClientResponse update(const std::string& id, const nlohmann::json& rep) {
    return api().admin("PUT", "/" + realm() + "/users/" + id, rep);
  }
  nlohmann::json user(const std::string& id) { return json_of(api().admin("GET", "/" + realm() + "/users/" + id)); }
};

TEST_F(UserProfile, EachValidatorAnswersWithItsField) {
  const std::string long_name(256, 'y');
  struct Case {
    nlohmann::json rep;
    nlohmann::json error;
  };
  const std::vector<Case> cases = {
      {{{"username", "ab"}}, field_error("username", "error-invalid-length", {"username", 3, 255})},
      {{{"username", "a" + long_name}}, field_error("username", "error-invalid-length", {"username", 3, 255})},
      {{{"username", "with space"}}, field_error("username", "error-username-invalid-character", {"username"})},
      {{{"username", "tab\tname"}}, field_error("username", "error-username-invalid-character", {"username"})},
      {{{"username", "nbsp\u00a0name"}}, field_error("username", "error-username-invalid-character", {"username"})},
      {{{"username", "sect\u00a7name"}}, field_error("username", "error-username-invalid-character", {"username"})},
      {{{"username", "a<b>c"}}, field_error("username", "error-username-invalid-character", {"username"})},
      {{{"username", "okname"}, {"email", "bad"}}, field_error("email", "error-invalid-email", {"email", "bad"})},
      {{{"username", "okname"}, {"firstName", "<script>"}},
       field_error("firstName", "error-person-name-invalid-character", {"firstName"})},
      {{{"username", "okname"}, {"lastName", "a%b"}},
       field_error("lastName", "error-person-name-invalid-character", {"lastName"})},
      {{{"username", "okname"}, {"firstName", long_name}},
       field_error("firstName", "error-invalid-length-too-long", {"firstName", nullptr, 255})},
  };
  for (const auto& c : cases) {
    const auto response = create(c.rep);
    EXPECT_EQ(response.status, 400) << c.rep.dump();
    EXPECT_EQ(json_of(response), c.error) << c.rep.dump();
  }
  // Several errors: all of them, in Keycloak's attribute order.
  const auto many = create({{"username", "a b"}, {"firstName", "<x>"}, {"lastName", "%"}, {"email", "bad"}});
  EXPECT_EQ(many.status, 400);
  EXPECT_EQ(json_of(many), (nlohmann::json{{"errors",
                                            {field_error("email", "error-invalid-email", {"email", "bad"}),
                                             field_error("username", "error-username-invalid-character", {"username"}),
                                             field_error("lastName", "error-person-name-invalid-character", {"lastName"}),
                                             field_error("firstName", "error-person-name-invalid-character", {"firstName"})}}}));
  // What passes: non-ASCII letters, dots, @, an address with a one-label domain, empty names.
  for (const nlohmann::json& rep : {nlohmann::json{{"username", "\u00c4\u00d6\u00dc-ok"}},
                                    nlohmann::json{{"username", "UPPER.Case_ok-1@x"}},
                                    nlohmann::json{{"username", "okname10"}, {"email", "a@b"}},
                                    nlohmann::json{{"username", "okname12"}, {"firstName", ""}}}) {
    EXPECT_EQ(create(rep).status, 201) << rep.dump();
  }
  // The duplicate check comes before the profile.
  EXPECT_EQ(create({{"username", "ALICE"}, {"email", "bad"}}).status, 409);
}

TEST_F(UserProfile, UsernamesAreReadOnlyAndUpdatesAreValidated) {
  const auto renamed = update(alice_id_, {{"username", "alice-renamed"}});
  EXPECT_EQ(renamed.status, 400);
  EXPECT_EQ(json_of(renamed), field_error("username", "error-user-attribute-read-only", {"username"}));
  EXPECT_EQ(update(alice_id_, {{"username", "ALICE"}}).status, 204) << "the same name in another case";
  const auto both = update(alice_id_, {{"username", "ab"}});
  EXPECT_EQ(json_of(both), (nlohmann::json{{"errors",
                                            {field_error("username", "error-user-attribute-read-only", {"username"}),
                                             field_error("username", "error-invalid-length", {"username", 3, 255})}}}));
  EXPECT_EQ(json_of(update(alice_id_, {{"firstName", "<x>"}})),
            field_error("firstName", "error-person-name-invalid-character", {"firstName"}));
  EXPECT_EQ(user(alice_id_).at("username"), "alice");
  EXPECT_EQ(user(alice_id_).at("firstName"), "Alice") << "a refused update changes nothing";
}

TEST_F(UserProfile, UnmanagedAttributesAreDroppedAndAnUpdateWithAttributesIsTheWholeProfile) {
  auto rep = user_rep("erin", "erin-pw");
  rep["attributes"] = {{"team", {"platform"}}};
  const std::string id = id_from_location(create(rep));
  EXPECT_FALSE(user(id).contains("attributes"));
  // Without "attributes", an update changes what it names and keeps the rest.
  ASSERT_EQ(update(id, {{"firstName", "Erin"}}).status, 204);
  EXPECT_EQ(user(id).at("email"), "erin@example.com");
  // With "attributes", the managed attributes it leaves out are removed.
  ASSERT_EQ(update(id, {{"firstName", "Erin"}, {"attributes", {{"team", {"x"}}}}}).status, 204);
  const auto after = user(id);
  EXPECT_EQ(after.at("firstName"), "Erin");
  EXPECT_FALSE(after.contains("email"));
  EXPECT_FALSE(after.contains("lastName"));
  EXPECT_FALSE(after.contains("attributes"));
}

TEST_F(UserProfile, RepresentationsDifferByWhereTheyAppear) {
  const auto single = user(alice_id_);
  EXPECT_EQ(single.at("access"), (nlohmann::json{{"manageGroupMembership", true}, {"resetPassword", true},
                                                 {"view", true}, {"mapRoles", true}, {"impersonate", true},
                                                 {"manage", true}}));
  EXPECT_FALSE(single.contains("userProfileMetadata"));
  const auto listed = json_of(api().admin("GET", "/" + realm() + "/users?username=alice&exact=true")).at(0);
  EXPECT_EQ(listed.at("access"), (nlohmann::json{{"manage", true}}));
  const auto& metadata = listed.at("userProfileMetadata");
  ASSERT_EQ(metadata.at("attributes").size(), 4u);
  EXPECT_EQ(metadata.at("attributes")[0].at("name"), "username");
  EXPECT_EQ(metadata.at("attributes")[0].at("readOnly"), true);
  EXPECT_EQ(metadata.at("attributes")[0].at("validators").at("length"),
            (nlohmann::json{{"max", 255}, {"ignore.empty.value", true}, {"min", 3}}));
  EXPECT_EQ(metadata.at("groups")[0].at("name"), "user-metadata");
  // A service account's user, as its client shows it: brief, no access flags.
  const auto sa = json_of(api().admin("GET", "/" + realm() + "/clients/" + app_uuid_ + "/service-account-user"));
  EXPECT_EQ(sa.at("username"), "service-account-app");
  EXPECT_FALSE(sa.contains("access"));
  EXPECT_FALSE(sa.contains("serviceAccountClientId"));
}

TEST_F(UserProfile, CredentialsListThePasswordWithoutItsHashAndCanBeDeleted) {
  const std::string base = "/" + realm() + "/users/" + alice_id_ + "/credentials";
  const auto credentials = json_of(api().admin("GET", base));
  ASSERT_EQ(credentials.size(), 1u);
  const auto& password = credentials[0];
  EXPECT_EQ(password.at("type"), "password");
  EXPECT_GT(password.at("createdDate").get<std::int64_t>(), 0);
  EXPECT_TRUE(password.at("credentialData").is_string());
  EXPECT_FALSE(password.contains("secretData"));
  EXPECT_FALSE(password.contains("value"));
  const auto unknown = api().admin("DELETE", base + "/no-such-credential");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown), (nlohmann::json{{"error", "Credential not found"}}));
  EXPECT_EQ(api().admin("DELETE", base + "/" + password.at("id").get<std::string>()).status, 204);
  EXPECT_TRUE(json_of(api().admin("GET", base)).empty());
  expect_oauth_error(try_login("alice", "alice-pw"), 401, "invalid_grant", "Invalid user credentials");
}

}  // namespace
}  // namespace mcph::keycloak_test
