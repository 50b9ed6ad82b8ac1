"""The composition of settings, Action and binding: order, stopping at failures, statuses, differences."""
import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils import _tenant_rollout as P


def target(settings, code="code", **options):
    """The PolicyTarget of these tests: the policy Action "policy", a 60-second build timeout."""
    return P.PolicyTarget.of(settings, "policy", code, build_timeout=60, **options)


def settings_outcome(changed_fields=(), errors=()):
    before = dict((f, "3d") for f in changed_fields)
    after = dict((f, "1d") for f in changed_fields)
    return dict(changed=bool(changed_fields), changed_fields=list(changed_fields), settings={"s": 1},
                diff=dict(before=before, after=after), errors=list(errors))


def action_outcome(operations=(), errors=(), changed_fields=(), code_diff="", deployed=1, action_id="act-1"):
    return dict(changed=bool(operations), operations=list(operations), changed_fields=list(changed_fields),
                diff=dict(before={}, after={}), code_diff=code_diff, errors=list(errors), build_errors=[],
                action=dict(id=action_id, name="policy", status="built", deployed_version=deployed,
                            all_changes_deployed=True))


def binding_outcome(before=("policy",), after=("policy",), operations=(), errors=()):
    return dict(changed=bool(operations), operations=list(operations), errors=list(errors), warnings=[],
                diff=dict(before={"bindings": list(before), "display_names": {}},
                          after={"bindings": list(after), "display_names": {}}))


@pytest.fixture
def parts(monkeypatch):
    calls = []
    script = {"settings": settings_outcome(), "action": action_outcome(), "binding": binding_outcome(),
              "current": dict(CURRENT)}

    def fake(name):
        def run(*args, **kwargs):
            calls.append((name, dict(kwargs, args=args)))
            return script[name]
        return run

    monkeypatch.setattr(P, "read_settings", lambda client: script["current"])
    monkeypatch.setattr(P, "write_settings", fake("settings"))
    monkeypatch.setattr(P, "ensure_action", fake("action"))
    monkeypatch.setattr(P, "ensure_binding", fake("binding"))
    return script, calls


# A fresh tenant's lifetimes, in minutes (7d, 3d, 7d, 3d), as the emulator starts them.
CURRENT = {"session_lifetime": 10080, "idle_session_lifetime": 4320, "ephemeral_session_lifetime": 10080,
           "idle_ephemeral_session_lifetime": 4320, "cookie_mode": "non-persistent"}


def enforce(check_mode=False, code="code", desired=None):
    return P.ensure_policy(None, target(desired or {}, code=code), check_mode)


def test_compliant_tenant(parts):
    outcome = enforce()
    assert outcome["status"] == "compliant" and outcome["differences"] == [] and not outcome["changed"]
    # The binding gets the action as read, in the API's shape, so it is not looked up again.
    assert parts[1][2][1]["action"] == {"id": "act-1", "name": "policy", "deployed_version": {"number": 1}}


def test_drift_in_check_mode_lists_every_difference(parts):
    script, calls = parts
    script["settings"] = settings_outcome(["idle_session_lifetime"])
    script["action"] = action_outcome(["update", "deploy"], changed_fields=["code"],
                                      code_diff="--- a\n+++ b\n-old\n+new\n")
    script["binding"] = binding_outcome(before=["other"], after=["other", "policy"], operations=["bind"])
    outcome = enforce(check_mode=True)
    assert outcome["status"] == "drifted" and outcome["changed"]
    assert [(d["part"], d["field"]) for d in outcome["differences"]] == [
        ("settings", "idle_session_lifetime"), ("action", "code"), ("binding", "bindings")]
    assert outcome["differences"][1]["current"] == "differs from the policy (2 lines)"
    assert outcome["operations"] == ["update settings", "update action", "deploy action", "bind action"]
    assert all(call[1].get("check_mode", True) for call in calls if call[0] != "settings")


@pytest.mark.parametrize("check_mode, drifted", [(True, "drifted"), (False, "changed")])
def test_an_undeployed_draft_is_a_line_of_its_own_not_drift(parts, check_mode, drifted):
    script = parts[0]
    script["action"] = dict(action_outcome(), draft_differs=True)
    outcome = enforce(check_mode=check_mode)
    assert (outcome["status"], outcome["changed"]) == ("compliant", False)
    assert outcome["differences"] == [dict(part="action", field="draft", current=P.DRAFT_NOT_DEPLOYED, drift=False,
                                           desired="left as it is: logins run the deployed version, which is the policy")]
    assert P.DRAFT_NOT_DEPLOYED == "draft differs from the deployed version, not deployed"
    # Beside a real difference the tenant is drifted (changed) for that one only.
    script["settings"] = settings_outcome(["idle_session_lifetime"])
    outcome = enforce(check_mode=check_mode)
    assert outcome["status"] == drifted and len(outcome["differences"]) == 2


def test_settings_failure_stops_before_the_action(parts):
    script, calls = parts
    script["settings"] = settings_outcome(errors=["idle_session_lifetime: 8d must not exceed session_lifetime"])
    outcome = enforce()
    assert outcome["status"] == "failed"
    assert outcome["errors"] == ["tenant settings: idle_session_lifetime: 8d must not exceed session_lifetime"]
    assert [c[0] for c in calls] == ["settings"]


def test_failed_build_never_reaches_the_binding(parts):
    script, calls = parts
    script["action"] = action_outcome(["update"], errors=["the build of the action 'policy' failed"])
    outcome = enforce()
    assert outcome["status"] == "failed" and [c[0] for c in calls] == ["settings", "action"]
    assert outcome["errors"] == ["action: the build of the action 'policy' failed"]


def test_check_mode_on_a_fresh_tenant_binds_by_name_and_does_not_refuse(parts):
    script, calls = parts
    script["action"] = action_outcome(["create", "deploy"], action_id=None, deployed=None)
    enforce(check_mode=True)
    assert calls[2][1]["action"] == "policy"


def test_check_mode_counts_a_pending_deploy_as_deployed(parts):
    script, calls = parts
    script["action"] = action_outcome(["deploy"], deployed=None)
    enforce(check_mode=True)
    assert calls[2][1]["action"]["deployed_version"] == {"number": "pending"}


def test_without_code_only_the_settings_are_enforced(parts):
    outcome = enforce(code=None)
    assert [c[0] for c in parts[1]] == ["settings"] and outcome["action"] is None


def test_a_renamed_binding_is_a_display_name_difference(parts):
    script = parts[0]
    script["binding"] = dict(binding_outcome(operations=["rename"]),
                             diff=dict(before={"bindings": ["policy"], "display_names": {"policy": "Old"}},
                                       after={"bindings": ["policy"], "display_names": {"policy": "New"}}))
    outcome = enforce()
    assert outcome["status"] == "changed"
    assert outcome["differences"] == [dict(part="binding", field="display_name", current={"policy": "Old"},
                                           desired={"policy": "New"})]


# The issue 16 policy: 30d for the longest rule, shorter idle and ephemeral lifetimes, persistent cookie.
RAISING = {"session_lifetime": 43200, "idle_session_lifetime": 1440, "ephemeral_session_lifetime": 1440,
           "idle_ephemeral_session_lifetime": 480,
           "cookie_mode": "persistent"}


def written(calls):
    """The settings each write_settings call was asked for, in order."""
    return [sorted(call[1]["args"][1]) for call in calls if call[0] == "settings"]


def test_lengthening_settings_wait_until_the_action_is_bound(parts):
    script, calls = parts
    outcome = enforce(desired=RAISING)
    assert [c[0] for c in calls] == ["settings", "action", "binding", "settings"]
    assert written(calls) == [["ephemeral_session_lifetime", "idle_ephemeral_session_lifetime", "idle_session_lifetime"],
                              ["cookie_mode", "session_lifetime"]]
    assert outcome["left_in"] == "policy already applied" and outcome["status"] == "compliant"


@pytest.mark.parametrize("failing", ["action", "binding"])
def test_a_failed_action_or_binding_leaves_no_setting_lengthened(parts, failing):
    script, calls = parts
    script["settings"] = settings_outcome(["idle_session_lifetime"])
    script[failing]["errors"] = ["it failed"]
    outcome = enforce(desired=RAISING)
    assert written(calls) == [["ephemeral_session_lifetime", "idle_ephemeral_session_lifetime", "idle_session_lifetime"]]
    assert outcome["status"] == "failed"
    assert outcome["left_in"].startswith("partly applied, no session longer than before: done update settings")
    assert "session_lifetime (stays 7d, the policy wants 30d)" in outcome["left_in"]
    assert "cookie_mode (stays non-persistent, the policy wants persistent)" in outcome["left_in"]


def test_without_code_every_setting_is_written_at_once(parts):
    script, calls = parts
    enforce(desired=RAISING, code=None)
    assert written(calls) == [["cookie_mode", "ephemeral_session_lifetime", "idle_ephemeral_session_lifetime", "idle_session_lifetime",
                               "session_lifetime"]]


def test_idle_over_absolute_is_refused_before_any_write(parts):
    script, calls = parts
    outcome = enforce(desired={"idle_session_lifetime": 20160})
    assert calls == [] and outcome["left_in"] == "unchanged: nothing was written"
    assert "(the tenant's current value; set session_lifetime too)" in outcome["errors"][0]


def test_check_mode_left_in(parts):
    assert enforce(check_mode=True, desired=RAISING)["left_in"] == "unchanged (check mode)"


def test_the_binding_retires_other_generated_policy_actions(parts):
    script, calls = parts
    script["binding"] = binding_outcome(before=["old-policy", "policy"], after=["policy"], operations=["move"])
    outcome = enforce()
    retire = calls[2][1]["retire"]
    assert retire({"code": "/**\n * Session policy Post-Login Action.\n *\n * %s. Do not edit\n */\n" % P.GENERATED_MARKER})
    assert not retire({"code": "exports.onExecutePostLogin = async () => {}; // " + P.GENERATED_MARKER})
    assert not retire({"code": None})
    assert "unbind previous policy action 'old-policy'" in outcome["operations"]
    assert outcome["differences"][-1]["field"] == "bindings"


def test_the_renderer_writes_the_marker():
    from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
    from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy
    normalized, errors = validate_policy({"session_lifetime": "7d"}, [], {}, plan="enterprise")
    assert not errors
    assert P.is_generated_policy(render_action(normalized))


def test_self_service_enforces_settings_and_refuses_the_action(parts):
    script, calls = parts
    script["settings"] = settings_outcome(["session_lifetime"])
    outcome = P.ensure_policy(None, target({}, plan="self_service"), False)
    assert [name for name, unused in calls] == ["settings"]
    assert outcome["status"] == "failed" and outcome["changed"] is True
    assert "Enterprise features" in outcome["errors"][0] and "action_on_self_service: skip" in outcome["errors"][0]


def test_self_service_can_skip_the_action(parts):
    script, calls = parts
    outcome = P.ensure_policy(None, target({}, plan="self_service", action_on_self_service="skip"), False)
    assert [name for name, unused in calls] == ["settings"]
    assert outcome["errors"] == [] and outcome["skipped"] == ["action", "binding"]
    assert "only the tenant settings are enforced" in outcome["warnings"][0]
    # Not "compliant" / "policy already applied": no per-login rule is enforced (issue 23).
    assert outcome["status"] == "skipped"
    assert outcome["left_in"] == ("tenant settings already applied; the Action was skipped (action_on_self_service: "
                                  "skip), so no per-login rule is enforced")
    # Without code there is no Action part to refuse or skip.
    plain = P.ensure_policy(None, target({}, code=None, plan="self_service"), False)
    assert plain["errors"] == [] and plain["skipped"] == [] and plain["status"] == "compliant"


def test_a_skipped_action_is_never_reported_changed_and_drift_still_gates(parts):
    """Issue 23: with settings written the status is still skipped; in check mode settings drift stays drifted."""
    script, calls = parts
    script["settings"] = settings_outcome(["session_lifetime"])
    written = P.ensure_policy(None, target({}, plan="self_service", action_on_self_service="skip"), False)
    assert written["status"] == "skipped" and written["changed"] is True
    assert written["left_in"].startswith("tenant settings applied; the Action was skipped")
    checked = P.ensure_policy(None, target({}, plan="self_service", action_on_self_service="skip"), True)
    assert checked["status"] == "drifted" and checked["skipped"] == ["action", "binding"]
