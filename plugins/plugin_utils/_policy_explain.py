# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explain which rule a login gets and why, and check expected outcomes, on the controller only.

Input cases are ``{name, login, session_created_at, login_at}`` (``session_policy_logins``) and the
same with ``expect: {rule, session_lifetime, idle_session_lifetime, cookie_mode}``
(``session_policy_expectations``). Lifetimes shown and compared are the effective ones
(``_policy_effects``), with the tenant field that capped or clipped them.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import (
    DurationError, format_instant, format_minutes, parse_duration)
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import COOKIE_MODES
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_effects import (
    FROM_AUTH0, FROM_DEFAULT, FROM_RULE, FROM_TENANT)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_evaluate import (
    evaluate, expiry_instants, instant, parse_login, session_start)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import (
    DEFAULT_PATH, EFFECT_LIFETIMES, RULES_PATH, TENANT_PATH, Invalid, non_empty_string, one_line, path_text, plain,
    shown, too_deep, type_name)

LOGINS_PATH = "session_policy_logins"
EXPECTATIONS_PATH = "session_policy_expectations"
CASE_KEYS = ("name", "login", "session_created_at", "login_at")
EXPECT_KEYS = ("rule",) + EFFECT_LIFETIMES + ("cookie_mode",)

# On this plan the Action never runs: the session_policy task refuses it (action_on_self_service: fail) or
# leaves it out (skip), because api.session is an Enterprise feature (docs/policy.md, "Plans"). The
# module's own name for it is _tenant_rollout.SELF_SERVICE_PLAN, a module_utils import too heavy for here.
SELF_SERVICE = "self_service"
SELF_SERVICE_NOTE = ("plan self_service: no rule and no default is enforced, the Action does not run on this plan "
                     "(api.session is an Enterprise feature); this login gets the tenant settings only")

# What the login holds for each condition, in its own words.
_LOGIN_FIELD = {"organizations": "organization", "clients": "client", "client_names": "client_name",
                "connections": "connection", "countries": "country", "not_countries": "country", "roles": "roles",
                "risk_confidence": "risk_confidence", "mfa": "mfa", "app_metadata": "app_metadata"}


def _expect(value, prefix):
    """``(expect, errors)``: lifetimes to minutes, cookie mode and rule name checked."""
    if not isinstance(value, dict) or not value:
        return None, ["%s: must be a non-empty mapping with any of %s; got %s"
                      % (path_text(prefix), ", ".join(EXPECT_KEYS), type_name(value))]
    expect, errors = {}, []
    for key, item in value.items():
        at = path_text(prefix + [key])
        if key not in EXPECT_KEYS:
            errors.append("%s: is not a known key (expected one of: %s)" % (at, ", ".join(EXPECT_KEYS)))
        elif key in EFFECT_LIFETIMES:
            try:
                expect[key] = parse_duration(item)
            except DurationError as exc:
                errors.append("%s: %s" % (at, exc))
        elif key == "cookie_mode" and item not in COOKIE_MODES:
            errors.append("%s: must be one of %s; got %s" % (at, ", ".join(COOKIE_MODES), shown(item)))
        elif key == "rule" and not (isinstance(item, str) and item):
            errors.append("%s: must be a rule name, or default; got %s" % (at, type_name(item)))
        else:
            expect[key] = item
    return expect, errors


def parse_cases(cases, path, with_expect=False):
    """``(cases, errors)`` for ``session_policy_logins`` or ``session_policy_expectations``."""
    deep = too_deep(cases, [path])
    if deep:
        return [], [deep]
    cases = plain(cases)
    if cases is None:
        return [], []
    if not isinstance(cases, list):
        return [], ["%s: must be a list of {name, login%s}; got %s"
                    % (path, ", expect" if with_expect else "", type_name(cases))]
    parsed, errors = [], []
    allowed = CASE_KEYS + (("expect",) if with_expect else ())
    for index, case in enumerate(cases):
        prefix = [path, index]
        if not isinstance(case, dict):
            errors.append("%s: must be a mapping with %s; got %s"
                          % (path_text(prefix), ", ".join(allowed), type_name(case)))
            continue
        errors.extend("%s: is not a known key (expected one of: %s)" % (path_text(prefix + [key]), ", ".join(allowed))
                      for key in case if key not in allowed)
        item = {}
        try:
            item["name"] = non_empty_string(case.get("name"))
        except Invalid as exc:
            errors.append("%s: %s" % (path_text(prefix + ["name"]), exc.msg))
        item["login"], login_errors = parse_login(case.get("login"), prefix + ["login"])
        errors.extend(login_errors)
        for key in ("session_created_at", "login_at"):
            if case.get(key) is not None:
                try:
                    item[key] = instant(case[key])
                except Invalid as exc:
                    errors.append("%s: %s" % (path_text(prefix + [key]), exc.msg))
        if with_expect:
            if "expect" not in case:
                errors.append("%s: is required" % path_text(prefix + ["expect"]))
            else:
                item["expect"], expect_errors = _expect(case["expect"], prefix + ["expect"])
                errors.extend(expect_errors)
        parsed.append(item)
    return parsed, one_line(errors)


def _condition_line(item):
    field = _LOGIN_FIELD[item["condition"]]
    has = "the login has no %s" % field if item["has"] is None else "the login's %s is %s" % (field, shown(item["has"]))
    return "%s %s: %s (%s)" % (item["condition"], shown(item["wanted"]), "holds" if item["holds"] else "does not hold",
                               has)


# What Auth0 leaves undocumented about each unconfirmed cap (its post-login api object reference,
# https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object).
_UNDOCUMENTED_CAP = {
    "idle_session_lifetime": "the idle lifetime of a persistent session (only the maximum absolute lifetime is "
                             "documented)",
    "ephemeral_session_lifetime": "a non-persistent session",
    "idle_ephemeral_session_lifetime": "a non-persistent session",
}


def lifetime_text(entry):
    """``1d, session_policy_default's 7d clipped by session_policy_tenant.ephemeral_session_lifetime``."""
    if entry["minutes"] is None:
        return "not set by the Action; %s.%s applies, which the policy does not set" % (TENANT_PATH, entry["cap_field"])
    value = format_minutes(entry["minutes"])
    if entry["source"] == FROM_TENANT:
        return "%s, %s.%s (the Action does not set it)" % (value, TENANT_PATH, entry["cap_field"])
    source = "the rule" if entry["source"] == FROM_RULE else DEFAULT_PATH
    if entry["clipped_by"]:
        return "%s, %s's %s clipped by %s.%s" % (
            value, source, format_minutes(entry["requested"]), TENANT_PATH, entry["clipped_by"])
    cap = format_minutes(entry["cap"]) if entry["cap"] is not None else "not set"
    if not entry["cap_confirmed"] and (entry["cap"] is None or entry["requested"] > entry["cap"]):
        # Validation accepts it (see _policy_effects.CAP_CONFIRMED): the reader is told what may happen.
        return "%s from %s; %s.%s (%s) may cap it: Auth0 does not document which setting caps %s (unconfirmed)" % (
            value, source, TENANT_PATH, entry["cap_field"], cap, _UNDOCUMENTED_CAP[entry["cap_field"]])
    return "%s from %s, within %s.%s (%s)" % (value, source, TENANT_PATH, entry["cap_field"], cap)


def _mode_text(mode):
    source = {FROM_RULE: "the rule", FROM_DEFAULT: DEFAULT_PATH, FROM_TENANT: "%s.cookie_mode" % TENANT_PATH,
              FROM_AUTH0: "nothing sets it; Auth0's default"}[mode["source"]]
    return "%s (%s)" % (mode["value"], source)


def explain_case(normalized, case):
    """One case explained: a dict with the outcome and ``lines``, readable one under the other."""
    decision = evaluate(normalized, case["login"])
    effects = decision["effects"]
    created, now = case.get("session_created_at"), case.get("login_at")
    expires, idle = expiry_instants(decision, created, now)
    where = DEFAULT_PATH if decision["index"] is None else "%s[%s]" % (RULES_PATH, decision["index"])
    lines = ["%s: rule %s (%s)" % (case["name"], shown(decision["rule"]), where)]
    for rule in decision["trace"]:
        verdict = "matches" if rule["matched"] else "does not match"
        lines.append("  %s[%d] %s %s" % (RULES_PATH, rule["index"], shown(rule["name"]), verdict))
        lines.extend("    " + _condition_line(item) for item in rule["conditions"])
    lines.append("  cookie_mode: %s" % _mode_text(effects["cookie_mode"]))
    start, why = session_start(created, now)
    since = ("from this login %s: %s" % (format_instant(start), why) if why
             else "session created %s" % format_instant(start) if start is not None else "")
    for field, at, what in (("session_lifetime", expires, since),
                            ("idle_session_lifetime", idle, "login %s" % format_instant(now if now is not None else created)
                             if idle is not None else "")):
        text = "  %s: %s" % (field, lifetime_text(effects[field]))
        if at is not None:
            text += "; expires at %s (%s)" % (format_instant(at), what)
        lines.append(text)
    if normalized.get("plan") == SELF_SERVICE:
        lines.append("  " + SELF_SERVICE_NOTE)
    return dict(name=case["name"], rule=decision["rule"], cookie_mode=effects["cookie_mode"]["value"],
                session_lifetime=format_minutes(effects["session_lifetime"]["minutes"]),
                idle_session_lifetime=format_minutes(effects["idle_session_lifetime"]["minutes"]),
                clipped_by=dict((field, "%s.%s" % (TENANT_PATH, effects[field]["clipped_by"]))
                                for field in EFFECT_LIFETIMES if effects[field]["clipped_by"]),
                expires_at=format_instant(expires) if expires is not None else None,
                idle_expires_at=format_instant(idle) if idle is not None else None,
                lines=lines)


def explain(normalized, cases):
    return [explain_case(normalized, case) for case in cases]


def as_enforced(normalized):
    """The policy as logins get it: on self_service only the tenant block, since the Action never runs."""
    if normalized.get("plan") == SELF_SERVICE:
        return dict(normalized, rules=[], default={})
    return normalized


def _mismatches(normalized, case):
    decision = evaluate(as_enforced(normalized), case["login"])
    effects = decision["effects"]
    found = []
    expect = case["expect"]
    if "rule" in expect and expect["rule"] != decision["rule"]:
        found.append("rule: expected %s, got %s" % (shown(expect["rule"]), shown(decision["rule"])))
    for field in EFFECT_LIFETIMES:
        if field in expect and expect[field] != effects[field]["minutes"]:
            found.append("%s: expected %s, got %s" % (field, format_minutes(expect[field]), lifetime_text(effects[field])))
    if "cookie_mode" in expect and expect["cookie_mode"] != effects["cookie_mode"]["value"]:
        found.append("cookie_mode: expected %s, got %s" % (expect["cookie_mode"], _mode_text(effects["cookie_mode"])))
    if found and normalized.get("plan") == SELF_SERVICE:
        found.append(SELF_SERVICE_NOTE)
    return decision["rule"], found


def check_expectations(normalized, cases, tenant):
    """``(passed, failures)``: each failure one line naming the tenant, the case, expected and actual."""
    passed, failures = [], []
    for index, case in enumerate(cases):
        rule, found = _mismatches(normalized, case)
        if found:
            failures.append("%s: %s[%d] %s: %s"
                            % (tenant, EXPECTATIONS_PATH, index, shown(case["name"]), "; ".join(found)))
        else:
            passed.append(dict(name=case["name"], rule=rule))
    return passed, one_line(failures)
