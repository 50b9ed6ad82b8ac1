def ref(name):
    return {"ref": {"type": "action_name", "value": name}, "display_name": name}


def test_replace_order_and_fresh_ids(api):
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
    # Recorded: every PATCH gives every binding a new id, even one whose action stays bound.
    assert not {b["id"] for b in second} & {b["id"] for b in first}
    assert second[0]["action"]["current_version"]["status"] == "BUILT"
    assert second[0]["action"]["deployed_version"]["deployed"] is True
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
    # Recorded: Terraform's per_page=100 is accepted.
    assert api.get("/actions/triggers/post-login/bindings", params={"per_page": 100}).status_code == 200
    assert api.get("/actions/triggers/post-login/bindings", params={"per_page": 101}).status_code == 400
    assert api.get("/actions/triggers/nope/bindings").status_code == 404


def test_later_page_has_no_total(api):
    api.t.set_faults(build_seconds=0)
    api.deployed_action("only")
    api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("only")]})
    first = api.get("/actions/triggers/post-login/bindings", params={"page": 0, "per_page": 100}).json()
    assert sorted(first) == ["bindings", "per_page", "total"]
    later = api.get("/actions/triggers/post-login/bindings", params={"page": 1, "per_page": 100}).json()
    assert later == {"bindings": [], "page": 1, "per_page": 100}


def test_bind_right_after_deploy_meets_not_deployed_while_registering(api):
    api.t.set_faults(build_seconds=0, unregistered_binds=2)
    api.deployed_action("fresh")
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("fresh")]})
    assert r.status_code == 400 and r.json()["errorCode"] == "action_not_deployed"
    assert api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("fresh")]}).status_code == 400
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [ref("fresh")]})
    assert r.status_code == 200
