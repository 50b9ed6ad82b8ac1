"""Least privilege (docs/scopes.md): each module works with exactly its documented scopes, and fails
clearly, naming the missing scope, with any one of them taken away.

One emulated tenant per case (scopes are per tenant), every case a task of one playbook.
"""
import yaml

from harness import connection, seed_actions

ACTION = "scoped-action"
CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"
NEW_CODE = "exports.onExecutePostLogin = async (event, api) => { /* v2 */ };\n"

# module, case, documented scopes, module args, seed ("fresh" | "action" | "bound")
MATRIX = [
    ("tenant_session_info", "read", ["read:tenant_settings"], {}, "fresh"),
    ("tenant_session", "change", ["read:tenant_settings", "update:tenant_settings"],
     {"session_lifetime": "7d", "cookie_mode": "non-persistent"}, "fresh"),
    ("action", "create", ["read:actions", "create:actions"],
     {"name": ACTION, "trigger": "post-login", "code": CODE}, "fresh"),
    ("action", "update", ["read:actions", "create:actions", "update:actions"],
     {"name": ACTION, "trigger": "post-login", "code": NEW_CODE}, "action"),
    ("action", "delete", ["read:actions", "delete:actions"], {"name": ACTION, "state": "absent"}, "action"),
    ("trigger_binding", "bind", ["read:actions", "update:actions"],
     {"trigger": "post-login", "action": ACTION}, "action"),
    ("session_policy", "apply", ["read:tenant_settings", "update:tenant_settings", "read:actions", "create:actions",
                                 "update:actions"],
     {"tenant": {"session_lifetime": "30d"}, "code": CODE}, "fresh"),
    ("session_policy", "check", ["read:tenant_settings", "read:actions"],
     {"tenant": {"session_lifetime": "30d"}, "code": CODE, "check_mode": True}, "fresh"),
    ("management_token", "token", [], {}, "fresh"),
    # The read-only proof: a canary with no session yet, warnings read since 2020.
    ("session_policy_verify", "verify", ["read:actions", "read:sessions", "read:logs"],
     {"since": "2020-01-01T00:00:00Z", "canaries": [{"name": "canary", "user_id": "auth0|scoped-canary"}]}, "action"),
    ("session_policy_preview", "preview", ["read:logs", "read:actions", "read:tenant_settings"],
     {"since": "2020-01-01T00:00:00Z", "page_pause": 0}, "action"),
]


def cases():
    for module, case, scopes, args, seed in MATRIX:
        yield "%s %s: documented" % (module, case), module, scopes, args, seed, None
        for missing in scopes:
            yield ("%s %s: without %s" % (module, case, missing), module, [s for s in scopes if s != missing],
                   args, seed, missing)


def test_each_module_needs_exactly_its_documented_scopes(playbook, emulator):
    all_cases = list(cases())
    emu = emulator(len(all_cases))
    tasks = []
    for (name, module, scopes, args, seed, missing), tenant in zip(all_cases, emu.tenants):
        if seed == "action":
            seed_actions(tenant, [ACTION])
        tenant.set_scopes(scopes)
        args = dict(args)
        task = {"name": name, "ignore_errors": True}
        if args.pop("check_mode", False):
            task["check_mode"] = True
        task["sessionguard.auth0.%s" % module] = dict(connection(emu, tenant), **args)
        if module == "management_token":
            task["no_log"] = True
        tasks.append(task)
    run = playbook(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False))
    problems = []
    for (name, module, scopes, args, seed, missing), tenant in zip(all_cases, emu.tenants):
        result = run.task(name)
        msg = str(result["result"].get("msg", ""))
        if missing is None and result["status"] != "ok":
            problems.append("%s: failed with its documented scopes %s: %s" % (name, scopes, msg))
        if missing is not None:
            if result["status"] != "failed":
                problems.append("%s: did not fail" % name)
            elif "HTTP 403 insufficient_scope" not in msg or missing not in msg:
                problems.append("%s: message does not name the missing scope: %s" % (name, msg))
    assert not problems, "\n".join(problems)
