"""Integration harness: real ``ansible-playbook`` runs against the Auth0 emulator, and their results.

A module of its own name (not conftest) so that tests, the reliability runner and the release
tests import the same code without clashing with other conftest modules.
"""
import json
import os
import subprocess
import sys
import textwrap


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS = os.path.join(ROOT, "build")
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from auth0_emulator import Emulator  # noqa: E402

__all__ = ["COLLECTIONS", "Emulator", "Run", "connection", "ensure_collection_link", "run_playbook"]


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
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
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
