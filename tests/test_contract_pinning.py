"""`--deployment` holds in every phase (examples, coverage, fuzzing), and APIM gateway refusals are classified apart."""

from __future__ import annotations

from fixtures.contract.wrappers import Broken


KEY = "pinning-key"


def test_deployment_and_api_version_are_pinned_in_every_phase():
    from toolkit.contract import AuthSpec, ContractConfig, run_contract
    from toolkit.mock import create_app, serve_in_background

    app = create_app(specs=["v1", "2024-10-21"], api_keys=[KEY])
    phases = ("examples", "coverage", "fuzzing")
    with serve_in_background(app) as root:
        v1 = run_contract(ContractConfig(spec="v1", url=root + "/openai/v1/", auth=AuthSpec.api_key(KEY),
                                         allow_writes=True, deployment="pinned-dep", phases=phases, scenario=False,
                                         include_paths=("/chat/completions",), max_requests=45, max_examples=5))
        dated = run_contract(ContractConfig(spec="2024-10-21", url=root + "/openai", auth=AuthSpec.api_key(KEY),
                                            allow_writes=True, deployment="pinned-dep", phases=phases,
                                            include_paths=("/deployments/{deployment-id}/chat/completions",),
                                            max_requests=45, max_examples=5))
    stats = app.state.mock.stats
    assert v1.requests_sent > 20 and dated.requests_sent > 20
    assert set(stats.models) == {"pinned-dep"}, stats.models  # the examples say gpt-4o, coverage sends boundaries
    assert set(stats.deployments) == {"pinned-dep"}, stats.deployments
    assert stats.by_status[200] > 0
    assert dated.api_version == "2024-10-21"


def test_apim_gateway_refusals_are_not_contract_failures():
    from toolkit.contract import AuthSpec, ContractConfig, run_contract
    from toolkit.mock import create_app, serve_in_background

    wrapper = Broken(create_app(specs=["2024-10-21"], api_keys=[KEY]), defect="apim_401", valid_key=KEY)
    with serve_in_background(wrapper) as root:
        report = run_contract(ContractConfig(spec="2024-10-21", url=root + "/openai", auth=AuthSpec.api_key(KEY),
                                             allow_writes=True, deployment="d", phases=("examples", "fuzzing"),
                                             include_paths=("/deployments/{deployment-id}/embeddings",),
                                             max_requests=40))
    # embeddings documents only 200, so each gateway 401 is an undocumented status: classified, not a contract failure
    gateway = [f for f in report.failures if f.status == 401]
    assert gateway and {f.failure_class for f in gateway} == {"gateway"}
    assert report.classified["gateway"] == len(gateway)
