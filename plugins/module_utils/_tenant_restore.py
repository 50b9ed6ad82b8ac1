# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Undo one tenant's part of a rollout from what the run recorded it replaced (``replaced``).

Each part is in one of three states: as the run left it (restore it), as it was before the run
(already restored: nothing to write), or anything else (someone changed it since the report).
A tenant with a part of the third kind is left alone unless ``force`` is set, so a rollback
never silently overwrites an edit made after the rollout.

Everything the restore needs is read while planning (the settings, the Action, the version to redeploy),
and the recorded values are checked as the modules check user input, so a rollback that cannot finish
writes nothing: a tenant is never left half restored (old settings with the new Action). A record of
another tenant (its domain is not the connection's) is refused before any request, ``force`` or not.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import policy_changes, policy_in_code
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action_version import (
    get_version, redeploy_version, same_content)
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import version_ref
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import read_action
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import (
    SETTING_KEYS, check_idle_within_absolute, human, parse_desired, read_settings, write_settings)


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
    if now and now["id"] == before["id"]:
        return
    # Read now, not at the redeploy: a version that is gone must stop the rollback before the settings are written.
    try:
        version = get_version(client, recorded["id"], before["id"])
    except Auth0Error as exc:
        if exc.status != 404:
            raise
        plan["missing"].append("action %s: version %s (%s), deployed before the run, no longer exists, so it cannot be "
                               "redeployed; nothing was restored on this tenant" % (name, before.get("number"), before["id"]))
        return
    entry = dict(part="action", field="deployed_version", current=now, restore_to=before, left_by_run=after,
                 action_id=recorded["id"])
    if now and now["id"] == after.get("id"):
        kept = plan["restores"]
    elif same_content(action.get("deployed_version"), version):
        # An earlier rollback redeployed it as a new version with the same content.
        return
    else:
        kept = plan["conflicts"]
    changes = version_policy_changes(action.get("deployed_version"), version)
    if changes:
        entry["policy_changes"] = changes
    kept.append(entry)


def version_policy_changes(deployed, restore_to):
    """What redeploying ``restore_to`` over ``deployed`` does to the policy, field by field in the policy's own
    terms (``[{field, current, restore_to}]``); empty when either version's code carries no policy of ours.
    Both versions' code is in what the plan already read (``deployed_version`` of the Action, the version)."""
    current, wanted = policy_in_code((deployed or {}).get("code")), policy_in_code((restore_to or {}).get("code"))
    if current is None or wanted is None:
        return []
    return [dict(field=field, current=now, restore_to=then) for field, now, then in policy_changes(current, wanted)]


def same_domain(one, other):
    """Whether two connection domains name the same host (case and a trailing dot do not count)."""
    def norm(domain):
        return str(domain or "").strip().lower().rstrip(".")
    return norm(one) == norm(other)


def check_domain(report_domain, domain):
    """An error when the record is another tenant's: its values written here would replace this tenant's policy."""
    if report_domain is None:
        return []
    if not str(report_domain).strip():
        return ["report_domain: the report's record names no domain, so it cannot be told to be this tenant's; "
                "nothing was restored"]
    if not same_domain(report_domain, domain):
        return ["report_domain: the record is of the tenant at %s, but this host connects to %s; restoring it here "
                "would write another tenant's values, so nothing was restored. Point the host at the tenant the "
                "report names (a custom domain of the same tenant: use the domain the rollout used)"
                % (report_domain, domain)]
    return []


def check_replaced(replaced, plan="enterprise"):
    """Errors in a ``replaced`` record (a hand-edited report, the wrong file), before any request.

    The values to restore are checked by ``parse_desired``, as a task's own options are: a tampered
    ``cookie_mode: evil`` or ``session_lifetime: 100000h`` never reaches the tenant, where real Auth0
    might cap it silently instead of refusing it.
    """
    errors = []
    unknown = sorted(str(key) for key in replaced if key not in ("settings", "action"))
    if unknown:
        errors.append("replaced: unknown keys %s (expected settings, action)" % ", ".join(unknown))
    settings = replaced.get("settings") or {}
    if not isinstance(settings, dict) or not isinstance(settings.get("before") or {}, dict):
        errors.append("replaced.settings: must be a mapping with before and after")
    else:
        before = settings.get("before") or {}
        errors.extend("replaced.settings.before.%s: not a tenant setting this collection manages" % field
                      for field in sorted(str(key) for key in before if key not in SETTING_KEYS))
        values = dict((field, value) for field, value in before.items() if field in SETTING_KEYS and value is not None)
        errors.extend("replaced.settings.before.%s" % error for error in sorted(parse_desired(values, plan)[1]))
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


def _settings_to_write(todo):
    """The PATCH's values (minutes, the mode) for the settings entries among ``todo``; checked by check_replaced."""
    values = dict((e["field"], e["restore_to"]) for e in todo if e["part"] == "settings")
    return parse_desired(values, None)[0]


def restore_policy(client, replaced, force, check_mode, domain=None, report_domain=None):
    """Restore one tenant's settings and Action version as recorded in ``replaced``.

    ``report_domain`` is the domain the report recorded for the tenant (None: not checked) and ``domain``
    the connection's; when they differ nothing is read or written. Returns ``dict(changed, status,
    restores, conflicts, notes, operations, diff, errors)``; ``status`` is ``restored``, ``to_restore``
    (check mode), ``already_restored``, ``changed_since_report`` (nothing written), ``other_tenant`` (the
    record is another tenant's: nothing read or written, even with ``force``) or ``failed`` (nothing
    written when the failure was found while planning). ``restores`` and ``conflicts`` list ``{part,
    field, current, restore_to, left_by_run}``.
    """
    outcome = dict(changed=False, status="already_restored", restores=[], conflicts=[], notes=[], operations=[],
                   diff=dict(before={}, after={}), errors=[], missing=[])
    replaced = replaced or {}
    wrong = check_domain(report_domain, domain)
    if wrong:
        outcome["conflicts"].append(dict(part="tenant", field="domain", current=domain, restore_to=report_domain,
                                         left_by_run=report_domain))
        outcome.update(status="other_tenant", errors=wrong)
        return _done(outcome)
    try:
        current = _plan_settings(client, replaced.get("settings") or {}, outcome)
        _plan_action(client, replaced.get("action"), outcome)
    except Auth0Error as exc:
        outcome.update(status="failed", errors=[str(exc)])
        return _done(outcome)
    if outcome["missing"]:
        outcome.update(status="failed", errors=list(outcome["missing"]))
        return _done(outcome)
    if outcome["conflicts"] and not force:
        outcome["status"] = "changed_since_report"
        return _done(outcome)
    todo = outcome["restores"] + outcome["conflicts"]
    if not todo:
        return _done(outcome)
    settings = _settings_to_write(todo)
    # The read the plan made is the current state: no second GET before the write.
    problems = check_idle_within_absolute(settings, current) if settings else []
    if problems:
        outcome.update(status="failed", errors=["tenant settings: %s; nothing was restored" % error for error in problems])
        return _done(outcome)
    for entry in todo:
        outcome["diff"]["before"]["%s.%s" % (entry["part"], entry["field"])] = entry["current"]
        outcome["diff"]["after"]["%s.%s" % (entry["part"], entry["field"])] = entry["restore_to"]
        # The version numbers alone do not say what a login gets: the policy fields the redeploy changes do.
        for change in entry.get("policy_changes") or []:
            outcome["diff"]["before"]["action.%s" % change["field"]] = change["current"]
            outcome["diff"]["after"]["action.%s" % change["field"]] = change["restore_to"]
    outcome.update(changed=True, status="to_restore" if check_mode else "restored",
                   operations=sorted(set("restore %s" % entry["part"] for entry in todo)))
    if check_mode:
        return _done(outcome)
    done = []
    try:
        if settings:
            written = write_settings(client, settings, current, check_mode=False)
            outcome["errors"].extend("tenant settings: %s" % error for error in written["errors"])
            if written["changed"]:
                done.append("restore settings")
        # A settings write that failed left the settings as they were: the Action stays with them.
        for entry in (e for e in todo if e["part"] == "action" and not outcome["errors"]):
            redeploy_version(client, entry["action_id"], entry["restore_to"]["id"])
            done.append("restore action")
            now = version_ref(read_action(client, entry["action_id"]))
            if not now or now["id"] == (entry["left_by_run"] or {}).get("id"):
                outcome["errors"].append("action: version %s was redeployed but the action still shows version %s"
                                         % (entry["restore_to"]["number"], (now or {}).get("number")))
    except Auth0Error as exc:
        outcome["errors"].append(str(exc))
    outcome.update(operations=done, changed=bool(done))
    if outcome["errors"]:
        outcome["status"] = "failed"
    return _done(outcome)


def _done(outcome):
    del outcome["missing"]
    return outcome
