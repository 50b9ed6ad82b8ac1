# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole session policy on one tenant: settings, then the Action, then its binding, one client.

The three parts run in that order and stop at the first failure, so a tenant is never left with
a binding to an Action that failed to build, and the previously deployed version stays bound.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import code_differences
from ansible_collections.sessionguard.auth0.plugins.module_utils._actions import ensure_action
from ansible_collections.sessionguard.auth0.plugins.module_utils._bindings import ensure_binding
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_settings import ensure_settings

TRIGGER = "post-login"
# api.session.setExpiresAt/setIdleExpiresAt/setCookieMode and event.session.created_at are Enterprise
# features, setCookieMode also Early Access (Auth0's "Configure Session Lifetime" doc and the facts
# file, Post-Login Action session API): on another plan the Action would run and change nothing.
SELF_SERVICE_PLAN = "self_service"
ACTION_NEEDS_ENTERPRISE = (
    "the session policy's Action needs api.session.setExpiresAt, setIdleExpiresAt and setCookieMode and "
    "event.session.created_at, which are Auth0 Enterprise features (setCookieMode also Early Access); on a "
    "self_service plan it would change no session, so it was not created, deployed or bound. The tenant "
    "settings were enforced. Set action_on_self_service: skip to enforce the tenant settings only, or plan: "
    "enterprise if the tenant is on Enterprise")


def _settings_differences(outcome):
    before, after = outcome["diff"]["before"], outcome["diff"]["after"]
    return [dict(part="settings", field=field, current=before.get(field), desired=after.get(field))
            for field in outcome["changed_fields"]]


def _action_differences(outcome, name):
    operations = outcome["operations"]
    if "create" in operations:
        return [dict(part="action", field="action", current=None, desired="%s created and deployed" % name)]
    found = []
    before, after = outcome["diff"]["before"], outcome["diff"]["after"]
    for field in outcome["changed_fields"]:
        if field == "code":
            found.extend(code_differences(outcome["code_diff"]))
        else:
            found.append(dict(part="action", field=field, current=before.get(field), desired=after.get(field)))
    if "deploy" in operations and "update" not in operations:
        version = outcome["action"].get("deployed_version")
        found.append(dict(part="action", field="deployment",
                          current="draft not deployed (deployed version: %s)" % (version or "none"),
                          desired="draft deployed"))
    return found


def _binding_differences(before, after):
    """The flow's order when it changes, else the display names when they do."""
    for field, key in (("bindings", "bindings"), ("display_name", "display_names")):
        if before.get(key) != after.get(key):
            return [dict(part="binding", field=field, current=before.get(key), desired=after.get(key))]
    return []


def ensure_policy(client, desired_settings, action_name, code, runtime, display_name, position, build_timeout,
                  check_mode, sleep=time.sleep, clock=time.monotonic, plan="enterprise", action_on_self_service="fail"):
    """Enforce settings, Action and binding; return one outcome with every difference.

    Returns ``dict(changed, status, differences, settings, action, operations, diff, errors, skipped, warnings)``;
    ``status`` is ``compliant``, ``changed`` (written) or ``drifted`` (check mode). On a self_service
    ``plan`` the Action part is refused (an error, so the status is ``failed``) or, with
    ``action_on_self_service='skip'``, left out and named in ``skipped``.
    """
    outcome = dict(changed=False, status="compliant", differences=[], settings=None, action=None, operations=[],
                   diff=dict(before={}, after={}), code_diff="", errors=[], skipped=[], warnings=[])
    settings = ensure_settings(client, desired_settings, check_mode)
    outcome.update(settings=settings["settings"], changed=settings["changed"])
    outcome["differences"].extend(_settings_differences(settings))
    if settings["changed"]:
        outcome["operations"].append("update settings")
        outcome["diff"]["before"]["settings"] = settings["diff"]["before"]
        outcome["diff"]["after"]["settings"] = settings["diff"]["after"]
    if settings["errors"]:
        outcome["errors"].extend("tenant settings: %s" % error for error in settings["errors"])
        return _finish(outcome, check_mode)
    if code is None:
        return _finish(outcome, check_mode)
    if plan == SELF_SERVICE_PLAN:
        if action_on_self_service == "skip":
            outcome["skipped"] = ["action", "binding"]
            outcome["warnings"].append("action skipped (action_on_self_service: skip): only the tenant settings are "
                                       "enforced; " + ACTION_NEEDS_ENTERPRISE.split(";")[0])
        else:
            outcome["errors"].append("action: " + ACTION_NEEDS_ENTERPRISE)
        return _finish(outcome, check_mode)

    action = ensure_action(client, action_name, trigger=TRIGGER, code=code, runtime=runtime, deploy=True,
                           build_timeout=build_timeout, check_mode=check_mode, sleep=sleep, clock=clock)
    outcome["action"] = action["action"]
    outcome["changed"] = outcome["changed"] or action["changed"]
    outcome["operations"].extend("%s action" % operation for operation in action["operations"])
    outcome["differences"].extend(_action_differences(action, action_name))
    if action["code_diff"]:
        outcome["diff"]["before"]["action"] = action["diff"]["before"]
        outcome["diff"]["after"]["action"] = action["diff"]["after"]
        outcome["code_diff"] = action["code_diff"]
    if action["errors"]:
        outcome["errors"].extend("action: %s" % error for error in action["errors"])
        return _finish(outcome, check_mode)

    deployed = action["action"]
    number = deployed.get("deployed_version")
    if check_mode and "deploy" in action["operations"] and not number:
        # The real run deploys before it binds, so check mode must not refuse as "never deployed".
        number = "pending"
    # In the API's shape, so ensure_binding need not look the action up again.
    target = dict(id=deployed.get("id"), name=deployed.get("name"), deployed_version=dict(number=number))
    if not target["id"]:
        # Check mode on a tenant without the Action: ensure_binding predicts the binding by name.
        target = action_name
    binding = ensure_binding(client, TRIGGER, action=target, display_name=display_name, position=position,
                             check_mode=check_mode, sleep=sleep)
    before, after = binding["diff"]["before"], binding["diff"]["after"]
    outcome["operations"].extend("%s action" % operation for operation in binding["operations"])
    differences = _binding_differences(before, after)
    if differences:
        outcome["changed"] = True
        outcome["differences"].extend(differences)
        outcome["diff"]["before"]["binding"] = before
        outcome["diff"]["after"]["binding"] = after
    outcome["errors"].extend("binding: %s" % error for error in binding["errors"])
    return _finish(outcome, check_mode)


def _finish(outcome, check_mode):
    if outcome["errors"]:
        outcome["status"] = "failed"
    elif outcome["differences"]:
        outcome["status"] = "drifted" if check_mode else "changed"
    return outcome
