"""The demo: one session policy enforced across three emulated Auth0 tenants.

1. Setup (quiet): the policy was rolled out earlier; since then someone edited acme-prod in the
   Dashboard (idle lifetime 90 minutes, reads back as 1.5 hours) and another team bound its own
   Action in acme-prod's post-login flow.
2. Drift scan: the shipped playbook in check mode. Nothing is written; the report shows what
   drifted, and production's drift gate fails the run, as it would in CI.
3. Apply: only the drifted tenant changes; the other team's binding stays, in its place.
4. Rerun: every tenant is compliant, with four requests per tenant, no write, and changed=0 on
   every host in the play recap.

The inventory and reports stay in build/demo/ after the run.
"""
import os
import re
import shutil
import subprocess
import sys
import time

import requests
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

from auth0_emulator import Emulator

GROUPS = {"acme-dev": "dev", "acme-staging": "staging", "acme-prod": "prod"}
# As in docs/examples/inventory: staging and prod share production's policy.
PARENTS = {"staging": "production_policy", "prod": "production_policy"}
EXAMPLE_GROUP_VARS = os.path.join(ROOT, "docs", "examples", "inventory", "group_vars")
WORK = os.path.join(ROOT, "build", "demo")
RECAP = re.compile(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", re.M)


def banner(text):
    print("\n" + "=" * 78 + "\n" + text + "\n" + "=" * 78, flush=True)


def write_inventory(emu, directory):
    children = {}
    for name, group in GROUPS.items():
        tenant = emu.tenant(name)
        parent = children
        if group in PARENTS:
            parent = children.setdefault(PARENTS[group], {"children": {}})["children"]
        parent.setdefault(group, {"hosts": {}})["hosts"][name] = {"session_policy_connection": {
            "domain": tenant.domain, "client_id": tenant.client_id, "client_secret": tenant.client_secret,
            "ca_path": emu.ca_path}}
    inventory = {"all": {"vars": {"ansible_connection": "local",
                                  "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
                         "children": children}}
    path = os.path.join(directory, "tenants.yml")
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle)
    shutil.copytree(EXAMPLE_GROUP_VARS, os.path.join(directory, "group_vars"))
    return path


def playbook(inventory, *args, quiet=False):
    """Run the shipped playbook; its output is shown (unless quiet) and returned for the recap."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_RETRY_FILES_ENABLED="0")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory,
               "sessionguard.auth0.enforce_session_policy"] + list(args)
    if not quiet:
        print("$ ansible-playbook -i tenants.yml sessionguard.auth0.enforce_session_policy " + " ".join(args),
              flush=True)
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if not quiet:
        print(proc.stdout, flush=True)
    return proc.returncode, proc.stdout


def another_team_binds_its_action(emu, tenant):
    """What a different team does through the Management API: its own Action, first in the flow."""
    session = requests.Session()
    base = "https://%s" % tenant.domain

    def call(method, path, body=None):
        # verify per request: requests lets REQUESTS_CA_BUNDLE override a session-wide verify.
        response = session.request(method, base + path, json=body, verify=emu.ca_path, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    token = call("POST", "/oauth/token", {
        "grant_type": "client_credentials", "client_id": tenant.client_id, "client_secret": tenant.client_secret,
        "audience": base + "/api/v2/"})["access_token"]
    session.headers["Authorization"] = "Bearer " + token
    action = call("POST", "/api/v2/actions/actions", {
        "name": "fraud-team-geo-check", "supported_triggers": [{"id": "post-login", "version": "v3"}],
        "code": "exports.onExecutePostLogin = async (event, api) => {};"})
    while call("GET", "/api/v2/actions/actions/" + action["id"])["status"] != "built":
        time.sleep(0.2)
    call("POST", "/api/v2/actions/actions/%s/deploy" % action["id"])
    current = call("GET", "/api/v2/actions/triggers/post-login/bindings")["bindings"]
    refs = [{"ref": {"type": "action_id", "value": action["id"]}, "display_name": "Fraud team geo check"}]
    refs += [{"ref": {"type": "binding_id", "value": b["id"]}, "display_name": b["display_name"]} for b in current]
    call("PATCH", "/api/v2/actions/triggers/post-login/bindings", {"bindings": refs})


def show_report(directory, emu):
    path = os.path.join(directory, "reports", "session-policy-report.md")
    with open(path) as handle:
        print("\n" + handle.read())
    print("(report: %s)" % os.path.relpath(path))
    print("Emulator request log, this run:")
    for name in GROUPS:
        tenant = emu.tenant(name)
        log = tenant.requests()
        writes = [r for r in log if r["write"]]
        tokens = sum(1 for r in log if r["path"] == "/oauth/token")
        print("  %-13s %2d requests, %d writes, %d token" % (name, len(log), len(writes), tokens))
        tenant.clear_requests()


def bindings(emu, name):
    return [b["action"]["name"] for b in emu.tenant(name).bindings("post-login")]


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    with Emulator(tenants=list(GROUPS), build_seconds=2, latency_ms=20) as emu:
        inventory = write_inventory(emu, WORK)
        banner("Setup: the policy was rolled out earlier; then acme-prod drifted")
        if playbook(inventory, quiet=True)[0] != 0:
            print("setup rollout failed")
            return 1
        prod = emu.tenant("acme-prod")
        prod.set_settings(idle_session_lifetime_minutes=90)
        another_team_binds_its_action(emu, prod)
        for name in GROUPS:
            emu.tenant(name).clear_requests()
        print("acme-prod: idle_session_lifetime set to 90 minutes in the Dashboard")
        print("acme-prod: post-login flow is now %s" % bindings(emu, "acme-prod"))

        banner("1/3 Drift scan: check mode, nothing is written; prod's drift gate fails the run")
        scan = playbook(inventory, "--check")[0]
        show_report(WORK, emu)
        print("drift scan exit code: %d (non-zero: the production drift gate tripped, as in CI)" % scan)

        banner("2/3 Apply: only acme-prod changes; the fraud team's binding is kept")
        applied = playbook(inventory, "--diff")[0]
        show_report(WORK, emu)
        print("acme-prod post-login flow: %s" % bindings(emu, "acme-prod"))

        banner("3/3 Rerun: every tenant is compliant, no writes, changed=0 on every host")
        rerun, output = playbook(inventory)
        show_report(WORK, emu)
        recap = dict((host, int(changed)) for host, changed in RECAP.findall(output))
        converged = sorted(recap) == sorted(GROUPS) and not any(recap.values())
        print("rerun recap: %s" % ", ".join("%s changed=%d" % item for item in sorted(recap.items())))
        ok = scan != 0 and applied == 0 and rerun == 0 and converged
        print("\nDemo %s." % ("finished: drift found, fixed, and a rerun changed nothing" if ok else "FAILED"))
        print("The inventory and reports are kept in %s/." % os.path.relpath(WORK))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
