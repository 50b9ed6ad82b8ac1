import time


def test_token_success_shape(anon):
    r = anon.token()
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert "read:tenant_settings" in body["scope"].split()
    assert body["access_token"].count(".") == 2 and len(body["access_token"]) > 300
    assert anon.t.token_count() == 1


def test_token_form_body(anon):
    t = anon.t
    r = anon.session.post(anon.base + "/oauth/token", verify=anon.emu.ca_path, data={
        "grant_type": "client_credentials", "client_id": t.client_id, "client_secret": t.client_secret,
        "audience": "https://%s/api/v2/" % t.domain})
    assert r.status_code == 200
    assert t.requests()[-1]["body"]["grant_type"] == "client_credentials"


def test_token_bad_secret(anon):
    r = anon.token(client_secret="nope")
    assert r.status_code == 401
    assert r.json() == {"error": "access_denied", "error_description": "Unauthorized"}


def test_token_bad_audience(anon):
    r = anon.token(audience="https://other.example.com/api/v2/")
    assert r.status_code == 403
    assert r.json() == {"error": "access_denied",
                        "error_description": "Service not enabled within domain: https://other.example.com/api/v2/"}
    # the audience needs its trailing slash
    assert anon.token(audience="https://%s/api/v2" % anon.t.domain).status_code == 403


def test_token_other_grant(anon):
    r = anon.token(grant_type="password")
    assert r.status_code == 403 and r.json()["error"] == "unauthorized_client"


def test_missing_and_invalid_bearer(anon):
    r = anon.get("/tenants/settings")
    assert r.status_code == 401
    assert r.json() == {"statusCode": 401, "error": "Unauthorized", "message": "Invalid token",
                        "errorCode": "invalid_token"}
    r = anon.get("/tenants/settings", headers={"Authorization": "Bearer abc.def.ghi"})
    assert r.status_code == 401 and r.json()["message"] == "Invalid token"


def test_token_from_other_tenant_rejected(emu, api):
    beta = emu.tenant("beta")
    r = api.session.get("https://%s/api/v2/tenants/settings" % beta.domain, verify=emu.ca_path)
    assert r.status_code == 401


def test_token_expiry(anon):
    anon.t.set_faults(token_ttl=1)
    body = anon.login()
    assert body["expires_in"] == 1
    assert anon.get("/tenants/settings").status_code == 200
    time.sleep(1.05)
    r = anon.get("/tenants/settings")
    assert r.status_code == 401
    assert r.json()["message"] == "Expired token received for JSON Web Token validation"


def test_scope_enforcement(anon):
    anon.t.set_scopes(["read:actions"])
    body = anon.login()
    assert body["scope"] == "read:actions"
    r = anon.get("/tenants/settings")
    assert r.status_code == 403
    assert r.json() == {"statusCode": 403, "error": "Forbidden",
                        "message": "Insufficient scope, expected any of: read:tenant_settings",
                        "errorCode": "insufficient_scope"}
    assert anon.get("/actions/actions").status_code == 200
    r = anon.post("/actions/actions", {"name": "x", "supported_triggers": [{"id": "post-login"}]})
    assert r.status_code == 403 and "create:actions" in r.json()["message"]


def test_not_found_and_method(api):
    r = api.get("/nope")
    assert r.status_code == 404
    assert r.json() == {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
    r = api.call("PUT", "/tenants/settings", json={})
    assert r.status_code == 405 and r.json()["error"] == "Method Not Allowed"


def test_keep_alive_reuses_connection(api):
    for unused in range(5):
        assert api.get("/tenants/settings").status_code == 200
    pool = api.session.get_adapter(api.base).poolmanager
    assert sum(p.num_connections for p in pool.pools._container.values()) <= 2
