def ref(name):
    return {"ref": {"type": "action_name", "value": name}, "display_name": name}


def test_replace_order_and_stable_ids(api):
    api.t.set_faults(build_seconds=0)
    a = api.deployed_action("a")
    api.deployed_action("b")
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("a"), ref("b")]})
    assert r.status_code == 200
    first = r.json()["bindings"]
    assert [b["action"]["name"] for b in first] == ["a", "b"]
    assert first[0]["trigger_id"] == "post-login" and first[0]["display_name"] == "a"
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [
        ref("b"), {"ref": {"type": "action_id", "value": a["id"]}, "display_name": "A!"}]})
    second = r.json()["bindings"]
    assert [b["action"]["name"] for b in second] == ["b", "a"]
    assert {b["id"] for b in second} == {b["id"] for b in first}
    assert second[1]["display_name"] == "A!"
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [
        {"ref": {"type": "binding_id", "value": second[0]["id"]}}]})
    assert [b["action"]["name"] for b in r.json()["bindings"]] == ["b"]
    listed = api.get("/actions/triggers/post-login/bindings").json()
    assert listed["total"] == 1 and listed["per_page"] == 20 and "page" not in listed
    assert api.t.bindings("post-login")[0]["action"]["name"] == "b"


def test_undeployed_and_unknown(api):
    api.t.set_faults(build_seconds=0)
    api.create_action("draft")
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("draft")]})
    assert r.status_code == 400 and "draft" in r.json()["message"]
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("nobody")]})
    assert r.status_code == 404
    assert api.get("/actions/triggers/post-login/bindings").json()["bindings"] == []


def test_delete_bound_action(api):
    api.t.set_faults(build_seconds=0)
    a = api.deployed_action("bound")
    api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("bound")]})
    r = api.delete("/actions/actions/" + a["id"])
    assert r.status_code == 409 and r.json()["statusCode"] == 409
    r = api.delete("/actions/actions/" + a["id"], params={"force": "true"})
    assert r.status_code == 204
    assert api.get("/actions/triggers/post-login/bindings").json()["bindings"] == []


def test_bindings_pagination_limit(api):
    assert api.get("/actions/triggers/post-login/bindings", params={"per_page": 50}).status_code == 200
    assert api.get("/actions/triggers/post-login/bindings", params={"per_page": 51}).status_code == 400
    assert api.get("/actions/triggers/nope/bindings").status_code == 404
