"""The lifecycle rules (toolkit/diff/rules/lifecycle.py): removing a deprecated element before or after its
sunset, the minimum deprecation period, and where sunset and deprecation dates are read from."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from toolkit.diff import compare
from toolkit.diff.policy import Deprecation, Lifecycle, operation_deprecation, parse_date
from toolkit.model import Spec

DAY = dt.date(2025, 6, 1)


def doc(paths: dict[str, Any]) -> Spec:
    return Spec(document={"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})


def ok(**extra: Any) -> dict[str, Any]:
    return {"responses": {"200": {"description": "ok"}}, **extra}


def removed_op(**fields: Any) -> tuple[Spec, Spec]:
    return doc({"/a": {"get": ok(), "post": ok(**fields)}}), doc({"/a": {"get": ok()}})


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, ("api-removed-without-deprecation", "error")),
    ({"deprecated": True}, ("api-removed-with-deprecation", "info")),
    ({"deprecated": True, "x-sunset": "2025-07-01"}, ("api-removed-before-sunset", "error")),
    ({"deprecated": True, "x-sunset": "2025-06-01"}, ("api-removed-with-deprecation", "info")),  # on the day
    ({"x-ms-deprecation": {"removalDate": "2025-12-31"}}, ("api-removed-before-sunset", "error")),
    ({"deprecated": True, "x-sunset": "soon"}, ("api-removed-with-deprecation", "info")),
])
def test_operation_removal_against_its_sunset(fields: dict[str, Any], expected: tuple[str, str]) -> None:
    base, revision = removed_op(**fields)
    assert [(c.id, c.level) for c in _at(base, revision, DAY)] == [expected]


def _at(base: Spec, revision: Spec, day: dt.date, days: int = 0, seen: dict | None = None):
    """compare() with the removal dated `day` (what a catalog revision's release date does)."""
    from toolkit.diff.checker import check
    from toolkit.diff.config import RuleConfig
    from toolkit.diff.engine import diff_specs

    diff = diff_specs(base, revision)
    diff.context.lifecycle = Lifecycle(day, days, seen or {})
    return check(diff, RuleConfig())


def test_minimum_deprecation_period_counts_from_the_deprecation_date() -> None:
    base, revision = removed_op(**{"x-ms-deprecation": {"date": "2025-05-01"}})
    assert [c.id for c in _at(base, revision, DAY, days=90)] == ["api-removed-before-sunset"]
    assert [c.id for c in _at(base, revision, DAY, days=30)] == ["api-removed-with-deprecation"]
    message = _at(base, revision, DAY, days=90)[0].message
    assert "deprecated 2025-05-01 + 90 days" in message and "59 days early" in message


def test_first_seen_dates_come_from_the_history() -> None:
    base, revision = removed_op(deprecated=True)
    assert [c.id for c in _at(base, revision, DAY, days=90)] == ["api-removed-with-deprecation"]  # date unknown
    seen = {"POST /a": dt.date(2025, 5, 1)}
    assert [c.id for c in _at(base, revision, DAY, days=90, seen=seen)] == ["api-removed-before-sunset"]


def test_whole_paths_parameters_and_properties() -> None:
    base = doc({"/a": {"get": ok(parameters=[{"name": "q", "in": "query", "deprecated": True,
                                              "x-sunset": "2026-01-01", "schema": {"type": "string"}}],
                                 responses={"200": {"description": "ok", "content": {"application/json": {"schema": {
                                     "type": "object", "properties": {"p": {"type": "string"}, "old": {
                                         "type": "string", "deprecated": True}}}}}}})},
                "/gone": {"get": ok(deprecated=True, **{"x-sunset": "2025-01-01"})}})
    revision = doc({"/a": {"get": ok(responses={"200": {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object", "properties": {"p": {"type": "string"}}}}}}})}})
    assert sorted((c.id, c.level, c.element) for c in _at(base, revision, DAY)) == [
        ("api-path-removed-with-deprecation", "info", "GET /gone"),
        ("request-parameter-removed-before-sunset", "error", "query q"),
        ("response-property-removed-with-deprecation", "info", "old"),
    ]


def test_sunset_and_deprecation_headers_are_read() -> None:
    node = ok(deprecated=True)
    node["responses"]["200"]["headers"] = {
        "Sunset": {"schema": {"type": "string", "example": "Wed, 31 Dec 2025 23:59:59 GMT"}},
        "Deprecation": {"schema": {"type": "string", "const": "@1735689600"}}}
    facts = operation_deprecation(node)
    assert facts == Deprecation(True, dt.date(2025, 1, 1), dt.date(2025, 12, 31), None)
    base, revision = removed_op(**{k: v for k, v in node.items()})
    assert [c.id for c in _at(base, revision, DAY)] == ["api-removed-before-sunset"]


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-12-31", dt.date(2025, 12, 31)), ("2025-12-31T10:00:00Z", dt.date(2025, 12, 31)),
    ("Wed, 31 Dec 2025 23:59:59 GMT", dt.date(2025, 12, 31)), ("@1735603200", dt.date(2024, 12, 31)),
    ("2025-13-01", None), ("next year", None), (None, None), (True, None)])
def test_parse_date(value: Any, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.realspec
def test_the_report_names_each_entry_its_source_and_date() -> None:
    from toolkit import Workspace

    ws = Workspace()
    report = compare(ws.open("azure-openai-typespec@2024-08-01-preview"),
                     ws.open("azure-openai-typespec@2024-09-01-preview"), catalog=ws.catalog)
    info = report.revision_info
    assert info is not None and (info.released, info.surface, info.coverage) == ("2024-09-01", "dated", "subset")
    assert info.source.startswith("joseharriaga/openai-in-typespec@") or "@" in info.source
