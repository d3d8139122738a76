"""Scope checks, right and the way the flawed variant does them."""


def has_scope(granted: str, needed: str, substring: bool) -> bool:
    """Whether the space-separated `granted` includes `needed`."""
    if substring:
        return needed in granted  # "read-all" and "readwrite" pass for "read"
    return needed in granted.split()


def grantable(requested: list[str], client_scopes: list[str], substring: bool) -> bool:
    """Whether a client may have every scope it asked for."""
    if substring:
        # A request counts as allowed when it mentions one of the client's scopes.
        joined = " ".join(requested)
        return any(scope in joined for scope in client_scopes)
    return all(word in client_scopes for word in requested)
