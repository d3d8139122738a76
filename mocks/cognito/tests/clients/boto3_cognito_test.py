"""The AWS SDK for Python (boto3) against the Cognito user pool under test, as a provisioner and a
client use it: a pool, an app client with a secret, a user with a permanent password, sign-in
with SECRET_HASH, GetUser, a refresh, the SDK's own exceptions for a refusal, and a global
sign-out that revokes the access token.

The server is named by COGNITO_URL; COGNITO_IMPL is "moto" for moto, which checks no SECRET_HASH
(docs/known-differences.md). mocks/common/clients/run sets both: a fresh mock-cognito, or moto."""
import base64
import hashlib
import hmac
import os
import secrets
import unittest

import boto3

COGNITO_URL = os.environ["COGNITO_URL"]
IS_MOTO = os.environ.get("COGNITO_IMPL") == "moto"
PASSWORD = "Alice-pw-" + secrets.token_hex(4)


def cognito():
    # The SDK signs every request with SigV4; the keys are not checked by either implementation.
    return boto3.client("cognito-idp", endpoint_url=COGNITO_URL, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


class SignIn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = cognito()
        cls.pool = cls.idp.create_user_pool(PoolName="clients-" + secrets.token_hex(4))["UserPool"]["Id"]
        app = cls.idp.create_user_pool_client(
            UserPoolId=cls.pool, ClientName="mcp-client", GenerateSecret=True,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
        cls.client_id, cls.client_secret = app["ClientId"], app["ClientSecret"]
        cls.idp.admin_create_user(UserPoolId=cls.pool, Username="alice", MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": "alice@example.com"}])
        cls.idp.admin_set_user_password(UserPoolId=cls.pool, Username="alice", Password=PASSWORD, Permanent=True)

    def secret_hash(self, username, secret=None):
        key = (secret or self.client_secret).encode()
        return base64.b64encode(hmac.new(key, (username + self.client_id).encode(), hashlib.sha256).digest()).decode()

    def sign_in(self, password=PASSWORD, secret=None):
        return self.idp.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": password,
                            "SECRET_HASH": self.secret_hash("alice", secret)})["AuthenticationResult"]

    def test_the_pool_and_its_app_client_read_back(self):
        self.assertEqual(self.idp.describe_user_pool(UserPoolId=self.pool)["UserPool"]["Id"], self.pool)
        app = self.idp.describe_user_pool_client(UserPoolId=self.pool, ClientId=self.client_id)["UserPoolClient"]
        self.assertEqual(app["ClientSecret"], self.client_secret)
        user = self.idp.admin_get_user(UserPoolId=self.pool, Username="alice")
        self.assertEqual(user["UserStatus"], "CONFIRMED")
        self.assertTrue(user["Enabled"])

    def test_a_password_sign_in_gives_tokens_that_get_user_reads(self):
        tokens = self.sign_in()
        self.assertEqual(tokens["TokenType"], "Bearer")
        self.assertGreater(tokens["ExpiresIn"], 0)
        for name in ("AccessToken", "IdToken", "RefreshToken"):
            self.assertTrue(tokens[name], name)
        user = self.idp.get_user(AccessToken=tokens["AccessToken"])
        self.assertEqual(user["Username"], "alice")
        self.assertIn({"Name": "email", "Value": "alice@example.com"}, user["UserAttributes"])

    def test_a_refresh_token_gives_a_new_access_token(self):
        tokens = self.sign_in()
        refreshed = self.idp.initiate_auth(
            ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "SECRET_HASH": self.secret_hash("alice")},
        )["AuthenticationResult"]
        self.assertEqual(self.idp.get_user(AccessToken=refreshed["AccessToken"])["Username"], "alice")

    def test_a_wrong_password_is_the_sdks_NotAuthorizedException(self):
        with self.assertRaises(self.idp.exceptions.NotAuthorizedException):
            self.sign_in(password="not-" + PASSWORD)

    @unittest.skipIf(IS_MOTO, "moto checks no SECRET_HASH (docs/known-differences.md)")
    def test_a_wrong_secret_hash_is_the_sdks_NotAuthorizedException(self):
        with self.assertRaises(self.idp.exceptions.NotAuthorizedException):
            self.sign_in(secret="another-apps-secret")

    def test_a_global_sign_out_revokes_the_access_token(self):
        tokens = self.sign_in()
        self.idp.global_sign_out(AccessToken=tokens["AccessToken"])
        with self.assertRaises(self.idp.exceptions.NotAuthorizedException):
            self.idp.get_user(AccessToken=tokens["AccessToken"])


if __name__ == "__main__":
    unittest.main()
