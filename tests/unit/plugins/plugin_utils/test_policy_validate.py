# -*- coding: utf-8 -*-
"""Session policy validation, normalization and Action rendering (the Action's behaviour is tested with node)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

import pytest

from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _policy_render as render
from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _policy_validate as sp
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import parse_desired

TENANT = {
    "session_lifetime": "30d",
    "idle_session_lifetime": "3d",
    "ephemeral_session_lifetime": "1d",
    "idle_ephemeral_session_lifetime": "8h",
    "cookie_mode": "persistent",
}
RULES = [
    {"name": "high-risk logins", "match": {"risk_confidence": ["low"]},
     "session_lifetime": "8h", "idle_session_lifetime": "30m"},
    {"name": "trusted organizations", "match": {"organizations": ["org_abc123", "acme-partners"]},
     "session_lifetime": "30d"},
    {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]},
     "cookie_mode": "non-persistent", "session_lifetime": "1d", "idle_session_lifetime": "8h"},
]
DEFAULT = {"session_lifetime": "7d", "idle_session_lifetime": "1d"}


def policy(tenant=None, rules=None, default=None, plan="enterprise"):
    return sp.validate_policy(copy.deepcopy(TENANT if tenant is None else tenant),
                              copy.deepcopy(RULES if rules is None else rules),
                              copy.deepcopy(DEFAULT if default is None else default), plan)


def errors_of(**kwargs):
    normalized, errors = policy(**kwargs)
    assert normalized is None
    assert errors
    return errors


def one_error(**kwargs):
    errors = errors_of(**kwargs)
    assert len(errors) == 1, errors
    return errors[0]


def rule(**fields):
    base = {"name": "r", "match": {"connections": ["db"]}}
    base.update(fields)
    return base


# --- the happy path ------------------------------------------------------------------------------

def test_valid_policy_is_normalized_to_minutes():
    normalized, errors = policy()
    assert errors == []
    assert normalized == {
        "plan": "enterprise",
        "tenant": {"session_lifetime": 43200, "idle_session_lifetime": 4320, "ephemeral_session_lifetime": 1440,
                   "idle_ephemeral_session_lifetime": 480, "cookie_mode": "persistent"},
        "default": {"session_lifetime": 10080, "idle_session_lifetime": 1440},
        "rules": [
            {"name": "high-risk logins", "match": {"risk_confidence": ["low"]},
             "session_lifetime": 480, "idle_session_lifetime": 30},
            {"name": "trusted organizations", "match": {"organizations": ["acme-partners", "org_abc123"]},
             "session_lifetime": 43200},
            {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent",
             "session_lifetime": 1440, "idle_session_lifetime": 480},
        ],
    }


def test_every_condition_is_accepted_and_normalized():
    match = {"organizations": "org_1", "clients": ["b", "a", "b"], "connections": ["db"], "countries": ["de", "US"],
             "not_countries": "fr", "roles": ["admin"], "risk_confidence": ["high", "low"], "mfa": True,
             "app_metadata": {"tier": "gold", "level": 3, "beta": False}}
    normalized, errors = policy(rules=[rule(match=match)])
    assert errors == []
    assert normalized["rules"][0]["match"] == {
        "organizations": ["org_1"], "clients": ["a", "b"], "connections": ["db"], "countries": ["DE", "US"],
        "not_countries": ["FR"], "roles": ["admin"], "risk_confidence": ["high", "low"], "mfa": True,
        "app_metadata": {"tier": "gold", "level": 3, "beta": False}}


def test_empty_parts_are_allowed():
    normalized, errors = sp.validate_policy(None, None, None)
    assert errors == []
    assert normalized == {"plan": "enterprise", "tenant": {}, "default": {}, "rules": []}


def test_rule_without_effects_is_an_exception_to_later_rules():
    normalized, errors = policy(rules=[rule(name="keep default")] + RULES)
    assert errors == []
    assert normalized["rules"][0] == {"name": "keep default", "match": {"connections": ["db"]}}


def test_bare_numbers_are_hours():
    normalized, errors = policy(default={"session_lifetime": 168, "idle_session_lifetime": "0.5"})
    assert errors == []
    assert normalized["default"] == {"session_lifetime": 10080, "idle_session_lifetime": 30}


# --- validation rules, each with its path ----------------------------------------------------------

@pytest.mark.parametrize("where, kwargs, expected", [
    ("tenant", dict(tenant=dict(TENANT, cookie_lifetime="1d")),
     "session_policy_tenant.cookie_lifetime: is not a known key (expected one of: session_lifetime, "),
    ("default", dict(default=dict(DEFAULT, ephemeral_session_lifetime="1d")),
     "session_policy_default.ephemeral_session_lifetime: is not a known key (expected one of: session_lifetime, "
     "idle_session_lifetime, cookie_mode)"),
    ("rule", dict(rules=[rule(priority=1)]),
     "session_policy_rules[0].priority: is not a known key (expected one of: name, match, "),
    ("condition", dict(rules=[rule(match={"country": ["DE"]})]),
     "session_policy_rules[0].match.country: is not a known key (expected one of: organizations, clients, "),
    ("plural condition", dict(rules=[rule(match={"countrys": ["DE"]})]),
     "session_policy_rules[0].match.countrys: is not a known key (did you mean countries?) "),
    ("misspelled condition", dict(rules=[rule(match={"risk_confidense": ["low"]})]),
     "session_policy_rules[0].match.risk_confidense: is not a known key (did you mean risk_confidence?) "),
    ("misspelled effect", dict(rules=[rule(idle_sesion_lifetime="1h")]),
     "session_policy_rules[0].idle_sesion_lifetime: is not a known key (did you mean idle_session_lifetime?) "),
])
def test_unknown_keys(where, kwargs, expected):
    assert one_error(**kwargs).startswith(expected)


@pytest.mark.parametrize("kwargs, expected", [
    (dict(tenant=dict(TENANT, session_lifetime="30 days")),
     "session_policy_tenant.session_lifetime: has unknown unit 'days' (use m, h, d or w); got '30 days'"),
    (dict(default=dict(DEFAULT, idle_session_lifetime="90s")),
     "session_policy_default.idle_session_lifetime: uses seconds, but Auth0 counts whole minutes"),
    (dict(rules=[rule(session_lifetime="-1h")]),
     "session_policy_rules[0].session_lifetime: must be greater than zero; got '-1h'"),
    (dict(rules=[rule(idle_session_lifetime=True)]),
     "session_policy_rules[0].idle_session_lifetime: must be a duration such as 90m"),
])
def test_bad_durations(kwargs, expected):
    assert one_error(**kwargs).startswith(expected)


def test_tenant_idle_over_absolute_is_the_modules_check():
    # The same function and message as the tenant_session module, only prefixed with the block's path.
    assert one_error(tenant=dict(TENANT, idle_ephemeral_session_lifetime="2d")) == (
        "session_policy_tenant.idle_ephemeral_session_lifetime: 2d must not exceed ephemeral_session_lifetime, "
        "which is 1d")


def test_default_idle_over_absolute():
    assert one_error(default={"session_lifetime": "1d", "idle_session_lifetime": "2d"}).startswith(
        "session_policy_default.idle_session_lifetime: must be at most the session_lifetime, 1d; got 2d")


def test_rule_idle_over_its_own_absolute():
    assert one_error(rules=[rule(session_lifetime="1h", idle_session_lifetime="2h")]).startswith(
        "session_policy_rules[0].idle_session_lifetime: must be at most the session_lifetime, 1h; got 2h")


def test_rule_idle_over_absolute_inherited_from_default():
    assert one_error(rules=[rule(idle_session_lifetime="8d")], tenant=dict(TENANT, idle_session_lifetime="10d")) == (
        "session_policy_rules[0].idle_session_lifetime: must be at most the session_lifetime, 7d from "
        "session_policy_default; got 8d (an idle lifetime over the absolute one never applies)")


def test_rule_absolute_under_idle_inherited_from_default():
    assert one_error(rules=[rule(session_lifetime="8h")]) == (
        "session_policy_rules[0].session_lifetime: must be at least the idle_session_lifetime, 1d from "
        "session_policy_default; got 8h (an idle lifetime over the absolute one never applies)")


def test_idle_over_absolute_from_the_default_alone_is_reported_once():
    errors = errors_of(default={"session_lifetime": "1d", "idle_session_lifetime": "2d"}, rules=[rule()])
    assert errors == ["session_policy_default.idle_session_lifetime: must be at most the session_lifetime, 1d; "
                      "got 2d (an idle lifetime over the absolute one never applies)"]


def test_rule_over_tenant_lifetime():
    assert one_error(rules=[rule(session_lifetime="60d")]) == (
        "session_policy_rules[0].session_lifetime: must be at most 30d, the session_policy_tenant.session_lifetime "
        "that caps it; got 60d. Auth0 silently caps a session at the tenant lifetime, so the tenant maximum must be "
        "the largest lifetime any rule grants")


def test_rule_idle_over_tenant_idle_is_accepted_as_written():
    # Auth0 documents setIdleExpiresAt capped by the maximum absolute lifetime (30d here), not by
    # idle_session_lifetime: refusing 5d over the 3d idle setting would be a guess.
    normalized, errors = policy(rules=[rule(idle_session_lifetime="5d", session_lifetime="7d")])
    assert errors == []
    assert normalized["rules"][0]["idle_session_lifetime"] == 5 * 24 * 60
    data = json.loads(policy_line(render.render_action(normalized)))
    assert data["rules"][0]["set"]["idle_session_lifetime_minutes"] == 5 * 24 * 60


def test_idle_over_the_tenant_absolute_is_an_error_when_nothing_sets_the_absolute():
    # setIdleExpiresAt "cannot be set higher than the maximum absolute session lifetime" (documented).
    assert one_error(rules=[rule(idle_session_lifetime="40d")], default={}) == (
        "session_policy_rules[0].idle_session_lifetime: must be at most the session_lifetime, 30d from "
        "session_policy_tenant.session_lifetime; got 40d (an idle lifetime over the absolute one never applies)")
    assert one_error(rules=[], default={"idle_session_lifetime": "40d"}) == (
        "session_policy_default.idle_session_lifetime: must be at most the session_lifetime, 30d from "
        "session_policy_tenant.session_lifetime; got 40d (an idle lifetime over the absolute one never applies)")
    # A non-persistent session's maximum absolute lifetime is not documented: accepted.
    assert policy(rules=[rule(idle_session_lifetime="40d", cookie_mode="non-persistent")], default={})[1] == []


def test_explicit_persistent_over_the_documented_cap_is_still_an_error():
    assert one_error(rules=[rule(session_lifetime="40d")]) == (
        "session_policy_rules[0].session_lifetime: must be at most 30d, the session_policy_tenant.session_lifetime "
        "that caps it; got 40d. Auth0 silently caps a session at the tenant lifetime, so the tenant maximum must be "
        "the largest lifetime any rule grants")


def test_default_over_tenant_lifetime():
    assert one_error(default={"session_lifetime": "31d"}).startswith(
        "session_policy_default.session_lifetime: must be at most 30d, the session_policy_tenant.session_lifetime "
        "that caps it; got 31d.")


def test_non_persistent_rule_over_the_ephemeral_twins_is_accepted_as_written():
    # Which tenant fields cap a non-persistent session is not documented: not a reason to refuse.
    normalized, errors = policy(rules=[rule(cookie_mode="non-persistent", session_lifetime="2d",
                                            idle_session_lifetime="9h")])
    assert errors == []
    data = json.loads(policy_line(render.render_action(normalized)))
    assert data["rules"][0]["set"] == {"cookie_mode": "non-persistent", "session_lifetime_minutes": 2880,
                                       "idle_session_lifetime_minutes": 540}


KIOSK = {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent"}


def test_issue_4_kiosk_rule_inherits_lifetimes_clipped_to_the_ephemeral_caps():
    # The issue's kiosk rule as written: it inherits 7d/1d from the default; a non-persistent
    # session is capped by the 1d/8h ephemeral tenant lifetimes, so it gets those.
    normalized, errors = policy(rules=[KIOSK])
    assert errors == []
    assert normalized["rules"] == [{"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]},
                                    "cookie_mode": "non-persistent"}]
    data = json.loads(policy_line(render.render_action(normalized)))
    assert data["rules"][0]["set"] == {"cookie_mode": "non-persistent", "session_lifetime_minutes": 1440,
                                       "idle_session_lifetime_minutes": 480}
    assert data["default"] == {"session_lifetime_minutes": 10080, "idle_session_lifetime_minutes": 1440}


def test_inherited_lifetime_under_the_cap_is_not_clipped():
    normalized, errors = policy(tenant=dict(TENANT, ephemeral_session_lifetime="10d", idle_ephemeral_session_lifetime="2d"),
                                rules=[KIOSK])
    assert errors == []
    data = json.loads(policy_line(render.render_action(normalized)))
    assert data["rules"][0]["set"] == {"cookie_mode": "non-persistent", "session_lifetime_minutes": 10080,
                                       "idle_session_lifetime_minutes": 1440}


def test_explicit_non_persistent_over_the_ephemeral_value_is_asked_for_and_the_inherited_one_clipped():
    normalized, errors = policy(rules=[dict(KIOSK, session_lifetime="2d")])
    assert errors == []
    data = json.loads(policy_line(render.render_action(normalized)))
    assert data["rules"][0]["set"] == {"cookie_mode": "non-persistent", "session_lifetime_minutes": 2880,
                                       "idle_session_lifetime_minutes": 480}


def test_explicit_absolute_is_compared_with_the_clipped_idle():
    # 8h explicit, idle 1d inherited but clipped to 8h: not an idle-over-absolute error.
    assert policy(rules=[dict(KIOSK, session_lifetime="8h")])[1] == []
    assert one_error(rules=[dict(KIOSK, session_lifetime="4h")]) == (
        "session_policy_rules[0].session_lifetime: must be at least the idle_session_lifetime, 8h from "
        "session_policy_default (clipped by session_policy_tenant.idle_ephemeral_session_lifetime); got 4h (an idle "
        "lifetime over the absolute one never applies)")


def test_inherited_into_a_mode_whose_caps_are_unconfirmed_needs_no_tenant_value():
    tenant = {"session_lifetime": "30d", "idle_session_lifetime": "3d"}
    normalized, errors = policy(tenant=tenant, rules=[KIOSK])
    assert errors == []
    data = json.loads(policy_line(render.render_action(normalized)))
    assert data["rules"][0]["set"] == {"cookie_mode": "non-persistent", "session_lifetime_minutes": 10080,
                                       "idle_session_lifetime_minutes": 1440}


def test_inherited_into_persistent_needs_the_documented_cap():
    tenant = {"idle_session_lifetime": "3d", "ephemeral_session_lifetime": "7d",
              "idle_ephemeral_session_lifetime": "1d", "cookie_mode": "non-persistent"}
    assert errors_of(tenant=tenant, rules=[rule(cookie_mode="persistent")]) == [
        "session_policy_tenant.session_lifetime: must be set (to at least 7d, the largest lifetime a rule or the "
        "default grants; first asked for by session_policy_rules[0].cookie_mode), because Auth0 silently caps the "
        "Action's lifetimes at it"]


def test_rule_named_default_is_reserved():
    assert one_error(rules=[rule(name="default")]) == (
        "session_policy_rules[0].name: \"default\" is reserved: explain and expectations call session_policy_default "
        "by it")


def test_tenant_cookie_mode_decides_which_twin_caps_the_default():
    # Non-persistent by the tenant: the default's 7d/1d are over the 1d/8h ephemeral values, an
    # unconfirmed cap, so accepted; persistent: 40d is over the documented session_lifetime cap.
    assert policy(tenant=dict(TENANT, cookie_mode="non-persistent"), rules=[])[1] == []
    assert one_error(default={"session_lifetime": "40d"}, rules=[]).startswith(
        "session_policy_default.session_lifetime: must be at most 30d, the session_policy_tenant.session_lifetime "
        "that caps it")


def test_missing_tenant_lifetime_is_required_only_for_a_documented_cap():
    assert policy(tenant={"session_lifetime": "30d", "idle_session_lifetime": "3d"})[1] == []
    assert errors_of(tenant={"idle_session_lifetime": "3d"}) == [
        "session_policy_tenant.session_lifetime: must be set (to at least 30d, the largest lifetime a rule or the "
        "default grants; first asked for by session_policy_default.session_lifetime), because Auth0 silently caps "
        "the Action's lifetimes at it"]


def test_no_tenant_block_with_rule_lifetimes():
    normalized, errors = sp.validate_policy(None, [], {"session_lifetime": "7d"})
    assert normalized is None
    assert errors == [
        "session_policy_tenant.session_lifetime: must be set (to at least 7d, the largest lifetime a rule or the "
        "default grants; first asked for by session_policy_default.session_lifetime), because Auth0 silently caps "
        "the Action's lifetimes at it"]


def test_invalid_tenant_lifetime_is_not_also_reported_missing():
    assert one_error(tenant=dict(TENANT, session_lifetime="soon")).startswith(
        "session_policy_tenant.session_lifetime: must be a duration")


def test_missing_tenant_lifetime_asks_for_the_largest():
    errors = errors_of(tenant={}, rules=[rule(session_lifetime="8h", idle_session_lifetime="1h")],
                       default={"session_lifetime": "7d"})
    assert len(errors) == 1, errors  # the idle cap is not documented: not asked for
    assert errors[0].startswith("session_policy_tenant.session_lifetime: must be set (to at least 7d, ")


@pytest.mark.parametrize("match", [{}, None])
def test_empty_match(match):
    assert one_error(rules=[rule(match=match)]).startswith(
        "session_policy_rules[0].match: must have at least one condition (organizations, clients, ")


def test_missing_match_and_name():
    assert sorted(errors_of(rules=[{"session_lifetime": "1d"}])) == [
        "session_policy_rules[0].match: is required", "session_policy_rules[0].name: is required"]


def test_empty_condition_list():
    assert one_error(rules=[rule(match={"roles": []})]) == (
        "session_policy_rules[0].match.roles: must not be empty (an empty list would never match)")


@pytest.mark.parametrize("codes, expected", [
    (["DE", "UK"], "session_policy_rules[0].match.countries[1]: must be an ISO 3166-1 alpha-2 country code such as "
                   "DE, US or GB; got \"UK\" (did you mean GB?)"),
    (["DEU"], "session_policy_rules[0].match.countries[0]: must be an ISO 3166-1 alpha-2 country code"),
    (["ZZ"], "session_policy_rules[0].match.countries[0]: must be an ISO 3166-1 alpha-2 country code"),
    ([49], "session_policy_rules[0].match.countries[0]: must be a non-empty string; got a number"),
])
def test_bad_country_codes(codes, expected):
    assert one_error(rules=[rule(match={"countries": codes})]).startswith(expected)


def test_bad_not_country_code_as_a_single_string():
    assert one_error(rules=[rule(match={"not_countries": "Germany"})]).startswith(
        "session_policy_rules[0].match.not_countries: must be an ISO 3166-1 alpha-2 country code")


def test_bad_risk_level():
    assert one_error(rules=[rule(match={"risk_confidence": ["low", "critical"]})]) == (
        "session_policy_rules[0].match.risk_confidence[1]: must be one of low, medium, high, neutral; got \"critical\"")


def test_bad_mfa():
    assert one_error(rules=[rule(match={"mfa": "yes"})]) == (
        "session_policy_rules[0].match.mfa: must be true or false; got a string")


def test_bad_app_metadata():
    errors = errors_of(rules=[rule(match={"app_metadata": {"tier": ["gold"], "ok": 1}}),
                              rule(name="s", match={"app_metadata": {}})])
    assert errors == [
        "session_policy_rules[0].match.app_metadata.tier: must be a string, number or boolean (compared with ===); "
        "got a list",
        "session_policy_rules[1].match.app_metadata: must be a non-empty mapping of app_metadata keys to the values "
        "they must equal; got an empty mapping",
    ]


def test_duplicate_rule_names():
    assert one_error(rules=[rule(name="a"), rule(name="b"), rule(name="a")]) == (
        "session_policy_rules[2].name: \"a\" is already the name of session_policy_rules[0]; rule names must be unique")


def test_bad_cookie_modes():
    errors = errors_of(tenant=dict(TENANT, cookie_mode="session"), default=dict(DEFAULT, cookie_mode=False))
    assert errors == [
        "session_policy_tenant.cookie_mode: must be one of persistent, non-persistent; got 'session'",
        "session_policy_default.cookie_mode: must be one of persistent, non-persistent; got 'False'",
    ]


def test_wrong_shapes():
    errors = errors_of(tenant=["30d"], rules={"name": "x"}, default="7d")
    assert errors == [
        "session_policy_tenant: must be a mapping; got a list",
        "session_policy_default: must be a mapping; got a string",
        "session_policy_rules: must be a list of rules; got a mapping",
    ]


def test_rule_that_is_not_a_mapping():
    assert one_error(rules=["high-risk"]) == "session_policy_rules[0]: must be a mapping; got a string"


def test_plan_limits():
    errors = errors_of(tenant=dict(TENANT, session_lifetime="400d", idle_session_lifetime="101d"))
    assert errors == [
        "session_policy_tenant.session_lifetime: is 400d, over the enterprise plan's absolute lifetime maximum of "
        "365d (8760 hours)",
        "session_policy_tenant.idle_session_lifetime: is 101d, over the enterprise plan's idle lifetime maximum of "
        "100d (2400 hours)",
    ]


def test_self_service_plan_limits_apply_to_rules_too():
    assert policy(plan="self_service")[1] == []  # 30d and 3d are exactly the self-service maximums
    tenant = dict(TENANT, session_lifetime="31d")
    errors = errors_of(plan="self_service", tenant=tenant, rules=[rule(session_lifetime="31d")])
    assert errors == [
        "session_policy_tenant.session_lifetime: is 31d, over the self-service plan's absolute lifetime maximum of "
        "30d (720 hours)",
        "session_policy_rules[0].session_lifetime: is 31d, over the self-service plan's absolute lifetime maximum of "
        "30d (720 hours)",
    ]


def test_unknown_plan():
    assert one_error(plan="free") == "plan: must be one of enterprise, self_service; got \"free\""


def test_all_errors_are_reported_at_once():
    rules = [
        {"name": "a", "match": {}, "session_lifetime": "40d", "foo": 1},
        {"name": "a", "match": {"countries": ["UK"], "risk_confidence": "huge"}, "idle_session_lifetime": "10x"},
        {"match": {"roles": ["admin"]}},
    ]
    errors = errors_of(tenant=dict(TENANT, cookie_mode="temp"), rules=rules, default=dict(DEFAULT, extra=1))
    paths = [error.split(": ", 1)[0] for error in errors]
    assert paths == [
        "session_policy_tenant.cookie_mode",
        "session_policy_default.extra",
        "session_policy_rules[0].foo",
        "session_policy_rules[0].match",
        "session_policy_rules[1].match.countries[0]",
        "session_policy_rules[1].match.risk_confidence",
        "session_policy_rules[1].idle_session_lifetime",
        "session_policy_rules[1].name",
        "session_policy_rules[2].name",
        "session_policy_rules[0].session_lifetime",
    ]


def test_every_error_is_one_line_starting_with_a_path():
    rules = [rule(match={"countries": ["x\ny"]}, session_lifetime="1d\nx", name=7)]
    errors = errors_of(rules=rules)
    assert len(errors) == 3
    for error in errors:
        assert "\n" not in error
        assert re.match(r"^session_policy_[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*: ", error), error


def test_odd_keys_are_quoted_in_paths():
    assert one_error(rules=[rule(match={"app_metadata": {"a.b": None}})]).startswith(
        "session_policy_rules[0].match.app_metadata[\"a.b\"]: must be a string, number or boolean")


def test_input_is_not_modified():
    rules = copy.deepcopy(RULES)
    sp.validate_policy(TENANT, rules, DEFAULT)
    assert rules == RULES


# --- tenant settings -----------------------------------------------------------------------------

def test_tenant_settings_values_round_trip_through_parse_desired():
    normalized, dummy = policy(tenant=dict(TENANT, session_lifetime="36h", idle_session_lifetime="90m"),
                               rules=[], default={"session_lifetime": "1d", "idle_session_lifetime": "1h"})
    values = sp.tenant_settings_values(normalized)
    assert values == {"session_lifetime": "1d12h", "idle_session_lifetime": "1h30m",
                      "ephemeral_session_lifetime": "1d", "idle_ephemeral_session_lifetime": "8h",
                      "cookie_mode": "persistent"}
    desired, errors = parse_desired(values, "enterprise")
    assert errors == []
    assert desired == normalized["tenant"]


def test_tenant_settings_values_leave_unset_fields_as_none():
    normalized, dummy = sp.validate_policy({"session_lifetime": "7d"}, [], {})
    assert sp.tenant_settings_values(normalized) == {
        "session_lifetime": "7d", "idle_session_lifetime": None, "ephemeral_session_lifetime": None,
        "idle_ephemeral_session_lifetime": None, "cookie_mode": None}


# --- rendering -----------------------------------------------------------------------------------

def policy_line(code):
    lines = [line for line in code.splitlines() if line.startswith("const POLICY = ")]
    assert len(lines) == 1
    assert lines[0].endswith(";")
    return lines[0][len("const POLICY = "):-1]


def test_render_is_deterministic():
    first = render.render_action(policy()[0])
    second = render.render_action(policy()[0])
    assert first == second
    reordered = copy.deepcopy(RULES)
    reordered[1]["match"]["organizations"].reverse()
    reordered[0] = dict(reversed(list(reordered[0].items())))
    assert render.render_action(policy(rules=reordered)[0]) == first


def test_render_header_and_entry_point():
    code = render.render_action(policy()[0])
    assert code.startswith("/**\n")
    assert "GENERATED by the sessionguard.auth0 Ansible collection. Do not edit it in the Auth0 Dashboard" in code
    assert "exports.onExecutePostLogin = async (event, api) => {" in code
    assert not re.search(r"\d{4}-\d\d-\d\dT", code)  # no timestamps


def test_policy_data_merges_rule_effects_over_the_default():
    data = json.loads(policy_line(render.render_action(policy()[0])))
    assert data == {
        "default": {"session_lifetime_minutes": 10080, "idle_session_lifetime_minutes": 1440},
        "rules": [
            {"name": "high-risk logins", "match": {"risk_confidence": ["low"]},
             "set": {"session_lifetime_minutes": 480, "idle_session_lifetime_minutes": 30}},
            {"name": "trusted organizations", "match": {"organizations": ["acme-partners", "org_abc123"]},
             "set": {"session_lifetime_minutes": 43200, "idle_session_lifetime_minutes": 1440}},
            {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]},
             "set": {"cookie_mode": "non-persistent", "session_lifetime_minutes": 1440,
                     "idle_session_lifetime_minutes": 480}},
        ],
    }


NASTY = [
    "x'); process.exit(1); ('",
    "</script><script>alert(1)</script>",
    u"line\u2028separator\u2029paragraph",
    "${process.exit(1)}",
    "`${globalThis.INJECTED = true}`",
    "back\\slash\\",
    "\"double\" 'single'",
    "*/ process.exit(1); /*",
    "<!-- -->&amp;",
    u"caf\u00e9 \U0001F600",
]


def test_injection_attempts_stay_data():
    rules = [rule(name=value, match={"organizations": [value], "app_metadata": {value: value, "__proto__": value}})
             for value in NASTY]
    for index, item in enumerate(rules):
        item["name"] = "%d %s" % (index, item["name"])
    normalized, errors = policy(rules=rules)
    assert errors == []
    code = render.render_action(normalized)
    line = policy_line(code)
    for raw in ("<", ">", "&", u"\u2028", u"\u2029", "\n"):
        assert raw not in line
    assert all(ord(char) < 128 for char in line)
    data = json.loads(line)
    assert [item["match"]["organizations"] for item in data["rules"]] == [[value] for value in NASTY]
    assert [item["match"]["app_metadata"] for item in data["rules"]] == [
        sorted([["__proto__", value], [value, value]]) for value in NASTY]
    # Everything outside the POLICY line is the same fixed code whatever the policy.
    plain = render.render_action(policy()[0])
    assert code.replace(line, "") == plain.replace(policy_line(plain), "")


def test_js_json_escapes():
    assert render.js_json({"a": u"</script>&\u2028\u2029"}) == '{"a":"\\u003c/script\\u003e\\u0026\\u2028\\u2029"}'


# --- the filter plugin ---------------------------------------------------------------------------

def test_filters():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.sessionguard.auth0.plugins.filter.session_policy import FilterModule

    filters = FilterModule().filters()
    normalized = filters["validate_session_policy"]({"tenant": TENANT, "rules": RULES, "default": DEFAULT})
    assert normalized == policy()[0]
    assert filters["render_session_action"](normalized) == render.render_action(normalized)
    with pytest.raises(AnsibleFilterError) as raised:
        filters["validate_session_policy"]({"tenant": TENANT, "rules": [rule(match={}), rule(name="r")],
                                            "default": DEFAULT, "plan": "enterprise"})
    lines = str(raised.value).splitlines()
    assert lines[0] == "The session policy is invalid (2 errors):"
    assert lines[1].startswith("session_policy_rules[0].match: must have at least one condition")
    assert lines[2].startswith("session_policy_rules[1].name: \"r\" is already the name of session_policy_rules[0]")
    with pytest.raises(AnsibleFilterError, match="unknown keys rule"):
        filters["validate_session_policy"]({"rule": []})
    with pytest.raises(AnsibleFilterError, match="expects the output of validate_session_policy"):
        filters["render_session_action"]({"tenant": TENANT})


# -- issue 23 --------------------------------------------------------------------------------------------------

def test_a_policy_nested_5000_deep_is_an_error_naming_its_path():
    value = "gold"
    for unused in range(5000):
        value = [value]
    rules = [{"name": "deep", "match": {"app_metadata": {"tier": value}}, "session_lifetime": "1h"}]
    normalized, errors = validate_policy({"session_lifetime": "30d"}, rules, {})
    assert normalized is None
    assert errors == ["session_policy_rules[0].match.app_metadata.tier: is nested more than 32 levels deep"]
    normalized, errors = validate_policy({"session_lifetime": value}, [], {"session_lifetime": "1d"})
    assert errors[0].startswith("session_policy_tenant.session_lifetime[0][0][0]: is nested more than 32 levels deep")


def test_a_plan_that_is_a_list_is_an_error_not_a_crash():
    normalized, errors = validate_policy({"session_lifetime": "30d"}, [], {"session_lifetime": "1d"}, plan=["enterprise"])
    assert errors == ['plan: must be one of enterprise, self_service; got ["enterprise"]']


@pytest.mark.parametrize("countries", [[" fr"], ["FR\n"], ["FR\u00a0"], ["\uff26\uff32"]])
def test_a_policy_country_is_two_ascii_letters_exactly(countries):
    # The Action reads geoip's code without stripping: a policy may not rely on a stripped one either.
    errors = validate_policy({"session_lifetime": "30d"}, [rule(match={"countries": countries})], {})[1]
    assert errors[0].startswith("session_policy_rules[0].match.countries[0]: must be an ISO 3166-1 alpha-2 country code")


@pytest.mark.parametrize("value", [" ", "\u00a0", "\n"])
def test_a_blank_name_never_matches(value):
    # A login's blank organization is refused by explain, so a policy may not ask for one.
    errors = validate_policy({"session_lifetime": "30d"}, [rule(match={"organizations": ["org_1", value]})], {})[1]
    assert errors == ["session_policy_rules[0].match.organizations[1]: must be a non-empty string; got a blank string"]
