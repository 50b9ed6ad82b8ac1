import time

import pytest
import requests

HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def test_rate_limit_headers_everywhere(api):
    for r in (api.get("/tenants/settings"), api.get("/nope"), api.token()):
        assert all(h in r.headers for h in HEADERS)
        assert int(r.headers["x-ratelimit-reset"]) >= int(time.time())


def test_bucket_exhaustion(api):
    api.t.set_faults(rate_limit=1, rate_limit_burst=3)
    statuses = [api.get("/tenants/settings").status_code for unused in range(5)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    r = api.get("/tenants/settings")
    assert r.status_code == 429
    assert r.json() == {"statusCode": 429, "error": "Too Many Requests",
                        "message": "Global limit has been reached", "errorCode": "too_many_requests"}
    assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["x-ratelimit-limit"] == "3"
    assert "Retry-After" not in r.headers
    reset = int(r.headers["x-ratelimit-reset"])
    assert time.time() <= reset <= time.time() + 4
    time.sleep(1.05)
    assert api.get("/tenants/settings").status_code == 200


def test_rate_limit_ratio_is_seeded(emu, api):
    api.t.set_faults(rate_limit_ratio=0.5, retry_after=True)
    first = [api.get("/tenants/settings").status_code for unused in range(20)]
    assert 429 in first and 200 in first
    r429 = next(r for r in api.t.requests() if r["status"] == 429)
    assert r429["path"] == "/api/v2/tenants/settings"
    emu.reset()
    api.login()
    api.t.set_faults(rate_limit_ratio=0.5, retry_after=True)
    second = [api.get("/tenants/settings").status_code for unused in range(20)]
    assert first == second
    api.t.set_faults(rate_limit_ratio=1.0)
    r = api.get("/tenants/settings")
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert int(r.headers["x-ratelimit-reset"]) <= time.time() + 2


def test_error_ratio_mixes_5xx_with_html(api):
    api.t.set_faults(error_ratio=1.0)
    rs = [api.get("/tenants/settings") for unused in range(12)]
    assert all(r.status_code in (500, 502, 503, 504) for r in rs)
    assert any(r.headers["Content-Type"].startswith("text/html") for r in rs)
    for r in rs:
        if r.headers["Content-Type"].startswith("application/json"):
            assert r.json()["statusCode"] == r.status_code


def test_rule_html_502(api):
    api.t.set_faults(rules=[{"method": "GET", "path": "/tenants/settings$", "status": 502,
                             "body": "html", "times": 1}])
    r = api.get("/tenants/settings")
    assert r.status_code == 502 and "<html>" in r.text and r.headers["Content-Type"].startswith("text/html")
    assert api.get("/tenants/settings").status_code == 200
    assert api.t.faults()["rules"][0]["times_left"] == 0


def test_rule_after_effect_create(api):
    api.t.set_faults(rules=[{"method": "POST", "path": "^/api/v2/actions/actions$", "status": 500,
                             "after_effect": True, "times": 1}])
    r = api.post("/actions/actions", {"name": "ghost", "supported_triggers": [{"id": "post-login"}]})
    assert r.status_code == 500
    assert [a["name"] for a in api.t.actions()] == ["ghost"]
    log = api.t.writes()[-1]
    assert log["status"] == 500 and log["effect_status"] == 201
    # a naive retry now conflicts
    r = api.post("/actions/actions", {"name": "ghost", "supported_triggers": [{"id": "post-login"}]})
    assert r.status_code == 409


def test_rule_hang(api):
    api.t.set_faults(rules=[{"path": "settings", "hang_seconds": 0.6, "status": 504, "body": "html", "times": 1}])
    started = time.time()
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("/tenants/settings", timeout=0.2)
    assert time.time() - started < 0.5
    api.t.set_faults(rules=[{"path": "settings", "hang_seconds": 0.3, "times": 1}])
    started = time.time()
    r = api.get("/tenants/settings")
    assert r.status_code == 200 and time.time() - started >= 0.3


def test_faults_apply_to_token_endpoint(anon):
    anon.t.set_faults(rules=[{"path": "^/oauth/token$", "status": 503, "times": 1}])
    assert anon.token().status_code == 503
    assert anon.token().status_code == 200


def test_latency(api):
    api.t.set_faults(latency_ms=150)
    started = time.time()
    api.get("/tenants/settings")
    assert time.time() - started >= 0.15


def test_unknown_knob_rejected(api):
    with pytest.raises(ValueError):
        api.t.set_faults(bogus=1)


def test_passthrough_rule_exempts_token_endpoint(anon):
    anon.t.set_faults(error_ratio=1.0, rules=[{"path": "^/oauth/token$"}])
    assert anon.token().status_code == 200
    anon.login()
    assert anon.get("/tenants/settings").status_code >= 500


def test_rule_close_connection(api):
    api.t.set_faults(rules=[{"path": "settings", "close": True, "times": 1}])
    try:
        api.get("/tenants/settings")
        raise AssertionError("expected a connection error")
    except requests.exceptions.ConnectionError:
        pass
    assert api.t.requests()[-1]["closed"] is True
    assert api.get("/tenants/settings").status_code == 200
