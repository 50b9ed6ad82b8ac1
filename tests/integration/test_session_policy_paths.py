"""The session_policy task, which runs only in the controller's worker (its action plugin): its results,
the requests the tenant received and what it stored; secrets masked at -vvv; module_defaults of the action
group and the task's environment reach it; no module is ever packed and started.
"""
import json
import re

import yaml

from harness import connection

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"
CODE2 = "exports.onExecutePostLogin = async (event, api) => { /* v2 */ };\n"
SETTINGS = {"session_lifetime": "30d", "idle_session_lifetime": "3d"}
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def play(tasks, **play_keys):
    # sessionguard_auth0_run_as_module ran the module in release 0.1.0; it must no longer change anything.
    return yaml.safe_dump([dict({"hosts": "localhost", "gather_facts": False,
                                 "vars": {"sessionguard_auth0_run_as_module": True}, "tasks": tasks},
                                **play_keys)], sort_keys=False)


def sent(tenant):
    return [(r["method"], _ID.sub("{id}", r["path"])) for r in tenant.requests()]


def test_results_requests_state_and_masking_of_the_one_path(playbook, emulator, tmp_path):
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
    first = playbook(play(scan), diff=True, verbosity=3)
    assert first.rc == 0, first
    assert tenant.writes() == [], "check mode wrote"
    assert [r for r in sent(tenant) if r[1] == "/oauth/token"] == [("POST", "/oauth/token")]  # one token
    second = playbook(play(rest), diff=True, verbosity=3)
    assert second.rc == 0, second
    # No module was packed or started: only a module run has an AnsiballZ file.
    assert "AnsiballZ" not in first.output + second.output
    for secret in [tenant.client_secret, "Wr0ng-S3cret-Value"] + tenant.issued_tokens():
        assert secret not in first.output + second.output, "a secret in the -vvv output"
        assert secret not in json.dumps(first.results + second.results)
    raw = dict((r["task"], r["result"]) for r in first.results + second.results)
    by_name = dict((r["task"], dict((k, v) for k, v in r["result"].items() if not k.startswith("_ansible")))
                   for r in first.results + second.results)
    assert by_name["predict"]["status"] == "drifted" and by_name["apply"]["status"] == "changed"
    assert by_name["converged"]["changed"] is False and by_name["converged"]["status"] == "compliant"
    assert "prepared" in by_name["new code"]["diff"][1]
    assert by_name["bad option"]["msg"].startswith("tenant.session_lifetime")
    assert by_name["unknown option"]["msg"].startswith("Unsupported parameters for (sessionguard.auth0.session_policy)")
    assert by_name["bad connection"]["msg"].startswith("timeout:")
    assert "domain" in by_name["missing option"]["msg"]
    assert "could not get a Management API token" in by_name["bad secret"]["msg"]
    assert raw["unverified"]["invocation"]["module_args"]["client_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert raw["apply"]["invocation"]["module_args"]["domain"] == tenant.domain  # the role's report reads it
    assert tenant.settings_minutes()["session_lifetime"] == 43200
    assert [a["name"] for a in tenant.actions()] == ["sessionguard-session-policy"]
    assert any("validate_certs is false" in str(w) for w in by_name["unverified"].get("warnings", [])), by_name


def test_module_defaults_of_the_action_group_and_the_environment_apply(playbook, emulator, tmp_path):
    emu = emulator(2)
    first, second = emu.tenants
    defaults = {"group/sessionguard.auth0.auth0": connection(emu, first),
                "sessionguard.auth0.session_policy": {"tenant": SETTINGS}}
    env = {"AUTH0_DOMAIN": second.domain, "AUTH0_CLIENT_ID": second.client_id,
           "AUTH0_CLIENT_SECRET": second.client_secret, "AUTH0_CA_PATH": emu.ca_path}
    with_defaults = play([{"name": "from module_defaults", "sessionguard.auth0.session_policy": {"code": CODE}}],
                         module_defaults=defaults)
    with_environment = play([{"name": "from the environment", "environment": env,
                              "sessionguard.auth0.session_policy": {"tenant": {"idle_session_lifetime": "2d"}}}])
    run = playbook(with_defaults + with_environment)
    assert run.rc == 0, run
    assert run.task("from module_defaults")["result"]["status"] == "changed"
    assert first.settings_minutes()["session_lifetime"] == 43200
    assert first.settings_minutes()["idle_session_lifetime"] == 4320
    assert [a["name"] for a in first.actions()] == ["sessionguard-session-policy"]
    assert second.settings_minutes()["idle_session_lifetime"] == 2880
    assert second.token_count() == 1 and second.actions() == []
