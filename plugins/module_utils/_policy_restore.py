# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Undo one tenant's part of a rollout from what the run recorded it replaced (``replaced``).

Each part is in one of three states: as the run left it (restore it), as it was before the run
(already restored: nothing to write), or anything else (someone changed it since the report).
A tenant with a part of the third kind is left alone unless ``force`` is set, so a rollback
never silently overwrites an edit made after the rollout.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_versions import (
    get_version, redeploy_version, same_content)
from ansible_collections.sessionguard.auth0.plugins.module_utils._actions import version_ref
from ansible_collections.sessionguard.auth0.plugins.module_utils._api_client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._endpoints import read_action
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import DurationError, parse_duration
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_settings import (
    SETTING_KEYS, check_idle_within_absolute, human, read_settings, write_settings)


def _to_api_value(field, value):
    return value if field == "cookie_mode" else parse_duration(value)


def _plan_settings(client, recorded, plan):
    """Sort the recorded settings into restores, conflicts and notes; the settings read (None: no read)."""
    before, after = recorded.get("before") or {}, recorded.get("after") or {}
    if not before:
        return None
    current = read_settings(client)
    for field in sorted(before):
        now = human(field, current.get(field))
        entry = dict(part="settings", field=field, current=now, restore_to=before[field], left_by_run=after.get(field))
        if before[field] is None:
            plan["notes"].append("settings %s: the tenant had no value before the run, so there is none to restore"
                                 % field)
        elif now == before[field]:
            continue
        elif now == after.get(field):
            plan["restores"].append(entry)
        else:
            plan["conflicts"].append(entry)
    return current


def _plan_action(client, recorded, plan):
    if not recorded:
        return
    name, before, after = recorded.get("name"), recorded.get("before"), recorded.get("after") or {}
    if not before:
        plan["notes"].append("action %s: the run created it, so there is no earlier version to redeploy; it stays "
                             "deployed and bound" % name)
        return
    try:
        action = read_action(client, recorded["id"])
    except Auth0Error as exc:
        if exc.status != 404:
            raise
        plan["conflicts"].append(dict(part="action", field="deployed_version", current="deleted",
                                      restore_to=before, left_by_run=after))
        return
    now = version_ref(action)
    entry = dict(part="action", field="deployed_version", current=now, restore_to=before, left_by_run=after,
                 action_id=recorded["id"])
    if now and now["id"] == after.get("id"):
        plan["restores"].append(entry)
    elif now and now["id"] == before["id"]:
        return
    elif same_content(action.get("deployed_version"), get_version(client, recorded["id"], before["id"])):
        # An earlier rollback redeployed it as a new version with the same content.
        return
    else:
        plan["conflicts"].append(entry)


def check_replaced(replaced):
    """Errors in a ``replaced`` record (a hand-edited report, the wrong file), before any request."""
    errors = []
    unknown = sorted(str(key) for key in replaced if key not in ("settings", "action"))
    if unknown:
        errors.append("replaced: unknown keys %s (expected settings, action)" % ", ".join(unknown))
    settings = replaced.get("settings") or {}
    if not isinstance(settings, dict) or not isinstance(settings.get("before") or {}, dict):
        errors.append("replaced.settings: must be a mapping with before and after")
    else:
        for field, value in sorted((settings.get("before") or {}).items()):
            if field not in SETTING_KEYS:
                errors.append("replaced.settings.before.%s: not a tenant setting this collection manages" % field)
            elif value is not None and field != "cookie_mode":
                try:
                    parse_duration(value)
                except DurationError as exc:
                    errors.append("replaced.settings.before.%s: %s" % (field, exc))
    action = replaced.get("action")
    if action:
        if not isinstance(action, dict) or not action.get("id"):
            errors.append("replaced.action: must be a mapping with the Action's id, name, before and after")
        else:
            for key in ("before", "after"):
                ref = action.get(key)
                if ref is not None and (not isinstance(ref, dict) or not ref.get("id")):
                    errors.append("replaced.action.%s: must be null or a version's id and number" % key)
    return errors


def restore_policy(client, replaced, force, check_mode):
    """Restore one tenant's settings and Action version as recorded in ``replaced``.

    Returns ``dict(changed, status, restores, conflicts, notes, operations, diff, errors)``; ``status``
    is ``restored``, ``to_restore`` (check mode), ``already_restored``, ``changed_since_report``
    (nothing written) or ``failed``. ``restores`` and ``conflicts`` list ``{part, field, current,
    restore_to, left_by_run}``.
    """
    outcome = dict(changed=False, status="already_restored", restores=[], conflicts=[], notes=[], operations=[],
                   diff=dict(before={}, after={}), errors=[])
    replaced = replaced or {}
    try:
        current = _plan_settings(client, replaced.get("settings") or {}, outcome)
        _plan_action(client, replaced.get("action"), outcome)
    except Auth0Error as exc:
        outcome.update(status="failed", errors=[str(exc)])
        return outcome
    if outcome["conflicts"] and not force:
        outcome["status"] = "changed_since_report"
        return outcome
    todo = outcome["restores"] + outcome["conflicts"]
    if not todo:
        return outcome
    for entry in todo:
        outcome["diff"]["before"]["%s.%s" % (entry["part"], entry["field"])] = entry["current"]
        outcome["diff"]["after"]["%s.%s" % (entry["part"], entry["field"])] = entry["restore_to"]
    outcome.update(changed=True, status="to_restore" if check_mode else "restored",
                   operations=sorted(set("restore %s" % entry["part"] for entry in todo)))
    if check_mode:
        return outcome
    done = []
    try:
        settings = dict((e["field"], _to_api_value(e["field"], e["restore_to"])) for e in todo if e["part"] == "settings")
        if settings:
            # The read the plan made is the current state: no second GET before the write.
            problems = check_idle_within_absolute(settings, current)
            written = write_settings(client, settings, current, check_mode=False) if not problems else dict(
                errors=problems, changed=False)
            outcome["errors"].extend("tenant settings: %s" % error for error in written["errors"])
            if written["changed"]:
                done.append("restore settings")
        for entry in (e for e in todo if e["part"] == "action"):
            redeploy_version(client, entry["action_id"], entry["restore_to"]["id"])
            done.append("restore action")
            now = version_ref(read_action(client, entry["action_id"]))
            if not now or now["id"] == (entry["left_by_run"] or {}).get("id"):
                outcome["errors"].append("action: version %s was redeployed but the action still shows version %s"
                                         % (entry["restore_to"]["number"], (now or {}).get("number")))
    except (Auth0Error, DurationError) as exc:
        outcome["errors"].append(str(exc))
    outcome.update(operations=done, changed=bool(done))
    if outcome["errors"]:
        outcome["status"] = "failed"
    return outcome
