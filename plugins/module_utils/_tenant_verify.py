# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a tenant actually did after a rollout: the deployed version, canary sessions, clamp warnings.

Read-only: every call here is a GET. The expected lifetimes of each canary come from the caller
(the playbook asks explain on the controller), so this module needs no policy code.

What is and is not recorded of the answers read here (tests/fixtures/auth0-recorded/go-auth0/):
a user's sessions list only empty (``{"sessions": []}``, no ``next``); a session read with placeholder
values (``created_at`` equal to ``expires_at``), so only its field names are trusted; log events of
other types, never ``w``, and ``location_info`` always null. Every field is read defensively: a missing
one is reported as missing, never guessed.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action_version import get_version, same_content
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import ActionFailure, find_action, version_ref
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import (
    DurationError, format_instant, format_minutes, parse_duration, parse_instant)
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import list_bindings, list_user_sessions, search_logs

TRIGGER = "post-login"
TOLERANCE_MS = 60 * 1000
FIELDS = ("session_lifetime", "idle_session_lifetime")
# Auth0's session management endpoints are for Enterprise plans only
# (https://auth0.com/docs/manage-users/sessions/manage-user-sessions-with-auth0-management-api).
NOT_AVAILABLE_PLANS = ("self_service",)
SCOPES = ("read:actions", "read:sessions", "read:logs")
# No `w` event is recorded, so which words Auth0 uses to say it shortened a lifetime is unknown: a
# warning counts as a clamp when its description speaks of a session's lifetime or expiry (a guess,
# said so in the module's docs and docs/guides/prove-it-on-your-tenant.md).
CLAMP_RE = re.compile(r"session|lifetime|expir", re.IGNORECASE)
DESCRIPTION_CHARS = 200

VERIFIED = "verified"
NOT_VERIFIED = "not_verified"
NO_SESSION = "no_session"
NOT_AVAILABLE = "not_available"
FAILED = "failed"


def check_options(canaries, since, expected_version, max_log_events):
    """Errors in the options, each naming its option, before any request."""
    errors = []
    try:
        parse_instant(since)
    except ValueError:
        errors.append("since: must be the rollout's date and time with its zone, such as 2024-03-01T10:00:00Z; got %r"
                      % (since,))
    names = []
    for index, canary in enumerate(canaries or []):
        at = "canaries[%d]" % index
        if not canary.get("name"):
            errors.append("%s.name: is required, the name the report shows for this canary" % at)
        elif canary["name"] in names:
            errors.append("%s.name: %s is given twice; each canary needs its own name" % (at, canary["name"]))
        names.append(canary.get("name"))
        if not canary.get("user_id"):
            errors.append("%s.user_id: is required" % at)
        for field in FIELDS:
            if canary.get(field) is not None:
                try:
                    parse_duration(canary[field])
                except DurationError as exc:
                    errors.append("%s.%s: %s" % (at, field, exc))
    if expected_version and not expected_version.get("id"):
        errors.append("expected_version.id: is required when expected_version is given")
    if max_log_events < 0 or max_log_events > 1000:
        errors.append("max_log_events: must be 0 to 1000 (Auth0's log search reaches the first 1000 matches); got %d"
                      % max_log_events)
    return errors


def _scope_hint(exc):
    if exc.status == 403:
        return ("%s; verify needs the read scopes %s (docs/scopes.md)" % (exc, ", ".join(SCOPES)))
    return str(exc)


def _masked(exc, user_id, name):
    """An error about a canary's read with its user id replaced by the canary's name: ids are never printed."""
    text = _scope_hint(exc)
    for form in (user_id, user_id.replace("|", "%7C")):
        text = text.replace(form, "<canary %s>" % name)
    return text


def check_version(client, action_name, expected):
    """``{status, message, deployed, expected, bound}`` of the Action the last applying run recorded.

    ``expected`` is ``{id, number}`` of the version the run deployed, or for a rollback ``{id, number,
    redeployed: true}`` of the version it redeployed: Auth0 redeploys as a new version number
    (tests/fixtures/auth0-recorded/go-auth0 records it for TestActionManager_DeployVersion), so the
    deployed version must then carry the same code, runtime and dependencies instead of the same id.
    """
    action = find_action(client, action_name, TRIGGER)
    if action is None:
        return dict(status=NOT_VERIFIED, message="no Action named %s" % action_name, deployed=None, expected=expected,
                    bound=False)
    deployed = version_ref(action)
    bound = any((item.get("action") or {}).get("id") == action.get("id") for item in list_bindings(client, TRIGGER))
    problems = []
    if deployed is None:
        problems.append("%s has no deployed version" % action_name)
    elif expected and expected.get("redeployed"):
        if deployed["id"] != expected["id"] and not same_content(action.get("deployed_version"),
                                                                 get_version(client, action["id"], expected["id"])):
            problems.append("deployed version %s is not the one the rollback redeployed (version %s)"
                            % (deployed["number"], expected.get("number")))
    elif expected and deployed["id"] != expected["id"]:
        problems.append("deployed version %s, the last applying run deployed version %s"
                        % (deployed["number"], expected.get("number")))
    if not bound:
        problems.append("%s is not bound to the %s trigger" % (action_name, TRIGGER))
    if problems:
        return dict(status=NOT_VERIFIED, message="; ".join(problems), deployed=deployed, expected=expected, bound=bound)
    text = "version %s deployed and bound" % deployed["number"]
    if not expected:
        text += " (the report records no version: the last applying run did not change the Action)"
    return dict(status=VERIFIED, message=text, deployed=deployed, expected=expected, bound=bound)


def _instant(session, key):
    try:
        return parse_instant(session.get(key))
    except ValueError:
        return None


def granted(session):
    """``{session_lifetime, idle_session_lifetime}`` in ms as Auth0 set them on ``session``; None where unreadable.

    Absolute: ``expires_at - created_at``. Idle: ``idle_expires_at`` from the last interaction
    (``last_interacted_at``, else ``created_at``): idle expiry counts from the latest activity.
    """
    created = _instant(session, "created_at")
    base = _instant(session, "last_interacted_at") or created
    expires, idle = _instant(session, "expires_at"), _instant(session, "idle_expires_at")
    return dict(session_lifetime=expires - created if None not in (expires, created) else None,
                idle_session_lifetime=idle - base if None not in (idle, base) else None)


def _duration_text(millis):
    minutes = int(round(millis / 60000.0))
    return format_minutes(minutes) if minutes > 0 else "%ds" % int(round(millis / 1000.0))


def newest_since(sessions, since_ms):
    """The newest session created after ``since_ms``, or None."""
    fresh = [(created, session) for created, session in ((_instant(s, "created_at"), s) for s in sessions)
             if created is not None and created > since_ms]
    return max(fresh, key=lambda pair: pair[0])[1] if fresh else None


def check_canary(client, canary, since_ms):
    """One canary's verdict: ``{name, status, message, session, expected, granted}`` (no user id, no session id)."""
    name = canary["name"]
    expected = dict((field, parse_duration(canary[field]) if canary.get(field) is not None else None) for field in FIELDS)
    shown_expected = dict((field, format_minutes(value)) for field, value in expected.items())
    out = dict(name=name, expected=shown_expected, granted={}, session_created_at=None)
    try:
        sessions, complete = list_user_sessions(client, canary["user_id"])
    except Auth0Error as exc:
        return dict(out, status=FAILED, message=_masked(exc, canary["user_id"], name))
    session = newest_since(sessions, since_ms)
    if session is None:
        more = "" if complete else " (read stopped after %d sessions)" % len(sessions)
        return dict(out, status=NO_SESSION, message="no session since the rollout: sign in as %s and run again%s" % (name, more))
    got = granted(session)
    out.update(session_created_at=format_instant(_instant(session, "created_at")),
               granted=dict((field, _duration_text(value) if value is not None else None) for field, value in got.items()))
    problems, compared = [], 0
    for field in FIELDS:
        if expected[field] is None:
            continue
        wanted = expected[field] * 60000
        if got[field] is None:
            key = "expires_at" if field == "session_lifetime" else "idle_expires_at"
            problems.append("%s: Auth0's session shows no readable %s, the policy says %s" % (field, key, shown_expected[field]))
        elif abs(got[field] - wanted) > TOLERANCE_MS:
            problems.append("%s: Auth0 gave %s, the policy says %s" % (field, _duration_text(got[field]), shown_expected[field]))
        compared += 1
    if problems:
        return dict(out, status=NOT_VERIFIED, message="not verified: " + "; ".join(problems))
    if not compared:
        return dict(out, status=NOT_VERIFIED, message="not verified: the policy sets no lifetime for this login to compare")
    return dict(out, status=VERIFIED, message="verified")


def read_clamps(client, since_ms, limit):
    """``{count, first, read, complete}``: warning events since the rollout that say a lifetime was clamped."""
    if not limit:
        return dict(count=0, first=None, read=0, complete=False)
    query = 'type:"w" AND date:[%s TO *]' % format_instant(since_ms)
    events, complete = search_logs(client, query, limit)
    clamps = [event for event in events
              if event.get("type") == "w" and (_instant(event, "date") or since_ms) >= since_ms
              and CLAMP_RE.search(str(event.get("description") or ""))]
    first = None
    if clamps:
        text = " ".join(str(clamps[0].get("description")).split())
        first = text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS - 3] + "..."
    return dict(count=len(clamps), first=first, read=len(events), complete=complete)


def verify_tenant(client, action_name, plan, since, expected_version, canaries, max_log_events):
    """The whole verification of one tenant: ``{status, message, version, canaries, clamps, errors}``.

    ``status`` is ``verified``, ``not_verified`` (something differs, or a canary has no session since
    the rollout), ``not_available`` (a plan without the session endpoints: no request at all) or
    ``failed`` (a read failed; a 403 names the scopes verify needs).
    """
    outcome = dict(status=NOT_AVAILABLE, message="", version=None, canaries=[], clamps=None, errors=[])
    if plan in NOT_AVAILABLE_PLANS:
        outcome["message"] = ("not available on this plan: Auth0's session endpoints are for Enterprise plans "
                              "(https://auth0.com/docs/manage-users/sessions/manage-user-sessions-with-auth0-management-api)")
        return outcome
    since_ms = parse_instant(since)
    try:
        outcome["version"] = check_version(client, action_name, expected_version)
        outcome["canaries"] = [check_canary(client, canary, since_ms) for canary in canaries or []]
        outcome["clamps"] = read_clamps(client, since_ms, max_log_events)
    except (Auth0Error, ActionFailure) as exc:
        outcome["errors"].append(_scope_hint(exc) if isinstance(exc, Auth0Error) else str(exc))
    outcome["errors"].extend(c["message"] for c in outcome["canaries"] if c["status"] == FAILED)
    parts = [outcome["version"]] + outcome["canaries"] if outcome["version"] else []
    if outcome["errors"]:
        outcome["status"] = FAILED
    elif all(part["status"] == VERIFIED for part in parts):
        outcome["status"] = VERIFIED
    else:
        outcome["status"] = NOT_VERIFIED
    outcome["message"] = summary_line(outcome)
    return outcome


def summary_line(outcome):
    """One line per tenant: the version, each canary, the clamps."""
    if outcome["errors"]:
        return "failed: " + "; ".join(outcome["errors"])
    parts = []
    if outcome["version"]:
        parts.append(outcome["version"]["message"])
    parts.extend("%s: %s" % (c["name"], c["message"]) for c in outcome["canaries"])
    clamps = outcome["clamps"] or {}
    if clamps.get("count"):
        parts.append("%d clamp warning%s since the rollout, the first: %s"
                     % (clamps["count"], "" if clamps["count"] == 1 else "s", clamps["first"]))
    elif clamps:
        parts.append("no clamp warning since the rollout (%d warning%s read)" % (clamps["read"], "" if clamps["read"] == 1 else "s"))
    return "; ".join(parts)
