"""`validate` on every archived spec: the compiled structure pass against openapi-spec-validator as it runs by
itself, finding for finding, and the meta-schema engines (jsonschema, jsonschema-rs, fastjsonschema) verdict for
verdict on every schema the pass checks.

Run by hand from the repository root (never as a unit test):

    python bench/bench_validate.py [--baseline /tmp/report-baseline] [--repeat 5]

1. Per archived spec: seconds of openapi-spec-validator's own check (pure-Python walk and meta-schema pass) and
   of ours (`toolkit.structure`), and the findings compared: the same messages as many times, and our pointer
   ending with the library's (which is relative to the schema or value it checked). Any difference is listed.
2. Per meta-schema engine: the verdict (valid or not) on every top-level schema the pass meta-checks, and the
   time. fastjsonschema knows drafts 4, 6 and 7, so it checks the 3.0 documents (draft 4) only.
3. `aoai-spec validate` on OpenAI's 3.4 MB spec as a command (wall time, median of --repeat runs), this checkout
   and, with --baseline, another source tree run with the same Python environment.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from toolkit import Workspace  # noqa: E402
from toolkit.structure import (_LibraryChecker, _Walk, _compiled, _library_checker, library_findings,  # noqa: E402
                                structure_findings)
from toolkit.validate import structure_messages, validate  # noqa: E402

BIG = "openai@2026-08-21_f85dbe223d"


def differences(theirs: list[tuple[str, str]], ours: list[tuple[str, str]]) -> list[str]:
    found = []
    if Counter(m for _, m in theirs) != Counter(m for _, m in ours):
        found.append(f"messages differ: {Counter(m for _, m in theirs) - Counter(m for _, m in ours)} / "
                     f"{Counter(m for _, m in ours) - Counter(m for _, m in theirs)}")
    left = list(ours)
    for pointer, message in theirs:
        match = next((o for o in left if o[1] == message and o[0].endswith(pointer[1:])), None)
        if match is None:
            found.append(f"no pointer ending with {pointer} for {message[:60]!r}")
        else:
            left.remove(match)
    return found


class _Collecting(_Walk):
    """The structure walk, recording every schema it meta-checks (with the dialect it checks it by)."""

    def __init__(self, document: dict[str, Any], is_31: bool) -> None:
        super().__init__(document, is_31)
        self.checked: list[tuple[str, Any]] = []

    def meta_error(self, value: Any) -> Any:
        dialect = "oas31" if self.is_31 else "oas30"
        if not self.is_31 or not isinstance(value, dict) or "$schema" not in value:
            self.checked.append((dialect, value))
        return super().meta_error(value)


def engines(specs: list[tuple[str, Any]]) -> None:
    try:
        import fastjsonschema
    except ImportError:
        fastjsonschema = None
    schemas: list[tuple[str, Any]] = []
    for _ident, spec in specs:
        walk = _Collecting(spec.document, spec.is_31)
        list(walk.root())
        schemas.extend(walk.checked)
    rows = {}
    for name in ("jsonschema (Python)", "jsonschema-rs", "fastjsonschema"):
        verdicts, started = [], time.perf_counter()
        for dialect, schema in schemas:
            if name == "jsonschema (Python)":
                verdicts.append(_library_checker(dialect).first_error(schema) is None)
            elif name == "jsonschema-rs":
                verdicts.append(_compiled(dialect).is_valid(schema))
            elif fastjsonschema is not None and dialect == "oas30":
                verdicts.append(_fast(fastjsonschema)(schema))
            else:
                verdicts.append(None)
        rows[name] = (verdicts, time.perf_counter() - started)
    reference = rows["jsonschema (Python)"][0]
    print(f"\n| engine | schemas checked | seconds | verdicts unlike jsonschema's |")
    print("|---|---:|---:|---:|")
    for name, (verdicts, seconds) in rows.items():
        checked = [(v, r) for v, r in zip(verdicts, reference) if v is not None]
        print(f"| {name} | {len(checked)} | {seconds:.2f} | {sum(v != r for v, r in checked)} |")


_FAST: dict[str, Any] = {}


def _fast(fastjsonschema: Any) -> Any:
    """fastjsonschema's compiled draft-4 meta-schema check, with openapi-schema-validator's format checkers."""
    if "oas30" not in _FAST:
        library: _LibraryChecker = _library_checker("oas30")
        formats = {name: (lambda value, name=name: library.format_checker.conforms(value, name))
                   for name in library.format_checker.checkers}
        check = fastjsonschema.compile(library.meta_schema, formats=formats)

        def valid(schema: Any) -> bool:
            try:
                check(schema)
                return True
            except fastjsonschema.JsonSchemaException:
                return False

        _FAST["oas30"] = valid
    return _FAST["oas30"]


def cli_seconds(tree: Path, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `aoai-spec validate BIG` as a new process (CPU: the machine is shared)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("AOAI_SPEC_MIRROR", None)
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "toolkit", "validate", BIG, "--format", "json"], cwd=tree, env=env,
                              capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        assert done.returncode in (0, 1), done.stderr
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another source tree to time `aoai-spec validate` with")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ws = Workspace()
    specs = [(e.id, ws.open(e.id)) for e in ws.catalog if e.pinned]
    print("| spec | MB | openapi-spec-validator s | ours s | findings | differences |")
    print("|---|---:|---:|---:|---:|---:|")
    total_lib = total_ours = 0.0
    all_differences = 0
    for ident, spec in specs:
        started = time.perf_counter()
        theirs = structure_messages(library_findings(spec.document, spec.is_31))
        lib = time.perf_counter() - started
        started = time.perf_counter()
        ours = structure_messages(structure_findings(spec.document, spec.is_31))
        mine = time.perf_counter() - started
        found = differences(theirs, ours)
        total_lib, total_ours, all_differences = total_lib + lib, total_ours + mine, all_differences + len(found)
        size = (spec.source.stat().st_size / 1_048_576) if spec.source else 0
        print(f"| {ident} | {size:.2f} | {lib:.2f} | {mine:.3f} | {len(ours)} | {len(found)} |")
        for line in found:
            print(f"|  | | | | | {line} |")
    print(f"| **all {len(specs)}** | | **{total_lib:.1f}** | **{total_ours:.2f}** | | **{all_differences}** |")
    engines(specs)
    spec = dict(specs)[BIG]
    walls, cpus = [], []
    for _ in range(args.repeat):
        started, cpu = time.perf_counter(), time.process_time()
        validate(spec)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    print(f"\nvalidate() on {BIG} (loaded): {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
          f"(medians of {args.repeat})")
    wall, cpu = cli_seconds(REPO, args.repeat)
    print(f"aoai-spec validate {BIG} (a new process: start, load, validate, print): {wall:.2f} s wall, {cpu:.2f} s CPU")
    if args.baseline:
        wall, cpu = cli_seconds(args.baseline.resolve(), max(1, args.repeat // 2))
        print(f"  the same with {args.baseline}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
