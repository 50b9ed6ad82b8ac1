# -*- coding: utf-8 -*-
"""The policy read back from rendered Action code and compared field by field."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

import yaml

from ansible_collections.sessionguard.auth0.plugins.module_utils import _action_policy_diff as D
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import code_diff
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy

TENANT = {"session_lifetime": "30d", "idle_session_lifetime": "3d", "ephemeral_session_lifetime": "1d",
          "idle_ephemeral_session_lifetime": "8h", "cookie_mode": "persistent"}
RULES = [
    {"name": "high-risk logins", "match": {"risk_confidence": ["low"]}, "session_lifetime": "40h",
     "idle_session_lifetime": "30m"},
    {"name": "trusted organizations", "match": {"organizations": ["org_abc123"]}, "session_lifetime": "30d"},
    {"name": "flagged", "match": {"app_metadata": {"tier": "gold"}}, "session_lifetime": "1d"},
]
DEFAULT = {"session_lifetime": "7d", "idle_session_lifetime": "1d"}
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..")
MAJOR_MINOR = ".".join(D.COLLECTION_VERSION.split(".")[:2])


def code(rules=None, default=None):
    normalized, errors = validate_policy(TENANT, RULES if rules is None else rules, DEFAULT if default is None else default)
    assert errors == []
    return render_action(normalized)


def test_same_code_has_no_changes():
    current, desired = D.policies_in_code_diff(code_diff("a", code(), code()))
    assert current is None and desired is None  # no diff at all


def test_one_lifetime_changes():
    rules = copy.deepcopy(RULES)
    rules[0]["session_lifetime"] = "4h"
    diff = code_diff("a", code(), code(rules))
    assert D.code_differences(diff) == [
        {"part": "action", "field": 'rules["high-risk logins"].session_lifetime', "current": "1d16h", "desired": "4h"}]
    assert D.readable_code_diff(diff) == 'rules["high-risk logins"].session_lifetime: 1d16h -> 4h\n'


def test_rules_added_removed_reordered_and_matches():
    rules = copy.deepcopy(RULES)
    rules[1]["match"] = {"organizations": ["org_abc123", "acme-partners"]}
    rules = [rules[1], rules[0], {"name": "kiosks", "match": {"clients": ["kiosk"]}, "cookie_mode": "non-persistent",
                                  "session_lifetime": "1d", "idle_session_lifetime": "8h"}]
    changes = D.policy_changes(*D.policies_in_code_diff(code_diff("a", code(), code(rules))))
    assert changes == [
        ('rules["trusted organizations"].match.organizations', ["org_abc123"], ["acme-partners", "org_abc123"]),
        ('rules["kiosks"]', None, 'when clients ["kiosk"]: cookie_mode non-persistent, idle_session_lifetime 8h, '
                                  'session_lifetime 1d'),
        ('rules["flagged"]', 'when app_metadata {"tier": "gold"}: idle_session_lifetime 1d, session_lifetime 1d', None),
        ("rules order", ["high-risk logins", "trusted organizations"], ["trusted organizations", "high-risk logins"]),
    ]


def test_default_change_shows_in_the_default_and_every_rule_that_inherits_it():
    changes = D.policy_changes(*D.policies_in_code_diff(
        code_diff("a", code(), code(default=dict(DEFAULT, idle_session_lifetime="12h")))))
    assert ("default.idle_session_lifetime", "1d", "12h") in changes
    assert ('rules["trusted organizations"].idle_session_lifetime', "1d", "12h") in changes
    assert not [c for c in changes if c[0].startswith('rules["high-risk logins"]')]  # sets its own


def test_new_action_shows_the_policy_not_the_code():
    text = D.readable_code_diff(code_diff("a", None, code()))
    assert text.splitlines() == [
        "new Action with this policy:",
        "  default: idle_session_lifetime 1d, session_lifetime 7d",
        '  rules["high-risk logins"]: when risk_confidence ["low"]: idle_session_lifetime 30m, session_lifetime 1d16h',
        '  rules["trusted organizations"]: when organizations ["org_abc123"]: idle_session_lifetime 1d, '
        'session_lifetime 30d',
        '  rules["flagged"]: when app_metadata {"tier": "gold"}: idle_session_lifetime 1d, session_lifetime 1d',
    ]
    assert "onExecutePostLogin" not in text


def test_code_that_is_not_ours_falls_back():
    handwritten = "exports.onExecutePostLogin = async () => {};\n"
    diff = code_diff("a", handwritten, code())
    assert D.readable_code_diff(diff).startswith("the current code carries no session policy; it becomes this policy:\n")
    assert D.code_differences(diff)[0]["current"].startswith("differs from the policy (")
    assert D.readable_code_diff(code_diff("a", code(), handwritten)) == code_diff("a", code(), handwritten)


def test_same_policy_new_logic():
    old = code().replace("const MINUTE_MS = 60 * 1000;", "const MINUTE_MS = 60000;")
    diff = code_diff("a", old, code())
    assert D.code_differences(diff) == [{"part": "action", "field": "logic", "current": "Action logic of another collection version",
                                         "desired": "Action logic of collection %s; policy unchanged" % MAJOR_MINOR}]
    assert D.readable_code_diff(diff) == "Action logic of collection %s; policy unchanged\n" % MAJOR_MINOR
    assert D.only_logic(D.code_differences(diff))


def test_a_logic_change_beside_a_policy_change_is_the_policy_change():
    old = code().replace("const MINUTE_MS = 60 * 1000;", "const MINUTE_MS = 60000;")
    old = old.replace('"session_lifetime_minutes":2400', '"session_lifetime_minutes":2000')
    differences = D.code_differences(code_diff("a", old, code()))
    assert [d["field"] for d in differences] == ['rules["high-risk logins"].session_lifetime']
    assert not D.only_logic(differences) and not D.only_logic([])


def test_the_collection_version_named_is_galaxy_yml_s():
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        assert yaml.safe_load(handle)["version"] == D.COLLECTION_VERSION
