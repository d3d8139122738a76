"""agentgate's settings: the command line, the environment, and the flawed variant's switches."""
import argparse
import dataclasses
import json
import os

FLAWS = ("tier-from-header", "unverified-identity", "fail-open", "dpop-unbound")


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str
    port: int
    issuer: str  # the Keycloak realm that trades the workloads' SVIDs for DPoP-bound tokens
    jwks_url: str
    audience: str
    public_url: str  # what a DPoP proof's htu names, without the path
    trust_domain: str
    workloads: dict  # verified SPIFFE ID -> tier
    opa_url: str
    opa_timeout_s: float
    flaws: frozenset = frozenset()


def load_registry(path: str) -> tuple[str, dict]:
    with open(path, encoding="utf-8") as f:
        registry = json.load(f)
    return registry["trust_domain"], dict(registry["workloads"])


def from_command_line(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description="agentgate: tools for agent workloads, authorized by OPA")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--registry", default=os.path.join(os.path.dirname(__file__), "workloads.json"))
    parser.add_argument("--opa-timeout-ms", type=int, default=800)
    parser.add_argument("--flaw", action="append", choices=FLAWS, default=[])
    args = parser.parse_args(argv)
    issuer = os.environ["AGENTGATE_ISSUER"]
    trust_domain, workloads = load_registry(args.registry)
    return Settings(
        host=args.host, port=args.port, issuer=issuer,
        jwks_url=os.environ.get("AGENTGATE_JWKS_URL", issuer + "/protocol/openid-connect/certs"),
        audience=os.environ["AGENTGATE_AUDIENCE"],
        public_url=os.environ.get("AGENTGATE_PUBLIC_URL", f"http://{args.host}:{args.port}"),
        trust_domain=trust_domain, workloads=workloads,
        opa_url=os.environ["OPA_URL"].rstrip("/"), opa_timeout_s=args.opa_timeout_ms / 1000,
        flaws=frozenset(args.flaw))
