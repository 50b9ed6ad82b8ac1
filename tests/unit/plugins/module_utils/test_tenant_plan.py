"""The saved plan's fingerprint, comparison, refusal message and file checks."""
import json

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils import _tenant_plan as plan


def _print(session_lifetime="7d", version=3, bindings=("other", "sessionguard-session-policy"), code="A"):
    read = dict(settings=dict(session_lifetime=session_lifetime, cookie_mode="persistent"),
                action=dict(deployed_version=version), bindings=list(bindings))
    desired = plan.desired_state(dict(code=code, action_name="sessionguard-session-policy", runtime="node22",
                                      display_name=None, position="last", plan="enterprise",
                                      action_on_self_service="fail"), {"session_lifetime": 60})
    return plan.fingerprint(read, desired)


def test_the_same_reads_give_the_same_fingerprint_and_no_change():
    assert _print() == _print()
    assert plan.compare(_print(), _print()) == []
    assert _print()["desired"]["code"].startswith("sha256:")


def test_every_changed_field_is_named_with_both_values():
    changes = plan.compare(_print(), _print(session_lifetime="3d", version=4, bindings=["other"], code="B"))
    fields = [field for field, _old, _new in changes]
    assert fields == ["desired.code", "read.action.deployed_version", "read.bindings", "read.settings.session_lifetime"]
    message = plan.refusal("tenant3 (acme.eu.auth0.com)", changes)
    assert message.startswith("saved plan refused for tenant3 (acme.eu.auth0.com): the tenant changed since the plan: ")
    assert "action.deployed_version was 3 when planned, is 4 now" in message
    assert "settings.session_lifetime was 7d when planned, is 3d now" in message
    assert "the policy to apply is not the planned one: code was sha256:" in message
    assert "Nothing was written to this tenant" in message


def test_an_action_created_since_the_plan_is_a_change():
    planned = _print()
    planned["read"]["action"] = None
    changes = plan.compare(planned, _print())
    assert changes == [("read.action.deployed_version", None, 3)]
    assert "action.deployed_version was none when planned, is 3 now" in plan.refusal("one", changes)


def _write(tmp_path, data):
    path = tmp_path / "plan.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_load_entry_tells_a_tenant_not_in_the_plan_from_a_failed_one(tmp_path):
    path = _write(tmp_path, dict(kind=plan.PLAN_KIND, format=plan.PLAN_FORMAT, tenants=dict(one=None)))
    assert plan.load_entry(path, "two") == (False, None)
    found, entry = plan.load_entry(path, "one")
    assert found and "could not plan this tenant" in plan.entry_problem("one", entry)
    assert "failed on this tenant" in plan.entry_problem("one", dict(status="failed", fingerprint={}))
    assert plan.entry_problem("one", dict(status="drifted", fingerprint={})) is None


@pytest.mark.parametrize("data, words", [
    ("{", "is not JSON"),
    (dict(tenants={}), "is not a session policy plan"),
    (dict(kind=plan.PLAN_KIND, format=2, tenants={}), "has plan format 2, this collection reads format 1"),
])
def test_a_file_that_is_not_a_plan_is_refused_naming_the_option(tmp_path, data, words):
    with pytest.raises(plan.PlanError) as caught:
        plan.load_entry(_write(tmp_path, data), "one")
    assert str(caught.value).startswith("apply_plan: ") and words in str(caught.value)


def test_a_missing_plan_file_is_named(tmp_path):
    with pytest.raises(plan.PlanError, match="apply_plan: cannot read the saved plan .*missing.json"):
        plan.load_entry(str(tmp_path / "missing.json"), "one")
