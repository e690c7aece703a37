"""What a build stage produced: its data, or the error that stopped it.

A stage that raises must not crash the site: the error becomes part of the page it would have filled. Errors a
user can cause (`AoaiSpecError`: a spec that does not load, a pull that fails) are told apart from internal
errors (anything else: a bug in the toolkit), which keep their traceback so they stay visible and fixable.
"""

from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass
from typing import Any, Callable, TypeVar

from ..errors import AoaiSpecError

T = TypeVar("T")


@dataclass(frozen=True)
class StageError:
    stage: str  # "load", "validate", "apim", "diff", "compat", "contract", "pull"...
    subject: str  # the catalog id, pair or page the stage worked on
    kind: str  # "input" (the user's data or environment) | "internal" (a toolkit bug)
    message: str
    traceback: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_exception(cls, stage: str, subject: str, exc: BaseException) -> "StageError":
        if isinstance(exc, AoaiSpecError):
            return cls(stage, subject, "input", str(exc))
        if isinstance(exc, (RecursionError, MemoryError)):
            return cls(stage, subject, "input", f"input too large or too deeply nested ({type(exc).__name__})")
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return cls(stage, subject, "internal", f"{type(exc).__name__}: {exc}", text)


def attempt(stage: str, subject: str, work: Callable[[], T], errors: list[dict[str, Any]]) -> T | None:
    """Run one stage; on failure record a `StageError` dict in `errors` and return None."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - every failure becomes page content, classified above
        errors.append(StageError.from_exception(stage, subject, exc).to_dict())
        return None
