"""The finding shape shared by `validate` and `apim lint`: a stable id, a level, a JSON pointer, a message."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, Generic, Iterable, TypeVar

LEVELS = ("error", "warning", "info")

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    id: str
    level: str
    pointer: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A declarative check: id, level and description, plus a function yielding (pointer, message) pairs."""

    id: str
    level: str
    description: str
    check: Callable[[T], Iterable[tuple[str, str]]]

    def run(self, subject: T) -> list[Finding]:
        return [Finding(self.id, self.level, pointer, message) for pointer, message in self.check(subject)]


class RuleSet(Generic[T]):
    """An ordered registry that rules join with a decorator, so adding a rule touches one place."""

    def __init__(self) -> None:
        self.rules: list[Rule[T]] = []

    def rule(self, id: str, level: str, description: str) -> Callable[[Callable[[T], Iterable[tuple[str, str]]]], Rule[T]]:
        assert level in LEVELS, level

        def register(check: Callable[[T], Iterable[tuple[str, str]]]) -> Rule[T]:
            made = Rule(id, level, description, check)
            self.rules.append(made)
            return made

        return register

    def run(self, subject: T) -> list[Finding]:
        return [finding for rule in self.rules for finding in rule.run(subject)]


def count_by_level(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for finding in findings:
        counts[finding.level] = counts.get(finding.level, 0) + 1
    return counts
