"""Rule configuration: change a rule's level or silence it, and set the minimum deprecation period. File form
(YAML or JSON):

    rules:
      response-property-enum-value-added: error
      api-tag-added: off
    deprecation_days: 90   # optional: removal earlier than 90 days after a known deprecation date is an error
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import RuleConfigError, SpecLoadError
from ..load import Limits, check_limits, parse_text
from .rules import RULES_BY_ID
from .rules.base import LEVELS

OFF = "off"


@dataclass(frozen=True)
class RuleConfig:
    levels: dict[str, str] = field(default_factory=dict)  # rule id -> level or "off"
    deprecation_days: int = 0  # minimum days between a known deprecation date and the removal (0: none)

    def level_of(self, rule_id: str, default: str) -> str:
        return self.levels.get(rule_id, default)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], source: str = "config") -> "RuleConfig":
        rules = raw.get("rules", {} if "deprecation_days" in raw else None) if isinstance(raw, Mapping) else None
        if not isinstance(rules, Mapping):
            raise RuleConfigError(f"{source}: expected an object with a 'rules' mapping of rule id -> level "
                                  "(and optionally deprecation_days)")
        levels: dict[str, str] = {}
        for rule_id, level in rules.items():
            level = OFF if level is False else str(level).lower()
            if rule_id not in RULES_BY_ID:
                raise RuleConfigError(f"{source}: unknown rule id {rule_id!r} (run 'aoai-spec rules' to list them)")
            if level not in (*LEVELS, OFF):
                raise RuleConfigError(f"{source}: rule {rule_id!r}: level must be one of "
                                      f"{', '.join((*LEVELS, OFF))}, not {level!r}")
            levels[rule_id] = level
        days = raw.get("deprecation_days", 0)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise RuleConfigError(f"{source}: deprecation_days must be a whole number of days (0 or more)")
        return cls(levels, days)

    @classmethod
    def load(cls, path: str | Path) -> "RuleConfig":
        """Read a YAML or JSON rule file through the spec loader's safe parser (limits, UTF-8, no bombs)."""
        path = Path(path)
        limits = Limits(max_bytes=1024 * 1024)
        try:
            if path.stat().st_size > limits.max_bytes:
                raise RuleConfigError(f"{path}: rule config is over {limits.max_bytes:,} bytes")
            data = path.read_bytes()
        except OSError as exc:
            raise RuleConfigError(f"{path}: cannot read rule config: {exc.strerror or exc}") from None
        try:
            raw, _ = parse_text(data, str(path), limits, [], fmt="yaml")  # YAML reads JSON too
            raw = check_limits(raw, str(path), limits)
        except SpecLoadError as exc:
            raise RuleConfigError(f"{path}: malformed rule config: {exc.message}") from None
        return cls.from_mapping(raw or {}, str(path))


def as_config(config: RuleConfig | Mapping[str, Any] | str | Path | None) -> RuleConfig:
    if config is None:
        return RuleConfig()
    if isinstance(config, RuleConfig):
        return config
    if isinstance(config, (str, Path)):
        return RuleConfig.load(config)
    return RuleConfig.from_mapping(config)
