"""`make emulator`: named tenants, an inventory of their connections, a playbook run against it, Ctrl-C."""
import os
import signal
import subprocess
import socket
import sys
import time

import pytest
import yaml

from harness import EXAMPLE_POLICY, PLAYBOOK, ROOT, run_playbook

VENV = os.path.dirname(os.path.dirname(sys.executable))


def test_make_emulator_writes_an_inventory_a_playbook_runs_against(tmp_path, playbook):  # noqa: ARG001 (collection link)
    directory = tmp_path / "emulator"
    inventory = directory / "inventory.yml"
    # -o: never rebuild the shared venv from here, whatever the lock's date.
    proc = subprocess.Popen(["make", "-s", "-C", ROOT, "-o", os.path.join(VENV, "bin", ".installed"),
                             "VENV=" + VENV, "emulator", "TENANTS=dev prod", "EMULATOR_DIR=" + str(directory)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.time() + 30
        while not inventory.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.time() < deadline, "no inventory after 30 s"
            time.sleep(0.1)
        hosts = yaml.safe_load(inventory.read_text())["all"]["hosts"]
        assert sorted(hosts) == ["dev", "prod"]
        assert set(hosts["dev"]["session_policy_connection"]) == {"domain", "client_id", "client_secret", "ca_path"}
        assert oct(inventory.stat().st_mode & 0o777) == "0o600"

        run = run_playbook(tmp_path, PLAYBOOK, inventory=str(inventory), args=["-e", "@" + EXAMPLE_POLICY])
        assert run.rc == 0, run
        assert [r["result"]["status"] for r in run.results
                if r["task"] == "Enforce tenant settings, Action and binding"] == ["changed", "changed"]
    finally:
        # Ctrl-C: SIGINT to the foreground process group.
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    # make itself ends by the signal, as on a terminal's Ctrl-C; the emulator stops serving.
    assert proc.returncode in (0, -signal.SIGINT), err
    host, port = hosts["dev"]["session_policy_connection"]["domain"].split(":")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()
    assert "Inventory with each tenant's connection: " in out and "sessionguard.auth0.enforce_session_policy" in out
    # The how-to is printed instead of the connection JSON: no client secret on the terminal.
    assert "client_secret" not in out
