"""`GET /logs` paging and search, and `POST /actions/actions/{id}/test`, against the go-auth0
recordings (tests/fixtures/auth0-recorded/go-auth0/)."""
import json
import os

import pytest

import replay
import sdk_oracle
from auth0_emulator.build import NODE
from auth0_emulator.sessions import login_event

GO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "auth0-recorded", "go-auth0")
needs_node = pytest.mark.skipif(not NODE, reason="the emulator runs Actions in Node")


def recorded(name, index=0):
    with open(os.path.join(GO, name + ".json")) as handle:
        return json.load(handle)["interactions"][index]


def write(t, count, kind="s"):
    with t.lock:
        return [t.log_store.write(kind, "event %d" % n, user_id="auth0|%d" % n) for n in range(count)]


def test_logs_page_newest_first_and_checkpoint_after_the_id_oldest_first(api):
    events = write(api.t, 7)
    ids = [e["log_id"] for e in events]
    page1 = api.get("/logs", params={"page": 1, "per_page": 3}).json()
    assert isinstance(page1, list)  # a bare array, as recorded (TestLogManager)
    assert [e["log_id"] for e in page1] == list(reversed(ids))[3:6]
    after = api.get("/logs", params={"from": ids[2], "take": 2}).json()
    assert [e["log_id"] for e in after] == ids[3:5]  # as recorded (TestLogManager_CheckpointPagination #1)
    assert api.get("/logs", params={"from": ids[-1], "take": 2}).json() == []
    assert api.get("/logs", params={"take": 101}).status_code == 400
    assert api.get("/logs", params={"per_page": 101}).status_code == 400
    assert api.get("/logs", params={"page": 10, "per_page": 100}).status_code == 400  # past the 1,000 results
    assert api.get("/logs", params={"whatever": 1}).status_code == 400


def test_logs_search_sort_and_fields(api):
    write(api.t, 3, "s")
    write(api.t, 2, "w")
    warnings = api.get("/logs", params={"q": 'type:"w"'}).json()
    assert [e["type"] for e in warnings] == ["w", "w"]
    assert len(api.get("/logs", params={"q": "type:s AND user_id:auth0|1"}).json()) == 1
    assert len(api.get("/logs", params={"q": 'user_id:"auth0|*"'}).json()) == 5
    first = api.t.log_events()[0]
    since = api.get("/logs", params={"q": "date:{%s TO *]" % first["date"]}).json()
    assert first["log_id"] not in [e["log_id"] for e in since]
    oldest_first = api.get("/logs", params={"sort": "date:1"}).json()
    assert [e["log_id"] for e in oldest_first] == [e["log_id"] for e in api.t.log_events()]
    slim = api.get("/logs", params={"fields": "type,date", "include_fields": "true"}).json()
    assert all(sorted(e) == ["date", "type"] for e in slim)
    assert api.get("/logs", params={"q": "type:s OR (x"}).status_code == 400
    one = api.get("/logs/" + first["log_id"])
    assert one.status_code == 200 and one.json()["log_id"] == first["log_id"]
    assert api.get("/logs/nope").status_code == 404
    assert sdk_oracle.check_log(api.t.requests()) == []


def test_logs_need_read_logs(api):
    api.t.set_scopes(["read:actions"])
    api.login()
    r = api.get("/logs")
    assert r.status_code == 403 and "read:logs" in r.json()["message"]


def built(api, code="exports.onExecutePostLogin = async (event, api) => {};"):
    action = api.create_action("tested", code=code)
    assert api.wait_built(action["id"])["status"] == "built"
    return action


@needs_node
def test_an_incomplete_event_fails_as_recorded(api):
    """The recorded run: an empty Action, an event with only a user, an error from Auth0's side."""
    exchange = recorded("TestActionManager_Test", 4)
    action = built(api, recorded("TestActionManager_Test", 0)["request"]["code"])
    r = api.post("/actions/actions/%s/test" % action["id"], exchange["request"])
    assert r.status_code == exchange["status"] == 200
    assert replay.differences(replay.shape(exchange["response"]), replay.shape(r.json())) == []
    error = r.json()["payload"]["error"]
    assert (error["name"], error["message"]) == (exchange["response"]["payload"]["error"]["name"],
                                                 exchange["response"]["payload"]["error"]["message"])


@needs_node
def test_the_draft_runs_on_a_complete_event_and_an_error_thrown_is_answered(api):
    code = ("exports.onExecutePostLogin = async (event, api) => {\n"
            "  if (event.organization) throw new RangeError('no orgs here');\n"
            "  console.log('rule for', event.client.client_id);\n"
            "  api.session.setExpiresAt(Date.parse(event.session.created_at) + 60000);\n"
            "  api.session.setCookieMode('non-persistent');\n};")
    action = built(api, code)
    event = login_event(api.t, "auth0|t", {"client": "web"}, "sess", 1700000000000, 1700000000000)
    ok = api.post("/actions/actions/%s/test" % action["id"], {"payload": {"event": event}})
    assert ok.status_code == 200
    payload = ok.json()["payload"]
    # The success answer is the emulator's assumption (no success is recorded): logs, stats, api_calls.
    assert payload["api_calls"] == [{"method": "session.setExpiresAt", "args": [1700000060000]},
                                    {"method": "session.setCookieMode", "args": ["non-persistent"]}]
    assert payload["logs"] == "rule for web" and "error" not in payload
    assert sorted(payload["stats"]) == sorted(recorded("TestActionManager_Test", 4)["response"]["payload"]["stats"])
    event["organization"] = {"id": "org_1", "name": "acme"}
    failed = api.post("/actions/actions/%s/test" % action["id"], {"payload": {"event": event}}).json()["payload"]
    assert (failed["error"]["name"], failed["error"]["message"]) == ("RangeError", "no orgs here")
    assert "api_calls" not in failed
    assert sdk_oracle.check_log(api.t.requests()) == []
    # A test run is logged, but as no write: it leaves nothing behind.
    runs = [r for r in api.t.requests() if r["path"].endswith("/test")]
    assert len(runs) == 2 and not any(r["write"] for r in runs)
    # The draft is what runs, not the deployed version: nothing was deployed.
    assert api.t.actions()[0]["versions"] == []


def test_test_refuses_a_bad_body_and_an_unbuilt_draft(api):
    action = built(api)
    assert api.post("/actions/actions/%s/test" % action["id"], {"event": {}}).status_code == 400
    assert api.post("/actions/actions/%s/test" % action["id"], {"payload": {}, "x": 1}).status_code == 400
    assert api.post("/actions/actions/nope/test", {"payload": {}}).status_code == 404
    api.t.set_faults(build_seconds=30)
    api.patch("/actions/actions/" + action["id"], {"code": "exports.onExecutePostLogin = async () => {};"})
    assert api.post("/actions/actions/%s/test" % action["id"], {"payload": {"event": {}}}).status_code == 400


def test_the_fault_knob_makes_one_tenant_answer_a_runtime_error(api, emu):
    action = built(api)
    api.t.set_faults(action_test_error={"name": "TypeError", "message": "x is not a function"})
    r = api.post("/actions/actions/%s/test" % action["id"], {"payload": {"event": {}}})
    assert r.status_code == 200
    exchange = recorded("TestActionManager_Test", 4)
    assert replay.differences(replay.shape(exchange["response"]), replay.shape(r.json())) == []
    assert r.json()["payload"]["error"]["message"] == "x is not a function"
    other = emu.tenant("beta")
    assert other.faults()["action_test_error"] is None


def test_test_needs_create_actions(api):
    action = built(api)
    api.t.set_scopes(["read:actions"])
    api.login()
    r = api.post("/actions/actions/%s/test" % action["id"], {"payload": {"event": {}}})
    assert r.status_code == 403 and "create:actions" in r.json()["message"]


def test_a_date_range_compares_instants_not_text():
    # "...:03.456Z" is after "...:03Z", though as text it sorts before it ('.' < 'Z'): a verify run started in the
    # same second as the sign-in that clamped would miss the clamp's warning.
    from auth0_emulator import logs
    event = {"type": "w", "date": "2026-12-07T21:00:03.456Z"}
    assert logs._matches(event, logs._parse_q('type:"w" AND date:[2026-12-07T21:00:03Z TO *]'))
    assert not logs._matches(event, logs._parse_q('date:[2026-12-07T21:00:04Z TO *]'))
    assert logs._matches(event, logs._parse_q('date:{* TO 2026-12-07T21:00:04Z}'))
