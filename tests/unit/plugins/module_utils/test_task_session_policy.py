"""The session_policy task's one step: the drift gate (fail_on_drift) on top of the rollout's outcome."""
import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils import _task_session_policy as T

DRIFT = [{"part": "settings", "field": "idle_session_lifetime", "current": "1h30m", "desired": "3d"},
         {"part": "binding", "field": "bindings", "current": [], "desired": ["policy"]}]

LOGIC = {"part": "action", "field": "logic", "current": "Action logic of another collection version",
         "desired": "Action logic of collection 0.2; policy unchanged"}


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
        'prod-eu (acme.eu.auth0.com) drifted from the session policy (fail_on_drift): '
        'settings idle_session_lifetime: "1h30m" -> "3d"; binding bindings: [] -> ["policy"]']),
    (False, True, outcome("drifted", DRIFT), []),
    (True, True, outcome("compliant"), []),
    # Outside check mode a difference is written, not a drift; an error is reported as itself, not as drift.
    (True, False, outcome("changed", DRIFT), []),
    (True, True, outcome("failed", DRIFT, errors=["bindings: 409"]), ["bindings: 409"]),
    # A newer collection's logic around the same policy is an upgrade, not drift: the gate lets it pass.
    (True, True, outcome("drifted", [LOGIC]), []),
    (True, True, outcome("drifted", [LOGIC] + DRIFT[:1]), [
        'prod-eu (acme.eu.auth0.com) drifted from the session policy (fail_on_drift): action logic: "Action logic of '
        'another collection version" -> "Action logic of collection 0.2; policy unchanged"; '
        'settings idle_session_lifetime: "1h30m" -> "3d"']),
])
def test_the_drift_gate_fails_only_a_drifted_check(monkeypatch, fail_on_drift, check_mode, answer, expected):
    monkeypatch.setattr(T, "ensure_policy", lambda *args, **kwargs: answer)
    result, errors, dummy, dummy = T.run_task(None, params(fail_on_drift), {}, check_mode, host="prod-eu")
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


def test_the_drift_gate_names_drift_only_not_an_undeployed_draft():
    differences = [dict(part="settings", field="idle_session_lifetime", current="3d", desired="1d"),
                   dict(part="action", field="draft", current="draft differs from the deployed version, not deployed",
                        desired="left as it is", drift=False)]
    assert T.drift_message("prod-eu", "acme.eu.auth0.com", differences) == (
        'prod-eu (acme.eu.auth0.com) drifted from the session policy (fail_on_drift): '
        'settings idle_session_lifetime: "3d" -> "1d"')
