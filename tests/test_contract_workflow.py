"""The stateful Responses workflow against the mock, and against a mock whose DELETE does not delete."""

from __future__ import annotations

from fixtures.contract.wrappers import Broken


KEY = "workflow-key"
RESPONSES = ("/responses", "/responses/{response_id}", "/responses/{response_id}/input_items")


def run(defect: str | None):
    from toolkit.contract import AuthSpec, ContractConfig, run_contract
    from toolkit.mock import create_app, serve_in_background

    app = Broken(create_app(specs=["v1"], api_keys=[KEY]), defect=defect, valid_key=KEY)
    with serve_in_background(app) as root:
        config = ContractConfig(spec="v1", url=root + "/openai/v1/", auth=AuthSpec.api_key(KEY), allow_writes=True,
                                deployment="gpt-4o-mini", include_paths=RESPONSES, phases=("examples",),
                                max_requests=40)
        return run_contract(config), app.seen, app.app.state.mock


def test_responses_workflow_passes_against_the_mock():
    report, seen, mock = run(None)
    assert [(s.name, s.status, s.ok) for s in report.scenario] == [
        ("create", 200, True), ("retrieve", 200, True), ("create with previous_response_id", 200, True),
        ("list input items", 200, True), ("delete", 200, True), ("retrieve after delete", 404, True)]
    assert report.ok and report.cleanup.left == []
    assert "DELETE" in seen.methods
    assert mock.behaviour.state.resources == {}  # everything the run created was deleted at the server


def test_a_delete_that_does_not_delete_is_caught():
    report, _, _ = run("keep_deleted")
    failed = [s.name for s in report.scenario if not s.ok]
    assert failed == ["retrieve after delete"]
    assert not report.ok
    assert any(f.check == "responses_workflow" for f in report.contract_failures)
