"""One spec mounted on one Azure surface: its routes, its openapi-core validator, and its response samples.

The v1 surface serves `/openai/v1/<path>`; the dated surface serves `/openai/<path>?api-version=<version>` and can
hold several specs at once, one per api-version.
"""

from __future__ import annotations

import copy
import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from ..catalog import CatalogEntry
from ..model import Operation, Spec
from ..schemas import iter_schemas
from .azure import DATED_PREFIX, V1_PREFIX, surface_of
from .samples import Sample, SchemaValidator, choose_body

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
class MountedSpec:
    spec: Spec
    surface: str  # "v1" | "dated"
    prefix: str
    api_version: str | None
    seed: int
    routes: list[Route] = field(default_factory=list)
    validator: SchemaValidator = field(init=False)
    document: dict[str, Any] = field(init=False)  # the spec as validated: nullable read the way Schemathesis reads it
    _openapi: OpenAPI | None = field(default=None, init=False)
    _samples: dict[tuple[str, str, str], Sample] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.document = copy.deepcopy(self.spec.document)
        if not self.spec.is_31:
            relax_nullable(self.document)
        self.validator = SchemaValidator(self.spec, self.document)
        by_path: dict[str, dict[str, Operation]] = {}
        for op in self.spec.operations():
            by_path.setdefault(op.path, {})[op.method] = op
        # Literal segments beat parameters: `/responses/{id}` must not swallow `/responses/x/input_items`.
        for template in sorted(by_path, key=lambda t: (-t.count("/"), t.count("{"), t)):
            pattern, names = _compile(template)
            self.routes.append(Route(template, pattern, names, by_path[template]))

    @classmethod
    def mount(cls, spec: Spec, entry: CatalogEntry | None, seed: int) -> "MountedSpec":
        surface = entry.surface if entry else surface_of(spec)
        if surface == "v1":
            return cls(spec, "v1", V1_PREFIX, None, seed)
        version = entry.api_version if entry and entry.api_version else spec.info_version.split("_", 1)[0]
        return cls(spec, "dated", DATED_PREFIX, version, seed)

    @property
    def openapi(self) -> OpenAPI:
        """openapi-core over a copy whose server is the mock's own prefix (built on first use: ~1 s on v1)."""
        if self._openapi is None:
            doc = {**self.document, "servers": []}
            doc["servers"] = [{"url": MOCK_HOST + self.prefix}]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # The spec was loaded (and can be linted) elsewhere; real Azure specs have lint-level defects
                # (e.g. 2024-10-21 requires an undefined `function_call_id`) that must not stop the mock.
                self._openapi = OpenAPI.from_dict(doc, config=Config(spec_validator_cls=None))
        return self._openapi

    def find(self, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            params = route.match(path)
            if params is not None:
                return route, params
        return None

    def validate_request(self, request: OpenApiRequest) -> str | None:
        """None when openapi-core accepts the request, else its message (security is the mock's own job)."""
        from openapi_core.validation.request.exceptions import SecurityValidationError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.openapi.validate_request(request)
        except SecurityValidationError:
            return None
        except Exception as exc:  # openapi-core raises a family of errors; the message is what the client needs
            try:
                return _short(exc)
            except Exception:  # its own message can fail to render (undecodable bodies)
                return exc.__class__.__name__
        return None

    def validate_form(self, request: OpenApiRequest, op: Operation, form: dict[str, Any]) -> str | None:
        """Multipart bodies: openapi-core checks the parameters, the form is checked here with its text fields
        read as the schema's types (multipart carries only text, so `temperature=0` is the number 0, as Azure and
        the openai client mean it; openapi-core would refuse the string "0")."""
        from openapi_core.validation.request.exceptions import SecurityValidationError
        from openapi_core.validation.request.validators import V30RequestParametersValidator, V31RequestParametersValidator

        cls = V31RequestParametersValidator if self.spec.is_31 else V30RequestParametersValidator
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls(self.openapi.spec).validate(request)
        except SecurityValidationError:
            pass
        except Exception as exc:
            return _short(exc)
        body = self.spec.try_deref(op.node.get("requestBody"))
        media = ((body or {}).get("content") or {}).get("multipart/form-data") if isinstance(body, dict) else None
        schema = (media or {}).get("schema") if isinstance(media, dict) else None
        if schema is None:
            return None
        value = {name: _coerce(self.spec, _property(self.spec, schema, name), raw) for name, raw in form.items()}
        problem = self.validator.first_error(value, schema)
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


_NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}


def relax_nullable(document: dict[str, Any]) -> None:
    """Read OAS 3.0 `nullable: true` next to `allOf`/`anyOf`/`oneOf`/`$ref` as "or null".

    That is how the Azure specs mean it (TypeSpec emits `X | null` that way) and how Schemathesis generates it;
    openapi-core follows the letter of OAS 3.0.3 (nullable needs `type` in the same object) and would refuse
    requests both the spec authors and the contract tester consider valid.
    """
    nullable = [schema for _, schema in iter_schemas(document) if isinstance(schema, dict) and schema.get("nullable") is True]
    for schema in nullable:  # `nullable` with an `enum` that lacks null: null is still allowed
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
    targets = [s for s in nullable if any(k in s for k in ("allOf", "anyOf", "oneOf", "$ref"))]
    for schema in targets:
        rest = {k: v for k, v in schema.items() if k != "nullable"}
        schema.clear()
        schema["anyOf"] = [rest, dict(_NULL_ONLY)]


def _property(spec: Spec, schema: Any, name: str) -> Any:
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict):
        return {}
    properties = schema.get("properties")
    if isinstance(properties, dict) and name in properties:
        return spec.try_deref(properties[name])
    for part in schema.get("allOf") if isinstance(schema.get("allOf"), list) else []:
        found = _property(spec, part, name)
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
    return json.dumps(body, separators=(",", ":")).encode()
