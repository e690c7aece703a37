"""Time the main job on the whole corpus: `aoai-spec report` cold (empty store) and warm (the store's cache).

Run by hand from the repository root (never as a unit test):

    python bench/bench_report.py [--mirror ../shared/upstream-specs] [--offline]

`--offline` runs each build in a fresh network namespace with only loopback up (needs root, `unshare` and `ip`),
which proves the build needs no network with a mirror. Prints wall time, CPU time of the build and its worker
processes, peak RSS of the largest process, and the site's page count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(out: Path, store: Path, mirror: Path, offline: bool) -> dict:
    command = [sys.executable, "-m", "toolkit", "report", "--out", str(out), "--format", "json"]
    env = {**os.environ, "AOAI_SPEC_MIRROR": str(mirror), "AOAI_SPEC_STORE": str(store)}
    if offline:
        command = ["unshare", "-n", "sh", "-c", "ip link set lo up && exec " + shlex.join(command)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    site = json.loads(done.stdout)
    return {"wall_s": round(wall, 1), "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1),
            "peak_rss_mb": round(after.ru_maxrss / 1024), "pages": site["pages"], "files": site["files"],
            "cached_jobs": site["cached_jobs"], "internal_errors": site["summary"]["stage_errors"]["internal"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "upstream-specs")
    parser.add_argument("--offline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, out = Path(tmp) / "store", Path(tmp) / "site"
        rows = {"cold": build(out, store, args.mirror.resolve(), args.offline),
                "warm": build(out, store, args.mirror.resolve(), args.offline)}
    load = os.getloadavg()
    print(f"| run | wall s | CPU s | peak RSS MB | pages | cached jobs | internal errors |  (load average {load[0]:.1f})")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        print(f"| {name} | {row['wall_s']} | {row['cpu_s']} | {row['peak_rss_mb']} | {row['pages']} | "
              f"{row['cached_jobs']} | {row['internal_errors']} |")


if __name__ == "__main__":
    main()
