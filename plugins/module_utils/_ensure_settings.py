# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired versus current tenant session settings, compared once for check mode and real runs alike.
Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import (
    IDLE_TWINS, LIFETIME_FIELDS, DurationError, check_limit, format_minutes, hours_to_minutes, parse_duration)
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import SETTINGS_PATH

COOKIE_MODES = ("persistent", "non-persistent")
# Every tenant setting the collection owns, as the modules and the policy name them.
SETTING_KEYS = LIFETIME_FIELDS + ("cookie_mode",)
# Auth0 treats a missing or null session_cookie as persistent ("nullable", default persistent, in the Management
# API reference: https://auth0.com/docs/api/management/v2/tenants/patch-settings); a tenant that never set it
# leaves it out of its answer (tests/fixtures/auth0-recorded/TestAccTenant_Main.json).
DEFAULT_COOKIE_MODE = "persistent"
# How a lifetime the tenant never set shows in a diff or a message.
NOT_SET = "not set"


def parse_desired(values, plan):
    """Desired settings from user values: ``({field: minutes, 'cookie_mode': mode}, errors)``.

    ``values`` maps the option names to the user's raw values; None means "leave untouched".
    Every error names its option and the rule, so all of them can be reported at once. A ``plan``
    of None skips the plan limits (a caller that found the plan itself invalid reports that).
    """
    desired = {}
    errors = []
    for field in LIFETIME_FIELDS:
        raw = values.get(field)
        if raw is None:
            continue
        try:
            minutes = parse_duration(raw)
            if plan is not None:
                check_limit(field, minutes, plan)
        except DurationError as exc:
            errors.append("%s: %s" % (field, exc))
            continue
        desired[field] = minutes
    mode = values.get("cookie_mode")
    if mode is not None:
        if mode not in COOKIE_MODES:
            errors.append("cookie_mode: must be one of %s; got '%s'" % (", ".join(COOKIE_MODES), mode))
        else:
            desired["cookie_mode"] = mode
    return desired, errors


def current_from_api(body):
    """The owned fields of a GET/PATCH tenant settings response, in minutes.

    A lifetime the body leaves out is None, "not set": real tenants were recorded leaving out
    ``ephemeral_session_lifetime``, ``idle_ephemeral_session_lifetime`` (auth0-recorded
    TestAccTenant_EnableSSO) and ``session_cookie`` (TestAccTenant_Main) until they were set.
    Which value Auth0 then applies is not documented, so none is assumed.
    Everything else in the body is server-owned and ignored, so it can never cause a phantom diff.
    """
    if not isinstance(body, dict):
        raise Auth0Error("the tenant settings answer is a %s, not an object (%s); nothing was changed"
                         % (type(body).__name__, SETTINGS_PATH))
    current = {}
    for field in LIFETIME_FIELDS:
        try:
            current[field] = hours_to_minutes(body.get(field))
        except DurationError as exc:
            raise Auth0Error("the tenant settings answer's %s %s (%s); nothing was changed" % (field, exc, SETTINGS_PATH))
    cookie = body.get("session_cookie")
    cookie = cookie if isinstance(cookie, dict) else {}
    current["cookie_mode"] = cookie.get("mode") or DEFAULT_COOKIE_MODE
    return current


def check_idle_within_absolute(desired, current):
    """Auth0 does not refuse an idle lifetime longer than its absolute twin; we do."""
    errors = []
    for idle, absolute in IDLE_TWINS:
        idle_value = desired.get(idle, current.get(idle))
        absolute_value = desired.get(absolute, current.get(absolute))
        if idle_value is None or absolute_value is None or idle_value <= absolute_value:
            continue
        if idle in desired or absolute in desired:
            idle_source = "" if idle in desired else " (the tenant's current value; set %s too)" % idle
            source = "" if absolute in desired else " (the tenant's current value; set %s too)" % absolute
            errors.append("%s: %s%s must not exceed %s, which is %s%s"
                          % (idle, format_minutes(idle_value), idle_source, absolute, format_minutes(absolute_value),
                             source))
    return errors


def human(field, value):
    """A setting as users write it: a duration for a lifetime (minutes in), the mode itself for cookie_mode.

    None (not set) stays None, for records a rollback reads back; ``shown`` is the form for messages.
    """
    return value if field == "cookie_mode" else format_minutes(value)


def shown(field, value):
    """A setting in a message or a diff: its human form, or "not set"."""
    return NOT_SET if value is None else human(field, value)


def compare(desired, current):
    """What must change: ``(patch_body, before, after, changed_fields)``.

    The patch carries only differing fields, lifetimes as ``*_in_minutes`` because the API refuses
    fractional hours; ``before``/``after`` hold the same fields in human form for ``--diff``.
    """
    patch = {}
    before = {}
    after = {}
    changed = []
    for field in LIFETIME_FIELDS:
        if field in desired and desired[field] != current.get(field):
            patch["%s_in_minutes" % field] = desired[field]
            before[field] = shown(field, current.get(field))
            after[field] = format_minutes(desired[field])
            changed.append(field)
    if "cookie_mode" in desired and desired["cookie_mode"] != current.get("cookie_mode"):
        patch["session_cookie"] = {"mode": desired["cookie_mode"]}
        before["cookie_mode"] = current.get("cookie_mode")
        after["cookie_mode"] = desired["cookie_mode"]
        changed.append("cookie_mode")
    return patch, before, after, changed


def apply_to(current, desired):
    """The settings a successful PATCH would leave: used to predict the result in check mode."""
    result = dict(current)
    result.update(desired)
    return result


def not_applied(desired, stored):
    """Fields the tenant stored differently from what was sent (a plan cap Auth0 applied silently)."""
    return ["%s: sent %s, the tenant stored %s" % (field, shown(field, value), shown(field, stored.get(field)))
            for field, value in sorted(desired.items()) if stored.get(field) != value]


def as_result(settings):
    """Result form: minutes and a human string per lifetime the tenant has set, plus the cookie mode.

    A lifetime that is not set is left out rather than given as None: a None would read back as a
    value (and fail the policy validator when exported).
    """
    described = {}
    for field in LIFETIME_FIELDS:
        minutes = settings.get(field)
        if minutes is not None:
            described[field] = {"minutes": minutes, "human": format_minutes(minutes)}
    described["cookie_mode"] = settings.get("cookie_mode")
    return described


def as_policy(settings):
    """The settings in the input form of tenant_session and the role's session_policy_tenant."""
    return dict((field, value["human"] if isinstance(value, dict) else value)
                for field, value in as_result(settings).items())


def read_settings(client):
    """The tenant's owned settings in minutes (one GET); raises Auth0Error."""
    return current_from_api(client.get(SETTINGS_PATH) or {})


def ensure_settings(client, desired, check_mode):
    """Read once, validate against the tenant, write once if needed.

    Returns ``dict(changed, changed_fields, settings, diff, errors)``, also when a request fails
    (the error is in ``errors``). Errors found before the write mean nothing was written; errors
    after it mean the tenant kept other values than those sent.
    """
    outcome = dict(changed=False, changed_fields=[], settings=None, diff=dict(before={}, after={}), errors=[])
    try:
        current = read_settings(client)
    except Auth0Error as exc:
        outcome["errors"] = [str(exc)]
        return outcome
    outcome["settings"] = as_result(current)
    outcome["errors"] = check_idle_within_absolute(desired, current)
    if outcome["errors"]:
        return outcome
    return write_settings(client, desired, current, check_mode)


def write_settings(client, desired, current, check_mode):
    """At most one PATCH bringing ``current`` to ``desired`` (already checked); the outcome of ensure_settings."""
    outcome = dict(changed=False, changed_fields=[], settings=as_result(current), diff=dict(before={}, after={}),
                   errors=[])
    patch, before, after, changed = compare(desired, current)
    outcome.update(changed=bool(patch), changed_fields=changed, diff=dict(before=before, after=after),
                   settings=as_result(apply_to(current, desired)))
    if patch and not check_mode:
        try:
            # The same body applied twice leaves the same state, so a lost response may be retried.
            stored = current_from_api(client.patch(SETTINGS_PATH, patch, idempotent=True) or {})
        except Auth0Error as exc:
            outcome.update(errors=[str(exc)], settings=as_result(current), changed=False)
            return outcome
        outcome.update(errors=not_applied(desired, stored), settings=as_result(stored))
    return outcome
