import time

CODE = "exports.onExecutePostLogin = async (event, api) => { api.session.setCookieMode('persistent'); };"


def test_create_build_and_secrets(api):
    a = api.create_action("a1", code=CODE, secrets=[{"name": "API_KEY", "value": "s3cret"}],
                          dependencies=[{"name": "lodash", "version": "4.17.21"}])
    assert a["status"] in ("pending", "building")
    assert a["runtime"] == "node22"
    assert a["secrets"][0]["name"] == "API_KEY" and "value" not in a["secrets"][0]
    assert "deployed_version" not in a
    built = api.wait_built(a["id"])
    assert built["status"] == "built" and "built_at" not in built  # recorded: no built_at on the action
    assert "s3cret" not in api.get("/actions/actions").text
    assert api.t.secret_value("a1", "API_KEY") == "s3cret"
    # name only keeps the value; a new value replaces it
    api.patch("/actions/actions/" + a["id"], {"secrets": [{"name": "API_KEY"}]})
    assert api.t.secret_value("a1", "API_KEY") == "s3cret"


def test_create_validation(api):
    assert api.post("/actions/actions", {"name": "x"}).status_code == 400
    r = api.post("/actions/actions", {"name": "x", "supported_triggers": [{"id": "post-login"}], "foo": 1})
    assert r.status_code == 400 and "Additional properties not allowed: foo" in r.json()["message"]
    api.create_action("dup")
    r = api.post("/actions/actions", {"name": "dup", "supported_triggers": [{"id": "post-login"}]})
    assert r.status_code == 409 and r.json()["error"] == "Conflict"


def test_syntax_error_fails_build_when_checked(api):
    api.t.set_faults(check_syntax=True)
    a = api.create_action("broken", code="exports.onExecutePostLogin = async (event, api) => { foo(;")
    built = api.wait_built(a["id"])
    assert built["status"] == "failed"
    assert built["errors"] and all({"id", "msg", "url"} <= set(e) for e in built["errors"])
    assert "SyntaxError" in built["errors"][0]["msg"]
    r = api.post("/actions/actions/%s/deploy" % a["id"])
    assert r.status_code == 400


def test_dependency_and_injected_build_failures(api):
    a = api.create_action("dep", dependencies=[{"name": "left-pad", "version": "0.0.0-fail"}])
    assert api.wait_built(a["id"])["status"] == "failed"
    api.t.set_faults(fail_builds=1)
    b = api.create_action("inj")
    assert api.wait_built(b["id"])["status"] == "failed"
    c = api.create_action("ok")
    assert api.wait_built(c["id"])["status"] == "built"


def test_deploy_lifecycle(api):
    api.t.set_faults(build_seconds=0.3)
    a = api.create_action("life", code=CODE)
    r = api.post("/actions/actions/%s/deploy" % a["id"])
    assert r.status_code == 400
    assert r.json()["message"] == "A draft must be in the 'built' state before it can be deployed."
    api.wait_built(a["id"])
    r = api.post("/actions/actions/%s/deploy" % a["id"])
    assert r.status_code == 200
    v1 = r.json()
    # Recorded answer: deployed false and the action summary as it was before the deploy.
    assert v1["number"] == 1 and v1["deployed"] is False and v1["action"]["id"] == a["id"]
    assert v1["action"]["all_changes_deployed"] is False and "built_at" not in v1
    got = api.get("/actions/actions/" + a["id"]).json()
    assert got["all_changes_deployed"] is True and got["deployed_version"]["number"] == 1
    assert got["deployed_version"]["deployed"] is True
    assert got["current_version"]["status"] == "BUILT" and got["current_version"]["number"] == 1
    # update: the draft changes, the deployed version does not
    r = api.patch("/actions/actions/" + a["id"], {"code": CODE + "\n// v2"})
    assert r.status_code == 200 and r.json()["all_changes_deployed"] is False
    assert r.json()["status"] in ("pending", "building")
    assert r.json()["deployed_version"]["code"] == CODE
    api.wait_built(a["id"])
    v2 = api.post("/actions/actions/%s/deploy" % a["id"]).json()
    assert v2["number"] == 2
    versions = api.get("/actions/actions/%s/versions" % a["id"]).json()
    assert versions["total"] == 2 and [v["number"] for v in versions["versions"]] == [2, 1]
    assert versions["versions"][1]["deployed"] is False  # nested false stays in lists (recorded)
    one = api.get("/actions/actions/%s/versions/%s" % (a["id"], v1["id"])).json()
    assert one["deployed"] is False and one["number"] == 1


def test_create_with_deploy_flag(api):
    a = api.create_action("auto", deploy=True)
    api.wait_built(a["id"])
    got = api.get("/actions/actions/" + a["id"]).json()
    assert got["deployed_version"]["number"] == 1


def test_list_pagination_filters_and_zero_keys(api):
    api.t.set_faults(build_seconds=0)
    for i in range(5):
        api.create_action("p%d" % i)
    r = api.get("/actions/actions", params={"per_page": 2}).json()
    assert r["total"] == 5 and r["per_page"] == 2 and "page" not in r  # page 0 dropped
    assert [a["name"] for a in r["actions"]] == ["p0", "p1"]
    assert all(a["all_changes_deployed"] is False for a in r["actions"])  # nested false kept (recorded)
    r = api.get("/actions/actions", params={"per_page": 2, "page": 2}).json()
    assert r["page"] == 2 and [a["name"] for a in r["actions"]] == ["p4"]
    assert api.get("/actions/actions", params={"actionName": "p3"}).json()["total"] == 1
    r = api.get("/actions/actions", params={"actionName": "none"}).json()
    assert r == {"actions": [], "per_page": 50}
    assert api.get("/actions/actions", params={"triggerId": "post-login"}).json()["total"] == 5
    assert api.get("/actions/actions", params={"deployed": "true"}).json()["actions"] == []
    assert api.get("/actions/actions", params={"per_page": 100}).status_code == 200
    r = api.get("/actions/actions", params={"per_page": 101})
    assert r.status_code == 400 and r.json()["errorCode"] == "invalid_query_string"
    r = api.get("/actions/actions", params={"include_totals": "true"})
    assert r.status_code == 400
    assert r.json()["message"] == "Query validation error: 'Additional properties not allowed: include_totals'."


def test_delete(api):
    a = api.create_action("gone")
    assert api.delete("/actions/actions/" + a["id"]).status_code == 204
    assert api.get("/actions/actions/" + a["id"]).status_code == 404


def test_triggers_modules_clients(api):
    trig = api.get("/actions/triggers").json()["triggers"]
    assert {"id": "post-login", "version": "v3"}.items() <= next(
        t for t in trig if t["id"] == "post-login" and t["version"] == "v3").items()
    assert api.get("/actions/modules").json()["modules"] == []
    clients = api.get("/clients").json()
    assert any(c["client_id"] == api.t.client_id for c in clients)
    assert all("client_secret" not in c for c in clients)
    r = api.get("/clients", params={"include_totals": "true", "per_page": 1}).json()
    assert r["total"] == 2 and len(r["clients"]) == 1


def test_builds_take_build_seconds(api):
    api.t.set_faults(build_seconds=0.4)
    a = api.create_action("slow")
    time.sleep(0.15)
    assert api.get("/actions/actions/" + a["id"]).json()["status"] == "building"
    assert api.wait_built(a["id"])["status"] == "built"


def test_code_that_cannot_be_checked_fails_the_build_instead_of_hanging(api):
    # Lone surrogates (a non-UTF-8 file read leniently) cannot be written for `node --check`.
    api.t.set_faults(check_syntax=True)
    a = api.create_action("surrogates", code=u"exports.onExecutePostLogin = async () => {}; // \udcff")
    built = api.wait_built(a["id"])
    assert built["status"] == "failed" and "UnicodeEncodeError" in built["errors"][0]["msg"]


def test_bindings_embed_the_deployed_version_with_its_code(api):
    # As the recorded bindings PATCH answer does (shared fixture TestAccTriggerActions.json).
    a = api.create_action("bound", code=CODE)
    api.wait_built(a["id"])
    assert api.post("/actions/actions/%s/deploy" % a["id"]).status_code < 300
    r = api.patch("/actions/triggers/post-login/bindings", {"bindings": [{"ref": {"type": "action_id", "value": a["id"]}}]})
    assert r.status_code == 200, r.text
    embedded = api.get("/actions/triggers/post-login/bindings").json()["bindings"][0]["action"]
    assert embedded["deployed_version"]["code"] == CODE


def test_syntax_errors_build_unless_checked(api):
    # Recorded: real Auth0 built code ending in `};"` (auth0-recorded TestAccAction).
    a = api.create_action("lenient", code="exports.onExecutePostLogin = async (event, api) => {};\"\n")
    assert api.wait_built(a["id"])["status"] == "built"
