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

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import only_logic, readable_code_diff
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import ActionFailure, DEFAULT_RUNTIME, check_code
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_binding import BindingFailure, parse_position
from ansible_collections.sessionguard.auth0.plugins.module_utils._differences import difference_text
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import PLAN_LIMITS
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_plan import (
    NOT_IN_PLAN, PlanError, compare, desired_state, entry_problem, fingerprint, load_entry, plan_entry, read_state, refusal)
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_rollout import PolicyTarget, ensure_policy
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_runtime_test import DEFAULT_LIMIT
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import SETTING_KEYS, parse_desired

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
    # The policy in its own words, validated and rendered by the task itself (the role's one step per tenant).
    rules=dict(type="raw"),
    default=dict(type="raw"),
    expectations=dict(type="raw", default=[]),
    save_plan=dict(type="bool", default=False),
    apply_plan=dict(type="path"),
    plan_tenant=dict(type="str"),
)

RESULT_KEYS = ("changed", "status", "differences", "settings", "action", "operations", "left_in",
               "replaced", "runtime_test")
POLICY_OPTIONS = ("rules", "default")


def policy_given(params):
    """Whether the task got the policy in its own words (rules, default) rather than rendered ``code``."""
    return any(params.get(name) is not None for name in POLICY_OPTIONS)


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
    if params.get("save_plan") and params.get("apply_plan"):
        errors.append("save_plan, apply_plan: a run either saves a plan (check mode) or applies one, not both")
    return desired, errors


def _not_run(status, left_in):
    """The result of a task that sent nothing to write (refused, or not in the saved plan)."""
    return dict(changed=False, status=status, differences=[], settings=None, action=None, operations=[],
                left_in=left_in, replaced={}, skipped_parts=[])


def _saved_plan(client, params, desired, check_mode):
    """The saved-plan step before any write: ``(stop, result, errors, fingerprint)``.

    ``stop`` is true when the policy must not be enforced: a tenant not in the plan (untouched, not even
    read), or one refused because what the plan rests on changed. Without save_plan or apply_plan: nothing.
    """
    if not (params.get("save_plan") or params.get("apply_plan")):
        return False, None, [], None
    tenant = params.get("plan_tenant") or params["domain"]
    # Named as the inventory names it, then by its domain.
    domain = tenant if tenant == params["domain"] else "%s (%s)" % (tenant, params["domain"])
    if params["save_plan"] and not check_mode:
        return True, _not_run("failed", "unchanged: nothing was written"), [
            "save_plan: a plan is made by a check run (--check); this run was not one, so nothing was written"], None
    entry = None
    if params["apply_plan"]:
        try:
            found, entry = load_entry(params["apply_plan"], tenant)
        except PlanError as exc:
            return True, _not_run("failed", "unchanged: nothing was written"), [str(exc)], None
        if not found:
            return True, _not_run(NOT_IN_PLAN, "untouched: not in the saved plan"), [], None
        problem = entry_problem(domain, entry)
        if problem:
            return True, _not_run("failed", "unchanged: nothing was written"), [problem], None
    try:
        now = fingerprint(read_state(client, params["action_name"]), desired_state(params, desired))
    except (Auth0Error, ActionFailure) as exc:
        if entry is None:
            return False, None, [], None
        return True, _not_run("failed", "unchanged: nothing was written"), ["saved plan: reading the tenant: %s" % exc], None
    if entry is not None:
        changes = compare(entry["fingerprint"], now)
        if changes:
            result = _not_run("failed", "unchanged: the tenant or the policy changed since the saved plan; nothing was written")
            result["fingerprint"] = now
            result["plan_changes"] = [dict(field=field, planned=old, now=new) for field, old, new in changes]
            return True, result, [refusal(domain, changes)], now
    return False, None, [], now


def run_task(client, params, desired, check_mode, show_code=False, host=None):
    """Enforce (or in check mode predict) the policy; returns ``(result, errors, diff, warnings)``.

    The Action's part of the diff is the policy's changes per rule and field (a new Action: the
    policy it carries); ``show_code`` (-vvv) adds the code's own diff. ``host`` (the inventory host) names the
    tenant in the drift gate's message.
    """
    stop, early, errors, now = _saved_plan(client, params, desired, check_mode)
    if stop:
        return early, errors, [dict(before={}, after={})], []
    target = PolicyTarget(settings=desired, **dict((field, params[field]) for field in PolicyTarget._fields
                                                   if field != "settings"))
    outcome = ensure_policy(client, target, check_mode)
    result = dict((key, outcome[key]) for key in RESULT_KEYS)
    errors = list(outcome["errors"])
    # A newer collection's Action logic around the same policy is an upgrade, not drift: the gate lets it pass.
    if check_mode and params["fail_on_drift"] and outcome["status"] == "drifted" and not errors \
            and not only_logic(outcome["differences"]):
        errors.append(drift_message(host, params["domain"], outcome["differences"]))
    # Not "skipped": Ansible reads a true "skipped" in any task result as "the task was skipped".
    result["skipped_parts"] = outcome["skipped"]
    if now is not None:
        result["fingerprint"] = now
    if params.get("save_plan"):
        result["plan_entry"] = plan_entry(params["domain"], result, now)
    diff = [outcome["diff"]]
    if outcome["code_diff"]:
        prepared = readable_code_diff(outcome["code_diff"])
        if show_code and prepared != outcome["code_diff"]:
            prepared += "\n" + outcome["code_diff"]
        diff.append(dict(prepared=prepared))
    return result, errors, diff, outcome["warnings"]


def drift_message(host, domain, differences):
    """The drift gate's message: the inventory host and its domain, then every difference that is drift (not an
    undeployed draft, which runs no login) as the plan summary and the report say it."""
    tenant = "%s (%s)" % (host, domain) if host and host != domain else domain
    return "%s drifted from the session policy (fail_on_drift): %s" % (
        tenant, "; ".join(difference_text(d) for d in differences if d.get("drift", True)))
