"""trigger_binding against the emulator: placement, other teams' bindings over several pages, races, refusals."""
import json
import threading

from harness import TRIGGER, connection, ensure_collection_link, run_playbook, seed_actions

CODE = "exports.onExecutePostLogin = async (event, api) => { /* deployed by the task */ };\n"


def play(*tasks):
    lines = ["- hosts: localhost", "  gather_facts: false", "  module_defaults:",
             "    sessionguard.auth0.trigger_binding: '{{ conn }}'", "  tasks:"]
    for name, args in tasks:
        lines += ["    - name: %s" % name, "      sessionguard.auth0.trigger_binding: %s" % json.dumps(args)]
    return "\n".join(lines) + "\n"


def bind(playbook, emu, tenant, *tasks, **kwargs):
    return playbook(play(*tasks), extra_vars={"conn": connection(emu, tenant)}, **kwargs)


def names(tenant):
    return [b["action"]["name"] for b in tenant.bindings(TRIGGER)]


def state(tenant):
    """Order and display names: binding ids are not an identity, every PATCH renews them (recorded)."""
    return [(b["action"]["id"], b["action"]["name"], b["display_name"]) for b in tenant.bindings(TRIGGER)]


def binding_ids(tenant):
    return [b["id"] for b in tenant.bindings(TRIGGER)]


def binding_writes(tenant):
    return [w for w in tenant.writes() if w["path"].endswith("/bindings")]


def test_other_bindings_over_several_pages_are_kept_in_order(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    others = ["team-%02d" % i for i in range(60)]
    seed_actions(tenant, others, bind=True)
    seed_actions(tenant, ["ours"])
    before = state(tenant)
    ids_before = binding_ids(tenant)
    run = bind(playbook, emu, tenant, ("bind", {"trigger": TRIGGER, "action": "ours", "position": "after:team-29",
                                                "display_name": "Ours"}))
    assert run.rc == 0, run
    assert run.task("bind")["result"]["operations"] == ["bind"]
    assert names(tenant) == others[:30] + ["ours"] + others[30:]
    after = state(tenant)
    assert [b for b in after if b[1] != "ours"] == before  # same actions, order and display names
    assert not set(binding_ids(tenant)) & set(ids_before)  # the emulator renewed every binding id, as Auth0 does
    pages = [r["query"]["page"] for r in tenant.requests() if r["path"].endswith("/bindings") and r["method"] == "GET"]
    assert pages[:2] == ["0", "1"]
    (write,) = binding_writes(tenant)
    sent = write["body"]["bindings"]
    assert len(sent) == 61
    assert [item["ref"]["type"] for item in sent] == ["action_id"] * 61
    assert sent[30]["ref"]["type"] == "action_id" and sent[30]["display_name"] == "Ours"

    # Converged: reads only.  Then "last" moves it, and only it.
    tenant.clear_requests()
    again = bind(playbook, emu, tenant, ("bind", {"trigger": TRIGGER, "action": "ours", "position": "after:team-29",
                                                  "display_name": "Ours"}))
    assert again.rc == 0 and again.task("bind")["result"]["changed"] is False and tenant.writes() == []
    moved = bind(playbook, emu, tenant, ("bind", {"trigger": TRIGGER, "action": "ours", "display_name": "Ours"}))
    assert moved.task("bind")["result"]["operations"] == ["move"]
    assert names(tenant) == others + ["ours"]
    assert [b for b in state(tenant) if b[1] != "ours"] == before


def test_positions_and_display_name(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a", "b", "c"], bind=True)
    seed_actions(tenant, ["x"])
    run = bind(playbook, emu, tenant, ("first", {"trigger": TRIGGER, "action": "x", "position": "first"}))
    assert run.rc == 0, run
    assert names(tenant) == ["x", "a", "b", "c"]
    assert tenant.bindings(TRIGGER)[0]["display_name"] == "x"
    run = bind(playbook, emu, tenant, ("before", {"trigger": TRIGGER, "action": "x", "position": "before:b"}))
    assert run.task("before")["result"]["changed"] is False  # first is already before b
    run = bind(playbook, emu, tenant, ("after", {"trigger": TRIGGER, "action": "x", "position": "after:b"}))
    assert run.task("after")["result"]["operations"] == ["move"] and names(tenant) == ["a", "b", "x", "c"]
    tenant.clear_requests()
    run = bind(playbook, emu, tenant, ("rename", {"trigger": TRIGGER, "action": "x", "position": "after:b",
                                                  "display_name": "X!"}))
    assert run.task("rename")["result"]["operations"] == ["rename"]
    assert names(tenant) == ["a", "b", "x", "c"] and tenant.bindings(TRIGGER)[2]["display_name"] == "X!"
    assert len(binding_writes(tenant)) == 1
    bad = bind(playbook, emu, tenant, ("bad", {"trigger": TRIGGER, "action": "x", "position": "after:nobody"}))
    assert bad.rc != 0 and "after:nobody" in bad.task("bad")["result"]["msg"]
    bad = bind(playbook, emu, tenant, ("bad", {"trigger": TRIGGER, "action": "x", "position": "middle"}))
    assert bad.rc != 0 and "position: must be first, last" in bad.task("bad")["result"]["msg"]


def test_bind_by_id_and_unbind(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a", "b"], bind=True)
    seed_actions(tenant, ["x"])
    x_id = [a["id"] for a in tenant.actions() if a["name"] == "x"][0]
    run = bind(playbook, emu, tenant, ("bind", {"trigger": TRIGGER, "action": x_id}))
    assert run.rc == 0, run
    assert names(tenant) == ["a", "b", "x"] and tenant.bindings(TRIGGER)[2]["display_name"] == "x"
    before = state(tenant)
    run = bind(playbook, emu, tenant, ("unbind", {"trigger": TRIGGER, "action": "x", "state": "absent"}))
    assert run.task("unbind")["result"]["operations"] == ["unbind"]
    assert state(tenant) == before[:2]
    tenant.clear_requests()
    run = bind(playbook, emu, tenant, ("unbind", {"trigger": TRIGGER, "action": "x", "state": "absent"}),
               ("unknown", {"trigger": TRIGGER, "action": "never-existed", "state": "absent"}))
    assert run.rc == 0, run
    assert run.task("unbind")["result"]["changed"] is False and run.task("unknown")["result"]["changed"] is False
    assert tenant.writes() == []


def test_undeployed_action_is_refused_by_name_with_zero_writes(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a"], bind=True)
    seed_actions(tenant, ["draft-only"], deployed=False)
    run = bind(playbook, emu, tenant, ("bind", {"trigger": TRIGGER, "action": "draft-only"}))
    assert run.rc != 0
    msg = run.task("bind")["result"]["msg"]
    assert "draft-only" in msg and "never deployed" in msg, msg
    assert tenant.writes() == [] and names(tenant) == ["a"]
    run = bind(playbook, emu, tenant, ("all", {"trigger": TRIGGER, "bindings": [{"action": "a"},
                                                                                {"action": "draft-only"}]}))
    assert run.rc != 0 and "draft-only" in run.task("all")["result"]["msg"]
    assert tenant.writes() == []
    run = bind(playbook, emu, tenant, ("missing", {"trigger": TRIGGER, "action": "nobody"}))
    assert run.rc != 0 and "no action named or with id 'nobody'" in run.task("missing")["result"]["msg"]


def test_authoritative_list_replaces_exactly(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a", "b", "c"], bind=True)
    seed_actions(tenant, ["x"])
    wanted = [{"action": "x", "display_name": "X"}, {"action": "c"}, {"action": "a"}]
    run = bind(playbook, emu, tenant, ("all", {"trigger": TRIGGER, "bindings": wanted}), diff=True)
    assert run.rc == 0, run
    result = run.task("all")["result"]
    assert result["operations"] == ["replace"]
    assert names(tenant) == ["x", "c", "a"]
    assert [b["display_name"] for b in tenant.bindings(TRIGGER)] == ["X", "c", "a"]
    assert result["diff"]["before"]["bindings"] == ["a", "b", "c"]
    assert result["diff"]["after"]["bindings"] == ["x", "c", "a"]
    tenant.clear_requests()
    again = bind(playbook, emu, tenant, ("all", {"trigger": TRIGGER, "bindings": wanted}))
    assert again.task("all")["result"]["changed"] is False and tenant.writes() == []
    clash = bind(playbook, emu, tenant, ("all", {"trigger": TRIGGER, "bindings": wanted, "action": "x"}))
    assert clash.rc != 0 and "mutually exclusive" in clash.task("all")["result"]["msg"]
    empty = bind(playbook, emu, tenant, ("all", {"trigger": TRIGGER, "bindings": []}))
    assert empty.rc == 0 and names(tenant) == []


def test_check_mode_writes_nothing_and_diff_shows_order(playbook, emulator):
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a", "b"], bind=True)
    seed_actions(tenant, ["x"])
    before = state(tenant)
    cases = [
        ({"action": "x", "position": "first"}, ["bind"], ["x", "a", "b"]),
        ({"action": "a", "position": "last"}, ["move"], ["b", "a"]),
        ({"action": "a", "position": "first", "display_name": "A"}, ["rename"], ["a", "b"]),
        ({"action": "a", "state": "absent"}, ["unbind"], ["b"]),
        ({"bindings": [{"action": "b"}, {"action": "x"}]}, ["replace"], ["b", "x"]),
    ]
    for args, operations, after in cases:
        args = dict(args, trigger=TRIGGER)
        run = bind(playbook, emu, tenant, ("check", args), check=True, diff=True)
        assert run.rc == 0, run
        result = run.task("check")["result"]
        assert result["changed"] is True and result["operations"] == operations, (args, result)
        assert result["diff"]["before"]["bindings"] == ["a", "b"]
        assert result["diff"]["after"]["bindings"] == after
        assert [b["action"] for b in result["bindings"]] == after
    assert "+    \"x\"" in run.stdout or '+        "x"' in run.stdout, run.stdout
    assert tenant.writes() == [] and state(tenant) == before


def test_two_concurrent_binders_both_end_up_bound(emulator, tmp_path):
    """Two ansible-playbook processes, each in its own directory, bind different actions at once."""
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["team-%02d" % i for i in range(25)], bind=True)
    seed_actions(tenant, ["alpha", "beta"])
    before = state(tenant)
    # Slow answers widen the window between each writer's read and write, so the two cross.
    tenant.set_faults(latency_ms=150)
    runs = {}
    barrier = threading.Barrier(2)
    ensure_collection_link()

    def go(name):
        barrier.wait()
        workdir = tmp_path / name
        workdir.mkdir()
        runs[name] = run_playbook(workdir, play(("bind", {"trigger": TRIGGER, "action": name})),
                                  extra_vars={"conn": connection(emu, tenant)})

    threads = [threading.Thread(target=go, args=(name,)) for name in ("alpha", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in ("alpha", "beta"):
        assert runs[name].rc == 0, runs[name]
        assert runs[name].task("bind")["result"]["changed"] is True
    final = names(tenant)
    assert sorted(final[-2:]) == ["alpha", "beta"], final
    assert [b for b in state(tenant) if b[1] not in ("alpha", "beta")] == before


def test_lost_update_is_detected_and_merged(playbook, emulator):
    """Another writer's PATCH, read before ours landed, lands after it: we see ours gone and write again."""
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a", "b"], bind=True)
    seed_actions(tenant, ["x", "late"])
    stale = [{"ref": {"type": "action_name", "value": n}, "display_name": n} for n in ("a", "b", "late")]
    fired = []
    original = tenant.binding_store.replace

    def replace(trigger_id, payload):
        result = original(trigger_id, payload)
        if not fired:
            fired.append(True)
            original(trigger_id, {"bindings": stale})  # the other writer's stale list, right after ours
        return result

    tenant.binding_store.replace = replace
    run = bind(playbook, emu, tenant, ("bind", {"trigger": TRIGGER, "action": "x"}))
    assert run.rc == 0, run
    assert run.task("bind")["result"]["writes"] == 2
    assert names(tenant) == ["a", "b", "late", "x"]


def test_bind_right_after_deploy_waits_for_the_deploy_to_register(playbook, emulator):
    """Auth0 may answer "not deployed" to a bind just after a deploy; the bind is retried, not failed."""
    emu = emulator()
    tenant = emu.tenant("tenant1")
    seed_actions(tenant, ["a"], bind=True)
    tenant.set_faults(build_seconds=0, unregistered_binds=2)
    text = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    sessionguard.auth0.action: '{{ conn }}'
    sessionguard.auth0.trigger_binding: '{{ conn }}'
  tasks:
    - name: deploy
      sessionguard.auth0.action: {name: fresh, trigger: post-login, code: %s}
    - name: bind
      sessionguard.auth0.trigger_binding: {trigger: post-login, action: fresh}
""" % json.dumps(CODE)
    run = playbook(text, extra_vars={"conn": connection(emu, tenant)})
    assert run.rc == 0, run
    assert names(tenant) == ["a", "fresh"]
    statuses = [w["status"] for w in binding_writes(tenant)]
    assert statuses == [400, 400, 200], statuses
