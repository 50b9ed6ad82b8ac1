"""The export_session_policy playbook: the role's connection mapping, and plain YAML out."""
import yaml

from harness import ACTION, POLICY, inventory, seed_actions

EXPORT = "- ansible.builtin.import_playbook: sessionguard.auth0.export_session_policy\n"


def write_inventory(tmp_path, hosts, variables):
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": variables}}))
    return str(path)


def test_export_uses_the_connection_mapping_and_writes_plain_yaml(playbook, emulator, tmp_path):
    emu = emulator(2)
    one, two = emu.tenants
    one.set_settings(session_lifetime_minutes=43200, idle_session_lifetime_minutes=90)
    custom = "https://login.acme.example/api/v2/"
    hosts = {}
    for tenant in emu.tenants:
        hosts[tenant.name] = {"ansible_connection": "local", "session_policy_connection": {
            "domain": tenant.domain, "client_id": tenant.client_id, "client_secret": tenant.client_secret,
            "ca_path": emu.ca_path, "timeout": 9, "retries": 0, "max_retry_wait": 1,
            "audience": tenant.audience if tenant is one else custom}}
    export_dir = tmp_path / "exported"
    run = playbook(EXPORT, inventory=write_inventory(tmp_path, hosts, {}),
                   extra_vars={"session_policy_export_dir": str(export_dir)}, verbosity=3)
    assert run.rc != 0  # tenant2's audience is refused by its token endpoint
    audiences = dict((t.name, [r["body"].get("audience") for r in t.requests() if r["path"] == "/oauth/token"])
                     for t in emu.tenants)
    assert audiences == {"tenant1": [one.audience], "tenant2": [custom]}
    read = run.task("Read the tenant's session settings", host="tenant1")
    args = read["result"]["invocation"]["module_args"]
    assert (args["timeout"], args["retries"], args["max_retry_wait"]) == (9, 0, 1)

    text = (export_dir / "tenant1.yml").read_text()
    assert "session_policy_tenant:\n  cookie_mode: persistent\n" in text
    assert "\\n" not in text and '"' not in text
    assert yaml.safe_load(text)["session_policy_tenant"]["idle_session_lifetime"] == "1h30m"
    # Printed one YAML line per output line, not as one escaped string.
    assert "session_policy_tenant:\\n" not in run.output
    assert run.task("Show the block", host="tenant1")["result"]["msg"][:2] == [
        "session_policy_tenant:", "  cookie_mode: persistent"]
    assert '"  idle_session_lifetime: 1h30m"' in run.output
    assert not (export_dir / "tenant2.yml").exists()
    for tenant in emu.tenants:
        assert tenant.writes() == []
        assert tenant.client_secret not in run.output


def test_export_keeps_the_older_connection_variables(playbook, emulator, tmp_path):
    """The older session_policy_<option> variables keep working."""
    emu = emulator(1)
    older = {"tenant1": {"session_policy_timeout": 11}}
    run = playbook(EXPORT, inventory=inventory(tmp_path, emu, policy={}, host_vars=older),
                   extra_vars={"session_policy_export_dir": str(tmp_path / "exported")}, verbosity=3)
    assert run.rc == 0, run
    assert run.task("Read the tenant's session settings")["result"]["invocation"]["module_args"]["timeout"] == 11


ENFORCE_WITH = """
- name: Enforce
  ansible.builtin.import_playbook: sessionguard.auth0.enforce_session_policy
"""


def test_export_adopts_a_policy_action_of_ours_and_enforcing_the_export_changes_nothing(playbook, emulator, tmp_path):
    """Export then enforce is a clean round trip: the exported rules render the deployed code again, byte for byte."""
    emu = emulator(1)
    applied = playbook(ENFORCE_WITH, inventory=inventory(tmp_path, emu))
    assert applied.rc == 0, applied
    export_dir = tmp_path / "exported"
    run = playbook(EXPORT, inventory=inventory(tmp_path, emu, policy={}),
                   extra_vars={"session_policy_export_dir": str(export_dir)})
    assert run.rc == 0, run
    exported = yaml.safe_load((export_dir / "tenant1.yml").read_text())
    assert sorted(exported) == ["session_policy_default", "session_policy_rules", "session_policy_tenant"]
    assert [rule["name"] for rule in exported["session_policy_rules"]] == [
        rule["name"] for rule in POLICY["session_policy_rules"]]
    assert "is this collection's" in run.task("Say what the policy Action is")["result"]["msg"]

    tenant = emu.tenants[0]
    tenant.clear_requests()
    check = playbook(ENFORCE_WITH, check=True, inventory=inventory(tmp_path, emu, policy=exported))
    assert check.rc == 0, check
    assert check.task("Enforce tenant settings, Action and binding")["result"]["status"] == "compliant"
    again = playbook(ENFORCE_WITH, inventory=inventory(tmp_path, emu, policy=exported))
    assert again.rc == 0, again
    assert again.task("Enforce tenant settings, Action and binding")["result"]["status"] == "compliant"
    assert tenant.writes() == []


def test_export_names_a_foreign_action_of_the_policy_name_and_exports_no_rules(playbook, emulator, tmp_path):
    emu = emulator(1)
    seed_actions(emu.tenants[0], [ACTION], bind=True)
    message = _export_settings_only(playbook, emu, tmp_path)
    assert message.startswith("WARNING tenant1: the Action '%s' is foreign" % ACTION), message
    assert emu.tenants[0].writes() == []


def _export_settings_only(playbook, emu, tmp_path):
    """Export; the file holds the tenant block alone. Returns what the playbook said about the policy Action."""
    export_dir = tmp_path / "exported"
    run = playbook(EXPORT, inventory=inventory(tmp_path, emu, policy={}),
                   extra_vars={"session_policy_export_dir": str(export_dir)})
    assert run.rc == 0, run
    assert sorted(yaml.safe_load((export_dir / "tenant1.yml").read_text())) == ["session_policy_tenant"]
    return run.task("Say what the policy Action is")["result"]["msg"]


def test_export_without_read_actions_still_exports_the_settings_and_says_what_is_missing(playbook, emulator, tmp_path):
    emu = emulator(1)
    emu.tenants[0].set_scopes(["read:tenant_settings"])
    message = _export_settings_only(playbook, emu, tmp_path)
    assert message.startswith("WARNING tenant1: cannot read the Action '%s' (HTTP 403" % ACTION), message
    assert "grant read:actions" in message
