"""A saved plan, applied exactly: a check run writes the plan, an apply carries out that plan and nothing else."""
import json

from harness import PLAYBOOK, POLICY, emulator_secrets, inventory, leaks_in


def _plan_then_edit(playbook, emulator, tmp_path):
    emu = emulator(4)
    hosts = inventory(tmp_path, emu)
    plan_path = tmp_path / "review" / "session-policy-plan.json"
    check = playbook(PLAYBOOK, check=True, inventory=hosts, extra_vars={"session_policy_save_plan": str(plan_path)},
                     args=["--limit", "tenant1,tenant2,tenant3"])
    assert check.rc == 0, check
    for tenant in emu.tenants:
        assert tenant.writes() == []
    return emu, hosts, plan_path


def test_apply_carries_out_the_plan_and_refuses_a_tenant_edited_since(playbook, emulator, tmp_path):
    emu, hosts, plan_path = _plan_then_edit(playbook, emulator, tmp_path)
    plan = json.loads(plan_path.read_text())
    assert sorted(plan["tenants"]) == ["tenant1", "tenant2", "tenant3"]
    entry = plan["tenants"]["tenant2"]
    assert entry["status"] == "drifted" and entry["operations"]
    assert entry["fingerprint"]["read"]["settings"]["session_lifetime"]
    markdown = (tmp_path / "review" / "session-policy-plan.md").read_text()
    assert "- **tenant2** (%s): drifted: " % emu.tenants[1].domain in markdown
    # The plan is a review artifact: no credential, no token, no Action code in it.
    assert leaks_in({"plan.json": plan_path.read_text(), "plan.md": markdown}, emulator_secrets(emu)) == []
    assert "onExecutePostLogin" not in plan_path.read_text()

    one, two, three, four = emu.tenants
    # A Dashboard edit between plan and apply.
    three.set_settings(session_lifetime_minutes=3 * 24 * 60)
    for tenant in emu.tenants:
        tenant.clear_requests()
    run = playbook(PLAYBOOK, inventory=hosts, extra_vars={"session_policy_apply_plan": str(plan_path)})
    assert run.rc != 0, run

    refused_task = run.task("Enforce tenant settings, Action and binding", host="tenant3")
    refused = refused_task["result"]
    assert refused_task["status"] == "failed" and refused["status"] == "failed"
    assert refused["msg"].startswith("saved plan refused for tenant3 (%s): the tenant changed since the plan" % three.domain)
    assert "settings.session_lifetime was" in refused["msg"] and "is 3d now" in refused["msg"], refused["msg"]
    assert three.writes() == []

    for tenant in (one, two):
        result = run.task("Enforce tenant settings, Action and binding", host=tenant.name)["result"]
        planned = plan["tenants"][tenant.name]
        assert result["status"] == "changed"
        assert result["operations"] == planned["operations"]
        assert result["differences"] == planned["differences"]
        assert tenant.writes()

    untouched_task = run.task("Enforce tenant settings, Action and binding", host="tenant4")
    untouched = untouched_task["result"]
    assert untouched_task["status"] == "ok" and untouched["status"] == "not_in_plan"
    assert untouched["left_in"] == "untouched: not in the saved plan"
    assert four.requests() == []


def test_apply_refuses_a_policy_other_than_the_planned_one(playbook, emulator, tmp_path):
    emu, hosts, plan_path = _plan_then_edit(playbook, emulator, tmp_path)
    run = playbook(PLAYBOOK, inventory=hosts, args=["--limit", "tenant1"],
                   extra_vars={"session_policy_apply_plan": str(plan_path),
                               "session_policy_tenant": dict(POLICY["session_policy_tenant"], ephemeral_session_lifetime="20h")})
    assert run.rc != 0, run
    msg = run.task("Enforce tenant settings, Action and binding", host="tenant1")["result"]["msg"]
    assert "the policy to apply is not the planned one" in msg and "settings.ephemeral_session_lifetime was 1d in the plan, is 20h" in msg, msg
    assert emu.tenants[0].writes() == []


def test_save_plan_needs_check_mode_and_writes_nothing(playbook, emulator, tmp_path):
    emu = emulator(1)
    run = playbook(PLAYBOOK, inventory=inventory(tmp_path, emu),
                   extra_vars={"session_policy_save_plan": str(tmp_path / "plan.json")})
    assert run.rc != 0
    assert "save_plan: a plan is made by a check run" in run.output
    assert emu.tenants[0].writes() == []
