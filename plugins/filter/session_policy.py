# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the session policy: validate it, render its Post-Login Action, explain it to logins,
and check expected outcomes. All run on the controller, in pure Python, without any request.

Documentation: the .yml file of each filter next to this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_explain import (
    EXPECTATIONS_PATH, LOGINS_PATH, check_expectations, explain, parse_cases)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_preview import preview
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import (
    tenant_settings_values, validate_policy)

_INPUT_KEYS = ("tenant", "rules", "default", "plan")


def _invalid(what, errors):
    count = "%d error%s" % (len(errors), "" if len(errors) == 1 else "s")
    return AnsibleFilterError("%s (%s):\n%s" % (what, count, "\n".join(errors)))


def _normalized(normalized, name, keys=("rules", "default")):
    if not isinstance(normalized, dict) or any(key not in normalized for key in keys):
        raise AnsibleFilterError("%s: expects the output of validate_session_policy" % name)
    return normalized


def _checked(policy):
    """``(normalized, errors)`` of a ``{tenant, rules, default, plan}`` mapping."""
    if not isinstance(policy, dict):
        return None, ["validate_session_policy: expects a mapping with the keys %s; got %s"
                      % (", ".join(_INPUT_KEYS), type(policy).__name__)]
    unknown = sorted(str(key) for key in policy if key not in _INPUT_KEYS)
    if unknown:
        return None, ["validate_session_policy: unknown keys %s (expected %s)"
                      % (", ".join(unknown), ", ".join(_INPUT_KEYS))]
    plan = policy.get("plan")
    return validate_policy(policy.get("tenant"), policy.get("rules"), policy.get("default"),
                           plan="enterprise" if plan is None else plan)


def validate_session_policy(policy):
    """``{tenant, rules, default, plan}`` -> the normalized policy; every error at once otherwise."""
    normalized, errors = _checked(policy)
    if errors:
        raise _invalid("The session policy is invalid", errors)
    return normalized


def session_policy_errors(policy):
    """The errors validate_session_policy would raise, as a list (empty when the policy is valid).

    For a task that prints them once, one per line, instead of a failed template's wrapped message.
    """
    return _checked(policy)[1]


def render_session_action(normalized):
    """A normalized policy (the output of validate_session_policy) -> the Post-Login Action code."""
    return render_action(_normalized(normalized, "render_session_action"))


def session_policy_settings(normalized):
    """A normalized policy -> its tenant settings, as the options of the tenant_session module."""
    _normalized(normalized, "session_policy_settings", keys=("tenant",))
    return dict((key, value) for key, value in tenant_settings_values(normalized).items() if value is not None)


def explain_session_policy(normalized, logins):
    """A normalized policy and ``[{name, login, session_created_at, login_at}]`` -> one explanation per login."""
    _normalized(normalized, "explain_session_policy", keys=("tenant", "rules", "default"))
    cases, errors = parse_cases(logins, LOGINS_PATH)
    if errors:
        raise _invalid("The logins to explain are invalid", errors)
    return explain(normalized, cases)


def check_session_policy_expectations(normalized, expectations, tenant=""):
    """A normalized policy and ``[{name, login, expect}]`` -> the cases that passed; fails on the first bad one."""
    _normalized(normalized, "check_session_policy_expectations", keys=("tenant", "rules", "default"))
    cases, errors = parse_cases(expectations, EXPECTATIONS_PATH, with_expect=True)
    if errors:
        raise _invalid("The session policy expectations are invalid", errors)
    passed, failures = check_expectations(normalized, cases, tenant or "the policy")
    if failures:
        raise _invalid("The session policy does not meet its expectations; nothing was sent to any tenant", failures)
    return passed


def preview_session_policy(normalized, read):
    """A normalized policy and a session_policy_preview result -> per rule counts now and under the policy."""
    _normalized(normalized, "preview_session_policy", keys=("tenant", "rules", "default"))
    if not isinstance(read, dict) or "logins" not in read or "deployed" not in read:
        raise AnsibleFilterError("preview_session_policy: expects the registered result of sessionguard.auth0.session_policy_preview")
    return preview(normalized, read)


def group_session_policy_explanations(by_tenant):
    """``{tenant: explain_session_policy's answers}`` -> the lines to print, each explanation once, headed by every
    tenant that shares it (a fleet with one policy prints it once, not once per tenant)."""
    if not isinstance(by_tenant, dict):
        raise AnsibleFilterError("group_session_policy_explanations: expects a mapping of tenant to explanations")
    groups, order = {}, []
    for tenant in sorted(by_tenant):
        lines = [line for answer in by_tenant[tenant] or [] for line in answer.get("lines") or []]
        key = "\n".join(lines)
        if key not in groups:
            groups[key] = (lines, [])
            order.append(key)
        groups[key][1].append(tenant)
    out = []
    for key in order:
        lines, tenants = groups[key]
        out.append("%s %s:" % ("tenants" if len(tenants) > 1 else "tenant", ", ".join(tenants)))
        out.extend(lines)
    return out


class FilterModule(object):
    def filters(self):
        return {
            "validate_session_policy": validate_session_policy,
            "session_policy_errors": session_policy_errors,
            "render_session_action": render_session_action,
            "session_policy_settings": session_policy_settings,
            "explain_session_policy": explain_session_policy,
            "check_session_policy_expectations": check_session_policy_expectations,
            "preview_session_policy": preview_session_policy,
            "group_session_policy_explanations": group_session_policy_explanations,
        }
