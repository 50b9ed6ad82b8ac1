# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which rule a login gets, in pure Python: the same decision the rendered Action makes.

A login is written in the policy's own words (``{organization, client, client_name, connection,
country, roles, risk_confidence, mfa, app_metadata}``); a key left out is an event field the
login lacks, and makes its conditions false exactly as in the Action. tests/node/ runs generated
policies and logins through this module and the rendered Action and compares the results.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import FIRST_YEAR, LAST_YEAR, parse_instant
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_effects import action_effects, effective
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import (
    DEFAULT_RULE_NAME, Invalid, MultipleInvalid, boolean, login_country, metadata, non_empty_string, one_line, path_text, plain, risk,
    strictly_equal, string_list, type_name, voluptuous_message)

try:
    from voluptuous import Optional, Schema
except ImportError:  # pragma: no cover - the policy's validation reports a missing voluptuous first
    Optional = Schema = None

LOGIN_KEYS = ("organization", "client", "client_name", "connection", "country", "roles", "risk_confidence", "mfa",
              "app_metadata")

MINUTE_MS = 60 * 1000


def _organization(value):
    if isinstance(value, str):
        # One word for id or name: the organizations condition accepts either.
        return {"id": non_empty_string(value), "name": value}
    if not isinstance(value, dict) or not value or set(value) - {"id", "name"}:
        raise Invalid("must be an organization id or name, or a mapping with id and/or name; got %s"
                      % type_name(value))
    return dict((key, non_empty_string(value[key])) for key in value)


def instant(value):
    """Epoch milliseconds of ``2024-03-01T10:00:00Z`` (or ``.123``, ``.131474951``, ``+02:00``); Invalid otherwise:
    exactly where the Action's instantOf answers null (the rule is _durations.parse_instant's)."""
    try:
        return parse_instant(value)
    except ValueError:
        raise Invalid("must be a date and time with its zone, such as 2024-03-01T10:00:00Z (ASCII digits, a year "
                      "from %d to %d, an offset below 24:00); got %s"
                      % (FIRST_YEAR, LAST_YEAR, repr(value) if isinstance(value, str) else type_name(value)))


_LOGIN_SCHEMA = []


def _login_schema():
    """Built once: a voluptuous Schema costs far more to build than to run."""
    if not _LOGIN_SCHEMA:
        _LOGIN_SCHEMA.append(_build_login_schema())
    return _LOGIN_SCHEMA[0]


def _build_login_schema():
    return Schema({
        Optional("organization"): _organization,
        Optional("client"): non_empty_string,
        Optional("client_name"): non_empty_string,
        Optional("connection"): non_empty_string,
        Optional("country"): login_country,
        Optional("roles"): string_list(allow_empty=True),
        Optional("risk_confidence"): risk,
        Optional("mfa"): boolean,
        Optional("app_metadata"): metadata(scalars_only=False),
    })


def parse_login(login, prefix):
    """``(login, errors)``: the login normalized (country upper case, roles a list), or errors with paths."""
    login = plain(login)
    if login is None:
        login = {}
    if not isinstance(login, dict):
        return None, ["%s: must be a mapping of %s; got %s" % (path_text(prefix), ", ".join(LOGIN_KEYS),
                                                               type_name(login))]
    login = dict((key, value) for key, value in login.items() if value is not None)
    try:
        return _login_schema()(login), []
    except MultipleInvalid as exc:
        allowed = {tuple("*" if isinstance(part, int) else part for part in prefix): LOGIN_KEYS}
        return None, one_line([voluptuous_message(prefix, error, allowed) for error in exc.errors])


def _holds(name, wanted, login):
    """``(holds, what the login has)`` for one condition, as the Action's CONDITIONS[name] decides it."""
    if name == "organizations":
        org = login.get("organization")
        shown_as = org["id"] if org and org.get("id") == org.get("name") else org
        return org is not None and (org.get("id") in wanted or org.get("name") in wanted), shown_as
    if name in ("clients", "client_names"):
        key = "client" if name == "clients" else "client_name"
        present = "client" in login or "client_name" in login  # either makes event.client exist
        return present and login.get(key) in wanted, login.get(key)
    if name == "connections":
        return login.get("connection") in wanted, login.get("connection")
    if name in ("countries", "not_countries"):
        code = login.get("country")
        return code is not None and ((code in wanted) == (name == "countries")), code
    if name == "roles":
        roles = login.get("roles")
        return roles is not None and any(role in wanted for role in roles), roles
    if name == "risk_confidence":
        return login.get("risk_confidence") in wanted, login.get("risk_confidence")
    if name == "mfa":
        return login.get("mfa") is not None and login["mfa"] == wanted, login.get("mfa")
    if name == "app_metadata":
        found = login.get("app_metadata")
        return (found is not None and all(key in found and strictly_equal(found[key], value)
                                          for key, value in wanted.items())), found
    raise ValueError("unknown condition %s" % name)  # pragma: no cover - validation refuses it first


def evaluate(normalized, login):
    """The decision for one normalized login.

    Returns ``{"rule": name or "default", "index": int or None, "trace": [{"name", "index",
    "matched", "conditions": [{"condition", "wanted", "has", "holds"}]}], "effects": <effective>,
    "action": <what the Action sets>}``. ``trace`` holds every rule up to the one that applied.
    """
    tenant, default = normalized.get("tenant") or {}, normalized.get("default") or {}
    trace = []
    chosen = None
    for index, rule in enumerate(normalized.get("rules") or []):
        conditions = []
        for name in sorted(rule["match"]):
            holds, has = _holds(name, rule["match"][name], login)
            conditions.append(dict(condition=name, wanted=rule["match"][name], has=has, holds=holds))
        matched = all(item["holds"] for item in conditions)
        trace.append(dict(name=rule["name"], index=index, matched=matched, conditions=conditions))
        if matched:
            chosen = rule
            break
    return dict(rule=chosen["name"] if chosen else DEFAULT_RULE_NAME, index=trace[-1]["index"] if chosen else None,
                trace=trace, effects=effective(tenant, default, chosen), action=action_effects(tenant, default, chosen))


def session_start(session_created_at, login_at):
    """``(start, why)``: what the Action counts the absolute lifetime from, as its onExecutePostLogin does.

    The session's creation; the login itself when the creation is unknown (missing, or refused by the
    instant rule) or later than the login: counting from a later instant would lengthen the session, and
    the tenant's longer default would apply if the Action set nothing. ``why`` is None, or the reason the
    login was used. Both None when neither instant is known.
    """
    if session_created_at is None:
        return login_at, ("the session has no readable created_at" if login_at is not None else None)
    if login_at is not None and session_created_at > login_at:
        return login_at, "the session's created_at is after it"
    return session_created_at, None


def expiry_instants(decision, session_created_at=None, login_at=None):
    """``(expires_at, idle_expires_at)`` in epoch ms, as the Action would set them; None where it would not.

    Absolute expiry counts from ``session_start``; idle expiry from the login (``login_at``, else the
    session's creation, which is the login that created it).
    """
    action = decision["action"]
    expires = idle = None
    start = session_start(session_created_at, login_at)[0]
    if start is not None and action.get("session_lifetime"):
        expires = start + action["session_lifetime"] * MINUTE_MS
    now = login_at if login_at is not None else session_created_at
    if now is not None and action.get("idle_session_lifetime"):
        idle = now + action["idle_session_lifetime"] * MINUTE_MS
    return expires, idle
