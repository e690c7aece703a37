"""What a downgrade returns: the 3.0.3 document and the record of every change (one `Change` per place).

Three kinds of change, so that a reader can tell at once what moved the meaning of the document:
`lossy` (the 3.0.3 output says less, or a defect was repaired), `info` (a change of meaning on purpose that only
widens, e.g. a 3.0 keyword found in a "3.1" document and honoured), and `exact` (same meaning, other spelling).
The loss report is the `lossy` and `info` entries; `exact` ones are the rewrites `apim prepare` also lists.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CHANGE_KINDS = ("lossy", "info", "exact")


@dataclass(frozen=True)
class Change:
    """One place where the output differs from the input.

    `id` is the conversion's (or fix's) stable kebab-case id; `pointer` is where the construct sat (in the
    input document, or in the output for nodes that an earlier conversion created).
    """

    id: str
    pointer: str
    message: str
    kind: str = "lossy"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DowngradeResult:
    document: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    source_version: str = ""

    @property
    def losses(self) -> list[Change]:
        """The loss report: every lossy change and every info-level change of meaning."""
        return [c for c in self.changes if c.kind != "exact"]

    @property
    def lossy(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "lossy"]

    @property
    def rewrites(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "exact"]

    def counts(self, kind: str = "lossy") -> dict[str, int]:
        """Changes of one kind per conversion id, most frequent first."""
        tally: dict[str, int] = {}
        for change in self.changes:
            if change.kind == kind:
                tally[change.id] = tally.get(change.id, 0) + 1
        return dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {"losses": [c.to_dict() for c in self.losses], "rewrites": [c.to_dict() for c in self.rewrites]}
