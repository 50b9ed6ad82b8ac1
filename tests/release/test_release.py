"""The built and installed collection: what the artifact holds, ansible-doc, and real playbook runs."""
import json
import os
import subprocess
import tarfile

import pytest
import yaml

from release_support import ROOT, harness, own_stderr, tool

# Nothing of the development tree belongs in the artifact: no tests at all (the emulator, the
# integration, unit, node and release tests, their data), no demo, no build or CI clutter.
NOT_SHIPPED = ["tests", "tests/emulator", "tests/integration", "tests/unit", "tests/node", "tests/release",
               "demo", ".venv", "build", ".ci", ".git", ".pytest_cache", "docs/site", "pytest.ini", "Makefile",
               "changelogs/.plugin-cache.yaml"]
SHIPPED = ["plugins/modules/tenant_session.py", "plugins/filter/session_policy.py", "roles/session_policy/meta/argument_specs.yml",
           "playbooks/enforce_session_policy.yml", "meta/runtime.yml", "meta/execution-environment.yml",
           "requirements.txt", "bindep.txt", "playbooks/export_session_policy.yml", "docs/docsite/extra-docs.yml",
           "docs/guides/connect-a-real-tenant.md", "CHANGELOG.rst", "changelogs/changelog.yaml", "README.md",
           "plugins/plugin_utils/session_policy_action.js", "playbooks/explain_session_policy.yml"]
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                 if name.endswith(".py") and not name.startswith("_"))
FILTERS = sorted(name[:-4] for name in os.listdir(os.path.join(ROOT, "plugins", "filter")) if name.endswith(".yml"))

# The example inventory's policy, as every other suite runs it.
POLICY, ACTION = harness.POLICY, harness.ACTION


def members(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    return sorted(name[2:] if name.startswith("./") else name for name in names)


def run(release, *command, **env):
    return subprocess.run(list(command), capture_output=True, text=True, env=release.env(**env),
                          cwd=str(release.home), timeout=300, check=False)


def inventory(path, emu, credentials=None, **variables):
    """One host per emulated tenant, connection variables as the role takes them."""
    hosts = {}
    for tenant in emu.tenants:
        hosts[tenant.name] = {"ansible_connection": "local", "session_policy_domain": tenant.domain}
        if credentials is None:
            hosts[tenant.name].update(session_policy_client_id=tenant.client_id,
                                      session_policy_client_secret=tenant.client_secret)
    group = dict(session_policy_ca_path=emu.ca_path, **variables)
    group.update(credentials or {})
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts, "vars": group}}))
    return str(path)


# -- the artifact ---------------------------------------------------------------------------------


def test_artifact_holds_the_collection_and_no_development_files(release):
    names = members(release.tarball)
    leaked = sorted(name for name in names
                    if any(name == p or name.startswith(p + "/") for p in NOT_SHIPPED)
                    or set(name.split("/")) & {"__pycache__", "node_modules", ".pytest_cache"}
                    or name.endswith((".pyc", ".tar.gz")))
    assert leaked == [], "in the artifact but not for users (add to build_ignore in galaxy.yml): %s" % leaked
    missing = [name for name in SHIPPED if name not in names]
    assert missing == [], missing
    assert "MANIFEST.json" in names and "FILES.json" in names


def test_installed_copy_is_the_artifact(release):
    listing = run(release, tool("ansible-galaxy"), "collection", "list", "sessionguard.auth0", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    found = json.loads(listing.stdout)
    assert list(found) == [os.path.join(release.collections_path, "ansible_collections")]
    version = yaml.safe_load(open(os.path.join(ROOT, "galaxy.yml")))["version"]
    assert found[list(found)[0]]["sessionguard.auth0"]["version"] == version
    assert not os.path.exists(os.path.join(release.collection_dir, "tests", "emulator"))


# -- ansible-doc ----------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_every_module(release, module):
    text = run(release, tool("ansible-doc"), "sessionguard.auth0.%s" % module)
    assert text.returncode == 0, text.stderr
    # Only a third party's Python warnings may reach stderr (a new cryptography deprecating what
    # ansible-core imports, say); any warning of ours, or of Ansible about our docs, fails.
    assert own_stderr(text.stderr, release.collection_dir, os.path.join(ROOT, "plugins")) == "", text.stderr
    source = yaml.safe_load(_documentation(module))
    flowing = " ".join(text.stdout.split())
    assert " ".join(source["description"][0].split()[:3]) in flowing, flowing[:300]
    # The controller-only modules (session_policy_render, session_policy_report) send no request: no connection options.
    connected = "sessionguard.auth0.connection" in source.get("extends_documentation_fragment", [])
    options = ["domain", "client_secret"] if connected else sorted(source["options"])
    for heading in ["OPTIONS", "EXAMPLES", "RETURN VALUES"] + options:
        assert heading in text.stdout
    data = json.loads(run(release, tool("ansible-doc"), "--json", "sessionguard.auth0.%s" % module).stdout)
    doc = data["sessionguard.auth0.%s" % module]["doc"]
    assert doc["short_description"] == source["short_description"]
    assert doc["filename"].startswith(release.collection_dir), doc["filename"]
    assert set(options) <= set(doc["options"])  # with the connection doc fragment resolved
    assert connected == ("client_secret" in doc["options"])


def test_own_stderr_drops_only_third_party_python_warnings(tmp_path):
    ours = str(tmp_path / "ansible_collections" / "sessionguard" / "auth0")
    third_party = ("/venv/lib/python3.11/site-packages/ansible/utils/ssh_agent.py:42: CryptographyDeprecationWarning:"
                   " DSA is deprecated\n  from cryptography.hazmat.primitives.asymmetric.dsa import DSAPrivateKey\n")
    assert own_stderr(third_party, ours) == ""
    own_python = ours + "/plugins/module_utils/_client.py:7: DeprecationWarning: old\n  import x\n"
    assert own_stderr(third_party + own_python, ours) == own_python.rstrip("\n")
    ansible = "[WARNING]: Collection sessionguard.auth0 does not support Ansible version 2.19.14\n"
    assert own_stderr(ansible + third_party, ours) == ansible.rstrip("\n")
    assert own_stderr("ERROR! plain text\n", ours) == "ERROR! plain text"


def _versions_added(node, where):
    """Every version_added in a documentation tree, with where it stands."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "version_added":
                yield where, str(value)
            else:
                yield from _versions_added(value, "%s.%s" % (where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _versions_added(value, "%s[%d]" % (where, index))


def test_nothing_is_added_in_a_version_after_the_collections():
    # A version_added above galaxy.yml's version is a feature the release notes and ansible-doc
    # promise for a release that does not exist yet.
    from packaging.version import Version
    version = Version(str(yaml.safe_load(open(os.path.join(ROOT, "galaxy.yml")))["version"]))
    docs = [("module %s" % m, yaml.safe_load(_documentation(m))) for m in MODULES]
    docs += [("filter %s" % f, yaml.safe_load(open(os.path.join(ROOT, "plugins", "filter", f + ".yml"))))
             for f in FILTERS]
    docs.append(("role session_policy", yaml.safe_load(
        open(os.path.join(ROOT, "roles", "session_policy", "meta", "argument_specs.yml")))))
    found = [(where, added) for name, doc in docs for where, added in _versions_added(doc, name)]
    assert len(found) > len(MODULES)  # each module says when it was added, at least
    assert [(where, added) for where, added in found if Version(added) > version] == [], version


def _documentation(module):
    namespace = {}
    source = open(os.path.join(ROOT, "plugins", "modules", module + ".py")).read()
    start = source.index('DOCUMENTATION = r"""')
    exec(source[start:source.index('"""', start + 20) + 3], namespace)  # pylint: disable=exec-used
    return namespace["DOCUMENTATION"]


def test_ansible_doc_lists_every_module_and_filter(release):
    modules = json.loads(run(release, tool("ansible-doc"), "--json", "-l", "sessionguard.auth0").stdout)
    assert sorted(modules) == ["sessionguard.auth0.%s" % m for m in MODULES]
    filters = json.loads(run(release, tool("ansible-doc"), "--json", "-t", "filter", "-l", "sessionguard.auth0").stdout)
    assert sorted(filters) == ["sessionguard.auth0.%s" % f for f in FILTERS]


@pytest.mark.parametrize("name", FILTERS)
def test_ansible_doc_renders_every_filter(release, name):
    text = run(release, tool("ansible-doc"), "-t", "filter", "sessionguard.auth0.%s" % name)
    assert text.returncode == 0, text.stderr
    assert "sessionguard.auth0.%s" % name in text.stdout and "EXAMPLES" in text.stdout and "RETURN" in text.stdout


def test_ansible_doc_renders_the_role_from_its_argument_specs(release):
    text = run(release, tool("ansible-doc"), "-t", "role", "sessionguard.auth0.session_policy")
    assert text.returncode == 0, text.stderr
    # The variables are documented under enforce: main has no argument spec, so that ansible-core adds no
    # check task per tenant to a user's play (docs/performance.md), and its description says so.
    assert "ENTRY POINT: *enforce*" in text.stdout or "ENTRY POINT: enforce" in text.stdout, text.stdout[:500]
    assert "ENTRY POINT: main" not in text.stdout and "ENTRY POINT: *main*" not in text.stdout
    assert "Enforce one Auth0 session policy across many tenants" in text.stdout
    for option in ("session_policy_tenant", "session_policy_rules", "session_policy_fail_on_drift"):
        assert option in text.stdout
    listed = run(release, tool("ansible-doc"), "-t", "role", "-l", "sessionguard.auth0")
    assert "sessionguard.auth0.session_policy" in listed.stdout, listed.stdout + listed.stderr


def test_the_playbook_resolves_from_the_installed_collection(release, tmp_path):
    # ansible-doc has no playbook type: the playbook's documentation is on the docs site; here it
    # must load by its name and list its plays and tasks.
    tasks = run(release, tool("ansible-playbook"), "-i", "localhost,", "--list-tasks",
                "sessionguard.auth0.enforce_session_policy")
    assert tasks.returncode == 0, tasks.stdout + tasks.stderr
    assert "Validate the session policy of every tenant before touching any" in tasks.stdout
    assert "Roll the session policy out" in tasks.stdout
    assert "sessionguard.auth0.session_policy : Enforce tenant settings, Action and binding" in tasks.stdout


# -- real runs from the installed copy ------------------------------------------------------------


def test_enforce_playbook_from_the_installed_collection_converges_two_tenants(release, emulator, tmp_path):
    emu = emulator(2)
    inv = inventory(tmp_path / "tenants.yml", emu, session_policy_report_dir=str(tmp_path / "reports"), **POLICY)
    playbook = "- ansible.builtin.import_playbook: sessionguard.auth0.enforce_session_policy\n"
    env = {"ANSIBLE_COLLECTIONS_PATH": release.collections_path, "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "0"}

    first = harness.run_playbook(tmp_path, playbook, inventory=inv, env=env, verbosity=3)
    assert first.rc == 0, first
    # The role and plugins came from the installed copy, not from the source tree (the only collection
    # path is the installed one; with a local connection the session_policy action plugin runs the task in
    # the worker, so no module file path is printed).
    assert "%s/roles/session_policy/tasks/" % release.collection_dir in first.output
    # The source tree's collection is the build/ansible_collections link: nothing may come from there.
    assert os.path.join(ROOT, "build") not in first.output
    report = json.loads((tmp_path / "reports" / "session-policy-report.json").read_text())
    assert sorted((t["tenant"], t["status"]) for t in report["tenants"]) == [("tenant1", "changed"),
                                                                             ("tenant2", "changed")]
    for tenant in emu.tenants:
        state = tenant.settings_minutes()
        assert (state["session_lifetime"], state["idle_session_lifetime"], state["ephemeral_session_lifetime"],
                state["idle_ephemeral_session_lifetime"]) == (43200, 4320, 1440, 480)
        assert [b["action"]["name"] for b in tenant.bindings("post-login")] == [ACTION]
        tenant.clear_requests()

    # The rerun with release 0.1.0's switch to the module path: it no longer exists, so the task still runs in
    # the worker (no module packed), from the installed copy, never the development tree.
    second = harness.run_playbook(tmp_path, playbook, inventory=inv, env=env, verbosity=3,
                                  extra_vars={"sessionguard_auth0_run_as_module": True})
    assert second.rc == 0, second
    assert "AnsiballZ_session_policy" not in second.output
    assert os.path.join(ROOT, "build") not in second.output and ROOT + "/plugins" not in second.output
    report = json.loads((tmp_path / "reports" / "session-policy-report.json").read_text())
    assert sorted(t["status"] for t in report["tenants"]) == ["compliant", "compliant"]
    assert all(t.writes() == [] for t in emu.tenants)


def test_awx_style_credential_mapping_from_the_guide(release, emulator, tmp_path):
    """The fleet credential of docs/guides/awx.md: one YAML extra var, picked per tenant in group_vars."""
    emu = emulator(2)
    mapping = yaml.safe_dump(dict((t.name, {"client_id": t.client_id, "client_secret": t.client_secret})
                                  for t in emu.tenants))
    inv = inventory(tmp_path / "tenants.yml", emu, credentials=harness.AWX_CREDENTIAL_VARS, **POLICY)
    result = harness.run_playbook(tmp_path, "- ansible.builtin.import_playbook: sessionguard.auth0.enforce_session_policy\n",
                                  inventory=inv, check=True, extra_vars={"sessionguard_auth0_credentials": mapping},
                                  env={"ANSIBLE_COLLECTIONS_PATH": release.collections_path})
    assert result.rc == 0, result
    assert all(t.token_count() == 1 and t.writes() == [] for t in emu.tenants)
    for tenant in emu.tenants:
        assert tenant.client_secret not in result.output


def test_export_playbook_turns_live_settings_into_the_policy_block(release, emulator, tmp_path):
    emu = emulator(3)
    one, two, three = emu.tenants
    one.set_settings(session_lifetime_minutes=43200, idle_session_lifetime_minutes=90,
                     ephemeral_session_lifetime_minutes=1440, idle_ephemeral_session_lifetime_minutes=480,
                     session_cookie="non-persistent")
    # Hours, as the Management API counts; the Dashboard says 2160 and 720 minutes.
    two.set_settings(session_lifetime=36, idle_session_lifetime=12)
    three.set_settings(session_lifetime=24)  # idle stays 72 h: Auth0 accepts it, the collection does not
    inv = inventory(tmp_path / "tenants.yml", emu)
    export_dir = tmp_path / "exported"
    result = harness.run_playbook(tmp_path, "- ansible.builtin.import_playbook: sessionguard.auth0.export_session_policy\n",
                                  inventory=inv,
                                  extra_vars={"session_policy_export_dir": str(export_dir)},
                                  env={"ANSIBLE_COLLECTIONS_PATH": release.collections_path})
    assert result.rc == 0, result
    assert all(t.writes() == [] for t in emu.tenants)

    blocks = dict((t.name, yaml.safe_load((export_dir / ("%s.yml" % t.name)).read_text())) for t in emu.tenants)
    assert blocks["tenant1"] == {"session_policy_tenant": {
        "session_lifetime": "30d", "idle_session_lifetime": "1h30m", "ephemeral_session_lifetime": "1d",
        "idle_ephemeral_session_lifetime": "8h", "cookie_mode": "non-persistent"}}
    assert blocks["tenant2"]["session_policy_tenant"]["session_lifetime"] == "1d12h"
    assert blocks["tenant2"]["session_policy_tenant"]["idle_session_lifetime"] == "12h"
    assert blocks["tenant2"]["session_policy_tenant"]["cookie_mode"] == "persistent"
    assert "session_policy_tenant:" in result.output  # printed too, for AWX where files are lost
    flagged = " ".join(result.output.split())
    assert "WARNING tenant3: idle_session_lifetime (3d) is longer than session_lifetime (1d)" in flagged
    assert "WARNING tenant1" not in flagged and "WARNING tenant2" not in flagged

    # The block is the tenant's settings: enforced with the tenant_session module, nothing changes.
    for tenant in (one, two):
        tenant.clear_requests()
        task = harness.run_playbook(
            tmp_path, """
            - hosts: localhost
              gather_facts: false
              tasks:
                - name: Enforce the exported block
                  sessionguard.auth0.tenant_session: "{{ block | combine(connection) }}"
                  register: enforced
            """, extra_vars={"block": blocks[tenant.name]["session_policy_tenant"],
                             "connection": harness.connection(emu, tenant)},
            env={"ANSIBLE_COLLECTIONS_PATH": release.collections_path})
        assert task.rc == 0, task
        assert task.task("Enforce the exported block")["result"]["changed"] is False
        assert tenant.writes() == []
