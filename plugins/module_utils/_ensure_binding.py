# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trigger bindings: place one action in a trigger's ordered list, or set the whole list.

``PATCH /api/v2/actions/triggers/{trigger}/bindings`` replaces the entire list, so every write sends
the other bindings back in their order, then reads the list again: when another writer's PATCH
crossed ours and dropped our change, the plan is made again over what is there now and written
again, a bounded number of times.

Every binding is identified by its ACTION id, never by its binding id: real Auth0 gives every
binding a new id on every PATCH, even one whose action stays bound (auth0-recorded
TestAccTriggerActions), and the Terraform provider writes ``ref.type: action_id`` only.  An action
is bound at most once per trigger, so the action id names the binding.

No Ansible here: plain values in, outcome dict out.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import (
    check_trigger, deployed_number)
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import (
    find_actions, list_bindings, read_action, write_bindings)

WRITE_ATTEMPTS = 5
# After a write that read back fine, wait this long (plus jitter) and read once more.
SETTLE_SECONDS = 1.0
# A deploy takes a moment to register before a bind sees it: Auth0's own deploy tool sleeps 2 s after
# deploying "to allow newly-deployed actions to register in backend" (auth0/auth0-deploy-cli,
# src/tools/auth0/handlers/actions.ts), and a real deploy answers "deployed": false
# (tests/fixtures/auth0-recorded/TestAccAction.json).
REGISTER_ATTEMPTS = 4
REGISTER_WAIT = 2.0


class BindingFailure(Exception):
    """A refusal with a message the user can act on."""


# -- reading ----------------------------------------------------------------------------------

def read_bindings(client, trigger):
    """The trigger's bindings in execution order, every page, as ``[{id, action_id, action_name, display_name}]``."""
    return _simplify(list_bindings(client, trigger))


def _simplify(items):
    out = []
    for item in items:
        action = item.get("action") or {}
        # Auth0 embeds the bound action with its deployed version (recorded: shared fixture
        # TestAccTriggerActions.json), so its code is known without another request.
        deployed = action.get("deployed_version")
        out.append(dict(id=item.get("id"), action_id=action.get("id"), action_name=action.get("name"),
                        display_name=item.get("display_name"),
                        code=deployed.get("code") if isinstance(deployed, dict) else None))
    return out


def resolve_action(client, trigger, ref):
    """The action named ``ref`` for the trigger (or with id ``ref``); BindingFailure when there is none."""
    found = find_actions(client, ref, trigger)
    if len(found) > 1:
        raise BindingFailure("found %d actions named '%s' for %s; bind one of them by id"
                             % (len(found), ref, trigger))
    if found:
        return found[0]
    try:
        action = read_action(client, ref)
    except Auth0Error as exc:
        if exc.status in (400, 404):
            raise BindingFailure("no action named or with id '%s' supports the trigger %s" % (ref, trigger))
        raise
    if not any(t.get("id") == trigger for t in action.get("supported_triggers") or []):
        raise BindingFailure("the action '%s' does not support the trigger %s" % (action.get("name"), trigger))
    return action


def check_deployed(actions):
    never = [a for a in actions if not deployed_number(a) and not a.get("deployed_version")]
    if never:
        raise BindingFailure("cannot bind %s: never deployed. Deploy first (sessionguard.auth0.action with deploy: "
                             "true); nothing was written" % ", ".join("the action '%s' (%s)" % (a.get("name"), a.get("id"))
                                                                      for a in never))


# -- planning ---------------------------------------------------------------------------------

def parse_position(position):
    """``('first'|'last'|'before'|'after', reference or None)``, or raise BindingFailure."""
    position = (position or "last").strip()
    if position in ("first", "last"):
        return position, None
    for kind in ("before", "after"):
        if position.startswith(kind + ":") and position[len(kind) + 1:].strip():
            return kind, position[len(kind) + 1:].strip()
    raise BindingFailure("position: must be first, last, before:<action name> or after:<action name>; got '%s'"
                         % position)


def _index(current, ref):
    """Index of the binding whose action is named (or has the id) ``ref``, or None."""
    for index, binding in enumerate(current):
        if binding["action_name"] == ref or binding["action_id"] == ref:
            return index
    return None


def _entry(action, display_name):
    return dict(id=None, action_id=action["id"], action_name=action.get("name"),
                display_name=display_name or action.get("name"))


def place(current, action, display_name, position, state="present"):
    """The list the trigger should have, from ``current`` and one action's wanted place.

    Only the one binding moves; every other binding keeps its relative order.  ``before``/``after``
    are satisfied anywhere before/after the reference; when not, ours goes right next to it.
    """
    ours = _index(current, action["id"])
    others = [b for b in current if b["action_id"] != action["id"]]
    if state == "absent":
        return others
    kind, ref = parse_position(position)
    entry = _entry(action, display_name)
    if ours is not None:
        if kind == "first":
            placed = ours == 0
        elif kind == "last":
            placed = ours == len(current) - 1
        else:
            target = _index(current, ref)
            if target is None:
                raise BindingFailure("position %s:%s: no action of that name is bound to this trigger" % (kind, ref))
            placed = ours < target if kind == "before" else ours > target
        if placed:
            result = list(current)
            result[ours] = entry
            return result
    if kind == "first":
        return [entry] + others
    if kind == "last":
        return others + [entry]
    target = _index(others, ref)
    if target is None:
        raise BindingFailure("position %s:%s: no action of that name is bound to this trigger" % (kind, ref))
    at = target if kind == "before" else target + 1
    return others[:at] + [entry] + others[at:]


def same(a, b):
    return [(x["action_id"], x["display_name"]) for x in a] == [(x["action_id"], x["display_name"]) for x in b]


def write_body(wanted):
    """Every binding, ours and others', by action id: a binding id does not survive the next PATCH."""
    return {"bindings": [{"ref": {"type": "action_id", "value": entry["action_id"]},
                          "display_name": entry["display_name"]} for entry in wanted]}


def names(bindings):
    return [b["action_name"] or b["action_id"] for b in bindings]


def as_result(bindings):
    return [dict(action=b["action_name"], action_id=b["action_id"], display_name=b["display_name"], id=b.get("id"))
            for b in bindings]


def _diff_side(bindings):
    return {"bindings": names(bindings),
            "display_names": dict((b["action_name"] or b["action_id"], b["display_name"]) for b in bindings)}


class _WholeList(object):
    """The authoritative form: the trigger's list is exactly ``wanted`` (``[(action, display_name)]``)."""

    operation = "replace"

    def __init__(self, wanted):
        self.wanted = wanted

    def plan(self, current):
        return [_entry(action, display_name) for action, display_name in self.wanted]

    def kept(self, readback, written):
        return same(readback, written)


class _OneAction(object):
    """One action's place in the list (or its absence); every other binding is someone else's."""

    operation = None

    def __init__(self, action, display_name, position, state, retire=None):
        self.action = action
        self.display_name = display_name
        self.position = position
        self.state = state
        self.retire = retire

    def retired(self, binding):
        """Another binding the caller wants gone in the same write (see ensure_binding's ``retire``)."""
        return self.retire is not None and binding["action_id"] != self.action["id"] and self.retire(binding)

    def plan(self, current):
        return [b for b in place(current, self.action, self.display_name, self.position, self.state)
                if not self.retired(b)]

    def kept(self, readback, written):
        # Our one change survived; what others added or removed since is theirs to keep.
        ours = [b for b in readback if b["action_id"] == self.action["id"]]
        if any(self.retired(b) for b in readback):
            return False
        if self.state == "absent":
            return not ours
        return len(ours) == 1 and ours[0]["display_name"] == (self.display_name or self.action.get("name"))


# -- the steps of ensure_binding --------------------------------------------------------------

def _check_request(trigger, action, bindings, state, position):
    errors = check_trigger(trigger)
    if errors:
        return errors
    if bindings is not None:
        if action is not None:
            return ["bindings: give either bindings (the whole list) or action, not both"]
        if state != "present":
            return ["bindings: only with state present; bindings: [] removes every binding"]
        return ["bindings[%d]: action is required" % index for index, item in enumerate(bindings) if not item.get("action")]
    if not action:
        return ["action: is required unless bindings is given"]
    try:
        parse_position(position)
    except BindingFailure as exc:
        return [str(exc)]
    return []


def _usable(lookup, ref, check_mode, warnings):
    """The action to bind; in check mode a missing or undeployed one is a prediction with a warning,
    because an earlier task of the same check-mode run would have created and deployed it."""
    try:
        found = lookup()
        check_deployed([found])
        return found
    except BindingFailure as exc:
        if not check_mode:
            raise
        warnings.append("check mode: %s; a real run fails unless an earlier task creates and deploys it" % exc)
        return dict(id="(not deployed: %s)" % ref, name=ref)


def _goal(client, trigger, action, bindings, display_name, position, state, check_mode, warnings, retire=None):
    """What the task wants, as a _WholeList or _OneAction; None when it is already absent."""
    if bindings is not None:
        wanted = [(_usable(lambda ref=item["action"]: resolve_action(client, trigger, ref), item["action"],
                           check_mode, warnings), item.get("display_name")) for item in bindings]
        ids = [a["id"] for a, unused in wanted]
        repeated = sorted(set(a.get("name") for a, unused in wanted if ids.count(a["id"]) > 1))
        if repeated:
            raise BindingFailure("bindings: an action may be bound once; repeated: %s" % ", ".join(repeated))
        return _WholeList(wanted)
    if isinstance(action, dict):
        # Already read by the caller (the session_policy module): no second lookup request.
        ref = action.get("name") or action.get("id")

        def lookup():
            return action
    else:
        ref = action

        def lookup():
            return resolve_action(client, trigger, action)
    if state == "absent":
        try:
            return _OneAction(lookup(), display_name, position, state)
        except BindingFailure:
            return None  # nothing of that name exists, so nothing of that name can be bound
    return _OneAction(_usable(lookup, ref, check_mode, warnings), display_name, position, state, retire)


def _single_operation(current, wanted, action_id):
    before = [b["action_id"] for b in current]
    after = [b["action_id"] for b in wanted]
    if action_id not in after:
        return "unbind"
    if action_id not in before:
        return "bind"
    if before != after:
        return "move"
    return "rename"


def _not_registered(exc):
    """A 400 saying an action is not deployed (its deploy may still be registering).

    The exact real wording is not recorded: matched on "deploy" in the message, an assumption.
    """
    return exc.status == 400 and "deploy" in str(exc).lower()


def _patch(client, trigger, wanted, sleep):
    """One PATCH; a bind that meets "not deployed" for actions we read as deployed is retried."""
    for attempt in range(REGISTER_ATTEMPTS):
        try:
            return write_bindings(client, trigger, write_body(wanted))
        except Auth0Error as exc:
            if not _not_registered(exc) or attempt + 1 == REGISTER_ATTEMPTS:
                raise
        sleep(REGISTER_WAIT)


def _write_until_kept(client, trigger, goal, current, outcome, sleep, rng, attempts, settle):
    """PATCH the plan, read it back, plan again over a concurrent writer's list; the list as kept."""
    for attempt in range(attempts):
        if attempt:
            sleep(rng.uniform(0.1, 0.4) * attempt)
            current = read_bindings(client, trigger)
            if same(current, goal.plan(current)):
                return current
        wanted = goal.plan(current)
        try:
            answer = _patch(client, trigger, wanted, sleep)
            outcome["writes"] += 1
        except Auth0Error as exc:
            # Another writer deleted an action we sent back meanwhile: plan again over what is there.
            if exc.status in (404, 409) and attempt + 1 < attempts:
                continue
            raise
        # The PATCH answers with the whole list as stored; only without it is a GET needed.
        listed = answer.get("bindings") if isinstance(answer, dict) else None
        readback = _simplify(listed) if isinstance(listed, list) else read_bindings(client, trigger)
        if goal.kept(readback, wanted) and settle:
            # A PATCH another writer sent before ours landed may still arrive and drop ours: look once
            # more after a short wait before calling it done.
            sleep(settle + rng.uniform(0, settle / 2.0))
            readback = read_bindings(client, trigger)
        if goal.kept(readback, wanted):
            return readback
    raise BindingFailure("the bindings of %s kept changing while this task wrote them (%d attempts); another "
                         "writer is changing them at the same time, run again" % (trigger, attempts))


# -- the one entry point ----------------------------------------------------------------------

def ensure_binding(client, trigger, action=None, display_name=None, position="last", bindings=None,
                   state="present", check_mode=False, sleep=time.sleep, rng=None, attempts=WRITE_ATTEMPTS,
                   settle=SETTLE_SECONDS, retire=None):
    """Bind one action (``action``: name, id, or the action as read) at ``position``, or remove it
    (``state='absent'``), or with ``bindings=[{action, display_name}]`` make the trigger's list exactly that.

    Returns ``dict(changed, operations, bindings, diff, writes, errors, warnings)``: ``operations`` is
    ``['bind']``, ``['move']``, ``['rename']``, ``['unbind']`` or ``['replace']`` (empty when nothing was
    or would be written); ``bindings`` the list after the run (predicted in check mode), as
    ``[{action, action_id, display_name, id}]``; ``diff`` ``dict(before, after)`` with the ordered
    action names; ``writes`` how many PATCHes were sent.  A non-empty ``errors`` means failure.
    ``sleep``, ``rng`` and ``settle`` are injectable so tests run without waiting.  ``retire``, with
    ``action``, is a predicate on the other bindings (``{id, action_id, action_name, display_name, code}``):
    those it accepts are unbound in the same write.
    """
    outcome = dict(changed=False, operations=[], bindings=[], diff=dict(before={}, after={}), writes=0, errors=[],
                   warnings=[])
    outcome["errors"] = _check_request(trigger, action, bindings, state, position)
    if outcome["errors"]:
        return outcome
    try:
        goal = _goal(client, trigger, action, bindings, display_name, position, state, check_mode, outcome["warnings"],
                     retire)
        first = read_bindings(client, trigger)
        outcome["bindings"] = as_result(first)
        if goal is None:
            return outcome
        wanted = goal.plan(first)
        if same(first, wanted):
            return outcome
        operation = goal.operation or _single_operation(first, wanted, goal.action["id"])
        outcome.update(changed=True, operations=[operation], bindings=as_result(wanted),
                       diff=dict(before=_diff_side(first), after=_diff_side(wanted)))
        if check_mode:
            return outcome
        kept = _write_until_kept(client, trigger, goal, first, outcome, sleep, rng or random.Random(), attempts, settle)
        outcome.update(bindings=as_result(kept), diff=dict(before=_diff_side(first), after=_diff_side(kept)),
                       changed=outcome["writes"] > 0)
        return outcome
    except (Auth0Error, BindingFailure) as exc:
        outcome["errors"].append(str(exc))
        if not check_mode:
            outcome["changed"] = outcome["writes"] > 0
        return outcome
