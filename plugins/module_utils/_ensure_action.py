# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auth0 Actions: find by name, create or update the draft, wait for the build, deploy, delete.

Nothing here knows about Ansible: every function takes the one API client and plain values, so a
composite module can call :func:`ensure_action` with the client (and token) it already holds.
Desired and current state are compared once, in :func:`plan_action`, for check mode and real runs.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re
import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import (
    ACTIONS_PATH, action_path, deploy_path, find_actions, list_bindings, newest_version, read_action)

TRIGGER_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_RUNTIME = "node22"
DEFAULT_TRIGGER_VERSION = "v3"
UPDATE_SECRETS = ("on_create", "always")
BUILDING = ("pending", "building", "packaged", "retrying")
# Auth0 answers node18-actions for node18 (auth0-recorded TestAccAction; the Terraform provider maps
# the two): the suffix names the same runtime, so it must not count as a difference.
RUNTIME_SUFFIX = "-actions"
# How often a create that may have happened anyway (5xx, timeout) is looked up and tried again.
CREATE_ATTEMPTS = 3
# Seconds between polls double from 1 up to POLL_CAP: polls at 1, 3, 7, 15, 23, 31 s, so a
# 30-second build costs 6 polls and is seen at most POLL_CAP seconds late.
POLL_CAP = 8
# How long a finished deploy may take to show in the action before we call it unconfirmed.
DEPLOY_CONFIRM_SECONDS = 30


class ActionFailure(Exception):
    """A refusal or failure with a message the user can act on; nothing more is attempted."""


# -- reading ----------------------------------------------------------------------------------

def status_of(item):
    """The build status in lower case: a bindings GET nests ``current_version.status`` as ``BUILT``
    (auth0-recorded TestAccTriggerActions) where the action itself says ``built``."""
    return ((item or {}).get("status") or "").lower() or None


def same_runtime(a, b):
    def family(runtime):
        runtime = runtime or DEFAULT_RUNTIME
        return runtime[:-len(RUNTIME_SUFFIX)] if runtime.endswith(RUNTIME_SUFFIX) else runtime
    return family(a) == family(b)


def find_action(client, name, trigger=None):
    """The one action called ``name``, or None.  Two of them is an error a human has to resolve."""
    found = find_actions(client, name, trigger)
    if len(found) > 1:
        raise ActionFailure("found %d actions named '%s' (ids %s); delete the extra ones before managing it"
                            % (len(found), name, ", ".join(sorted(a.get("id", "?") for a in found))))
    if not found:
        return None
    action = found[0]
    if "code" not in action or "code" not in (action.get("deployed_version") or {"code": None}):
        # Some list responses are summaries; the comparison needs the whole draft and the deployed version's
        # code (an action GET carries it: auth0-recorded TestAccAction; a list of deployed actions is not recorded).
        action = read_action(client, action["id"]) or action
    return action


def deployed_number(action):
    version = (action or {}).get("deployed_version") or {}
    return version.get("number")


def build_errors(client, action):
    """Every build error message of a failed draft, from the action and, failing that, its newest version."""
    messages = [e.get("msg") for e in action.get("errors") or [] if e.get("msg")]
    if not messages and action.get("id"):
        try:
            version = newest_version(client, action["id"])
        except Auth0Error:
            version = None
        if status_of(version) == "failed":
            messages = [e.get("msg") for e in version.get("errors") or [] if e.get("msg")]
    seen = []
    for message in messages:
        if message not in seen:
            seen.append(message)
    return seen or ["the build failed and Auth0 gave no reason"]


def running_version(action):
    """The deployed version when the answer carries its code (what logins run), else None."""
    version = (action or {}).get("deployed_version") or {}
    return version if isinstance(version.get("code"), str) else None


def version_ref(action):
    """``{id, number}`` of the action's deployed version, or None: what a rollback redeploys."""
    version = (action or {}).get("deployed_version") or {}
    return dict(id=version.get("id"), number=version.get("number")) if version.get("id") else None


def as_result(action):
    """The result form of an action; never holds a secret value (the API never returns one)."""
    action = action or {}
    return dict(id=action.get("id"), name=action.get("name"), status=status_of(action),
                deployed_version=deployed_number(action),
                all_changes_deployed=bool(action.get("all_changes_deployed")))


# -- comparing --------------------------------------------------------------------------------

def normalize_dependencies(dependencies):
    """Dependencies as a sorted list of ``{name, version}`` (order does not matter to Auth0)."""
    out = []
    for dep in dependencies or []:
        out.append({"name": str(dep.get("name")), "version": str(dep.get("version"))})
    return sorted(out, key=lambda d: (d["name"], d["version"]))


def check_trigger(trigger, required=True):
    """Trigger ids are lowercase words joined by hyphens (post-login); they become part of a URL path."""
    if not trigger:
        return ["trigger: is required when state is present"] if required else []
    if not TRIGGER_RE.match(trigger):
        return ["trigger: must be a trigger id such as post-login (lowercase letters, digits and hyphens); got '%s'"
                % trigger]
    return []


def check_code(code):
    """An error when ``code`` is given but blank: Auth0 builds and deploys it, and it handles no event."""
    if code is not None and not code.strip():
        return ["code: must not be empty (an Action without code exports no handler such as onExecutePostLogin)"]
    return []


def check_built_draft(action, code):
    """An error when the built draft is not the code this run wrote.

    Two runs writing different code at once: each waits for a build, and ``deploy`` deploys whatever
    draft is there, so without this check one would report a deploy of code it never deployed.
    """
    if code is not None and "code" in action and action.get("code") != code:
        return ("the draft of the action '%s' holds other code than this run wrote: another run changed it while "
                "this one waited for the build. Nothing was deployed; run again once the other run is done"
                % action.get("name"))
    return None


def check_desired(desired):
    """Errors in the desired action that the argument spec cannot express, all at once."""
    errors = check_code(desired.get("code"))
    names = [s.get("name") for s in desired.get("secrets") or []]
    duplicates = sorted(set(n for n in names if names.count(n) > 1))
    if duplicates:
        errors.append("secrets: each name may appear once; repeated: %s" % ", ".join(duplicates))
    for index, secret in enumerate(desired.get("secrets") or []):
        if not secret.get("name"):
            errors.append("secrets[%d]: name is required" % index)
        if secret.get("value") is None:
            errors.append("secrets[%d] (%s): value is required" % (index, secret.get("name")))
    deps = [d.get("name") for d in desired.get("dependencies") or []]
    duplicates = sorted(set(n for n in deps if deps.count(n) > 1))
    if duplicates:
        errors.append("dependencies: each package may appear once; repeated: %s" % ", ".join(duplicates))
    for index, dep in enumerate(desired.get("dependencies") or []):
        if not dep.get("name") or not dep.get("version"):
            errors.append("dependencies[%d]: name and version are required" % index)
    if desired.get("update_secrets", "on_create") not in UPDATE_SECRETS:
        errors.append("update_secrets: must be one of %s" % ", ".join(UPDATE_SECRETS))
    return errors


def plan_action(desired, current):
    """Compare once: what must be written for ``desired`` given ``current`` (None when absent).

    Returns ``dict(operations, body, changed_fields, before, after, code_diff, refusal, draft_differs)``.
    ``body`` is the POST (create) or PATCH (update) body, secret values included, so it must never be
    returned to the user.  ``refusal`` is set when the task must fail without writing.

    With ``deploy``, what must change is judged on the deployed version when ``current`` carries its code:
    logins run it, not the draft. A deployed version that is already the task's leaves nothing to do, and a
    draft that differs from it (an edit never deployed, a rollback that left the draft alone) is only
    reported in ``draft_differs``: overwriting it would destroy someone's undeployed work for no change in
    what runs. When something must be written anyway, the code diff is taken from the deployed version.
    """
    secrets = desired.get("secrets")
    remove_unlisted = desired.get("remove_unlisted_secrets", False)
    if secrets is None and remove_unlisted:
        secrets = []
    runtime = desired.get("runtime") or DEFAULT_RUNTIME
    deps = normalize_dependencies(desired.get("dependencies"))
    code = desired.get("code") or ""
    deploy = desired.get("deploy", True)
    plan = dict(operations=[], body=None, changed_fields=[], before={}, after={}, code_diff="", refusal=None,
                draft_differs=False)

    if current is None:
        body = {"name": desired["name"],
                "supported_triggers": [{"id": desired["trigger"],
                                        "version": desired.get("trigger_version") or DEFAULT_TRIGGER_VERSION}],
                "code": code, "runtime": runtime, "dependencies": deps}
        if secrets:
            body["secrets"] = [{"name": s["name"], "value": s["value"]} for s in secrets]
        plan.update(operations=["create"] + (["deploy"] if deploy else []), body=body,
                    changed_fields=["code", "runtime", "dependencies"] + (["secrets"] if secrets else []),
                    before={}, after=_fields(runtime, deps, [s["name"] for s in secrets or []]),
                    code_diff=code_diff(desired["name"], None, code))
        return plan

    body = {}
    before = {}
    after = {}
    current_code = current.get("code") or ""
    running = running_version(current) if deploy else None
    if code != current_code:
        body["code"] = code
        plan["code_diff"] = (code_diff(desired["name"], current_code, code) if running is None else code_diff(
            desired["name"], running["code"], code, current="deployed version %s" % running.get("number")))
    elif deploy and status_of(current) == "failed":
        # The same draft would only report the same failed build: write it again to rebuild it
        # (a failed dependency install or an Auth0-side failure can pass on a second build).
        body["code"] = code
    current_runtime = current.get("runtime") or DEFAULT_RUNTIME
    if not same_runtime(runtime, current_runtime):
        body["runtime"] = runtime
        before["runtime"], after["runtime"] = current_runtime, runtime
    current_deps = normalize_dependencies(current.get("dependencies"))
    if deps != current_deps:
        body["dependencies"] = deps
        before["dependencies"], after["dependencies"] = current_deps, deps
    if secrets is not None:
        current_names = sorted(s.get("name") for s in current.get("secrets") or [])
        names = sorted(s["name"] for s in secrets)
        unlisted = [n for n in current_names if n not in names]
        if unlisted and not remove_unlisted:
            plan["refusal"] = ("the action '%s' has secrets that the task does not list: %s. Add them to secrets, or set "
                               "remove_unlisted_secrets: true to delete them" % (desired["name"], ", ".join(unlisted)))
            return plan
        always = desired.get("update_secrets") == "always" and secrets
        if names != current_names or always:
            # The API replaces the whole list, so every listed secret goes with its value.
            body["secrets"] = [{"name": s["name"], "value": s["value"]} for s in secrets]
            before["secrets"], after["secrets"] = current_names, names
            if names == current_names:
                after["secrets"] = ["%s (value sent again)" % n for n in names]
    if running is not None and "secrets" not in body and _runs(running, code, runtime, deps):
        plan["draft_differs"] = bool(set(body) & set(["runtime", "dependencies"])) or code != current_code
        return plan
    fields = [f for f in ("code", "runtime", "dependencies", "secrets") if f in body and (f != "code" or plan["code_diff"])]
    if "code" in body and code == current_code:
        fields.append("build")
        before["build"], after["build"] = "failed", "rebuilt"
    operations = ["update"] if body else []
    # Reached with a known deployed version only when it is not the task's: deploy, whatever the flag says.
    if deploy and (body or running is not None or not current.get("all_changes_deployed") or not current.get("deployed_version")):
        operations.append("deploy")
    plan.update(operations=operations, body=body or None, changed_fields=fields, before=before, after=after)
    return plan


def _runs(version, code, runtime, deps):
    """Whether ``version`` runs what the task wants: the same code, runtime family and dependencies."""
    return (version.get("code") == code and same_runtime(runtime, version.get("runtime"))
            and normalize_dependencies(version.get("dependencies")) == deps)


def _fields(runtime, deps, secret_names):
    return {"runtime": runtime, "dependencies": deps, "secrets": sorted(secret_names)}


def code_diff(name, before, after, current="current draft"):
    """A unified diff of the action's code; empty when equal. ``current`` names the ``before`` side."""
    if before == after:
        return ""
    lines = difflib.unified_diff((before or "").splitlines(True), (after or "").splitlines(True),
                                 fromfile="%s (%s)" % (name, current) if before is not None else "/dev/null",
                                 tofile="%s (task)" % name)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- writing ----------------------------------------------------------------------------------

def create_action(client, body, trigger, sleep=time.sleep, attempts=CREATE_ATTEMPTS):
    """POST a new action without ever leaving two of the same name.

    A 5xx, a timeout or a dropped connection may hide a create that happened: the name is looked up
    again before each new attempt, and a 409 (the name exists) is resolved the same way.
    """
    last = None
    for attempt in range(attempts):
        if attempt:
            sleep(min(attempt, 3))
            existing = find_action(client, body["name"], trigger)
            if existing is not None:
                return existing
        try:
            return client.post(ACTIONS_PATH, body, idempotent=False)
        except Auth0Error as exc:
            if exc.status is not None and exc.status < 500 and exc.status not in (408, 409):
                raise
            last = exc
    existing = find_action(client, body["name"], trigger)
    if existing is not None:
        return existing
    if last is not None and last.status == 409:
        raise ActionFailure("cannot create the action '%s': %s. An action of that name may exist for another trigger"
                            % (body["name"], last))
    raise ActionFailure("cannot create the action '%s' after %d attempts; the last error was: %s"
                        % (body["name"], attempts, last))


def wait_for_build(client, action, timeout, sleep=time.sleep, clock=time.monotonic):
    """Poll the action until its draft is ``built`` or ``failed``, within ``timeout`` seconds.

    Returns ``(action, polls)``.  Spacing doubles 1, 2, 4 ... seconds up to POLL_CAP.
    """
    start = clock()
    polls = 0
    wait = 1
    while status_of(action) in BUILDING or not status_of(action):
        remaining = timeout - (clock() - start)
        if remaining <= 0:
            raise ActionFailure("the build of the action '%s' did not finish within %s seconds (status: %s); "
                                "raise build_timeout or run again later, nothing was deployed"
                                % (action.get("name"), timeout, action.get("status")))
        sleep(min(wait, remaining))
        wait = min(wait * 2, POLL_CAP)
        action = read_action(client, action["id"])
        polls += 1
    return action, polls


def deploy_action(client, action, sleep=time.sleep, clock=time.monotonic, confirm_seconds=DEPLOY_CONFIRM_SECONDS):
    """Deploy a built draft and confirm that a newer version is deployed; return the re-read action.

    Real Auth0 answers 200 with the new version and ``"deployed": false`` (auth0-recorded
    TestAccTriggerActions): the answer only says which version number to expect, and the action
    read afterwards shows it as ``deployed_version`` once the deploy has registered.
    """
    previous = deployed_number(action) or 0
    expected = previous + 1
    try:
        answer = client.post(deploy_path(action["id"]), None, idempotent=False)
        version = answer if isinstance(answer, dict) else {}
        expected = max(expected, version.get("number") or 0)
    except Auth0Error as exc:
        if exc.status is not None and exc.status < 500 and exc.status != 408:
            raise
        # The deploy may have happened anyway: the confirmation below tells, and one more try is safe
        # when it did not (a second deploy of the same build only adds an identical version).
        if (deployed_number(read_action(client, action["id"])) or 0) <= previous:
            client.post(deploy_path(action["id"]), None, idempotent=False)
    start = clock()
    wait = 1
    while True:
        current = read_action(client, action["id"])
        if (deployed_number(current) or 0) >= expected and current.get("all_changes_deployed"):
            return current
        if clock() - start >= confirm_seconds:
            raise ActionFailure("the action '%s' was deployed but Auth0 does not show version %s deployed after %s "
                                "seconds (deployed version %s, all_changes_deployed %s)"
                                % (action.get("name"), expected, confirm_seconds, deployed_number(current),
                                   bool(current.get("all_changes_deployed"))))
        sleep(wait)
        wait = min(wait * 2, POLL_CAP)


def bound_triggers(client, action):
    """``[(trigger id, display name)]`` where the action is bound, over every page of its triggers' bindings."""
    found = []
    for trigger in sorted(set(t.get("id") for t in action.get("supported_triggers") or [] if t.get("id"))):
        for binding in list_bindings(client, trigger):
            if ((binding.get("action") or {}).get("id")) == action.get("id"):
                found.append((trigger, binding.get("display_name")))
    return found


def _bound_message(name, bound):
    where = ", ".join("%s (as '%s')" % pair if pair[1] else pair[0] for pair in bound) if bound else "a trigger"
    return ("the action '%s' is still bound to %s; unbind it first (sessionguard.auth0.trigger_binding with "
            "state: absent) or set force: true to delete it together with its bindings" % (name, where))


# -- the one entry point ----------------------------------------------------------------------

def ensure_action(client, name, trigger=None, code=None, trigger_version=DEFAULT_TRIGGER_VERSION,
                  runtime=DEFAULT_RUNTIME, dependencies=None, secrets=None, update_secrets="on_create",
                  remove_unlisted_secrets=False, deploy=True, state="present", force=False, build_timeout=120,
                  check_mode=False, sleep=time.sleep, clock=time.monotonic, before_deploy=None):
    """Make the action called ``name`` match, build and deploy it (or delete it with ``state='absent'``).

    ``secrets`` is a list of ``{name, value}``, or None to leave the action's secrets alone.
    Returns ``dict(changed, operations, action, changed_fields, diff, code_diff, build_errors, errors, versions)``:
    ``operations`` lists what was (check mode: would be) done, in order, from ``create``, ``update``,
    ``deploy``, ``delete``; ``action`` is ``dict(id, name, status, deployed_version, all_changes_deployed)``
    (None values when there is no action); ``diff`` is ``dict(before, after)`` of the changed fields
    other than code; ``code_diff`` a unified diff of the code.  A non-empty ``errors`` means the task
    failed; ``changed`` then says whether anything was written before the failure. ``versions`` is
    ``dict(before, after)``, each :func:`version_ref` of the deployed version (after: once deployed).
    ``before_deploy(action)``, when given, runs on the built draft just before every deploy (never in
    check mode) and returns a list of errors: any error stops the task with nothing deployed.
    ``draft_differs`` is True when the deployed version is already the task's and the draft, left alone,
    is not (see :func:`plan_action`).
    """
    outcome = dict(changed=False, operations=[], action=as_result(None), changed_fields=[],
                   diff=dict(before={}, after={}), code_diff="", build_errors=[], errors=[],
                   versions=dict(before=None, after=None), draft_differs=False)
    done = []
    desired = dict(name=name, trigger=trigger, trigger_version=trigger_version, code=code, runtime=runtime,
                   dependencies=dependencies, secrets=secrets, update_secrets=update_secrets,
                   remove_unlisted_secrets=remove_unlisted_secrets, deploy=deploy)
    # Input errors before any request.
    errors = check_trigger(trigger, required=state != "absent")
    if state != "absent":
        errors.extend(check_desired(desired))
    if errors:
        outcome["errors"] = errors
        return outcome
    try:
        current = find_action(client, name, trigger)
        outcome["versions"] = dict(before=version_ref(current), after=version_ref(current))
        if state == "absent":
            return _ensure_absent(client, name, current, force, check_mode, outcome, done)
        plan = plan_action(desired, current)
        if plan["refusal"]:
            outcome["errors"] = [plan["refusal"]]
            outcome["action"] = as_result(current)
            return outcome
        outcome.update(operations=list(plan["operations"]), changed_fields=plan["changed_fields"],
                       diff=dict(before=plan["before"], after=plan["after"]), code_diff=plan["code_diff"],
                       changed=bool(plan["operations"]), action=as_result(current or {"name": name}),
                       draft_differs=plan["draft_differs"])
        if check_mode:
            return outcome

        action = current
        if "create" in plan["operations"]:
            action = create_action(client, plan["body"], trigger, sleep=sleep)
            done.append("create")
        elif "update" in plan["operations"]:
            action = client.patch(action_path(current["id"]), plan["body"], idempotent=True) or current
            done.append("update")
        outcome["action"] = as_result(action)
        if "deploy" in plan["operations"]:
            action = wait_for_build(client, action, build_timeout, sleep=sleep, clock=clock)[0]
            outcome["action"] = as_result(action)
            if status_of(action) == "failed":
                outcome["build_errors"] = build_errors(client, action)
                outcome["errors"] = ["the build of the action '%s' failed, so it was not deployed%s: %s"
                                     % (name, "" if not deployed_number(action) else
                                        " (version %s stays deployed)" % deployed_number(action),
                                        "; ".join(outcome["build_errors"]))]
                return outcome
            foreign = check_built_draft(action, code)
            if foreign:
                outcome["errors"] = [foreign]
                return outcome
            refusals = before_deploy(action) if before_deploy else []
            if refusals:
                outcome["errors"] = list(refusals)
                return outcome
            action = deploy_action(client, action, sleep=sleep, clock=clock)
            outcome["versions"]["after"] = version_ref(action)
            done.append("deploy")
            outcome["action"] = as_result(action)
        return outcome
    except (Auth0Error, ActionFailure) as exc:
        outcome["errors"].append(str(exc))
        return outcome
    finally:
        if not check_mode:
            # What really happened: a failure part-way leaves only the steps that were done.
            outcome["operations"] = done if (done or outcome["errors"]) else outcome["operations"]
            outcome["changed"] = bool(done)


def _ensure_absent(client, name, current, force, check_mode, outcome, done):
    if current is None:
        return outcome
    outcome["action"] = as_result(current)
    if not force:
        bound = bound_triggers(client, current)
        if bound:
            outcome["errors"] = [_bound_message(name, bound)]
            return outcome
    outcome.update(operations=["delete"], changed=True)
    if check_mode:
        return outcome
    try:
        client.delete(action_path(current["id"]), params={"force": "true"} if force else None)
    except Auth0Error as exc:
        if exc.status != 404:  # a 404: gone already, perhaps by a retry whose answer was lost
            if exc.status == 409:
                raise ActionFailure(_bound_message(name, []) + " (%s)" % exc)
            raise
    done.append("delete")
    return outcome
