"""The draft run on Auth0's runtime before a deploy: answers read, calls compared, limits, and the
wiring into ensure_action / ensure_policy (nothing deployed after a failed test)."""
import json
import os

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils import _login_event as L
from ansible_collections.sessionguard.auth0.plugins.module_utils import _tenant_rollout as P
from ansible_collections.sessionguard.auth0.plugins.module_utils import _ensure_runtime_test as R
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error

GO = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "auth0-recorded", "go-auth0")
NOW = 1700000000000
MIN = 60 * 1000


def target(settings, code="code", **options):
    """The PolicyTarget of these tests: the policy Action "policy", a 60-second build timeout."""
    return P.PolicyTarget.of(settings, "policy", code, build_timeout=60, **options)


def recorded_error_answer():
    with open(os.path.join(GO, "TestActionManager_Test.json")) as handle:
        return json.load(handle)["interactions"][4]["response"]


class Client:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def post(self, path, body, idempotent=False):
        self.sent.append((path, body, idempotent))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def case(name, expires=NOW + 480 * MIN, idle=60, cookie=None):
    return dict(name=name, event={"user": {"user_id": "auth0|x"}},
                expect=dict(rule=name, setExpiresAt=expires, idle_minutes=idle, setCookieMode=cookie))


def clock():
    return NOW / 1000.0


ACTION = {"id": "act/1", "name": "policy"}


def calls(expires=NOW + 480 * MIN, idle=NOW + 60 * MIN, cookie=None):
    found = [{"method": "session.setExpiresAt", "args": [expires]}, {"method": "session.setIdleExpiresAt", "args": [idle]}]
    if cookie:
        found.append({"method": "session.setCookieMode", "args": [cookie]})
    return {"payload": {"logs": "", "stats": {}, "api_calls": found}}


def test_the_recorded_error_stops_with_its_name_and_message_from_auth0s_runtime():
    client = Client(recorded_error_answer())
    record, errors = R.run_tests(client, ACTION, [case("admins"), case("default")], 10, clock=clock)
    assert errors == ["the draft of the action 'policy' failed on Auth0's runtime before its deploy (test \"admins\"): "
                      "TypeError: Cannot read properties of undefined (reading 'id') (from Auth0's runtime). "
                      "Nothing was deployed"]
    # The first failure is enough: the second test is not sent.
    assert len(client.sent) == 1 and client.sent[0][0] == "/api/v2/actions/actions/act%2F1/test"
    assert client.sent[0][1] == {"payload": {"event": {"user": {"user_id": "auth0|x"}}}} and client.sent[0][2] is True
    assert record["tested"] == 1 and record["of"] == 2 and record["summary"] == "1 of 2 tested on Auth0's runtime"
    assert record["results"][0]["outcome"].startswith("error from Auth0's runtime: TypeError")


def test_an_answer_without_readable_calls_claims_only_that_it_ran():
    client = Client({"payload": {}}, {"payload": {"api_calls": "not a list"}}, {})
    record, errors = R.run_tests(client, ACTION, [case("a"), case("b"), case("c")], 10, clock=clock)
    assert errors == [] and [r["outcome"] for r in record["results"]] == [R.RAN] * 3


def test_readable_calls_are_compared_with_explain():
    client = Client(calls(), calls(cookie="non-persistent"))
    record, errors = R.run_tests(client, ACTION, [case("ok"), case("wrong")], 10, clock=clock)
    assert record["results"][0]["outcome"] == R.MATCHED
    assert errors == ["the draft of the action 'policy' ran on Auth0's runtime before its deploy but does not do what "
                      "explain expects (test \"wrong\", rule wrong): setCookieMode: explain expects no call, the runtime "
                      "set non-persistent. Nothing was deployed"]


def test_compare_reads_each_call():
    expect = dict(setExpiresAt=NOW + MIN, idle_minutes=30, setCookieMode="persistent")
    assert R.compare(expect, {"setExpiresAt": NOW + MIN, "setIdleExpiresAt": NOW + 32 * MIN, "setCookieMode": "persistent"},
                     NOW, NOW + 1000) == []  # the idle expiry follows the runtime's clock: minutes of tolerance
    found = R.compare(expect, {"setExpiresAt": NOW + 2 * MIN, "setIdleExpiresAt": NOW + 60 * MIN}, NOW, NOW)
    assert [line.split(":")[0] for line in found] == ["setExpiresAt", "setIdleExpiresAt", "setCookieMode"]
    assert R.compare(dict(setExpiresAt=None, idle_minutes=None, setCookieMode=None), {"setIdleExpiresAt": NOW}, NOW, NOW) == [
        "setIdleExpiresAt: explain expects no call, the runtime set 2023-11-14T22:13:20.000Z"]


def test_only_the_first_n_run_and_none_given_sends_one_generic_login():
    client = Client(*[{"payload": {}}] * 3)
    record, errors = R.run_tests(client, ACTION, [case(str(n)) for n in range(5)], 3, clock=clock)
    assert (record["tested"], record["of"], errors) == (3, 5, [])
    client = Client({"payload": {}})
    record, errors = R.run_tests(client, ACTION, [], 10, clock=clock)
    event = client.sent[0][1]["payload"]["event"]
    assert record["summary"] == "1 of 1 tested on Auth0's runtime" and errors == []
    assert sorted(event) == ["authentication", "authorization", "client", "connection", "request", "session", "stats",
                             "tenant", "transaction", "user"]
    assert event["session"]["created_at"] == "2023-11-14T22:13:20.000Z"


def test_an_api_error_stops_the_deploy_too():
    client = Client(Auth0Error("Insufficient scope", status=403, method="POST", path="/api/v2/actions/actions/act/test"))
    record, errors = R.run_tests(client, ACTION, [case("a")], 10, clock=clock)
    assert record["tested"] == 0 and len(errors) == 1 and "could not be run on Auth0's runtime" in errors[0]
    assert "Nothing was deployed" in errors[0]


def test_the_event_of_a_login_in_the_policys_words():
    login = {"organization": {"id": "org_1", "name": "acme"}, "country": "FR", "roles": ["admin"], "mfa": True,
             "risk_confidence": "low", "app_metadata": {"tier": "gold"}}
    event = L.login_event(login, NOW, NOW + 1000)
    assert event["organization"]["id"] == "org_1" and event["request"]["geoip"] == {"countryCode": "FR"}
    assert event["authorization"] == {"roles": ["admin"]} and event["user"]["app_metadata"] == {"tier": "gold"}
    assert [m["name"] for m in event["authentication"]["methods"]] == ["pwd", "mfa"]
    assert event["authentication"]["riskAssessment"]["confidence"] == "low"
    assert event["session"]["created_at"] == "2023-11-14T22:13:20.000Z"
    # What a login leaves out is filled with values no policy names, and the filled login is what is evaluated.
    assert L.complete_login({}) == {"client": L.FILLER, "client_name": L.FILLER, "connection": L.FILLER, "mfa": False}
    assert "organization" not in L.login_event({}, NOW, NOW) and L.login_event({}, NOW, NOW)["request"]["geoip"] == {}


# -- the wiring ---------------------------------------------------------------------------------

@pytest.fixture
def rollout(monkeypatch):
    seen = {}

    def ensure_action(client, name, **kwargs):
        seen["before_deploy"] = kwargs.get("before_deploy")
        errors = kwargs["before_deploy"]({"id": "act", "name": name}) if kwargs.get("before_deploy") else []
        return dict(changed=True, operations=["update"] if errors else ["update", "deploy"], changed_fields=[],
                    diff=dict(before={}, after={}), code_diff="", errors=errors, build_errors=[],
                    versions=dict(before=None, after=None),
                    action=dict(id="act", name=name, status="built", deployed_version=1, all_changes_deployed=True))

    writes = []

    def write_settings(client, desired, current, check_mode):
        writes.append(dict(desired))
        return dict(changed=bool(desired), changed_fields=sorted(desired), settings={}, errors=[],
                    diff=dict(before={}, after={}))

    monkeypatch.setattr(P, "read_settings", lambda client: {"session_lifetime": 60, "cookie_mode": "persistent"})
    monkeypatch.setattr(P, "write_settings", write_settings)
    monkeypatch.setattr(P, "ensure_action", ensure_action)
    monkeypatch.setattr(P, "ensure_binding", lambda *a, **k: dict(changed=False, operations=[], errors=[], warnings=[],
                                                                  diff=dict(before={}, after={})))
    return seen, writes


def test_a_runtime_error_stops_the_tenant_before_lengthening(rollout):
    seen, writes = rollout
    client = Client(recorded_error_answer())
    outcome = P.ensure_policy(client, target({"session_lifetime": 600}, runtime_tests=[case("admins")]), False)
    assert outcome["status"] == "failed" and "(from Auth0's runtime)" in outcome["errors"][0]
    assert outcome["runtime_test"]["summary"] == "1 of 1 tested on Auth0's runtime"
    # The lengthening setting waited for the Action, and the Action never got deployed.
    assert writes == [{}]


def test_runtime_test_false_sends_no_test(rollout):
    seen, writes = rollout
    outcome = P.ensure_policy(Client(), target({}, runtime_test=False), False)
    assert seen["before_deploy"] is None and outcome["runtime_test"] is None and outcome["errors"] == []
