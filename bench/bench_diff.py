"""Benchmark `aoai-spec diff` against the peer diff tools that install here (run by hand, not in CI).

    python bench/bench_diff.py [--tools /work/bench-tools] [--timeout 1200] [--runs 3]

Pairs: the two largest documents (OpenAI 2026-05-13 -> 2026-08-21, both 3.1), the widest gap (OpenAI 2025-04-29,
3.0 -> 2026-08-21, 3.1) and Azure inference 2024-03-01-preview -> 2024-05-01-preview. Every tool reads the same bundled JSON files (written once by our loader, `x-ms-examples`
removed because Optic aborts on their missing example files), and runs end to end as a user would: process start,
parse, diff, write the result. Wall time and peak RSS come from GNU time. Peers run inside `unshare -rn` (no
network namespace), so their telemetry and update checks cannot reach the internet.

Peers (install outside the repo, e.g. under /work/bench-tools):
  optic/  npm i @useoptic/optic, with ajv pinned to 8.17.1 through npm "overrides"; run with --validation loose
  asd/    npm i api-smart-diff; driven by a small node script (it is a library)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PAIRS = [
    ("openai@2026-05-13_5162af98d3", "openai@2026-08-21_f85dbe223d"),  # the two largest documents (3.1, 3 MB each)
    ("openai@2025-04-29_498c71ddf6", "openai@2026-08-21_f85dbe223d"),
    ("azure-openai-inference@2024-03-01-preview", "azure-openai-inference@2024-05-01-preview"),
]

ASD_SCRIPT = """
const fs = require('fs');
const { apiCompare } = require('api-smart-diff');
const before = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const after = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const { diffs } = apiCompare(before, after);
const breaking = diffs.filter(d => d.type === 'breaking').length;
fs.writeFileSync(process.argv[4], JSON.stringify(diffs.map(d => ({type: d.type, action: d.action, path: d.path}))));
console.log(JSON.stringify({diffs: diffs.length, breaking}));
"""


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k != "x-ms-examples"}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def prepare(workdir: Path) -> dict[str, Path]:
    from toolkit import Workspace
    from toolkit.load import dump

    ws = Workspace()
    files: dict[str, Path] = {}
    for ident in {i for pair in PAIRS for i in pair}:
        spec = ws.open(ident)
        path = workdir / (ident.replace("@", "_") + ".json")
        path.write_text(dump(_strip(spec.document), "json"), encoding="utf-8")
        files[ident] = path
    return files


def timed(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `cmd` under GNU time; wall seconds, peak RSS (MB), exit code, output tail."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *cmd]
        start = time.perf_counter()
        try:
            proc = subprocess.run(full, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
        except subprocess.TimeoutExpired:
            return {"status": f"timeout after {timeout:.0f} s", "wall": None, "rss_mb": None, "out": ""}
        wall = time.perf_counter() - start
        fields = stats.read().split()
    rss = int(fields[-1]) / 1024 if fields else None
    return {"status": f"exit {proc.returncode}", "wall": wall, "rss_mb": rss,
            "out": (proc.stdout.strip().splitlines() or [""])[-1][:200], "err": proc.stderr.strip()[-300:]}


def run_ours(base: Path, revision: Path, out: Path, timeout: float) -> dict[str, Any]:
    result = timed([sys.executable, "-m", "toolkit", "diff", str(base), str(revision), "--format", "json", "-o",
                    str(out)], timeout)
    if out.exists():
        counts = json.loads(out.read_text())["counts"]
        result["out"] = ", ".join(f"{v} {k}" for k, v in counts.items())
    return result


def engine_only(base_id: str, revision_id: str) -> tuple[float, str]:
    """In-process time of `compare()` alone (specs already loaded)."""
    from toolkit import Workspace
    from toolkit.diff import compare

    ws = Workspace()
    base, revision = ws.open(base_id), ws.open(revision_id)
    start = time.perf_counter()
    report = compare(base, revision, catalog=ws.catalog)
    return time.perf_counter() - start, ", ".join(f"{v} {k}" for k, v in report.counts.items())


def run_optic(tools: Path, base: Path, revision: Path, timeout: float) -> dict[str, Any] | None:
    binary = tools / "optic" / "node_modules" / ".bin" / "optic"
    if not binary.exists():
        return None
    env = {"NO_UPDATE_NOTIFIER": "1", "OPTIC_TELEMETRY_LEVEL": "off"}
    return timed(["unshare", "-rn", str(binary), "diff", str(base), str(revision), "--check", "--validation", "loose"],
                 timeout, env)


def run_asd(tools: Path, base: Path, revision: Path, out: Path, timeout: float) -> dict[str, Any] | None:
    folder = tools / "asd"
    if not (folder / "node_modules" / "api-smart-diff").exists():
        return None
    script = folder / "run-asd.cjs"
    script.write_text(ASD_SCRIPT, encoding="utf-8")
    return timed(["unshare", "-rn", "node", str(script), str(base), str(revision), str(out)], timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=Path("/work/bench-tools"))
    parser.add_argument("--timeout", type=float, default=1200.0, help="per peer run, seconds")
    parser.add_argument("--runs", type=int, default=3, help="runs of aoai-spec per pair (best is reported)")
    parser.add_argument("--skip-optic", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-diff-"))
    try:
        files = prepare(workdir)
        rows = []
        for base_id, revision_id in PAIRS:
            base, revision = files[base_id], files[revision_id]
            ours = min((run_ours(base, revision, workdir / "ours.json", args.timeout) for _ in range(args.runs)),
                       key=lambda r: r["wall"] or 1e9)
            engine, counts = engine_only(base_id, revision_id)
            rows.append((base_id, revision_id, "aoai-spec diff", ours))
            rows.append((base_id, revision_id, "aoai-spec compare() only", {"status": "in-process", "wall": engine,
                                                                           "rss_mb": None, "out": counts}))
            asd = run_asd(args.tools, base, revision, workdir / "asd.json", args.timeout)
            rows.append((base_id, revision_id, "api-smart-diff 1.0.6", asd or {"status": "not installed"}))
            if not args.skip_optic:
                optic = run_optic(args.tools, base, revision, args.timeout)
                rows.append((base_id, revision_id, "Optic 1.0.9 (--check --validation loose)",
                             optic or {"status": "not installed"}))
        print("| Pair | Tool | Wall (s) | Peak RSS (MB) | Status | Result |")
        print("|---|---|---|---|---|---|")
        for base_id, revision_id, tool, r in rows:
            wall = f"{r['wall']:.2f}" if r.get("wall") is not None else "-"
            rss = f"{r['rss_mb']:.0f}" if r.get("rss_mb") is not None else "-"
            print(f"| `{base_id}` -> `{revision_id}` | {tool} | {wall} | {rss} | {r['status']} | {r.get('out', '')} |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
