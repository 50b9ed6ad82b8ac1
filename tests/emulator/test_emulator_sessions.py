"""Sessions, the emulated sign-in and its clamps, against the go-auth0 recordings' shapes
(tests/fixtures/auth0-recorded/go-auth0/)."""
import datetime
import json
import os

import pytest
import requests

import replay
import sdk_oracle
from auth0_emulator.build import NODE
from auth0_emulator.sessions import apply_calls

GO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "auth0-recorded", "go-auth0")
HOUR_MS = 3600 * 1000
needs_node = pytest.mark.skipif(not NODE, reason="the emulator runs Actions in Node")


def recorded(name, index=0):
    with open(os.path.join(GO, name + ".json")) as handle:
        return json.load(handle)["interactions"][index]


def bind(api, code):
    action = api.create_action("policy", code=code)
    assert api.wait_built(action["id"])["status"] == "built"
    assert api.post("/actions/actions/%s/deploy" % action["id"]).status_code == 200
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [{"ref": {"type": "action_id", "value": action["id"]}}]})
    assert r.status_code == 200, r.text
    return action


SETS = """exports.onExecutePostLogin = async (event, api) => {
  const created = Date.parse(event.session.created_at);
  if (event.request.geoip.countryCode === 'FR') api.session.setCookieMode('non-persistent');
  api.session.setExpiresAt(created + %d * 3600 * 1000);
  api.session.setIdleExpiresAt(Date.now() + %d * 3600 * 1000);
};"""


def ms(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


@needs_node
def test_sign_in_follows_the_actions_calls_and_the_session_has_the_recorded_shape(api):
    bind(api, SETS % (8, 2))
    t = api.t
    result = t.sign_in("auth0|canary", {"country": "US"})
    session = result["session"]
    assert result["error"] is None and result["clamps"] == [] and result["cookie_mode"] == "persistent"
    assert ms(session["expires_at"]) - ms(session["created_at"]) == 8 * HOUR_MS
    assert ms(session["idle_expires_at"]) - ms(session["created_at"]) == 2 * HOUR_MS
    # The API answers it, with the recorded keys at every depth (TestSessionManager_Read.json).
    answer = api.get("/sessions/" + session["id"])
    assert answer.status_code == 200
    assert replay.differences(replay.shape(recorded("TestSessionManager_Read")["response"]), replay.shape(answer.json())) == []
    listed = api.get("/users/auth0%7Ccanary/sessions", params={"take": 50})
    assert listed.json() == {"sessions": [answer.json()]}
    # One "s" event with the keys of a recorded login event (no "s" event is recorded: "ss" is the nearest).
    events = t.log_events()
    assert [e["type"] for e in events] == ["s"]
    ss = recorded("TestLogManager_CheckpointPagination")["response"][0]
    assert sorted(events[0]) == sorted(ss)
    assert events[0]["user_id"] == "auth0|canary" and events[0]["details"]["session_id"] == session["id"]
    assert events[0]["location_info"] == {"country_code": "US"}
    api.get("/logs")
    assert sdk_oracle.check_log(api.t.requests()) == []


@needs_node
def test_a_lifetime_over_the_tenants_limit_is_clamped_and_warned(api):
    bind(api, SETS % (100, 50))
    t = api.t
    t.set_settings(session_lifetime_minutes=24 * 60, idle_session_lifetime_minutes=12 * 60)
    session = t.sign_in("auth0|a")["session"]
    assert ms(session["expires_at"]) - ms(session["created_at"]) == 24 * HOUR_MS
    assert ms(session["idle_expires_at"]) - ms(session["created_at"]) == 12 * HOUR_MS
    warnings = t.log_events("w")
    assert len(warnings) == 2
    assert "session_lifetime (1440 minutes)" in warnings[0]["description"]
    assert warnings[1]["details"]["setting"] == "idle_session_lifetime"
    # The API's log search finds them.
    found = api.get("/logs", params={"q": 'type:"w" AND user_id:"auth0|a"'}).json()
    assert [e["log_id"] for e in found] == [w["log_id"] for w in reversed(warnings)]


@needs_node
def test_a_non_persistent_session_is_bounded_by_the_ephemeral_settings(api):
    bind(api, SETS % (48, 24))
    t = api.t
    t.set_settings(ephemeral_session_lifetime_minutes=10 * 60, idle_ephemeral_session_lifetime_minutes=60)
    result = t.sign_in("auth0|fr", {"country": "FR"})
    session = result["session"]
    assert result["cookie_mode"] == "non-persistent"
    assert ms(session["expires_at"]) - ms(session["created_at"]) == 10 * HOUR_MS
    assert ms(session["idle_expires_at"]) - ms(session["created_at"]) == HOUR_MS
    assert [c["setting"] for c in result["clamps"]] == ["ephemeral_session_lifetime", "idle_ephemeral_session_lifetime"]


@needs_node
def test_an_action_that_throws_fails_the_login_without_a_session(api):
    bind(api, "exports.onExecutePostLogin = async () => { throw new Error('boom'); };")
    result = api.t.sign_in("auth0|x")
    assert result["session"] is None and result["error"]["message"] == "boom"
    assert api.t.sessions() == [] and [e["type"] for e in api.t.log_events()] == ["f"]


def test_without_an_action_the_tenant_settings_apply(api):
    api.t.set_settings(session_lifetime_minutes=90, idle_session_lifetime_minutes=30, session_cookie="non-persistent")
    api.t.set_settings(ephemeral_session_lifetime_minutes=120, idle_ephemeral_session_lifetime_minutes=45)
    result = api.t.sign_in("auth0|plain")
    session = result["session"]
    assert result["cookie_mode"] == "non-persistent" and result["calls"] == []
    assert ms(session["expires_at"]) - ms(session["created_at"]) == 120 * 60 * 1000
    assert ms(session["idle_expires_at"]) - ms(session["created_at"]) == 45 * 60 * 1000


def test_clamping_rule():
    created = 1700000000000
    minutes = {"session_lifetime": 600, "idle_session_lifetime": 120, "ephemeral_session_lifetime": None,
               "idle_ephemeral_session_lifetime": None}
    calls = [{"method": "session.setExpiresAt", "args": [created + 60 * 60000]},
             {"method": "session.setIdleExpiresAt", "args": [created + 90 * 60000]}]
    # Under both limits, but the idle expiry may not outlive the absolute one.
    expires, idle, mode, clamps = apply_calls(calls, minutes, None, created, created)
    assert (expires, idle, mode) == (created + 60 * 60000, created + 60 * 60000, "persistent")
    assert [(c["method"], c["setting"]) for c in clamps] == [("setIdleExpiresAt", "expires_at")]
    # A tenant setting never set: Auth0's default applies (non-persistent: 72 h absolute, 24 h idle).
    expires, idle, mode, clamps = apply_calls([{"method": "session.setCookieMode", "args": ["non-persistent"]}],
                                              minutes, "persistent", created, created)
    assert (expires - created, idle - created, mode, clamps) == (72 * HOUR_MS, 24 * HOUR_MS, "non-persistent", [])


@needs_node
def test_user_sessions_page_with_from_take_and_next(api):
    for unused in range(5):
        api.t.sign_in("auth0|many")
    api.t.sign_in("auth0|other")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"take": 2}
        if cursor:
            params["from"] = cursor
        body = api.get("/users/auth0%7Cmany/sessions", params=params).json()
        pages += 1
        seen.extend(s["id"] for s in body["sessions"])
        cursor = body.get("next")
        if not cursor:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 5
    assert api.get("/users/auth0%7Cmany/sessions", params={"take": 101}).status_code == 400


def test_session_deletes_answer_as_recorded(api):
    api.t.sign_in("auth0|gone")
    [session] = api.t.sessions()
    for name, method, path in (("TestSessionManager_Revoke", "POST", "/sessions/%s/revoke" % session["id"]),
                               ("TestSessionManager_Delete", "DELETE", "/sessions/" + session["id"]),
                               ("TestUserManager_DeleteUserSessions", "DELETE", "/users/auth0%7Cgone/sessions")):
        r = api.call(method, path)
        assert (r.status_code, r.json()) == (recorded(name)["status"], recorded(name)["response"])
    assert api.get("/sessions/" + session["id"]).status_code == 404
    assert api.t.sessions() == []


def test_session_routes_need_their_scopes(api, emu):
    api.t.set_scopes(["read:logs"])
    api.login()
    r = api.get("/users/auth0%7C1/sessions")
    assert r.status_code == 403 and "read:sessions" in r.json()["message"]
    assert api.call("DELETE", "/sessions/x").status_code == 403


@needs_node
def test_the_admin_api_signs_a_user_in(api, emu):
    bind(api, SETS % (8, 2))
    r = requests.post(emu.admin_url + "/tenants/alpha/sign-in", json={"user_id": "auth0|admin", "login": {"country": "DE"}},
                      timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["session"]["user_id"] == "auth0|admin"
    assert requests.get(emu.admin_url + "/tenants/alpha/sessions", timeout=10).json()[0]["id"] == r.json()["session"]["id"]
    assert [e["type"] for e in requests.get(emu.admin_url + "/tenants/alpha/logs", timeout=10).json()] == ["s"]
    assert requests.post(emu.admin_url + "/tenants/alpha/sign-in", json={"login": {}}, timeout=10).status_code == 400
