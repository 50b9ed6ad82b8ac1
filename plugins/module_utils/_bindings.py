# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trigger bindings: place one action in a trigger's ordered list, or set the whole list.

``PATCH /api/v2/actions/triggers/{trigger}/bindings`` replaces the entire list, so every write sends
the other bindings back (by binding id, in their order), then reads the list again: when another
writer's PATCH crossed ours and dropped our change, the plan is made again over what is there now
and written again, a bounded number of times.  No Ansible here: plain values in, outcome dict out.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._actions import (
    action_path, bindings_path, check_trigger, deployed_number, find_actions)
from ansible_collections.sessionguard.auth0.plugins.module_utils._api_client import Auth0Error

WRITE_ATTEMPTS = 5
BINDINGS_PER_PAGE = 50
# After a write that read back fine, wait this long (plus jitter) and read once more.
SETTLE_SECONDS = 1.0


class BindingFailure(Exception):
    """A refusal with a message the user can act on."""


def read_bindings(client, trigger):
    """The trigger's bindings in execution order, every page, as ``[{id, action_id, action_name, display_name}]``."""
    return _simplify(client.paginate(bindings_path(trigger), "bindings", per_page=BINDINGS_PER_PAGE))


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


def resolve_action(client, trigger, ref):
    """The action named ``ref`` for the trigger (or with id ``ref``); BindingFailure when there is none."""
    found = find_actions(client, ref, trigger)
    if len(found) > 1:
        raise BindingFailure("found %d actions named '%s' for %s; bind one of them by id"
                             % (len(found), ref, trigger))
    if found:
        return found[0]
    try:
        action = client.get(action_path(ref))
    except Auth0Error as exc:
        if exc.status in (400, 404):
            raise BindingFailure("no action named or with id '%s' supports the trigger %s" % (ref, trigger))
        raise
    if not any(t.get("id") == trigger for t in (action or {}).get("supported_triggers") or []):
        raise BindingFailure("the action '%s' does not support the trigger %s" % (action.get("name"), trigger))
    return action


def check_deployed(actions):
    never = [a for a in actions if not deployed_number(a) and not a.get("deployed_version")]
    if never:
        raise BindingFailure("cannot bind %s: never deployed. Deploy first (sessionguard.auth0.action with deploy: "
                             "true); nothing was written" % ", ".join("the action '%s' (%s)" % (a.get("name"), a.get("id"))
                                                                      for a in never))


def _index(current, ref):
    """Index of the binding whose action is named (or has the id) ``ref``, or None."""
    for index, binding in enumerate(current):
        if binding["action_name"] == ref or binding["action_id"] == ref:
            return index
    return None


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
    entry = dict(id=current[ours]["id"] if ours is not None else None, action_id=action["id"],
                 action_name=action.get("name"), display_name=display_name or action.get("name"))
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
    body = []
    for entry in wanted:
        if entry.get("id"):
            ref = {"type": "binding_id", "value": entry["id"]}
        else:
            ref = {"type": "action_id", "value": entry["action_id"]}
        body.append({"ref": ref, "display_name": entry["display_name"]})
    return {"bindings": body}


def names(bindings):
    return [b["action_name"] or b["action_id"] for b in bindings]


def as_result(bindings):
    return [dict(action=b["action_name"], action_id=b["action_id"], display_name=b["display_name"], id=b.get("id"))
            for b in bindings]


def _diff_side(bindings):
    return {"bindings": names(bindings),
            "display_names": dict((b["action_name"] or b["action_id"], b["display_name"]) for b in bindings)}


def ensure_binding(client, trigger, action=None, display_name=None, position="last", bindings=None,
                   state="present", check_mode=False, sleep=time.sleep, rng=None, attempts=WRITE_ATTEMPTS,
                   settle=SETTLE_SECONDS, retire=None):
    """Bind one action (``action``: name or id) at ``position``, or remove it (``state='absent'``), or
    with ``bindings=[{action, display_name}]`` make the trigger's list exactly that.

    Returns ``dict(changed, operations, bindings, diff, writes, errors, warnings)``: ``operations`` is
    ``['bind']``, ``['move']``, ``['rename']``, ``['unbind']`` or ``['replace']`` (empty when nothing was
    or would be written); ``bindings`` the list after the run (predicted in check mode), as
    ``[{action, action_id, display_name, id}]``; ``diff`` ``dict(before, after)`` with the ordered
    action names; ``writes`` how many PATCHes were sent.  A non-empty ``errors`` means failure.
    ``sleep``, ``rng`` and ``settle`` are injectable so tests run without waiting.  ``retire``, with
    ``action``, is a predicate on the other bindings (``{id, action_id, action_name, display_name, code}``):
    those it accepts are unbound in the same write.
    """
    rng = rng or random.Random()
    outcome = dict(changed=False, operations=[], bindings=[], diff=dict(before={}, after={}), writes=0, errors=[],
                   warnings=[])

    def usable(ref, resolve):
        """The action to bind; in check mode a missing or undeployed one is a prediction with a warning,
        because an earlier task of the same check-mode run would have created and deployed it."""
        try:
            found = resolve()
            check_deployed([found])
            return found
        except BindingFailure as exc:
            if not check_mode:
                raise
            outcome["warnings"].append("check mode: %s; a real run fails unless an earlier task creates and deploys "
                                       "it" % exc)
            return dict(id="(not deployed: %s)" % ref, name=ref)
    problems = check_trigger(trigger)
    if problems:
        outcome["errors"] = problems
        return outcome
    try:
        if bindings is not None:
            if action is not None:
                raise BindingFailure("bindings: give either bindings (the whole list) or action, not both")
            if state != "present":
                raise BindingFailure("bindings: only with state present; bindings: [] removes every binding")
            wanted_actions = []
            for index, item in enumerate(bindings):
                ref = item.get("action")
                if not ref:
                    raise BindingFailure("bindings[%d]: action is required" % index)
                wanted_actions.append((usable(ref, lambda ref=ref: resolve_action(client, trigger, ref)),
                                       item.get("display_name")))
            resolved = [pair[0] for pair in wanted_actions]
            ids = [a["id"] for a in resolved]
            repeated = sorted(set(a.get("name") for a in resolved if ids.count(a["id"]) > 1))
            if repeated:
                raise BindingFailure("bindings: an action may be bound once; repeated: %s" % ", ".join(repeated))

            def plan(current):
                by_action = dict((b["action_id"], b) for b in current)
                return [dict(id=(by_action.get(a["id"]) or {}).get("id"), action_id=a["id"], action_name=a.get("name"),
                             display_name=dn or a.get("name")) for a, dn in wanted_actions]

            def kept(readback, written):
                return same(readback, written)

            operation = "replace"
        else:
            if not action:
                raise BindingFailure("action: is required unless bindings is given")
            parse_position(position)
            if isinstance(action, dict):
                # Already read by the caller (the session_policy module): no second lookup request.
                def lookup():
                    return action
                action_ref = action.get("name") or action.get("id")
            else:
                def lookup():
                    return resolve_action(client, trigger, action)
                action_ref = action
            if state == "absent":
                try:
                    target = lookup()
                except BindingFailure:
                    # Nothing of that name exists, so nothing of that name can be bound: already absent.
                    outcome["bindings"] = as_result(read_bindings(client, trigger))
                    return outcome
            else:
                target = usable(action_ref, lookup)
            wanted_name = display_name or target.get("name")

            def retired(binding):
                return retire is not None and binding["action_id"] != target["id"] and retire(binding)

            def plan(current):
                return [b for b in place(current, target, display_name, position, state) if not retired(b)]

            def kept(readback, written):
                # Our one change survived; what others added or removed since is theirs to keep.
                ours = [b for b in readback if b["action_id"] == target["id"]]
                if any(retired(b) for b in readback):
                    return False
                if state == "absent":
                    return not ours
                return len(ours) == 1 and ours[0]["display_name"] == wanted_name

            operation = None

        current = read_bindings(client, trigger)
        first = current
        wanted = plan(current)
        outcome["bindings"] = as_result(current)
        if same(current, wanted):
            return outcome
        if operation is None:
            operation = _single_operation(current, wanted, target["id"])
        outcome.update(changed=True, operations=[operation], bindings=as_result(wanted),
                       diff=dict(before=_diff_side(first), after=_diff_side(wanted)))
        if check_mode:
            return outcome
        for attempt in range(attempts):
            if attempt:
                sleep(rng.uniform(0.1, 0.4) * attempt)
                current = read_bindings(client, trigger)
                wanted = plan(current)
                if same(current, wanted):
                    break
            try:
                answer = client.patch(bindings_path(trigger), write_body(wanted), idempotent=True)
                outcome["writes"] += 1
            except Auth0Error as exc:
                # A binding id we sent back was removed by another writer meanwhile: plan again.
                if exc.status in (404, 409) and attempt + 1 < attempts:
                    continue
                raise
            # The PATCH answers with the whole list as stored; only without it is a GET needed.
            listed = (answer or {}).get("bindings") if isinstance(answer, dict) else None
            readback = _simplify(listed) if isinstance(listed, list) else read_bindings(client, trigger)
            if kept(readback, wanted) and settle:
                # A PATCH another writer sent before ours landed may still arrive and drop ours: look once
                # more after a short wait before calling it done.
                sleep(settle + rng.uniform(0, settle / 2.0))
                readback = read_bindings(client, trigger)
            if kept(readback, wanted):
                current = readback
                break
        else:
            raise BindingFailure("the bindings of %s kept changing while this task wrote them (%d attempts); another "
                                 "writer is changing them at the same time, run again" % (trigger, attempts))
        outcome.update(bindings=as_result(current), diff=dict(before=_diff_side(first), after=_diff_side(current)),
                       changed=outcome["writes"] > 0)
        return outcome
    except (Auth0Error, BindingFailure) as exc:
        outcome["errors"].append(str(exc))
        if not check_mode:
            outcome["changed"] = outcome["writes"] > 0
        return outcome


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
