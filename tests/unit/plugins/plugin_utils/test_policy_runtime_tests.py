# -*- coding: utf-8 -*-
"""The events sent to Auth0's runtime before a deploy: one per expectation (or per rule and the default),
each expecting what explain says, checked by running the rendered Action in Node on each event."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import time

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_runtime_test import compare, session_calls
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_prepare import prepare_policy

RUNTIME = os.path.join(os.path.dirname(__file__), "..", "..", "..", "emulator", "auth0_emulator", "runtime.js")
NOW = 1700000000000
TENANT = {"session_lifetime": "30d", "idle_session_lifetime": "3d", "ephemeral_session_lifetime": "1d",
          "idle_ephemeral_session_lifetime": "8h"}
RULES = [
    {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent"},
    {"name": "admins abroad", "match": {"roles": ["admin"], "not_countries": ["US", "DE"], "mfa": True},
     "session_lifetime": "8h", "idle_session_lifetime": "30m"},
    {"name": "partners", "match": {"organizations": ["org_partner"], "app_metadata": {"tier": "gold"},
                                   "connections": ["partner-sso"]}, "session_lifetime": "2d"},
    {"name": "risky", "match": {"risk_confidence": ["low"], "countries": ["BR"], "client_names": ["Mobile"]},
     "idle_session_lifetime": "15m"},
]
DEFAULT = {"session_lifetime": "7d", "idle_session_lifetime": "1d"}
KIOSK = {"name": "kiosk", "login": {"client": "kiosk-client-id"}, "session_created_at": "2024-03-01T10:00:00Z",
         "expect": {"rule": "shared kiosks", "cookie_mode": "non-persistent"}}
PLAIN = {"name": "plain", "login": {"country": "US"}, "expect": {"rule": "default"}}


def test_one_test_per_expectation_in_order_expecting_what_explain_says():
    tests = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", [KIOSK, PLAIN], "t")["runtime_tests"]
    assert [t["name"] for t in tests] == ["kiosk", "plain"]
    kiosk = tests[0]
    assert kiosk["event"]["client"]["client_id"] == "kiosk-client-id"
    assert kiosk["event"]["session"]["created_at"] == "2024-03-01T10:00:00.000Z"
    # The kiosk rule inherits the default's 7d, clipped to the non-persistent cap (1d), counted from creation.
    assert kiosk["expect"] == {"rule": "shared kiosks", "setExpiresAt": 1709287200000 + 24 * 3600 * 1000,
                               "idle_minutes": 8 * 60, "setCookieMode": "non-persistent"}


def test_without_expectations_one_login_per_rule_and_the_default():
    tests = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", [], "t")["runtime_tests"]
    assert [t["name"] for t in tests] == ["a login for rule shared kiosks", "a login for rule admins abroad",
                                          "a login for rule partners", "a login for rule risky", "a login for the default"]
    # Each made-up login meets its own rule's conditions.
    assert [t["expect"]["rule"] for t in tests] == ["shared kiosks", "admins abroad", "partners", "risky", "default"]
    assert prepare_policy(TENANT, RULES, DEFAULT, "enterprise", [{"name": "x"}], "t")["runtime_tests"] == []


@pytest.mark.skipif(not shutil.which("node"), reason="runs the rendered Action in Node")
@pytest.mark.parametrize("expectations", [[], [KIOSK, PLAIN]])
def test_the_rendered_action_makes_the_expected_calls_on_every_event(expectations):
    prepared = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", expectations, "t")
    # Auth0's runtime runs the tests after the render step made them, never before: a session created later than
    # the runtime's clock is counted from that clock by the Action (it would otherwise lengthen the session).
    now = int(time.time() * 1000) + 60 * 1000
    for test in prepared["runtime_tests"]:
        request = {"code": prepared["code"], "event": test["event"], "now": now, "preflight": True}
        proc = subprocess.run(["node", RUNTIME], input=json.dumps(request), capture_output=True, text=True, check=True)
        answer = json.loads(proc.stdout)
        assert answer["error"] is None, answer
        calls = session_calls({"api_calls": answer["calls"]})
        assert compare(test["expect"], calls, now, now) == [], test["name"]
