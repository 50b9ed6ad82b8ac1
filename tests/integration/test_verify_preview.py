"""verify_session_policy and preview_session_policy against the emulator: rollout, emulated sign-ins of canaries
(the emulator runs the deployed Action in Node and shapes the session, clamped by the tenant's settings), then
the read-only playbooks, whose requests the emulator's log shows are all reads."""
import copy
import json

from harness import PLAYBOOK, POLICY, emulator_secrets, inventory, leaks_in

VERIFY = """
- name: Verify
  ansible.builtin.import_playbook: sessionguard.auth0.verify_session_policy
"""
PREVIEW = """
- name: Preview
  ansible.builtin.import_playbook: sessionguard.auth0.preview_session_policy
"""
# Logins of the example policy (docs/examples/inventory): the risky one gets 8h/30m, the partner 30d/1d.
CANARIES = [
    {"name": "risky admin", "user_id": "auth0|canary-risky-0001", "login": {"client": "web-client-id", "risk_confidence": "low"}},
    {"name": "partner", "user_id": "auth0|canary-partner-0002", "login": {"client": "web-client-id", "organization": "acme-partners"}},
]


def sign_in_canaries(emu, canaries=None):
    for tenant in emu.tenants:
        for canary in CANARIES if canaries is None else canaries:
            signed = tenant.sign_in(canary["user_id"], login=canary["login"])
            assert signed["error"] is None, signed


def verify_report(tmp_path):
    report = json.loads((tmp_path / "session-policy-verify.json").read_text())
    return report, dict((t["tenant"], t) for t in report["tenants"])


def roll_out(playbook, emu, tmp_path, **group_vars):
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, **group_vars))
    assert run.rc == 0, run


def test_verify_reports_each_canary_verified_and_writes_nothing_in_check_mode_or_not(playbook, emulator, tmp_path):
    emu = emulator(2)
    roll_out(playbook, emu, tmp_path)
    sign_in_canaries(emu)
    inv = inventory(tmp_path, emu, session_policy_canaries=CANARIES)
    for tenant in emu.tenants:
        tenant.clear_requests()
    for check in (True, False):
        run = playbook(VERIFY, inventory=inv, check=check, verbosity=3)
        assert run.rc == 0, run
        assert all(t.writes() == [] for t in emu.tenants), [t.writes() for t in emu.tenants]
        report, by_tenant = verify_report(tmp_path)
        assert report["summary"] == {"verified": 2} and report["check_mode"] is check
        for record in by_tenant.values():
            assert record["status"] == "verified", record
            assert [(c["name"], c["status"]) for c in record["canaries"]] == [("risky admin", "verified"), ("partner", "verified")]
            assert record["canaries"][0]["granted"] == {"session_lifetime": "8h", "idle_session_lifetime": "30m"}
            assert record["version"]["deployed"]["number"] == 1 and record["version"]["bound"] is True
        summary = run.task("Summary, one line per tenant")["result"]["msg"]
        assert summary[0].startswith("tenant1 verified: version 1 deployed and bound; risky admin: verified; partner: verified")
        # User ids are never printed: not in the output, the report, or any result.
        texts = {"output": run.output, "json": (tmp_path / "session-policy-verify.json").read_text(),
                 "md": (tmp_path / "session-policy-verify.md").read_text()}
        for canary in CANARIES:
            assert canary["user_id"] not in json.dumps(texts) and canary["user_id"].split("|")[1] not in json.dumps(texts)
        assert leaks_in(texts, emulator_secrets(emu)) == []


def test_a_tenant_limit_lower_than_a_rule_is_not_verified_with_the_real_value_and_its_clamp_counted(playbook, emulator, tmp_path):
    emu = emulator(2)
    roll_out(playbook, emu, tmp_path)
    # Behind the tool's back, tenant2's absolute lifetime drops below the partner rule's 30d.
    emu.tenant("tenant2").set_settings(session_lifetime_in_minutes=7 * 24 * 60)
    sign_in_canaries(emu)
    for tenant in emu.tenants:
        tenant.clear_requests()
    run = playbook(VERIFY, inventory=inventory(tmp_path, emu, session_policy_canaries=CANARIES))
    assert run.rc != 0
    report, by_tenant = verify_report(tmp_path)
    assert by_tenant["tenant1"]["status"] == "verified"
    record = by_tenant["tenant2"]
    assert record["status"] == "not_verified"
    partner = record["canaries"][1]
    assert partner["message"] == "not verified: session_lifetime: Auth0 gave 7d, the policy says 30d"
    assert record["clamps"]["count"] == 1 and "session_lifetime" in record["clamps"]["first"]
    assert run.task("Stop on a tenant that failed or did not verify", host="tenant2")["status"] == "failed"
    assert run.task("Stop on a tenant that failed or did not verify", host="tenant1")["status"] == "skipped"
    assert all(t.writes() == [] for t in emu.tenants)


def test_no_session_since_the_rollout_asks_to_sign_in(playbook, emulator, tmp_path):
    emu = emulator(1)
    roll_out(playbook, emu, tmp_path)
    run = playbook(VERIFY, inventory=inventory(tmp_path, emu, session_policy_canaries=CANARIES[:1]))
    assert run.rc != 0
    dummy, by_tenant = verify_report(tmp_path)
    assert by_tenant["tenant1"]["canaries"][0]["message"] == "no session since the rollout: sign in as risky admin and run again"


def test_self_service_is_not_available_and_a_missing_scope_fails_naming_it(playbook, emulator, tmp_path):
    emu = emulator(2)
    roll_out(playbook, emu, tmp_path)
    sign_in_canaries(emu)
    emu.tenant("tenant2").set_scopes(["read:actions", "read:logs"])
    for tenant in emu.tenants:
        tenant.clear_requests()
    run = playbook(VERIFY, inventory=inventory(tmp_path, emu, session_policy_canaries=CANARIES,
                                               host_vars={"tenant1": {"session_policy_plan": "self_service"}}))
    dummy, by_tenant = verify_report(tmp_path)
    assert by_tenant["tenant1"]["status"] == "not_available" and "not available on this plan" in by_tenant["tenant1"]["message"]
    assert emu.tenant("tenant1").requests() == []
    assert by_tenant["tenant2"]["status"] == "failed"
    assert "read:sessions" in by_tenant["tenant2"]["message"] and "docs/scopes.md" in by_tenant["tenant2"]["message"]
    assert "canary-risky" not in run.output
    assert run.rc != 0


def test_verify_after_a_rollback_expects_the_redeployed_version(playbook, emulator, tmp_path):
    emu = emulator(1)
    roll_out(playbook, emu, tmp_path)
    policy_b = copy.deepcopy(POLICY)
    policy_b["session_policy_rules"][0]["session_lifetime"] = "4h"
    assert playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, policy=policy_b)).rc == 0
    rollback = playbook("- ansible.builtin.import_playbook: sessionguard.auth0.rollback_session_policy\n",
                        inventory=inventory(tmp_path, emu, policy=policy_b))
    assert rollback.rc == 0, rollback
    sign_in_canaries(emu, CANARIES[:1])
    run = playbook(VERIFY, inventory=inventory(tmp_path, emu, policy=policy_b, session_policy_canaries=CANARIES[:1]))
    dummy, by_tenant = verify_report(tmp_path)
    record = by_tenant["tenant1"]
    # The rollback redeployed version 1 as version 3: the version check passes; the canary got policy A's 8h, while
    # the inventory (policy B) says 4h.
    assert record["version"]["status"] == "verified" and record["version"]["deployed"]["number"] == 3, record
    assert record["canaries"][0]["message"] == "not verified: session_lifetime: Auth0 gave 8h, the policy says 4h"
    assert run.rc != 0


def test_preview_counts_per_rule_from_recent_logins_and_writes_nothing(playbook, emulator, tmp_path):
    emu = emulator(1)
    # The example policy without its risk rule (no log carries risk: every login would be unknown at rule 1).
    policy_a = copy.deepcopy(POLICY)
    del policy_a["session_policy_rules"][0]
    roll_out_policy = inventory(tmp_path, emu, policy=policy_a)
    assert playbook(PLAYBOOK, inventory=roll_out_policy).rc == 0
    tenant = emu.tenant("tenant1")
    for index in range(4):
        tenant.sign_in("auth0|web-saml-%d" % index, login={"client": "web-client-id", "connection": "corp-saml"})
    for index in range(2):
        tenant.sign_in("auth0|web-google-%d" % index, login={"client": "web-client-id", "connection": "google-oauth2"})
    for index in range(2):
        tenant.sign_in("auth0|kiosk-%d" % index, login={"client": "kiosk-client-id"})
    policy_b = copy.deepcopy(policy_a)
    policy_b["session_policy_default"]["session_lifetime"] = "3d"
    policy_b["session_policy_rules"].append({"name": "saml admins", "match": {"roles": ["admin"], "connections": ["corp-saml"]},
                                             "session_lifetime": "8h", "idle_session_lifetime": "1h"})
    tenant.clear_requests()
    inv = inventory(tmp_path, emu, policy=policy_b, session_policy_preview_page_pause=0)
    for check in (True, False):
        run = playbook(PREVIEW, inventory=inv, check=check)
        assert run.rc == 0, run
        assert tenant.writes() == []
        lines = run.task("Show what the new policy changes, per rule")["result"]["msg"]
        assert lines[0] == "8 logins replayed", lines
        assert "default: 2 of 8 logins (now 6), session_lifetime 7d -> 3d, idle_session_lifetime 1d" in lines, lines
        assert "shared kiosks: 2 of 8 logins (now 2), session_lifetime 1d, idle_session_lifetime 8h" in lines, lines
        # The new rule asks for roles, which no log carries: the SAML logins are unknown for it, never a guess.
        assert "unknown for rule saml admins: 0 logins now, 4 under the new policy (the log does not carry roles)" in lines, lines
        assert "auth0|" not in run.output and "web-saml" not in run.output
    report = json.loads((tmp_path / "session-policy-preview.json").read_text())
    assert report["tenants"][0]["total"] == 8 and report["tenants"][0]["requests"] >= 4
    assert all(r["method"] == "GET" or r["path"] == "/oauth/token" for r in tenant.requests())


def test_a_tenant_left_out_of_the_reports_last_limit_run_is_verified_from_its_earlier_record(playbook, emulator, tmp_path):
    emu = emulator(2)
    roll_out(playbook, emu, tmp_path)
    rerun = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu), args=("--limit", "tenant1"))
    assert rerun.rc == 0, rerun
    assert [t["tenant"] for t in json.loads((tmp_path / "session-policy-report.json").read_text())["earlier"]] == ["tenant2"]
    sign_in_canaries(emu, CANARIES[:1])
    run = playbook(VERIFY, inventory=inventory(tmp_path, emu, session_policy_canaries=CANARIES[:1]))
    assert run.rc == 0, run
    dummy, by_tenant = verify_report(tmp_path)
    assert by_tenant["tenant2"]["status"] == "verified" and by_tenant["tenant2"]["version"]["expected"]["number"] == 1
