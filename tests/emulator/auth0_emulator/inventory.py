"""An Ansible inventory of the emulated tenants, for `make emulator`: one host per tenant with its connection."""
import json
import os

HOW_TO = """\
The Auth0 emulator serves {count} tenant{s}: {names}.
Inventory with each tenant's connection: {inventory}

Try the shipped playbooks against it (from the repository root, in another terminal):

  export ANSIBLE_COLLECTIONS_PATH=$PWD/build
  {ansible_playbook} -i {inventory} sessionguard.auth0.enforce_session_policy \\
      -e @docs/examples/inventory/group_vars/all.yml --check --diff
  {ansible_playbook} -i {inventory} sessionguard.auth0.enforce_session_policy \\
      -e @docs/examples/inventory/group_vars/all.yml

or your own playbook and policy with -i {inventory}. Admin API (request log, Dashboard edits): {admin_url}
Ctrl-C stops the emulator; its tenants and their state go with it.
"""


def inventory_text(info):
    """YAML of every tenant as a host with ``session_policy_connection`` (each scalar JSON-quoted, valid YAML)."""
    lines = ["---", "# Written by `make emulator`: the emulated tenants, valid while it runs.", "all:", "  vars:",
             "    ansible_connection: local",
             "    # The interpreter of ansible-playbook itself, which has the collection's requirements.",
             "    ansible_python_interpreter: \"{{ ansible_playbook_python }}\"", "  hosts:"]
    for tenant in info["tenants"]:
        lines += ["    %s:" % json.dumps(tenant["name"]), "      session_policy_connection:"]
        for key in ("domain", "client_id", "client_secret"):
            lines.append("        %s: %s" % (key, json.dumps(tenant[key])))
        lines.append("        ca_path: %s" % json.dumps(info["ca_path"]))
    return "\n".join(lines) + "\n"


def write_inventory(path, info):
    """Atomically, so a reader waiting for the file never sees half of it; mode 0600 (client secrets)."""
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory)
    tmp = path + ".tmp"
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(inventory_text(info))
    os.replace(tmp, path)
    return path


def how_to(path, info, ansible_playbook="ansible-playbook"):
    names = [t["name"] for t in info["tenants"]]
    return HOW_TO.format(count=len(names), s="" if len(names) == 1 else "s", names=", ".join(names),
                         inventory=os.path.relpath(path), ansible_playbook=ansible_playbook,
                         admin_url=info["admin_url"])
