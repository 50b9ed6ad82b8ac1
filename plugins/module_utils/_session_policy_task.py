# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``session_policy`` task from validated options to its result, for both ways it runs.

The module (``plugins/modules/session_policy.py``, a Python interpreter of its own per task) and
the action plugin (``plugins/action/session_policy.py``, in the controller's worker process) take
their argument spec and their one step from here, so the two give the same result.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import readable_code_diff
from ansible_collections.sessionguard.auth0.plugins.module_utils._actions import DEFAULT_RUNTIME, check_code
from ansible_collections.sessionguard.auth0.plugins.module_utils._bindings import BindingFailure, parse_position
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import PLAN_LIMITS
from ansible_collections.sessionguard.auth0.plugins.module_utils._policy_rollout import ensure_policy
from ansible_collections.sessionguard.auth0.plugins.module_utils._runtime_test import DEFAULT_LIMIT
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_settings import SETTING_KEYS, parse_desired

# The module's own options; the connection options are added by the caller.
ARGUMENT_SPEC = dict(
    tenant=dict(type="dict", default={}),
    plan=dict(type="str", choices=sorted(PLAN_LIMITS), default="enterprise"),
    action_name=dict(type="str", default="sessionguard-session-policy"),
    code=dict(type="str"),
    runtime=dict(type="str", default=DEFAULT_RUNTIME),
    display_name=dict(type="str"),
    position=dict(type="str", default="last"),
    build_timeout=dict(type="int", default=120),
    action_on_self_service=dict(type="str", choices=["fail", "skip"], default="fail"),
    fail_on_drift=dict(type="bool", default=False),
    runtime_test=dict(type="bool", default=True),
    runtime_tests=dict(type="list", elements="dict", default=[]),
    runtime_test_limit=dict(type="int", default=DEFAULT_LIMIT),
)

RESULT_KEYS = ("changed", "status", "differences", "settings", "action", "operations", "left_in",
               "replaced", "runtime_test")


def check_options(params):
    """The desired settings and every error in the task's own options, before any request."""
    unknown = sorted(set(params["tenant"]) - set(SETTING_KEYS))
    desired, errors = parse_desired(params["tenant"], params["plan"])
    errors = ["tenant.%s" % error for error in errors]
    if unknown:
        errors.insert(0, "tenant: unknown keys %s" % ", ".join(unknown))
    if params["build_timeout"] <= 0:
        errors.append("build_timeout: must be a number of seconds greater than zero")
    if params["runtime_test_limit"] < 1:
        errors.append("runtime_test_limit: must be at least 1 (runtime_test: false turns the test off)")
    for index, case in enumerate(params["runtime_tests"]):
        if not isinstance(case.get("name"), str) or not isinstance(case.get("event"), dict) or \
                not isinstance(case.get("expect"), (dict, type(None))) or set(case) - {"name", "event", "expect"}:
            errors.append("runtime_tests[%d]: must be a mapping of name (text), event (a Post-Login event mapping) "
                          "and optionally expect (a mapping)" % index)
    errors.extend(check_code(params["code"]))
    try:
        parse_position(params["position"])
    except BindingFailure as exc:
        errors.append(str(exc))
    return desired, errors


def run_task(client, params, desired, check_mode, show_code=False):
    """Enforce (or in check mode predict) the policy; returns ``(result, errors, diff, warnings)``.

    The Action's part of the diff is the policy's changes per rule and field (a new Action: the
    policy it carries); ``show_code`` (-vvv) adds the code's own diff.
    """
    outcome = ensure_policy(client, desired, params["action_name"], params["code"], params["runtime"],
                            params["display_name"], params["position"], params["build_timeout"], check_mode,
                            plan=params["plan"], action_on_self_service=params["action_on_self_service"],
                            runtime_test=params["runtime_test"], runtime_tests=params["runtime_tests"],
                            runtime_test_limit=params["runtime_test_limit"])
    result = dict((key, outcome[key]) for key in RESULT_KEYS)
    errors = list(outcome["errors"])
    if check_mode and params["fail_on_drift"] and outcome["status"] == "drifted" and not errors:
        errors.append(drift_message(params["domain"], outcome["differences"]))
    # Not "skipped": Ansible reads a true "skipped" in any task result as "the task was skipped".
    result["skipped_parts"] = outcome["skipped"]
    diff = [outcome["diff"]]
    if outcome["code_diff"]:
        prepared = readable_code_diff(outcome["code_diff"])
        if show_code and prepared != outcome["code_diff"]:
            prepared += "\n" + outcome["code_diff"]
        diff.append(dict(prepared=prepared))
    return result, errors, diff, outcome["warnings"]


def drift_message(domain, differences):
    """The drift gate's one line: every drifted field, what the tenant has and what the policy wants."""
    return "Session policy drift on %s: %s" % (domain, "; ".join(
        "%s %s is %s, the policy wants %s" % (d["part"], d["field"], json.dumps(d["current"]), json.dumps(d["desired"]))
        for d in differences))
