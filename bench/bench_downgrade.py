"""Benchmark `aoai-spec downgrade` against the peer 3.1 -> 3.0 converters (run by hand, not in CI).

    python bench/bench_downgrade.py [--tools /work/bench-tools] [--runs 3] [--write]

Wall time and peak RSS are the best of --runs, run round robin across the tools.

Inputs: OpenAI's 3.1 spec (openai@2026-08-21_f85dbe223d) and the Azure 3.1 spec
(azure-openai-inference-vendored@2025-03-01-preview_ai-gateway), read from the archive through the catalog.
Every tool runs end to end as a user would (process start, parse, convert, write JSON); wall time and peak RSS
come from GNU time (best of --runs). Each output is then checked here with openapi-spec-validator's
`OpenAPIV30SpecValidator` (errors left) and with `aoai-spec apim lint` (APIM error findings left).

Peers (install outside the repo, e.g. under /work/bench-tools):
  node_modules/  npm i --prefix /work/bench-tools @apiture/openapi-down-convert@0.14.2
  venv/          python -m venv venv && venv/bin/pip install openapi-downgrade==1.0.1
                 Its CLI downloads the OAS 3.0.3 schema to validate (and exits 0 with no output offline), so it is
                 driven as a library with that step stubbed, as the research did.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

INPUTS = ["openai@2026-08-21_f85dbe223d", "azure-openai-inference-vendored@2025-03-01-preview_ai-gateway"]

DOWNGRADE_DRIVER = """
import json, sys
import openapi_downgrade.converter.transformer as t
t.validate_openapi_3 = lambda spec: (True, None)   # the network step, stubbed
from openapi_downgrade.converter.loader import load_spec
json.dump(t.convert_spec(load_spec(sys.argv[1])), open(sys.argv[2], "w"), indent=2)
"""


def _timed(command: list[str], cwd: Path) -> tuple[int, float, float, str]:
    """(exit code, wall seconds, peak RSS MB, stderr tail) of one run under GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *command], cwd=cwd, capture_output=True,
                              text=True)
        text = Path(report.name).read_text()
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", text)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups()) if wall else (0.0, 0.0, 0.0)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return (proc.returncode, hours * 3600 + minutes * 60 + seconds, int(rss.group(1)) / 1024 if rss else 0.0,
            proc.stderr.strip()[-200:])


def _check(output: Path) -> tuple[str, str]:
    """(OAS 3.0 validator errors, APIM lint errors) of one output file."""
    from openapi_spec_validator import OpenAPIV30SpecValidator

    from toolkit.apim import lint

    if not output.is_file() or output.stat().st_size == 0:
        return "no output", "-"
    document = json.loads(output.read_text())
    try:
        errors = str(sum(1 for _ in OpenAPIV30SpecValidator(document).iter_errors()))
    except Exception as exc:  # the validator gives up on some outputs (dangling refs)
        errors = f"validator crashed ({type(exc).__name__})"
    lint_errors = sum(1 for f in lint(document) if f.level == "error")
    return errors, str(lint_errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=Path("/work/bench-tools"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="Replace the downgrade section of bench/RESULTS.md.")
    args = parser.parse_args()

    from toolkit import Workspace

    ws = Workspace()
    work = Path(tempfile.mkdtemp(prefix="bench-downgrade-"))
    tools = {
        "aoai-spec downgrade": lambda src, out: [sys.executable, "-m", "toolkit", "downgrade", str(src), "-o", str(out)],
        "aoai-spec apim prepare": lambda src, out: [sys.executable, "-m", "toolkit", "apim", "prepare", str(src), "-o",
                                                    str(out), "--format", "json"],
        "@apiture/openapi-down-convert 0.14.2": lambda src, out: [
            str(args.tools / "node_modules/.bin/openapi-down-convert"), "--input", str(src), "--output", str(out)],
        "openapi-downgrade 1.0.1 (library)": lambda src, out: [
            str(args.tools / "venv/bin/python"), "-c", DOWNGRADE_DRIVER, str(src), str(out)],
    }
    rows = []
    for catalog_id in INPUTS:
        source = ws.locate(catalog_id)[0]
        size = source.stat().st_size / 1e6
        spec = ws.open(catalog_id)
        before_errors = sum(1 for _ in __import__("openapi_spec_validator").OpenAPIV30SpecValidator(
            spec.document).iter_errors())
        rows.append((catalog_id, f"input ({size:.2f} MB, openapi {spec.openapi_version})", "", "", "",
                     str(before_errors), str(sum(1 for f in __import__("toolkit.apim", fromlist=["lint"]).lint(
                         spec.document) if f.level == "error"))))
        outputs = {name: work / f"{re.sub(r'[^a-z0-9]+', '-', (catalog_id + ' ' + name).lower())}.json" for name in tools}
        runs: dict[str, list[tuple[int, float, float, str]]] = {name: [] for name in tools}
        for _ in range(args.runs):  # round robin, so a busy moment on the machine hits every tool alike
            for name, build in tools.items():
                runs[name].append(_timed(build(source, outputs[name]), REPO))
        for name in tools:
            out = outputs[name]
            rc, wall, rss, err = min(runs[name], key=lambda r: r[1])
            errors, lint_errors = _check(out)
            rows.append((catalog_id, name, str(rc), f"{wall:.2f}", f"{rss:.0f}", errors, lint_errors))
            print(f"{catalog_id} {name}: rc={rc} wall={wall:.2f}s rss={rss:.0f}MB errors={errors} "
                  f"apim-errors={lint_errors} {err if rc else ''}", file=sys.stderr)
    table = ["| Input | Converter | rc | wall s (best of %d) | peak RSS MB | OAS 3.0 validator errors left | "
             "`apim lint` errors left |" % args.runs, "|---|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    print("\n".join(table))
    if args.write:
        results = REPO / "bench" / "RESULTS.md"
        text = results.read_text()
        start, end = "<!-- section:downgrade -->", "<!-- /section:downgrade -->"
        body = (f"{start}\n## downgrade (`python bench/bench_downgrade.py --write`)\n\n" + "\n".join(table) + "\n"
                + _ratios(rows, tools) + NOTES + end)
        results.write_text(text[: text.index(start)] + body + text[text.index(end) + len(end):])


def _ratios(rows: list[tuple[str, ...]], tools: dict) -> str:
    """The wall-time ratios of this run, aoai-spec downgrade over each peer: the machine is shared, so absolute
    times move from run to run, ratios much less."""
    parts = []
    for catalog_id in dict.fromkeys(r[0] for r in rows):
        wall = {r[1]: float(r[3]) for r in rows if r[0] == catalog_id and r[3]}
        ours = wall.get("aoai-spec downgrade")
        peers = [name for name in tools if name.startswith(("@", "openapi-downgrade"))]
        shown = ", ".join(f"{ours / wall[p]:.2f} x {p.split()[0]}" for p in peers if ours and wall.get(p))
        parts.append(f"{catalog_id}: {shown}")
    return "\n- Wall time of `aoai-spec downgrade` over each peer in this run: " + "; ".join(parts) + ".\n"


NOTES = """
- Same run, same machine, same input files (read from the archive); validator: openapi-spec-validator
  `OpenAPIV30SpecValidator`; "`apim lint` errors" = error-level findings of our APIM rules (OpenAPI.NET v1 reader
  rules + documented restrictions) on the converter's output, i.e. what would still break an APIM import.
- Times are whole processes (Python or Node start-up included). `aoai-spec apim prepare` is the downgrade plus
  every APIM fix, a lint of the result, a full openapi-spec-validator run on it (most of its time on the 3.4 MB
  OpenAI spec: prepare never calls an output ready unchecked) and a minified write; it is listed to show the
  `apim lint` column reach 0.
- The `apim lint` errors left after a plain `aoai-spec downgrade` are APIM import policy that valid 3.0.3 allows
  (OpenAI: 15 summaries over 300 characters, 2 recursive schemas; Azure: the `{endpoint}` server variable, one
  example whose value does not match its type): exactly what `apim prepare` fixes.
- openapi-downgrade runs as a library with its network validation step stubbed (its CLI needs network and exits
  0 with no output offline).
"""


if __name__ == "__main__":
    main()
