"""action (with trigger_binding) against the emulator: create, build, deploy, update, failures, delete, secrets."""
import json

from harness import connection

GOOD = "exports.onExecutePostLogin = async (event, api) => {\n  api.session.setCookieMode('persistent');\n};\n"
GOOD2 = "exports.onExecutePostLogin = async (event, api) => {\n  api.session.setCookieMode('non-persistent');\n};\n"
BROKEN = "exports.onExecutePostLogin = async (event, api) => {\n  api.session.setCookieMode(;\n};\n"
SECRET_VALUE = "s3cr3t-Value-9f8e7d6c"
OTHER_SECRET = "An0ther-Secret-1a2b3c4d"


def play(*tasks):
    """A play whose tasks are ``(name, module, args)``; connection options come from module_defaults."""
    lines = ["- hosts: localhost", "  gather_facts: false", "  module_defaults:",
             "    sessionguard.auth0.action: '{{ conn }}'", "    sessionguard.auth0.trigger_binding: '{{ conn }}'",
             "  tasks:"]
    for name, module, args in tasks:
        lines += ["    - name: %s" % name, "      sessionguard.auth0.%s: %s" % (module, json.dumps(args))]
    return "\n".join(lines) + "\n"


def action_args(code=GOOD, **extra):
    args = {"name": "session-policy", "trigger": "post-login", "code": code, "runtime": "node22"}
    args.update(extra)
    return args


def run(playbook, emu, tenant, *tasks, **kwargs):
    extra = dict(kwargs.pop("extra_vars", {}), conn=connection(emu, tenant))
    return playbook(play(*tasks), extra_vars=extra, **kwargs)


def writes(tenant):
    return [(r["method"], r["path"].replace(_ids(tenant), "{id}") if _ids(tenant) else r["path"])
            for r in tenant.writes()]


def _ids(tenant):
    actions = tenant.actions()
    return actions[0]["id"] if len(actions) == 1 else None


def named(tenant, name="session-policy"):
    found = [a for a in tenant.actions() if a["name"] == name]
    assert len(found) == 1, found
    return found[0]


def binding_ids(tenant, trigger="post-login"):
    """The bindings as (binding id, action id, display name): what a write could change."""
    return [(b["id"], b["action"]["id"], b["display_name"]) for b in tenant.bindings(trigger)]


def bound_names(tenant, trigger="post-login"):
    return [b["action"]["name"] for b in tenant.bindings(trigger)]


def deploy_and_bind(playbook, emu, tenant, code=GOOD, **kwargs):
    return run(playbook, emu, tenant, ("action", "action", action_args(code)),
               ("bind", "trigger_binding", {"trigger": "post-login", "action": "session-policy",
                                            "display_name": "Session policy"}), **kwargs)


def test_fresh_tenant_create_build_deploy_bind_then_rerun_writes_nothing(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    first = deploy_and_bind(playbook, emu, tenant)
    assert first.rc == 0, first.output
    result = first.task("action")["result"]
    assert result["changed"] is True
    assert result["operations"] == ["create", "deploy"]
    assert (result["name"], result["status"], result["deployed_version"], result["all_changes_deployed"]) == \
        ("session-policy", "built", 1, True)
    action = named(tenant)
    assert result["id"] == action["id"]
    assert writes(tenant) == [("POST", "/api/v2/actions/actions"), ("POST", "/api/v2/actions/actions/{id}/deploy"),
                              ("PATCH", "/api/v2/actions/triggers/post-login/bindings")]
    assert action["code"] == GOOD and action["deployed_version"]["number"] == 1
    bind = first.task("bind")["result"]
    assert bind["changed"] is True and bind["operations"] == ["bind"]
    assert tenant.bindings("post-login")[0]["display_name"] == "Session policy"
    assert bound_names(tenant) == ["session-policy"]
    # The deploy waited for the build: no deploy was refused for an unbuilt draft.
    assert all(r["status"] < 400 for r in tenant.requests())

    tenant.clear_requests()
    second = deploy_and_bind(playbook, emu, tenant)
    assert second.rc == 0, second
    assert second.task("action")["result"]["changed"] is False
    assert second.task("action")["result"]["operations"] == []
    assert second.task("bind")["result"]["changed"] is False
    assert tenant.writes() == []


def test_dependencies_in_another_order_are_no_change(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    deps = [{"name": "lodash", "version": "4.17.21"}, {"name": "axios", "version": "1.7.2"}]
    first = run(playbook, emu, tenant, ("action", "action", action_args(dependencies=deps)))
    assert first.rc == 0, first.output
    tenant.clear_requests()
    again = run(playbook, emu, tenant, ("action", "action", action_args(dependencies=list(reversed(deps)))))
    assert again.rc == 0 and again.task("action")["result"]["changed"] is False
    assert tenant.writes() == []


def test_code_change_updates_and_deploys_and_leaves_binding_alone(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    assert deploy_and_bind(playbook, emu, tenant).rc == 0
    binding_before = binding_ids(tenant)
    tenant.clear_requests()
    run2 = deploy_and_bind(playbook, emu, tenant, code=GOOD2, diff=True)
    assert run2.rc == 0, run2
    result = run2.task("action")["result"]
    assert result["operations"] == ["update", "deploy"] and result["changed_fields"] == ["code"]
    assert result["deployed_version"] == 2 and result["all_changes_deployed"] is True
    assert writes(tenant) == [("PATCH", "/api/v2/actions/actions/{id}"), ("POST", "/api/v2/actions/actions/{id}/deploy")]
    assert tenant.writes()[0]["body"] == {"code": GOOD2}
    assert run2.task("bind")["result"]["changed"] is False
    assert binding_ids(tenant) == binding_before
    assert named(tenant)["deployed_version"]["code"] == GOOD2
    # The diff is a unified diff of the code.
    assert "-  api.session.setCookieMode('persistent');" in run2.stdout
    assert "+  api.session.setCookieMode('non-persistent');" in run2.stdout


def test_build_failure_fails_with_the_build_error_and_keeps_the_deployed_version(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    assert deploy_and_bind(playbook, emu, tenant).rc == 0
    binding_before = binding_ids(tenant)
    tenant.clear_requests()
    tenant.set_faults(check_syntax=True)  # real Auth0 was recorded building some syntax errors
    broken = deploy_and_bind(playbook, emu, tenant, code=BROKEN)
    assert broken.rc != 0
    result = broken.task("action")["result"]
    assert "SyntaxError" in result["msg"] and "not deployed" in result["msg"], result["msg"]
    assert "version 1 stays deployed" in result["msg"]
    assert any("SyntaxError" in m for m in result["build_errors"])
    assert result["status"] == "failed" and result["deployed_version"] == 1
    assert result["operations"] == ["update"] and result["changed"] is True
    assert writes(tenant) == [("PATCH", "/api/v2/actions/actions/{id}")]
    action = named(tenant)
    assert action["deployed_version"]["number"] == 1 and action["deployed_version"]["code"] == GOOD
    assert binding_ids(tenant) == binding_before
    # The binding task never ran: the play stopped at the failed build.
    assert [r["task"] for r in broken.results] == ["action"]


def test_dependency_install_failure_reports_every_error(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    deps = [{"name": "lodash", "version": "0.0.0-fail"}, {"name": "axios", "version": "0.0.0-fail"}]
    failed = run(playbook, emu, tenant, ("action", "action", action_args(dependencies=deps)))
    assert failed.rc != 0
    result = failed.task("action")["result"]
    assert len(result["build_errors"]) == 2
    assert "lodash@0.0.0-fail" in result["msg"] and "axios@0.0.0-fail" in result["msg"]
    assert result["deployed_version"] is None
    assert not [w for w in tenant.writes() if w["path"].endswith("/deploy")]


def test_build_timeout_fails_without_deploying(playbook, emulator):
    emu = emulator(build_seconds=30)
    tenant = emu.tenant("tenant1")
    slow = run(playbook, emu, tenant, ("action", "action", action_args(build_timeout=2)))
    assert slow.rc != 0
    assert "did not finish within 2 seconds" in slow.task("action")["result"]["msg"]
    assert not [w for w in tenant.writes() if w["path"].endswith("/deploy")]
    # Bounded and spaced: at most a few polls within two seconds.
    polls = [r for r in tenant.requests() if r["method"] == "GET" and r["path"].count("/") == 5]
    assert 1 <= len(polls) <= 3


def test_create_answered_500_after_it_happened_does_not_duplicate(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    tenant.set_faults(rules=[{"method": "POST", "path": "^/api/v2/actions/actions$", "status": 500,
                              "after_effect": True, "times": 1}])
    result = run(playbook, emu, tenant, ("action", "action", action_args()))
    assert result.rc == 0, result
    assert result.task("action")["result"]["operations"] == ["create", "deploy"]
    assert len(tenant.actions()) == 1
    creates = [r for r in tenant.requests() if r["method"] == "POST" and r["path"] == "/api/v2/actions/actions"]
    assert len(creates) == 1 and creates[0]["status"] == 500 and creates[0]["effect_status"] == 201
    assert named(tenant)["deployed_version"]["number"] == 1


def test_create_answered_503_before_it_happened_is_retried_once(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    tenant.set_faults(rules=[{"method": "POST", "path": "^/api/v2/actions/actions$", "status": 503, "times": 1}])
    result = run(playbook, emu, tenant, ("action", "action", action_args()))
    assert result.rc == 0, result
    creates = [r["status"] for r in tenant.requests()
               if r["method"] == "POST" and r["path"] == "/api/v2/actions/actions"]
    assert creates == [503, 201]
    assert len(tenant.actions()) == 1


def test_absent_bound_fails_then_force_deletes(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    assert deploy_and_bind(playbook, emu, tenant).rc == 0
    tenant.clear_requests()
    refused = run(playbook, emu, tenant, ("delete", "action", {"name": "session-policy", "state": "absent"}))
    assert refused.rc != 0
    msg = refused.task("delete")["result"]["msg"]
    assert "still bound to post-login" in msg and "force: true" in msg, msg
    assert tenant.writes() == []
    assert len(tenant.actions()) == 1

    forced = run(playbook, emu, tenant, ("delete", "action", {"name": "session-policy", "state": "absent",
                                                              "force": True}))
    assert forced.rc == 0, forced
    assert forced.task("delete")["result"]["operations"] == ["delete"]
    assert [(w["method"], w["query"]) for w in tenant.writes()] == [("DELETE", {"force": "true"})]
    assert tenant.actions() == [] and tenant.bindings("post-login") == []

    again = run(playbook, emu, tenant, ("delete", "action", {"name": "session-policy", "state": "absent"}))
    assert again.rc == 0 and again.task("delete")["result"]["changed"] is False


def test_absent_unbound_deletes(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    assert run(playbook, emu, tenant, ("action", "action", action_args())).rc == 0
    gone = run(playbook, emu, tenant, ("delete", "action", {"name": "session-policy", "state": "absent"}))
    assert gone.rc == 0 and gone.task("delete")["result"]["changed"] is True
    assert tenant.actions() == []


def test_delete_answered_409_says_bound(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    assert run(playbook, emu, tenant, ("action", "action", action_args())).rc == 0
    tenant.set_faults(rules=[{"method": "DELETE", "path": "/api/v2/actions/actions/", "status": 409, "times": 1,
                              "message": "The action is bound to the trigger(s) post-login."}])
    refused = run(playbook, emu, tenant, ("delete", "action", {"name": "session-policy", "state": "absent"}))
    assert refused.rc != 0
    assert "still bound" in refused.task("delete")["result"]["msg"]
    assert len(tenant.actions()) == 1


def test_check_mode_writes_nothing_on_every_write_path(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    create = run(playbook, emu, tenant, ("action", "action", action_args(secrets=[
        {"name": "API_KEY", "value": SECRET_VALUE}])), check=True, diff=True)
    assert create.rc == 0, create
    result = create.task("action")["result"]
    assert result["changed"] is True and result["operations"] == ["create", "deploy"] and result["id"] is None
    assert tenant.writes() == [] and tenant.actions() == []
    assert SECRET_VALUE not in create.output

    assert run(playbook, emu, tenant, ("action", "action", action_args(deploy=False))).rc == 0
    tenant.clear_requests()
    deploy_only = run(playbook, emu, tenant, ("action", "action", action_args()), check=True)
    assert deploy_only.task("action")["result"]["operations"] == ["deploy"]
    assert tenant.writes() == []
    assert run(playbook, emu, tenant, ("action", "action", action_args())).rc == 0

    tenant.clear_requests()
    update = run(playbook, emu, tenant, ("action", "action", action_args(GOOD2, runtime="node18")),
                 check=True, diff=True)
    result = update.task("action")["result"]
    assert result["operations"] == ["update", "deploy"] and result["changed_fields"] == ["code", "runtime"]
    assert '"runtime": "node22"' in update.stdout and '"runtime": "node18"' in update.stdout
    assert tenant.writes() == [] and named(tenant)["code"] == GOOD

    delete = run(playbook, emu, tenant, ("delete", "action", {"name": "session-policy", "state": "absent"}),
                 check=True)
    assert delete.task("delete")["result"]["operations"] == ["delete"]
    assert tenant.writes() == [] and len(tenant.actions()) == 1


def test_secrets_policy_and_values_never_in_output(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    secrets = [{"name": "API_KEY", "value": "{{ vault_key }}"}]
    vault = {"vault_key": SECRET_VALUE, "vault_other": OTHER_SECRET}
    first = run(playbook, emu, tenant, ("action", "action", action_args(secrets=secrets)),
                extra_vars=vault, verbosity=3, diff=True)
    assert first.rc == 0, first.output
    assert tenant.secret_value("session-policy", "API_KEY") == SECRET_VALUE
    assert SECRET_VALUE not in first.output

    # A changed value is not sent with on_create: values cannot be compared.
    tenant.clear_requests()
    same = run(playbook, emu, tenant, ("action", "action", action_args(secrets=[
        {"name": "API_KEY", "value": "{{ vault_other }}"}])), extra_vars=vault, verbosity=3)
    assert same.rc == 0 and same.task("action")["result"]["changed"] is False and tenant.writes() == []

    # A name added sends the whole list with values.
    tenant.clear_requests()
    added = run(playbook, emu, tenant, ("action", "action", action_args(secrets=secrets + [
        {"name": "OTHER", "value": "{{ vault_other }}"}])), extra_vars=vault, verbosity=3, diff=True)
    assert added.rc == 0, added
    result = added.task("action")["result"]
    assert result["changed_fields"] == ["secrets"] and result["operations"] == ["update", "deploy"]
    assert tenant.secret_value("session-policy", "OTHER") == OTHER_SECRET
    assert '"OTHER"' in added.stdout
    for value in (SECRET_VALUE, OTHER_SECRET):
        assert value not in added.output

    # A secret on the tenant that the task does not list: refused, nothing written.
    tenant.clear_requests()
    refused = run(playbook, emu, tenant, ("action", "action", action_args(GOOD2, secrets=secrets)),
                  extra_vars=vault, verbosity=3)
    assert refused.rc != 0
    assert "secrets that the task does not list: OTHER" in refused.task("action")["result"]["msg"]
    assert tenant.writes() == []
    for value in (SECRET_VALUE, OTHER_SECRET):
        assert value not in refused.output

    removed = run(playbook, emu, tenant, ("action", "action", action_args(secrets=secrets,
                                                                          remove_unlisted_secrets=True)),
                  extra_vars=vault)
    assert removed.rc == 0 and removed.task("action")["result"]["changed_fields"] == ["secrets"]
    assert [s["name"] for s in named(tenant)["secrets"]] == ["API_KEY"]

    # always: values sent on every run, so every run reports changed.
    tenant.clear_requests()
    always = run(playbook, emu, tenant, ("action", "action", action_args(secrets=[
        {"name": "API_KEY", "value": "{{ vault_other }}"}], update_secrets="always")), extra_vars=vault, verbosity=4)
    assert always.rc == 0 and always.task("action")["result"]["changed"] is True
    assert tenant.secret_value("session-policy", "API_KEY") == OTHER_SECRET
    for value in (SECRET_VALUE, OTHER_SECRET):
        assert value not in always.output
    for secret in [tenant.client_secret] + list(tenant.tokens):
        assert secret not in always.output


def test_src_reads_the_file_on_the_controller(playbook, emulator, tmp_path):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    src = tmp_path / "policy.js"
    src.write_text(GOOD2)
    done = run(playbook, emu, tenant, ("action", "action", {"name": "session-policy", "trigger": "post-login",
                                                            "src": str(src)}))
    assert done.rc == 0, done
    assert named(tenant)["code"] == GOOD2
    both = run(playbook, emu, tenant, ("action", "action", action_args(src=str(src))))
    assert both.rc != 0 and "mutually exclusive" in both.task("action")["result"]["msg"]


def test_check_mode_on_a_fresh_tenant_predicts_create_deploy_and_bind(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    run_ = deploy_and_bind(playbook, emu, tenant, check=True, diff=True)
    assert run_.rc == 0, run_
    assert run_.task("action")["result"]["operations"] == ["create", "deploy"]
    bind = run_.task("bind")["result"]
    assert bind["changed"] is True and bind["operations"] == ["bind"]
    assert "a real run fails unless an earlier task creates and deploys it" in run_.output
    assert tenant.writes() == [] and tenant.actions() == [] and tenant.bindings() == {}
