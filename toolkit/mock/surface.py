"""One spec mounted on one Azure surface: its routes, its request and response validation, its response samples.

The v1 surface serves `/openai/v1/<path>`; the dated surface serves `/openai/<path>?api-version=<version>` and can
hold several specs at once, one per api-version.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from ..catalog import CatalogEntry
from ..model import Operation, Spec
from .azure import DATED_PREFIX, V1_PREFIX, surface_of
from .dialect import json_copy, relax_nullable
from .request_checks import OperationCheck
from .samples import Sample, choose_body
from .validation import SchemaValidator

MOCK_HOST = "http://mock"


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    operations: dict[str, Operation]

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        return dict(zip(self.names, found.groups())) if found else None


def _compile(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names = tuple(re.findall(r"{([^}]+)}", template))
    regex = re.escape(template)
    for name in names:
        regex = regex.replace(re.escape("{" + name + "}"), "([^/]+)")
    return re.compile(regex), names


@dataclass
class OpenApiRequest:
    """The openapi-core `Request` protocol over what the mock already parsed."""

    path: str
    method: str
    body: bytes | None
    content_type: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    host_url: str = MOCK_HOST
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(query=ImmutableMultiDict(self.query), header=Headers(self.headers),
                                            cookie=ImmutableMultiDict())

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


@dataclass
class Incoming:
    """A request as the mock parsed it, before validation."""

    method: str
    path: str  # under the surface prefix
    params: dict[str, str]  # path parameters
    query: dict[str, list[str]]
    headers: Any  # case-insensitive mapping
    content_type: str  # lower case
    raw: bytes
    body: Any  # parsed JSON, or None
    form: dict[str, Any]  # multipart fields
    plain_json: bool = True  # False when the body holds what only the standard library reads (huge integers)


@dataclass
class MountedSpec:
    spec: Spec
    surface: str  # "v1" | "dated"
    prefix: str
    api_version: str | None
    seed: int
    routes: list[Route] = field(default_factory=list)
    _literal: dict[str, Route] = field(default_factory=dict, init=False)  # routes without parameters, by path
    validator: SchemaValidator = field(init=False)  # response bodies
    _checks: dict[str, OperationCheck] = field(default_factory=dict, init=False)  # by operation key, on first use
    document: dict[str, Any] = field(init=False)  # the spec as responses are read: nullable as Schemathesis reads it
    _openapi: OpenAPI | None = field(default=None, init=False)
    _samples: dict[tuple[str, str, str], Sample] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.document = json_copy(self.spec.document)
        if not self.spec.is_31:
            relax_nullable(self.document, writing=False)
        self.validator = SchemaValidator(self.spec, self.document)
        by_path: dict[str, dict[str, Operation]] = {}
        for op in self.spec.operations():
            by_path.setdefault(op.path, {})[op.method] = op
        # Literal segments beat parameters: `/responses/{id}` must not swallow `/responses/x/input_items`.
        for template in sorted(by_path, key=lambda t: (-t.count("/"), t.count("{"), t)):
            pattern, names = _compile(template)
            self.routes.append(Route(template, pattern, names, by_path[template]))
            if not names:
                self._literal.setdefault(template, self.routes[-1])

    @cached_property
    def request_document(self) -> dict[str, Any]:
        """The spec as requests are read (built on the first request: startup only pays for the responses)."""
        document = json_copy(self.spec.document)
        if not self.spec.is_31:
            relax_nullable(document, writing=True)
        return document

    @cached_property
    def request_validator(self) -> SchemaValidator:
        """Request bodies and parameters (a read-only property refused)."""
        return SchemaValidator(self.spec, self.request_document, writing=True)

    @classmethod
    def mount(cls, spec: Spec, entry: CatalogEntry | None, seed: int) -> "MountedSpec":
        surface = entry.surface if entry else surface_of(spec)
        if surface == "v1":
            return cls(spec, "v1", V1_PREFIX, None, seed)
        version = entry.api_version if entry and entry.api_version else spec.info_version.split("_", 1)[0]
        return cls(spec, "dated", DATED_PREFIX, version, seed)

    @property
    def openapi(self) -> OpenAPI:
        """openapi-core over a copy whose server is the mock's own prefix (built on first use: ~1 s on v1), for the
        requests `request_checks` does not read, and for tests that compare the two."""
        if self._openapi is None:
            # Security is the mock's own job: without it openapi-core would skip every other check whenever the
            # credential is not the spec's scheme (a Bearer token on an api-key spec).
            doc = json_copy(self.request_document)
            doc.pop("security", None)
            for item in (doc.get("paths") or {}).values():
                for op in (item.values() if isinstance(item, dict) else ()):
                    if isinstance(op, dict):
                        op.pop("security", None)
            doc["servers"] = [{"url": MOCK_HOST + self.prefix}]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # The spec was loaded (and can be linted) elsewhere; real Azure specs have lint-level defects
                # (e.g. 2024-10-21 requires an undefined `function_call_id`) that must not stop the mock.
                self._openapi = OpenAPI.from_dict(doc, config=Config(spec_validator_cls=None))
        return self._openapi

    def find(self, path: str) -> tuple[Route, dict[str, str]] | None:
        literal = self._literal.get(path)  # the route the scan would find first: same depth, no parameter
        if literal is not None:
            return literal, {}
        for route in self.routes:
            params = route.match(path)
            if params is not None:
                return route, params
        return None

    def check(self, op: Operation) -> OperationCheck:
        """The operation's compiled request check (compiled on its first request: large specs start fast)."""
        found = self._checks.get(op.key)
        if found is None:
            found = self._checks[op.key] = OperationCheck.compile(self.spec, op, self.request_validator)
        return found

    def request_problem(self, op: Operation, incoming: Incoming) -> str | None:
        """Why the request is invalid for the spec (openapi-core's verdict, security aside), or None."""
        check = self.check(op)
        multipart = incoming.content_type.startswith("multipart/form-data")
        if not check.needs_openapi_core and incoming.plain_json:
            return (check.parameter_problem(incoming.params, incoming.query, incoming.headers)
                    or check.body_problem(incoming.content_type, incoming.raw, incoming.body)
                    or (self.validate_form(op, incoming.form) if multipart else None))
        query = [(k, v) for k, values in incoming.query.items() for v in values
                 if v != "" or not self._empty_is_valid(op, k)]
        request = OpenApiRequest(path=self.prefix + incoming.path, method=incoming.method, body=incoming.raw or None,
                                 content_type=incoming.content_type, headers=dict(incoming.headers), query=query)
        if multipart:
            return self.validate_parameters(request) or self.validate_form(op, incoming.form)
        return self.validate_request(request)

    def _empty_is_valid(self, op: Operation, name: str) -> bool:
        """`after=`: openapi-core refuses every empty query value; drop it when the parameter's schema allows ""."""
        for param in op.parameters:
            if param.get("in") == "query" and param.get("name") == name:
                return self.request_validator.is_valid("", param.get("schema", {}))
        return True

    def validate_request(self, request: OpenApiRequest) -> str | None:
        """None when openapi-core accepts the request, else its message (for operations whose parameters or media
        types `request_checks` does not read)."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.openapi.validate_request(request)
        except Exception as exc:  # openapi-core raises a family of errors; the message is what the client needs
            try:
                return _short(exc)
            except Exception:  # its own message can fail to render (undecodable bodies)
                return exc.__class__.__name__
        return None

    def validate_parameters(self, request: OpenApiRequest) -> str | None:
        """openapi-core's verdict on the parameters alone (multipart requests of operations `request_checks`
        cannot read the parameters of)."""
        from openapi_core.validation.request.validators import V30RequestParametersValidator, V31RequestParametersValidator

        cls = V31RequestParametersValidator if self.spec.is_31 else V30RequestParametersValidator
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls(self.openapi.spec).validate(request)
        except Exception as exc:
            return _short(exc)
        return None

    def form_schema(self, op: Operation) -> Any:
        body = self.spec.try_deref(op.node.get("requestBody"))
        media = ((body or {}).get("content") or {}).get("multipart/form-data") if isinstance(body, dict) else None
        return (media or {}).get("schema") if isinstance(media, dict) else None

    def form_value(self, op: Operation, items: list[tuple[str, Any]]) -> dict[str, Any]:
        """Multipart fields as the object the schema describes. Multipart carries only text, so each field is read
        as its schema's type (`temperature=0` is the number 0, as Azure and the openai client mean it), and nested
        fields sent the way the openai client sends them (`expires_after[seconds]=60`, `include[]=x`) are folded
        into objects and arrays; an uploaded file reads as its (binary) string."""
        schema = self.form_schema(op)
        value: dict[str, Any] = {}
        for name, raw in items:
            parts = re.findall(r"[^\[\]]+", name) or [name]
            holder, prop = value, schema
            for part in parts[:-1]:
                prop = schema_property(self.spec, prop, part)
                holder = holder.setdefault(part, {}) if isinstance(holder.get(part, {}), dict) else {}
            prop = schema_property(self.spec, prop, parts[-1])
            if name.endswith("[]"):
                items_schema = self.spec.try_deref(prop.get("items")) if isinstance(prop, dict) else None
                holder.setdefault(parts[-1], []).append(_coerce(self.spec, items_schema or {}, raw))
            else:
                holder[parts[-1]] = _coerce(self.spec, prop, raw)
        return value

    def validate_form(self, op: Operation, value: dict[str, Any]) -> str | None:
        """A multipart body (read by `form_value`) against its schema."""
        schema = self.form_schema(op)
        problem = None if schema is None else self.request_validator.first_error(value, schema)
        return f"InvalidRequestBody: {problem}" if problem else None

    def success(self, op: Operation) -> tuple[int, dict[str, Any] | None]:
        """The first documented 2xx response (status, response object)."""
        responses = op.node.get("responses") if isinstance(op.node.get("responses"), dict) else {}
        for status in sorted(responses):
            if str(status).startswith("2"):
                return int(status) if str(status).isdigit() else 200, self.spec.try_deref(responses[status])
        return 200, None

    def sample(self, op: Operation, status: int, media_type: str = "application/json") -> Sample | None:
        key = (op.key, str(status), media_type)
        if key not in self._samples:
            _, response = self.success(op) if str(status).startswith("2") else (status, None)
            media = ((response or {}).get("content") or {}).get(media_type)
            if not isinstance(media, dict):
                return None
            self._samples[key] = choose_body(self.spec, self.validator, media, seed=self.seed, salt=f"{op.key} {status}")
        return self._samples[key]

    def response_schema(self, op: Operation, media_type: str = "application/json") -> Any:
        _, response = self.success(op)
        media = ((response or {}).get("content") or {}).get(media_type)
        return media.get("schema") if isinstance(media, dict) else None

    def unvalidated_samples(self) -> list[tuple[str, str]]:
        """Operations whose success body could not be made valid: usually a spec bug (reported at startup)."""
        rows = []
        for route in self.routes:
            for op in route.operations.values():
                status, response = self.success(op)
                for media_type in ((response or {}).get("content") or {}):
                    if "json" in media_type:
                        sample = self.sample(op, status, media_type)
                        if sample and sample.origin == "unvalidated":
                            rows.append((op.key, sample.problem or "invalid"))
        return rows


def schema_property(spec: Spec, schema: Any, name: str) -> Any:
    """The (dereferenced) schema of one property of an object schema, its `allOf` parts included; {} if none."""
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict):
        return {}
    properties = schema.get("properties")
    if isinstance(properties, dict) and name in properties:
        return spec.try_deref(properties[name])
    for part in schema.get("allOf") if isinstance(schema.get("allOf"), list) else []:
        found = schema_property(spec, part, name)
        if found:
            return found
    return {}


def _coerce(spec: Spec, schema: Any, raw: Any) -> Any:
    """A multipart text field read as its schema's type; an uploaded file is its (binary) string."""
    if not isinstance(raw, str):
        return ""  # an UploadFile: `type: string, format: binary`
    kind = schema.get("type") if isinstance(schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    try:
        if "integer" in kinds and raw.lstrip("-").isdigit():
            return int(raw)
        if "number" in kinds:
            return float(raw)
        if "boolean" in kinds and raw in ("true", "false"):
            return raw == "true"
        if {"array", "object"} & set(kinds):
            return json.loads(raw)
    except ValueError:
        return raw
    return raw


def _short(exc: Exception) -> str:
    cause = exc.__cause__
    details = getattr(cause, "schema_errors", None)
    if details:
        first = details[0]
        where = "/".join(str(p) for p in first.absolute_path)
        return f"{exc.__class__.__name__}: {first.message}" + (f" (at {where})" if where else "")
    return str(exc) or exc.__class__.__name__


def json_bytes(body: Any) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:  # an integer beyond 64 bits
        return json.dumps(body, separators=(",", ":")).encode()


_LONG_NUMBER = re.compile(rb"\d{19}")


def json_loads(raw: bytes) -> tuple[Any, bool]:
    """(value, plain): plain unless the body holds an integer beyond 64 bits, which orjson and the compiled
    validators would read as a float; such a body is judged by openapi-core, which reads it exactly. orjson reads
    every body without a 19-digit run; the standard library, with a watch on integers, reads the others."""
    if _LONG_NUMBER.search(raw) is None:
        try:
            return orjson.loads(raw), True
        except orjson.JSONDecodeError:
            pass  # the standard library's error message for the client
    plain = True

    def integer(text: str) -> int:
        nonlocal plain
        value = int(text)
        if not -(2**63) <= value < 2**64:
            plain = False
        return value

    return json.loads(raw, parse_int=integer), plain
