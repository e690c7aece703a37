"""Measure `apim lint` and `apim prepare` on the APIM import corpus, before and after (run by hand, not in CI).

    git archive $(git merge-base HEAD main) | tar -x -C /tmp/apim-before
    python bench/bench_apim_corpus.py --before /tmp/apim-before [--write]

Each case of `tests/fixtures/apim/corpus.yaml` (one file per documented restriction and reported import
failure) is written as a user would have it and run through each checkout's command line, as a user would:
`apim lint FILE --format json`, then `apim prepare FILE -o OUT --format json`. The prepared file is judged the
same way for both checkouts, by this one: openapi-spec-validator (OAS 3.0) and this checkout's APIM rules.

Counts per checkout: "lint fires" (lint reports the case's rule, or refuses an unreadable file in one line);
"lint fires and prepare's output is clean" (prepare said ready; its output validates, lints with no errors and
no longer has the problem at warning or error level); "silent misses" (prepare exited 0 although its output
still fails: validator errors, APIM lint errors, or the case's problem at error level). `--write` replaces the
measurement section of docs/apim-restrictions.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.apim_corpus import Outcome, judge_cli, load_corpus, write_case  # noqa: E402

START, END = "<!-- measurement:start -->", "<!-- measurement:end -->"


def silent_miss(outcome: Outcome) -> bool:
    return (outcome.prepare_exit == 0 and not outcome.refused
            and (outcome.output_errors or outcome.output_lint_errors or "error" in outcome.output_levels))


def measure(checkout: Path, corpus: dict) -> dict[str, Outcome]:
    results = {}
    with tempfile.TemporaryDirectory(prefix="apim-corpus-") as tmp:
        for case in corpus["cases"]:
            path = write_case(case, corpus["base"], Path(tmp) / case["id"])
            results[case["id"]] = judge_cli(case, path, checkout)
            outcome = results[case["id"]]
            print(f"{checkout.name:>12} {case['id']:38s} fires={outcome.lint_fires!s:5} "
                  f"clean={outcome.output_clean!s:5} exit={outcome.prepare_exit}", file=sys.stderr)
    return results


def summary(results: dict[str, Outcome]) -> tuple[int, int, int]:
    fires = sum(o.lint_fires for o in results.values())
    clean = sum(o.lint_fires and o.output_clean for o in results.values())
    return fires, clean, sum(silent_miss(o) for o in results.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="A checkout of the branch point (git archive).")
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--write", action="store_true", help="Replace the measurement in docs/apim-restrictions.md.")
    args = parser.parse_args()
    corpus = load_corpus()
    before, after = measure(args.before, corpus), measure(args.after, corpus)
    total = len(corpus["cases"])
    lines = ["| | lint fires | lint fires and prepare's output is clean | silent misses (exit 0, output still fails) |",
             "|---|---|---|---|"]
    for name, results in (("before (branch point)", before), ("after", after)):
        fires, clean, silent = summary(results)
        lines.append(f"| {name} | {fires} of {total} | {clean} of {total} | {silent} |")
    lines += ["", "| case | row | rule | expected | before: fires / clean | after: fires / clean |",
              "|---|---|---|---|---|---|"]
    mark = {True: "yes", False: "no"}
    for case in corpus["cases"]:
        b, a = before[case["id"]], after[case["id"]]
        lines.append(f"| `{case['id']}` | {case['row']} | `{case['rule']}` | {case['expect']} | "
                     f"{mark[b.lint_fires]} / {mark[b.output_clean]}{' (silent miss)' if silent_miss(b) else ''} | "
                     f"{mark[a.lint_fires]} / {mark[a.output_clean]}{' (silent miss)' if silent_miss(a) else ''} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        doc = REPO / "docs" / "apim-restrictions.md"
        text = doc.read_text()
        doc.write_text(text[: text.index(START) + len(START)] + "\n" + table + "\n" + text[text.index(END):])


if __name__ == "__main__":
    main()
