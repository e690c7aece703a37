"""What the behaviour layer works on: an accepted request (`Call`), its answer (`Reply`), and the mock's memory."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import Operation
from .surface import MountedSpec

DEPLOYMENT_PREFIX = "/deployments/{deployment-id}"
CREATED = 1704067200  # every timestamp the mock generates, so that answers are reproducible


@dataclass
class Call:
    """A request the mock accepted: where it landed and what it carried."""

    mounted: MountedSpec
    op: Operation
    path: str  # the concrete path under the surface prefix
    params: dict[str, str]
    body: Any  # the JSON body, or None
    query: dict[str, str]
    form: dict[str, Any] = field(default_factory=dict)  # a multipart body, read as its schema's types
    uploads: list[Any] = field(default_factory=list)  # the uploaded files of a multipart body

    @property
    def kind(self) -> str:
        """The operation's path without the dated deployment prefix (`/chat/completions` on both surfaces)."""
        path = self.op.path
        return path[len(DEPLOYMENT_PREFIX):] if path.startswith(DEPLOYMENT_PREFIX) else path

    @property
    def fields(self) -> dict[str, Any]:
        """The request's named values: the JSON object, or the multipart fields."""
        return self.body if isinstance(self.body, dict) else self.form

    @property
    def model(self) -> str:
        """The model the request names; on the dated surface the deployment answers as its model."""
        if isinstance(self.body, dict) and isinstance(self.body.get("model"), str):
            return self.body["model"]
        return self.params.get("deployment-id", "gpt-4o-mini")

    @property
    def streaming(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True


@dataclass
class Reply:
    status: int
    body: Any = None
    events: Iterator[bytes] | None = None  # an SSE stream instead of a JSON body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class State:
    """Everything the mock remembers between requests; ids are derived from the seed and a counter."""

    seed: int
    resources: dict[str, Any] = field(default_factory=dict)  # concrete item path -> stored object
    input_items: dict[str, list[Any]] = field(default_factory=dict)  # response id -> its input items
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ids = random.Random(f"aoai-spec-mock:{self.seed}")

    def new_id(self, prefix: str) -> str:
        """`prefix` and 24 hex digits, the same sequence for the same seed."""
        with self.lock:
            bits = self._ids.getrandbits(96)
        return f"{prefix}{bits:024x}"
