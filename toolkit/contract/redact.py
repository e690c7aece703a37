"""The one choke point for secrets: every text the contract runner writes (stdout, logs, reports, cassettes) passes
through `Redactor.scrub`, which removes the run's known secret values and masks credential headers by name.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

MASK = "[REDACTED]"
SENSITIVE_HEADERS = frozenset({"api-key", "authorization", "ocp-apim-subscription-key", "proxy-authorization",
                               "cookie", "set-cookie", "x-api-key"})
# `Authorization: Bearer eyJ...`, `"api-key": "..."`, `api-key=...` in curl lines, JSON and query strings.
_HEADER_VALUE = re.compile(
    r"(?i)(?<![\w-])(?P<name>api-key|authorization|ocp-apim-subscription-key|proxy-authorization|x-api-key|subscription-key)"
    r"(?P<sep>[\"']?\s*[:=]\s*[\"']?)(?P<value>(?:bearer\s+)?[^\"'\s,}&{\[]+)")


@dataclass
class Redactor:
    """Known secret values (keys, tokens) plus the header names that carry credentials."""

    secrets: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *values: str | None) -> None:
        """Register a secret as soon as it is known (a fresh Entra token is registered before it is sent)."""
        with self._lock:
            for value in values:
                if value and len(value) >= 4:
                    self.secrets.add(value)

    def scrub(self, text: str) -> str:
        with self._lock:
            known = sorted(self.secrets, key=len, reverse=True)
        for secret in known:
            if secret in text:
                text = text.replace(secret, MASK)
        return _HEADER_VALUE.sub(lambda m: f"{m.group('name')}{m.group('sep')}{MASK}"
                                 if m.group("value") != MASK else m.group(0), text)

    def headers(self, headers: Iterable[tuple[str, str]] | dict[str, Any]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, dict) else headers
        return {k: (MASK if k.lower() in SENSITIVE_HEADERS else self.scrub(str(v))) for k, v in items}

    def data(self, value: Any) -> Any:
        """Scrub every string inside a JSON-like structure (used on `to_dict()` output before it is written)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: (MASK if isinstance(k, str) and k.lower() in SENSITIVE_HEADERS and v else self.data(v))
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        return value
