"""Where to look first: the headline numbers of a build and the few pages that most need a reader."""

from __future__ import annotations

from typing import Any

from . import page as paths
from .outcome import StageError
from .results import BuildResults

LEVELS = ("error", "warning", "info")


def apim_verdict(apim: dict[str, Any] | None) -> dict[str, Any]:
    """Ready for APIM import after `prepare`: no error-level finding left and within the inline size limit."""
    if not apim:
        return {"ready": None, "reasons": ["not computed"]}
    errors = sum(1 for f in apim.get("findings", []) if f.get("level") == "error")
    reasons = []
    if errors:
        reasons.append(f"{errors} lint error(s) left after prepare")
    if not apim.get("within_limit", True):
        reasons.append(f"prepared file {apim['size_bytes'] / 1_048_576:.2f} MB is over the 4 MB inline limit")
    return {"ready": not reasons, "reasons": reasons, "errors": errors}


def contract_status(contract: dict[str, Any] | None) -> dict[str, Any]:
    """passed | failed (contract failures found) | error (the run did not happen) | skipped, with the counts."""
    if contract is None:
        return {"status": "skipped", "failures": 0, "other": 0, "requests": 0}
    reports = contract.get("reports")
    if not reports:
        return {"status": "error", "failures": 0, "other": 0, "requests": 0}
    failures = [f for r in reports for f in r.get("failures", [])]
    contract_failures = sum(1 for f in failures if f.get("failure_class", "contract") == "contract")
    scenario_failed = any(not step.get("ok", True) for r in reports for step in r.get("scenario", []))
    requests = sum((r.get("budget") or {}).get("requests_sent", 0) for r in reports)
    failed = contract_failures or scenario_failed or not all(r.get("ok", True) for r in reports)
    return {"status": "failed" if failed else "passed", "failures": contract_failures,
            "other": len(failures) - contract_failures, "requests": requests}


def note_render_failures(summary: dict[str, Any], failures: list[StageError]) -> None:
    """Template bugs found while writing: counted and listed with the other internal errors."""
    errors = summary["stage_errors"]
    errors["internal"] += len(failures)
    errors["items"] += [{k: v for k, v in f.to_dict().items() if k != "traceback"} for f in failures]
    summary["look_first"].insert(0, {"text": f"{len(failures)} page(s) failed to render (a toolkit bug): "
                                             + ", ".join(f.subject for f in failures[:3]),
                                     "page": paths.INDEX + "#stage-errors"})


def summarize(results: BuildResults) -> dict[str, Any]:
    built = [r for r in results.versions.values() if r.get("validation")]
    invalid = [r["id"] for r in built if not r["validation"]["valid"]]
    totals = {level: 0 for level in LEVELS}
    pairs = []
    compared = 0
    for family, rows in results.pairs.items():
        for row in rows:
            compared += 1
            counts = row.get("counts") or {}
            for level in LEVELS:
                totals[level] += counts.get(level, 0)
            if counts:
                pairs.append({"family": family, "from": row["from"], "to": row["to"], "breaking": counts.get("error", 0),
                              "changes": sum(counts.get(level, 0) for level in LEVELS),
                              "page": paths.pair_path(family, row["from"], row["to"])})
    most_breaking = sorted((p for p in pairs if p["breaking"]), key=lambda p: -p["breaking"])[:5]
    not_ready = []
    for entry_id, result in results.versions.items():
        verdict = apim_verdict(result.get("apim"))
        if verdict["ready"] is False:
            not_ready.append({"id": entry_id, "reasons": verdict["reasons"], "page": paths.apim_path(entry_id)})
    ready = sum(1 for r in results.versions.values() if apim_verdict(r.get("apim"))["ready"])
    errors = results.stage_errors()
    internal = [e for e in errors if e["kind"] == "internal"]
    contract = contract_status(results.contract)
    contract["skipped_reason"] = results.contract_skipped

    look_first: list[dict[str, str]] = []
    if internal:
        look_first.append({"text": f"{len(internal)} build stage(s) failed with an internal error (a toolkit bug): "
                                   + "; ".join(f"{e['stage']} {e['subject']}" for e in internal[:3]),
                           "page": paths.INDEX + "#stage-errors"})
    problems = [e for e in errors if e["kind"] == "input"]
    if problems:
        look_first.append({"text": f"{len(problems)} input problem(s) kept part of the build from running: "
                                   + "; ".join(f"{e['stage']} {e['subject']}" for e in problems[:3]),
                           "page": paths.INDEX + "#stage-errors"})
    if most_breaking:
        top = most_breaking[0]
        look_first.append({"text": f"most breaking pair: {top['from']} -> {top['to']} ({top['breaking']} breaking changes)",
                           "page": top["page"]})
    if contract["status"] in ("failed", "error"):
        look_first.append({"text": f"contract tests {contract['status']}: {contract['failures']} failure(s)",
                           "page": paths.CONTRACT})
    if not_ready:
        look_first.append({"text": f"{len(not_ready)} version(s) not ready for APIM import: "
                                   + ", ".join(n["id"] for n in not_ready[:3]) + ("..." if len(not_ready) > 3 else ""),
                           "page": paths.APIM_INDEX})
    blocked = [r for r in results.versions.values()
               if r.get("apim") and any(f.get("level") == "error" for f in r["apim"]["as_published"])]
    if blocked:
        fixed = sum(1 for r in blocked if apim_verdict(r["apim"])["ready"])
        look_first.append({"text": f"{len(blocked)} version(s) fail APIM import as published; "
                                   f"'aoai-spec apim prepare' makes {fixed} of them importable", "page": paths.APIM_INDEX})
    gaps = ((results.compat or {}).get("report") or {}).get("counts")
    if gaps:
        look_first.append({"text": f"Azure v1 vs OpenAI: {gaps['shared_operations']} operations on both, "
                                   f"{gaps['openai_only_operations']} only OpenAI has, "
                                   f"{gaps['different_fields']} fields shaped differently", "page": paths.COMPAT})
    if invalid:
        look_first.append({"text": f"{len(invalid)} version(s) fail validation as published", "page": paths.INDEX + "#versions"})
    return {
        "families": len(results.families),
        "versions": len(results.entries),
        "pinned": sum(1 for e in results.entries if e.pinned),
        "built": len(built),
        "valid": len(built) - len(invalid),
        "invalid": len(invalid),
        "pairs": compared,
        "pairs_failed": compared - len(pairs),
        "changes": totals,
        "most_breaking": most_breaking,
        "apim_ready": ready,
        "apim_checked": sum(1 for r in results.versions.values() if r.get("apim")),
        "apim_not_ready": not_ready,
        "contract": contract,
        "stage_errors": {"input": len(errors) - len(internal), "internal": len(internal),
                         "items": [{k: e[k] for k in ("stage", "subject", "kind", "message")} for e in errors]},
        "look_first": look_first,
    }
