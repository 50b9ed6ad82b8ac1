import json

import pytest
import requests

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import (
    Auth0Client, Auth0Error, validate_domain)

SECRET = "s3cr3t-client-secret"
TOKEN = "eyJ-token-value"


class FakeResponse(object):
    def __init__(self, status, body=None, headers=None, text=None, reason="OK"):
        self.status_code = status
        self.headers = requests.structures.CaseInsensitiveDict(headers or {})
        if body is not None:
            self.content = json.dumps(body).encode()
            self.headers.setdefault("content-type", "application/json")
        else:
            self.content = (text or "").encode()
        self.reason = reason

    def json(self):
        return json.loads(self.content.decode())


class FakeSession(object):
    """Answers from a script of responses (or exceptions) and records every request."""

    def __init__(self, script):
        self.script = list(script)
        self.sent = []

    def request(self, method, url, **kwargs):
        self.sent.append(dict(method=method, url=url, **kwargs))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def token_response(token=TOKEN):
    return FakeResponse(200, {"access_token": token, "expires_in": 86400, "token_type": "Bearer"})


def client_with(script, **kwargs):
    sleeps = []
    session = FakeSession(script)
    defaults = dict(domain="acme.auth0.com", client_id="cid", client_secret=SECRET, session=session,
                    sleep=sleeps.append, clock=lambda: 1000.0)
    defaults.update(kwargs)
    return Auth0Client(**defaults), session, sleeps


def test_token_fetched_once_and_sent_as_bearer():
    client, session, unused = client_with([token_response(), FakeResponse(200, {"a": 1}), FakeResponse(200, {"b": 2})])
    assert client.get("/api/v2/x") == {"a": 1}
    assert client.get("/api/v2/y") == {"b": 2}
    assert session.sent[0]["json"] == {"grant_type": "client_credentials", "client_id": "cid",
                                       "client_secret": SECRET, "audience": "https://acme.auth0.com/api/v2/"}
    assert session.sent[1]["headers"]["Authorization"] == "Bearer " + TOKEN
    assert client.tokens_fetched == 1
    assert all(s["allow_redirects"] is False and s["timeout"] == 30 and s["verify"] is True for s in session.sent)


def test_custom_audience_and_ca_path():
    client, session, unused = client_with([token_response(), FakeResponse(200, {})], audience="https://acme.auth0.com/api/v2/",
                                          domain="login.example.com", ca_path="/ca.pem")
    client.get("/api/v2/x")
    assert session.sent[0]["url"] == "https://login.example.com/oauth/token"
    assert session.sent[0]["json"]["audience"] == "https://acme.auth0.com/api/v2/"
    assert session.sent[0]["verify"] == "/ca.pem"


def test_auth0_error_body_becomes_one_line():
    body = {"statusCode": 400, "error": "Bad Request", "message": "Payload validation error: 'Expected type integer'.",
            "errorCode": "invalid_body"}
    client, unused, unused2 = client_with([FakeResponse(400, body)], token=TOKEN, client_id=None, client_secret=None)
    with pytest.raises(Auth0Error) as info:
        client.patch("/api/v2/tenants/settings", {"x": 1})
    assert str(info.value) == ("HTTP 400 invalid_body: Payload validation error: 'Expected type integer'. "
                               "(PATCH /api/v2/tenants/settings)")


def test_error_without_error_code_and_html_body():
    client, unused, unused2 = client_with([FakeResponse(404, {"statusCode": 404, "error": "Not Found", "message": "No action"}),
                                           FakeResponse(502, text="<html>bad gateway</html>", headers={"content-type": "text/html"},
                                                        reason="Bad Gateway")],
                                          token=TOKEN, client_id=None, client_secret=None, retries=0)
    with pytest.raises(Auth0Error, match=r"^HTTP 404: No action \(GET /a\)$"):
        client.get("/a")
    with pytest.raises(Auth0Error, match=r"^HTTP 502: Bad Gateway \(non-JSON text/html response\) \(GET /b\)$"):
        client.get("/b")


def test_bad_credentials_message_has_no_secret():
    client, unused, unused2 = client_with([FakeResponse(401, {"error": "access_denied", "error_description": "Unauthorized"})])
    with pytest.raises(Auth0Error) as info:
        client.get("/api/v2/tenants/settings")
    text = str(info.value)
    assert text.startswith("could not get a Management API token: HTTP 401 access_denied: Unauthorized")
    assert "check client_id and client_secret" in text
    assert SECRET not in text


def test_429_waits_until_reset_with_jitter_and_cap():
    limited = FakeResponse(429, {"statusCode": 429, "errorCode": "too_many_requests"},
                           headers={"x-ratelimit-reset": "1003", "x-ratelimit-remaining": "0"})
    client, session, sleeps = client_with([token_response(), limited, FakeResponse(200, {"ok": True})])
    assert client.get("/x") == {"ok": True}
    assert len(sleeps) == 1 and 3.05 <= sleeps[0] <= 3.5
    capped = FakeResponse(429, {}, headers={"retry-after": "500"})
    client, unused, sleeps = client_with([capped, FakeResponse(200, {})], token=TOKEN, client_id=None, client_secret=None,
                                         max_retry_wait=7)
    client.get("/x")
    assert sleeps == [7]


def test_429_retried_even_for_unsafe_post_but_5xx_is_not():
    client, session, unused = client_with([FakeResponse(429, {}), FakeResponse(201, {"id": "a"})], token=TOKEN,
                                          client_id=None, client_secret=None)
    assert client.post("/create", {"name": "n"}) == {"id": "a"}
    client, session, unused = client_with([FakeResponse(500, {"message": "boom"})], token=TOKEN, client_id=None,
                                          client_secret=None)
    with pytest.raises(Auth0Error, match="HTTP 500"):
        client.post("/create", {"name": "n"})
    assert len(session.sent) == 1


def test_5xx_and_connection_errors_retried_with_backoff_for_safe_requests():
    client, session, sleeps = client_with(
        [FakeResponse(503, text="<html/>"), requests.exceptions.ConnectionError("reset"), FakeResponse(408, {}),
         FakeResponse(200, {"ok": 1})], token=TOKEN, client_id=None, client_secret=None)
    assert client.get("/x") == {"ok": 1}
    assert len(sleeps) == 3 and all(0 < s <= 60 for s in sleeps)


def test_retries_are_bounded():
    client, session, sleeps = client_with([FakeResponse(500, {})] * 3, token=TOKEN, client_id=None, client_secret=None,
                                          retries=2)
    with pytest.raises(Auth0Error, match="HTTP 500"):
        client.get("/x")
    assert len(session.sent) == 3


def test_timeout_fails_at_once_with_clear_message():
    client, session, unused = client_with([requests.exceptions.ReadTimeout("x")], token=TOKEN, client_id=None,
                                          client_secret=None, timeout=4)
    with pytest.raises(Auth0Error, match=r"no answer from acme.auth0.com within 4 seconds \(GET /x\)"):
        client.get("/x")
    assert len(session.sent) == 1


def test_expired_token_refetched_once():
    expired = FakeResponse(401, {"statusCode": 401, "message": "Expired token received for JSON Web Token validation"})
    client, session, unused = client_with([token_response("t1"), expired, token_response("t2"), FakeResponse(200, {"ok": 1})])
    assert client.get("/x") == {"ok": 1}
    assert session.sent[3]["headers"]["Authorization"] == "Bearer t2"
    assert client.tokens_fetched == 2


def test_user_token_is_not_renewed():
    client, session, unused = client_with([FakeResponse(401, {"message": "Invalid token"})], token=TOKEN, client_id=None,
                                          client_secret=None)
    with pytest.raises(Auth0Error, match="HTTP 401"):
        client.get("/x")
    assert len(session.sent) == 1


def test_redirect_not_followed():
    client, session, unused = client_with([FakeResponse(302, {}, headers={"location": "https://evil/"})], token=TOKEN,
                                          client_id=None, client_secret=None)
    with pytest.raises(Auth0Error, match="redirect"):
        client.get("/x")


def test_paces_when_remaining_runs_low():
    low = FakeResponse(200, {"a": 1}, headers={"x-ratelimit-remaining": "1", "x-ratelimit-reset": "1002"})
    client, unused, sleeps = client_with([low, FakeResponse(200, {})], token=TOKEN, client_id=None, client_secret=None)
    client.get("/x")
    assert sleeps == []
    client.get("/y")
    assert len(sleeps) == 1 and 2 <= sleeps[0] <= 2.2


def test_paginate_reads_every_page_and_tolerates_missing_zero_keys():
    pages = [FakeResponse(200, {"actions": [{"id": i} for i in range(2)], "total": 5, "per_page": 2}),
             FakeResponse(200, {"actions": [{"id": 2}, {"id": 3}], "total": 5, "page": 1, "per_page": 2}),
             FakeResponse(200, {"actions": [{"id": 4}], "total": 5, "page": 2, "per_page": 2})]
    client, session, unused = client_with(pages, token=TOKEN, client_id=None, client_secret=None)
    assert [a["id"] for a in client.paginate("/list", "actions", per_page=2)] == [0, 1, 2, 3, 4]
    assert [s["params"]["page"] for s in session.sent] == [0, 1, 2]


def test_paginate_follows_the_total_when_the_server_pages_by_fewer_than_asked():
    # per_page=50 asked, 20 per page answered, 45 in all: a short page is not the last one while total says more.
    pages = [FakeResponse(200, {"bindings": [{"id": i} for i in range(20)], "total": 45, "per_page": 20}),
             FakeResponse(200, {"bindings": [{"id": i} for i in range(20, 40)], "total": 45, "page": 1, "per_page": 20}),
             FakeResponse(200, {"bindings": [{"id": i} for i in range(40, 45)], "total": 45, "page": 2, "per_page": 20})]
    client, session, unused = client_with(pages, token=TOKEN, client_id=None, client_secret=None)
    assert [b["id"] for b in client.paginate("/list", "bindings", per_page=50)] == list(range(45))
    assert [s["params"]["page"] for s in session.sent] == [0, 1, 2]


def test_paginate_without_a_total_stops_at_a_short_page_or_an_empty_one():
    pages = [FakeResponse(200, {"bindings": [{"id": 0}, {"id": 1}]}), FakeResponse(200, {"bindings": [{"id": 2}]})]
    client, session, unused = client_with(pages, token=TOKEN, client_id=None, client_secret=None)
    assert [b["id"] for b in client.paginate("/list", "bindings", per_page=2)] == [0, 1, 2]
    assert len(session.sent) == 2
    client, session, unused = client_with([FakeResponse(200, {"total": 3})], token=TOKEN, client_id=None,
                                          client_secret=None)
    assert client.paginate("/list", "bindings", per_page=2) == [] and len(session.sent) == 1


@pytest.mark.parametrize("domain, ok", [("acme.eu.auth0.com", True), ("localhost:8443", True),
                                        ("https://acme.auth0.com", False), ("acme.auth0.com/api", False),
                                        ("", False), ("acme auth0", False), ("host:1\n", False),
                                        ("localhost:99999", False), ("localhost:0", False), ("localhost:65535", True),
                                        (u"acme.auth0.com\u0660", False)])
def test_validate_domain(domain, ok):
    assert (validate_domain(domain) is None) == ok


def test_a_token_with_a_trailing_newline_is_stripped_and_an_invalid_header_never_shows_it():
    client, session, unused = client_with([FakeResponse(200, {})], client_id=None, client_secret=None,
                                          token=TOKEN + "\r\n")
    client.get("/api/v2/x")
    assert session.sent[0]["headers"]["Authorization"] == "Bearer " + TOKEN
    leaky = requests.exceptions.InvalidHeader("Invalid leading whitespace in header value %r" % ("Bearer " + TOKEN + "\n"))
    client, session, unused = client_with([leaky], client_id=None, client_secret=None, token=TOKEN)
    with pytest.raises(Auth0Error) as info:
        client.get("/api/v2/x")
    assert "InvalidHeader" in str(info.value) and TOKEN not in str(info.value)


@pytest.mark.parametrize("exc", [requests.exceptions.InvalidURL("bad url"), OSError(2, "No such file: /missing/ca.pem"),
                                 requests.exceptions.ChunkedEncodingError("broken\nsecond line"),
                                 OverflowError("timeout too large")])
def test_every_requests_error_becomes_one_line(exc):
    client, session, unused = client_with([exc], client_id=None, client_secret=None, token=TOKEN)
    with pytest.raises(Auth0Error, match="could not be sent") as info:
        client.get("/api/v2/x")
    assert "\n" not in str(info.value)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        assert "broken second line" in str(info.value)


def test_secrets_include_their_escaped_forms():
    client, unused, unused2 = client_with([], client_secret='pa"ss\\word\n')
    forms = client.secrets()
    assert 'pa"ss\\word' in forms and 'pa\\"ss\\\\word' in forms and "pa\"ss\\\\word" in forms


def test_audience_is_built_from_the_lower_cased_host():
    client, session, unused = client_with([token_response(), FakeResponse(200, {})], domain="ACME.Auth0.com:8443")
    client.get("/api/v2/x")
    assert session.sent[0]["json"]["audience"] == "https://acme.auth0.com:8443/api/v2/"
