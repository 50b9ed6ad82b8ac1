"""Fixtures for the emulator's own tests: one emulator per session, reset before each test."""
import time

import pytest
import requests

from auth0_emulator import Emulator


class Api:
    """A tiny Management API client. verify= is passed per request: a Session's verify
    attribute loses to REQUESTS_CA_BUNDLE from the environment."""

    def __init__(self, emu, tenant):
        self.emu = emu
        self.t = tenant
        self.base = "https://%s" % tenant.domain
        self.session = requests.Session()

    def token(self, **override):
        body = {"grant_type": "client_credentials", "client_id": self.t.client_id,
                "client_secret": self.t.client_secret, "audience": "https://%s/api/v2/" % self.t.domain}
        body.update(override)
        return self.session.post(self.base + "/oauth/token", json=body, verify=self.emu.ca_path, timeout=10)

    def login(self):
        r = self.token()
        assert r.status_code == 200, r.text
        self.session.headers["Authorization"] = "Bearer " + r.json()["access_token"]
        return r.json()

    def call(self, method, path, **kw):
        kw.setdefault("timeout", 10)
        return self.session.request(method, self.base + "/api/v2" + path, verify=self.emu.ca_path, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def patch(self, path, body, **kw):
        return self.call("PATCH", path, json=body, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, json=body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    # helpers for actions
    def create_action(self, name, code="exports.onExecutePostLogin = async (event, api) => {};", **extra):
        body = {"name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": code}
        body.update(extra)
        r = self.post("/actions/actions", body)
        assert r.status_code == 201, r.text
        return r.json()

    def wait_built(self, action_id, timeout=5):
        deadline = time.time() + timeout
        while True:
            a = self.get("/actions/actions/" + action_id).json()
            if a["status"] in ("built", "failed") or time.time() > deadline:
                return a
            time.sleep(0.05)

    def deployed_action(self, name):
        a = self.create_action(name)
        assert self.wait_built(a["id"])["status"] == "built"
        r = self.post("/actions/actions/%s/deploy" % a["id"])
        assert r.status_code in (200, 201), r.text
        return a


@pytest.fixture(scope="session")
def emu():
    with Emulator(tenants=["alpha", "beta"], build_seconds=0.2, seed=1) as e:
        yield e


@pytest.fixture
def api(emu):
    emu.reset()
    a = Api(emu, emu.tenant("alpha"))
    a.login()
    return a


@pytest.fixture
def anon(emu):
    emu.reset()
    return Api(emu, emu.tenant("alpha"))
