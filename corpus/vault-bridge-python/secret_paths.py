"""What an agent may name a secret: a relative path of segments of letters, digits, '_', '-' and
'.', never '.' or '..' alone and never empty, so it stays in the agent's own folder whatever Vault
makes of it.

The flawed variant's `unquote-after-check`: clients may percent-encode a name, so '%' passes the
check and the name is unquoted afterwards, on its way into Vault's URL; '%2e%2e' is '..' by then.
"""
import re
from urllib.parse import unquote

SEGMENT = re.compile(r"[A-Za-z0-9_.-]{1,128}")
SEGMENT_OR_ENCODED = re.compile(r"[A-Za-z0-9_.%-]{1,128}")
MAX_SEGMENTS = 8


class InvalidSecretPath(ValueError):
    pass


def checked_secret_path(raw: str, *, folder: bool = False, unquote_after_check: bool = False) -> str:
    """The path as Vault is to be asked for it; `folder` admits "" (the agent's own folder) and a
    trailing '/'."""
    path = raw.removesuffix("/") if folder else raw
    if folder and path == "":
        return ""
    segments = path.split("/")
    allowed = SEGMENT_OR_ENCODED if unquote_after_check else SEGMENT
    if len(segments) > MAX_SEGMENTS or any(not allowed.fullmatch(s) or s in (".", "..") for s in segments):
        raise InvalidSecretPath(raw)
    return unquote(path) if unquote_after_check else path
