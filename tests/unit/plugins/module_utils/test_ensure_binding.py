"""bindings module_utils with a fake client: placement, pages, lost updates between writers, refusals."""
import random

import pytest

from ansible_collections.sessionguard.auth0.plugins.module_utils import _ensure_binding as B
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Client, Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import ACTIONS_PATH, bindings_path

PATH = bindings_path("post-login")


class FakeApi(object):
    """Actions by name, and one trigger's ordered bindings, paged 50 at a time."""

    paginate = Auth0Client.paginate  # the real paging over the fake get

    def __init__(self, bound=(), unbound=(), undeployed=()):
        self.actions = {}
        self.bound = []
        self.calls = []
        self.seq = 0
        self.after_patch = []  # callables run after the next PATCHes, one each: another writer
        self.before_read = []  # callables run before the next binding reads, one each
        for name in list(bound) + list(unbound):
            self.action(name)
        for name in undeployed:
            self.action(name, deployed=False)
        for name in bound:
            self.bind(name)

    def action(self, name, deployed=True):
        self.seq += 1
        action = {"id": "id-%s" % name, "name": name, "supported_triggers": [{"id": "post-login"}]}
        if deployed:
            action["deployed_version"] = {"number": 1}
        self.actions[action["id"]] = action
        return action

    def bind(self, name, display=None):
        self.seq += 1
        self.bound.append({"id": "bind-%s-%d" % (name, self.seq), "action_id": "id-%s" % name,
                           "display_name": display or "Team %s" % name})

    def names(self):
        return [self.actions[b["action_id"]]["name"] for b in self.bound]

    def embedded(self, action_id):
        """The action as a binding embeds it: with its deployed version, code included."""
        action = self.actions[action_id]
        return dict((key, action[key]) for key in ("id", "name", "deployed_version") if key in action)

    def writes(self):
        return [c for c in self.calls if c[0] != "GET"]

    def get(self, path, params=None):
        self.calls.append(("GET", path, dict(params or {})))
        if path == ACTIONS_PATH:
            found = [a for a in self.actions.values() if a["name"] == params["actionName"]]
            return {"actions": found[params["page"] * 50:(params["page"] + 1) * 50], "total": len(found)}
        if path == PATH:
            page, per_page = params["page"], params["per_page"]
            if self.before_read and page == 0:
                self.before_read.pop(0)()
            chunk = self.bound[page * per_page:(page + 1) * per_page]
            body = {"bindings": [{"id": b["id"], "display_name": b["display_name"],
                                  "action": self.embedded(b["action_id"])}
                                 for b in chunk], "total": len(self.bound)}
            return body
        action = self.actions.get(path.rsplit("/", 1)[1])
        if action is None:
            raise Auth0Error("HTTP 404 not found", status=404)
        return action

    def patch(self, path, body, idempotent=False):
        self.calls.append(("PATCH", path, body))
        new = []
        for item in body["bindings"]:
            ref = item["ref"]
            assert ref["type"] == "action_id", ref  # a binding id does not survive a PATCH
            action = self.actions.get(ref["value"])
            if action is None:
                raise Auth0Error("HTTP 404 action not found", status=404)
            if not action.get("deployed_version"):
                raise Auth0Error("HTTP 400 not deployed", status=400)
            # Like Auth0 (auth0-recorded TestAccTriggerActions): every binding gets a new id.
            self.seq += 1
            new.append({"id": "bind-%s-%d" % (action["name"], self.seq), "action_id": action["id"],
                        "display_name": item["display_name"]})
        self.bound = new
        # Like Auth0: the answer is the list as stored by this write; later writers come after it.
        answer = {"bindings": [{"id": b["id"], "display_name": b["display_name"],
                                "action": self.embedded(b["action_id"])}
                               for b in new]}
        if self.after_patch:
            self.after_patch.pop(0)()
        return answer


def ensure(api, **kwargs):
    sleeps = []
    outcome = B.ensure_binding(api, "post-login", sleep=sleeps.append, rng=random.Random(1), **kwargs)
    outcome["sleeps"] = sleeps
    return outcome


def entries(*names):
    return [dict(id="b-" + n, action_id="id-" + n, action_name=n, display_name=n) for n in names]


# -- placement --------------------------------------------------------------------------------

@pytest.mark.parametrize("current, position, expected", [
    ("abc", "first", "xabc"),
    ("abc", "last", "abcx"),
    ("abc", "before:b", "axbc"),
    ("abc", "after:b", "abxc"),
    ("axbc", "before:c", "axbc"),  # anywhere before c is before c
    ("axbc", "after:a", "axbc"),
    ("axbc", "after:b", "abxc"),
    ("axbc", "first", "xabc"),
    ("axbc", "last", "abcx"),
    ("x", "last", "x"),
    ("", "first", "x"),
])
def test_place(current, position, expected):
    placed = B.place(entries(*current), {"id": "id-x", "name": "x"}, None, position)
    assert "".join(e["action_name"] for e in placed) == expected


def test_place_sets_display_name():
    placed = B.place(entries("a", "x"), {"id": "id-x", "name": "x"}, "Mine", "first")
    assert placed[0] == dict(id=None, action_id="id-x", action_name="x", display_name="Mine")
    assert placed[1] == entries("a")[0]


def test_place_absent_and_bad_positions():
    assert [e["action_name"] for e in B.place(entries("a", "x", "b"), {"id": "id-x"}, None, "last", "absent")] == \
        ["a", "b"]
    with pytest.raises(B.BindingFailure, match="before:zz: no action of that name"):
        B.place(entries("a"), {"id": "id-x", "name": "x"}, None, "before:zz")
    with pytest.raises(B.BindingFailure, match="position: must be"):
        B.parse_position("after:")


def test_write_body_sends_every_binding_by_action_id():
    wanted = entries("a") + [dict(id=None, action_id="id-x", action_name="x", display_name="X")]
    assert B.write_body(wanted) == {"bindings": [
        {"ref": {"type": "action_id", "value": "id-a"}, "display_name": "a"},
        {"ref": {"type": "action_id", "value": "id-x"}, "display_name": "X"}]}


# -- ensure_binding ---------------------------------------------------------------------------

def test_bind_keeps_other_bindings_across_pages_in_order():
    others = ["t%02d" % i for i in range(70)]
    api = FakeApi(bound=others, unbound=["x"])
    before = list(api.bound)
    outcome = ensure(api, action="x", position="after:t40", display_name="Mine")
    assert outcome["errors"] == [] and outcome["operations"] == ["bind"] and outcome["writes"] == 1
    assert api.names() == others[:41] + ["x"] + others[41:]
    assert [(b["action_id"], b["display_name"]) for b in api.bound if b["action_id"] != "id-x"] == \
        [(b["action_id"], b["display_name"]) for b in before]
    pages = [c[2]["page"] for c in api.calls if c[:2] == ("GET", PATH)]
    assert pages[:2] == [0, 1]
    (write,) = api.writes()
    assert len(write[2]["bindings"]) == 71
    assert outcome["diff"]["after"]["bindings"] == api.names()
    assert outcome["diff"]["after"]["display_names"]["x"] == "Mine"


def test_converged_is_reads_only_and_rerun_is_idempotent():
    api = FakeApi(bound=["a", "x"])
    api.bound[1]["display_name"] = "x"
    outcome = ensure(api, action="x")
    assert outcome["changed"] is False and outcome["operations"] == [] and api.writes() == []
    outcome = ensure(api, action="x", display_name="New")
    assert outcome["operations"] == ["rename"]
    assert ensure(api, action="x", display_name="New")["changed"] is False


def test_check_mode_writes_nothing_and_predicts():
    api = FakeApi(bound=["a", "b"], unbound=["x"])
    outcome = ensure(api, action="x", position="first", check_mode=True)
    assert outcome["changed"] is True and outcome["operations"] == ["bind"]
    assert [b["action"] for b in outcome["bindings"]] == ["x", "a", "b"]
    assert outcome["diff"]["before"]["bindings"] == ["a", "b"]
    outcome = ensure(api, bindings=[{"action": "b"}], check_mode=True)
    assert outcome["operations"] == ["replace"] and outcome["diff"]["after"]["bindings"] == ["b"]
    outcome = ensure(api, action="a", state="absent", check_mode=True)
    assert outcome["operations"] == ["unbind"]
    assert api.writes() == []


def test_undeployed_action_refused_naming_it_with_zero_writes():
    api = FakeApi(bound=["a"], undeployed=["draft"])
    outcome = ensure(api, action="draft")
    assert "the action 'draft' (id-draft)" in outcome["errors"][0] and "never deployed" in outcome["errors"][0]
    assert api.writes() == [] and outcome["changed"] is False
    outcome = ensure(api, bindings=[{"action": "a"}, {"action": "draft"}])
    assert "draft" in outcome["errors"][0] and api.writes() == []


def test_action_by_id_and_unknown_action():
    api = FakeApi(unbound=["x"])
    assert ensure(api, action="id-x")["operations"] == ["bind"]
    assert api.bound[0]["display_name"] == "x"
    outcome = ensure(api, action="nope")
    assert "no action named or with id 'nope'" in outcome["errors"][0]
    assert ensure(api, action="nope", state="absent")["changed"] is False


def test_write_lost_to_another_writer_is_merged_and_written_again():
    api = FakeApi(bound=["a"], unbound=["x", "y"])

    def other_writer():  # read before our write, wrote after it: [a, y]
        api.bound = [b for b in api.bound if b["action_id"] != "id-x"]
        api.bind("y")

    api.after_patch.append(other_writer)
    outcome = ensure(api, action="x")
    assert outcome["errors"] == [] and outcome["writes"] == 2 and outcome["changed"] is True
    assert api.names() == ["a", "y", "x"]
    assert len(outcome["sleeps"]) >= 2 and all(s < 2 for s in outcome["sleeps"])


def test_late_stale_write_after_our_patch_answer_is_caught_by_the_settle_read():
    api = FakeApi(bound=["a"], unbound=["x", "y"])

    def stale_lands():  # our PATCH answer showed ours bound; then the other writer's stale PATCH arrives
        api.bound = [b for b in api.bound if b["action_id"] != "id-x"]
        api.bind("y")

    api.after_patch.append(lambda: api.before_read.append(stale_lands))
    outcome = ensure(api, action="x")
    assert outcome["errors"] == [] and outcome["writes"] == 2
    assert set(api.names()) == {"a", "y", "x"}


def test_others_added_meanwhile_are_not_a_conflict():
    api = FakeApi(bound=["a"], unbound=["x", "y"])
    api.after_patch.append(lambda: api.bind("y"))  # someone appended after our write, keeping ours
    outcome = ensure(api, action="x")
    assert outcome["writes"] == 1 and api.names() == ["a", "x", "y"]


def test_an_action_deleted_meanwhile_404_is_planned_again():
    api = FakeApi(bound=["a", "b"], unbound=["x"])
    original = api.patch
    state = {"first": True}

    def patch(path, body, idempotent=False):
        if state["first"]:
            state["first"] = False
            # Another team deleted its action b (force), which unbinds it.
            api.bound = [b for b in api.bound if b["action_id"] != "id-b"]
            del api.actions["id-b"]
        return original(path, body, idempotent)

    api.patch = patch
    outcome = ensure(api, action="x")
    assert outcome["errors"] == [] and api.names() == ["a", "x"]


def test_endless_conflict_gives_up_bounded():
    api = FakeApi(bound=["a"], unbound=["x"])

    def wipe():
        api.bound = [b for b in api.bound if b["action_id"] != "id-x"]
        api.after_patch.append(wipe)

    api.after_patch.append(wipe)
    outcome = ensure(api, action="x", attempts=3)
    assert "kept changing" in outcome["errors"][0]
    assert outcome["writes"] == 3 and outcome["changed"] is True


def test_authoritative_replaces_exactly_and_is_idempotent():
    api = FakeApi(bound=["a", "b", "c"], unbound=["x"])
    outcome = ensure(api, bindings=[{"action": "x", "display_name": "X"}, {"action": "a"}])
    assert outcome["operations"] == ["replace"] and api.names() == ["x", "a"]
    assert api.bound[1]["action_id"] == "id-a" and api.bound[1]["display_name"] == "a"
    assert ensure(api, bindings=[{"action": "x", "display_name": "X"}, {"action": "a"}])["changed"] is False
    outcome = ensure(api, bindings=[{"action": "x"}, {"action": "id-x"}])
    assert "repeated: x" in outcome["errors"][0]
    outcome = ensure(api, bindings=[], action="x")
    assert "not both" in outcome["errors"][0]


def test_check_mode_predicts_binding_an_action_an_earlier_task_would_create():
    api = FakeApi(bound=["a"], undeployed=["draft"])
    outcome = ensure(api, action="new-one", position="first", check_mode=True)
    assert outcome["errors"] == [] and outcome["operations"] == ["bind"]
    assert [b["action"] for b in outcome["bindings"]] == ["new-one", "a"]
    assert "no action named or with id 'new-one'" in outcome["warnings"][0]
    outcome = ensure(api, bindings=[{"action": "a"}, {"action": "draft"}], check_mode=True)
    assert outcome["errors"] == [] and "never deployed" in outcome["warnings"][0]
    assert api.writes() == []


GENERATED = "/**\n * GENERATED by us\n */\nexports.onExecutePostLogin = async () => {};\n"


def test_retire_unbinds_other_generated_actions_in_the_same_write():
    api = FakeApi(bound=["a", "old-policy", "b"], unbound=["x"])
    api.actions["id-old-policy"]["deployed_version"]["code"] = GENERATED
    api.actions["id-b"]["deployed_version"]["code"] = "exports.onExecutePostLogin = async () => {};"

    def retire(binding):
        return "GENERATED by us" in (binding.get("code") or "")
    outcome = ensure(api, action="x", check_mode=True, retire=retire)
    assert api.writes() == [] and outcome["diff"]["after"]["bindings"] == ["a", "b", "x"]
    outcome = ensure(api, action="x", retire=retire)
    assert outcome["errors"] == [] and outcome["writes"] == 1
    assert api.names() == ["a", "b", "x"]
    assert ensure(api, action="x", retire=retire)["changed"] is False


def test_a_bind_right_after_a_deploy_is_retried_while_the_deploy_registers():
    api = FakeApi(bound=["a"], unbound=["x"])
    original = api.patch
    refusals = [2]

    def patch(path, body, idempotent=False):
        if refusals[0]:
            refusals[0] -= 1
            api.calls.append(("PATCH", path, body))
            raise Auth0Error("HTTP 400 action_not_deployed: The action 'x' has not been deployed.", status=400)
        return original(path, body, idempotent)

    api.patch = patch
    outcome = ensure(api, action="x", settle=0)
    assert outcome["errors"] == [] and api.names() == ["a", "x"] and outcome["writes"] == 1
    assert outcome["sleeps"] == [B.REGISTER_WAIT, B.REGISTER_WAIT]


def test_not_deployed_for_good_fails_after_a_bounded_number_of_tries():
    api = FakeApi(bound=["a"], unbound=["x"])

    def patch(path, body, idempotent=False):
        api.calls.append(("PATCH", path, body))
        raise Auth0Error("HTTP 400 action_not_deployed: The action 'x' has not been deployed.", status=400)

    api.patch = patch
    outcome = ensure(api, action="x")
    assert "has not been deployed" in outcome["errors"][0]
    assert len(api.writes()) == B.REGISTER_ATTEMPTS and outcome["changed"] is False
