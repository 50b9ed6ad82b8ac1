"""No secret (client secret, Management API token, Action secret value) in any result, diff, warning, error
or -vvv log, with faults on: 429s, 5xx with HTML bodies, a token that expires mid-run, a failed build."""
import json
import threading
import time

import yaml

from harness import connection

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"
CODE2 = "exports.onExecutePostLogin = async (event, api) => { /* v2 */ };\n"
VALUES = ["Act10n-Secret-Value-0b7e41", "Act10n-Secret-Value-2c9a55", "Rotated-Secret-Value-77d1e0"]


def test_no_secret_in_any_output_under_faults(playbook, emulator, tmp_path):
    emu = emulator(1, seed=11)
    tenant = emu.tenant("tenant1")
    tenant.set_faults(rate_limit_ratio=0.3, error_ratio=0.1, check_syntax=True,
                      rules=[{"method": "POST", "path": "^/api/v2/actions/actions$", "status": 500, "after_effect": True,
                              "times": 1, "body": "html"}])
    conn = connection(emu, tenant)
    action = {"name": "with-secrets", "trigger": "post-login", "code": CODE,
              "secrets": [{"name": "API_KEY", "value": VALUES[0]}, {"name": "OTHER", "value": VALUES[1]}]}
    rotated = dict(action, code=CODE2, update_secrets="always",
                   secrets=[{"name": "API_KEY", "value": VALUES[2]}, {"name": "OTHER", "value": VALUES[1]}])
    broken = dict(rotated, code="exports.onExecutePostLogin = async (event, api) => { api.(; };\n")
    tasks = [
        {"name": "token", "sessionguard.auth0.management_token": conn, "register": "t", "no_log": True},
        {"name": "create", "sessionguard.auth0.action": dict(conn, **action)},
        {"name": "predict rotation", "sessionguard.auth0.action": dict(conn, **rotated), "check_mode": True},
        {"name": "rotate", "sessionguard.auth0.action": dict(conn, **rotated)},
        {"name": "broken build", "sessionguard.auth0.action": dict(conn, **broken), "ignore_errors": True},
        {"name": "with the fetched token", "sessionguard.auth0.tenant_session_info": {
            "domain": conn["domain"], "ca_path": conn["ca_path"], "token": "{{ t.access_token }}"},
         # The token fetched by the first task was expired mid-run; a token given by the user is not renewed.
         "ignore_errors": True},
        {"name": "bad secret", "sessionguard.auth0.tenant_session_info": dict(conn, client_secret=VALUES[0]),
         "ignore_errors": True},
    ]
    stop = threading.Event()

    def expire_once():
        # The tokens expire mid-run, right after the first Action write: the client fetches a new one.
        while not stop.is_set():
            if any(r["method"] == "POST" and r["path"].startswith("/api/v2/actions/") for r in tenant.requests()):
                tenant.expire_tokens()
                return
            time.sleep(0.02)
    expirer = threading.Thread(target=expire_once, daemon=True)
    expirer.start()
    run = playbook(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False),
                   diff=True, verbosity=3)
    stop.set()
    assert run.rc == 0, run
    assert run.task("create")["status"] == "ok" and run.task("rotate")["status"] == "ok"
    assert run.task("broken build")["status"] == "failed"
    assert "could not get a Management API token" in run.task("bad secret")["result"]["msg"]
    assert tenant.secret_value("with-secrets", "API_KEY") == VALUES[2]
    # The faults really happened.
    statuses = [r["status"] for r in tenant.requests()]
    assert 429 in statuses and any(s >= 500 for s in statuses) and 401 in statuses
    secrets = [tenant.client_secret] + tenant.issued_tokens() + VALUES
    assert len(tenant.issued_tokens()) >= 3
    captured = {"output": run.output, "results": json.dumps(run.results)}
    leaks = [(where, secret[:6] + "...") for where, text in captured.items() for secret in secrets if secret in text]
    assert leaks == [], leaks
