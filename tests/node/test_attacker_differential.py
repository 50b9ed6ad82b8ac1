# -*- coding: utf-8 -*-
"""The differential again, with the events an attacker, or a broken upstream, would send (issue 23).

test_differential.py generates well-formed logins only, and passed while the Action and explain read
odd input differently. Here every login field may hold whitespace and control characters (NBSP, a
trailing newline, NUL, U+2028), non-ASCII digits and letters, a list or a number where a string is
expected, app_metadata nested up to 60 levels, ``__proto__`` / ``constructor`` / ``0`` keys, and the
session's created_at may be missing, unreadable (a trailing newline, full-width digits, ``+00:60``,
2024-02-30, year 0001 or 1969) or later than now. Policies add ``__proto__`` / ``constructor`` values,
app_metadata keys and rule names.

The property checked, login by login: the rendered Action in Node sets exactly what explain says,
where every value explain refuses (it names the value's path) counts as absent. So the Action never
reads a value explain would not, and never throws or skips setExpiresAt: a created_at it cannot read
counts from now, as explain's "from this login" does. When explain accepts the whole login, explain
itself (not only the evaluator) is run and its expires_at compared with the Action's setExpiresAt.

Run: ``make node``. The seed is random per run and printed; DIFFERENTIAL_SEED=<n> replays one;
ATTACKER_EXAMPLES sets the number of policies.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import random

from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import format_instant
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_evaluate import (
    evaluate, expiry_instants, instant, parse_login)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_explain import (
    LOGINS_PATH, explain, parse_cases)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import MAX_DEPTH, Invalid

from test_differential import (CLIENT_IDS, CLIENT_NAMES, CONNECTIONS, COUNTRIES, MD_KEYS, MD_VALUES, ORG_IDS,
                               ORG_NAMES, RISKS, ROLES, SEED, event_of, node, node_outcome, policies)

__all__ = ["node"]  # the Node process fixture, shared with test_differential.py

EXAMPLES = int(os.environ.get("ATTACKER_EXAMPLES", "300"))
MIN_PAIRS = 2000
PROTO = ["__proto__", "constructor", "toString", "hasOwnProperty", "0"]
# Characters a careless export or a hostile upstream puts around or inside a value.
JUNK = [" ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\u200b", "\ufeff", "\x00", "\x1b"]
FULL_WIDTH = dict((ord(c), ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
ARABIC_INDIC = dict((ord(c), 0x0660 + int(c)) for c in "0123456789")


def dirtied(rng, pool):
    """A pool value with junk before, after or inside it, or its letters and digits full-width."""
    text = rng.choice(pool)
    how = rng.choice(["before", "after", "inside", "full-width"])
    if how == "full-width":
        return text.translate(FULL_WIDTH)
    junk = rng.choice(JUNK)
    if how == "inside" and len(text) > 1:
        return text[:1] + junk + text[1:]
    return junk + text if how == "before" else text + junk


def deep(depth, leaf):
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


def odd(rng):
    """Whether this value is odd, at the login's own rate (``rng.hostility``): some logins are clean throughout."""
    return rng.random() < rng.hostility


def hostile(rng, pool):
    """A value where a string from ``pool`` is expected: as it should be (half the time), dirtied, blank, or another type."""
    if not odd(rng):
        return rng.choice(pool)
    return rng.choice([
        lambda: dirtied(rng, pool), lambda: rng.choice(PROTO), lambda: rng.choice(["", " ", "\u00a0"]),
        lambda: rng.sample(pool, rng.randint(1, min(2, len(pool)))), lambda: rng.randint(-2, 2),
        lambda: rng.choice([True, False]), lambda: {"id": pool[0]}])()


@st.composite
def hostile_policies(draw):
    """A generated policy with __proto__/constructor values, app_metadata keys and a rule name."""
    tenant, rules, default = draw(policies())
    for index, rule in enumerate(rules):
        match = rule["match"]
        for name in ("organizations", "clients", "client_names", "connections", "roles"):
            if name in match and draw(st.booleans()):
                match[name] = list(match[name]) + [draw(st.sampled_from(PROTO))]
        if "app_metadata" in match and draw(st.booleans()):
            match["app_metadata"] = dict(match["app_metadata"], **{draw(st.sampled_from(PROTO)): draw(st.sampled_from(MD_VALUES))})
        if index == 0 and draw(st.booleans()):
            rule["name"] = draw(st.sampled_from(PROTO[:2]))
    return tenant, rules, default


CREATED_OK = ["2024-03-01T10:00:00Z", "2024-06-30T23:59:59.999+02:00", "2024-03-01T10:00:00.131474951Z", "2024-03-01T10:00:00.5Z", "2021-12-31T20:00:00-05:30",
              "2024-02-29T00:00:00+23:59", "2029-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
CREATED_BAD = ["2024-03-01T10:00:00Z\n", " 2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z\u00a0", "2024-03-01T10:00:00+00:60",
               "2024-03-01T10:00:00+24:00", "2024-02-30T10:00:00Z", "2023-02-29T10:00:00Z", "2024-03-01T24:00:00Z",
               "2024-03-01T10:60:00Z", "2024-03-01T10:00:60Z", "0001-01-01T00:00:00+23:00", "1969-12-31T23:59:59Z",
               "0999-01-08T00:00:00Z", "2024-03-01", "2024-03-01T10:00:00", "2024-03-01 10:00:00Z",
               "2024-03-01T10:00:00.Z", "2024-03-01T10:00:00.1234567890Z", "2024-03-01T10:00:00z", "+002024-03-01T10:00:00Z",
               "Fri, 01 Mar 2024 10:00:00 GMT", "1709287200000", ""]


DIGITS_FULL_WIDTH = dict((key, value) for key, value in FULL_WIDTH.items() if chr(key).isdigit())


def created_at(rng):
    if rng.random() < 0.2:
        return None
    if not odd(rng):
        return rng.choice(CREATED_OK)
    return rng.choice([
        lambda: rng.choice(CREATED_BAD), lambda: rng.choice(CREATED_BAD),
        lambda: rng.choice(CREATED_OK).translate(DIGITS_FULL_WIDTH), lambda: rng.choice(CREATED_OK).translate(ARABIC_INDIC),
        lambda: rng.choice([1709287200000, ["2024-03-01T10:00:00Z"], {"$date": "2024-03-01T10:00:00Z"}])])()


def app_metadata(rng):
    if odd(rng) and rng.random() < 0.4:
        return rng.choice([["gold"], "gold", deep(rng.randint(1, 60), {"tier": "gold"})])
    entries = {}
    for unused in range(rng.randint(0, 4)):
        key = rng.choice(MD_KEYS + PROTO + ["other"])
        entries[key] = rng.choice(MD_VALUES) if not odd(rng) else rng.choice([
            lambda: dirtied(rng, ["gold", "3"]), lambda: rng.choice([None, ["gold"], 2 ** 60, {"tier": "gold"}]),
            lambda: deep(rng.randint(1, 60), rng.choice(MD_VALUES))])()
    return entries


def organization(rng):
    if rng.random() < 0.6:
        return hostile(rng, ORG_IDS + ORG_NAMES)
    org = {}
    if rng.random() < 0.7:
        org["id"] = hostile(rng, ORG_IDS)
    if rng.random() < 0.7:
        org["name"] = hostile(rng, ORG_NAMES)
    return org


LOGIN_FIELDS = {
    "organization": organization,
    "client": lambda rng: hostile(rng, CLIENT_IDS),
    "client_name": lambda rng: hostile(rng, CLIENT_NAMES),
    "connection": lambda rng: hostile(rng, CONNECTIONS),
    "country": lambda rng: (hostile(rng, COUNTRIES) if not odd(rng)
                            else rng.choice(["fr", "Fr", "ZZ", "UK", "EU", "FRA", "F", "f\u0131", "\u00df"])),
    "roles": lambda rng: ([hostile(rng, ROLES + ["guest"]) for unused in range(rng.randint(0, 3))]
                          if rng.random() < 0.7 else hostile(rng, ROLES)),
    "risk_confidence": lambda rng: hostile(rng, RISKS),
    "mfa": lambda rng: rng.choice([True, False]) if not odd(rng) else rng.choice(["true", 1, 0, "mfa", {"name": "mfa"}]),
    "app_metadata": app_metadata,
}


def hostile_login(number):
    """``(login, created_at, now, junk_methods)`` from a seed: plain random, so a policy's ten logins cost a
    few microseconds instead of hypothesis' per-choice bookkeeping (the CI budget); a failure prints the
    login whole, and DIFFERENTIAL_SEED replays the run."""
    rng = random.Random(number)
    rng.hostility = rng.choice([0.0, 0.1, 0.3, 0.6])
    login = dict((key, make(rng)) for key, make in sorted(LOGIN_FIELDS.items()) if rng.random() < 0.75)
    return login, created_at(rng), rng.randint(1577836800000, 1893456000000), rng.random() < 0.5


# Entries a real methods list never holds but a hostile one may: only {"name": "mfa"} is MFA.
JUNK_METHODS = [None, "mfa", {"name": "MFA"}, {"name": " mfa"}, {"name": ["mfa"]}, {}]


def hostile_event(login, created, junk_methods):
    """The post-login event carrying each login value as it is, so an odd value reaches the Action unchanged."""
    event = event_of(dict((key, value) for key, value in login.items() if key not in ("organization", "roles", "mfa")),
                     created)
    if "organization" in login:
        org = login["organization"]
        event["organization"] = {"id": org, "name": org} if isinstance(org, str) else org
    if "roles" in login:
        # One string is one role in a login (string_list); the event always has a list there.
        roles = login["roles"]
        event["authorization"] = {"roles": [roles] if isinstance(roles, str) else roles}
    if "mfa" in login:
        mfa = login["mfa"]
        # Not a list of methods: neither mfa true nor mfa false holds, as when absent. (A list with no
        # readable entry is a login without MFA: JUNK_METHODS.)
        methods = ([{"name": "pwd"}] + (JUNK_METHODS if junk_methods else []) + ([{"name": "mfa"}] if mfa else [])
                   if isinstance(mfa, bool) else mfa)
        event.setdefault("authentication", {})["methods"] = methods
    return event


def accepted(fragment):
    """Does explain accept this part of a login? Through parse_cases, which also bounds the nesting."""
    cases, errors = parse_cases([{"name": "x", "login": fragment}], LOGINS_PATH)
    assert all(error.startswith(LOGINS_PATH + "[0].login") for error in errors), errors
    return not errors


def admitted(login):
    """The login with every value explain refuses left out, value by value: what the Action may read."""
    out = {}
    for key, value in login.items():
        if key == "organization" and isinstance(value, dict):
            value = dict((part, item) for part, item in value.items() if accepted({key: {part: item}}))
        elif key == "roles" and isinstance(value, list):
            value = [role for role in value if accepted({key: [role]})]
        elif key == "app_metadata" and isinstance(value, dict):
            value = dict((name, item) for name, item in value.items() if accepted({key: {name: item}}))
        if accepted({key: value}):
            out[key] = value
    return out


def readable(created):
    try:
        return instant(created)
    except Invalid:  # explain refuses it (a path-prefixed error, checked in explain_agrees): the Action reads none
        return None


def explain_agrees(normalized, login, created, now, answer):
    """Explain itself on the whole case: an error naming its path, or the Action's expiry instants."""
    case = {"name": "attacker", "login": login, "login_at": format_instant(now)}
    if created is not None:
        case["session_created_at"] = created
    cases, errors = parse_cases([case], LOGINS_PATH)
    assert all(error.startswith(LOGINS_PATH + "[0].") for error in errors), errors
    if errors:
        return False
    shown = explain(normalized, cases)[0]
    calls = dict(answer["calls"])
    assert shown["expires_at"] == (format_instant(calls["setExpiresAt"]) if "setExpiresAt" in calls else None), (
        shown["lines"], calls)
    assert shown["idle_expires_at"] == (format_instant(calls["setIdleExpiresAt"]) if "setIdleExpiresAt" in calls
                                        else None), (shown["lines"], calls)
    assert ("from this login" in " ".join(shown["lines"])) == (
        "setExpiresAt" in calls and (readable(created) is None or readable(created) > now)), shown["lines"]
    return True


def test_the_action_reads_no_value_explain_refuses(node):
    counts = dict(pairs=0, policies=0, refused_values=0, explained=0, from_login=0, created_unreadable=0,
                  created_future=0, country_refused=0, deep=0, lists=0, proto=0)

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=False,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(policy=hostile_policies(), cases=st.lists(st.integers(0, 2 ** 32 - 1).map(hostile_login), min_size=8, max_size=10))
    def check(policy, cases):
        tenant, rules, default = policy
        normalized, errors = validate_policy(tenant, rules, default)
        assume(not errors)
        code = render_action(normalized)
        answers = node.run(code, [{"event": hostile_event(login, created, junk), "now": now}
                                  for login, created, now, junk in cases])
        for (login, created, now, junk), answer in zip(cases, answers):
            kept = admitted(login)
            parsed, problems = parse_login(kept, ["login"])
            assert problems == [], problems
            decision = evaluate(normalized, parsed)
            start = readable(created)
            expires, idle = expiry_instants(decision, start, now)
            expected = {"rule": decision["index"], "setExpiresAt": expires, "setIdleExpiresAt": idle,
                        "setCookieMode": decision["action"].get("cookie_mode")}
            actual = node_outcome(answer)
            assert expected == actual, "login %r (explain keeps %r), created_at %r, now %d: Python %s, Node %s" % (
                login, kept, created, now, expected, actual)
            if decision["action"].get("session_lifetime"):
                assert actual["setExpiresAt"] is not None  # fail closed: never the tenant's longer default
            counts["explained"] += explain_agrees(normalized, login, created, now, answer)
            counts["pairs"] += 1
            counts["refused_values"] += kept != login
            counts["created_unreadable"] += created is not None and start is None
            counts["created_future"] += start is not None and start > now
            counts["from_login"] += start is None or start > now
            counts["country_refused"] += "country" in login and "country" not in kept
            text = json.dumps(login)
            counts["deep"] += '[{"a": [{"a": [{"a": [{"a": [{"a": [{"a": [{"a": [{"a": [{"a": [{"a": [{"a"' in text
            scalars = ("organization", "client", "client_name", "connection", "country", "app_metadata")
            counts["lists"] += any(isinstance(login.get(key), list) for key in scalars)
            counts["proto"] += any(name in text for name in PROTO[:2])
        counts["policies"] += 1

    check()
    print("\nattacker differential: %(pairs)d policy/login pairs over %(policies)d policies; %(refused_values)d logins "
          "held a value explain refuses, %(explained)d were explained whole; created_at unreadable %(created_unreadable)d, "
          "later than now %(created_future)d (%(from_login)d pairs counted from the login); country refused "
          "%(country_refused)d; nested over 20 deep %(deep)d; a list for a scalar %(lists)d; __proto__/constructor "
          "%(proto)d" % counts + "; seed %d (DIFFERENTIAL_SEED=%d replays it); depth bound %d" % (SEED, SEED, MAX_DEPTH))
    assert counts["pairs"] >= MIN_PAIRS
    for name in ("refused_values", "explained", "created_unreadable", "created_future", "country_refused", "deep",
                 "lists", "proto"):
        assert counts[name] > 0, name
