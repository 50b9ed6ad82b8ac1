"""The session_policy task's one step: the drift gate (fail_on_drift) on top of the rollout's outcome."""
import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils import _session_policy_task as T

DRIFT = [{"part": "settings", "field": "idle_session_lifetime", "current": "1h30m", "desired": "3d"},
         {"part": "binding", "field": "bindings", "current": [], "desired": ["policy"]}]


def outcome(status, differences=(), errors=()):
    return dict(changed=False, status=status, differences=list(differences), settings=None, action=None,
                operations=[], left_in="unchanged", replaced={}, skipped=[], diff={}, code_diff="",
                errors=list(errors), warnings=[], runtime_test=None)


def params(fail_on_drift):
    return dict(domain="acme.eu.auth0.com", action_name="policy", code=None, runtime="node22", display_name=None,
                position="last", build_timeout=60, plan="enterprise", action_on_self_service="fail",
                fail_on_drift=fail_on_drift, runtime_test=True, runtime_tests=[], runtime_test_limit=10)


@pytest.mark.parametrize("fail_on_drift, check_mode, answer, expected", [
    (True, True, outcome("drifted", DRIFT), [
        'Session policy drift on acme.eu.auth0.com: settings idle_session_lifetime is "1h30m", the policy wants "3d"; '
        'binding bindings is [], the policy wants ["policy"]']),
    (False, True, outcome("drifted", DRIFT), []),
    (True, True, outcome("compliant"), []),
    # Outside check mode a difference is written, not a drift; an error is reported as itself, not as drift.
    (True, False, outcome("changed", DRIFT), []),
    (True, True, outcome("failed", DRIFT, errors=["bindings: 409"]), ["bindings: 409"]),
])
def test_the_drift_gate_fails_only_a_drifted_check(monkeypatch, fail_on_drift, check_mode, answer, expected):
    monkeypatch.setattr(T, "ensure_policy", lambda *args, **kwargs: answer)
    result, errors, dummy, dummy = T.run_task(None, params(fail_on_drift), {}, check_mode)
    assert errors == expected
    assert result["status"] == answer["status"] and result["differences"] == answer["differences"]


def test_runtime_test_options_are_checked_before_any_request():
    options = dict(params(False), tenant={}, code="exports.onExecutePostLogin = async () => {};", runtime_test_limit=0,
                   runtime_tests=[{"name": "ok", "event": {}, "expect": None}, {"name": "no event"},
                                  {"name": "x", "event": {}, "colour": "blue"}])
    unused, errors = T.check_options(options)
    assert errors == [
        "runtime_test_limit: must be at least 1 (runtime_test: false turns the test off)",
        "runtime_tests[1]: must be a mapping of name (text), event (a Post-Login event mapping) and optionally expect "
        "(a mapping)",
        "runtime_tests[2]: must be a mapping of name (text), event (a Post-Login event mapping) and optionally expect "
        "(a mapping)"]
