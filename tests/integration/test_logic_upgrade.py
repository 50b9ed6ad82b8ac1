"""An upgrade is not drift: the same policy in another collection version's Action logic."""
from harness import ACTION, PLAYBOOK, inventory

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import COLLECTION_VERSION

TASK = "Enforce tenant settings, Action and binding"
UPGRADE = "Action logic of collection %s; policy unchanged" % ".".join(COLLECTION_VERSION.split(".")[:2])


def _older_logic(tenant):
    """The deployed Action as an older release would have rendered the same policy (not logged: not our request)."""
    with tenant.lock:
        store = tenant.action_store
        action = store.by_name(ACTION)
        assert "const MINUTE_MS = 60 * 1000;" in action.code
        action.code = action.code.replace("const MINUTE_MS = 60 * 1000;", "const MINUTE_MS = 60000; // older logic")
        store._deploy(action)  # pylint: disable=protected-access


def test_the_same_policy_in_other_logic_is_named_an_upgrade_and_passes_the_drift_gate(playbook, emulator, tmp_path):
    emu = emulator(1)
    tenant = emu.tenants[0]
    hosts = inventory(tmp_path, emu)
    assert playbook(PLAYBOOK, inventory=hosts).rc == 0
    _older_logic(tenant)
    tenant.clear_requests()

    gate = playbook(PLAYBOOK, check=True, diff=True, inventory=hosts, extra_vars={"session_policy_fail_on_drift": True})
    assert gate.rc == 0, gate
    result = gate.task(TASK)["result"]
    assert result["status"] == "drifted"
    assert result["differences"] == [{"part": "action", "field": "logic", "current": "Action logic of another collection version",
                                      "desired": UPGRADE}]
    assert UPGRADE in gate.output and "policy drift" not in gate.output.lower()
    assert tenant.writes() == []

    # An apply still writes it: the tenant runs this release's logic afterwards, and a scan is clean.
    applied = playbook(PLAYBOOK, inventory=hosts)
    assert applied.rc == 0, applied
    assert applied.task(TASK)["result"]["status"] == "changed"
    assert "// older logic" not in tenant.action_store.by_name(ACTION).code
    scan = playbook(PLAYBOOK, check=True, inventory=hosts, extra_vars={"session_policy_fail_on_drift": True})
    assert scan.rc == 0 and scan.task(TASK)["result"]["status"] == "compliant", scan
