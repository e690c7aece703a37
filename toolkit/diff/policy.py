"""Deprecation facts and the lifecycle policy: what the lifecycle rules need beyond the two documents.

A document says that an element is deprecated (`deprecated: true`, `x-ms-deprecation`, a `Deprecation` response
header) and sometimes when it goes away (`x-sunset`, `x-ms-deprecation.removalDate`, a `Sunset` response header).
The run adds the rest: the day of the removal (the revision's release date, else today), the minimum deprecation
period (`--deprecation-days`), and, in a changelog, the release in which each deprecation was first seen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Mapping

SUNSET_EXTENSION = "x-sunset"  # oasdiff's spelling (docs/DEPRECATION.md): an RFC 3339 date or date-time
MS_DEPRECATION = "x-ms-deprecation"  # Microsoft.OpenApi: {date, removalDate, version, description}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_date(value: Any) -> dt.date | None:
    """A date from the spellings specs use: `2025-12-31`, an RFC 3339 date-time, an HTTP-date (the `Sunset`
    header, RFC 8594) or `@1735603200` (the `Deprecation` header, RFC 9745). None when it is none of them."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc).date()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("@") and text[1:].isdigit():
        return dt.datetime.fromtimestamp(int(text[1:]), dt.timezone.utc).date()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Deprecation:
    """What one element's own declaration says about its deprecation."""

    deprecated: bool = False
    since: dt.date | None = None  # when it was (or will be) deprecated, where the document says so
    sunset: dt.date | None = None  # when it may be removed, where the document says so
    sunset_text: str | None = None  # the sunset as written when it is not a readable date

    @classmethod
    def read(cls, flag: Any, extensions: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> "Deprecation":
        """From a `deprecated` flag, the element's `x-` extensions and (for operations) its response headers."""
        ms = extensions.get(MS_DEPRECATION)
        ms = ms if isinstance(ms, dict) else {}
        raw_sunset = extensions.get(SUNSET_EXTENSION, ms.get("removalDate"))
        since = parse_date(ms.get("date"))
        headers = headers or {}
        if raw_sunset is None and "sunset" in headers:
            raw_sunset = headers["sunset"]
        if since is None and "deprecation" in headers:
            since = parse_date(headers["deprecation"])
        sunset = parse_date(raw_sunset)
        deprecated = flag is True or bool(ms) or "deprecation" in headers
        return cls(deprecated, since, sunset, None if sunset or raw_sunset is None else str(raw_sunset)[:60])


def operation_deprecation(node: Mapping[str, Any]) -> Deprecation:
    """An operation's deprecation, including `Sunset`/`Deprecation` response headers when a spec declares their
    value (as a `const`, `enum`, `default` or `example` of the header schema, or the header's own `example`)."""
    headers: dict[str, Any] = {}
    responses = node.get("responses")
    for response in responses.values() if isinstance(responses, dict) else ():
        declared = response.get("headers") if isinstance(response, dict) else None
        for name, header in declared.items() if isinstance(declared, dict) else ():
            if name.lower() in ("sunset", "deprecation") and isinstance(header, dict):
                value = _declared_value(header)
                if value is not None:
                    headers.setdefault(name.lower(), value)
    extensions = {k: v for k, v in node.items() if isinstance(k, str) and k.startswith("x-")}
    return Deprecation.read(node.get("deprecated"), extensions, headers)


def parameter_deprecation(node: Mapping[str, Any]) -> Deprecation:
    return Deprecation.read(node.get("deprecated"), {k: v for k, v in node.items() if isinstance(k, str)})


def _declared_value(header: Mapping[str, Any]) -> Any:
    schema = header.get("schema") if isinstance(header.get("schema"), dict) else {}
    enum = schema.get("enum")
    for value in (schema.get("const"), enum[0] if isinstance(enum, list) and enum else None, schema.get("default"),
                  schema.get("example"), header.get("example")):
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class Lifecycle:
    """The run's lifecycle policy. `removal_date` is when the revision ships; `deprecation_days` (0 = no minimum)
    is the period a deprecation must have been public before removal, counted from `Deprecation.since` or from
    `first_seen` (element key -> the release that first marked it deprecated, known when walking a history)."""

    removal_date: dt.date = field(default_factory=dt.date.today)
    deprecation_days: int = 0
    first_seen: Mapping[str, dt.date] = field(default_factory=dict)

    def earliest_removal(self, facts: Deprecation, key: str) -> tuple[dt.date | None, str]:
        """The first day the element may go, and why: its sunset, else its deprecation date plus the period."""
        if facts.sunset is not None:
            return facts.sunset, f"sunset {facts.sunset.isoformat()}"
        since = facts.since or self.first_seen.get(key)
        if self.deprecation_days > 0 and since is not None:
            return (since + dt.timedelta(days=self.deprecation_days),
                    f"deprecated {since.isoformat()} + {self.deprecation_days} days")
        return None, "no sunset date" + (f" (unreadable sunset `{facts.sunset_text}`)" if facts.sunset_text else "")
