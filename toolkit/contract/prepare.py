"""The spec as Schemathesis should read it: Azure's conventions spelled out in the form Schemathesis understands.

OAS 3.0/3.1 cannot describe one event of a `text/event-stream`; the Azure specs put the schema of each event's
`data` payload (a chat chunk, a Responses event) under `schema`. Schemathesis 4.x validates SSE responses per event
against that schema as if it described the event object (`{"data": ..., "event": ...}`), so every real Azure
stream would fail. We restate it the OAS 3.2 way: the event's `data` is JSON (`contentMediaType`) whose
`contentSchema` is the spec's schema, or the `[DONE]` sentinel that ends chat streams.
"""

from __future__ import annotations

import copy
from typing import Any

SSE = "text/event-stream"


def event_schema(payload_schema: Any) -> dict[str, Any]:
    return {"type": "object", "required": ["data"], "properties": {"data": {"anyOf": [
        {"type": "string", "enum": ["[DONE]"]},
        {"type": "string", "contentMediaType": "application/json", "contentSchema": payload_schema},
    ]}}}


def for_schemathesis(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` with SSE payload schemas restated as event schemas (the original is not touched)."""
    doc = copy.deepcopy(document)
    for item in (doc.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for op in item.values():
            responses = op.get("responses") if isinstance(op, dict) else None
            for response in (responses or {}).values() if isinstance(responses, dict) else ():
                content = response.get("content") if isinstance(response, dict) else None
                media = content.get(SSE) if isinstance(content, dict) else None
                if isinstance(media, dict) and "schema" in media and "itemSchema" not in media:
                    media["schema"] = event_schema(media["schema"])
    return doc
