# -*- coding: utf-8 -*-
"""The role's validate step in one call: the same answers the filters give one value at a time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.sessionguard.auth0.plugins.filter.session_policy import (
    check_session_policy_expectations, render_session_action, validate_session_policy)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_prepare import prepare_policy

TENANT = {"session_lifetime": "30d", "idle_session_lifetime": "3d", "ephemeral_session_lifetime": "1d",
          "idle_ephemeral_session_lifetime": "8h"}
RULES = [{"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent"}]
DEFAULT = {"session_lifetime": "7d", "idle_session_lifetime": "1d"}
KIOSK = {"name": "kiosk", "login": {"client": "kiosk-client-id"},
         "expect": {"rule": "shared kiosks", "session_lifetime": "1d", "cookie_mode": "non-persistent"}}


def test_a_valid_policy_gives_the_filters_code_and_its_passed_expectations():
    prepared = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", [KIOSK], "acme-prod")
    normalized = validate_session_policy({"tenant": TENANT, "rules": RULES, "default": DEFAULT, "plan": "enterprise"})
    assert prepared["errors"] == []
    assert prepared["code"] == render_session_action(normalized)
    assert prepared["settings"] == TENANT
    assert prepared["expectations"] == check_session_policy_expectations(normalized, [KIOSK]) == [
        {"name": "kiosk", "rule": "shared kiosks"}]


def test_the_hash_names_settings_and_code_together():
    prepared = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", [], "t")
    text = json.dumps(TENANT, sort_keys=True) + prepared["code"]
    assert prepared["policy_hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    other = prepare_policy(dict(TENANT, session_lifetime="31d"), RULES, DEFAULT, "enterprise", [], "t")
    assert other["policy_hash"] != prepared["policy_hash"]


def test_every_error_at_once_and_no_code():
    bad_default = {"session_lifetime": "7x", "idle_session_lifetime": "1d"}
    prepared = prepare_policy(TENANT, [{"name": "r", "match": {"clients": []}}], bad_default, "enterprise", [KIOSK], "t")
    assert prepared["code"] == ""
    assert prepared["errors"] == [
        "session_policy_default.session_lifetime: has unknown unit 'x' (use m, h, d or w); got '7x'",
        "session_policy_rules[0].match.clients: must not be empty (an empty list would never match)"]
    # Expectations are not checked against a policy that is already invalid.
    assert not any("session_policy_expectations" in e for e in prepared["errors"])


def test_an_empty_policy_says_which_variables_are_missing():
    assert prepare_policy({}, [], {}, "enterprise", [], "t")["errors"] == [
        "The session policy is empty: session_policy_rules and session_policy_default are not set, nor is "
        "session_policy_tenant, so its Action would change no login. Set them (see docs/policy.md); for tenant "
        "settings alone, use the sessionguard.auth0.tenant_session module."]
    assert "nor is" not in prepare_policy(TENANT, None, None, "enterprise", [], "t")["errors"][0]


def test_an_unmet_or_malformed_expectation_is_an_error_naming_the_tenant():
    wrong = dict(KIOSK, expect={"cookie_mode": "persistent"})
    prepared = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", [wrong], "acme-prod")
    assert prepared["code"] == ""
    assert prepared["errors"] == ['acme-prod: session_policy_expectations[0] "kiosk": cookie_mode: expected persistent, '
                                  'got non-persistent (the rule)']
    malformed = prepare_policy(TENANT, RULES, DEFAULT, "enterprise", "kiosk", "acme-prod")
    assert malformed["errors"] == ["session_policy_expectations: must be a list of {name, login, expect}; got a string"]


def test_the_verdict_alone_has_the_same_errors_and_renders_nothing():
    from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _policy_prepare as P
    bad = [{"name": "x", "match": {"clients": ["a"]}, "session_lifetime": "30x"}]
    full = P.prepare_policy({}, bad, {}, "enterprise", [], "t")
    verdict = P.prepare_policy({}, bad, {}, "enterprise", [], "t", render=False)
    assert verdict["errors"] == full["errors"] and verdict["errors"]
    assert "code" not in verdict and "runtime_tests" not in verdict
