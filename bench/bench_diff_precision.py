"""Precision of `aoai-spec diff` error-level verdicts on real spec history (run by hand, not in CI).

    python bench/bench_diff_precision.py [--openai-repo /work/.mirror/openai+openai-openapi/repo]
        [--labels bench/precision/labels.json] [--tools /work/bench-tools]
        [--dump changes.json] [--engine /path/to/another/checkout]

Pairs: every consecutive pair of the archive's `openai`, `azure-openai-typespec` and `azure-openai-inference`
families (the catalog's release order), plus the consecutive-commit pairs of openai/openai-openapi listed in
the labels file (`git_pairs`), read with `git show SHA:openapi.yaml` from `--openai-repo` when it is given.

Each error-level change is counted once per pair (a change in a shared component reported for many operations is
one verdict), keyed by `fingerprint` = sha256(rule id, base pointer, revision pointer, element leaf)[:12] (see
`change_key`), and looked up in the labels file,
where a person classified it by reading both documents (and checking sample values with jsonschema where it
helped, see `bench_diff_witness.py`): `true-break`, `false-positive` or `debatable`, with the reason. The
labels also keep `known_breaks`: real breaks that must be reported at error level. Printed: per pair and in
total, error verdicts, how many are labelled, strict precision (true breaks / labelled), lenient precision
((true + debatable) / labelled), unlabelled verdicts, and known breaks missed. Labelled true breaks that are no
longer reported are listed as misses too (or the label needs re-keying after a message change).

`--tools` adds api-smart-diff (npm i api-smart-diff under TOOLS/asd, as for bench_diff.py) on the same pairs: its
"breaking" count, and the precision of a fixed random sample of its breaking diffs classified in
`asd_labels` of the labels file. `--dump` writes every error verdict with its pointers for labelling. `--engine`
runs the diff of another checkout (e.g. an export of main) to measure the same labels "before".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FAMILIES = ("openai", "azure-openai-typespec", "azure-openai-inference")
VERDICTS = ("true-break", "false-positive", "debatable")
ASD_SAMPLE = 3  # api-smart-diff breaking diffs sampled per pair for hand classification


_AT_PROPERTY = re.compile(r"-property-became-(required|optional)$")
_OBJECT_OF = re.compile(r"(/allOf/\d+)?/properties/[^/]+$")


def change_key(rule: str, base: str | None, revision: str | None, element: str) -> str:
    """One verdict = one rule at one pair of JSON pointers about one named element (its last path token), however
    many operations report it: the report's wording may change, the key does not. A requiredness change is keyed
    at its enclosing object (older versions of the diff pointed there, newer ones at the property itself)."""
    leaf = re.split(r"[.\[\](){}]+", element.strip(".[](){}*"))[-1] if element else ""
    if _AT_PROPERTY.search(rule):
        base, revision = (_OBJECT_OF.sub("", p) if p else p for p in (base, revision))
    text = "\x1f".join((rule, base or "", revision or "", leaf))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Verdict:
    """One error-level change of one pair, with the operations that reported it."""

    pair: str
    fingerprint: str
    rule: str
    element: str
    message: str
    base: str | None
    revision: str | None
    operations: list[str] = field(default_factory=list)


@dataclass
class PairResult:
    pair: str
    family: str
    verdicts: list[Verdict]
    seconds: float
    asd_breaking: int | None = None
    asd_sample: list[dict[str, Any]] = field(default_factory=list)


def error_verdicts(pair: str, report: Any) -> list[Verdict]:
    out: dict[str, Verdict] = {}
    for c in report.changes:
        if c.level != "error":
            continue
        key = change_key(c.id, c.base, c.revision, c.element)
        verdict = out.setdefault(key, Verdict(pair, key, c.id, c.element, c.message, c.base, c.revision))
        if c.operation:
            verdict.operations.append(c.operation)
    return list(out.values())


def archive_pairs(ws: Any) -> list[tuple[str, str, str]]:
    pairs = []
    for family in FAMILIES:
        ids = [e.id for e in ws.catalog.history(family)]
        pairs += [(family, a, b) for a, b in zip(ids, ids[1:])]
    return pairs


def git_spec(repo: Path, sha: str, folder: Path) -> Path:
    path = folder / f"{sha}.yaml"
    if not path.exists():
        data = subprocess.run(["git", "-C", str(repo), "show", f"{sha}:openapi.yaml"], capture_output=True,
                              check=True).stdout
        path.write_bytes(data)
    return path


ASD_SCRIPT = """
const fs = require('fs');
const { apiCompare } = require('api-smart-diff');
const before = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const after = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const { diffs } = apiCompare(before, after);
const out = diffs.filter(d => d.type === 'breaking')
  .map(d => ({action: d.action, path: d.path, before: d.before, after: d.after, description: d.description}));
fs.writeFileSync(process.argv[4], JSON.stringify(out));
"""


def run_asd(tools: Path, base: Any, revision: Any, pair: str, work: Path) -> tuple[int | None, list[dict[str, Any]]]:
    """api-smart-diff's breaking diffs for one pair, and a fixed random sample of them (seeded by the pair)."""
    from bench_diff import _strip as without_examples  # the same inputs bench_diff.py gives its peers
    from toolkit.load import dump

    folder = tools / "asd"
    if not (folder / "node_modules" / "api-smart-diff").exists():
        return None, []
    script = folder / "run-asd-breaking.cjs"
    script.write_text(ASD_SCRIPT, encoding="utf-8")
    files = []
    for name, spec in (("base", base), ("revision", revision)):
        path = work / f"{name}.json"
        path.write_text(dump(without_examples(spec.document), "json"), encoding="utf-8")
        files.append(str(path))
    out = work / "asd.json"
    done = subprocess.run(["node", str(script), *files, str(out)], capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not out.exists():
        return None, []
    breaking = json.loads(out.read_text())
    rng = random.Random(pair)
    sample = rng.sample(breaking, min(ASD_SAMPLE, len(breaking)))
    for item in sample:
        item["path"] = "/".join(str(p) for p in item["path"])
        item["fingerprint"] = change_key(item["action"], item["path"], None, "")
        for key in ("before", "after"):
            text = json.dumps(item.get(key), ensure_ascii=False)
            item[key] = text if len(text) <= 200 else text[:200] + "..."
    return len(breaking), sample


def run(args: argparse.Namespace) -> list[PairResult]:
    from toolkit import Workspace
    from toolkit.diff import compare
    from toolkit.model import Spec

    labels = json.loads(args.labels.read_text()) if args.labels.exists() else {}
    ws = Workspace()
    results: list[PairResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        jobs: list[tuple[str, str, Any, Any]] = []
        for family, a, b in archive_pairs(ws):
            jobs.append((family, f"{a} -> {b}", lambda a=a: ws.open(a), lambda b=b: ws.open(b)))
        if args.openai_repo is not None:
            for parent, child in labels.get("git_pairs", []):
                jobs.append(("openai-git", f"git:{parent} -> git:{child}",
                             lambda s=parent: Spec.load(git_spec(args.openai_repo, s, work)),
                             lambda s=child: Spec.load(git_spec(args.openai_repo, s, work))))
        for family, pair, load_base, load_revision in jobs:
            base, revision = load_base(), load_revision()
            started = time.perf_counter()
            report = compare(base, revision, catalog=ws.catalog)
            seconds = time.perf_counter() - started
            result = PairResult(pair, family, error_verdicts(pair, report), seconds)
            if args.tools is not None:
                result.asd_breaking, result.asd_sample = run_asd(args.tools, base, revision, pair, work)
            results.append(result)
            print(f"  {pair}: {len(result.verdicts)} error verdicts ({seconds:.2f} s)", file=sys.stderr)
    return results


def summarise(results: list[PairResult], labels: dict[str, Any]) -> int:
    by_key = {(lab["pair"], lab["fingerprint"]): lab for lab in labels.get("labels", [])}
    asd_by_key = {(lab["pair"], lab["fingerprint"]): lab for lab in labels.get("asd_labels", [])}
    seen: set[tuple[str, str]] = set()
    rows = []
    totals = {"errors": 0, "labelled": 0, **{v: 0 for v in VERDICTS}, "asd": 0, "asd_sampled": 0,
              "asd_true": 0, "asd_debatable": 0, "asd_labelled": 0}
    unlabelled: list[Verdict] = []
    for result in results:
        counts = {v: 0 for v in VERDICTS}
        for verdict in result.verdicts:
            key = (result.pair, verdict.fingerprint)
            seen.add(key)
            label = by_key.get(key)
            if label is None:
                unlabelled.append(verdict)
            else:
                counts[label["verdict"]] += 1
        labelled = sum(counts.values())
        asd_counts = {v: 0 for v in VERDICTS}
        for item in result.asd_sample:
            label = asd_by_key.get((result.pair, item["fingerprint"]))
            if label is not None:
                asd_counts[label["verdict"]] += 1
        rows.append((result, counts, labelled, asd_counts))
        totals["errors"] += len(result.verdicts)
        totals["labelled"] += labelled
        for v in VERDICTS:
            totals[v] += counts[v]
        totals["asd"] += result.asd_breaking or 0
        totals["asd_sampled"] += len(result.asd_sample)
        totals["asd_true"] += asd_counts["true-break"]
        totals["asd_debatable"] += asd_counts["debatable"]
        totals["asd_labelled"] += sum(asd_counts.values())
    pairs = {r.pair for r in results}
    missed = []
    for lab in labels.get("labels", []):
        if lab["verdict"] != "true-break" or lab["pair"] not in pairs:
            continue
        # a break an earlier diff reported in other words names the verdict that reports it now
        expected = lab.get("reported_as", lab["fingerprint"])
        if (lab["pair"], expected) not in seen:
            missed.append(lab)
    for known in labels.get("known_breaks", []):
        if known["pair"] not in pairs:
            continue
        found = any(v.rule == known["rule"] and known["element"] in v.element
                    for r in results if r.pair == known["pair"] for v in r.verdicts)
        if not found:
            missed.append({**known, "fingerprint": "(known break)"})

    def pct(num: int, den: int) -> str:
        return f"{100 * num / den:.1f} %" if den else "-"

    print("| Pair | error verdicts | labelled | true | false positive | debatable | strict precision | "
          "api-smart-diff breaking | asd sample: true / labelled |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result, counts, labelled, asd_counts in rows:
        asd = "-" if result.asd_breaking is None else str(result.asd_breaking)
        asd_sample = f"{asd_counts['true-break']} / {sum(asd_counts.values())}" if result.asd_sample else "-"
        print(f"| `{result.pair}` | {len(result.verdicts)} | {labelled} | {counts['true-break']} | "
              f"{counts['false-positive']} | {counts['debatable']} | {pct(counts['true-break'], labelled)} | "
              f"{asd} | {asd_sample} |")
    print(f"| **total ({len(results)} pairs)** | {totals['errors']} | {totals['labelled']} | {totals['true-break']} "
          f"| {totals['false-positive']} | {totals['debatable']} | "
          f"**{pct(totals['true-break'], totals['labelled'])}** | {totals['asd']} | "
          f"{totals['asd_true']} / {totals['asd_labelled']} |")
    print()
    print(f"strict precision {pct(totals['true-break'], totals['labelled'])}, lenient (true + debatable) "
          f"{pct(totals['true-break'] + totals['debatable'], totals['labelled'])}; "
          f"api-smart-diff sample: strict {pct(totals['asd_true'], totals['asd_labelled'])}, lenient "
          f"{pct(totals['asd_true'] + totals['asd_debatable'], totals['asd_labelled'])}")
    print(f"unlabelled error verdicts: {len(unlabelled)}; known true breaks missed: {len(missed)}")
    for lab in missed:
        print(f"  MISSED {lab['pair']} {lab['fingerprint']} {lab['rule']} {lab['element']}: {lab.get('reason', '')}")
    return 1 if missed else 0


def dump(results: list[PairResult], path: Path) -> None:
    rows = [{"pair": v.pair, "fingerprint": v.fingerprint, "rule": v.rule, "element": v.element,
             "message": v.message, "base": v.base, "revision": v.revision, "operations": v.operations}
            for r in results for v in r.verdicts]
    asd = [{"pair": r.pair, **item} for r in results for item in r.asd_sample]
    path.write_text(json.dumps({"verdicts": rows, "asd_sample": asd}, indent=1, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openai-repo", type=Path, help="a clone of openai/openai-openapi (for the git pairs)")
    parser.add_argument("--labels", type=Path, default=REPO / "bench" / "precision" / "labels.json")
    parser.add_argument("--tools", type=Path, help="folder with asd/node_modules/api-smart-diff")
    parser.add_argument("--dump", type=Path, help="write every error verdict (and the asd sample) as JSON")
    parser.add_argument("--engine", type=Path, help="run the diff of another checkout (its toolkit/ folder's parent)")
    args = parser.parse_args()
    sys.path.insert(0, str((args.engine or REPO).resolve()))
    results = run(args)
    if args.dump:
        dump(results, args.dump)
    labels = json.loads(args.labels.read_text()) if args.labels.exists() else {}
    sys.exit(summarise(results, labels))


if __name__ == "__main__":
    main()
