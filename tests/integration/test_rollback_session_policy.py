"""Rolling back a rollout with the rollback_session_policy playbook, from the report of the run to undo."""
import copy
import json

from harness import ACTION, PLAYBOOK, POLICY, inventory
from test_session_policy_role import bound_names, token_audiences

ROLLBACK = """
- name: Roll back
  ansible.builtin.import_playbook: sessionguard.auth0.rollback_session_policy
"""

# Policy B differs from A in one tenant setting and in one rule, so both the settings and the Action change.
POLICY_B = copy.deepcopy(POLICY)
POLICY_B["session_policy_tenant"]["idle_session_lifetime"] = "1d"
POLICY_B["session_policy_rules"][0]["session_lifetime"] = "4h"


def action(tenant):
    return [a for a in tenant.actions() if a["name"] == ACTION][0]


def deployed(tenant):
    return action(tenant)["deployed_version"]


def rollback_report(tmp_path):
    found = json.loads((tmp_path / "session-policy-rollback.json").read_text())
    return found, dict((t["tenant"], t["status"]) for t in found["tenants"])


def apply_a_then_b(playbook, emu, tmp_path):
    """Policy A, then B; returns A's settings and deployed version per tenant."""
    assert playbook(PLAYBOOK, inventory=inventory(tmp_path, emu)).rc == 0
    state_a = dict((t.name, (t.settings_minutes(), deployed(t))) for t in emu.tenants)
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, policy=POLICY_B))
    assert run.rc == 0, run
    for tenant in emu.tenants:
        assert tenant.settings_minutes()["idle_session_lifetime"] == 1440
        assert deployed(tenant)["number"] == 2
        tenant.clear_requests()
    return state_a


def test_apply_a_apply_b_rollback_restores_a_then_rerun_writes_nothing(playbook, emulator, tmp_path):
    emu = emulator(2)
    state_a = apply_a_then_b(playbook, emu, tmp_path)
    recorded = json.loads((tmp_path / "session-policy-report.json").read_text())["tenants"][0]["replaced"]
    assert recorded["settings"] == {"before": {"idle_session_lifetime": "3d"}, "after": {"idle_session_lifetime": "1d"}}
    assert recorded["action"]["before"] == {"id": state_a["tenant1"][1]["id"], "number": 1}
    assert recorded["action"]["after"]["number"] == 2
    inv = inventory(tmp_path, emu)

    check = playbook(ROLLBACK, inventory=inv, check=True, diff=True)
    assert check.rc == 0, check
    assert all(t.writes() == [] for t in emu.tenants)
    found, statuses = rollback_report(tmp_path)
    assert statuses == {"tenant1": "to_restore", "tenant2": "to_restore"} and found["check_mode"] is True
    assert sorted((r["part"], r["field"]) for r in found["tenants"][0]["restores"]) == [
        ("action", "deployed_version"), ("settings", "idle_session_lifetime")]
    assert '"settings.idle_session_lifetime": "3d"' in check.output
    # At the rollout's standard: a heading and a line per tenant with what it would restore, a Markdown report,
    # and the report's write is no change (the recap says changed=0 for a check run).
    summary = check.task("Rollback summary, one line per tenant")["result"]["msg"]
    assert summary[0] == "Rollback (check mode): nothing was written. It would restore 2 tenants."
    assert summary[1].startswith('tenant1 to_restore: ') and 'settings idle_session_lifetime: "1d" -> "3d"' in summary[1]
    assert "action deployed_version: " in summary[1]
    # The Action's part says what a login gets back, not only the version numbers (B set 4h, A had 8h).
    assert '(policy: action rules["high-risk logins"].session_lifetime: "4h" -> "8h")' in summary[1], summary[1]
    action_entry = [r for r in found["tenants"][0]["restores"] if r["part"] == "action"][0]
    assert action_entry["policy_changes"] == [{"field": 'rules["high-risk logins"].session_lifetime', "current": "4h",
                                               "restore_to": "8h"}]
    assert '"action.rules[\\"high-risk logins\\"].session_lifetime": "4h"' in check.output, check.output
    md = (tmp_path / "session-policy-rollback.md").read_text()
    assert md.startswith("# Session policy rollback\n\n**Rollback (check mode): nothing was written.")
    assert 'settings idle\\_session\\_lifetime' not in md and 'settings idle_session_lifetime: "1d" -&gt; "3d"' in md
    assert all(r["result"].get("changed") is not True for r in check.results if r["status"] != "skipped"
               and r["task"] != "Restore the settings and the Action version the run replaced")

    run = playbook(ROLLBACK, inventory=inv)
    assert run.rc == 0, run
    assert rollback_report(tmp_path)[1] == {"tenant1": "restored", "tenant2": "restored"}
    for tenant in emu.tenants:
        settings_a, version_a = state_a[tenant.name]
        assert tenant.settings_minutes() == settings_a
        now = deployed(tenant)
        # A redeploy is a new version (3) with version 1's code.
        assert now["number"] == 3 and now["code"] == version_a["code"] and now["id"] != version_a["id"]
        assert bound_names(tenant) == [ACTION]
        assert [(w["method"], w["path"]) for w in tenant.writes()] == [
            ("PATCH", "/api/v2/tenants/settings"),
            ("POST", "/api/v2/actions/actions/%s/versions/%s/deploy" % (action(tenant)["id"], version_a["id"]))]
        assert tenant.writes()[0]["body"] == {"idle_session_lifetime_in_minutes": 4320}
        tenant.clear_requests()

    again = playbook(ROLLBACK, inventory=inv)
    assert again.rc == 0, again
    # A tenant it skips says why.
    assert again.task("Rollback summary, one line per tenant")["result"]["msg"][1] == (
        "tenant1 already_restored: already as before the run: nothing to restore")
    assert rollback_report(tmp_path)[1] == {"tenant1": "already_restored", "tenant2": "already_restored"}
    assert all(t.writes() == [] for t in emu.tenants)
    assert all(r["result"].get("changed") is not True for r in again.results if r["task"].startswith("Restore"))


def test_tenant_edited_since_the_report_is_reported_not_overwritten_unless_forced(playbook, emulator, tmp_path):
    emu = emulator(3)
    state_a = apply_a_then_b(playbook, emu, tmp_path)
    edited = emu.tenant("tenant2")
    edited.set_settings(idle_session_lifetime_minutes=600)
    inv = inventory(tmp_path, emu)

    run = playbook(ROLLBACK, inventory=inv, verbosity=3)
    assert run.rc != 0
    found, statuses = rollback_report(tmp_path)
    assert statuses == {"tenant1": "restored", "tenant2": "changed_since_report", "tenant3": "restored"}
    assert edited.writes() == [] and edited.settings_minutes()["idle_session_lifetime"] == 600
    assert deployed(edited)["number"] == 2
    failures = [(r["host"], r["result"]["msg"]) for r in run.results if r["status"] == "failed"]
    assert failures == [("tenant2", "tenant2 was changed after the run to undo, so nothing was restored on it: "
                                    'settings idle_session_lifetime is "10h", the run left "1d", the rollback would '
                                    'restore "3d". Set session_policy_rollback_force=true to restore it anyway.')]
    for tenant in emu.tenants:
        for secret in [tenant.client_secret] + tenant.issued_tokens():
            assert secret not in run.output
            assert secret not in (tmp_path / "session-policy-rollback.json").read_text()

    forced = playbook(ROLLBACK, inventory=inv, extra_vars={"session_policy_rollback_force": True})
    assert forced.rc == 0, forced
    assert rollback_report(tmp_path)[1] == {"tenant1": "already_restored", "tenant2": "restored",
                                            "tenant3": "already_restored"}
    assert edited.settings_minutes() == state_a["tenant2"][0]
    assert deployed(edited)["code"] == state_a["tenant2"][1]["code"]


def test_rollback_of_the_first_run_restores_settings_and_keeps_the_created_action(playbook, emulator, tmp_path):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    before = tenant.settings_minutes()
    assert playbook(PLAYBOOK, inventory=inventory(tmp_path, emu)).rc == 0
    tenant.clear_requests()
    run = playbook(ROLLBACK, inventory=inventory(tmp_path, emu))
    assert run.rc == 0, run
    found, statuses = rollback_report(tmp_path)
    assert statuses == {"tenant1": "restored"}
    assert found["tenants"][0]["notes"] == [
        "action %s: the run created it, so there is no earlier version to redeploy; it stays deployed and bound" % ACTION]
    assert tenant.settings_minutes() == before
    assert [w["method"] for w in tenant.writes()] == ["PATCH"] and bound_names(tenant) == [ACTION]


def test_check_mode_report_is_refused(playbook, emulator, tmp_path):
    emu = emulator(1)
    inv = inventory(tmp_path, emu)
    assert playbook(PLAYBOOK, inventory=inv, check=True).rc == 0
    run = playbook(ROLLBACK, inventory=inv)
    assert run.rc != 0
    assert "is the report of a check-mode run, which wrote nothing" in run.output
    assert emu.tenant("tenant1").writes() == []


def test_rollback_takes_the_roles_connection_mapping(playbook, emulator, tmp_path):
    """Every connection option of session_policy_connection reaches the rollback, audience included."""
    emu = emulator(2)
    apply_a_then_b(playbook, emu, tmp_path)
    custom = "https://login.acme.example/api/v2/"
    tenant1, tenant2 = emu.tenant("tenant1"), emu.tenant("tenant2")
    extra = {"tenant1": {"session_policy_connection": {"audience": tenant1.audience}},
             "tenant2": {"session_policy_connection": {"audience": custom}}}
    run = playbook(ROLLBACK, inventory=inventory(tmp_path, emu, host_vars=extra))
    assert run.rc != 0
    assert token_audiences(tenant1) == [tenant1.audience] and token_audiences(tenant2) == [custom]
    assert rollback_report(tmp_path)[1] == {"tenant1": "restored", "tenant2": "failed"}
    assert tenant1.settings_minutes()["idle_session_lifetime"] == 4320 and tenant2.writes() == []


def rollout_report(tmp_path):
    return json.loads((tmp_path / "session-policy-report.json").read_text())


def test_after_apply_a_apply_b_rollback_and_back_to_a_nothing_drifts_and_an_apply_writes_nothing(
        playbook, emulator, tmp_path):
    """issue 22, phantom drift: the scan judged the draft while logins run the deployed version."""
    emu = emulator(2)
    state_a = apply_a_then_b(playbook, emu, tmp_path)
    inv = inventory(tmp_path, emu)
    assert playbook(ROLLBACK, inventory=inv).rc == 0
    for tenant in emu.tenants:
        redeploy = [w for w in tenant.writes() if w["path"].endswith("/versions/%s/deploy" % state_a[tenant.name][1]["id"])]
        assert [w["body"] for w in redeploy] == [{"update_draft": True}]
        # The draft is what runs again, so the next rollout compares like with like.
        assert action(tenant)["code"] == deployed(tenant)["code"] == state_a[tenant.name][1]["code"]
        tenant.clear_requests()

    scan = playbook(PLAYBOOK, inventory=inv, check=True)
    assert scan.rc == 0, scan
    found = rollout_report(tmp_path)
    assert [(t["tenant"], t["status"], t["differences"]) for t in found["tenants"]] == [
        ("tenant1", "compliant", []), ("tenant2", "compliant", [])]
    assert all(t.writes() == [] for t in emu.tenants)

    apply = playbook(PLAYBOOK, inventory=inv)
    assert apply.rc == 0, apply
    for tenant in emu.tenants:
        assert tenant.writes() == []
    for tenant in emu.tenants:
        tenant.clear_requests()
    again = playbook(PLAYBOOK, inventory=inv)
    assert again.rc == 0, again
    for tenant in emu.tenants:
        # Converged: token, settings, the action lookup (its deployed version's code included), bindings.
        assert [(r["method"], r["path"]) for r in tenant.requests()] == [
            ("POST", "/oauth/token"), ("GET", "/api/v2/tenants/settings"), ("GET", "/api/v2/actions/actions"),
            ("GET", "/api/v2/actions/triggers/post-login/bindings")], tenant.requests()


def test_a_draft_nobody_deployed_is_its_own_line_not_drift_and_is_left_alone(playbook, emulator, tmp_path):
    """A rollback that left the draft alone (as Auth0 does without update_draft) or an edit never deployed."""
    emu = emulator(1)
    state_a = apply_a_then_b(playbook, emu, tmp_path)
    tenant = emu.tenant("tenant1")
    inv = inventory(tmp_path, emu)
    assert playbook(ROLLBACK, inventory=inv).rc == 0
    code_b = [v for v in tenant.actions()[0]["versions"] if v["number"] == 2][0]["code"]
    with tenant.lock:  # behind the tool's back: the draft holds B again, not deployed
        tenant.action_store.update(action(tenant)["id"], {"code": code_b})
    assert deployed(tenant)["code"] == state_a["tenant1"][1]["code"] != action(tenant)["code"]
    tenant.clear_requests()

    scan = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"session_policy_fail_on_drift": True})
    assert scan.rc == 0, scan
    (record,) = rollout_report(tmp_path)["tenants"]
    assert record["status"] == "compliant"
    assert record["differences"] == [{"part": "action", "field": "draft", "drift": False,
                                      "current": "draft differs from the deployed version, not deployed",
                                      "desired": "left as it is: logins run the deployed version, which is the policy"}]
    assert "draft differs from the deployed version, not deployed" in (tmp_path / "session-policy-report.md").read_text()
    apply = playbook(PLAYBOOK, inventory=inv)
    assert apply.rc == 0, apply
    assert tenant.writes() == [] and action(tenant)["code"] == code_b


def test_a_record_of_another_tenant_is_refused_with_nothing_read_or_written(playbook, emulator, tmp_path):
    emu = emulator(2)
    apply_a_then_b(playbook, emu, tmp_path)
    tenant1, tenant2 = emu.tenant("tenant1"), emu.tenant("tenant2")
    # tenant1's host now points at tenant2: the report's tenant1 record would be written into tenant2.
    moved = {"tenant1": {"session_policy_domain": tenant2.domain, "session_policy_client_id": tenant2.client_id,
                         "session_policy_client_secret": tenant2.client_secret}}
    run = playbook(ROLLBACK, inventory=inventory(tmp_path, emu, host_vars=moved), args=["--limit", "tenant1"],
                   extra_vars={"session_policy_rollback_force": True})
    assert run.rc != 0
    found = rollback_report(tmp_path)[0]["tenants"]
    assert [(t["tenant"], t["status"]) for t in found] == [("tenant1", "other_tenant")]
    assert "the record is of the tenant at %s, but this host connects to %s" % (tenant1.domain, tenant2.domain) \
        in found[0]["error"]
    assert tenant2.requests() == [] and tenant1.requests() == []
    assert tenant2.settings_minutes()["idle_session_lifetime"] == 1440 and deployed(tenant2)["number"] == 2


def test_a_bad_report_or_a_missing_version_writes_nothing(playbook, emulator, tmp_path):
    """A tenant listed twice, a tampered value to restore, a version deleted since: each refused, nothing written."""
    emu = emulator(4)
    state_a = apply_a_then_b(playbook, emu, tmp_path)
    path = tmp_path / "session-policy-report.json"
    report = json.loads(path.read_text())
    records = dict((t["tenant"], t) for t in report["tenants"])
    records["tenant2"]["replaced"]["settings"]["before"]["cookie_mode"] = "evil"
    records["tenant2"]["replaced"]["settings"]["after"]["cookie_mode"] = "persistent"
    records["tenant3"]["replaced"]["settings"]["before"]["session_lifetime"] = "100000h"
    report["tenants"].append(dict(records["tenant1"]))
    path.write_text(json.dumps(report))
    gone = emu.tenant("tenant4")
    with gone.lock:
        stored = gone.action_store.actions[action(gone)["id"]]
        stored.versions = [v for v in stored.versions if v["id"] != state_a["tenant4"][1]["id"]]

    run = playbook(ROLLBACK, inventory=inventory(tmp_path, emu), extra_vars={"session_policy_rollback_force": True})
    assert run.rc != 0
    found = dict((t["tenant"], t) for t in rollback_report(tmp_path)[0]["tenants"])
    assert dict((name, t["status"]) for name, t in found.items()) == dict.fromkeys(
        ("tenant1", "tenant2", "tenant3", "tenant4"), "failed")
    assert "lists tenant1 2 times, so which record is the run's cannot be told" in found["tenant1"]["error"]
    assert found["tenant2"]["error"] == ("replaced.settings.before.cookie_mode: must be one of persistent, "
                                         "non-persistent; got 'evil'")
    assert found["tenant3"]["error"] == ("replaced.settings.before.session_lifetime: is 4166d16h, over the "
                                         "enterprise plan's absolute lifetime maximum of 365d (8760 hours)")
    assert found["tenant4"]["error"] == (
        "action %s: version 1 (%s), deployed before the run, no longer exists, so it cannot be redeployed; nothing "
        "was restored on this tenant" % (ACTION, state_a["tenant4"][1]["id"]))
    for name in ("tenant1", "tenant2", "tenant3"):
        # Refused from the report alone: not even a token was asked for.
        assert emu.tenant(name).requests() == []
    assert gone.writes() == []
    for tenant in emu.tenants:
        assert tenant.settings_minutes()["idle_session_lifetime"] == 1440 and deployed(tenant)["number"] == 2
