"""Who is calling: a Keycloak access token bound to the workload's key (DPoP, RFC 9449), whose
azp is the workload's SPIFFE ID (Keycloak's jwt-spiffe client authentication)."""
import base64
import hashlib
import json
import threading
import time

import jwt

from settings import Settings

PROOF_ALGS = ["ES256", "RS256"]
PROOF_MAX_AGE_S = 60


class Unauthorized(Exception):
    """Refused: the message goes into the DPoP challenge's error_description."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638: the SHA-256 of the key's required members, in order."""
    members = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}.get(jwk.get("kty"))
    if members is None:
        raise Unauthorized("the proof's jwk is not an EC or RSA key")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


class SeenProofs:
    """Proof ids (jti) seen while a proof is fresh, against replay."""

    def __init__(self):
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}

    def first_use(self, jti: str, now: float) -> bool:
        with self._lock:
            for old in [j for j, at in self._seen.items() if at < now - 2 * PROOF_MAX_AGE_S]:
                del self._seen[old]
            if jti in self._seen:
                return False
            self._seen[jti] = now
            return True


class WorkloadAuthenticator:
    def __init__(self, settings: Settings, jwks_client: jwt.PyJWKClient | None = None):
        self.settings = settings
        self.jwks = jwks_client or jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300)
        self.seen = SeenProofs()

    def token_claims(self, token: str) -> dict:
        if "unverified-identity" in self.settings.flaws:
            # Keycloak already checked the SVID; decoding is enough (it is not: anyone can write a JWT).
            return jwt.decode(token, options={"verify_signature": False})
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            return jwt.decode(token, key, algorithms=["RS256", "ES256"], issuer=self.settings.issuer,
                              audience=self.settings.audience, options={"require": ["exp", "iat", "azp"]})
        except jwt.PyJWTError as e:
            raise Unauthorized(f"invalid token: {e}") from None

    def check_proof(self, proof: str, token: str, claims: dict, method: str, url: str) -> None:
        try:
            header = jwt.get_unverified_header(proof)
        except jwt.PyJWTError:
            raise Unauthorized("the DPoP proof is not a JWT") from None
        if header.get("typ") != "dpop+jwt" or header.get("alg") not in PROOF_ALGS:
            raise Unauthorized("the DPoP proof must be a dpop+jwt signed with ES256 or RS256")
        jwk = header.get("jwk")
        if not isinstance(jwk, dict) or any(k in jwk for k in ("d", "p", "q", "dp", "dq", "qi")):
            raise Unauthorized("the DPoP proof must carry a public jwk")
        try:
            public_key = jwt.PyJWK(jwk, header["alg"]).key
            payload = jwt.decode(proof, public_key, algorithms=PROOF_ALGS, options={"require": ["iat", "jti"]})
        except jwt.PyJWTError as e:
            raise Unauthorized(f"invalid DPoP proof: {e}") from None
        now = time.time()
        if payload.get("htm") != method or payload.get("htu") != url:
            raise Unauthorized("the DPoP proof was made for another request")
        if abs(now - payload["iat"]) > PROOF_MAX_AGE_S:
            raise Unauthorized("the DPoP proof is stale or from the future")
        if payload.get("ath") != b64url(hashlib.sha256(token.encode()).digest()):
            raise Unauthorized("the DPoP proof is not for this token")
        if "dpop-unbound" in self.settings.flaws:
            return  # a valid proof by any key, as often as it is sent
        if jwk_thumbprint(jwk) != claims.get("cnf", {}).get("jkt"):
            raise Unauthorized("the DPoP proof is not signed by the key the token is bound to")
        if not self.seen.first_use(str(payload["jti"]), now):
            raise Unauthorized("the DPoP proof was used before")

    def authenticate(self, authorization: str, proof: str | None, method: str, url: str) -> str:
        """The caller's verified SPIFFE ID."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "dpop" or not token:
            raise Unauthorized("a DPoP-bound token is required")
        if not proof:
            raise Unauthorized("a DPoP proof is required")
        claims = self.token_claims(token)
        self.check_proof(proof, token, claims, method, url)
        spiffe_id = claims.get("azp", "")
        if not spiffe_id.startswith(f"spiffe://{self.settings.trust_domain}/"):
            raise Unauthorized("the token's client is not a workload of this trust domain")
        return spiffe_id
