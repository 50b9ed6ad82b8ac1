#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Render the session policies the node tests run into tests/node/build/*.js.

Usage (from the repository root): ``.venv/bin/python tests/node/render_fixture.py`` (tests/node/run.sh
does this, then runs ``node --test tests/node/``). Every policy goes through validate_policy first,
exactly as the role does, so an invalid fixture fails here with its errors.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.path.join(HERE, "build")

# Same trick as tests/unit/conftest.py: make ansible_collections.sessionguard.auth0 importable.
COLLECTIONS = os.path.join(ROOT, "build")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "sessionguard", "auth0")
if not os.path.exists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(ROOT, LINK)
sys.path.insert(0, COLLECTIONS)

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action  # noqa: E402
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import (  # noqa: E402
    validate_policy)

TENANT = {
    "session_lifetime": "30d",
    "idle_session_lifetime": "3d",
    "ephemeral_session_lifetime": "1d",
    "idle_ephemeral_session_lifetime": "8h",
    "cookie_mode": "persistent",
}

# Issue 4's example as its users wrote it: the kiosk rule only switches the cookie mode, and the
# 7d/1d it inherits from the default are clipped to the 1d/8h that cap non-persistent sessions.
ISSUE = {
    "tenant": TENANT,
    "rules": [
        {"name": "high-risk logins", "match": {"risk_confidence": ["low"]},
         "session_lifetime": "8h", "idle_session_lifetime": "30m"},
        {"name": "trusted organizations", "match": {"organizations": ["org_abc123", "acme-partners"]},
         "session_lifetime": "30d"},
        {"name": "shared kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent"},
    ],
    "default": {"session_lifetime": "7d", "idle_session_lifetime": "1d"},
}

# One rule per condition, each with its own absolute lifetime (N hours for rule N) so the tests can
# tell which rule applied from the setExpiresAt value alone.
CONDITIONS = {
    "tenant": TENANT,
    "rules": [
        {"name": "1 organizations", "match": {"organizations": ["org_abc123", "acme-partners"]},
         "session_lifetime": "1h"},
        {"name": "2 clients", "match": {"clients": ["kiosk-client-id", "Kiosk App"]}, "session_lifetime": "2h"},
        {"name": "12 client_names", "match": {"client_names": ["Named Kiosk"]}, "session_lifetime": "12h"},
        {"name": "3 connections", "match": {"connections": ["corp-ad"]}, "session_lifetime": "3h"},
        {"name": "4 countries", "match": {"countries": ["DE", "fr"]}, "session_lifetime": "4h"},
        {"name": "5 roles", "match": {"roles": ["admin", "ops"]}, "session_lifetime": "5h"},
        {"name": "6 risk_confidence", "match": {"risk_confidence": ["low", "medium"]}, "session_lifetime": "6h"},
        {"name": "7 mfa", "match": {"mfa": True}, "session_lifetime": "7h"},
        {"name": "8 no mfa on legacy", "match": {"mfa": False, "connections": ["legacy-db"]}, "session_lifetime": "8h"},
        {"name": "9 app_metadata", "match": {"app_metadata": {"tier": "gold", "level": 3, "vip": True}},
         "session_lifetime": "9h"},
        {"name": "10 all of", "match": {"organizations": ["org_both"], "countries": ["NL"]}, "session_lifetime": "10h"},
        {"name": "11 not_countries", "match": {"not_countries": ["US", "CA"]}, "session_lifetime": "11h"},
    ],
    "default": {"session_lifetime": "1d", "idle_session_lifetime": "30m", "cookie_mode": "persistent"},
}

# Values that would break out of a string if they were ever spliced into the code as text.
PAYLOADS = [
    "x'); process.exit(1); ('",
    "x\"); globalThis.INJECTED = true; (\"",
    "</script><script>globalThis.INJECTED = true</script>",
    u"line\u2028separator\u2029paragraph",
    "${globalThis.INJECTED = true}",
    "`; globalThis.INJECTED = true; `",
    "back\\slash\\",
    "\\\"; globalThis.INJECTED = true; //",
    "*/ globalThis.INJECTED = true; /*",
    "<!-- &amp; -->",
    u"caf\u00e9 \U0001F600",
]
INJECTION = {
    "tenant": TENANT,
    "rules": [
        {"name": u"%d %s" % (index + 1, payload),
         "match": {"organizations": [payload]}, "session_lifetime": "%dh" % (index + 1)}
        for index, payload in enumerate(PAYLOADS)
    ] + [
        {"name": "clients and connections", "match": {"clients": [PAYLOADS[0]], "connections": [PAYLOADS[2]]},
         "session_lifetime": "20h"},
        {"name": "app_metadata keys", "match": {"app_metadata": dict((payload, payload) for payload in PAYLOADS)},
         "session_lifetime": "21h"},
        {"name": "__proto__", "match": {"app_metadata": {"__proto__": "polluted"}}, "session_lifetime": "22h"},
    ],
    "default": {"session_lifetime": "1d", "idle_session_lifetime": "30m"},
}

# No default: a login no rule matches must leave the session alone.
NO_DEFAULT = {
    "tenant": TENANT,
    "rules": [{"name": "kiosks", "match": {"clients": ["kiosk-client-id"]}, "cookie_mode": "non-persistent"}],
    "default": None,
}

POLICIES = {"issue": ISSUE, "conditions": CONDITIONS, "injection": INJECTION, "no_default": NO_DEFAULT}


def render(policy):
    normalized, errors = validate_policy(policy["tenant"], policy["rules"], policy["default"])
    if errors:
        raise SystemExit("invalid fixture policy:\n" + "\n".join(errors))
    return render_action(normalized)


def write(name, code):
    with open(os.path.join(BUILD, name), "wb") as handle:
        handle.write(code.encode("utf-8"))


def main(argv):
    if argv[1:] == ["--issue-reversed"]:
        # A second process, another hash seed, keys and lists in reverse order: the same bytes expected.
        policy = json.loads(json.dumps(ISSUE), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
        for rule in policy["rules"]:
            for value in rule["match"].values():
                value.reverse()
        sys.stdout.write(render(policy))
        return
    if not os.path.isdir(BUILD):
        os.makedirs(BUILD)
    for name, policy in sorted(POLICIES.items()):
        write(name + ".js", render(policy))
    env = dict(os.environ, PYTHONHASHSEED="12345")
    again = subprocess.check_output([sys.executable, os.path.abspath(__file__), "--issue-reversed"], env=env)
    write("issue.again.js", again.decode("utf-8"))
    with open(os.path.join(BUILD, "payloads.json"), "w") as handle:
        json.dump(PAYLOADS, handle, ensure_ascii=True)
    sys.stdout.write("rendered %s into %s\n" % (", ".join(sorted(POLICIES) + ["issue.again"]), BUILD))


if __name__ == "__main__":
    main(sys.argv)
