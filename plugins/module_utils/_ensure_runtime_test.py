# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built draft run on Auth0's own runtime before it is deployed: ``POST /actions/actions/{id}/test``.

"After updating an action, it can be tested prior to being deployed to ensure it behaves as expected"
(https://auth0.com/docs/api/management/v2/actions/post-test-action). Each test sends one complete
Post-Login event. What is known of the answer:

- an error is recorded (tests/fixtures/auth0-recorded/go-auth0/TestActionManager_Test.json): 200 with
  ``payload.error`` (``name``, ``message``, ``stack``) and ``payload.stats``. That run was an empty
  Action on an event holding only a user, and the error came from Auth0's side of the run: an
  incomplete event can fail there, so every event here carries every object Auth0's Post-Login event
  documents as present;
- a SUCCESSFUL answer is not recorded, and the API reference says only "the resulting payload". The
  session calls are compared with the policy only when the answer lists them in a form read here
  (``payload.api_calls: [{method: "session.setExpiresAt", args: [...]}]``, the form our emulator
  answers; an assumption about Auth0). Otherwise a test reports "ran on Auth0's runtime without error"
  and claims nothing more.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import action_path
from ansible_collections.sessionguard.auth0.plugins.module_utils._login_event import iso, login_event

DEFAULT_LIMIT = 10
RAN = "ran on Auth0's runtime without error"
MATCHED = "ran on Auth0's runtime; its session calls are what explain expects"
MINUTE_MS = 60 * 1000
# The Action counts the idle expiry from Date.now() on Auth0's runtime, whose clock is not ours: a call
# within this much of "request time + idle lifetime" matches.
IDLE_TOLERANCE_MS = 5 * MINUTE_MS
SESSION_CALLS = ("setExpiresAt", "setIdleExpiresAt", "setCookieMode")


def runtime_test_path(action_id):
    return action_path(action_id) + "/test"


def generic_case(now_ms=None):
    """One test without an expectation: what the module sends when it was given no events."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    return dict(name="a login no policy word describes", event=login_event({}, now_ms, now_ms), expect=None)


def session_calls(payload):
    """``{method: args}`` of the api.session calls an answer lists, or None when it lists none readably."""
    calls = payload.get("api_calls") if isinstance(payload, dict) else None
    if not isinstance(calls, list) or not all(isinstance(c, dict) and isinstance(c.get("method"), str) for c in calls):
        return None
    found = {}
    for call in calls:
        name = call["method"].split(".")[-1]
        if call["method"] in ("session." + name, "api.session." + name) and name in SESSION_CALLS:
            args = call.get("args")
            found[name] = args[0] if isinstance(args, list) and args else None
    return found


def compare(expect, calls, started_ms, ended_ms):
    """Every difference between the calls the runtime shows and what explain expects, one line each."""
    found = []
    wanted = expect.get("setExpiresAt")
    if calls.get("setExpiresAt") != wanted:
        found.append("setExpiresAt: explain expects %s, the runtime set %s"
                     % (iso(wanted) if wanted else "no call", _shown(calls.get("setExpiresAt"))))
    minutes = expect.get("idle_minutes")
    got = calls.get("setIdleExpiresAt")
    if minutes is None:
        if got is not None:
            found.append("setIdleExpiresAt: explain expects no call, the runtime set %s" % _shown(got))
    elif not isinstance(got, (int, float)) or isinstance(got, bool) or not (
            started_ms + minutes * MINUTE_MS - IDLE_TOLERANCE_MS <= got <= ended_ms + minutes * MINUTE_MS + IDLE_TOLERANCE_MS):
        found.append("setIdleExpiresAt: explain expects about %s (the test's time + %d minutes), the runtime set %s"
                     % (iso(started_ms + minutes * MINUTE_MS), minutes, _shown(got)))
    if calls.get("setCookieMode") != expect.get("setCookieMode"):
        found.append("setCookieMode: explain expects %s, the runtime set %s"
                     % (expect.get("setCookieMode") or "no call", calls.get("setCookieMode") or "no call"))
    return found


def _shown(value):
    if value is None:
        return "no call"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return iso(int(value))
    return repr(value)


def run_tests(client, action, tests, limit, clock=time.time):
    """Run the first ``limit`` of ``tests`` (``[{name, event, expect}]``) on the built draft of ``action``.

    Returns ``(record, errors)``: ``record`` is ``{tested, of, summary, results: [{name, outcome}]}``;
    ``errors`` is empty when every test ran without error and, where the answer lists the session calls,
    they match. The first error stops the tests: nothing more is needed to refuse the deploy.
    """
    tests = list(tests) or [generic_case(int(clock() * 1000))]
    chosen = tests[:max(0, limit)]
    record = dict(tested=0, of=len(tests), summary="", results=[])
    errors = []
    for test in chosen:
        started = int(clock() * 1000)
        try:
            answer = client.post(runtime_test_path(action["id"]), {"payload": {"event": test["event"]}}, idempotent=True)
        except Auth0Error as exc:
            errors.append("the draft of the action '%s' could not be run on Auth0's runtime before its deploy (test %s): "
                          "%s. Nothing was deployed (runtime_test: false deploys without this check)"
                          % (action.get("name"), _quoted(test["name"]), exc))
            break
        ended = int(clock() * 1000)
        record["tested"] += 1
        payload = (answer or {}).get("payload") if isinstance(answer, dict) else None
        error = payload.get("error") if isinstance(payload, dict) else None
        if error:
            error = error if isinstance(error, dict) else {"message": str(error)}
            text = "%s: %s" % (error.get("name") or "Error", error.get("message") or "(no message)")
            record["results"].append(dict(name=test["name"], outcome="error from Auth0's runtime: %s" % text))
            errors.append("the draft of the action '%s' failed on Auth0's runtime before its deploy (test %s): %s "
                          "(from Auth0's runtime). Nothing was deployed" % (action.get("name"), _quoted(test["name"]), text))
            break
        calls = session_calls(payload)
        if calls is None or not test.get("expect"):
            record["results"].append(dict(name=test["name"], outcome=RAN))
            continue
        mismatches = compare(test["expect"], calls, started, ended)
        if mismatches:
            record["results"].append(dict(name=test["name"], outcome="mismatch: " + "; ".join(mismatches)))
            errors.append("the draft of the action '%s' ran on Auth0's runtime before its deploy but does not do what "
                          "explain expects (test %s, rule %s): %s. Nothing was deployed"
                          % (action.get("name"), _quoted(test["name"]), test["expect"].get("rule"), "; ".join(mismatches)))
            break
        record["results"].append(dict(name=test["name"], outcome=MATCHED))
    record["summary"] = "%d of %d tested on Auth0's runtime" % (record["tested"], record["of"])
    return record, errors


def _quoted(name):
    return '"%s"' % name
