"""Azure-aware failure classes: what is the contract's fault, and what is Azure behaving as Azure does.

- `content_filter`: a 400 whose body names `content_filter` / `ResponsibleAIPolicyViolation` (valid Azure behaviour
  the specs do not describe).
- `preview_header`: a 400 asking for a preview opt-in header (e.g. `aoai-evals: preview`).
- `gateway`: a 401/403/429/5xx produced by API Management, recognised by APIM's own body shape
  (`{"statusCode": N, "message": ...}`) or by APIM headers on a body without Azure OpenAI's error envelope.
- `throttled`: a 429 from the service itself that outlived the Retry-After waits.
- `inconclusive`: a `negative_data_rejection` the server cannot be blamed for: a request Schemathesis' own metadata
  calls a "positive test case" (seen in the stateful phase), or a multipart text part where a string was expected
  (multipart carries only text: `{}` or `5` sent as a part is also a valid string).
- `spec_gap`: a failure no conforming server could avoid (`gaps.py` reads why from the spec and the request);
  listed apart, failing the run only with `--strict`.
- `contract`: everything else; only these fail the run.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

CLASSES = ("contract", "spec_gap", "content_filter", "preview_header", "gateway", "throttled", "inconclusive")
_PREVIEW = re.compile(r"(?i)(preview|opt[- ]?in).{0,80}header|header.{0,80}(preview|opt[- ]?in)")
_APIM_HEADERS = ("ocp-apim-trace-location", "ocp-apim-subscription-key", "www-authenticate")


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def is_apim_body(body: Any) -> bool:
    return isinstance(body, dict) and "statusCode" in body and "message" in body and "error" not in body


def classify(status: int | None, headers: Mapping[str, str] | None, text: str | None, *, check: str = "",
             message: str = "", request_content_type: str = "") -> str:
    if check == "negative_data_rejection" and (
        "Invalid component: positive test case" in message
        or (request_content_type.lower().startswith("multipart/form-data") and "(was string, became" in message)
    ):
        return "inconclusive"
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    body = _json(text)
    raw = text or ""
    if status == 400 and ("content_filter" in raw or "ResponsibleAIPolicyViolation" in raw):
        return "content_filter"
    if status == 400 and _PREVIEW.search(raw):
        return "preview_header"
    if status is not None and (status in (401, 403, 429) or status >= 500):
        has_envelope = isinstance(body, dict) and isinstance(body.get("error"), dict)
        if is_apim_body(body) or (not has_envelope and any(h in headers for h in ("apim-request-id", *_APIM_HEADERS))):
            return "gateway"
        if status == 429:
            return "throttled"
    return "contract"
