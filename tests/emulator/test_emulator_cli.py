import json
import os
import signal
import subprocess
import sys
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))


def test_cli_info_file_and_admin_api(tmp_path):
    info_file = tmp_path / "info.json"
    env = dict(os.environ, PYTHONPATH=HERE)
    proc = subprocess.Popen([sys.executable, "-m", "auth0_emulator", "--names", "a,b", "--build-seconds", "0",
                             "--seed", "3", "--info-file", str(info_file), "--cert-dir", str(tmp_path / "certs")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while not info_file.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.time() < deadline
            time.sleep(0.05)
        info = json.loads(info_file.read_text())
        assert [t["name"] for t in info["tenants"]] == ["a", "b"]
        assert info["ca_path"] == str(tmp_path / "certs" / "ca.pem")
        a = info["tenants"][0]
        ca, admin = info["ca_path"], info["admin_url"]
        r = requests.post("https://%s/oauth/token" % a["domain"], verify=ca, json={
            "grant_type": "client_credentials", "client_id": a["client_id"], "client_secret": a["client_secret"],
            "audience": "https://%s/api/v2/" % a["domain"]})
        assert r.status_code == 200
        auth = {"Authorization": "Bearer " + r.json()["access_token"]}
        settings_url = "https://%s/api/v2/tenants/settings" % a["domain"]

        assert [t["name"] for t in requests.get(admin + "/tenants").json()] == ["a", "b"]
        r = requests.patch(admin + "/tenants/a/settings", json={"idle_session_lifetime_minutes": 30})
        assert r.status_code == 200 and r.json()["idle_session_lifetime"] == 30
        assert requests.get(settings_url, headers=auth, verify=ca).json()["idle_session_lifetime"] == 0.5
        state = requests.get(admin + "/tenants/a").json()
        assert state["settings_minutes"]["idle_session_lifetime"] == 30 and state["token_count"] == 1
        log = requests.get(admin + "/tenants/a/requests").json()
        assert [e["path"] for e in log] == ["/oauth/token", "/api/v2/tenants/settings"]
        assert requests.delete(admin + "/tenants/a/requests").status_code == 200
        assert requests.get(admin + "/tenants/a/requests").json() == []
        r = requests.put(admin + "/tenants/a/faults", json={"rules": [{"path": "settings", "status": 503, "times": 1}]})
        assert r.status_code == 200
        assert requests.get(settings_url, headers=auth, verify=ca).status_code == 503
        assert requests.put(admin + "/tenants/a/faults", json={"nope": 1}).status_code == 400
        assert requests.put(admin + "/tenants/a/plan", json={"plan": "self_service"}).json()["plan"] == "self_service"
        r = requests.patch(settings_url, headers=auth, verify=ca, json={"session_lifetime": 1000})
        assert r.json()["session_lifetime"] == 720
        assert requests.post(admin + "/reset").status_code == 200
        state = requests.get(admin + "/tenants/a").json()
        assert state["plan"] == "enterprise" and state["settings"]["session_lifetime"] == 168
        assert requests.get(admin + "/tenants/zzz").status_code == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    out = json.loads(proc.stdout.read().decode())
    assert out["admin_url"] == info["admin_url"]
