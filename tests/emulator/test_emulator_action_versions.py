"""Redeploying an earlier Action version (a rollback): POST .../versions/{id}/deploy.

The route, its optional ``update_draft`` and the answer's model are auth0-python's
(``actions.versions.deploy``, DeployActionVersionResponseContent); one real exchange is recorded
(tests/fixtures/auth0-recorded/go-auth0/TestActionManager_DeployVersion.json, a go-auth0 recording).
"""
import json
import os

import replay
import sdk_oracle


def recorded_version():
    """A version object as real Auth0 sent it: the answer of a recorded deploy."""
    for path in replay.recordings():
        with open(path) as handle:
            for item in json.load(handle)["interactions"]:
                if item["method"] == "POST" and item["path"].endswith("/deploy"):
                    return item["response"]
    raise AssertionError("no recorded deploy answer")


CODE_A = "exports.onExecutePostLogin = async (event, api) => {}; // A"
CODE_B = "exports.onExecutePostLogin = async (event, api) => {}; // B"


def _two_versions(api):
    api.t.set_faults(build_seconds=0)
    a = api.create_action("rollback-me", code=CODE_A)
    api.wait_built(a["id"])
    v1 = api.post("/actions/actions/%s/deploy" % a["id"]).json()
    api.patch("/actions/actions/" + a["id"], {"code": CODE_B})
    api.wait_built(a["id"])
    v2 = api.post("/actions/actions/%s/deploy" % a["id"]).json()
    return a["id"], v1, v2


RECORDED_REDEPLOY = os.path.join(replay.FIXTURES, "go-auth0", "TestActionManager_DeployVersion.json")


def recorded_redeploy():
    """The recorded version deploy: ``(the first deploy's answer, the redeploy's answer)``."""
    with open(RECORDED_REDEPLOY) as handle:
        found = [i for i in json.load(handle)["interactions"] if i["method"] == "POST" and i["path"].endswith("/deploy")]
    assert [i["path"].count("/versions/") for i in found] == [0, 1]
    return found[0]["response"], found[1]["response"]


def test_redeploy_answers_as_real_auth0_did():
    """The recorded answer: a new id, the next number, deployed false, the action summary; the same shape here."""
    first, again = recorded_redeploy()
    assert again["id"] != first["id"] and again["number"] == first["number"] + 1
    assert again["deployed"] is False and again["code"] == first["code"]
    assert set(again) == set(first) and set(again["action"]) == set(first["action"])


def test_redeploy_makes_a_new_version_with_the_old_content_and_keeps_the_draft(api):
    action_id, v1, v2 = _two_versions(api)
    path = "/actions/actions/%s/versions/%s/deploy" % (action_id, v1["id"])
    r = api.post(path)
    assert r.status_code == 200
    v3 = r.json()
    # The SDK's models make every field optional, so also every key a real version object carries.
    assert sdk_oracle.check_answer("POST", "/api/v2" + path, 200, v3) == []
    one = "/actions/actions/%s/versions/%s" % (action_id, v1["id"])
    assert sdk_oracle.check_answer("GET", "/api/v2" + one, 200, api.get(one).json()) == []
    real = set(recorded_version())
    assert real <= set(v3) and real <= set(api.get(one).json()), real - set(v3)
    recorded = recorded_redeploy()[1]
    assert set(recorded) <= set(v3) and set(recorded["action"]) <= set(v3["action"]), set(recorded) - set(v3)
    # Like the recorded answer: deployed false in the answer, the action as it was before.
    assert (v3["number"], v3["deployed"], v3["code"]) == (3, False, CODE_A)
    assert v3["action"]["all_changes_deployed"] is True
    assert v3["id"] not in (v1["id"], v2["id"])
    got = api.get("/actions/actions/" + action_id).json()
    assert got["deployed_version"]["id"] == v3["id"] and got["code"] == CODE_B
    assert got["all_changes_deployed"] is False
    numbers = [v["number"] for v in api.get("/actions/actions/%s/versions" % action_id).json()["versions"]]
    assert numbers == [3, 2, 1]


def test_update_draft_takes_the_old_code(api):
    action_id, v1 = _two_versions(api)[:2]
    api.post("/actions/actions/%s/versions/%s/deploy" % (action_id, v1["id"]), {"update_draft": True})
    got = api.get("/actions/actions/" + action_id).json()
    assert got["code"] == CODE_A and got["all_changes_deployed"] is True


def test_unknown_version_body_and_scope(api):
    action_id, v1 = _two_versions(api)[:2]
    r = api.post("/actions/actions/%s/versions/nope/deploy" % action_id)
    assert r.status_code == 404
    r = api.post("/actions/actions/%s/versions/%s/deploy" % (action_id, v1["id"]), {"force": True})
    assert r.status_code == 400 and "force" in r.json()["message"]
    api.t.set_scopes(["read:actions"])
    api.login()  # scopes are fixed when the token is issued
    r = api.post("/actions/actions/%s/versions/%s/deploy" % (action_id, v1["id"]))
    assert r.status_code == 403
