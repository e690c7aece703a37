"""`azure_schema` in a team's own pytest suite: a test file as a user writes it, run by pytest in a subprocess
against the mock (passes), a broken variant of it (fails, and the key is in no output), with the budget held."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fixtures.contract.wrappers import Broken

pytestmark = [pytest.mark.slow]

KEY = "pytest-entry-key-91d0c4"
USER_TEST = '''
import os

from toolkit.contract import azure_schema

schema = azure_schema("v1", url=os.environ["MOCK_URL"], deployment="gpt-4o-mini", api_key_env="AOAI_TEST_KEY",
                      include_paths=("/models", "/chat/completions"), allow_writes=True,
                      max_requests=int(os.environ["BUDGET"]), max_examples=5)


@schema.parametrize()
def test_contract(case):
    case.call_and_validate()
'''


def _pytest(tmp_path, url: str, budget: int) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_user_contract.py").write_text(USER_TEST)
    env = {**os.environ, "MOCK_URL": url, "BUDGET": str(budget), "AOAI_TEST_KEY": KEY}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-p", "no:randomly", "test_user_contract.py"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("defect", [None, "schema_violation"])
def test_azure_schema_in_a_users_pytest_suite(tmp_path, defect):
    from toolkit.mock import create_app, serve_in_background

    wrapper = Broken(create_app(specs=["v1"], api_keys=[KEY]), defect=defect, valid_key=KEY)
    with serve_in_background(wrapper) as root:
        result = _pytest(tmp_path, root + "/openai/v1/", 60)
    output = result.stdout + result.stderr
    assert KEY not in output
    assert 0 < wrapper.seen.count <= 60
    models = wrapper.app.state.mock.stats.models
    assert set(models) <= {"gpt-4o-mini"}, models  # pinned in every case
    if defect is None:
        assert result.returncode == 0, output[-3000:]
        assert "2 passed" in output
    else:
        assert result.returncode == 1 and "Response violates schema" in output, output[-3000:]


def test_azure_schema_holds_the_budget_over_the_whole_session(tmp_path):
    from toolkit.mock import create_app, serve_in_background

    wrapper = Broken(create_app(specs=["v1"], api_keys=[KEY]), valid_key=KEY)
    with serve_in_background(wrapper) as root:
        result = _pytest(tmp_path, root + "/openai/v1/", 3)
    # examples past the budget are skipped before they are sent: no failure, no error, at most 3 requests
    assert 0 < wrapper.seen.count <= 3 and result.returncode == 0, result.stdout[-2000:]
