# -*- coding: utf-8 -*-
"""Logins, the Python evaluator, explain and expectations (their agreement with the Action: tests/node)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import format_instant
from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _policy_evaluate as ev
from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _policy_explain as ex
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy

TENANT = {"session_lifetime": "30d", "idle_session_lifetime": "3d", "ephemeral_session_lifetime": "1d",
          "idle_ephemeral_session_lifetime": "8h", "cookie_mode": "persistent"}
RULES = [
    {"name": "high-risk logins", "match": {"risk_confidence": ["low"]},
     "session_lifetime": "8h", "idle_session_lifetime": "30m"},
    {"name": "trusted organizations", "match": {"organizations": ["org_abc123", "acme-partners"]},
     "session_lifetime": "30d"},
    {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent"},
    {"name": "named kiosks", "match": {"client_names": ["Kiosk"], "mfa": False}, "cookie_mode": "non-persistent",
     "session_lifetime": "8h"},
]
DEFAULT = {"session_lifetime": "7d", "idle_session_lifetime": "1d"}
POLICY = validate_policy(TENANT, RULES, DEFAULT)[0]


def decide(**login):
    parsed, errors = ev.parse_login(login, ["login"])
    assert errors == []
    return ev.evaluate(POLICY, parsed)


def test_policy_is_valid():
    assert POLICY is not None


@pytest.mark.parametrize("login, rule", [
    ({}, "default"),
    ({"risk_confidence": "low", "organization": "acme-partners"}, "high-risk logins"),  # first match wins
    ({"organization": "acme-partners"}, "trusted organizations"),
    ({"organization": {"id": "org_abc123", "name": "Other"}}, "trusted organizations"),
    ({"organization": {"name": "org_x"}}, "default"),
    ({"client": "kiosk-client-id"}, "shared kiosks"),
    ({"client": "Kiosk"}, "default"),                          # a client ID, not a name
    ({"client_name": "Kiosk", "mfa": False}, "named kiosks"),
    ({"client_name": "Kiosk"}, "default"),                     # mfa unknown: mfa false does not hold
    ({"client_name": "kiosk-client-id"}, "default"),           # clients matches IDs only
])
def test_rule_chosen(login, rule):
    assert decide(**login)["rule"] == rule


def test_trace_has_every_rule_up_to_the_match_with_each_condition():
    decision = decide(client="kiosk-client-id", organization="org_zzz")
    assert [(item["name"], item["matched"]) for item in decision["trace"]] == [
        ("high-risk logins", False), ("trusted organizations", False), ("shared kiosks", True)]
    assert decision["trace"][1]["conditions"] == [{"condition": "organizations", "wanted": ["acme-partners", "org_abc123"],
                                                   "has": "org_zzz", "holds": False}]


def test_inherited_lifetimes_are_clipped_and_say_by_what():
    effects = decide(client="kiosk-client-id")["effects"]
    assert (effects["session_lifetime"]["minutes"], effects["session_lifetime"]["clipped_by"]) == (
        1440, "ephemeral_session_lifetime")
    assert (effects["idle_session_lifetime"]["minutes"], effects["idle_session_lifetime"]["clipped_by"]) == (
        480, "idle_ephemeral_session_lifetime")
    assert decide(client="kiosk-client-id")["action"] == {"cookie_mode": "non-persistent", "session_lifetime": 1440,
                                                          "idle_session_lifetime": 480}


def test_conditions_on_missing_fields_are_false():
    no_country = validate_policy(TENANT, [{"name": "abroad", "match": {"not_countries": ["DE"]}, "session_lifetime": "1d"}],
                                 DEFAULT)[0]
    assert ev.evaluate(no_country, {})["rule"] == "default"
    assert ev.evaluate(no_country, {"country": "FR"})["rule"] == "abroad"
    assert ev.evaluate(no_country, {"country": "DE"})["rule"] == "default"


def test_app_metadata_compares_like_triple_equals():
    policy = validate_policy(TENANT, [{"name": "vip", "match": {"app_metadata": {"level": 3, "vip": True}}}], DEFAULT)[0]
    assert ev.evaluate(policy, {"app_metadata": {"level": 3.0, "vip": True}})["rule"] == "vip"
    assert ev.evaluate(policy, {"app_metadata": {"level": 3, "vip": 1}})["rule"] == "default"
    assert ev.evaluate(policy, {"app_metadata": {"level": "3", "vip": True}})["rule"] == "default"


@pytest.mark.parametrize("login, expected", [
    ({"country": " fr"}, "login.country: must be a country code of two ASCII letters, as GeoIP gives it"),
    ({"tenant": "x"}, "login.tenant: is not a known key (expected one of: organization, client, client_name, "),
    ({"mfa": "yes"}, "login.mfa: must be true or false; got a string"),
    ({"risk_confidence": "huge"}, "login.risk_confidence: must be one of low, medium, high, neutral; got \"huge\""),
    ({"organization": {"slug": "x"}}, "login.organization: must be an organization id or name, or a mapping"),
    ({"app_metadata": {"n": 2 ** 60}}, "login.app_metadata.n: must be within +/-9007199254740991"),
])
def test_bad_logins_name_their_path(login, expected):
    parsed, errors = ev.parse_login(login, ["login"])
    assert parsed is None
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_login_is_normalized():
    parsed, errors = ev.parse_login({"country": "fr", "roles": "admin", "client": None}, ["login"])
    assert errors == [] and parsed == {"country": "FR", "roles": ["admin"]}


@pytest.mark.parametrize("text, millis", [
    ("1970-01-01T00:00:00Z", 0),
    ("2024-03-01T10:00:00.123Z", 1709287200123),
    ("2024-03-01T12:00:00+02:00", 1709287200000),
    ("2024-03-01T04:30:00-05:30", 1709287200000),
    ("2024-03-01T10:00:00.1Z", 1709287200100),
    ("2024-03-01T10:00:00.131474951Z", 1709287200131),  # nanoseconds, cut to milliseconds
])
def test_instants(text, millis):
    assert ev.instant(text) == millis
    assert ev.instant(format_instant(millis)) == millis


@pytest.mark.parametrize("text", ["2024-03-01", "2024-03-01T10:00:00", "2024-02-30T10:00:00Z", "yesterday", 5])
def test_bad_instants(text):
    with pytest.raises(ev.Invalid, match="must be a date and time with its zone"):
        ev.instant(text)


def test_explain_lines():
    cases, errors = ex.parse_cases([{"name": "kiosk", "login": {"client": "kiosk-client-id"},
                                     "session_created_at": "2024-03-01T10:00:00Z",
                                     "login_at": "2024-03-05T09:00:00Z"}], ex.LOGINS_PATH)
    assert errors == []
    answer = ex.explain(POLICY, cases)[0]
    assert answer["lines"] == [
        "kiosk: rule \"shared kiosks\" (session_policy_rules[2])",
        "  session_policy_rules[0] \"high-risk logins\" does not match",
        "    risk_confidence [\"low\"]: does not hold (the login has no risk_confidence)",
        "  session_policy_rules[1] \"trusted organizations\" does not match",
        "    organizations [\"acme-partners\", \"org_abc123\"]: does not hold (the login has no organization)",
        "  session_policy_rules[2] \"shared kiosks\" matches",
        "    clients [\"kiosk-client-id\"]: holds (the login's client is \"kiosk-client-id\")",
        "  cookie_mode: non-persistent (the rule)",
        "  session_lifetime: 1d, session_policy_default's 7d clipped by session_policy_tenant.ephemeral_session_lifetime; "
        "expires at 2024-03-02T10:00:00Z (session created 2024-03-01T10:00:00Z)",
        "  idle_session_lifetime: 8h, session_policy_default's 1d clipped by "
        "session_policy_tenant.idle_ephemeral_session_lifetime; expires at 2024-03-05T17:00:00Z (login "
        "2024-03-05T09:00:00Z)",
    ]
    assert answer["clipped_by"] == {"session_lifetime": "session_policy_tenant.ephemeral_session_lifetime",
                                    "idle_session_lifetime": "session_policy_tenant.idle_ephemeral_session_lifetime"}


def test_explain_names_the_tenant_setting_when_the_action_sets_nothing():
    policy = validate_policy(TENANT, [], {})[0]
    cases = ex.parse_cases([{"name": "any", "login": {}}], ex.LOGINS_PATH)[0]
    lines = ex.explain(policy, cases)[0]["lines"]
    assert lines[-3:] == ["  cookie_mode: persistent (session_policy_tenant.cookie_mode)",
                          "  session_lifetime: 30d, session_policy_tenant.session_lifetime (the Action does not set it)",
                          "  idle_session_lifetime: 3d, session_policy_tenant.idle_session_lifetime (the Action does not "
                          "set it)"]


def test_explain_shows_an_unconfirmed_cap_instead_of_refusing():
    kiosk = {"name": "long kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent",
             "session_lifetime": "2d"}
    policy, errors = validate_policy(TENANT, [kiosk, {"name": "idle", "match": {"mfa": True},
                                                      "idle_session_lifetime": "5d"}], DEFAULT)
    assert errors == []
    cases = ex.parse_cases([{"name": "kiosk", "login": {"client": "kiosk-client-id"}},
                            {"name": "mfa", "login": {"mfa": True}}], ex.LOGINS_PATH)[0]
    kiosk_answer, mfa_answer = ex.explain(policy, cases)
    assert kiosk_answer["session_lifetime"] == "2d"  # asked for as written, not clipped
    assert kiosk_answer["lines"][-2:] == [
        "  session_lifetime: 2d from the rule; session_policy_tenant.ephemeral_session_lifetime (1d) may cap it: "
        "Auth0 does not document which setting caps a non-persistent session (unconfirmed)",
        "  idle_session_lifetime: 8h, session_policy_default's 1d clipped by "
        "session_policy_tenant.idle_ephemeral_session_lifetime"]
    assert mfa_answer["lines"][-1] == (
        "  idle_session_lifetime: 5d from the rule; session_policy_tenant.idle_session_lifetime (3d) may cap it: "
        "Auth0 does not document which setting caps the idle lifetime of a persistent session (only the maximum "
        "absolute lifetime is documented) (unconfirmed)")
    passed, failures = ex.check_expectations(policy, expectations(
        {"name": "kiosk", "login": {"client": "kiosk-client-id"}, "expect": {"session_lifetime": "1d"}}), "t1")
    assert failures == [
        "t1: session_policy_expectations[0] \"kiosk\": session_lifetime: expected 1d, got 2d from the rule; "
        "session_policy_tenant.ephemeral_session_lifetime (1d) may cap it: Auth0 does not document which setting caps "
        "a non-persistent session (unconfirmed)"]


def test_explain_within_an_unconfirmed_cap_says_within():
    lines = ex.explain(POLICY, ex.parse_cases([{"name": "kiosk", "login": {"client_name": "Kiosk", "mfa": False}}],
                                              ex.LOGINS_PATH)[0])[0]["lines"]
    assert lines[-2] == ("  session_lifetime: 8h from the rule, within session_policy_tenant.ephemeral_session_lifetime "
                         "(1d)")


def expectations(*cases):
    parsed, errors = ex.parse_cases(list(cases), ex.EXPECTATIONS_PATH, with_expect=True)
    assert errors == []
    return parsed


def test_expectations_that_hold():
    passed, failures = ex.check_expectations(POLICY, expectations(
        {"name": "kiosk", "login": {"client": "kiosk-client-id"},
         "expect": {"rule": "shared kiosks", "session_lifetime": "1d", "idle_session_lifetime": "8h",
                    "cookie_mode": "non-persistent"}},
        {"name": "anyone", "login": {}, "expect": {"rule": "default", "session_lifetime": 168}}), "t1")
    assert failures == []
    assert passed == [{"name": "kiosk", "rule": "shared kiosks"}, {"name": "anyone", "rule": "default"}]


def test_a_failed_expectation_names_tenant_case_expected_and_actual():
    passed, failures = ex.check_expectations(POLICY, expectations(
        {"name": "ok", "login": {}, "expect": {"rule": "default"}},
        {"name": "kiosk", "login": {"client": "kiosk-client-id"},
         "expect": {"rule": "trusted organizations", "idle_session_lifetime": "1d"}}), "acme-prod")
    assert failures == [
        "acme-prod: session_policy_expectations[1] \"kiosk\": rule: expected \"trusted organizations\", got \"shared "
        "kiosks\"; idle_session_lifetime: expected 1d, got 8h, session_policy_default's 1d clipped by "
        "session_policy_tenant.idle_ephemeral_session_lifetime"]


def test_bad_expectations_name_their_path():
    parsed, errors = ex.parse_cases([
        {"name": "a", "login": {"country": "DE"},
         "expect": {"session_lifetime": "1 week", "cookie_mode": "temp", "rules": "x"}},
        {"name": "", "login": {}},
        "kiosk",
    ], ex.EXPECTATIONS_PATH, with_expect=True)
    assert errors == [
        "session_policy_expectations[0].expect.session_lifetime: has unknown unit 'week' (use m, h, d or w); got "
        "'1 week'",
        "session_policy_expectations[0].expect.cookie_mode: must be one of persistent, non-persistent; got \"temp\"",
        "session_policy_expectations[0].expect.rules: is not a known key (expected one of: rule, session_lifetime, "
        "idle_session_lifetime, cookie_mode)",
        "session_policy_expectations[1].name: must be a non-empty string; got an empty string",
        "session_policy_expectations[1].expect: is required",
        "session_policy_expectations[2]: must be a mapping with name, login, session_created_at, login_at, expect; "
        "got a string",
    ]


def test_filters():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.sessionguard.auth0.plugins.filter.session_policy import FilterModule

    filters = FilterModule().filters()
    answers = filters["explain_session_policy"](POLICY, [{"name": "k", "login": {"client": "kiosk-client-id"}}])
    assert [answer["rule"] for answer in answers] == ["shared kiosks"]
    with pytest.raises(AnsibleFilterError, match=r"(?s)The logins to explain are invalid \(1 error\):\n"
                                                 r"session_policy_logins\[0\].login.mfa: must be true or false"):
        filters["explain_session_policy"](POLICY, [{"name": "k", "login": {"mfa": "no"}}])
    check = filters["check_session_policy_expectations"]
    assert check(POLICY, [{"name": "k", "login": {}, "expect": {"rule": "default"}}], "t1") == [
        {"name": "k", "rule": "default"}]
    with pytest.raises(AnsibleFilterError) as raised:
        check(POLICY, [{"name": "k", "login": {}, "expect": {"rule": "shared kiosks"}}], "t1")
    assert str(raised.value).splitlines() == [
        "The session policy does not meet its expectations; nothing was sent to any tenant (1 error):",
        "t1: session_policy_expectations[0] \"k\": rule: expected \"shared kiosks\", got \"default\""]
    with pytest.raises(AnsibleFilterError, match="expects the output of validate_session_policy"):
        filters["explain_session_policy"]({"rules": []}, [])


# -- issue 23: explain reads an instant and a country exactly as the Action does, and never crashes ----------

@pytest.mark.parametrize("text", [
    "2024-03-01T10:00:00Z\n",                  # $ took a trailing newline; the Action's Date.parse did not
    "\uff12\uff10\uff12\uff14-03-01T10:00:00Z",  # full-width digits: \d is any Unicode digit in Python
    "\u0662\u0660\u0662\u0664-03-01T10:00:00Z",  # Arabic-Indic digits
    "2024-03-01T10:00:00+00:60", "2024-03-01T10:00:00+24:00", "2024-03-01T24:00:00Z", "2024-03-01T10:00:60Z",
    "0001-01-01T00:00:00+23:00",               # "date value out of range" before
    "0999-01-08T00:00:00Z", "1969-12-31T23:59:59Z", " 2024-03-01T10:00:00Z", "2024-03-01T10:00:00.1234567890Z",
    "2024-03-01T10:00:00.Z",
])
def test_instants_the_action_cannot_read_are_refused(text):
    with pytest.raises(ev.Invalid, match="must be a date and time with its zone"):
        ev.instant(text)


def test_the_last_year_is_read_and_printed_without_overflow():
    # Year 9999 plus a lifetime crashed with "date value out of range" before.
    last = ev.instant("9999-12-31T23:59:59Z")
    assert format_instant(last) == "9999-12-31T23:59:59Z"
    assert format_instant(last + 365 * 24 * 3600 * 1000) == "10000-12-30T23:59:59Z"
    assert format_instant(ev.instant("1970-01-01T00:00:00+23:59")) == "1969-12-31T00:01:00Z"
    cases, errors = ex.parse_cases([{"name": "far", "login": {}, "session_created_at": "9999-12-31T23:59:59Z"}],
                                   ex.LOGINS_PATH)
    assert errors == [] and ex.explain(POLICY, cases)[0]["expires_at"] == "10000-01-07T23:59:59Z"


def _explained(**case):
    cases, errors = ex.parse_cases([dict(case, name="c", login=case.get("login", {}))], ex.LOGINS_PATH)
    assert errors == []
    return ex.explain(POLICY, cases)[0]


def test_without_a_readable_created_at_the_lifetime_counts_from_this_login():
    # The Action now calls setExpiresAt(now + lifetime) then (it set nothing before: the tenant's 30d applied).
    answer = _explained(login_at="2024-03-05T09:00:00Z")
    assert answer["expires_at"] == "2024-03-12T09:00:00Z"
    assert ("  session_lifetime: 7d from session_policy_default, within session_policy_tenant.session_lifetime (30d); "
            "expires at 2024-03-12T09:00:00Z (from this login 2024-03-05T09:00:00Z: the session has no readable "
            "created_at)") in answer["lines"]
    later = _explained(session_created_at="2024-03-06T00:00:00Z", login_at="2024-03-05T09:00:00Z")
    assert later["expires_at"] == "2024-03-12T09:00:00Z"
    assert "from this login 2024-03-05T09:00:00Z: the session's created_at is after it" in " ".join(later["lines"])


def test_explain_refuses_a_created_at_the_action_cannot_read_naming_its_path():
    cases, errors = ex.parse_cases([{"name": "c", "login": {}, "session_created_at": "2024-03-01T10:00:00Z\n"}],
                                   ex.LOGINS_PATH)
    assert len(errors) == 1 and errors[0].startswith(
        "session_policy_logins[0].session_created_at: must be a date and time with its zone"), errors
    assert "\n" not in errors[0]


@pytest.mark.parametrize("code", [" fr", "FR\n", "FR\u00a0", "\u00a0DE", "\uff26\uff32", "F R", "FRA", "f\u0131", ["FR"], 33])
def test_a_login_country_is_two_ascii_letters_as_the_action_reads_it(code):
    # Explain stripped " fr" to FR (kiosk, 1h) while the Action matched nothing (default, 7d).
    parsed, errors = ev.parse_login({"country": code}, ["login"])
    assert parsed is None and errors[0].startswith("login.country: must be a country code of two ASCII letters")


def test_any_two_letters_are_a_login_country():
    abroad = validate_policy(TENANT, [{"name": "abroad", "match": {"not_countries": ["DE"]}, "session_lifetime": "1d"}],
                             DEFAULT)[0]
    for code, rule in (("fr", "abroad"), ("EU", "abroad"), ("de", "default")):
        parsed, errors = ev.parse_login({"country": code}, ["login"])
        assert errors == [] and ev.evaluate(abroad, parsed)["rule"] == rule


def _nested(depth):
    value = "gold"
    for unused in range(depth):
        value = {"a": value}
    return value


def test_a_login_nested_5000_deep_is_an_error_naming_its_path():
    # RecursionError before.
    cases, errors = ex.parse_cases([{"name": "deep", "login": {"app_metadata": {"tier": _nested(5000)}}}],
                                   ex.LOGINS_PATH)
    assert errors == ['session_policy_logins[0].login.app_metadata.tier: is nested more than 32 levels deep']
    cases, errors = ex.parse_cases([{"name": "ok", "login": {"app_metadata": {"tier": _nested(20)}}}], ex.LOGINS_PATH)
    assert errors == []


def test_the_filters_refuse_bad_input_instead_of_crashing():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.sessionguard.auth0.plugins.filter.session_policy import FilterModule
    filters = FilterModule().filters()
    # The explain playbook with session_policy_plan: [enterprise]: "unhashable type: 'list'" before.
    with pytest.raises(AnsibleFilterError, match=r'plan: must be one of enterprise, self_service; got \["enterprise"\]'):
        filters["validate_session_policy"]({"tenant": TENANT, "rules": RULES, "default": DEFAULT, "plan": ["enterprise"]})
    with pytest.raises(AnsibleFilterError, match="session_policy_logins\\[0\\].login.app_metadata.tier: is nested"):
        filters["explain_session_policy"](POLICY, [{"name": "deep", "login": {"app_metadata": {"tier": _nested(5000)}}}])
    with pytest.raises(AnsibleFilterError, match="session_policy_logins\\[0\\].session_created_at: must be a date"):
        filters["explain_session_policy"](POLICY, [{"name": "old", "login": {}, "session_created_at": "0001-01-01T00:00:00+23:00"}])


def test_on_self_service_expectations_see_no_rule_and_explain_says_so():
    # action_on_self_service: skip reported compliant while no rule was enforced; expectations passed.
    policy = validate_policy(TENANT, RULES, DEFAULT, plan="self_service")[0]
    cases, errors = ex.parse_cases([{"name": "risky", "login": {"risk_confidence": "low"},
                                     "expect": {"rule": "high-risk logins", "session_lifetime": "8h"}},
                                    {"name": "tenant only", "login": {}, "expect": {"session_lifetime": "30d"}}],
                                   ex.EXPECTATIONS_PATH, with_expect=True)
    passed, failures = ex.check_expectations(policy, cases, "t1")
    assert passed == [{"name": "tenant only", "rule": "default"}]
    assert failures == ['t1: session_policy_expectations[0] "risky": rule: expected "high-risk logins", got "default"; '
                        'session_lifetime: expected 8h, got 30d, session_policy_tenant.session_lifetime (the Action does '
                        'not set it); ' + ex.SELF_SERVICE_NOTE]
    lines = ex.explain(policy, ex.parse_cases([{"name": "c", "login": {}}], ex.LOGINS_PATH)[0])[0]["lines"]
    assert lines[-1] == "  " + ex.SELF_SERVICE_NOTE
