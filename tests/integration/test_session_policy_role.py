"""The session_policy role and the enforce_session_policy playbook across several emulated tenants.

Every test runs twice: with the session_policy action plugin (in the controller's worker, the
default) and with the module in its own interpreter (``sessionguard_auth0_run_as_module``).
"""
import functools
import json

import pytest

from harness import ACTION, PLAYBOOK, POLICY, inventory


@pytest.fixture(params=["action plugin", "module"])
def execution(request):
    return request.param


@pytest.fixture
def playbook(execution, playbook):
    """The harness runner, with the task run in the worker or as a module (as an extra var: it wins)."""
    if execution == "action plugin":
        return playbook

    @functools.wraps(playbook)
    def run(*args, **kwargs):
        kwargs["extra_vars"] = dict(kwargs.get("extra_vars") or {}, sessionguard_auth0_run_as_module=True)
        return playbook(*args, **kwargs)
    return run


def report(tmp_path):
    return json.loads((tmp_path / "session-policy-report.json").read_text())


def statuses(tmp_path):
    return dict((t["tenant"], t["status"]) for t in report(tmp_path)["tenants"])


def bound_names(tenant):
    return [b["action"]["name"] for b in tenant.bindings("post-login")]


def test_fresh_tenants_converge_then_rerun_is_free(playbook, emulator, tmp_path):
    emu = emulator(3)
    inv = inventory(tmp_path, emu)
    first = playbook(PLAYBOOK, inventory=inv)
    assert first.rc == 0, first
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "changed", "tenant3": "changed"}
    for tenant in emu.tenants:
        state = tenant.settings_minutes()
        assert (state["session_lifetime"], state["idle_session_lifetime"], state["ephemeral_session_lifetime"],
                state["idle_ephemeral_session_lifetime"]) == (43200, 4320, 1440, 480)
        actions = [a for a in tenant.actions() if a["name"] == ACTION]
        assert len(actions) == 1 and actions[0]["deployed_version"]["number"] == 1
        assert actions[0]["all_changes_deployed"] is True
        assert bound_names(tenant) == [ACTION]
        assert tenant.token_count() == 1
        tenant.clear_requests()

    second = playbook(PLAYBOOK, inventory=inv)
    assert second.rc == 0, second
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "compliant", "tenant3": "compliant"}
    for tenant in emu.tenants:
        assert tenant.writes() == []
        assert len(tenant.requests()) <= 4, tenant.requests()
        assert tenant.token_count() == 2
    md = (tmp_path / "session-policy-report.md").read_text()
    assert "3 tenants:\n0 compliant" not in md and "3 compliant" in md


def test_check_mode_reports_drift_writes_nothing_then_apply_fixes(playbook, emulator, tmp_path):
    emu = emulator(3)
    inv = inventory(tmp_path, emu)
    assert playbook(PLAYBOOK, inventory=inv).rc == 0
    drifted = emu.tenant("tenant2")
    drifted.set_settings(idle_session_lifetime_minutes=90)
    for tenant in emu.tenants:
        tenant.clear_requests()

    scan = playbook(PLAYBOOK, inventory=inv, check=True)
    assert scan.rc == 0, scan
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "drifted", "tenant3": "compliant"}
    entry = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    assert entry["differences"] == [{"part": "settings", "field": "idle_session_lifetime",
                                     "current": "1h30m", "desired": "3d"}]
    assert report(tmp_path)["check_mode"] is True
    assert all(t.writes() == [] for t in emu.tenants)
    assert "tenant2 | drifted | settings `idle_session_lifetime`" in (tmp_path / "session-policy-report.md").read_text()

    gate = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"session_policy_fail_on_drift": True})
    assert gate.rc != 0
    gate_failures = [r for r in gate.results if r["status"] == "failed"]
    assert [(r["host"], r["result"]["msg"]) for r in gate_failures] == [
        ("tenant2", 'Session policy drift on tenant2: settings idle_session_lifetime is "1h30m", the policy wants "3d"')]
    assert all(t.writes() == [] for t in emu.tenants)

    fix = playbook(PLAYBOOK, inventory=inv)
    assert fix.rc == 0, fix
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "changed", "tenant3": "compliant"}
    assert [w["body"] for w in drifted.writes()] == [{"idle_session_lifetime_in_minutes": 4320}]

    clean = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"session_policy_fail_on_drift": True})
    assert clean.rc == 0, clean


def test_policy_change_updates_action_and_keeps_binding(playbook, emulator, tmp_path):
    emu = emulator(1)
    inv = inventory(tmp_path, emu)
    assert playbook(PLAYBOOK, inventory=inv).rc == 0
    tenant = emu.tenant("tenant1")
    binding_ids = [b["id"] for b in tenant.bindings("post-login")]
    tenant.clear_requests()
    policy = json.loads(json.dumps(POLICY))
    policy["session_policy_rules"][0]["session_lifetime"] = "4h"
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, policy=policy), diff=True)
    assert run.rc == 0, run
    action = [a for a in tenant.actions() if a["name"] == ACTION][0]
    assert action["deployed_version"]["number"] == 2
    assert [b["id"] for b in tenant.bindings("post-login")] == binding_ids
    assert [(w["method"], w["path"].split("/")[-1]) for w in tenant.writes()] == [
        ("PATCH", action["id"]), ("POST", "deploy")]
    assert '"idle_session_lifetime_minutes":30,"session_lifetime_minutes":240' in action["code"]


def test_failed_tenant_stops_the_rollout(playbook, emulator, tmp_path):
    emu = emulator(4)
    emu.tenant("tenant2").set_faults(fail_builds=1)
    # serial is templated before inventory variables exist, so batches come as extra vars.
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu), extra_vars={"session_policy_batches": [1, 1, "100%"]})
    assert run.rc != 0
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "failed"}
    failed = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    assert "build" in failed["error"] and "failed" in failed["error"]
    assert sorted(report(tmp_path)["not_reached"]) == ["tenant3", "tenant4"]
    assert emu.tenant("tenant3").requests() == [] and emu.tenant("tenant4").requests() == []
    # The failed build was not deployed or bound.
    assert bound_names(emu.tenant("tenant2")) == []


@pytest.mark.parametrize("policy_change, message", [
    ({"session_policy_rules": [{"name": "empty", "match": {}, "session_lifetime": "1h"}]},
     "session_policy_rules[0].match"),
    ({"session_policy_default": {"session_lifetime": "7x"}}, "session_policy_default.session_lifetime"),
    ({"session_policy_rules": [{"name": "too long", "match": {"mfa": True}, "session_lifetime": "60d"}]},
     "session_policy_rules[0].session_lifetime"),
])
def test_bad_policy_fails_before_any_request(playbook, emulator, tmp_path, policy_change, message):
    emu = emulator(2)
    policy = dict(POLICY, **policy_change)
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, policy=policy))
    assert run.rc != 0
    assert message in run.output
    assert all(t.requests() == [] for t in emu.tenants)


def test_host_vars_override_group_policy(playbook, emulator, tmp_path):
    emu = emulator(2)
    override = {"tenant2": {"session_policy_tenant": dict(POLICY["session_policy_tenant"], idle_session_lifetime="2d")}}
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, host_vars=override))
    assert run.rc == 0, run
    assert emu.tenant("tenant1").settings_minutes()["idle_session_lifetime"] == 4320
    assert emu.tenant("tenant2").settings_minutes()["idle_session_lifetime"] == 2880


def test_secrets_never_in_verbose_role_output(playbook, emulator, tmp_path, execution):
    emu = emulator(2)
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu), verbosity=3, diff=True)
    assert run.rc == 0, run
    # -vvv shows the module's AnsiballZ file only when the module ran in an interpreter of its own.
    assert ("AnsiballZ_session_policy.py" in run.output) == (execution == "module")
    for tenant in emu.tenants:
        for secret in [tenant.client_secret] + tenant.issued_tokens():
            assert secret not in run.output
            assert secret not in (tmp_path / "session-policy-report.json").read_text()


def test_self_service_enforces_settings_and_refuses_or_skips_the_action(playbook, emulator, tmp_path):
    """api.session is an Enterprise feature: on self_service the Action part is refused, or skipped when asked."""
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, session_policy_plan="self_service"))
    assert run.rc != 0, run
    assert statuses(tmp_path) == {"tenant1": "failed"}
    error = report(tmp_path)["tenants"][0]["error"]
    assert "Enterprise features" in error and "action_on_self_service: skip" in error
    # The settings that shorten sessions were enforced; session_lifetime was not lengthened to 30d
    # without the Action that shortens the risky logins (issue 16); no Action was created, deployed or bound.
    assert tenant.settings_minutes()["session_lifetime"] == 10080
    assert tenant.settings_minutes()["idle_ephemeral_session_lifetime"] == 480
    assert "session_lifetime (stays 7d, the policy wants 30d)" in report(tmp_path)["tenants"][0]["left_in"]
    assert tenant.actions() == [] and tenant.bindings("post-login") == []
    assert [w["path"] for w in tenant.writes()] == ["/api/v2/tenants/settings"]

    tenant.clear_requests()
    skip = inventory(tmp_path, emu, session_policy_plan="self_service", session_policy_action_on_self_service="skip")
    run = playbook(PLAYBOOK, inventory=skip)
    assert run.rc == 0, run
    # Settings only, as asked: now every setting, the lengthening too.
    assert statuses(tmp_path) == {"tenant1": "changed"}
    assert tenant.settings_minutes()["session_lifetime"] == 43200
    assert "skipped (action_on_self_service: skip)" in " ".join(run.output.split())
    assert [w["body"] for w in tenant.writes()] == [{"session_lifetime_in_minutes": 43200}] and tenant.actions() == []
    # Check mode refuses the same way and writes nothing.
    tenant.clear_requests()
    tenant.set_settings(session_lifetime_minutes=60)
    checked = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, session_policy_plan="self_service"), check=True)
    assert checked.rc != 0 and statuses(tmp_path) == {"tenant1": "failed"}, checked
    assert tenant.writes() == []
