"""Delete what the run created (ids taken from POST responses), inside the budget slots kept for it; whatever
cannot be deleted is reported with the reason (the DELETE's status, or why it was not sent)."""

from __future__ import annotations

import requests

from .auth import Credential
from .budget import NotSent
from .hooks import RunHooks
from .report import CleanupResult


def delete_created(state: RunHooks, credential: Credential | None, url: str, timeout: float) -> CleanupResult:
    result = CleanupResult(created=state.created_total)
    leftovers = list(state.created.values())
    if not leftovers:
        return result
    state.gate.cleanup_mode = True
    try:
        with requests.Session() as session:
            for item in leftovers:
                headers = dict(credential.headers()) if credential else {}
                if state.surface == "v1":
                    header = state.catalog.preview_header(item.path)
                    if header:
                        headers[header.name] = header.value
                params = {"api-version": state.api_version} if state.surface == "dated" and state.api_version else {}
                try:
                    response = session.delete(url + item.path, headers=headers, params=params, timeout=timeout)
                    ok = response.status_code < 300 or response.status_code == 404
                    reason = f"DELETE answered {response.status_code}"
                except requests.RequestException as exc:
                    ok, reason = False, f"DELETE failed: {type(exc).__name__}"
                    if isinstance(exc, NotSent):
                        reason = "DELETE not sent: the budget was used up"
                if ok:
                    result.deleted += 1
                    state.created.pop(item.path, None)
                    state.gate.release_cleanup()
                else:
                    result.left.append(item.path)
                    result.reasons[item.path] = reason
    finally:
        state.gate.cleanup_mode = False
    return result
