"""Adopting a tenant: the deployed Action's policy back as the role's variables, rendering the same code again."""
import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import policy_in_code
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_adopt import as_variables
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy

TENANT = {"session_lifetime": "30d", "idle_session_lifetime": "3d", "ephemeral_session_lifetime": "1d",
          "idle_ephemeral_session_lifetime": "8h", "cookie_mode": "persistent"}
RULES = [
    {"name": "risky", "match": {"risk_confidence": ["low"]}, "session_lifetime": "8h", "idle_session_lifetime": "30m"},
    {"name": "kiosk", "match": {"clients": ["kiosk"]}, "cookie_mode": "non-persistent"},
    {"name": "beta", "match": {"app_metadata": {"__proto__": "x", "tier": "beta"}}},
]


def _code(tenant, rules, default):
    normalized, errors = validate_policy(tenant, rules, default)
    assert errors == []
    return render_action(normalized)


@pytest.mark.parametrize("default", [{"session_lifetime": "7d", "idle_session_lifetime": "1d"}, {}])
def test_the_exported_rules_and_default_render_the_same_code(default):
    code = _code(TENANT, RULES, default)
    rules, exported_default = as_variables(policy_in_code(code))
    assert [rule["name"] for rule in rules] == ["risky", "kiosk", "beta"]
    assert rules[2]["match"] == {"app_metadata": {"__proto__": "x", "tier": "beta"}}
    if default:
        # The kiosk rule comes back with the default's lifetimes clipped, as the Action applies them: the ephemeral caps.
        assert (rules[1]["session_lifetime"], rules[1]["idle_session_lifetime"]) == ("1d", "8h")
    assert _code(TENANT, rules, exported_default) == code


def test_code_without_a_policy_line_has_none():
    assert policy_in_code("exports.onExecutePostLogin = async () => {};\n") is None
    assert policy_in_code(None) is None
