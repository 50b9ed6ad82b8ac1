"""The demo: session policy enforced across three emulated Auth0 tenants.

Starts the emulator, shows what a check-mode run would change (one tenant was edited in the
Dashboard behind our back), applies, proves a rerun changes nothing, and stops the emulator.
"""
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from auth0_emulator import Emulator  # noqa: E402

TENANTS = ["acme-dev", "acme-staging", "acme-prod"]


def banner(text):
    print("\n" + "=" * 78 + "\n" + text + "\n" + "=" * 78, flush=True)


def write_inventory(emu, directory):
    hosts = {}
    for name in TENANTS:
        tenant = emu.tenant(name)
        hosts[name] = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                       "auth0_domain": tenant.domain, "auth0_client_id": tenant.client_id,
                       "auth0_client_secret": tenant.client_secret, "auth0_ca_path": emu.ca_path}
    path = os.path.join(directory, "inventory.yml")
    with open(path, "w") as handle:
        yaml.safe_dump({"tenants": {"hosts": hosts}}, handle)
    return path


def playbook(inventory, *args):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_DISPLAY_OK_HOSTS="true")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory,
               os.path.join(ROOT, "demo", "tenant_settings.yml")] + list(args)
    print("$ ansible-playbook -i inventory.yml demo/tenant_settings.yml " + " ".join(args), flush=True)
    return subprocess.run(command, env=env, check=False).returncode


def report(emu, label):
    print("\nEmulator request log (%s):" % label)
    for name in TENANTS:
        tenant = emu.tenant(name)
        requests = tenant.requests()
        writes = [r for r in requests if r["write"]]
        print("  %-13s %2d requests, %d writes, %d tokens" % (name, len(requests), len(writes), tenant.token_count()))
        tenant.clear_requests()


def main():
    with Emulator(tenants=TENANTS, build_seconds=1, latency_ms=20) as emu, tempfile.TemporaryDirectory() as work:
        # acme-prod's idle lifetime was changed in the Dashboard to 90 minutes (reads back as 1.5 hours).
        emu.tenant("acme-prod").set_settings(idle_session_lifetime_minutes=90)
        inventory = write_inventory(emu, work)
        failures = 0
        banner("1/3 Check mode with --diff: what would change on each tenant (nothing is written)")
        failures += playbook(inventory, "--check", "--diff")
        report(emu, "check mode")
        banner("2/3 Apply")
        failures += playbook(inventory, "--diff")
        report(emu, "apply")
        banner("3/3 Rerun: every tenant already complies, so nothing changes")
        failures += playbook(inventory)
        report(emu, "rerun")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
