"""The HTML diff in a real browser (Debian's chromium, headless): `aoai-spec diff 2024-10-21 v1 --format html`
leads with the breaking changes and fits the window (issue 15.3).

The layout is measured in the page itself: the test adds a probe script to a copy of the report that writes the
first error card's box, the window size and `document.scrollingElement.scrollWidth` into a `data-probe`
attribute, and reads it back from `--dump-dom`. A 1280x800 screenshot is kept under the pytest tmp dir (and in
$AOAI_SPEC_ARTIFACTS when set) for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_cli
from test_report_browser import _browse, chromium  # noqa: F401 - the chromium fixture installs it when missing

pytestmark = [pytest.mark.browser, pytest.mark.realspec, pytest.mark.xdist_group("browser")]

PROBE = """<script>
(function () {
  var cards = Array.prototype.slice.call(document.querySelectorAll('.change'));
  var first = document.querySelector('.change.error');
  var index = cards.indexOf(first);
  var shown = function (e) { return e.checkVisibility ? e.checkVisibility() : !e.closest('details:not([open])'); };
  var box = first.getBoundingClientRect();
  document.body.setAttribute('data-probe', JSON.stringify({
    top: box.top, bottom: box.bottom, right: box.right, innerWidth: innerWidth, innerHeight: innerHeight,
    scrollWidth: document.scrollingElement.scrollWidth, errors: document.querySelectorAll('.change.error').length,
    infoBefore: cards.slice(0, index).filter(function (e) { return !e.classList.contains('error'); }).length,
    infoShown: cards.filter(function (e) { return e.classList.contains('info') && shown(e); }).length
  }));
})();
</script>
</body>"""


class _Probe(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.value: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "body" and found.get("data-probe"):
            self.value = json.loads(found["data-probe"] or "{}")


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diff-html") / "diff.html"
    result = run_cli("diff", "2024-10-21", "v1", "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _measure(chromium: Path, page: Path, profile: Path, width: int, height: int) -> dict:
    probe = page.with_name(f"probe-{width}.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8")
    shown = _browse(chromium, probe.as_uri(), profile, "--dump-dom", f"--window-size={width},{height}",
                    "--hide-scrollbars")
    assert shown.returncode == 0, shown.stderr[-2000:]
    parser = _Probe()
    parser.feed(shown.stdout)
    assert parser.value is not None, shown.stdout[:500]
    return parser.value


def test_the_first_screen_shows_the_breaking_changes(report_html: Path, chromium: Path, tmp_path: Path) -> None:  # noqa: F811
    probe = _measure(chromium, report_html, tmp_path / "profile", 1280, 800)
    assert probe["errors"] > 0
    assert probe["infoBefore"] == 0  # nothing but errors precedes the first error card
    assert 0 <= probe["top"] and probe["bottom"] <= probe["innerHeight"], probe  # wholly on the first screen
    assert probe["infoShown"] == 0  # info is collapsed
    assert probe["scrollWidth"] <= probe["innerWidth"], probe  # no sideways scroll
    png = tmp_path / "diff-2024-10-21-v1.png"
    shot = _browse(chromium, report_html.as_uri(), tmp_path / "profile-shot", f"--screenshot={png}",
                   "--window-size=1280,800", "--hide-scrollbars")
    assert shot.returncode == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot.stderr[-2000:]
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (1280, 800)
    if os.environ.get("AOAI_SPEC_ARTIFACTS"):
        shutil.copy(png, Path(os.environ["AOAI_SPEC_ARTIFACTS"]) / png.name)


def test_a_narrow_window_does_not_scroll_sideways(report_html: Path, chromium: Path, tmp_path: Path) -> None:  # noqa: F811
    probe = _measure(chromium, report_html, tmp_path / "profile", 600, 900)
    assert probe["scrollWidth"] <= probe["innerWidth"], probe
    assert probe["right"] <= probe["innerWidth"]
