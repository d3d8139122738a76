"""The harness's way into Vault, through hvac: a JWT auth mount verifying tokens against an
identity provider's JWKS, a role bound to an audience, identity entities with an alias per JWT
`sub`, and a policy templated on the entity, so that each user reaches only their own secrets."""
import unittest

import hvac.exceptions

from hvac_support import JwksServer, client_with, root_client, unique


class JwtLoginAndIdentity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.jwks = JwksServer()
        cls.client = root_client()
        cls.mount = unique("jwt")
        cls.policy = unique("user-secrets")
        client = cls.client
        client.sys.enable_auth_method(method_type="jwt", path=cls.mount)
        cls.accessor = client.sys.list_auth_methods()["data"][f"{cls.mount}/"]["accessor"]
        client.auth.jwt.configure(jwks_url=cls.jwks.jwks_url, bound_issuer=JwksServer.issuer,
                                  jwt_supported_algs=["RS256"], path=cls.mount)
        client.sys.create_or_update_acl_policy(name=cls.policy, policy=(
            'path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read"] }\n'
            'path "secret/metadata/users/{{identity.entity.name}}/*" { capabilities = ["read", "list"] }\n'))
        client.auth.jwt.create_role(name="user", role_type="jwt", user_claim="sub", allowed_redirect_uris=[],
                                    bound_audiences=["mcp-client"], token_policies=[cls.policy], token_ttl=600,
                                    token_max_ttl=1200, path=cls.mount)

    @classmethod
    def tearDownClass(cls):
        cls.client.sys.disable_auth_method(path=cls.mount)
        cls.jwks.close()

    def user(self):
        """A provisioned user as the harness makes one: an entity named after them with an alias
        on this mount named after their `sub`, and a secret under their name."""
        name, sub = unique("alice"), unique("sub")
        identity = self.client.secrets.identity
        entity_id = identity.create_or_update_entity(name=name, metadata={"username": name})["data"]["id"]
        identity.create_or_update_entity_alias(name=sub, canonical_id=entity_id, mount_accessor=self.accessor)
        self.client.secrets.kv.v2.create_or_update_secret(path=f"users/{name}/jira", secret={"api_token": name},
                                                          mount_point="secret")
        return name, sub, entity_id

    def login(self, jwt_token):
        return self.client.auth.jwt.jwt_login(role="user", jwt=jwt_token, use_token=False, path=self.mount)["auth"]

    def test_configuration_reads_back(self):
        config = self.client.auth.jwt.read_config(path=self.mount)["data"]
        self.assertEqual(config["jwks_url"], self.jwks.jwks_url)
        self.assertEqual(config["bound_issuer"], JwksServer.issuer)
        role = self.client.auth.jwt.read_role(name="user", path=self.mount)["data"]
        self.assertEqual(role["bound_audiences"], ["mcp-client"])
        self.assertEqual(role["user_claim"], "sub")
        self.assertEqual(role["token_policies"], [self.policy])
        self.assertEqual(role["token_ttl"], 600)
        self.assertIn("user", self.client.auth.jwt.list_roles(path=self.mount)["data"]["keys"])

    def test_a_login_resolves_the_users_entity_and_its_templated_policy(self):
        name, sub, entity_id = self.user()
        auth = self.login(self.jwks.sign(sub, preferred_username=name))
        self.assertEqual(auth["entity_id"], entity_id)
        self.assertEqual(auth["policies"], ["default", self.policy])
        self.assertEqual(auth["token_policies"], ["default", self.policy])
        self.assertEqual(auth["metadata"], {"role": "user"})
        self.assertEqual(auth["lease_duration"], 600)
        user = client_with(auth["client_token"])
        me = user.auth.token.lookup_self()["data"]
        self.assertEqual(me["entity_id"], entity_id)
        self.assertEqual(me["display_name"], f"{self.mount}-{sub}")
        self.assertEqual(me["path"], f"auth/{self.mount}/login")
        own = user.secrets.kv.v2.read_secret_version(path=f"users/{name}/jira", mount_point="secret",
                                                     raise_on_deleted_version=True)
        self.assertEqual(own["data"]["data"], {"api_token": name})
        self.assertEqual(user.secrets.kv.v2.list_secrets(path=f"users/{name}/", mount_point="secret")["data"]["keys"],
                         ["jira"])
        other, _, _ = self.user()
        with self.assertRaises(hvac.exceptions.Forbidden):
            user.secrets.kv.v2.read_secret_version(path=f"users/{other}/jira", mount_point="secret",
                                                   raise_on_deleted_version=True)

    def test_the_entity_and_its_alias_read_back(self):
        name, sub, entity_id = self.user()
        identity = self.client.secrets.identity
        by_name = identity.read_entity_by_name(name=name)["data"]
        self.assertEqual(by_name["id"], entity_id)
        self.assertEqual(by_name["metadata"], {"username": name})
        self.assertEqual([(alias["name"], alias["mount_accessor"], alias["mount_type"]) for alias in by_name["aliases"]],
                         [(sub, self.accessor, "jwt")])
        self.assertEqual(identity.read_entity(entity_id=entity_id)["data"]["name"], name)
        self.assertIn(entity_id, identity.list_entities()["data"]["keys"])
        alias_id = by_name["aliases"][0]["id"]
        self.assertEqual(identity.read_entity_alias(alias_id=alias_id)["data"]["canonical_id"], entity_id)
        self.assertIn(alias_id, identity.list_entity_aliases()["data"]["keys"])
        looked_up = identity.lookup_entity(alias_name=sub, alias_mount_accessor=self.accessor)["data"]
        self.assertEqual(looked_up["id"], entity_id)
        identity.delete_entity_by_name(name=name)
        with self.assertRaises(hvac.exceptions.InvalidPath):
            identity.read_entity_by_name(name=name)

    def test_a_login_without_an_entity_creates_one(self):
        sub = unique("newcomer")
        auth = self.login(self.jwks.sign(sub))
        entity = self.client.secrets.identity.read_entity(entity_id=auth["entity_id"])["data"]
        self.assertRegex(entity["name"], r"^entity_[0-9a-f]{8}$")
        self.assertEqual([alias["name"] for alias in entity["aliases"]], [sub])

    def test_tokens_vault_must_refuse(self):
        _, sub, _ = self.user()
        cases = {
            "another audience": self.jwks.sign(sub, audience="someone-else"),
            "expired": self.jwks.sign(sub, lifetime=-600),
            "signed with another key": self.jwks.sign(sub, key=JwksServer.foreign_key()),
            "not a JWT": "not-a-jwt",
        }
        for case, token in cases.items():
            with self.subTest(case), self.assertRaises(hvac.exceptions.InvalidRequest) as refused:
                self.login(token)
            self.assertTrue(refused.exception.errors, case)
        with self.assertRaises(hvac.exceptions.InvalidRequest) as no_role:
            self.client.auth.jwt.jwt_login(role="nobody", jwt=self.jwks.sign(sub), use_token=False, path=self.mount)
        self.assertEqual(no_role.exception.errors, ['role "nobody" could not be found'])


if __name__ == "__main__":
    unittest.main(verbosity=2)
