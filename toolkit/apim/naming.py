"""How APIM names things: operation resource names from operationIds, and the component key pattern."""

from __future__ import annotations

import re

COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9.\-_]+$")
OPERATION_NAME_LIMIT = 76


def normalise_operation_id(operation_id: str, limit: int | None = OPERATION_NAME_LIMIT) -> str:
    """APIM's operation resource name: lower case, each run of other characters one '-', trimmed, cut at 76."""
    name = re.sub(r"[^a-z0-9]+", "-", operation_id.lower()).strip("-")
    return name[:limit].rstrip("-") if limit is not None else name


def safe_component_key(key: str) -> str:
    """A component key APIM accepts, close to the original (`Foo[Bar]` -> `Foo_Bar`)."""
    return re.sub(r"[^a-zA-Z0-9.\-_]+", "_", key).strip("_") or "Schema"
