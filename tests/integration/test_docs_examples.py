"""The docs' examples run as written: the example inventory, the cookbook's recipes, the plugin EXAMPLES."""
import json
import os
import re
import shutil

import yaml

from harness import ACTION, PLAYBOOK, POLICY, ROOT

EXAMPLE_INVENTORY = os.path.join(ROOT, "docs", "examples", "inventory")
COOKBOOK = os.path.join(ROOT, "docs", "guides", "policy-cookbook.md")
TENANTS = ["acme-dev", "acme-staging", "acme-prod-eu", "acme-prod-us"]
GATE = "Enforce tenant settings, Action and binding"  # the drift gate is the task itself (fail_on_drift)


def test_example_inventory_in_check_mode(playbook, emulator, tmp_path):
    emu = emulator(TENANTS)
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE_INVENTORY, str(inventory))
    # Only the connection is the test's: the emulated tenants instead of the example's domains.
    (inventory / "host_vars").mkdir()
    for tenant in emu.tenants:
        (inventory / "host_vars" / ("%s.yml" % tenant.name)).write_text(yaml.safe_dump({"session_policy_connection": {
            "domain": tenant.domain, "client_id": tenant.client_id, "client_secret": tenant.client_secret,
            "ca_path": emu.ca_path}}))
    run = playbook(PLAYBOOK, inventory=str(inventory / "tenants.yml"), check=True, diff=True)
    assert run.rc != 0  # production's drift gate trips on fresh tenants, as in CI
    gate = sorted(r["host"] for r in run.results if r["status"] == "failed" and r["task"] == GATE)
    assert gate == ["acme-prod-eu", "acme-prod-us"]
    assert all(t.writes() == [] for t in emu.tenants)
    report = json.loads((inventory / "reports" / "session-policy-report.json").read_text())
    records = dict((t["tenant"], t) for t in report["tenants"])
    assert sorted(records) == sorted(TENANTS) and set(t["status"] for t in records.values()) == {"drifted"}
    # Staging runs production's policy; acme-prod-us's override is a different policy; dev has its own.
    assert records["acme-staging"]["policy"] == records["acme-prod-eu"]["policy"]
    assert records["acme-prod-us"]["policy"] != records["acme-prod-eu"]["policy"]
    assert records["acme-dev"]["policy"] not in (records["acme-prod-eu"]["policy"], records["acme-prod-us"]["policy"])
    desired = dict((name, dict((d["field"], d["desired"]) for d in record["differences"] if d["part"] == "settings"))
                   for name, record in records.items())
    assert desired["acme-staging"] == desired["acme-prod-eu"]
    assert desired["acme-staging"]["idle_ephemeral_session_lifetime"] == "4h"  # production's, not all.yml's 8h
    assert desired["acme-dev"]["idle_ephemeral_session_lifetime"] == "8h"
    assert "unsafe" not in run.output.lower()


def cookbook_recipes():
    """Each yaml block of the cookbook that is a piece of a policy, as the variables it sets."""
    with open(COOKBOOK) as handle:
        text = handle.read()
    recipes = []
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        if block.startswith("  - name:"):
            block = "session_policy_rules:\n" + block  # more rules for the list above it
        variables = yaml.safe_load(block)
        if "all" in variables:
            continue  # the inventory of the per-environment recipe, checked with the example inventory
        recipes.append(variables)
    return recipes


def test_cookbook_recipes_pass_the_cookbooks_check(playbook, tmp_path):
    with open(COOKBOOK) as handle:
        text = handle.read()
    command = "ansible-playbook -i tenants.yml sessionguard.auth0.enforce_session_policy --tags validate"
    assert command in text
    recipes = cookbook_recipes()
    assert len(recipes) >= 6
    hosts = {}
    for index, recipe in enumerate(recipes):
        # A recipe is a piece of the example policy (as tests/unit/.../test_policy_docs.py reads it):
        # its rules go first, its tenant keys override, its other variables replace.
        variables = dict(POLICY, ansible_connection="local")
        variables.update(recipe)
        names = set(rule["name"] for rule in recipe.get("session_policy_rules", []))
        variables["session_policy_rules"] = recipe.get("session_policy_rules", []) + [
            rule for rule in POLICY["session_policy_rules"] if rule["name"] not in names]
        variables["session_policy_tenant"] = dict(POLICY["session_policy_tenant"], **recipe.get("session_policy_tenant", {}))
        hosts["recipe%d" % index] = variables
    path = tmp_path / "tenants.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    run = playbook(PLAYBOOK, inventory=str(path), args=["--tags", "validate"])
    assert run.rc == 0, run
    validated = run.task("Validate the policy of every tenant, check its expectations")["result"]
    assert (validated["checked"], validated["invalid"]) == (len(hosts), {})


def plugin_examples(path):
    with open(path) as handle:
        text = handle.read()
    if path.endswith(".py"):
        text = re.search(r'EXAMPLES = r"""(.*?)"""', text, re.S).group(1)
    else:
        text = yaml.safe_load(text)["EXAMPLES"]
    return text


def play_of(tasks, tenant, emu, extra=""):
    body = "\n".join("    " + line for line in tasks.replace("acme.eu.auth0.com", tenant.domain).splitlines())
    return """
- name: The documented example
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/sessionguard.auth0.auth0:
      domain: %s
      client_id: %s
      client_secret: "{{ vault_auth0_client_secret }}"
      ca_path: %s
%s  tasks:
%s
""" % (tenant.domain, tenant.client_id, emu.ca_path, extra, body)


def test_session_policy_settings_example_runs_without_the_unsafe_warning(playbook, emulator):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    tasks = plugin_examples(os.path.join(ROOT, "plugins", "filter", "session_policy_settings.yml"))
    extra = """  vars:
    normalized_policy: >-
      {{ {'tenant': {'session_lifetime': '30d', 'idle_session_lifetime': '2d'}, 'rules': [],
          'default': {'session_lifetime': '7d'}} | sessionguard.auth0.validate_session_policy }}
"""
    run = playbook(play_of(tasks, tenant, emu, extra), extra_vars={"vault_auth0_client_secret": tenant.client_secret})
    assert run.rc == 0, run
    assert "unsafe" not in run.output.lower()
    assert [w["body"] for w in tenant.writes()] == [
        {"session_lifetime_in_minutes": 43200, "idle_session_lifetime_in_minutes": 2880}]


def test_session_policy_module_example_runs(playbook, emulator):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    tasks = plugin_examples(os.path.join(ROOT, "plugins", "modules", "session_policy.py"))
    run = playbook(play_of(tasks, tenant, emu), extra_vars={
        "vault_auth0_client_id": tenant.client_id, "vault_auth0_client_secret": tenant.client_secret})
    assert run.rc == 0, run
    assert "unsafe" not in run.output.lower()
    assert [b["action"]["name"] for b in tenant.bindings("post-login")] == [ACTION]
    assert tenant.settings_minutes()["session_lifetime"] == 43200
    action = [a for a in tenant.actions() if a["name"] == ACTION][0]
    assert '"session_lifetime_minutes":480' in action["code"]
