"""Test harness: real ``ansible-playbook`` runs against the Auth0 emulator, their results, and the
shared test policy (the example inventory's), imported by the integration, release, reliability and
bench suites so none of them imports another's test files.

On the import path through pytest.ini's ``pythonpath`` (and ``PYTHONPATH`` in the Makefile for scripts).
"""
import json
import os
import subprocess
import sys
import textwrap

import yaml

from auth0_emulator import Emulator

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS = os.path.join(ROOT, "build")
CALLBACKS = os.path.join(ROOT, "tests", "integration", "callback_plugins")
EXAMPLE_POLICY = os.path.join(ROOT, "docs", "examples", "inventory", "group_vars", "all.yml")

PLAYBOOK = """
- name: Enforce
  ansible.builtin.import_playbook: sessionguard.auth0.enforce_session_policy
"""
ACTION = "sessionguard-session-policy"
# The fleet credential of docs/guides/awx.md: one YAML extra var of every tenant's credentials, picked per host.
AWX_CREDENTIAL_VARS = {
    "session_policy_client_id": "{{ (sessionguard_auth0_credentials | from_yaml)[inventory_hostname].client_id }}",
    "session_policy_client_secret":
        "{{ (sessionguard_auth0_credentials | from_yaml)[inventory_hostname].client_secret }}",
}
TRIGGER = "post-login"
SEED_CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"

__all__ = ["ACTION", "AWX_CREDENTIAL_VARS", "COLLECTIONS", "EXAMPLE_POLICY", "Emulator", "PLAYBOOK", "POLICY", "ROOT", "Run", "connection",
           "emulator_secrets", "ensure_collection_link", "inventory", "leaks_in", "run_playbook", "seed_actions"]


def _example_policy():
    """The policy of docs/examples/inventory: the tests run what users are told to copy."""
    with open(EXAMPLE_POLICY) as handle:
        variables = yaml.safe_load(handle)
    return dict((name, value) for name, value in variables.items()
                if name in ("session_policy_tenant", "session_policy_rules", "session_policy_default"))


POLICY = _example_policy()


def ensure_collection_link():
    link = os.path.join(COLLECTIONS, "ansible_collections", "sessionguard", "auth0")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)


class Run(object):
    """One finished ansible-playbook run: exit code, output, and each task's result."""

    def __init__(self, proc, results):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.output = proc.stdout + proc.stderr
        self.results = results

    def task(self, name, host=None):
        """The result of the task called ``name`` (the only one, or the one for ``host``)."""
        found = [r for r in self.results if r["task"] == name and (host is None or r["host"] == host)]
        assert found, "no result for task %r; tasks were %r\n%s" % (name, [r["task"] for r in self.results], self.output)
        assert len(found) == 1, "several results for %r: %r" % (name, found)
        return found[0]

    def __repr__(self):
        # Errors first: pytest shortens long assertion messages from the middle.
        errors = [line for line in self.output.splitlines() if "ERROR" in line or "fatal:" in line]
        return "<Run rc=%s>\n%s\n%s" % (self.rc, "\n".join(errors)[:4000], self.output[-4000:])


def run_playbook(tmp_path, text, check=False, diff=False, verbosity=0, extra_vars=None, inventory=None, env=None,
                 args=()):
    """Run ``text`` as a playbook in ``tmp_path`` and collect every task result."""
    path = tmp_path / "playbook.yml"
    path.write_text(textwrap.dedent(text))
    log = tmp_path / "results.jsonl"
    if log.exists():
        log.unlink()
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(path)]
    command += ["-i", inventory or "localhost,", "-c", "local"]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if verbosity:
        command.append("-" + "v" * verbosity)
    if extra_vars:
        # From a file: -vvvv echoes the command line, and secrets on it would be a harness leak.
        vars_file = tmp_path / "extra_vars.json"
        vars_file.write_text(json.dumps(extra_vars))
        command += ["-e", "@" + str(vars_file)]
    command += list(args)
    environment = dict(os.environ)
    environment.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
        "ANSIBLE_CALLBACKS_ENABLED": "result_log",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "RESULT_LOG": str(log),
    })
    for name in list(environment):
        if name.startswith("AUTH0_"):
            del environment[name]
    environment.update(env or {})
    proc = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=str(tmp_path), timeout=600,
                          check=False)
    results = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return Run(proc, results)


def connection(emu, tenant):
    """The connection options of one emulated tenant, as module arguments."""
    return {"domain": tenant.domain, "client_id": tenant.client_id, "client_secret": tenant.client_secret,
            "ca_path": emu.ca_path}


def inventory(tmp_path, emu, policy=None, host_vars=None, **group_vars):
    """An inventory of every emulated tenant with ``policy`` (default: the example's) and a report dir."""
    hosts = {}
    for tenant in emu.tenants:
        hosts[tenant.name] = dict({"ansible_connection": "local", "session_policy_domain": tenant.domain,
                                   "session_policy_client_id": tenant.client_id,
                                   "session_policy_client_secret": tenant.client_secret},
                                  **(host_vars or {}).get(tenant.name, {}))
    variables = dict(POLICY if policy is None else policy)
    variables.update(session_policy_ca_path=emu.ca_path, session_policy_report_dir=str(tmp_path), **group_vars)
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": variables}}))
    return str(path)


def seed_actions(tenant, names, deployed=True, bind=False):
    """Actions made behind the tool's back (Python state, not logged), deployed and optionally bound in order."""
    with tenant.lock:
        store = tenant.action_store
        for name in names:
            created = store.create({"name": name, "supported_triggers": [{"id": TRIGGER, "version": "v3"}],
                                    "code": SEED_CODE})
            if deployed:
                store._deploy(store.actions[created["id"]])  # pylint: disable=protected-access
        if bind:
            refs = [{"ref": {"type": "action_name", "value": n}, "display_name": "Team %s" % n}
                    for n in [b["action"]["name"] for b in tenant.bindings(TRIGGER)] + list(names)]
            tenant.binding_store.replace(TRIGGER, {"bindings": refs})


def emulator_secrets(emu):
    """Every secret the emulator handed out: each tenant's client secret and every token it issued."""
    return [t.client_secret for t in emu.tenants] + [token for t in emu.tenants for token in t.issued_tokens()]


def leaks_in(texts, secrets):
    """The names of the ``{name: text}`` that hold any of ``secrets``, sorted."""
    return sorted(set(where for where, text in texts.items() for secret in secrets if secret and secret in text))
