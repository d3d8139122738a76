"""Jira Cloud (REST API v3, Basic e-mail:API token) and GitHub (REST, Bearer) with the caller's own
credential. A failed call names its status, never the backend's own words."""
import base64
from urllib.parse import quote

import httpx

from user_credentials import CredentialError, Unavailable


class Backend:
    def __init__(self, name: str, url: str, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None):
        self.name = name
        self.client = httpx.AsyncClient(base_url=url, timeout=timeout_s, transport=transport)

    async def get(self, path: str, authorization: str, traceparent: str | None):
        headers = {"Authorization": authorization, "Accept": "application/json"}
        if traceparent:
            headers["traceparent"] = traceparent
        try:
            answer = await self.client.get(path, headers=headers)
        except httpx.HTTPError:
            raise Unavailable(self.name) from None
        if answer.status_code >= 500:
            raise Unavailable(self.name)
        if not 200 <= answer.status_code < 300:
            raise CredentialError(f"{self.name} request failed with HTTP {answer.status_code}")
        return answer.json()


def jira_authorization(secret: dict, user: str) -> str:
    if not secret.get("email") or not secret.get("api_token"):
        raise CredentialError(f"The Jira credential of {user} lacks email or api_token")
    return "Basic " + base64.b64encode(f"{secret['email']}:{secret['api_token']}".encode()).decode()


def github_authorization(secret: dict, user: str) -> str:
    if not secret.get("token"):
        raise CredentialError(f"The GitHub credential of {user} lacks a token")
    return "Bearer " + secret["token"]


def issue_path(key: str) -> str:
    return "/rest/api/3/issue/" + quote(key, safe="")


def search_path(jql: str) -> str:
    return "/rest/api/3/search?jql=" + quote(jql, safe="")
