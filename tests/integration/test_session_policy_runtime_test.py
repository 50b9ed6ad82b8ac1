"""The draft runs on Auth0's runtime (emulated: POST .../actions/{id}/test, tests/emulator/README.md) before
every deploy; an error there stops that tenant before its deploy and before any lengthening setting."""
import json

from harness import ACTION, PLAYBOOK, inventory

TASK = "Enforce tenant settings, Action and binding"


def report(tmp_path):
    return dict((t["tenant"], t) for t in json.loads((tmp_path / "session-policy-report.json").read_text())["tenants"])


def calls(tenant):
    """``[(method, last path segment)]`` of the tenant's requests under /api/v2, in order."""
    return [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in tenant.requests() if r["path"].startswith("/api/v2/")]


def test_a_runtime_error_stops_that_tenant_before_its_deploy(playbook, emulator, tmp_path):
    emu = emulator(3)
    failing, off = emu.tenant("tenant2"), emu.tenant("tenant3")
    failing.set_faults(action_test_error={"name": "TypeError", "message": "Cannot read properties of undefined (reading 'x')"})
    inv = inventory(tmp_path, emu, host_vars={"tenant3": {"session_policy_runtime_test": False}})

    scan = playbook(PLAYBOOK, inventory=inv, check=True)
    assert scan.rc == 0, scan
    # Check mode never runs the draft: the draft is not the new code then.
    assert not any(path == "test" for tenant in emu.tenants for unused, path in calls(tenant))

    run = playbook(PLAYBOOK, inventory=inv)
    assert run.rc != 0, run
    # The healthy tenant: one test per rule of the example policy plus the default, all before the deploy.
    tested = calls(emu.tenant("tenant1"))
    assert [c for c in tested if c[1] == "test"] == [("POST", "test")] * 4
    assert max(i for i, c in enumerate(tested) if c[1] == "test") < tested.index(("POST", "deploy"))
    result = run.task(TASK, host="tenant1")["result"]
    assert result["runtime_test"]["summary"] == "4 of 4 tested on Auth0's runtime"
    # The emulator lists the session calls, so each test is compared with explain (an assumption about Auth0).
    assert [r["outcome"] for r in result["runtime_test"]["results"]] == [
        "ran on Auth0's runtime; its session calls are what explain expects"] * 4

    # The failing tenant: the first test's error, nothing deployed, no lengthening PATCH.
    writes = [(w["method"], w["path"].rsplit("/", 1)[-1], w["body"]) for w in failing.writes()]
    assert not [w for w in writes if w[1] == "deploy"]
    assert [w for w in writes if w[1] == "settings"] == [
        ("PATCH", "settings", {"ephemeral_session_lifetime_in_minutes": 1440, "idle_ephemeral_session_lifetime_in_minutes": 480})]
    assert failing.settings_minutes()["session_lifetime"] == 7 * 24 * 60  # 30d waits for a deployed Action
    assert [c for c in calls(failing) if c[1] == "test"] == [("POST", "test")]
    assert failing.bindings("post-login") == [] and failing.actions()[0]["versions"] == []
    record = run.task(TASK, host="tenant2")
    failed = record["result"]
    message = ("action: the draft of the action '%s' failed on Auth0's runtime before its deploy (test \"a login for "
               "rule high-risk logins\"): TypeError: Cannot read properties of undefined (reading 'x') (from Auth0's "
               "runtime). Nothing was deployed" % ACTION)
    assert record["status"] == "failed" and message in failed["msg"], failed["msg"]
    assert failed["runtime_test"]["summary"] == "1 of 4 tested on Auth0's runtime"
    entry = report(tmp_path)["tenant2"]
    assert entry["status"] == "failed" and "(from Auth0's runtime)" in entry["error"]

    # runtime_test: false deploys without a test.
    assert not [c for c in calls(off) if c[1] == "test"] and off.actions()[0]["deployed_version"]["number"] == 1

    # The runtime answers again: the draft found built and undeployed is tested, then deployed; nothing rewritten.
    failing.set_faults(action_test_error=None)
    for tenant in emu.tenants:
        tenant.clear_requests()
    again = playbook(PLAYBOOK, inventory=inv)
    assert again.rc == 0, again
    redeploy = calls(failing)
    assert ("PATCH", failing.actions()[0]["id"]) not in redeploy
    assert [c for c in redeploy if c[1] == "test"] == [("POST", "test")] * 4
    assert max(i for i, c in enumerate(redeploy) if c[1] == "test") < redeploy.index(("POST", "deploy"))
    assert failing.settings_minutes()["session_lifetime"] == 30 * 24 * 60
    # The converged tenants: still four requests (token, settings, action lookup, bindings), no test.
    for tenant in (emu.tenant("tenant1"), off):
        assert len(tenant.requests()) == 4 and not [c for c in calls(tenant) if c[1] == "test"], tenant.requests()
