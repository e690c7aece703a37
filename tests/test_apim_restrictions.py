"""The restrictions table (`toolkit.apim.RESTRICTIONS`) is complete and consistent, and the README shows exactly
what it says: every row has a source address, names rules that exist, and says what prepare does about it."""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.apim import FIXES, RESTRICTIONS, RULE_DOCS
from toolkit.apim.restrictions import STATUSES
from toolkit.apim.sources import SOURCES
from toolkit.downgrade import CONVERSIONS
from toolkit.render import render

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- apim-restrictions:start -->", "<!-- apim-restrictions:end -->"


def test_readme_table_is_rendered_from_the_restrictions_table() -> None:
    text = README.read_text()
    shown = text[text.index(START) + len(START):text.index(END)].strip()
    assert shown == render("apim/restrictions.md.j2", restrictions=RESTRICTIONS, sources=SOURCES).strip()


def test_every_row_has_a_source_a_status_and_what_prepare_does() -> None:
    assert len({r.key for r in RESTRICTIONS}) == len(RESTRICTIONS)
    for row in RESTRICTIONS:
        assert row.sources and all(key in SOURCES for key in row.sources), row.key
        assert row.status in STATUSES and row.prepare, row.key
        assert "silently" not in row.prepare.lower(), row.key
        if row.status in ("fixed", "partly", "reported"):
            assert row.rules, f"row {row.key} is acted on but names no rule"


def test_rules_and_fixes_named_in_the_table_exist() -> None:
    rules = {d.id for d in RULE_DOCS} | {"output-invalid"}
    assert {rule for row in RESTRICTIONS for rule in row.rules} - rules == set()
    units = {f"fix-{f.id}" for f in FIXES} | {c.id for c in CONVERSIONS} | {f.id for f in FIXES}
    named = {m for row in RESTRICTIONS for m in re.findall(r"`((?:fix-)?[a-z][a-z0-9]*(?:-[a-z0-9]+)+)`", row.prepare)}
    assert named - units - rules - {"file-bundled", "api-version"} == set()


def test_every_rule_appears_in_the_table() -> None:
    """No rule without the restriction or failure it answers."""
    assert {d.id for d in RULE_DOCS} - {rule for row in RESTRICTIONS for rule in row.rules} == set()


def test_every_documented_source_is_cited() -> None:
    cited = {key for row in RESTRICTIONS for key in row.sources} | {
        key for d in RULE_DOCS for key, url in SOURCES.items() if url in d.address}
    assert set(SOURCES) - cited == set()
