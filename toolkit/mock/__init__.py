"""The Azure-like mock: both Azure OpenAI surfaces from the specs, Azure's refusals, a stateful Responses store."""

from .app import DEFAULT_SPECS, Mock, MockStats, create_app
from .server import serve_in_background

__all__ = ["DEFAULT_SPECS", "Mock", "MockStats", "create_app", "serve_in_background"]
