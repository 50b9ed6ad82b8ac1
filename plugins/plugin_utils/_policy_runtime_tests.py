# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The events the session_policy task sends to Auth0's runtime before a deploy, built on the controller.

One test per expectation of the tenant, in the order written; with no expectations, one login per rule
(made to meet the rule's conditions) plus one for the default. Each login is completed with the event
fields a real login always has (``_login_event.complete_login``) and THEN evaluated, so the rule and the
session calls each test expects are explain's answer for exactly the event sent.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._login_event import complete_login, login_event
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_runtime_test import MINUTE_MS
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_evaluate import evaluate
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import DEFAULT_RULE_NAME

# Countries to pick one outside a rule's not_countries from.
_COUNTRIES = ("US", "DE", "JP", "BR", "FR", "GB", "IN", "AU")


def rule_login(match):
    """A login that meets every condition of a rule's ``match``."""
    login = {}
    for name, wanted in match.items():
        if name == "organizations":
            login["organization"] = {"id": wanted[0], "name": wanted[0]}
        elif name in ("clients", "client_names", "connections", "countries", "risk_confidence"):
            key = {"clients": "client", "client_names": "client_name", "connections": "connection",
                   "countries": "country", "risk_confidence": "risk_confidence"}[name]
            login[key] = wanted[0]
        elif name == "not_countries":
            login["country"] = next((code for code in _COUNTRIES if code not in wanted), "ZZ")
        elif name == "roles":
            login["roles"] = [wanted[0]]
        elif name == "mfa":
            login["mfa"] = wanted
        elif name == "app_metadata":
            login["app_metadata"] = dict(wanted)
    return login


def policy_cases(normalized):
    """``[{name, login}]``: one per rule, then the default."""
    cases = [dict(name="a login for rule %s" % rule["name"], login=rule_login(rule["match"]))
             for rule in normalized.get("rules") or []]
    cases.append(dict(name="a login for the %s" % DEFAULT_RULE_NAME, login={}))
    return cases


def runtime_tests(normalized, cases, now_ms=None):
    """``[{name, event, expect}]`` for the ``session_policy`` task's ``runtime_tests`` option.

    ``cases`` are parsed expectations (``{name, login, session_created_at, login_at}``); empty: the policy's
    own. ``expect`` holds the rule, ``setExpiresAt`` (epoch ms, from the session's creation), ``idle_minutes``
    (the runtime counts it from its own clock) and ``setCookieMode``; None where the Action makes no call.
    """
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    tests = []
    for case in cases or policy_cases(normalized):
        login = complete_login(case["login"])
        decision = evaluate(normalized, login)
        action = decision["action"]
        created = case.get("session_created_at") if case.get("session_created_at") is not None else now_ms
        login_at = case.get("login_at") if case.get("login_at") is not None else created
        expires = created + action["session_lifetime"] * MINUTE_MS if action.get("session_lifetime") else None
        tests.append(dict(name=case["name"], event=login_event(login, created, login_at),
                          expect=dict(rule=decision["rule"], setExpiresAt=expires,
                                      idle_minutes=action.get("idle_session_lifetime") or None,
                                      setCookieMode=action.get("cookie_mode"))))
    return tests
