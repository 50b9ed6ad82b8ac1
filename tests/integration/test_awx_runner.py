"""The rollout as AWX runs it: through the ansible_runner Python API, with a private data dir, an
inventory of emulated tenants, the fleet credential as AWX injects it (an extra variable), --check
and apply, at verbosity 3. AWX stores every job event in its database, so no client secret or token
may appear in any event or artifact.
"""
import json
import os
import sys

import ansible_runner
import yaml

from auth0_emulator.tenant import ALL_SCOPES
from harness import AWX_CREDENTIAL_VARS, COLLECTIONS, POLICY, emulator_secrets, ensure_collection_link, leaks_in

ENFORCE_TASK = "Enforce tenant settings, Action and binding"


# The fleet credential type of docs/guides/awx.md: one secret extra variable, a YAML mapping by tenant,
# and the inventory's group_vars picking each tenant's pair from it.
def private_data_dir(tmp_path, emu, job):
    """The layout AWX gives ansible-runner, fresh for each job: project/, inventory/, env/ (extravars and envvars)."""
    base = tmp_path / job
    for name in ("project", "inventory", "env"):
        (base / name).mkdir(parents=True)
    (base / "project" / "site.yml").write_text(
        "- name: Enforce the session policy\n  ansible.builtin.import_playbook: sessionguard.auth0.enforce_session_policy\n")
    hosts = dict((t.name, {"session_policy_domain": t.domain}) for t in emu.tenants)
    group_vars = dict(POLICY, session_policy_ca_path=emu.ca_path, session_policy_report_dir=str(tmp_path / "reports"),
                      ansible_python_interpreter=sys.executable, **AWX_CREDENTIAL_VARS)
    (base / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": group_vars}}))
    credentials = yaml.safe_dump(dict((t.name, {"client_id": t.client_id, "client_secret": t.client_secret})
                                      for t in emu.tenants))
    (base / "env" / "extravars").write_text(json.dumps({"sessionguard_auth0_credentials": credentials}))
    (base / "env" / "envvars").write_text(json.dumps({
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "ANSIBLE_NOCOLOR": "1",
    }))
    return str(base)


def run(base, ident, check):
    # ansible-runner keeps cmdline in env/cmdline for later runs of the same directory, as AWX never does.
    return ansible_runner.run(private_data_dir=base, playbook="site.yml", ident=ident, verbosity=3, quiet=True,
                              cmdline="--check" if check else None)


def enforce_events(runner):
    """``{host: (event, result)}`` of the role's enforce task."""
    found = {}
    for event in runner.events:
        data = event.get("event_data") or {}
        if event.get("event") in ("runner_on_ok", "runner_on_failed") and data.get("task") == ENFORCE_TASK:
            assert data["host"] not in found, "two results for %s" % data["host"]
            found[data["host"]] = (event["event"], data["res"])
    return found


def report(tmp_path):
    return json.loads((tmp_path / "reports" / "session-policy-report.json").read_text())


def assert_no_secret_anywhere(base, runner, emu):
    secrets = emulator_secrets(emu)
    assert len(secrets) > len(emu.tenants)
    with open(os.path.join(base, "env", "extravars")) as handle:
        # The job's input holds every client secret, so a leak into the output would be found below.
        extravars = handle.read()
    assert all(t.client_secret in extravars for t in emu.tenants)
    texts = {"events": json.dumps(list(runner.events))}
    artifacts = os.path.join(base, "artifacts")
    for root, unused_dirs, files in os.walk(artifacts):
        for name in files:
            with open(os.path.join(root, name), errors="replace") as handle:
                texts[os.path.join(root, name)] = handle.read()
    assert len(texts) > 10
    assert leaks_in(texts, secrets) == []


def test_check_then_apply_through_ansible_runner(emulator, tmp_path):
    ensure_collection_link()
    emu = emulator(3)
    # tenant3's application may read but not create Actions: its apply fails at the create, alone.
    emu.tenant("tenant3").set_scopes([s for s in ALL_SCOPES if s != "create:actions"])
    scan_dir = private_data_dir(tmp_path, emu, "job-scan")
    scan = run(scan_dir, "scan", check=True)
    assert (scan.status, scan.rc) == ("successful", 0), scan.stdout.read()[-3000:]
    events = enforce_events(scan)
    assert dict((host, (kind, res["status"], res["changed"])) for host, (kind, res) in events.items()) == {
        "tenant1": ("runner_on_ok", "drifted", True), "tenant2": ("runner_on_ok", "drifted", True),
        "tenant3": ("runner_on_ok", "drifted", True)}
    assert not [e for e in scan.events if e["event"] == "runner_on_failed"]
    assert set(scan.stats["ok"]) == {"tenant1", "tenant2", "tenant3"} and not scan.stats["failures"]
    assert report(tmp_path)["check_mode"] is True
    assert all(t.writes() == [] for t in emu.tenants)

    apply_dir = private_data_dir(tmp_path, emu, "job-apply")
    apply = run(apply_dir, "apply", check=False)
    assert (apply.status, apply.rc) == ("failed", 2), (report(tmp_path), apply.stdout.read()[:3000])
    events = enforce_events(apply)
    assert [(host, events[host][0], events[host][1].get("status")) for host in sorted(events)] == [
        ("tenant1", "runner_on_ok", "changed"), ("tenant2", "runner_on_ok", "changed"),
        ("tenant3", "runner_on_failed", "failed")]
    assert "create:actions" in events["tenant3"][1]["msg"] and "403" in events["tenant3"][1]["msg"]
    assert set(apply.stats["failures"]) == {"tenant3"}
    assert dict((t["tenant"], t["status"]) for t in report(tmp_path)["tenants"]) == {
        "tenant1": "changed", "tenant2": "changed", "tenant3": "failed"}

    # The artifacts AWX keeps: the exit code, the status, stdout and one file per event.
    for base, ident, runner, status, rc in ((scan_dir, "scan", scan, "successful", 0),
                                            (apply_dir, "apply", apply, "failed", 2)):
        directory = os.path.join(base, "artifacts", ident)
        with open(os.path.join(directory, "status")) as handle:
            assert handle.read() == status
        with open(os.path.join(directory, "rc")) as handle:
            assert handle.read() == str(rc)
        assert len(os.listdir(os.path.join(directory, "job_events"))) == len(list(runner.events))
        with open(os.path.join(directory, "stdout")) as handle:
            assert "PLAY RECAP" in handle.read()
    for tenant in emu.tenants[:2]:
        assert [w["path"] for w in tenant.writes()][0] == "/api/v2/tenants/settings"
    assert_no_secret_anywhere(scan_dir, scan, emu)
    assert_no_secret_anywhere(apply_dir, apply, emu)
