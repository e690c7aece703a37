"""The report site: content, twins, robustness and bad input, on a tiny hand-written catalog (fast, no mirror).

The tiny family has a good 3.0 version, a 3.1 revision that breaks it (an operation removed, a required query
parameter added), a version that does not parse, and an unpinned entry. Real-spec builds are in
`test_report_realspec.py` and the browser test.
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, assert_one_line_error, run_cli
from toolkit.report.charts import meter_bars, nice_ticks, stacked_bars, time_series
from toolkit.report.page import pair_path, relative, slug

TINY = FIXTURES / "report"
GOOD, BREAKING, BROKEN = "tiny@2024-01-01", "tiny@2024-06-01", "tiny@2024-09-01"


def _entry(version: str, openapi: str, mirror: Path | None, pinned: bool = True) -> dict:
    name = f"tiny-{version}.yaml"
    entry = {"id": f"tiny@{version}", "family": "tiny", "version": version, "status": "ga", "surface": "dated",
             "openapi": openapi, "released": version, "pinned": pinned,
             "source": {"repo": "example/tiny", "path": name, "url": f"https://example.invalid/{name}",
                        **({"commit": "0" * 40} if pinned else {"ref": "main"})}}
    if pinned:
        data = (TINY / name).read_bytes()
        target = mirror / "tiny" / version / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        entry.update(file=f"tiny/{version}/{name}", sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    return entry


@pytest.fixture(scope="module")
def tiny_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A catalog of the tiny family (plus the real v1 surface facts), its mirror and its own store."""
    root = tmp_path_factory.mktemp("tiny")
    mirror = root / "mirror"
    real = json.loads((REPO / "specs" / "catalog.json").read_text())
    catalog = {"schema_version": real.get("schema_version", 1), "surfaces": real["surfaces"],
               "bare_version_families": ["tiny"],
               "entries": [_entry("2024-01-01", "3.0.3", mirror), _entry("2024-06-01", "3.1.0", mirror),
                           _entry("2024-09-01", "3.0.3", mirror), _entry("2025-01-01", "3.0.3", None, pinned=False)]}
    (root / "catalog.json").write_text(json.dumps(catalog))
    return {"AOAI_SPEC_CATALOG": str(root / "catalog.json"), "AOAI_SPEC_MIRROR": str(mirror),
            "AOAI_SPEC_STORE": str(root / "store")}


@pytest.fixture(scope="module")
def tiny_site(tiny_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("tiny-site") / "site"
    result = run_cli("report", "--out", str(out), "--no-contract", "--format", "json", "--jobs", "2", env=tiny_env)
    assert_partial_site(result, BROKEN)
    return out, json.loads(result.stdout)


def assert_partial_site(result, *subjects: str) -> None:
    """Exit 1 (the site was written, but a stage had an input problem), one stderr line per problem naming its
    subject, and a last line that says the site is partial; never a traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr[-3000:])
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr and lines[-1].startswith("aoai-spec: partial site:"), lines
    problems = [line for line in lines[:-1] if line.startswith("aoai-spec: input problem:")]
    assert len(problems) == len(lines) - 1 and all(any(s in line for line in problems) for s in subjects), lines


def _json(site: Path, page: str) -> dict:
    return json.loads((site / f"{page}.json").read_text())


class _Collector(HTMLParser):
    """Elements with a `data-*` attribute of interest, and every href."""

    def __init__(self, attribute: str) -> None:
        super().__init__()
        self.attribute, self.values, self.hrefs = attribute, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.attribute in found:
            self.values.append(found)
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])


def _collect(site: Path, page: str, attribute: str) -> _Collector:
    parser = _Collector(attribute)
    parser.feed((site / f"{page}.html").read_text())
    return parser


# --------------------------------------------------------------------------------------------------- site content


def test_index_lists_every_version_with_its_state_and_the_json_twin_matches(tiny_site):
    site, summary = tiny_site
    index = _json(site, "index")
    rows = {row["id"]: row for row in index["data"]["versions"]}
    assert set(rows) == {GOOD, BREAKING, BROKEN, "tiny@2025-01-01"}
    assert rows[GOOD]["state"] == "built" and rows[GOOD]["validation"]["valid"] is True
    assert rows[GOOD]["operations"] == 3 and rows[BREAKING]["operations"] == 2
    assert rows[BROKEN]["state"] == "load-failed" and rows[BROKEN]["validation"] is None
    assert rows["tiny@2025-01-01"]["state"] == "unpinned" and rows["tiny@2025-01-01"]["pinned"] is False
    html_rows = {r["data-id"]: r for r in _collect(site, "index", "data-id").values}
    assert set(html_rows) == set(rows)
    for entry_id, row in rows.items():
        assert html_rows[entry_id]["data-state"] == row["state"]
    # the markdown twin carries the same versions
    markdown = (site / "index.md").read_text()
    for entry_id in rows:
        assert entry_id in markdown
    assert summary["summary"]["versions"] == 4 and summary["summary"]["built"] == 2


def test_breaking_pair_page_names_the_breaking_changes_and_html_rows_match_json(tiny_site):
    site, summary = tiny_site
    page = pair_path("tiny", GOOD, BREAKING)
    data = _json(site, page)["data"]
    changes = data["report"]["changes"]
    assert data["counts"]["error"] >= 2
    operations = {c["operation"] for c in changes if c["level"] == "error"}
    assert any("DELETE" in (op or "") and "/widgets/{id}" in (op or "") for op in operations), operations
    assert any(c["level"] == "error" and "owner" in (c.get("element") or "") + c["message"] for c in changes)
    # nullable written as a 3.1 type array is the same contract as before: never reported
    assert not any("size" in (c.get("element") or "") for c in changes), changes
    html_changes = _collect(site, page, "data-change").values
    assert len(html_changes) == len(changes)
    assert sorted(c["data-level"] for c in html_changes) == sorted(c["level"] for c in changes)
    top = summary["summary"]["most_breaking"][0]
    assert (top["from"], top["to"], top["breaking"]) == (GOOD, BREAKING, data["counts"]["error"])


def test_changelog_page_has_every_section_and_a_chart(tiny_site):
    site, _ = tiny_site
    data = _json(site, "changelog/tiny/index")["data"]
    assert [(s["from"], s["to"]) for s in data["sections"]] == [(GOOD, BREAKING), (BREAKING, BROKEN)]
    html = (site / "changelog/tiny/index.html").read_text()
    bars = re.findall(r'<g class="bar" data-label="([^"]+)" data-total="(\d+)"', html)
    first = data["sections"][0]["counts"]
    assert ("2024-06-01", str(first["error"] + first["warning"] + first["info"])) in bars
    assert ("2024-06-01", str(first["error"])) in bars  # the breaking-only chart
    assert html.count("<rect") >= 1 and "<script" not in html


def test_a_version_that_does_not_load_shows_its_error_and_the_site_still_builds(tiny_site):
    site, summary = tiny_site
    version = _json(site, "versions/tiny/2024-09-01")["data"]
    assert version["state"] == "load-failed"
    assert [e["stage"] for e in version["errors"]] == ["load"] and version["errors"][0]["kind"] == "input"
    assert "tiny-2024-09-01.yaml" in version["errors"][0]["message"]
    html = (site / "versions/tiny/2024-09-01.html").read_text()
    assert 'data-stage-error="load"' in html and "input problem" in html
    pair = _json(site, pair_path("tiny", BREAKING, BROKEN))["data"]
    assert pair["report"] is None and pair["errors"][0]["kind"] == "input"
    assert summary["summary"]["stage_errors"]["internal"] == 0, summary["summary"]["stage_errors"]


def test_apim_pages_size_against_the_limit_and_offer_the_prepared_spec(tiny_site):
    site, _ = tiny_site
    overview = _json(site, "apim/index")["data"]
    assert {row["id"] for row in overview["versions"]} == {GOOD, BREAKING, BROKEN}
    page = _json(site, "apim/tiny/2024-06-01")["data"]
    prepared = site / page["download"]
    assert prepared.is_file() and prepared.stat().st_size == page["size_bytes"]
    document = json.loads(prepared.read_text())
    assert document["openapi"].startswith("3.0") and page["downgraded"] is True
    assert page["within_limit"] is True and page["limit_bytes"] == 4 * 1024 * 1024
    assert any("const" in loss["message"] or "colour" in loss["pointer"] for loss in page["loss_report"]) or page["losses"] == 0
    html = (site / "apim/tiny/2024-06-01.html").read_text()
    assert 'href="2024-06-01.apim.json"' in html


def test_feature_page_lists_v1_paths_with_their_opt_in_header(tiny_site):
    site, _ = tiny_site
    data = _json(site, "v1-features")["data"]
    by_path = {row["path"]: row for row in data["features"]}
    evals = by_path["/evals"]
    assert evals["status"] == "preview" and evals["header"] == "aoai-evals: preview"
    assert by_path["/chat/completions"]["status"] == "ga" and by_path["/chat/completions"]["header"] is None
    html = (site / "v1-features.html").read_text()
    assert "aoai-evals: preview" in html and len(_collect(site, "v1-features", "data-path").values) == len(by_path)


def test_every_page_has_three_twins_and_relative_links_that_resolve(tiny_site):
    site, _ = tiny_site
    pages = sorted(p.with_suffix("") for p in site.rglob("*.html"))
    assert len(pages) >= 12
    for page in pages:
        for ext in (".md", ".json"):
            assert page.with_suffix(ext).is_file(), page
        html = page.with_suffix(".html").read_text()
        assert "http://" not in re.sub(r'<a [^>]*href="https?://[^"]*"', "", html).replace('xmlns="http://www.w3.org/2000/svg"', "")
        for href in _collect(site, str(page.relative_to(site)), "-").hrefs:
            if href.startswith(("https://", "http://")):
                continue
            path, _, fragment = href.partition("#")
            target = (page.parent / path).resolve() if path else page.with_suffix(".html")
            assert target.is_file(), (page, href)
            if fragment:
                assert f'id="{fragment}"' in target.read_text(), (page, href)


def test_compat_and_contract_pages_say_why_they_were_not_built(tiny_site):
    site, summary = tiny_site
    assert "no pinned 'openai' version" in _json(site, "compat")["data"]["skipped"]
    assert _json(site, "contract")["data"]["skipped"] == "skipped with --no-contract"
    assert summary["summary"]["contract"]["status"] == "skipped"


def test_a_second_build_reuses_the_store_cache_and_writes_the_same_data(tiny_env, tiny_site, tmp_path):
    site, first = tiny_site
    again = tmp_path / "again"
    result = run_cli("report", "--out", str(again), "--no-contract", "--format", "json", "--jobs", "1", env=tiny_env)
    assert_partial_site(result, BROKEN)
    second = json.loads(result.stdout)
    assert second["cached_jobs"] >= 2  # the two versions that load (and their pair) came from the cache
    assert _json(again, "index")["data"]["versions"] == _json(site, "index")["data"]["versions"]
    assert (again / "apim/tiny/2024-01-01.apim.json").read_bytes() == (site / "apim/tiny/2024-01-01.apim.json").read_bytes()


def test_rebuilding_into_the_same_folder_replaces_the_site(tiny_env, tmp_path):
    out = tmp_path / "site"
    for _ in range(2):
        result = run_cli("report", "--out", str(out), "--no-contract", "--family", "tiny", env=tiny_env)
        assert_partial_site(result, BROKEN)
    assert "Where to look first" in result.stdout and (out / "index.html").is_file()
    assert not list(tmp_path.glob(".*building*"))


# --------------------------------------------------------------------------------------------------- bad input


def test_unknown_family_is_bad_input(tiny_env, tmp_path):
    assert_one_line_error(run_cli("report", "--out", str(tmp_path / "s"), "--family", "nope", env=tiny_env),
                          "unknown family", "nope")


def test_out_that_is_a_file_or_a_foreign_folder_is_bad_input(tiny_env, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert_one_line_error(run_cli("report", "--out", str(a_file), "--no-contract", env=tiny_env), "not a folder")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("precious")
    assert_one_line_error(run_cli("report", "--out", str(foreign), "--no-contract", env=tiny_env), "not empty")
    assert (foreign / "keep.txt").read_text() == "precious"


def test_missing_targets_file_is_bad_input(tiny_env, tmp_path):
    result = run_cli("report", "--out", str(tmp_path / "s"), "--targets", str(tmp_path / "none.yaml"), env=tiny_env)
    assert result.returncode == 2 and "Traceback" not in result.stderr


# --------------------------------------------------------------------------------------------------- charts and paths


def test_nice_ticks_cover_the_maximum_with_round_steps():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    ticks = nice_ticks(1234)
    assert ticks[0] == 0 and ticks[-1] >= 1234 and len(ticks) <= 7


def test_stacked_bars_are_proportional_and_stack_in_level_order():
    chart = stacked_bars([("a", {"error": 2, "warning": 1}), ("b", {"info": 4})], title="t")
    a, b = chart["bars"]
    assert [s["level"] for s in a["segments"]] == ["error", "warning"]
    assert a["segments"][0]["h"] == pytest.approx(2 * a["segments"][1]["h"], rel=0.01)
    assert a["segments"][1]["y"] + a["segments"][1]["h"] == pytest.approx(a["segments"][0]["y"], abs=0.2)
    assert b["segments"][0]["h"] == pytest.approx(sum(s["h"] for s in a["segments"]) * 4 / 3, rel=0.01)


def test_time_series_orders_points_by_date_and_meter_marks_bars_over_the_limit():
    chart = time_series({"f": [("2025-01-01", "b", 20), ("2024-01-01", "a", 10)]}, title="t", y_label="ops")
    points = chart["series"][0]["points"]
    assert [p["label"] for p in points] == ["a", "b"] and points[0]["x"] < points[1]["x"] and points[0]["y"] > points[1]["y"]
    meter = meter_bars([("small", 1.0), ("big", 5.0)], 4.0, title="t")
    assert [r["over"] for r in meter["rows"]] == [False, True]


def test_links_are_relative_and_slugs_safe():
    assert relative("apim/openai/x", "index.html") == "../../index.html"
    assert relative("index", "apim/index.html") == "apim/index.html"
    assert slug("2026-08-21_f85dbe223d+yaml") == "2026-08-21_f85dbe223d-yaml"
    assert pair_path("openai", "openai@a", "openai@b") == "changelog/openai/a__b"


def test_report_help_has_an_example():
    result = run_cli("report", "--help")
    assert result.returncode == 0 and "aoai-spec report --out site" in result.stdout


def test_malformed_targets_file_is_bad_input(tiny_env, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets: []\n")
    assert_one_line_error(run_cli("report", "--out", str(tmp_path / "s"), "--targets", str(targets), env=tiny_env),
                          "targets")


def test_spec_text_is_escaped_in_html_never_markup(tiny_site):
    site, _ = tiny_site
    html = (site / "versions/tiny/2024-01-01.html").read_text()
    assert "Tiny &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Tiny <script>" in json.dumps(_json(site, "versions/tiny/2024-01-01")["data"]["title"])


def test_a_stage_that_raises_is_an_internal_error_on_its_page_and_the_build_still_finishes(tiny_env, tmp_path,
                                                                                            monkeypatch):
    """In-process (jobs=1) so the fault can be injected: APIM prepare raising a bug for one version."""
    import toolkit.apim
    from toolkit import Workspace, load_catalog
    from toolkit.report import ReportOptions, build_site

    real_prepare = toolkit.apim.prepare

    def broken_prepare(spec, **kwargs):
        if spec.catalog_id == BREAKING:
            raise KeyError("injected bug")
        return real_prepare(spec, **kwargs)

    monkeypatch.setattr(toolkit.apim, "prepare", broken_prepare)
    ws = Workspace(catalog=load_catalog(tiny_env["AOAI_SPEC_CATALOG"]), store_dir=tmp_path / "store",
                   mirror=Path(tiny_env["AOAI_SPEC_MIRROR"]))
    site = build_site(ws, ReportOptions(out=tmp_path / "site", contract=False, jobs=1, cache=False))
    internal = [e for e in site.summary["stage_errors"]["items"] if e["kind"] == "internal"]
    assert [(e["stage"], e["subject"]) for e in internal] == [("apim", BREAKING)]
    assert "internal error" in site.summary["look_first"][0]["text"]
    page = _json(site.out, "apim/tiny/2024-06-01")["data"]
    assert page["ready"] is None and page["errors"][0]["traceback"].count("injected bug") >= 1
    html = (site.out / "apim/tiny/2024-06-01.html").read_text()
    assert "internal error (a toolkit bug)" in html and "KeyError" in html
    # everything else was still built
    assert _json(site.out, "apim/tiny/2024-01-01")["data"]["ready"] is True
    assert _json(site.out, "versions/tiny/2024-06-01")["data"]["validation"]["valid"] is True


def test_a_page_whose_template_fails_shows_the_error_and_the_rest_of_the_site_is_written(tiny_env, tmp_path,
                                                                                         monkeypatch):
    from toolkit import Workspace, load_catalog
    from toolkit.report import ReportOptions, build_site, features
    from toolkit.report.page import FEATURES, Page

    monkeypatch.setattr(features, "page", lambda results: Page(FEATURES, "features", "v1 feature status", {}))
    ws = Workspace(catalog=load_catalog(tiny_env["AOAI_SPEC_CATALOG"]), store_dir=tmp_path / "store",
                   mirror=Path(tiny_env["AOAI_SPEC_MIRROR"]))
    site = build_site(ws, ReportOptions(out=tmp_path / "site", contract=False, jobs=1))
    failed = [e for e in site.summary["stage_errors"]["items"] if e["stage"] == "render"]
    assert {e["subject"] for e in failed} == {"v1-features.html", "v1-features.md"}
    assert site.summary["stage_errors"]["internal"] == 2
    html = (site.out / "v1-features.html").read_text()
    assert "could not be rendered" in html and "UndefinedError" in html
    assert (site.out / "v1-features.json").is_file()
    index = (site.out / "index.html").read_text()
    assert 'data-stage-error="render"' in index and "failed to render" in index


def test_markdown_twins_link_to_markdown_pages_that_exist(tiny_site):
    site, _ = tiny_site
    for page in site.rglob("*.md"):
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if target.startswith(("https://", "http://")):
                continue
            path = target.split("#")[0]
            assert path.endswith((".md", ".json")), (page, target)
            assert (page.parent / path).resolve().is_file(), (page, target)


def test_a_shared_component_change_is_listed_once_under_its_component_with_its_operations(tmp_path):
    """The diff reports a change in a shared schema once, with every operation it reaches; the pair page must
    list it once too (not only under its first operation, and not once per operation)."""
    from toolkit.diff import compare
    from toolkit.model import Spec
    from toolkit.report.changelog import by_level

    def spec(name: str, title_type: str) -> Spec:
        item = {"$ref": "#/components/schemas/Item"}
        ok = {"200": {"description": "ok", "content": {"application/json": {"schema": item}}}}
        doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
               "paths": {"/a": {"get": {"responses": ok}}, "/b": {"get": {"responses": ok}},
                         "/c": {"get": {"responses": {"204": {"description": "none"}}}}},
               "components": {"schemas": {"Item": {"type": "object", "required": ["title"],
                                                   "properties": {"title": {"type": title_type}}}}}}
        path = tmp_path / name
        path.write_text(json.dumps(doc))
        return Spec.load(path)

    changes = compare(spec("base.json", "string"), spec("rev.json", "integer")).to_dict()["changes"]
    sections = by_level(changes)
    errors = next(s for s in sections if s["level"] == "error")
    assert [g["operation"] for g in errors["groups"]] == ["Item (2 operations)"]
    assert errors["count"] == 1 and errors["groups"][0]["changes"][0]["operations"] == ["GET /a", "GET /b"]
