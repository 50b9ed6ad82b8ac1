"""The session_policy role and the enforce_session_policy playbook across several emulated tenants."""
import json
import re

import pytest
import yaml

from harness import ACTION, AWX_CREDENTIAL_VARS, PLAYBOOK, POLICY, inventory


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
    assert report(tmp_path)["heading"] == "Applied to every tenant."
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
    # One task per tenant: the validate play runs once for the fleet, and the enforce play imports the role
    # without ansible-core's per-host argument check (rolespec_validate: false).
    assert [r["task"] for r in second.results if r["host"] == "tenant3"] == ["Enforce tenant settings, Action and binding"]
    # The report files are artifacts, not managed state: a converged fleet's rerun changes nothing.
    assert [(r["task"], r["host"]) for r in second.results if r["result"].get("changed")] == []
    for tenant in emu.tenants:
        assert re.search(r"^%s\s+: ok=\d+\s+changed=0 " % tenant.name, second.stdout, re.M), second.stdout
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "compliant", "tenant3": "compliant"}
    for tenant in emu.tenants:
        assert tenant.writes() == []
        assert len(tenant.requests()) <= 4, tenant.requests()
        assert tenant.token_count() == 2
    md = (tmp_path / "session-policy-report.md").read_text()
    assert "3 tenants:\n0 compliant" not in md and "3 compliant" in md
    # The rerun's heading says nothing was written (the first run's says it applied).
    assert report(tmp_path)["heading"] == "Every tenant already matched the policy: nothing was written."
    assert "**Every tenant already matched the policy: nothing was written.**" in md
    summary = [r["result"]["msg"] for r in second.results if r["task"] == "Plan summary"]
    assert summary and summary[-1][0] == "Every tenant already matched the policy: nothing was written.", summary


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
    # CI tells drift from breakage by the report's outcome, with or without the gate (rc 0 here).
    assert (report(tmp_path)["outcome"], report(tmp_path)["summary"]["drifted"]) == ("drifted", 1)
    assert "~ tenant2 drifted: settings idle_session_lifetime" in scan.output
    assert all(t.writes() == [] for t in emu.tenants)
    assert "tenant2 | drifted | settings `idle_session_lifetime`" in (tmp_path / "session-policy-report.md").read_text()

    gate = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"session_policy_fail_on_drift": True})
    assert gate.rc != 0
    gate_failures = [r for r in gate.results if r["status"] == "failed" and r["task"] == "Enforce tenant settings, Action and binding"]
    assert [(r["host"], r["result"]["msg"]) for r in gate_failures] == [
        ("tenant2", 'tenant2 (%s) drifted from the session policy (fail_on_drift): '
         'settings idle_session_lifetime: "1h30m" -> "3d"' % drifted.domain)]
    assert all(t.writes() == [] for t in emu.tenants)
    # Then the tenant stops, after the report was written, without printing the differences a second time.
    assert [(r["host"], r["result"]["msg"]) for r in gate.results if r["task"] == "Stop here, the tenant failed"] == [
        ("tenant2", "tenant2 stopped here: Enforce tenant settings, Action and binding failed, as printed above")]
    assert gate.output.count('settings idle_session_lifetime: \\"1h30m\\" -> \\"3d\\"') == 2  # the gate, the plan summary
    # The gate fails the task, but the report still says drifted (not failed), with no error of its own.
    gated = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    assert (gated["status"], gated["error"], gated["differences"]) == ("drifted", "", entry["differences"])
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "drifted", "tenant3": "compliant"}

    fix = playbook(PLAYBOOK, inventory=inv)
    assert fix.rc == 0, fix
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "changed", "tenant3": "compliant"}
    assert [w["body"] for w in drifted.writes()] == [{"idle_session_lifetime_in_minutes": 4320}]

    clean = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"session_policy_fail_on_drift": True})
    assert clean.rc == 0, clean
    assert report(tmp_path)["outcome"] == "compliant"


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
    # Read as the policy, per rule and field, in the report, the plan summary and --diff.
    entry = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant1"][0]
    assert entry["differences"] == [{"part": "action", "field": 'rules["high-risk logins"].session_lifetime',
                                     "current": "8h", "desired": "4h"}]
    assert ('~ tenant1 changed: action rules["high-risk logins"].session_lifetime: "8h" -> "4h"'
            in run.task("Plan summary")["result"]["msg"])
    assert 'rules["high-risk logins"].session_lifetime: 8h -> 4h' in run.output
    assert "const POLICY" not in run.output


def test_new_tenant_check_diff_shows_the_policy_not_the_code(playbook, emulator, tmp_path):
    emu = emulator(1)
    inv = inventory(tmp_path, emu)
    run = playbook(PLAYBOOK, inventory=inv, check=True, diff=True)
    assert run.rc == 0, run
    assert "new Action with this policy:" in run.output
    assert ('rules["high-risk logins"]: when risk_confidence ["low"]: idle_session_lifetime 30m, session_lifetime 8h'
            in run.output)
    assert "onExecutePostLogin" not in run.output
    verbose = playbook(PLAYBOOK, inventory=inv, check=True, diff=True, verbosity=3)
    assert verbose.rc == 0, verbose
    assert "new Action with this policy:" in verbose.output and "onExecutePostLogin" in verbose.output
    assert emu.tenant("tenant1").writes() == []


# A batch the failed tenant fills alone, and one it shares with a tenant that succeeds: ansible-core
# counts a failure inside a block with ``always`` only after the batch, not for max_fail_percentage.
@pytest.mark.parametrize("batches, same_batch", [([1, 1, "100%"], {}), ([1, 2, "100%"], {"tenant3": "changed"})],
                         ids=["alone in its batch", "beside a tenant that succeeds"])
def test_failed_tenant_stops_the_rollout(playbook, emulator, tmp_path, batches, same_batch):
    emu = emulator(4)
    emu.tenant("tenant2").set_faults(fail_builds=1)
    # serial is templated before inventory variables exist, so batches come as extra vars.
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu), extra_vars={"session_policy_batches": batches})
    assert run.rc != 0
    assert statuses(tmp_path) == dict({"tenant1": "changed", "tenant2": "failed"}, **same_batch)
    failed = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    assert "build" in failed["error"] and "failed" in failed["error"]
    later = sorted(set(["tenant3", "tenant4"]) - set(same_batch))
    assert sorted(report(tmp_path)["not_reached"]) == later
    assert all(emu.tenant(name).requests() == [] for name in later)
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


def test_secrets_never_in_verbose_role_output(playbook, emulator, tmp_path):
    emu = emulator(2)
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu), verbosity=3, diff=True)
    assert run.rc == 0, run
    # -vvv would show a module's AnsiballZ file: the task runs in the worker, no module is packed.
    assert "AnsiballZ_session_policy.py" not in run.output
    for tenant in emu.tenants:
        for secret in [tenant.client_secret] + tenant.issued_tokens():
            assert secret not in run.output
            assert secret not in (tmp_path / "session-policy-report.json").read_text()


MODULE_DEFAULTS_PLAYBOOK = """
- name: Enforce with the connection in module_defaults
  hosts: all
  gather_facts: false
  connection: local
  module_defaults:
    group/sessionguard.auth0.auth0:
      domain: "{{ tenant_domain }}"
      client_id: "{{ tenant_client_id }}"
      client_secret: "{{ tenant_client_secret }}"
      ca_path: "{{ tenant_ca_path }}"
  roles:
    - role: sessionguard.auth0.session_policy
"""


def test_connection_from_module_defaults(playbook, emulator, tmp_path):
    emu = emulator(2)
    hosts = dict((t.name, {"tenant_domain": t.domain, "tenant_client_id": t.client_id,
                           "tenant_client_secret": t.client_secret, "tenant_ca_path": emu.ca_path})
                 for t in emu.tenants)
    variables = dict(POLICY, session_policy_report_dir=str(tmp_path))
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": variables}}))
    run = playbook(MODULE_DEFAULTS_PLAYBOOK, inventory=str(path))
    assert run.rc == 0, run
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "changed"}
    for tenant in emu.tenants:
        assert tenant.token_count() == 1
        assert bound_names(tenant) == [ACTION]


def token_audiences(tenant):
    return [r["body"].get("audience") for r in tenant.requests() if r["path"] == "/oauth/token"]


@pytest.mark.parametrize("style", ["mapping", "variables"])
def test_audience_reaches_the_token_request(playbook, emulator, tmp_path, style):
    """The connection mapping carries every connection option, audience included (issue 14)."""
    emu = emulator(2)
    custom = "https://login.acme.example/api/v2/"
    tenant1 = emu.tenant("tenant1")
    if style == "mapping":
        # The mapping wins over the older per-option variables the inventory also sets.
        extra = {"tenant1": {"session_policy_connection": {"audience": tenant1.audience, "timeout": 7}},
                 "tenant2": {"session_policy_connection": {"audience": custom}}}
    else:
        extra = {"tenant1": {"session_policy_audience": tenant1.audience},
                 "tenant2": {"session_policy_audience": custom}}
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, host_vars=extra),
                   extra_vars={"session_policy_batches": ["100%"]})
    assert run.rc != 0
    assert token_audiences(tenant1) == [tenant1.audience]
    assert token_audiences(emu.tenant("tenant2")) == [custom]
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "failed"}
    failed = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    assert "Service not enabled within domain" in failed["error"] and failed["domain"] == emu.tenant("tenant2").domain
    assert emu.tenant("tenant2").writes() == []


def test_tenant_missing_from_a_credentials_mapping_fails_alone(playbook, emulator, tmp_path):
    """docs/guides/awx.md's fleet credential: a tenant left out of it fails alone, reported."""
    emu = emulator(3)
    hosts = {}
    for tenant in emu.tenants:
        hosts[tenant.name] = {"ansible_connection": "local", "session_policy_domain": tenant.domain}
    credentials = dict((t.name, {"client_id": t.client_id, "client_secret": t.client_secret})
                       for t in emu.tenants if t.name != "tenant2")
    variables = dict(POLICY, session_policy_ca_path=emu.ca_path, session_policy_report_dir=str(tmp_path),
                     **AWX_CREDENTIAL_VARS)
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": variables}}))
    run = playbook(PLAYBOOK, inventory=str(path), extra_vars={
        "sessionguard_auth0_credentials": yaml.safe_dump(credentials), "session_policy_batches": ["100%"]})
    assert run.rc != 0
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "failed", "tenant3": "changed"}
    failed = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    # ansible-core 2.19 names the missing key; 2.17's vars lookup gives its default, so the module
    # names the missing credentials instead.
    assert "tenant2" in failed["error"] or "client_id" in failed["error"]
    assert emu.tenant("tenant2").requests() == []
    assert bound_names(emu.tenant("tenant3")) == [ACTION]
    for tenant in emu.tenants:
        assert tenant.client_secret not in run.output


def test_limit_run_merges_into_the_fleet_report(playbook, emulator, tmp_path):
    emu = emulator(3)
    inv = inventory(tmp_path, emu)
    first = playbook(PLAYBOOK, inventory=inv, extra_vars={"session_policy_batches": [1, 1, "100%"]})
    assert first.rc == 0, first
    whole = report(tmp_path)
    assert (whole["outcome"], whole["progress"]) == ("compliant", "applied") and whole["heading"] == "Applied to every tenant."
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", whole["generated_at"])
    assert len(whole["policies"]) == 1 and all(t["policy"] == whole["policies"][0] for t in whole["tenants"])
    # Each tenant keeps the time of its own batch (a first apply takes seconds), not the last report's.
    stamps = [t["reported_at"] for t in whole["tenants"]]
    assert stamps[0] < stamps[2] and stamps[2] == whole["generated_at"], stamps
    summaries = [r["result"]["msg"] for r in first.results if r["task"] == "Plan summary"]
    assert [lines[1] for lines in summaries] == [
        "canary: 1 tenant: 1 changed", "batch 2 of 3: 1 tenant: 1 changed", "batch 3 of 3: 1 tenant: 1 changed"]
    assert summaries[-1][-2:] == ["fleet: 3 tenants: 3 changed",
                                  "report: %s/session-policy-report.md" % tmp_path]
    # Lengthening settings are written last, after the Action is bound (issue 16), so listed last.
    assert summaries[0][2].startswith("~ tenant1 changed: settings ") and "settings session_lifetime: " in summaries[0][2]

    emu.tenant("tenant2").set_settings(idle_session_lifetime_minutes=90)
    for tenant in emu.tenants:
        tenant.clear_requests()
    scan = playbook(PLAYBOOK, inventory=inv, check=True, args=["--limit", "tenant2"])
    assert scan.rc == 0, scan
    # Nothing written, the drift left as found, and the tenants outside the limit not even asked.
    assert all(t.writes() == [] for t in emu.tenants)
    assert emu.tenant("tenant2").settings_minutes()["idle_session_lifetime"] == 90
    assert emu.tenant("tenant1").requests() == [] and emu.tenant("tenant3").requests() == []
    merged = report(tmp_path)
    assert (merged["limit"], merged["progress"]) == ("tenant2", "checked")
    assert [(t["tenant"], t["status"]) for t in merged["tenants"]] == [("tenant2", "drifted")]
    assert [(t["tenant"], t["status"], t["reported_at"]) for t in merged["earlier"]] == [
        ("tenant1", "changed", whole["tenants"][0]["reported_at"]),
        ("tenant3", "changed", whole["tenants"][2]["reported_at"])]
    md = (tmp_path / "session-policy-report.md").read_text()
    assert "**Drift scan (check mode): nothing was written.**" in md
    assert "--limit `tenant2`" in md and "**Summary:** 1 tenant: 1 drifted." in md
    assert "## Tenants outside this run" in md and "| tenant3 | changed |" in md


def test_empty_policy_is_refused_before_any_request(playbook, emulator, tmp_path):
    emu = emulator(2)
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, policy={}))
    assert run.rc != 0
    assert ("The session policy is empty: session_policy_rules and session_policy_default are not set, "
            "nor is session_policy_tenant") in run.output
    assert all(t.requests() == [] for t in emu.tenants)
    assert (report(tmp_path)["outcome"], report(tmp_path)["progress"]) == ("failed", "invalid")


def test_validation_errors_printed_once_one_per_line(playbook, emulator, tmp_path):
    emu = emulator(2)
    inv = inventory(tmp_path, emu)
    assert playbook(PLAYBOOK, inventory=inv).rc == 0
    assert report(tmp_path)["progress"] == "applied"
    for tenant in emu.tenants:
        tenant.clear_requests()
    rules = json.loads(json.dumps(POLICY["session_policy_rules"]))
    rules[0]["match"] = {"risk_confidense": ["low"]}
    rules[1]["session_lifetime"] = "30x"
    # Only tenant2's policy is wrong: the whole run stops all the same, before any request.
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, host_vars={"tenant2": {"session_policy_rules": rules}}))
    assert run.rc != 0
    assert all(t.requests() == [] for t in emu.tenants)
    # The plan summary lists every error, one per line, once; the validate step's own task prints none of them.
    shown = run.task("Show every error of the session policy, one per line")["result"]["msg"]
    errors = [line for line in shown if line.startswith("! tenant2 invalid: ")]
    assert len(errors) == 2, shown
    assert errors[0].startswith("! tenant2 invalid: session_policy_rules[0].match.risk_confidense: is not a known key "
                                "(did you mean risk_confidence?) (expected one of: organizations, ")
    assert errors[1] == ("! tenant2 invalid: session_policy_rules[1].session_lifetime: has unknown unit 'x' (use m, h, d "
                         "or w); got '30x'")
    assert "Finalization of task args" not in run.output
    assert run.output.count("risk_confidense") == 1
    assert "The session policy of tenant2 is invalid, each error listed above. Nothing was sent to any tenant." in run.output
    # The validate play runs once for the whole fleet (on its first host): no task of its own per tenant.
    assert [r["task"] for r in run.results if r["host"] == "tenant2"] == []
    # The older "Applied" report does not stay looking current.
    stopped = report(tmp_path)
    assert (stopped["outcome"], stopped["progress"]) == ("failed", "invalid")
    assert stopped["heading"] == "Stopped before any tenant was touched: the session policy of 1 tenant is invalid."
    assert [(t["tenant"], t["status"]) for t in stopped["tenants"]] == [("tenant2", "invalid")]
    assert stopped["not_reached"] == ["tenant1"]


def test_validate_tag_needs_no_credentials(playbook, tmp_path):
    path = tmp_path / "inventory.yml"
    hosts = {"acme-dev": {"ansible_connection": "local"}, "acme-prod": {"ansible_connection": "local"}}
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": dict(POLICY)}}))
    run = playbook(PLAYBOOK, inventory=str(path), args=["--tags", "validate"])
    assert run.rc == 0, run
    ran = sorted(set(r["task"] for r in run.results if r["status"] != "skipped"))
    assert "Enforce tenant settings, Action and binding" not in ran
    assert "Validate the policy of every tenant, check its expectations" in ran
    assert run.task("Every policy is valid")["result"]["msg"] == (
        "2 tenants: every session policy is valid and its expectations hold; nothing was sent.")

    bad = dict(POLICY, session_policy_default={"session_lifetime": "7x"})
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": bad}}))
    run = playbook(PLAYBOOK, inventory=str(path), args=["--tags", "validate"])
    assert run.rc != 0
    assert "session_policy_default.session_lifetime: has unknown unit 'x'" in run.output


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
    # Settings only, as asked: now every setting, the lengthening too. Reported skipped, not changed or
    # compliant: no per-login rule is enforced (issue 23).
    assert statuses(tmp_path) == {"tenant1": "skipped"}
    assert "the Action was skipped" in report(tmp_path)["tenants"][0]["left_in"]
    assert tenant.settings_minutes()["session_lifetime"] == 43200
    assert "skipped (action_on_self_service: skip)" in " ".join(run.output.split())
    assert [w["body"] for w in tenant.writes()] == [{"session_lifetime_in_minutes": 43200}] and tenant.actions() == []
    # A rerun with nothing left to write was "compliant", "policy already applied": still skipped.
    tenant.clear_requests()
    assert playbook(PLAYBOOK, inventory=skip).rc == 0 and tenant.writes() == []
    assert statuses(tmp_path) == {"tenant1": "skipped"}
    assert report(tmp_path)["tenants"][0]["left_in"].startswith("tenant settings already applied; the Action was skipped")
    # Check mode refuses the same way and writes nothing.
    tenant.clear_requests()
    tenant.set_settings(session_lifetime_minutes=60)
    tenant.clear_requests()
    checked = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, session_policy_plan="self_service"), check=True)
    assert checked.rc != 0 and statuses(tmp_path) == {"tenant1": "failed"}, checked
    assert tenant.writes() == []


USER_PLAY = """
- name: The role in a user's own play, as the README's policy block suggests
  hosts: all
  gather_facts: false
  roles:
    - sessionguard.auth0.session_policy
"""


def test_role_in_a_users_play_is_one_task_per_tenant_and_an_invalid_policy_sends_nothing(playbook, emulator, tmp_path):
    emu = emulator(3)
    rules = json.loads(json.dumps(POLICY["session_policy_rules"]))
    rules[1]["session_lifetime"] = "30x"
    inv = inventory(tmp_path, emu, host_vars={"tenant2": {"session_policy_rules": rules}})
    run = playbook(USER_PLAY, inventory=inv)
    assert run.rc != 0
    assert emu.tenant("tenant2").requests() == []
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "invalid", "tenant3": "changed"}
    entry = [t for t in report(tmp_path)["tenants"] if t["tenant"] == "tenant2"][0]
    assert "session_policy_rules[1].session_lifetime: has unknown unit 'x'" in entry["error"]
    assert report(tmp_path)["outcome"] == "failed"
    # Per tenant the one session_policy task (check the variables, validate, render, enforce): the main entry
    # point has no argument spec, so ansible-core adds no check task per host; the report runs once per batch.
    per_host = [r["task"] for r in run.results if r["host"] == "tenant3"]
    assert per_host == ["Enforce tenant settings, Action and binding"], per_host
    rerun = playbook(USER_PLAY, inventory=inventory(tmp_path, emu))
    assert rerun.rc == 0, rerun
    assert statuses(tmp_path) == {"tenant1": "compliant", "tenant2": "changed", "tenant3": "compliant"}


ENFORCE_ENTRY_PLAY = """
- name: The role's enforce entry point, which keeps ansible-core's argument check
  hosts: all
  gather_facts: false
  tasks:
    - name: Enforce
      ansible.builtin.include_role:
        name: sessionguard.auth0.session_policy
        tasks_from: enforce
"""


def test_a_bad_variable_fails_its_tenant_alone_with_the_option_named_and_sends_it_nothing(playbook, emulator, tmp_path):
    # main has no argument spec: the session_policy task is what checks the role's variables, per tenant.
    emu = emulator(2)
    inv = inventory(tmp_path, emu, host_vars={"tenant2": {"session_policy_fail_on_drift": "maybe"}})
    run = playbook(USER_PLAY, inventory=inv)
    assert run.rc != 0
    assert emu.tenant("tenant2").requests() == []
    # The option is named (ansible-core 2.17 words the type as "<class 'str'>", later releases as "str").
    assert "argument 'fail_on_drift' is of type" in run.output and "unable to convert to bool" in run.output
    assert statuses(tmp_path) == {"tenant1": "changed", "tenant2": "failed"}


def test_the_enforce_entry_point_keeps_ansible_cores_argument_check(playbook, emulator, tmp_path):
    emu = emulator(1)
    run = playbook(ENFORCE_ENTRY_PLAY, inventory=inventory(tmp_path, emu, session_policy_plan="gold"))
    assert run.rc != 0
    assert "Validation of arguments failed" in run.output and "session_policy_plan" in run.output, run.output
    assert emu.tenant("tenant1").requests() == []
