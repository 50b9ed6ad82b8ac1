"""TLS is verified by default, and the bearer token (or the client secret) never leaves the configured domain."""
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme
import yaml

from harness import connection


def tasks_play(tasks):
    play = [{"name": "Security", "hosts": "localhost", "gather_facts": False,
             "tasks": [dict(t, ignore_errors=True) for t in tasks]}]
    return yaml.safe_dump(play, sort_keys=False)


def info_task(name, args):
    return {"name": name, "sessionguard.auth0.tenant_session_info": args}


def test_untrusted_certificate_is_refused_unless_ca_path_or_validate_certs_false(playbook, emulator):
    emu = emulator(1)
    tenant = emu.tenant("tenant1")
    trusted = connection(emu, tenant)
    system_store = dict(trusted)
    del system_store["ca_path"]
    unverified = dict(system_store, validate_certs=False)
    run = playbook(tasks_play([info_task("default", system_store), info_task("ca_path", trusted),
                               info_task("unverified", unverified)]))
    default = run.task("default")
    assert default["status"] == "failed"
    assert "TLS verification of %s failed" % tenant.domain in default["result"]["msg"]
    assert "set ca_path" in default["result"]["msg"]
    assert "warnings" not in default["result"] or not default["result"]["warnings"]
    assert run.task("ca_path")["status"] == "ok"
    assert not run.task("ca_path")["result"].get("warnings")
    loose = run.task("unverified")
    assert loose["status"] == "ok"
    assert any("validate_certs is false" in w and "not verified" in w for w in loose["result"]["warnings"])
    # The refused handshake never reached the HTTP layer: only the two accepted tasks were served.
    assert [r["path"] for r in tenant.requests()].count("/oauth/token") == 2
    assert tenant.client_secret not in run.output


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with ``self.server.answer`` and records what it received."""

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self.server.seen.append({"method": self.command, "path": self.path,
                                 "authorization": self.headers.get("Authorization"), "body": body})
        status, headers = self.server.answer(self)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    def log_message(self, *args):
        pass


def _https_server(ca, answer):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.seen = []
    server.answer = answer
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def redirect_pair(tmp_path):
    """An HTTPS 'tenant' answering every request with a redirect to a second local HTTPS server."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    elsewhere = _https_server(ca, lambda handler: (200, {"Content-Type": "application/json"}))
    status = {"code": 302}

    def redirect(handler):
        target = "https://localhost:%d%s" % (elsewhere.server_port, handler.path)
        return status["code"], {"Location": target}

    tenant = _https_server(ca, redirect)
    yield tenant, elsewhere, str(ca_file), status
    tenant.shutdown()
    elsewhere.shutdown()


@pytest.mark.parametrize("code", [302, 307, 308])
def test_redirects_are_not_followed_with_the_token_or_the_secret(playbook, redirect_pair, code):
    tenant, elsewhere, ca_file, status = redirect_pair
    status["code"] = code
    domain = "localhost:%d" % tenant.server_port
    token = "eyJhbGciOiJSUzI1NiJ9.redirect-test-token.c2lnbmF0dXJl"
    secret = "redirect-test-client-secret-5f1d"
    with_token = {"domain": domain, "token": token, "ca_path": ca_file}
    with_secret = {"domain": domain, "client_id": "redirect-client", "client_secret": secret, "ca_path": ca_file}
    run = playbook(tasks_play([
        info_task("read with a token", with_token),
        {"name": "write with a token", "sessionguard.auth0.tenant_session": dict(with_token, session_lifetime="7d")},
        info_task("token request", with_secret),
    ]), verbosity=3)
    for name, method, path in (("read with a token", "GET", "/api/v2/tenants/settings"),
                               ("write with a token", "GET", "/api/v2/tenants/settings"),
                               ("token request", "POST", "/oauth/token")):
        result = run.task(name)
        assert result["status"] == "failed"
        assert result["result"]["msg"].startswith("HTTP %d redirect from %s %s not followed" % (code, method, path)) \
            or ("HTTP %d redirect from %s %s not followed" % (code, method, path)) in result["result"]["msg"]
    # The tenant saw the bearer token (it is the configured domain); the other server saw nothing at all.
    assert any(seen["authorization"] == "Bearer " + token for seen in tenant.seen)
    assert elsewhere.seen == []
    assert token not in run.output and secret not in run.output
