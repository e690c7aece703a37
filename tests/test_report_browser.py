"""The report site in a real browser: Debian's chromium, headless, opening every page from disk (file://).

Builds a small site from the real specs (two families, the contract test with a small budget against the
built-in mock), then for EVERY page: the rendered DOM has its title and key content (checked against the page's
JSON twin), every relative link resolves to a file of the site, nothing is loaded from the network; and a few
pages are screenshotted (PNGs kept under the pytest tmp dir).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_cli

pytestmark = [pytest.mark.browser, pytest.mark.realspec, pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
FAMILIES = ("azure-openai-typespec", "azure-openai-v1")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed with apt-get when absent (one installer at a time across xdist workers)."""
    if not CHROMIUM.exists():
        with open("/tmp/aoai-spec-chromium-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not CHROMIUM.exists():
                for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
                    done = subprocess.run(command, capture_output=True, text=True, timeout=900,
                                          env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
                    assert done.returncode == 0, f"{' '.join(command)} failed: {done.stderr[-2000:]}"
    assert CHROMIUM.exists()
    return CHROMIUM


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("browser") / "site"
    args = ["report", "--out", str(out), "--format", "json", "--max-requests", "40"]
    for family in FAMILIES:
        args += ["--family", family]
    result = run_cli(*args, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return out, json.loads(result.stdout)


def _browse(chromium: Path, url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(chromium), *FLAGS, f"--user-data-dir={profile}", *extra, url], capture_output=True,
                          text=True, timeout=120)


class _Dom(HTMLParser):
    """What the checks need from a rendered DOM: hrefs, resource URLs, the h1 text, data-* attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.resources: list[str] = []
        self.h1 = ""
        self.attrs_seen: list[dict[str, str | None]] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.attrs_seen.append({"_tag": tag, **found})
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])
        if tag in ("script", "img", "iframe", "link", "source", "video", "audio", "embed", "object"):
            self.resources.append(found.get("src") or found.get("href") or found.get("data") or tag)
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data

    def count(self, attribute: str, tag: str | None = None) -> int:
        return sum(1 for a in self.attrs_seen if attribute in a and (tag is None or a["_tag"] == tag))


def _key_content(dom: _Dom, twin: dict) -> None:
    """Per page kind, the facts of the JSON twin are on the rendered page."""
    data, kind = twin["data"], twin["kind"]
    if kind == "index":
        assert dom.count("data-id", "tr") == len(data["versions"])
        assert dom.count("data-family", "tr") == len(data["families"])
    elif kind == "version":
        assert dom.count("data-finding", "tr") == len(data["findings"])
    elif kind == "changelog":
        assert dom.count("data-from", "section") == len(data["sections"])
        assert dom.count("data-total", "g") == 2 * len(data["sections"])  # breaking-only and all-levels charts
    elif kind == "pair":
        assert dom.count("data-change", "tr") == len((data["report"] or {}).get("changes", []))
    elif kind == "features":
        assert dom.count("data-path", "tr") == len(data["features"]) > 0
    elif kind == "apim_index":
        assert dom.count("data-id", "tr") == len(data["versions"]) > 0
    elif kind == "apim":
        assert dom.count("data-finding", "tr") == len(data["findings"]) + len(data["as_published"])
        if data["size_bytes"] is not None:
            assert any(h.endswith(".apim.json") for h in dom.hrefs)
    elif kind == "compat":
        report = data["report"]
        assert report, data  # the latest OpenAI spec and v1 are pulled for this page whatever the families
        assert dom.count("data-operation", "section") == len(report["operations"])
        assert dom.count("data-openai-only", "li") == len(report["openai_only_operations"])
    elif kind == "contract":
        assert data["skipped"] or data["errors"] or dom.count("data-target", "section") == len(data["reports"]) > 0


def test_every_page_renders_from_disk_with_its_content_and_working_links(site, chromium: Path, tmp_path: Path):
    root, built = site
    assert built["summary"]["stage_errors"]["internal"] == 0, built["summary"]["stage_errors"]
    pages = sorted(root.rglob("*.html"))
    assert len(pages) >= 30

    def check(index_and_page: tuple[int, Path]) -> str:
        i, page = index_and_page
        shown = _browse(chromium, page.as_uri(), tmp_path / f"profile-{i % 4}-{i}", "--dump-dom")
        assert shown.returncode == 0, (page, shown.stderr[-1000:])
        dom = _Dom()
        dom.feed(shown.stdout)
        twin = json.loads(page.with_suffix(".json").read_text())
        assert dom.h1.strip() == twin["title"], page
        assert not dom.resources, (page, dom.resources)  # nothing to load: no scripts, images, stylesheets
        _key_content(dom, twin)
        for href in dom.hrefs:
            if href.startswith(("https://", "http://")):
                continue  # links out (pinned sources) are clicked, never loaded
            assert "://" not in href and not href.startswith("/"), (page, href)
            path, _, fragment = href.partition("#")
            target = (page.parent / path).resolve() if path else page.resolve()
            assert target.is_file() and root.resolve() in target.parents, (page, href)
            if fragment:  # the anchor exists on the target page
                assert f'id="{fragment}"' in target.read_text(), (page, href)
        return twin["kind"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        kinds = list(pool.map(check, enumerate(pages)))
    assert set(kinds) >= {"index", "version", "changelog", "pair", "features", "compat", "apim_index", "apim", "contract"}


@pytest.mark.parametrize("page", ["index", "changelog/azure-openai-typespec/index", "apim/index", "v1-features"])
def test_screenshot(site, chromium: Path, tmp_path: Path, page: str):
    root, _ = site
    png = tmp_path / (page.replace("/", "_") + ".png")
    shot = _browse(chromium, (root / f"{page}.html").as_uri(), tmp_path / "profile", f"--screenshot={png}",
                   "--window-size=1280,1600", "--hide-scrollbars")
    assert shot.returncode == 0, shot.stderr[-1000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses to a few KB
    shutil.copy(png, tmp_path.parent / png.name)  # keep one copy per page name beside the test's folder
