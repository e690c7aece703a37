"""What a downgrade returns: the 3.0.3 document and the loss report (one `Loss` per lossy step or repair)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Loss:
    """One place where the 3.0.3 output cannot say exactly what the input said, or where a defect was repaired.

    `id` is the conversion's stable kebab-case id (one per mapping row); `pointer` is where the construct sat
    (in the input document, or in the output for nodes that an earlier conversion created).
    """

    id: str
    pointer: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DowngradeResult:
    document: dict[str, Any]
    losses: list[Loss] = field(default_factory=list)
    source_version: str = ""

    def counts(self) -> dict[str, int]:
        """Losses per conversion id, most frequent first."""
        tally: dict[str, int] = {}
        for loss in self.losses:
            tally[loss.id] = tally.get(loss.id, 0) + 1
        return dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {"losses": [loss.to_dict() for loss in self.losses]}
