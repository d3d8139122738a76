"""Asking OPA: POST /v1/data/agentgate/authz/verdict with the input policy.rego describes."""
import logging

import httpx

from settings import Settings

DECISION_PATH = "agentgate/authz/verdict"
log = logging.getLogger("agentgate.authz")


class NoDecision(Exception):
    """OPA gave no decision: unreachable, too slow, not JSON, or undefined."""


class Authorizer:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.client = httpx.AsyncClient(base_url=settings.opa_url, timeout=settings.opa_timeout_s, transport=transport)

    def tier(self, spiffe_id: str, headers) -> str | None:
        if "tier-from-header" in self.settings.flaws and headers.get("x-trust-tier"):
            return headers["x-trust-tier"]  # lets an agent "downgrade" itself; or upgrade
        return self.settings.workloads.get(spiffe_id)

    async def verdict(self, policy_input: dict) -> dict:
        try:
            response = await self.client.post(f"/v1/data/{DECISION_PATH}", json={"input": policy_input})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as e:
            raise NoDecision(f"OPA did not answer: {type(e).__name__}") from None
        verdict = body.get("result") if isinstance(body, dict) else None
        if not isinstance(verdict, dict) or not isinstance(verdict.get("permit"), bool):
            raise NoDecision("OPA's verdict is undefined")
        return verdict

    async def permitted(self, spiffe_id: str, headers, tool: str, tool_class: str, verb: str) -> tuple[bool, str]:
        policy_input = {"workload": {"spiffe_id": spiffe_id, "tier": self.tier(spiffe_id, headers)},
                        "tool": {"name": tool, "class": tool_class, "verb": verb}}
        try:
            verdict = await self.verdict(policy_input)
        except NoDecision as e:
            if "fail-open" in self.settings.flaws:
                log.warning("%s; allowing %s for %s", e, tool, spiffe_id)  # keep agents working through OPA blips
                return True, ""
            return False, f"policy unavailable: {e}"
        return verdict["permit"], "; ".join(verdict.get("reasons", [])) or "not permitted"
