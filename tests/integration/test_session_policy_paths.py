"""The session_policy action plugin (in the controller's worker) against the module (an interpreter of its own).

The same tasks run on the same fresh tenant through each path: the results, the requests the
tenant received and what it stored must be the same; secrets are masked in both; module_defaults
of the action group and the task's environment reach both.
"""
import difflib
import json
import re

import pytest
import yaml

from harness import connection

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"
CODE2 = "exports.onExecutePostLogin = async (event, api) => { /* v2 */ };\n"
SETTINGS = {"session_lifetime": "30d", "idle_session_lifetime": "3d"}
PATHS = {"action plugin": False, "module": True}
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def play(tasks, as_module, **play_keys):
    return yaml.safe_dump([dict({"hosts": "localhost", "gather_facts": False,
                                 "vars": {"sessionguard_auth0_run_as_module": as_module}, "tasks": tasks},
                                **play_keys)], sort_keys=False)


def comparable(results):
    """Task results without Ansible's own keys (``_ansible_*``; ``invocation``, which ansible-core 2.21
    leaves out of a module's result at this verbosity), which differ by design."""
    return [(r["task"], r["status"], dict((k, v) for k, v in r["result"].items()
                                          if not k.startswith("_ansible") and k != "invocation"))
            for r in results]


def without_times(value):
    """Emulator state (and request bodies: the events of a test run on the runtime are stamped with the
    run's time) without timestamps and generated ids, which differ between two runs by design."""
    if isinstance(value, dict):
        return dict((k, without_times(v)) for k, v in value.items() if not k.endswith(("_at", "_time", "timestamp")))
    if isinstance(value, list):
        return [without_times(v) for v in value]
    if isinstance(value, str):
        return _ID.sub("<id>", value)
    return value


def sent(tenant):
    return [(r["method"], _ID.sub("{id}", r["path"]), without_times(r.get("body"))) for r in tenant.requests()]


def test_both_paths_give_the_same_results_requests_and_state(playbook, emulator, tmp_path):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    conn = connection(emu, tenant)
    task = dict(conn, tenant=SETTINGS, code=CODE)
    scan = [{"name": "predict", "sessionguard.auth0.session_policy": task, "check_mode": True}]
    rest = [
        {"name": "apply", "sessionguard.auth0.session_policy": task},
        {"name": "converged", "sessionguard.auth0.session_policy": task},
        {"name": "new code, predicted", "sessionguard.auth0.session_policy": dict(task, code=CODE2), "check_mode": True},
        {"name": "new code", "sessionguard.auth0.session_policy": dict(task, code=CODE2)},
        {"name": "bad option", "sessionguard.auth0.session_policy": dict(task, tenant={"session_lifetime": "9y"}),
         "ignore_errors": True},
        {"name": "unknown option", "sessionguard.auth0.session_policy": dict(task, colour="blue"),
         "ignore_errors": True},
        {"name": "bad connection", "sessionguard.auth0.session_policy": dict(task, timeout=0), "ignore_errors": True},
        {"name": "missing option", "sessionguard.auth0.session_policy": {"tenant": SETTINGS}, "ignore_errors": True},
        {"name": "bad secret", "sessionguard.auth0.session_policy": dict(task, client_secret="Wr0ng-S3cret-Value"),
         "ignore_errors": True},
        {"name": "unverified", "sessionguard.auth0.session_policy": dict(task, validate_certs=False, ca_path=None)},
    ]
    seen = {}
    for path, as_module in PATHS.items():
        emu.reset()
        tenant.clear_requests()
        first = playbook(play(scan, as_module), diff=True, verbosity=3)
        assert first.rc == 0, first
        assert tenant.writes() == [], "check mode wrote on the %s path" % path
        second = playbook(play(rest, as_module), diff=True, verbosity=3)
        assert second.rc == 0, second
        # Proof of which path ran: only a module run has an AnsiballZ file.
        assert ("AnsiballZ_session_policy.py" in first.output + second.output) == as_module
        for secret in [tenant.client_secret, "Wr0ng-S3cret-Value"] + tenant.issued_tokens():
            assert secret not in first.output + second.output, "a secret in the -vvv output of the %s path" % path
            assert secret not in json.dumps(first.results + second.results)
        seen[path] = dict(results=comparable(first.results + second.results), raw=first.results + second.results,
                          requests=sent(tenant),
                          settings=tenant.settings_minutes(), actions=without_times(tenant.actions()),
                          bindings=without_times(tenant.bindings("post-login")))

    action, module = seen["action plugin"], seen["module"]
    for key in ("requests", "settings", "actions", "bindings"):
        mine, theirs = (json.dumps(side[key], indent=1, sort_keys=True).splitlines() for side in (action, module))
        assert mine == theirs, "%s differ:\n%s" % (key, "\n".join(difflib.unified_diff(theirs, mine, lineterm="")))
    assert [r[:2] for r in action["results"]] == [r[:2] for r in module["results"]]
    for mine, theirs in zip(action["results"], module["results"]):
        assert mine == theirs, mine[0]
    by_name = dict((name, result) for name, unused, result in action["results"])
    assert by_name["predict"]["status"] == "drifted" and by_name["apply"]["status"] == "changed"
    assert by_name["converged"]["changed"] is False and by_name["converged"]["status"] == "compliant"
    assert "prepared" in by_name["new code"]["diff"][1]
    assert by_name["bad option"]["msg"].startswith("tenant.session_lifetime")
    assert by_name["unknown option"]["msg"].startswith("Unsupported parameters for (sessionguard.auth0.session_policy)")
    assert by_name["bad connection"]["msg"].startswith("timeout:")
    assert "domain" in by_name["missing option"]["msg"]
    assert "could not get a Management API token" in by_name["bad secret"]["msg"]
    raw = dict((r["task"], r["result"]) for r in seen["action plugin"]["raw"])
    assert raw["unverified"]["invocation"]["module_args"]["client_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert raw["apply"]["invocation"]["module_args"]["domain"] == tenant.domain  # the role's report reads it
    # Where the module path returns an invocation (ansible-core before 2.21), the action plugin's is the same.
    raw_module = dict((r["task"], r["result"]) for r in seen["module"]["raw"])
    for name, result in raw.items():
        if "invocation" in raw_module[name]:
            assert result.get("invocation") == raw_module[name]["invocation"], name
    assert any("validate_certs is false" in str(w) for w in by_name["unverified"].get("warnings", [])), by_name


@pytest.mark.parametrize("path", sorted(PATHS))
def test_module_defaults_of_the_action_group_and_the_environment_apply(playbook, emulator, tmp_path, path):
    emu = emulator(2)
    first, second = emu.tenants
    defaults = {"group/sessionguard.auth0.auth0": connection(emu, first),
                "sessionguard.auth0.session_policy": {"tenant": SETTINGS}}
    env = {"AUTH0_DOMAIN": second.domain, "AUTH0_CLIENT_ID": second.client_id,
           "AUTH0_CLIENT_SECRET": second.client_secret, "AUTH0_CA_PATH": emu.ca_path}
    with_defaults = play([{"name": "from module_defaults", "sessionguard.auth0.session_policy": {"code": CODE}}],
                         PATHS[path], module_defaults=defaults)
    with_environment = play([{"name": "from the environment", "environment": env,
                              "sessionguard.auth0.session_policy": {"tenant": {"idle_session_lifetime": "2d"}}}],
                            PATHS[path])
    run = playbook(with_defaults + with_environment)
    assert run.rc == 0, run
    assert run.task("from module_defaults")["result"]["status"] == "changed"
    assert first.settings_minutes()["session_lifetime"] == 43200
    assert first.settings_minutes()["idle_session_lifetime"] == 4320
    assert [a["name"] for a in first.actions()] == ["sessionguard-session-policy"]
    assert second.settings_minutes()["idle_session_lifetime"] == 2880
    assert second.token_count() == 1 and second.actions() == []
