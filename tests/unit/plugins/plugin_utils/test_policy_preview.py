"""The preview: logins read from logs (recorded event shapes) replayed under the deployed and a new policy."""
import json
import os

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Client
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_login_logs import count_logins, login_of, read_deployed_policy, read_logins
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_preview import decide, preview
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_render import render_action
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_validate import validate_policy

GO = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "auth0-recorded", "go-auth0")


def recorded_events():
    with open(os.path.join(GO, "TestLogManager_CheckpointPagination.json")) as handle:
        return json.load(handle)["interactions"][0]["response"]


def s_event(client="kiosk", connection="Username-Password-Authentication", country=None, org=None):
    # A recorded `ss` event's fields as an `s` event (none is recorded), with values of our own.
    event = dict(recorded_events()[0], type="s", client_id=client, connection=connection, date="2024-03-01T10:00:00.000Z")
    if country:
        event["location_info"] = {"country_code": country.lower()}
    if org:
        event.update(organization_id=org, organization_name=org + "-name")
    return event


def policy(rules, default):
    normalized, errors = validate_policy({"session_lifetime": "30d", "idle_session_lifetime": "3d"}, rules, default)
    assert not errors, errors
    return normalized


def read_for(deployed_normalized, events):
    data = json.loads(render_action(deployed_normalized).split("const POLICY = ", 1)[1].split(";\n", 1)[0])
    return dict(logins=count_logins(events), deployed=dict(policy=data, settings={"session_lifetime": 43200, "idle_session_lifetime": 4320}))


def test_login_keeps_only_the_policy_words_and_never_user_fields():
    login = login_of(recorded_events()[0])
    assert set(login) == {"client", "client_name", "connection", "organization", "country", "country_known"}
    text = json.dumps(count_logins(recorded_events()))
    assert "chuck" not in text and "auth0|" not in text and "@example.com" not in text
    # location_info is null in every recording: the country is unknown, not "none".
    assert login["country_known"] is False


def test_counts_and_lifetime_change_per_rule():
    now = policy([{"name": "kiosk", "match": {"clients": ["kiosk"]}, "session_lifetime": "1d"}], {"session_lifetime": "7d"})
    new = policy([{"name": "kiosk", "match": {"clients": ["kiosk"]}, "session_lifetime": "1d"}], {"session_lifetime": "3d"})
    events = [s_event(client="web")] * 180 + [s_event()] * 20
    out = preview(new, read_for(now, events))
    assert out["total"] == 200
    assert "default: 180 of 200 logins (now 180), session_lifetime 7d -> 3d, idle_session_lifetime 3d" in out["lines"]
    assert "kiosk: 20 of 200 logins (now 20), session_lifetime 1d, idle_session_lifetime 3d" in out["lines"]


def test_condition_the_log_cannot_answer_is_unknown_never_a_guess():
    now = policy([], {"session_lifetime": "7d"})
    new = policy([{"name": "admins", "match": {"roles": ["admin"]}, "session_lifetime": "8h"},
                  {"name": "france", "match": {"countries": ["FR"]}, "session_lifetime": "1d"}], {"session_lifetime": "7d"})
    events = [s_event()] * 3 + [s_event(country="FR")] * 2
    out = preview(new, read_for(now, events))
    admins = [r for r in out["rules"] if r["rule"] == "admins"][0]
    assert admins["new"] == 0 and admins["unknown_new"] == 5
    assert "unknown for rule admins: 0 logins now, 5 under the new policy (the log does not carry roles)" in out["lines"]


def test_country_decides_when_the_log_has_a_location():
    new = policy([{"name": "france", "match": {"countries": ["FR"]}, "session_lifetime": "1d"}], {"session_lifetime": "7d"})
    assert decide(new, login_of(s_event(country="FR"))) == ("france", None)
    assert decide(new, login_of(s_event(country="DE"))) == ("default", None)
    assert decide(new, login_of(s_event())) == ("france", ["countries"])


def test_organization_from_the_log():
    new = policy([{"name": "partners", "match": {"organizations": ["org_1"]}, "session_lifetime": "1d"}], {"session_lifetime": "7d"})
    assert decide(new, login_of(s_event(org="org_1")))[0] == "partners"
    assert decide(new, login_of(s_event()))[0] == "default"


class FakeClient(object):
    paginate = Auth0Client.paginate

    def __init__(self, pages, action=None):
        self.pages, self.action, self.sent, self.slept = list(pages), action, [], []

    def get(self, path, params=None):
        self.sent.append((path, dict(params or {})))
        if path == "/api/v2/logs":
            return self.pages.pop(0)
        if path == "/api/v2/tenants/settings":
            return {"session_lifetime": 720, "idle_session_lifetime": 72}
        if path == "/api/v2/actions/actions":
            return {"actions": [self.action] if self.action else [], "total": 1 if self.action else 0}
        raise AssertionError(path)


def test_read_is_bounded_paced_and_newest_first():
    page = [s_event()] * 100
    client = FakeClient([page, page, page])
    slept = []
    out = read_logins(client, "2024-03-01T00:00:00Z", None, 200, page_pause=0.5, sleep=slept.append)
    assert out["read"] == 200 and out["complete"] is False
    assert len([p for p in client.sent if p[0] == "/api/v2/logs"]) == 2 and slept == [0.5]
    assert client.sent[0][1] == {"q": 'type:"s" AND date:[2024-03-01T00:00:00Z TO *]', "sort": "date:-1", "page": 0, "per_page": 100}
    assert out["logins"] == [dict(login_of(s_event()), count=200)]


def test_deployed_policy_read_back_from_the_deployed_code():
    normalized = policy([{"name": "kiosk", "match": {"clients": ["kiosk"]}, "session_lifetime": "1d"}], {"session_lifetime": "7d"})
    code = render_action(normalized)
    action = {"id": "a1", "name": "sessionguard-session-policy", "code": "draft edit",
              "deployed_version": {"id": "v1", "number": 1, "code": code}}
    out = read_deployed_policy(FakeClient([], action), "sessionguard-session-policy")
    assert out["policy"]["rules"][0]["name"] == "kiosk" and out["version"] == {"id": "v1", "number": 1}
    assert out["settings"]["session_lifetime"] == 720 * 60
