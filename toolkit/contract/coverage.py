"""A budget-aware subset of Schemathesis' coverage phase: its cases, chosen so that a share of the budget covers
as many distinct faults and locations as it can.

Why a subset: the coverage phase enumerates every case the schema defines and ignores max-examples (607 cases for
2024-10-21 chat alone, 87,621 requests on OpenAI's spec), so run whole it takes any budget and leaves fuzzing
nothing. Here its cases are enumerated (no request is sent for that, and only as far as the share reads, see
`Selection`), then taken in this order until the operation's share is spent: positive cases first (valid variants
a server must accept; up to a third), then one negative case per schema location and scenario, the scenarios the
Azure boundary probes do not already test first (missing required properties, wrong types, malformed content
types, missing bodies), round-robin over locations.
Left out: undeclared methods (the `method_not_allowed` probes test them on every path, accepting Azure's 404 as
well as 405) and faults in the parameters the run pins (`api-version`, `deployment-id`: pinning would undo them).
"""

from __future__ import annotations

from typing import Any, Iterator

# Already probed, one fault at a time on a valid base, by the Azure boundary probes: tried last here.
_PROBED = frozenset({"value_above_maximum", "value_below_minimum", "string_above_max_length",
                     "string_below_min_length", "array_above_max_items", "array_below_min_items",
                     "invalid_enum_value"})
_SKIPPED = frozenset({"unspecified_http_method"})
PINNED_PARAMETERS = frozenset({"api-version", "deployment-id"})
MAX_SCANNED = 2000  # cases enumerated per operation at most (enumeration costs time, not requests)


def _cases(schema: Any, operation: Any) -> Iterator[Any]:
    from schemathesis.generation import GenerationMode

    config = schema.config.generation_for(operation=operation, phase="coverage")
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    yield from schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config)


class Selection:
    """One operation's coverage cases in the order described above, enumerated only as far as they are read.

    A run reads a few cases per operation (its coverage share is spread round-robin over every operation), while
    enumerating an operation's cases costs time (22 s for every operation of OpenAI's spec). `head(count)` scans
    only until the first `count` cases of the whole order are settled, so it returns what a full scan would.
    """

    def __init__(self, schema: Any, operation: Any, limit: int) -> None:
        self.limit = limit
        self.first = max(1, limit // 3)  # positive cases that lead the order
        self._cases = enumerate(_cases(schema, operation)) if limit > 0 else iter(())
        self._done = limit <= 0
        self.positive: list[Any] = []
        self.groups: dict[tuple[bool, str], list[Any]] = {}
        self._open_groups = 0  # groups of faults the Azure probes do not test
        self._seen: set[tuple[str, str, str]] = set()

    def head(self, count: int) -> list[Any]:
        """The first `count` cases (at most `limit`)."""
        count = min(count, self.limit)
        while not self._done and not self._settled(count):
            self._scan()
        return self._order()[:count]

    def __getitem__(self, index: int) -> Any:
        """The case at `index` of the order (IndexError past its end): how `stages.round_robin` reads it."""
        cases = self.head(index + 1)
        if index >= len(cases):
            raise IndexError(index)
        return cases[index]

    def _settled(self, count: int) -> bool:
        """Whether the first `count` cases are final: they are once enough positive cases lead them and enough
        fault groups fill the first round after those (a group found later only joins at the end of that round)."""
        if len(self.positive) < min(count, self.first):
            return False
        return count <= self.first or self._open_groups >= count - self.first

    def _scan(self) -> None:
        step = next(self._cases, None)
        if step is None or step[0] >= MAX_SCANNED:
            self._done = True
            return
        case = step[1]
        meta = case._meta
        data = getattr(meta.phase, "data", None) if meta is not None else None
        scenario = str(getattr(getattr(data, "scenario", None), "value", ""))
        if scenario in _SKIPPED or getattr(data, "parameter", None) in PINNED_PARAMETERS:
            return
        if meta.generation.mode.is_positive:
            self.positive.append(case)
            return
        location = f"{getattr(data, 'parameter_location', '')}:{getattr(data, 'location', '') or ''}"
        key = (scenario, location, str(getattr(data, "description", "")))
        if key in self._seen:  # the same fault at the same place (wrong types come in five flavours): once is enough
            return
        self._seen.add(key)
        group = (scenario in _PROBED, location)
        if group not in self.groups:
            self._open_groups += not group[0]
        self.groups.setdefault(group, []).append(case)

    def _order(self) -> list[Any]:
        limit, first = self.limit, self.first
        chosen = self.positive[:first]  # valid variants, then the faults; the rest of the valid ones last
        for probed in (False, True):
            queues = [cases for (was_probed, _), cases in self.groups.items() if was_probed == probed]
            depth = 0
            while len(chosen) < limit and any(depth < len(q) for q in queues):
                chosen += [q[depth] for q in queues if depth < len(q)][: limit - len(chosen)]
                depth += 1
        chosen += self.positive[first:][: max(0, limit - len(chosen))]
        return chosen[:limit]

