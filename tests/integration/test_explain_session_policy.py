"""Explain and expectations: answers on the controller, with no request to any tenant.

The policy is the example inventory's (docs/examples/inventory/group_vars/all.yml), whose kiosk
rule is issue 4's: it only switches the cookie mode and inherits lifetimes clipped to the
ephemeral caps.
"""
import json
import os

import yaml

from harness import ACTION, EXAMPLE_POLICY, PLAYBOOK, POLICY, ROOT, inventory

EXAMPLE_INVENTORY = os.path.join(ROOT, "docs", "examples", "inventory")
EXPLAIN = """
- name: Explain
  ansible.builtin.import_playbook: sessionguard.auth0.explain_session_policy
"""
LOGINS = {"session_policy_logins": [
    {"name": "kiosk in France", "login": {"client": "kiosk-client-id", "country": "FR"},
     "session_created_at": "2024-03-01T10:00:00Z"},
    {"name": "partner admin", "login": {"organization": "acme-partners", "roles": ["admin"], "mfa": True}},
]}


def example_policy():
    """The harness's policy (the example inventory's) with the example's expectations."""
    with open(EXAMPLE_POLICY) as handle:
        expectations = yaml.safe_load(handle)["session_policy_expectations"]
    return dict(POLICY, session_policy_expectations=expectations)


def policy_data(code):
    line = [line for line in code.splitlines() if line.startswith("const POLICY = ")][0]
    return json.loads(line[len("const POLICY = "):-1])


def test_explain_playbook_answers_without_any_request(playbook, emulator, tmp_path):
    emu = emulator(2)
    run = playbook(EXPLAIN, inventory=inventory(tmp_path, emu, policy=example_policy()), extra_vars=LOGINS)
    assert run.rc == 0, run
    for tenant in emu.tenants:
        assert tenant.requests() == []
        explained = run.task("Validate the policy and explain each login", host=tenant.name)
        answers = explained["result"]["ansible_facts"]["session_policy_explained"]
        assert [(a["name"], a["rule"], a["cookie_mode"], a["session_lifetime"], a["idle_session_lifetime"])
                for a in answers] == [("kiosk in France", "shared kiosks", "non-persistent", "1d", "8h"),
                                      ("partner admin", "trusted organizations", "persistent", "30d", "1d")]
        assert answers[0]["clipped_by"] == {"session_lifetime": "session_policy_tenant.ephemeral_session_lifetime",
                                            "idle_session_lifetime":
                                                "session_policy_tenant.idle_ephemeral_session_lifetime"}
        assert answers[0]["expires_at"] == "2024-03-02T10:00:00Z"
    assert "clients [\\\"kiosk-client-id\\\"]: holds (the login's client is \\\"kiosk-client-id\\\")" in run.output
    assert "risk_confidence [\\\"low\\\"]: does not hold (the login has no risk_confidence)" in run.output


def test_explain_playbook_on_the_example_inventory(playbook, tmp_path):
    # No credentials anywhere in that inventory, and none needed.
    run = playbook(EXPLAIN, inventory=EXAMPLE_INVENTORY, extra_vars=LOGINS)
    assert run.rc == 0, run
    # Printed once, grouped: the tenants that share an explanation share its block.
    assert len([r for r in run.results if r["task"] == "Show the rule each login gets"]) == 1
    shown = run.task("Show the rule each login gets")["result"]["msg"]
    headers = [line for line in shown if line.startswith("tenant")]
    assert sorted(h for header in headers for h in header[:-1].split(" ", 1)[1].split(", ")) == [
        "acme-dev", "acme-prod-eu", "acme-prod-us", "acme-staging"]
    assert len(headers) < 4, headers  # production's two tenants share one policy
    group = [h for h in headers if "acme-prod-us" in h][0]
    shown = shown[shown.index(group) + 1:]
    assert shown[0] == "kiosk in France: rule \"shared kiosks\" (session_policy_rules[2])"
    assert ("  idle_session_lifetime: 4h, session_policy_default's 8h clipped by "
            "session_policy_tenant.idle_ephemeral_session_lifetime; expires at 2024-03-01T14:00:00Z "
            "(login 2024-03-01T10:00:00Z)") in shown


def test_explain_refuses_bad_logins_with_paths(playbook, tmp_path):
    # " fr" was stripped to FR (the France rule) while the Action read no country (issue 23).
    bad = {"session_policy_logins": [{"name": "x", "login": {"country": " fr", "tenant": "y", "mfa": "yes"}}]}
    run = playbook(EXPLAIN, inventory=EXAMPLE_INVENTORY, extra_vars=bad, args=["-l", "acme-dev"])
    assert run.rc != 0
    for line in ("session_policy_logins[0].login.country: must be a country code of two ASCII letters, as GeoIP gives it",
                 "session_policy_logins[0].login.tenant: is not a known key (expected one of: organization, ",
                 "session_policy_logins[0].login.mfa: must be true or false; got a string"):
        assert line in run.output, run


def test_example_policy_rolls_out_and_converges(playbook, emulator, tmp_path):
    emu = emulator(2)
    inv = inventory(tmp_path, emu, policy=example_policy())
    first = playbook(PLAYBOOK, inventory=inv)
    assert first.rc == 0, first
    for tenant in emu.tenants:
        code = [a for a in tenant.actions() if a["name"] == ACTION][0]["code"]
        kiosk = [rule for rule in policy_data(code)["rules"] if rule["name"] == "shared kiosks"][0]
        assert kiosk["set"] == {"cookie_mode": "non-persistent", "session_lifetime_minutes": 1440,
                                "idle_session_lifetime_minutes": 480}
        tenant.clear_requests()
    second = playbook(PLAYBOOK, inventory=inv)
    assert second.rc == 0, second
    assert all(tenant.writes() == [] for tenant in emu.tenants)


def test_a_wrong_expectation_stops_the_run_before_any_request(playbook, emulator, tmp_path):
    emu = emulator(3)
    policy = example_policy()
    wrong = [{"name": "kiosk keeps a week", "login": {"client": "kiosk-client-id"},
              "expect": {"rule": "shared kiosks", "session_lifetime": "7d", "cookie_mode": "persistent"}}]
    # Wrong on one tenant only: the others must not be touched either.
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, policy=policy,
                                                 host_vars={"tenant2": {"session_policy_expectations": wrong}}))
    assert run.rc != 0
    assert all(tenant.requests() == [] for tenant in emu.tenants)
    message = ("tenant2: session_policy_expectations[0] \\\"kiosk keeps a week\\\": session_lifetime: expected 7d, "
               "got 1d, session_policy_default's 7d clipped by session_policy_tenant.ephemeral_session_lifetime; "
               "cookie_mode: expected persistent, got non-persistent (the rule)")
    assert message in run.output, run
    # An unmet expectation makes the policy invalid: listed, recorded, and the run stops before any request.
    assert "The session policy of tenant2 is invalid, each error listed above. Nothing was sent to any tenant." in run.output


def test_render_action_alone_fails_on_an_invalid_policy_listing_every_error(playbook):
    """Outside the role (no failed_when) an invalid policy fails the task, with every error in msg and errors."""
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: Render
          sessionguard.auth0.session_policy_render:
            tenant: {session_lifetime: 30d}
            rules: [{name: r, match: {clients: []}, session_lifetime: 1h}]
            default: {session_lifetime: 7x}
            name: acme-prod
    """)
    assert run.rc != 0
    result = run.task("Render")["result"]
    assert result["errors"] == [
        "session_policy_default.session_lifetime: has unknown unit 'x' (use m, h, d or w); got '7x'",
        "session_policy_rules[0].match.clients: must not be empty (an empty list would never match)"]
    assert result["msg"] == "The session policy of acme-prod is invalid (2 errors): " + "; ".join(result["errors"])
    assert result["code"] == "" and run.task("Render")["status"] == "failed"


def test_explain_playbook_refuses_a_list_plan_and_counts_from_this_login(playbook, tmp_path):
    """Issue 23: session_policy_plan: [enterprise] crashed ("unhashable type: 'list'"); a login without
    session_created_at is counted from the login, as the Action now counts from now."""
    logins = {"session_policy_logins": [{"name": "no start", "login": {}, "login_at": "2024-03-05T09:00:00Z"}]}
    run = playbook(EXPLAIN, inventory=EXAMPLE_INVENTORY, extra_vars=dict(logins, session_policy_plan=["enterprise"]),
                   args=["-l", "acme-dev"])
    assert run.rc != 0
    assert 'plan: must be one of enterprise, self_service; got [\\"enterprise\\"]' in run.output, run
    assert "unhashable" not in run.output
    run = playbook(EXPLAIN, inventory=EXAMPLE_INVENTORY, extra_vars=logins, args=["-l", "acme-dev"])
    assert run.rc == 0, run
    shown = " ".join(run.task("Show the rule each login gets")["result"]["msg"])
    assert "(from this login 2024-03-05T09:00:00Z: the session has no readable created_at)" in shown, shown
