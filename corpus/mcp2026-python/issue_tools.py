"""issuedesk's tools: a user's Jira issues, each call with her own Jira credential. Creating and
deleting need jira-mcp.write (scope_gate.py); deleting asks her to confirm first: an input_required
result with an elicitation and a requestState (sealed and checked by the SDK's boundary), and the
deletion runs only on the retry that brings a yes with the state back, once (confirmations.py)."""
import json
import uuid
from typing import Annotated, TypedDict

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ElicitRequest, ElicitRequestFormParams, InputRequiredResult
from pydantic import Field

from confirmations import Confirmations
from jira_access import JiraAccess, JiraError, issue_path

CONFIRM_SCHEMA = {"type": "object", "properties": {"confirm": {"type": "boolean", "title": "Delete it"}},
                  "required": ["confirm"]}


class Issue(TypedDict):
    key: str
    summary: str | None
    status: str | None


class Found(TypedDict):
    issues: list[dict]


class Created(TypedDict):
    key: str
    id: str


def register_issue_tools(mcp: MCPServer, jira: JiraAccess, confirmations: Confirmations) -> None:
    async def call_jira(ctx: Context, method: str, path: str, **kwargs):
        token = get_access_token()
        request = ctx.request_context.request
        traceparent = request.headers.get("traceparent") if request is not None else None
        try:
            return await jira.jira(method, path, token.token, traceparent, **kwargs)
        except JiraError as e:
            raise ToolError(str(e)) from None

    @mcp.tool()
    async def get_issue(issue_key: str, ctx: Context) -> Issue:
        """An issue of the caller's Jira."""
        issue = await call_jira(ctx, "GET", issue_path(issue_key))
        fields = issue.get("fields", {})
        return {"key": issue.get("key", issue_key), "summary": fields.get("summary"),
                "status": (fields.get("status") or {}).get("name")}

    @mcp.tool()
    async def list_issues(ctx: Context, jql: str = "order by created DESC") -> Found:
        """The caller's issues that a JQL query finds."""
        found = await call_jira(ctx, "GET", "/rest/api/3/search", params={"jql": jql})
        return {"issues": [{"key": i.get("key"), "summary": i.get("fields", {}).get("summary")}
                           for i in found.get("issues", [])]}

    # The project travels in the header Mcp-Param-Project too, for a gateway that routes by project;
    # the SDK refuses a call whose header disagrees with the argument.
    @mcp.tool()
    async def create_issue(project: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Project"})],
                           summary: str, ctx: Context, issue_type: str = "Task") -> Created:
        """Create an issue (needs jira-mcp.write)."""
        created = await call_jira(ctx, "POST", "/rest/api/3/issue", json={"fields": {
            "project": {"key": project}, "summary": summary, "issuetype": {"name": issue_type}}})
        return {"key": created.get("key"), "id": created.get("id")}

    @mcp.tool()
    async def delete_issue(issue_key: str, ctx: Context) -> str | InputRequiredResult:
        """Delete an issue, once the user confirms it (needs jira-mcp.write)."""
        if ctx.request_state is None:
            state = json.dumps({"id": uuid.uuid4().hex, "issue": issue_key})
            ask = ElicitRequest(params=ElicitRequestFormParams(message=f"Delete {issue_key}? This cannot be undone.",
                                                               requested_schema=CONFIRM_SCHEMA))
            return InputRequiredResult(input_requests={"confirm": ask}, request_state=state)
        answer = (ctx.input_responses or {}).get("confirm")
        state = json.loads(ctx.request_state)
        if answer is None or not confirmations.take(state["id"]):
            raise MCPError(code=INVALID_PARAMS, message="Invalid or expired requestState")
        if getattr(answer, "action", None) != "accept" or not (getattr(answer, "content", None) or {}).get("confirm"):
            raise ToolError(f"the deletion of {issue_key} was not confirmed: nothing was deleted")
        await call_jira(ctx, "DELETE", issue_path(issue_key))
        return f"deleted {issue_key}"
