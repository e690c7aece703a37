"""Answers that mirror their request, as Azure's do: what the client set comes back as it was sent, what it left
unset comes back as Azure reports it (the request schema's `default`, else Azure's documented value, else null),
and only what the server owns (ids, timestamps, status, output, usage) is generated.

Which fields mirror is read from the spec, not listed by hand: a property the request schema and the response
schema both declare, unless the server owns it. Every value is checked against its response property before it
is used, and the whole body against the response schema, so mirroring never costs conformance.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..model import Operation
from .calls import CREATED
from .surface import MountedSpec, schema_property

# Names the request may carry but the server decides (`service_tier: auto` is answered with the tier used).
SERVER_OWNED = frozenset({"id", "object", "created", "created_at", "status", "output", "output_text", "usage",
                          "choices", "data", "error", "incomplete_details", "system_fingerprint", "service_tier"})
# What Azure reports for a field the request left out, where the spec gives no default and null is not the answer.
AZURE_UNSET = {"metadata": {}, "tools": [], "tool_choice": "auto", "text": {"format": {"type": "text"}},
               "truncation": "disabled", "background": False, "parallel_tool_calls": True, "temperature": 1.0,
               "top_p": 1.0}
# A freshly created resource: its timestamps are now, its status the first of these its schema allows.
FRESH_STATUSES = ("completed", "succeeded", "active", "ready", "processed", "validating_files", "validating", "queued",
                  "in_progress", "running")
_ABSENT = object()


@dataclass
class Mirror:
    """How one operation's answer mirrors its request; compiled on first use and kept."""

    names: tuple[str, ...]  # response properties the request also declares
    unset: dict[str, Any]  # name -> the value for a field the request left out (absent: leave it out)
    properties: dict[str, Any]  # name -> the response property schema
    required: frozenset[str]
    schema: Any  # the response schema
    mounted: MountedSpec
    fresh: dict[str, Any]  # server-owned values of a resource just created (timestamps, status)

    @classmethod
    def of(cls, mounted: MountedSpec, op: Operation, media_type: str = "application/json") -> "Mirror":
        spec = mounted.spec
        schema = mounted.response_schema(op, media_type)
        request_schema = _request_schema(mounted, op)
        properties = {name: prop for name in _property_names(spec, schema)
                      if (prop := schema_property(spec, schema, name))}
        requested = _property_names(spec, request_schema)
        names = tuple(n for n in properties if n in requested and n not in SERVER_OWNED)
        unset: dict[str, Any] = {}
        for name in names:
            request_prop = schema_property(spec, request_schema, name) or {}
            for candidate in (request_prop.get("default", _ABSENT), AZURE_UNSET.get(name, _ABSENT), None):
                if candidate is not _ABSENT and mounted.validator.is_valid(candidate, properties[name]):
                    unset[name] = candidate
                    break
        fresh: dict[str, Any] = {}
        for name, candidates in (("created_at", [CREATED]), ("created", [CREATED]), ("status", FRESH_STATUSES)):
            valid = [c for c in candidates if name in properties and mounted.validator.is_valid(c, properties[name])]
            if valid:
                fresh[name] = valid[0]
        return cls(names, unset, properties, frozenset(_required(spec, schema)), schema, mounted, fresh)

    def fields(self, request: dict[str, Any], *, sent_only: bool = False) -> dict[str, Any]:
        """The mirrored values: each sent value when valid for its response property, else the unset value."""
        out: dict[str, Any] = {}
        for name in self.names:
            sent = request.get(name, _ABSENT)
            if sent is not _ABSENT and sent is not None and self.mounted.validator.is_valid(sent, self.properties[name]):
                out[name] = sent
            elif name in self.unset and not sent_only:
                unset = self.unset[name]  # checked once, in `of`; containers copied (answers may be stored)
                out[name] = copy.deepcopy(unset) if isinstance(unset, (dict, list)) else unset
        return out

    def update(self, stored: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """A stored object with what an update request sent (fields it left out keep their values)."""
        updated = {**stored, **self.fields(request, sent_only=True)}
        return updated if self.mounted.validator.is_valid(updated, self.schema) else stored

    def answer(self, template: Any, request: dict[str, Any], *candidates: dict[str, Any]) -> Any:
        """The template's required fields, the mirrored fields and the first candidate set of generated fields
        that makes a valid body (richer candidates first, e.g. with Azure's content filter results). Without
        one, each generated field the spec reads otherwise takes the template's value; else the template, unless
        the template is not valid either (a spec no body satisfies)."""
        base = {k: v for k, v in template.items() if k in self.required} if isinstance(template, dict) else {}
        mirrored = self.fields(request)
        validator = self.mounted.validator
        for generated in candidates:
            if self.properties:  # a field the answer does not declare (`deleted` on an object) is left out
                generated = {k: v for k, v in generated.items() if k in self.properties}
            body = {**base, **mirrored, **generated}
            if validator.is_valid(body, self.schema):
                return body
        for name in candidates[-1]:
            if name in self.properties and not validator.is_valid(body[name], self.properties[name]):
                if name in base:
                    body[name] = base[name]
                else:
                    del body[name]
        if validator.is_valid(body, self.schema) or not validator.is_valid(template, self.schema):
            return body  # when no body can be valid (an unsatisfiable spec), the realistic one
        return template


def _request_schema(mounted: MountedSpec, op: Operation) -> Any:
    body = mounted.spec.try_deref(op.node.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    for media_type, media in (content or {}).items():
        if "json" in media_type or media_type.startswith("multipart/"):
            media = mounted.spec.try_deref(media)
            return media.get("schema") if isinstance(media, dict) else None
    return None


def _property_names(spec: Any, schema: Any, depth: int = 0) -> list[str]:
    """Property names of an object schema, its `allOf` parts included."""
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict) or depth > 8:
        return []
    names = list(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else []
    for part in schema.get("allOf") if isinstance(schema.get("allOf"), list) else []:
        names += [n for n in _property_names(spec, part, depth + 1) if n not in names]
    return names


def _required(spec: Any, schema: Any, depth: int = 0) -> list[str]:
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict) or depth > 8:
        return []
    names = [n for n in schema.get("required") or [] if isinstance(n, str)] if isinstance(schema.get("required"), list) else []
    for part in schema.get("allOf") if isinstance(schema.get("allOf"), list) else []:
        names += _required(spec, part, depth + 1)
    return names
