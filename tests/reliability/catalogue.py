"""The bad-input catalogue (bad_inputs.yml) run as real tasks: one emulated tenant per entry.

Module entries are the tasks of one playbook (``ignore_errors``); role entries are the hosts of one
``enforce_session_policy`` run. Used by tests/integration/test_bad_input_catalogue.py and by
run_reliability.py (which puts the outcome table in docs/reliability.md).
"""
import json
import os
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

from harness import (PLAYBOOK, Emulator, connection, emulator_secrets, ensure_collection_link, inventory, leaks_in,
                     run_playbook)

CATALOGUE = os.path.join(HERE, "bad_inputs.yml")


def load(path=CATALOGUE):
    entries = yaml.safe_load(open(path))
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids in %s" % path
    return entries


def _module_args(entry, emu, tenant):
    args = connection(emu, tenant)
    for key, value in (entry.get("connection") or {}).items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    args.update(entry.get("args") or {})
    return _expand(args)


# Input files made at run time, not committed: a file that is not UTF-8 would itself fail ansible-test's
# no-smart-quotes sanity test.
FILES = {"not-utf8.js": b"exports.onExecutePostLogin = async (event, api) => {}; // caf\xe9 in Latin-1.\n"}
_FILES_DIR = []


def _files_dir():
    if not _FILES_DIR:
        _FILES_DIR.append(tempfile.mkdtemp(prefix="bad-input-files-"))
        for name, data in FILES.items():
            with open(os.path.join(_FILES_DIR[0], name), "wb") as handle:
                handle.write(data)
    return _FILES_DIR[0]


def _expand(value):
    """``{files}`` in a string: a directory holding FILES; ``{int:N}``: an N-digit integer; ``{deep:N}``: a
    mapping nested N levels deep (``{"a": {"a": ... "gold"}}``)."""
    if isinstance(value, dict):
        return dict((key, _expand(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_expand(item) for item in value]
    if isinstance(value, str):
        if value.startswith("{int:") and value.endswith("}"):
            return int("1" * int(value[5:-1]))
        if value.startswith("{deep:") and value.endswith("}"):
            nested = "gold"
            for unused in range(int(value[6:-1])):
                nested = {"a": nested}
            return nested
        return value.replace("{files}", _files_dir()) if "{files}" in value else value
    return value


def _module_playbook(entries, emu, tenants):
    tasks = []
    for entry, tenant in zip(entries, tenants):
        tasks.append({"name": entry["id"], "sessionguard.auth0.%s" % entry["target"]: _module_args(entry, emu, tenant),
                      "ignore_errors": True})
    # Durations such as .nan / .inf must reach the module as floats: YAML keeps them, JSON would not.
    return yaml.safe_dump([{"name": "Bad input catalogue", "hosts": "localhost", "gather_facts": False,
                            "tasks": tasks}], sort_keys=False)


def _role_hosts(entries, emu, tenants):
    return dict((tenant.name, _expand(entry.get("policy") or {})) for entry, tenant in zip(entries, tenants))


def run_catalogue(workdir, entries=None):
    """Run every entry; return ``[{id, target, rule, expect, message, passed, problems, requests, writes, xfail}]``."""
    ensure_collection_link()
    entries = entries if entries is not None else load()
    modules = [e for e in entries if e["target"] != "role"]
    roles = [e for e in entries if e["target"] == "role"]
    outcomes = []
    emu = Emulator(tenants=len(entries), build_seconds=0.2, seed=7)
    emu.start()
    try:
        tenants = list(emu.tenants)
        module_tenants, role_tenants = tenants[:len(modules)], tenants[len(modules):]
        started = time.time()
        mod_dir = os.path.join(workdir, "modules")
        os.makedirs(mod_dir, exist_ok=True)
        from pathlib import Path
        mod_run = run_playbook(Path(mod_dir), _module_playbook(modules, emu, module_tenants))
        mod_seconds = time.time() - started
        started = time.time()
        role_runs = []
        # Any invalid policy stops a run in its validate play, so entries the module refuses run apart.
        for stage in ("validate", "module"):
            staged = [(e, t) for e, t in zip(roles, role_tenants) if e.get("stage", "validate") == stage]
            if not staged:
                continue
            role_dir = Path(os.path.join(workdir, "role-" + stage))
            role_dir.mkdir(parents=True, exist_ok=True)
            # Only these entries' tenants: an inventory over emu.tenants would add every other entry's tenant.
            view = type("View", (), {"tenants": [t for unused, t in staged], "ca_path": emu.ca_path})()
            inv = inventory(role_dir, view, host_vars=_role_hosts([e for e, unused in staged], emu,
                                                                  [t for unused, t in staged]))
            role_runs.append(run_playbook(role_dir, PLAYBOOK, inventory=inv,
                                          extra_vars={"session_policy_batches": ["100%"]}))
        role_seconds = time.time() - started
        # The output and the results the callback saw: a failed result's invocation is not in the output.
        texts = {"modules": mod_run.output + json.dumps(mod_run.results)}
        texts.update(("role %d" % index, run.output + json.dumps(run.results)) for index, run in enumerate(role_runs))
        leaks = leaks_in(texts, emulator_secrets(emu))
        for entry, tenant in zip(modules, module_tenants):
            results = [r for r in mod_run.results if r["task"] == entry["id"]]
            outcomes.append(_judge(entry, tenant, results))
        role_results = [r for run in role_runs for r in run.results]
        for entry, tenant in zip(roles, role_tenants):
            # An invalid policy's errors are printed once for the fleet, one per line ("! <tenant> invalid: <error>"),
            # by the validate play's one task before the stop; any other failure is the tenant's own failed result.
            prefix = "! %s invalid: " % tenant.name
            shown = [line[len(prefix):] for r in role_results
                     if r["task"] == "Show every error of the session policy, one per line"
                     for line in r["result"].get("msg") or [] if line.startswith(prefix)]
            if shown:
                results = [dict(task="validate", host=tenant.name, status="failed", result=dict(msg="\n".join(shown)))]
            else:
                results = [r for r in role_results if r["host"] == tenant.name and r["status"] == "failed"]
            outcomes.append(_judge(entry, tenant, results[:1]))
    finally:
        emu.stop()
    return dict(entries=outcomes, leaks=leaks, module_seconds=round(mod_seconds, 1),
                role_seconds=round(role_seconds, 1), module_rc=mod_run.rc, role_rc=[run.rc for run in role_runs])


def _judge(entry, tenant, results):
    problems = []
    message = ""
    if len(results) != 1:
        problems.append("expected one result, got %d" % len(results))
    else:
        result = results[0]
        message = str(result["result"].get("msg", ""))
        if result["status"] != "failed":
            problems.append("the task did not fail (status %s)" % result["status"])
        for fragment in _fragments(entry):
            if fragment not in message:
                problems.append("message lacks %r" % fragment)
    requests = tenant.requests()
    writes = tenant.writes()
    allowed_reads = entry.get("reads", 0)
    if writes:
        problems.append("%d write(s) sent: %s" % (len(writes), ["%s %s" % (w["method"], w["path"]) for w in writes]))
    if len(requests) > allowed_reads:
        problems.append("%d request(s) sent, %d allowed: %s" % (
            len(requests), allowed_reads, ["%s %s" % (r["method"], r["path"]) for r in requests]))
    return dict(id=entry["id"], target=entry["target"], rule=entry["rule"], expect=_fragments(entry),
                message=_relevant(message, _fragments(entry)), passed=not problems, problems=problems,
                requests=len(requests), writes=len(writes), xfail=entry.get("xfail"),
                input=_shown_input(entry))


def _fragments(entry):
    return entry["expect"] if isinstance(entry["expect"], list) else [entry["expect"]]


def _relevant(message, fragments):
    """The line of a (possibly multi-line) message that holds the first fragment, else its start."""
    lines = [" ".join(line.split()) for line in message.splitlines() if line.strip()]
    for line in lines:
        if fragments[0] in line:
            return line[:400]
    return " ".join(message.split())[:400]


def _shown_input(entry):
    shown = {}
    shown.update(entry.get("connection") or {})
    shown.update(entry.get("args") or {})
    shown.update(entry.get("policy") or {})
    return json.dumps(shown, sort_keys=True, default=str)
