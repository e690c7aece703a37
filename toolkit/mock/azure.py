"""What Azure OpenAI answers when a request is refused before it reaches a model: status codes and error bodies.

Kept in one place so the mock, the contract classifier and the tests agree on the exact shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Spec

ACCESS_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an "
    "active subscription and use a correct regional API endpoint for your resource."
)
RESOURCE_NOT_FOUND = "Resource not found"
API_VERSION_NOT_SUPPORTED = "API version not supported"
PREVIEW_HEADER_REQUIRED = "This operation requires the preview feature header '{name}: {value}'. Add the header to opt in."

V1_PREFIX = "/openai/v1"
DATED_PREFIX = "/openai"
API_VERSION = "api-version"


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """Azure's error envelope: `{"error": {"code": ..., "message": ...}}` (plus `param`, `type` when known)."""
    return {"error": {"code": code, "message": message, **extra}}


def unauthorized() -> tuple[int, dict[str, Any]]:
    return 401, error_body("401", ACCESS_DENIED)


def not_found() -> tuple[int, dict[str, Any]]:
    return 404, error_body("404", RESOURCE_NOT_FOUND)


DEPLOYMENT_NOT_FOUND = ("The API deployment for this resource does not exist. If you created the deployment within "
                        "the last 5 minutes, please wait a moment and try again.")
# v1 routes whose JSON body `model` names a deployment (dated routes name it in the path).
DEPLOYMENT_ROUTES = ("/chat/completions", "/completions", "/embeddings", "/responses", "/images/generations")


def deployment_not_found() -> tuple[int, dict[str, Any]]:
    return 404, error_body("DeploymentNotFound", DEPLOYMENT_NOT_FOUND)


def api_version_not_supported() -> tuple[int, dict[str, Any]]:
    return 400, error_body("BadRequest", API_VERSION_NOT_SUPPORTED)


def preview_header_required(name: str, value: str) -> tuple[int, dict[str, Any]]:
    return 400, error_body("BadRequest", PREVIEW_HEADER_REQUIRED.format(name=name, value=value), param=name)


def invalid_request(message: str, param: str | None = None) -> tuple[int, dict[str, Any]]:
    extra = {"param": param} if param else {}
    return 400, error_body("invalid_request_error", message, **extra)


def method_not_allowed() -> tuple[int, dict[str, Any]]:
    return 405, error_body("405", "Method not allowed")


def object_not_found(kind: str, ident: str) -> tuple[int, dict[str, Any]]:
    return 404, error_body("404", f"{kind} with id '{ident}' not found.")


def surface_of(spec: "Spec") -> str:
    """A spec not in the catalog is dated when its operations need `api-version` or live under `/deployments/`."""
    for op in spec.operations():
        if op.path.startswith("/deployments/"):
            return "dated"
        for param in op.parameters:
            if param.get("in") == "query" and param.get("name") == "api-version" and param.get("required"):
                return "dated"
    return "v1"
