# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the session policy: validate it, and render its Post-Login Action.

Documentation: validate_session_policy.yml, session_policy_errors.yml, render_session_action.yml and
session_policy_settings.yml next to this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._session_policy import (
    render_action, tenant_settings_values, validate_policy)

_INPUT_KEYS = ("tenant", "rules", "default", "plan")


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
        raise AnsibleFilterError("The session policy is invalid (%d error%s):\n%s"
                                 % (len(errors), "" if len(errors) == 1 else "s", "\n".join(errors)))
    return normalized


def session_policy_errors(policy):
    """The errors validate_session_policy would raise, as a list (empty when the policy is valid).

    For a task that prints them once, one per line, instead of a failed template's wrapped message.
    """
    return _checked(policy)[1]


def render_session_action(normalized):
    """A normalized policy (the output of validate_session_policy) -> the Post-Login Action code."""
    if not isinstance(normalized, dict) or "rules" not in normalized or "default" not in normalized:
        raise AnsibleFilterError("render_session_action: expects the output of validate_session_policy")
    return render_action(normalized)


def session_policy_settings(normalized):
    """A normalized policy -> its tenant settings, as the options of the tenant_session module."""
    if not isinstance(normalized, dict) or "tenant" not in normalized:
        raise AnsibleFilterError("session_policy_settings: expects the output of validate_session_policy")
    return dict((key, value) for key, value in tenant_settings_values(normalized).items() if value is not None)


class FilterModule(object):
    def filters(self):
        return {
            "validate_session_policy": validate_session_policy,
            "session_policy_errors": session_policy_errors,
            "render_session_action": render_session_action,
            "session_policy_settings": session_policy_settings,
        }
