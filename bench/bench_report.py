"""Time the main job on the whole archive: `aoai-spec report` cold (empty store) and warm (the store's cache),
this checkout side by side with another one (today's build), in the same run, and compare the sites they write.

Run by hand from the repository root (never as a unit test):

    git worktree add /tmp/report-baseline <commit>      # or any clone of the build to compare with
    python bench/bench_report.py --baseline /tmp/report-baseline [--repeat 3] [--offline] [--jobs 2]

Both builds run with this checkout's Python environment (the same library versions), each from its own source
tree and its own archive (`specs/archive`, no mirror). Each build runs in a fresh wrapper process, so its peak
RSS is that of its largest process (the build or one of its workers). Builds alternate (baseline, this one,
baseline...) so that the machine's load hits both alike; the ratio of the medians is the number to publish.
`--offline` runs each build in a network namespace with only loopback up (needs root, `unshare` and `ip`).

The site comparison reads every page's JSON twin from both cold builds, leaves out what changes from build to
build by nature (timings, the mock's port, `cached` flags), and lists the pages whose data differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

# a fresh process per build: its RUSAGE_CHILDREN peak is the build's largest process
_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kb": usage.ru_maxrss, "stdout": done.stdout, "stderr": done.stderr[-2000:]}))
"""

VOLATILE = {"seconds", "duration_seconds", "cached", "stages", "build", "compute_seconds", "elapsed_seconds"}


def build(tree: Path, out: Path, store: Path, offline: bool, jobs: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "toolkit", "report", "--out", str(out), "--format", "json", "--jobs", str(jobs)]
    if offline:
        command = ["unshare", "-n", "sh", "-c", "ip link set lo up && exec " + shlex.join(command)]
    env = {k: v for k, v in os.environ.items() if k not in ("AOAI_SPEC_MIRROR", "AOAI_SPEC_CATALOG")}
    env.update(AOAI_SPEC_STORE=str(store), PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], cwd=tree, env=env, capture_output=True,
                          text=True, check=True)
    row = json.loads(done.stdout)
    if row["rc"] not in (0, 1):
        raise SystemExit(f"{tree}: report exited {row['rc']}: {row['stderr']}")
    site = json.loads(row["stdout"])
    return {"rc": row["rc"], "wall_s": row["wall"], "cpu_s": row["cpu"], "peak_rss_mb": row["peak_kb"] / 1024,
            "pages": site["pages"], "files": site["files"], "cached_jobs": site["cached_jobs"],
            "internal_errors": site["summary"]["stage_errors"]["internal"],
            "input_problems": site["summary"]["stage_errors"]["input"], "stages": site.get("stages")}


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", value)
    return value


def _differences(a: Any, b: Any, where: str = "") -> list[str]:
    """JSON paths where two values differ (at most a few per page)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                found.append(f"{where}/{key} ({'only new' if key in b else 'only baseline'})")
            else:
                found += _differences(a[key], b[key], f"{where}/{key}")
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{where}/{i}")]
    return [] if a == b else [where or "/"]


def compare_sites(baseline: Path, new: Path) -> dict[str, Any]:
    pages_a = {p.relative_to(baseline).as_posix() for p in baseline.rglob("*.json")}
    pages_b = {p.relative_to(new).as_posix() for p in new.rglob("*.json")}
    differ = {}
    for page in sorted(pages_a & pages_b):
        a = _normalised(json.loads((baseline / page).read_text()))
        b = _normalised(json.loads((new / page).read_text()))
        if a != b:
            differ[page] = _differences(a, b)
    return {"only_baseline": sorted(pages_a - pages_b), "only_new": sorted(pages_b - pages_a), "differ": differ}


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="source tree of the build to compare with")
    parser.add_argument("--repeat", type=int, default=1, help="cold+warm builds per tree")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this": REPO}
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {name: {"cold": [], "warm": []} for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            for name, tree in trees.items():
                store, out = Path(tmp) / f"store-{name}-{run}", Path(tmp) / f"site-{name}-{run}"
                for kind in ("cold", "warm"):
                    rows[name][kind].append(build(tree, out, store, args.offline, args.jobs))
                    print(f"{name} {kind} #{run + 1}: {rows[name][kind][-1]['wall_s']:.1f} s wall", file=sys.stderr)
        comparison = compare_sites(Path(tmp) / "site-baseline-0", Path(tmp) / "site-this-0")
    load = os.getloadavg()
    print(f"| build | run | wall s (median of {args.repeat}) | CPU s | peak RSS MB | pages | files | cached jobs | "
          f"internal errors |  (load average {load[0]:.1f})")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in trees:
        for kind in ("cold", "warm"):
            r = rows[name][kind]
            print(f"| {name} | {kind} | {_median(r, 'wall_s'):.1f} | {_median(r, 'cpu_s'):.1f} | "
                  f"{max(x['peak_rss_mb'] for x in r):.0f} | {r[0]['pages']} | {r[0]['files']} | {r[0]['cached_jobs']} | "
                  f"{r[0]['internal_errors']} |")
    for kind in ("cold", "warm"):
        ratio = _median(rows["baseline"][kind], "wall_s") / _median(rows["this"][kind], "wall_s")
        cpu = _median(rows["baseline"][kind], "cpu_s") / _median(rows["this"][kind], "cpu_s")
        print(f"\n{kind}: this build is {ratio:.1f}x faster in wall time, {cpu:.1f}x in CPU time", end="")
    print(f"\n\nsites: {len(comparison['only_baseline'])} page files only in the baseline, "
          f"{len(comparison['only_new'])} only in this build, {len(comparison['differ'])} with different data")
    for page, where in comparison["differ"].items():
        print(f"  {page}: {len(where)} difference(s), e.g. {', '.join(where[:3])}")
    stages = rows["this"]["cold"][0].get("stages") or {}
    if stages:
        print("\nthis build, cold, per stage (seconds over jobs / CPU / peak MB): "
              + "; ".join(f"{k} {v['seconds']:.1f}/{v['cpu_seconds']:.1f}/{v['peak_mb']}" for k, v in stages.items()))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "sites": comparison}, indent=1))


if __name__ == "__main__":
    main()
