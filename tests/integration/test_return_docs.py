"""Every module's RETURN documentation against what a real run returns, key by key.

A key a run returns but RETURN does not document, or a documented key (returned: always) that a run
does not return, fails: ``ansible-doc`` must describe real results, not intentions.
"""
import importlib
import json

import yaml

from harness import connection

# Keys every module result carries from Ansible itself, not from the module.
ANSIBLE_KEYS = {"changed", "failed", "invocation", "diff", "warnings", "deprecations", "_ansible_no_log",
                "skipped", "msg", "ansible_facts"}

CASES = {
    "tenant_session": {"session_lifetime": "7d", "idle_session_lifetime": "1d"},
    "tenant_session_info": {},
    "management_token": {},
    "action": {"name": "docs-check", "trigger": "post-login",
               "code": "exports.onExecutePostLogin = async (event, api) => {};\n"},
    "trigger_binding": {"trigger": "post-login", "action": "docs-check"},
    # 8d: a setting to write, so that ``replaced`` has both its parts.
    "session_policy": {"tenant": {"session_lifetime": "8d"}, "action_name": "docs-check-policy",
                       "code": "exports.onExecutePostLogin = async (event, api) => {};\n"},
    # After tenant_session left idle_session_lifetime at 1d: restores it to 3d.
    # Controller-only: no request, so the connection defaults do not reach it.
    "session_policy_render": {"tenant": {"session_lifetime": "30d", "idle_session_lifetime": "3d"}, "default": {"session_lifetime": "7d"},
                              "expectations": [{"name": "any login", "login": {}, "expect": {"session_lifetime": "7d"}}]},
    # Controller-only: writes two files in the playbook's directory.
    "session_policy_report": {"path": "docs-report", "report": {"heading": "Applied.", "outcome": "compliant",
                                                                "summary": {"tenants": 0}}},
    "session_policy_rollback": {"replaced": {"settings": {"before": {"idle_session_lifetime": "3d"},
                                                          "after": {"idle_session_lifetime": "1d"}}}},
    # Read-only, after session_policy deployed and bound docs-check-policy: a canary with no session yet.
    "session_policy_verify": {"since": "2020-01-01T00:00:00Z", "action_name": "docs-check-policy",
                              "canaries": [{"name": "docs canary", "user_id": "auth0|docs-canary", "session_lifetime": "7d"}]},
    "session_policy_preview": {"since": "2020-01-01T00:00:00Z", "action_name": "docs-check-policy", "page_pause": 0},
}

PLAY = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/sessionguard.auth0.auth0: "{{ conn }}"
  tasks:
%s
"""


def documented(module):
    doc = importlib.import_module("ansible_collections.sessionguard.auth0.plugins.modules.%s" % module)
    return yaml.safe_load(doc.RETURN) or {}


def test_every_module_has_a_case():
    import pkgutil
    from ansible_collections.sessionguard.auth0.plugins import modules
    assert sorted(info.name for info in pkgutil.iter_modules(modules.__path__)) == sorted(CASES)


def test_return_docs_match_real_results(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    tasks = "\n".join("    - name: %s\n      sessionguard.auth0.%s: %s\n      no_log: %s"
                      % (name, name, json.dumps(args), "true" if name == "management_token" else "false")
                      for name, args in CASES.items())
    run = playbook(PLAY % tasks, extra_vars={"conn": connection(emu, tenant)})
    assert run.rc == 0, run
    problems = []
    for name in CASES:
        result = run.task(name)["result"]
        docs = documented(name)
        returned = set(result) - ANSIBLE_KEYS
        if name == "management_token":
            # no_log hides the result from the callback; the key is checked by its own test.
            continue
        for key in sorted(returned - set(docs)):
            problems.append("%s returns %r, which RETURN does not document" % (name, key))
        for key, spec in sorted(docs.items()):
            if spec.get("returned") == "always" and key not in result:
                problems.append("%s documents %r as returned always, but a run did not return it" % (name, key))
            elif key in result and isinstance(spec.get("contains"), dict) and isinstance(result[key], dict):
                extra = set(result[key]) - set(spec["contains"])
                if extra:
                    problems.append("%s.%s returns %s, not documented under contains" % (name, key, sorted(extra)))
        problems.extend(sample_problems(name, docs, result))
    assert not problems, "\n".join(problems)


def _shape(value):
    if isinstance(value, dict):
        return "dict", sorted(value)
    if isinstance(value, list):
        return "list", sorted(set(k for item in value if isinstance(item, dict) for k in item))
    return type(value).__name__, None


def sample_problems(module, docs, result, prefix=""):
    """A sample must have the shape of what a run returns: same type, same keys in dicts and list items."""
    found = []
    for key, spec in sorted(docs.items()):
        if key not in result or result[key] is None:
            continue
        where = "%s %s%s" % (module, prefix, key)
        if "contains" in spec and isinstance(result[key], dict):
            found.extend(sample_problems(module, spec["contains"], result[key], prefix="%s%s." % (prefix, key)))
        if "sample" not in spec:
            continue
        sample_kind, sample_keys = _shape(spec["sample"])
        real_kind, real_keys = _shape(result[key])
        numbers = ("int", "float")
        if sample_kind != real_kind and not (sample_kind in numbers and real_kind in numbers):
            found.append("%s: sample is a %s, a run returns a %s" % (where, sample_kind, real_kind))
        elif sample_keys and real_keys and sample_keys != real_keys:
            found.append("%s: sample keys %s, a run returns %s" % (where, sample_keys, real_keys))
    return found
