"""The Azure-like mock: both Azure OpenAI surfaces from the specs, Azure's refusals, a stateful Responses store.

Imports are lazy (PEP 562) so light users (the contract runner asking `surface_of`) do not pay for Starlette,
uvicorn and openapi-core.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_SPECS", "Mock", "MockStats", "create_app", "serve_in_background", "surface_of"]


def __getattr__(name: str) -> Any:
    if name in ("DEFAULT_SPECS", "Mock", "MockStats", "create_app"):
        from . import app

        return getattr(app, name)
    if name == "serve_in_background":
        from .server import serve_in_background

        return serve_in_background
    if name == "surface_of":
        from .azure import surface_of

        return surface_of
    raise AttributeError(name)
