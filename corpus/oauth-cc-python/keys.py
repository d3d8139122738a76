"""The authorization server's RS256 key: signing tokens, and the JWKS that publishes it."""
import hashlib
import json

from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm


class SigningKey:
    def __init__(self, pem: bytes, publish_private: bool):
        self.private_key = serialization.load_pem_private_key(pem, password=None)
        self.public_key = self.private_key.public_key()
        public_der = self.public_key.public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        self.kid = hashlib.sha256(public_der).hexdigest()[:16]
        # The mistake of the flawed variant: to_jwk of the private key gives its private members too.
        published = self.private_key if publish_private else self.public_key
        jwk = json.loads(RSAAlgorithm.to_jwk(published))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        self.jwks = {"keys": [jwk]}
