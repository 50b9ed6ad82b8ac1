# -*- coding: utf-8 -*-
"""One semantics, two engines: the Python evaluator against the rendered Action, run in Node.

Generated policies (every condition, explicit and inherited lifetimes, cookie modes that clip an
inherited lifetime) and generated logins (any event field may be missing) go through
``_policy_evaluate`` in Python and through the rendered Action in one Node process
(differential_runner.js), with a recording ``api``. Both must choose the same rule and produce the
same setExpiresAt / setIdleExpiresAt instants and cookie mode. On a disagreement hypothesis prints
the smallest policy and logins it found that still disagree.

Run: ``make node`` (or ``.venv/bin/python -m pytest tests/node -q -s``). The seed is random per run
and printed; DIFFERENTIAL_SEED=<n> replays one. DIFFERENTIAL_EXAMPLES sets the number of policies.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import random
import subprocess

import pytest
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_effects import effective
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_evaluate import (
    evaluate, expiry_instants, instant, parse_login)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = int(os.environ.get("DIFFERENTIAL_EXAMPLES", "700"))
MIN_LOGINS, MAX_LOGINS = 8, 10
MIN_PAIRS = 5000
SEED = int(os.environ.get("DIFFERENTIAL_SEED") or random.SystemRandom().randrange(2 ** 32))

# Small pools, so that conditions hold often enough to test both outcomes.
ORG_IDS, ORG_NAMES = ["org_a", "org_b"], ["acme", "globex"]
CLIENT_IDS, CLIENT_NAMES = ["c1", "c2", "Kiosk"], ["Kiosk", "Web"]
CONNECTIONS = ["db", "saml"]
COUNTRIES = ["DE", "FR", "US"]
ROLES = ["admin", "ops", "viewer"]
RISKS = ["low", "medium", "high", "neutral"]
MD_KEYS = ["tier", "level", "__proto__"]
MD_VALUES = ["gold", "3", 3, 3.0, 1, 0, True, False, -0.0, 2.5]
HOUR, DAY = 60, 24 * 60


def sub_list(pool):
    return st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True)


CONDITION_VALUES = {
    "organizations": sub_list(ORG_IDS + ORG_NAMES),
    "clients": sub_list(CLIENT_IDS),
    "client_names": sub_list(CLIENT_NAMES),
    "connections": sub_list(CONNECTIONS),
    "countries": sub_list(COUNTRIES + ["fr"]),
    "not_countries": sub_list(COUNTRIES),
    "roles": sub_list(ROLES),
    "risk_confidence": sub_list(RISKS),
    "mfa": st.booleans(),
    "app_metadata": st.dictionaries(st.sampled_from(MD_KEYS), st.sampled_from(MD_VALUES), min_size=1, max_size=2),
}
MODES = st.sampled_from([None, "persistent", "non-persistent"])


@st.composite
def policies(draw):
    tenant = {"session_lifetime": draw(st.sampled_from([DAY, 7 * DAY, 30 * DAY])),
              "ephemeral_session_lifetime": draw(st.sampled_from([8 * HOUR, DAY, 3 * DAY]))}
    tenant["idle_session_lifetime"] = draw(st.integers(30, tenant["session_lifetime"]))
    tenant["idle_ephemeral_session_lifetime"] = draw(st.integers(30, tenant["ephemeral_session_lifetime"]))
    caps = {"persistent": (tenant["session_lifetime"], tenant["idle_session_lifetime"]),
            "non-persistent": (tenant["ephemeral_session_lifetime"], tenant["idle_ephemeral_session_lifetime"])}
    tenant_mode = draw(MODES)
    if tenant_mode:
        tenant["cookie_mode"] = tenant_mode

    def effects(mode):
        absolute_cap, idle_cap = caps[mode or tenant_mode or "persistent"]
        out = {"cookie_mode": mode} if mode else {}
        if draw(st.booleans()):
            out["session_lifetime"] = draw(st.integers(1, absolute_cap))
        if draw(st.booleans()):
            out["idle_session_lifetime"] = draw(st.integers(1, min(idle_cap, out.get("session_lifetime", idle_cap))))
        return out

    default_mode = draw(MODES)
    default = effects(default_mode)
    rules = []
    for index in range(draw(st.integers(0, 6))):
        names = draw(st.lists(st.sampled_from(sorted(CONDITION_VALUES)), min_size=1, max_size=2, unique=True))
        rule = effects(draw(st.sampled_from([None, "persistent", "non-persistent", "non-persistent"])) or default_mode)
        rule.update(name="rule %d" % index, match=dict((name, draw(CONDITION_VALUES[name])) for name in names))
        rules.append(rule)
    return as_text(tenant), [as_text(rule) for rule in rules], as_text(default)


def as_text(block):
    """Lifetimes in minutes, in the policy's own syntax for them ("<n>m")."""
    return dict((key, "%dm" % value if key.endswith("lifetime") else value) for key, value in block.items())


def optional(strategy):
    return st.one_of(st.none(), strategy)


def often(strategy):
    """Present three times in four: a missing field makes every condition on it false."""
    return st.one_of(strategy, strategy, strategy, st.none())


@st.composite
def logins(draw):
    login = {
        "organization": draw(often(st.one_of(
            st.sampled_from(ORG_IDS + ORG_NAMES),
            st.fixed_dictionaries({}, optional={"id": st.sampled_from(ORG_IDS), "name": st.sampled_from(ORG_NAMES)})
            .filter(bool)))),
        "client": draw(often(st.sampled_from(CLIENT_IDS + ["c9"]))),
        "client_name": draw(often(st.sampled_from(CLIENT_NAMES + ["c1"]))),
        "connection": draw(often(st.sampled_from(CONNECTIONS + ["ad"]))),
        "country": draw(often(st.sampled_from(COUNTRIES + ["fr", "de", "GB"]))),
        "roles": draw(often(st.lists(st.sampled_from(ROLES + ["guest"]), max_size=3))),
        "risk_confidence": draw(often(st.sampled_from(RISKS))),
        "mfa": draw(often(st.booleans())),
        "app_metadata": draw(often(st.dictionaries(
            st.sampled_from(MD_KEYS + ["other"]),
            st.one_of(st.sampled_from(MD_VALUES), st.none(), st.just(["gold"]), st.just({"a": 1})), max_size=3))),
    }
    login = dict((key, value) for key, value in login.items() if value is not None)
    created = draw(optional(st.builds(
        lambda day, seconds, millis, zone: "2024-%02d-%02dT%02d:%02d:%02d%s%s" % (
            1 + day // 28, 1 + day % 28, seconds // 3600, seconds // 60 % 60, seconds % 60,
            ".%03d" % millis if millis is not None else "", zone),
        st.integers(0, 12 * 28 - 1), st.integers(0, 86399), optional(st.integers(0, 999)),
        st.sampled_from(["Z", "+02:00", "-05:30", "+00:00"]))))
    now = draw(st.integers(1577836800000, 1893456000000))
    return login, created, now


def event_of(login, created):
    """The Auth0 post-login event such a login produces (Auth0's post-login event object reference,
    https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object)."""
    event = {"session": {"id": "s1"}}
    if created is not None:
        event["session"]["created_at"] = created
    if "organization" in login:
        org = login["organization"]
        event["organization"] = {"id": org, "name": org} if isinstance(org, str) else dict(org)
    if "client" in login or "client_name" in login:
        event["client"] = dict((key, login[source]) for key, source in (("client_id", "client"), ("name", "client_name"))
                               if source in login)
    if "connection" in login:
        event["connection"] = {"name": login["connection"], "strategy": "auth0"}
    if "country" in login:
        event["request"] = {"ip": "192.0.2.1", "geoip": {"countryCode": login["country"]}}
    if "roles" in login:
        event["authorization"] = {"roles": login["roles"]}
    authentication = {}
    if "mfa" in login:
        authentication["methods"] = [{"name": "pwd"}] + ([{"name": "mfa"}] if login["mfa"] else [])
    if "risk_confidence" in login:
        authentication["riskAssessment"] = {"confidence": login["risk_confidence"]}
    if authentication:
        event["authentication"] = authentication
    if "app_metadata" in login:
        event["user"] = {"user_id": "auth0|1", "app_metadata": login["app_metadata"]}
    return event


class Node(object):
    def __init__(self):
        self.process = subprocess.Popen(["node", os.path.join(HERE, "differential_runner.js")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, universal_newlines=True, bufsize=1)

    def run(self, code, cases):
        self.process.stdin.write(json.dumps({"code": code, "logins": cases}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if isinstance(answer, dict):
            raise AssertionError("the rendered Action failed in Node: %s" % answer["error"])
        return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


# The tenant settings that cap each lifetime, by cookie mode (docs/policy.md, "Capping").
CAPS = {"persistent": ("session_lifetime", "idle_session_lifetime"),
        "non-persistent": ("ephemeral_session_lifetime", "idle_ephemeral_session_lifetime")}


def reference_action(normalized, index):
    """What the Action must set for the rule at ``index`` (None: the default), written out apart from
    _policy_effects: the renderer takes its data from that module too, so comparing Python with Node
    alone could not catch an error in it (an inherited lifetime not clipped, a mode from the wrong place)."""
    tenant, default = normalized["tenant"], normalized["default"]
    rule = normalized["rules"][index] if index is not None else {}
    default_mode = default.get("cookie_mode") or tenant.get("cookie_mode") or "persistent"
    mode = rule.get("cookie_mode") or default_mode
    out = {}
    for field, cap in zip(("session_lifetime", "idle_session_lifetime"), CAPS[mode]):
        if field in rule:
            out[field] = rule[field]
        elif field in default:
            inherited_across = index is not None and mode != default_mode and tenant.get(cap)
            out[field] = min(default[field], tenant[cap]) if inherited_across else default[field]
    if rule.get("cookie_mode") or default.get("cookie_mode"):
        out["cookie_mode"] = rule.get("cookie_mode") or default["cookie_mode"]
    return out


def python_outcome(normalized, login, created, now):
    parsed, errors = parse_login(login, ["login"])
    assert errors == [], errors
    decision = evaluate(normalized, parsed)
    assert decision["action"] == reference_action(normalized, decision["index"]), decision
    expires, idle = expiry_instants(decision, instant(created) if created else None, now)
    return {"rule": decision["index"], "setExpiresAt": expires, "setIdleExpiresAt": idle,
            "setCookieMode": decision["action"].get("cookie_mode")}


def node_outcome(answer):
    calls = dict(answer["calls"])
    assert len(calls) == len(answer["calls"]), answer  # each method at most once
    # JSON turns undefined and NaN into null: a call with one must not pass for "not called".
    assert None not in calls.values(), answer
    return {"rule": answer["rule"], "setExpiresAt": calls.get("setExpiresAt"),
            "setIdleExpiresAt": calls.get("setIdleExpiresAt"), "setCookieMode": calls.get("setCookieMode")}


@pytest.fixture(scope="module")
def node():
    runner = Node()
    yield runner
    runner.close()


def test_python_evaluator_and_rendered_action_agree(node):
    counts = {"pairs": 0, "policies": 0, "clipped": 0, "no_created_at": 0, "default": 0, "conditions": set()}

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=False,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(policy=policies(), cases=st.lists(logins(), min_size=MIN_LOGINS, max_size=MAX_LOGINS))
    def check(policy, cases):
        tenant, rules, default = policy
        normalized, errors = validate_policy(tenant, rules, default)
        assume(not errors)  # idle over an inherited absolute: refused, so never rendered
        code = render_action(normalized)
        answers = node.run(code, [{"event": event_of(login, created), "now": now} for login, created, now in cases])
        for (login, created, now), answer in zip(cases, answers):
            expected, actual = python_outcome(normalized, login, created, now), node_outcome(answer)
            assert expected == actual, "login %s (session created_at %s, now %d): Python %s, Node %s" % (
                json.dumps(login, sort_keys=True), created, now, expected, actual)
            counts["pairs"] += 1
            counts["default"] += expected["rule"] is None
            counts["no_created_at"] += created is None
        counts["policies"] += 1
        counts["clipped"] += any(
            effective(normalized["tenant"], normalized["default"], rule)[field]["clipped_by"]
            for rule in normalized["rules"] for field in ("session_lifetime", "idle_session_lifetime"))
        counts["conditions"].update(name for rule in normalized["rules"] for name in rule["match"])

    check()
    print("\ndifferential: %d policy/login pairs over %d policies, seed %d (DIFFERENTIAL_SEED=%d replays it); "
          "%d pairs got the default, %d had no session created_at, %d policies clip an inherited lifetime; "
          "conditions covered: %s" % (counts["pairs"], counts["policies"], SEED, SEED, counts["default"],
                                      counts["no_created_at"], counts["clipped"], ", ".join(sorted(counts["conditions"]))))
    assert counts["pairs"] >= MIN_PAIRS
    assert counts["clipped"] > 0 and counts["default"] > 0 and counts["no_created_at"] > 0
    assert len(counts["conditions"]) == 10
