"""The stateful Responses workflow, run explicitly and validated step by step with Schemathesis' checks.

create -> retrieve by id -> create with `previous_response_id` -> list input items -> delete -> retrieve gives 404.
Explicit rather than left to the stateful phase: the specs declare no links, inference does not chain
`previous_response_id`, and each step has an Azure-specific expectation (the 404 after delete).
"""

from __future__ import annotations

from typing import Any

from .auth import Credential
from .hooks import RunHooks
from .report import ScenarioStep

# Checks that would send extra requests or judge auth: covered by the engine phases already.
_EXCLUDED = ("ignored_auth", "negative_data_rejection", "unsupported_method", "missing_required_header")


def _operations(schema: Any) -> dict[str, Any] | None:
    wanted = {("POST", "/responses"): "create", ("GET", "/responses/{response_id}"): "retrieve",
              ("DELETE", "/responses/{response_id}"): "delete",
              ("GET", "/responses/{response_id}/input_items"): "input_items"}
    found: dict[str, Any] = {}
    for result in schema.get_all_operations():
        op = result.ok() if hasattr(result, "ok") else result
        key = (op.method.upper(), op.path)
        if key in wanted:
            found[wanted[key]] = op
    return found if len(found) == len(wanted) else None


def run_responses_workflow(schema: Any, state: RunHooks, credential: Credential | None, url: str) -> list[ScenarioStep]:
    """Run the workflow when the (filtered) spec has the four Responses operations; [] when it does not."""
    from schemathesis.core.failures import FailureGroup

    from .budget import NotSent

    ops = _operations(schema)
    if ops is None:
        return []
    steps: list[ScenarioStep] = []
    model = state.deployment or "gpt-4o-mini"

    def call(name: str, op: Any, expected: int, **parts: Any) -> Any:
        case = op.Case(**parts)
        headers = credential.headers() if credential else {}
        try:
            response = case.call(base_url=url, headers=headers)
        except NotSent as exc:
            steps.append(ScenarioStep(name, op.label, str(expected), None, False, str(exc)))
            return None
        ok, message = response.status_code == expected, ""
        if not ok:
            message = f"expected {expected}, got {response.status_code}"
        else:
            try:
                case.validate_response(response, excluded_checks=_excluded_checks(), headers=headers)
            except FailureGroup as group:
                # Scrubbed before the cut: a secret cut in two would no longer be recognised.
                ok, message = False, "; ".join(state.redactor.scrub(f"{e.title}: {e.message}")[:300]
                                               for e in group.exceptions)
            except AssertionError as exc:
                ok, message = False, state.redactor.scrub(str(exc))[:300]
        steps.append(ScenarioStep(name, op.label, str(expected), response.status_code, ok, state.redactor.scrub(message)))
        return response if ok else None

    def body_of(response: Any) -> dict[str, Any]:
        try:
            value = response.json()
        except Exception:
            return {}
        return value if isinstance(value, dict) else {}

    first = call("create", ops["create"], 200, body={"model": model, "input": "Say hello.", "max_output_tokens": 16})
    first_id = body_of(first).get("id") if first is not None else None
    if not isinstance(first_id, str):
        return steps
    got = call("retrieve", ops["retrieve"], 200, path_parameters={"response_id": first_id})
    if got is not None and body_of(got).get("id") != first_id:
        steps[-1].ok, steps[-1].message = False, "retrieved a different id"
    second = call("create with previous_response_id", ops["create"], 200,
                  body={"model": model, "input": "And again.", "previous_response_id": first_id,
                        "max_output_tokens": 16})
    second_id = body_of(second).get("id") if second is not None else None
    if second is not None and body_of(second).get("previous_response_id") != first_id:
        steps[-1].ok, steps[-1].message = False, "previous_response_id was not kept"
    if isinstance(second_id, str):
        items = call("list input items", ops["input_items"], 200, path_parameters={"response_id": second_id})
        if items is not None and not isinstance(body_of(items).get("data"), list):
            steps[-1].ok, steps[-1].message = False, "input items are not a list"
    call("delete", ops["delete"], 200, path_parameters={"response_id": first_id})
    call("retrieve after delete", ops["retrieve"], 404, path_parameters={"response_id": first_id})
    return steps


def _excluded_checks() -> list[Any]:
    from schemathesis.checks import CHECKS

    return [CHECKS.get_one(name) for name in _EXCLUDED if name in CHECKS.get_all_names()]
