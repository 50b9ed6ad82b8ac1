"""Careless and hostile input (issue 16): secrets with line breaks, a renamed policy Action, one invalid
policy among many tenants, hostile names in the report and in export file names."""
import json

import yaml

from harness import connection
from test_session_policy_role import ACTION, PLAYBOOK, bound_names, inventory, report

EXPORT = "- ansible.builtin.import_playbook: sessionguard.auth0.export_session_policy\n"
HOSTILE = "<img src=x onerror=alert(1)>|<script>alert(2)</script>"


def fresh_token(tenant):
    return tenant.issue_token({"grant_type": "client_credentials", "client_id": tenant.client_id,
                               "client_secret": tenant.client_secret, "audience": tenant.audience})["access_token"]


def test_a_token_ending_in_a_line_break_works_and_never_shows(playbook, emulator, tmp_path):
    emu = emulator(2)
    one, two = emu.tenants
    tokens = {one.name: fresh_token(one), two.name: fresh_token(two)}
    # As a YAML block scalar or `echo | ansible-vault encrypt_string` gives it.
    host_vars = dict((name, {"session_policy_client_id": "", "session_policy_client_secret": "",
                             "session_policy_token": token + ("\n" if name == "tenant1" else "\r\n")})
                     for name, token in tokens.items())
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, host_vars=host_vars), verbosity=3, diff=True)
    assert run.rc == 0, run
    assert all(bound_names(t) == [ACTION] for t in emu.tenants)
    task = playbook(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "info", "sessionguard.auth0.tenant_session_info": {"domain": one.domain, "ca_path": emu.ca_path}}]}]),
        env={"AUTH0_TOKEN": tokens["tenant1"] + "\r\n"}, verbosity=3)
    assert task.task("info")["status"] == "ok", task
    texts = {"role output": run.output, "module output": task.output,
             "report.json": (tmp_path / "session-policy-report.json").read_text(),
             "report.md": (tmp_path / "session-policy-report.md").read_text()}
    leaks = [where for where, text in texts.items() for token in tokens.values() if token in text]
    assert leaks == []


def test_a_line_break_inside_a_token_is_refused_without_showing_it(playbook, emulator):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    token = fresh_token(tenant)
    broken = token[:40] + "\n" + token[40:]
    run = playbook(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "info", "ignore_errors": True,
         "sessionguard.auth0.tenant_session_info": {"domain": tenant.domain, "ca_path": emu.ca_path, "token": broken}}]}]),
        verbosity=3)
    result = run.task("info")
    assert result["status"] == "failed" and "token: must not contain a line break" in result["result"]["msg"]
    assert tenant.requests() == []
    assert token[:40] not in run.output and token[40:] not in run.output


def test_one_invalid_policy_stops_every_tenant_and_is_reported(playbook, emulator, tmp_path):
    emu = emulator(3)
    bad = {"tenant2": {"session_policy_rules": [{"name": "geo", "match": {"countries": [HOSTILE]},
                                                 "session_lifetime": "1h"}]}}
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu, host_vars=bad))
    assert run.rc != 0
    assert all(t.requests() == [] for t in emu.tenants)
    rep = report(tmp_path)
    assert [(t["tenant"], t["status"]) for t in rep["tenants"]] == [("tenant2", "invalid")]
    assert "session_policy_rules[0].match.countries[0]" in rep["tenants"][0]["error"]
    assert sorted(rep["not_reached"]) == ["tenant1", "tenant3"]
    md = (tmp_path / "session-policy-report.md").read_text()
    assert "1 invalid" in md and "session_policy_rules\\[0\\].match.countries\\[0\\]" in md
    # Escaped: no tag reaches the file, and the | does not split the row.
    assert "<img" not in md and "<script" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;\\|&lt;script&gt;" in md
    row = [line for line in md.splitlines() if line.startswith("| tenant2 |")][0]
    assert len(row.replace("\\|", "").split("|")) == 6


def test_renaming_the_action_retires_the_old_one_and_the_scan_sees_it(playbook, emulator, tmp_path):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    inv = inventory(tmp_path, emu)
    assert playbook(PLAYBOOK, inventory=inv).rc == 0
    tenant.clear_requests()
    renamed = inventory(tmp_path, emu, session_policy_action_name="session-policy-v2")

    scan = playbook(PLAYBOOK, inventory=renamed, check=True)
    assert scan.rc == 0, scan
    entry = report(tmp_path)["tenants"][0]
    assert entry["status"] == "drifted"
    assert {"part": "binding", "field": "bindings", "current": [ACTION],
            "desired": ["session-policy-v2"]} in entry["differences"]
    assert tenant.writes() == []

    run = playbook(PLAYBOOK, inventory=renamed)
    assert run.rc == 0, run
    assert bound_names(tenant) == ["session-policy-v2"]
    assert "unbind previous policy action '%s'" % ACTION in report(tmp_path)["tenants"][0]["operations"]
    # Retired, not deleted: a rollback to the old name can bind it again.
    assert ACTION in [a["name"] for a in tenant.actions()]

    clean = playbook(PLAYBOOK, inventory=renamed, check=True)
    assert clean.rc == 0, clean
    assert report(tmp_path)["tenants"][0]["status"] == "compliant", clean

    # Both policy Actions bound (an old one bound again by hand): the scan reports the second one as drift.
    with tenant.lock:
        tenant.binding_store.replace("post-login", {"bindings": [
            {"ref": {"type": "action_name", "value": name}, "display_name": name} for name in (ACTION, "session-policy-v2")]})
    tenant.clear_requests()
    both = playbook(PLAYBOOK, inventory=renamed, check=True)
    assert both.rc == 0, both
    # A scan reports the second policy Action; it does not unbind it.
    assert tenant.writes() == [] and bound_names(tenant) == [ACTION, "session-policy-v2"]
    entry = report(tmp_path)["tenants"][0]
    assert entry["status"] == "drifted"
    assert {"part": "binding", "field": "bindings", "current": [ACTION, "session-policy-v2"],
            "desired": ["session-policy-v2"]} in entry["differences"]


def test_export_file_names_cannot_leave_the_export_directory(playbook, emulator, tmp_path):
    emu = emulator(3)
    names = ["../../escaped", "eu/acme", "plain"]
    hosts = dict((name, {"ansible_connection": "local", "session_policy_domain": t.domain,
                         "session_policy_client_id": t.client_id, "session_policy_client_secret": t.client_secret,
                         "session_policy_ca_path": emu.ca_path}) for name, t in zip(names, emu.tenants))
    inv = tmp_path / "tenants.yml"
    inv.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    export_dir = tmp_path / "a" / "b" / "exported"
    run = playbook(EXPORT, inventory=str(inv), extra_vars={"session_policy_export_dir": str(export_dir)})
    assert run.rc != 0
    refused = run.task("Refuse an inventory name that cannot be a safe file name", host="../../escaped")
    assert refused["status"] == "failed" and "must start with a letter, digit or '_'" in refused["result"]["msg"]
    assert sorted(p.name for p in export_dir.iterdir()) == ["eu_acme.yml", "plain.yml"]
    assert not list(tmp_path.rglob("escaped*"))
    block = yaml.safe_load((export_dir / "eu_acme.yml").read_text())
    assert block["session_policy_tenant"]["session_lifetime"] == "7d"
    assert json.dumps(block)


def test_an_upper_case_domain_gets_the_audience_of_its_lower_cased_host(playbook, emulator):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    conn = dict(connection(emu, tenant), domain=tenant.domain.upper())
    run = playbook(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "info", "sessionguard.auth0.tenant_session_info": conn, "ignore_errors": True}]}]))
    assert run.task("info")["status"] == "ok", run.task("info")["result"].get("msg")
    assert tenant.token_count() == 1
