def test_defaults(api):
    r = api.get("/tenants/settings")
    assert r.status_code == 200
    s = r.json()
    assert (s["session_lifetime"], s["idle_session_lifetime"], s["ephemeral_session_lifetime"],
            s["idle_ephemeral_session_lifetime"]) == (168, 72, 72, 24)
    assert isinstance(s["session_lifetime"], int)
    assert "session_cookie" not in s
    assert "flags" in s and "friendly_name" in s and "sandbox_version" in s
    assert not any(k.endswith("_in_minutes") for k in s)
    assert api.t.settings_minutes()["session_cookie"] is None


def test_fields_query(api):
    s = api.get("/tenants/settings", params={"fields": "session_lifetime,friendly_name"}).json()
    assert set(s) == {"session_lifetime", "friendly_name"}
    s = api.get("/tenants/settings", params={"fields": "flags", "include_fields": "false"}).json()
    assert "flags" not in s and "session_lifetime" in s


def test_minutes_twins_read_back_as_float_hours(api):
    r = api.patch("/tenants/settings", {"idle_ephemeral_session_lifetime_in_minutes": 15,
                                        "ephemeral_session_lifetime_in_minutes": 5,
                                        "session_lifetime_in_minutes": 90})
    assert r.status_code == 200
    assert r.json()["idle_ephemeral_session_lifetime"] == 0.25
    s = api.get("/tenants/settings")
    assert '"ephemeral_session_lifetime": 0.08333333333333333' in s.text
    assert s.json()["session_lifetime"] == 1.5
    assert s.json()["idle_session_lifetime"] == 72
    assert api.t.settings_minutes()["ephemeral_session_lifetime"] == 5


def test_integer_hours_only(api):
    r = api.patch("/tenants/settings", {"session_lifetime": 1.5})
    assert r.status_code == 400
    assert r.json() == {"statusCode": 400, "error": "Bad Request", "errorCode": "invalid_body",
                        "message": "Payload validation error: 'Expected type integer but found type number' "
                                   "on property session_lifetime."}
    assert api.patch("/tenants/settings", {"session_lifetime": 0}).status_code == 400
    r = api.patch("/tenants/settings", {"session_lifetime": 10})
    assert r.status_code == 200 and r.json()["session_lifetime"] == 10


def test_twin_conflict(api):
    r = api.patch("/tenants/settings", {"session_lifetime": 10, "session_lifetime_in_minutes": 600})
    assert r.status_code == 400 and r.json()["errorCode"] == "invalid_body"
    assert api.t.settings_minutes()["session_lifetime"] == 168 * 60


def test_unknown_property(api):
    r = api.patch("/tenants/settings", {"foo": 1})
    assert r.status_code == 400
    assert r.json() == {"statusCode": 400, "error": "Bad Request", "errorCode": "invalid_body",
                        "message": "Payload validation error: 'Additional properties not allowed: foo'."}


def test_maximum(api):
    r = api.patch("/tenants/settings", {"session_lifetime": 20160})
    assert r.status_code == 400
    assert r.json()["message"] == ("Payload validation error: 'Value 20160 is greater than maximum 8760' "
                                   "on property session_lifetime.")
    assert api.patch("/tenants/settings", {"idle_session_lifetime_in_minutes": 525601}).status_code == 400


def test_plan_caps_are_silent(api):
    r = api.patch("/tenants/settings", {"idle_session_lifetime": 3000, "session_lifetime": 8760})
    assert r.status_code == 200
    assert r.json()["idle_session_lifetime"] == 2400 and r.json()["session_lifetime"] == 8760
    api.t.set_plan("self_service")
    r = api.patch("/tenants/settings", {"session_lifetime": 1000, "idle_session_lifetime_in_minutes": 6000,
                                        "ephemeral_session_lifetime": 100, "idle_ephemeral_session_lifetime": 10})
    assert r.status_code == 200
    s = r.json()
    assert (s["session_lifetime"], s["idle_session_lifetime"], s["ephemeral_session_lifetime"],
            s["idle_ephemeral_session_lifetime"]) == (720, 72, 100, 10)


def test_no_idle_vs_absolute_check(api):
    r = api.patch("/tenants/settings", {"session_lifetime": 2, "idle_session_lifetime": 50})
    assert r.status_code == 200


def test_cookie_mode(api):
    r = api.patch("/tenants/settings", {"session_cookie": {"mode": "non-persistent"}})
    assert r.status_code == 200 and r.json()["session_cookie"] == {"mode": "non-persistent"}
    assert api.t.settings_minutes()["session_cookie"] == {"mode": "non-persistent"}
    assert api.patch("/tenants/settings", {"session_cookie": {"mode": "forever"}}).status_code == 400
    assert api.patch("/tenants/settings", {"session_cookie": "persistent"}).status_code == 400
    r = api.patch("/tenants/settings", {"session_cookie": None})
    assert r.status_code == 200 and "session_cookie" not in r.json()


def test_other_documented_fields_accepted(api):
    body = {"friendly_name": "Acme", "support_email": "a@example.com", "enabled_locales": ["en", "fr"],
            "flags": {"enable_client_connections": False}, "sandbox_version": "22",
            "error_page": {"html": "", "show_log_link": False, "url": "https://example.com/error"},
            "default_redirection_uri": "https://example.com/login"}
    r = api.patch("/tenants/settings", body)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["friendly_name"] == "Acme" and s["flags"]["enable_client_connections"] is False
    assert s["flags"]["enable_sso"] is True  # flags merge
    r = api.patch("/tenants/settings", {"flags": {"made_up_flag": True}})
    assert r.status_code == 400


def test_dashboard_edit_not_logged(api):
    api.t.clear_requests()
    api.t.set_settings(session_lifetime_minutes=90, session_cookie="non-persistent")
    assert api.t.requests() == []
    s = api.get("/tenants/settings").json()
    assert s["session_lifetime"] == 1.5 and s["session_cookie"] == {"mode": "non-persistent"}


def test_request_log_and_writes(api):
    api.get("/tenants/settings")
    api.patch("/tenants/settings", {"session_lifetime": 12})
    api.patch("/tenants/settings", {"foo": 1})
    log = api.t.requests()
    assert [r["method"] for r in log] == ["POST", "GET", "PATCH", "PATCH"]
    assert log[0]["path"] == "/oauth/token" and log[0]["write"] is False and log[0]["token"] is None
    assert log[1]["token"] and log[1]["token"] == log[2]["token"]
    writes = api.t.writes()
    assert [w["status"] for w in writes] == [200, 400]
    assert writes[0]["body"] == {"session_lifetime": 12}
    assert [r["seq"] for r in log] == sorted(r["seq"] for r in log)
    api.t.clear_requests()
    assert api.t.requests() == []
    api.get("/tenants/settings", params={"fields": "flags"})
    assert api.t.requests()[0]["query"] == {"fields": "flags"}


def test_tenant_that_never_set_the_ephemeral_lifetimes(api):
    # Recorded on a real tenant (TestAccTenant_EnableSSO): the GET leaves both out.
    api.t.set_settings(ephemeral_session_lifetime=None, idle_ephemeral_session_lifetime_minutes=None)
    body = api.get("/tenants/settings").json()
    assert "ephemeral_session_lifetime" not in body and "idle_ephemeral_session_lifetime" not in body
    assert body["session_lifetime"] == 168 and "session_cookie" not in body
    assert api.t.settings_minutes()["ephemeral_session_lifetime"] is None
    r = api.patch("/tenants/settings", {"ephemeral_session_lifetime_in_minutes": 600})
    assert r.status_code == 200 and r.json()["ephemeral_session_lifetime"] == 10
    assert "idle_ephemeral_session_lifetime" not in r.json()
