"""The collection's real client and module_utils on what a real Auth0 tenant answered.

A fake transport (in place of ``requests.Session``) serves the recorded response bodies of
tests/fixtures/auth0-recorded/ (real tenant recordings, see the README there) in a fixed order and
checks that each request our code sends is the one expected at that step. Nothing here is written
by us except the order: every body our code parses is one Auth0 sent.
"""
import json
import os
import re

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import ensure_action
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Client
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_binding import ensure_binding
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import ensure_settings, parse_desired

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "auth0-recorded")
CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"


def recorded(name):
    with open(os.path.join(FIXTURES, name + ".json")) as handle:
        return json.load(handle)["interactions"]


class Response(object):
    def __init__(self, status, body):
        self.status_code = status
        self.content = json.dumps(body).encode() if body is not None else b""
        self._body = body
        self.headers = {"content-type": "application/json"}
        self.reason = "recorded"

    def json(self):
        if self._body is None:
            raise ValueError("no body")
        return self._body


class RecordedTransport(object):
    """Answers each request with the next recorded interaction after checking method and path."""

    def __init__(self, script):
        self.script = list(script)  # [(method, path regex, interaction)]
        self.sent = []

    def request(self, method, url, params=None, json=None, headers=None, **unused):
        if url.endswith("/oauth/token"):
            return Response(200, {"access_token": "recorded-token", "expires_in": 86400, "token_type": "Bearer"})
        path = url.split("localhost", 1)[1]
        assert self.script, "unexpected request %s %s" % (method, path)
        expected_method, pattern, interaction = self.script.pop(0)
        assert (method, bool(re.search(pattern, path))) == (expected_method, True), \
            "sent %s %s, expected %s %s" % (method, path, expected_method, pattern)
        self.sent.append((method, path, params, json))
        return Response(interaction["status"], interaction["response"])


def client(script):
    transport = RecordedTransport(script)
    return Auth0Client("localhost", token="t", session=transport, sleep=lambda s: None), transport


def test_settings_on_a_tenant_that_left_out_the_ephemeral_lifetimes():
    log = recorded("TestAccTenant_EnableSSO")
    assert "ephemeral_session_lifetime" not in log[1]["response"]
    api, transport = client([("GET", "/tenants/settings$", log[1])])
    desired, errors = parse_desired({"session_lifetime": "7d", "idle_session_lifetime": "3d"}, "enterprise")
    outcome = ensure_settings(api, desired, check_mode=False)
    assert errors == [] and outcome["errors"] == [] and outcome["changed"] is False
    assert sorted(outcome["settings"]) == ["cookie_mode", "idle_session_lifetime", "session_lifetime"]
    assert transport.script == []


def test_settings_write_and_read_back_the_recorded_answer():
    log = recorded("TestAccTenantDefaults")
    api, transport = client([("GET", "/tenants/settings$", log[0]), ("PATCH", "/tenants/settings$", log[1])])
    desired, unused = parse_desired({"session_lifetime": "7d", "idle_session_lifetime": "3d",
                                     "ephemeral_session_lifetime": "3d", "idle_ephemeral_session_lifetime": "1d"},
                                    "enterprise")
    outcome = ensure_settings(api, desired, check_mode=False)
    assert outcome["errors"] == [] and outcome["changed_fields"] == ["session_lifetime"]
    assert transport.sent[1][3] == {"session_lifetime_in_minutes": 10080}
    assert outcome["settings"]["session_lifetime"] == {"minutes": 10080, "human": "7d"}


def actions_script():
    """Create, build, deploy (answered deployed: false) and confirm, as recorded for one action."""
    listing = recorded("TestAccDataSourceAction")[0]  # an empty list: {"actions": [], "per_page": 50}
    log = recorded("TestAccTriggerActions")
    action = "/actions/actions/5f357212-ac1e-4fc1-8b67-052248aaa40d"
    return [("GET", "/actions/actions$", listing), ("POST", "/actions/actions$", log[5]),
            ("GET", action + "$", log[6]), ("POST", action + "/deploy$", log[7]), ("GET", action + "$", log[8])]


def test_create_build_and_deploy_on_recorded_answers():
    log = recorded("TestAccTriggerActions")
    assert log[7]["response"]["deployed"] is False and log[8]["response"]["deployed_version"]["deployed"] is True
    api, transport = client(actions_script())
    # The code the recording sent: the built draft must hold the code this run wrote before it is deployed.
    outcome = ensure_action(api, "Test Trigger Binding Bar TestAccTriggerActions", trigger="post-login",
                            code=log[5]["request"]["code"], sleep=lambda s: None)
    assert outcome["errors"] == [], outcome
    assert outcome["operations"] == ["create", "deploy"] and outcome["changed"] is True
    assert outcome["action"]["deployed_version"] == 1 and outcome["action"]["status"] == "built"
    assert outcome["action"]["all_changes_deployed"] is True
    assert transport.script == []


@pytest.mark.parametrize("runtime", ["node18", "node18-actions"])
def test_a_recorded_node18_actions_runtime_is_no_difference(runtime):
    log = recorded("TestAccAction")
    current = log[24]["response"]  # runtime node18-actions, deployed, all changes deployed
    assert current["runtime"] == "node18-actions" and current["all_changes_deployed"] is True
    listing = dict(log[24], response={"actions": [current], "per_page": 50, "total": 1})
    api, transport = client([("GET", "/actions/actions$", listing)])
    outcome = ensure_action(api, current["name"], trigger="post-login", code=current["code"], runtime=runtime,
                            dependencies=current["dependencies"])
    assert outcome["errors"] == [] and outcome["changed"] is False and outcome["operations"] == []


def test_binding_on_recorded_answers_sends_what_the_terraform_provider_sent():
    log = recorded("TestAccTriggerActions")
    second = log[8]["response"]
    api, transport = client([("GET", "/bindings$", log[19]), ("PATCH", "/bindings$", log[21]),
                             ("GET", "/bindings$", log[22])])
    outcome = ensure_binding(api, "post-login", action=second, display_name=second["name"], sleep=lambda s: None)
    assert outcome["errors"] == [] and outcome["operations"] == ["bind"] and outcome["writes"] == 1
    # The same body a real tool sent to a real tenant: every binding by action id, in order.
    assert transport.sent[1][3] == log[21]["request"]
    assert [b["action"] for b in outcome["bindings"]] == [b["action"]["name"] for b in log[22]["response"]["bindings"]]
    # The binding ids were renewed by the PATCH and the write is still recognised as ours.
    assert outcome["bindings"][0]["id"] == log[22]["response"]["bindings"][0]["id"]
    assert outcome["bindings"][0]["id"] != log[19]["response"]["bindings"][0]["id"]
    assert transport.script == []


def test_converged_binding_on_recorded_answers_is_one_read():
    log = recorded("TestAccTriggerActions")
    first = log[3]["response"]
    api, transport = client([("GET", "/bindings$", log[22])])
    outcome = ensure_binding(api, "post-login", action=first, display_name=first["name"], position="first")
    assert outcome["errors"] == [] and outcome["changed"] is False and [s[0] for s in transport.sent] == ["GET"]
