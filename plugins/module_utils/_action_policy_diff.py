# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The session policy inside a rendered Post-Login Action, compared rule by rule and field by field.

The rendered Action carries its policy as one line of JSON (``const POLICY = {...};``), so the
policy a tenant runs can be read back from the code and compared with the desired one in the
terms of the policy (``rules["high-risk logins"].session_lifetime: 40h -> 4h``) instead of as a
line of JSON in a code diff.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import format_minutes

# The one line of policy data in a rendered Action: written by plugin_utils/_policy_render.py, read back here.
POLICY_PREFIX = "const POLICY = "
_MINUTES_SUFFIX = "_minutes"
# This release (galaxy.yml's version; a unit test holds the two equal), named when a tenant's Action
# differs from the rendered one only in the fixed logic: an upgrade of the collection, not policy drift.
COLLECTION_VERSION = "0.2.0"
LOGIC_FIELD = "logic"


def logic_upgrade():
    """The words of a logic-only difference: the policy is the same, the collection's logic is newer (or older)."""
    return "Action logic of collection %s; policy unchanged" % ".".join(COLLECTION_VERSION.split(".")[:2])


def only_logic(differences):
    """Whether every difference is the Action's logic alone (the drift gate lets it pass; an apply writes it)."""
    return bool(differences) and all(d.get("part") == "action" and d.get("field") == LOGIC_FIELD for d in differences)


def _policy_of_line(line):
    text = line.strip()
    if not (text.startswith(POLICY_PREFIX) and text.endswith(";")):
        return None
    try:
        data = json.loads(text[len(POLICY_PREFIX):-1])
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("rules"), list) else None


def policies_in_code_diff(code_diff):
    """``(current, desired)`` policy data from a unified diff of Action code; None for a side without one.

    A POLICY line that did not change is context (`` const POLICY``) and counts for both sides.
    """
    current = desired = None
    for line in (code_diff or "").splitlines():
        if line.startswith(("---", "+++")):
            continue
        policy = _policy_of_line(line[1:])
        if policy is None:
            continue
        if line[:1] in ("-", " "):
            current = policy
        if line[:1] in ("+", " "):
            desired = policy
    return current, desired


def _effects(data):
    """The policy's effects in its own words: lifetimes as durations, without the ``_minutes`` suffix."""
    out = {}
    for key, value in (data or {}).items():
        if key.endswith(_MINUTES_SUFFIX) and isinstance(value, int) and not isinstance(value, bool):
            out[key[:-len(_MINUTES_SUFFIX)]] = format_minutes(value)
        else:
            out[key] = value
    return out


def _match(data):
    # app_metadata travels as [key, value] pairs; shown as the mapping the user wrote.
    return dict((name, dict((pair[0], pair[1]) for pair in value) if name == "app_metadata" else value)
                for name, value in (data or {}).items())


def _rules(policy):
    return [(rule.get("name"), rule) for rule in policy.get("rules") or [] if isinstance(rule, dict)]


def _compare(prefix, current, desired, found):
    for key in sorted(set(current) | set(desired)):
        if current.get(key) != desired.get(key):
            found.append(("%s.%s" % (prefix, key), current.get(key), desired.get(key)))


def _rule_text(rule):
    match = ", ".join("%s %s" % (name, json.dumps(value, sort_keys=True)) for name, value in sorted(_match(rule["match"]).items()))
    effects = ", ".join("%s %s" % item for item in sorted(_effects(rule.get("set")).items()))
    return "when %s: %s" % (match, effects or "nothing")


def policy_changes(current, desired):
    """``[(field, current, desired)]`` between two policies' data, in the policy's own terms."""
    found = []
    _compare("default", _effects(current.get("default")), _effects(desired.get("default")), found)
    now, wanted = _rules(current), _rules(desired)
    now_by_name, wanted_by_name = dict(now), dict(wanted)
    for name, rule in wanted:
        path = "rules[%s]" % json.dumps(name)
        old = now_by_name.get(name)
        if old is None:
            found.append((path, None, _rule_text(rule)))
            continue
        _compare(path + ".match", _match(old.get("match")), _match(rule.get("match")), found)
        _compare(path, _effects(old.get("set")), _effects(rule.get("set")), found)
    for name, rule in now:
        if name not in wanted_by_name:
            found.append(("rules[%s]" % json.dumps(name), _rule_text(rule), None))
    order_now = [name for name, _rule in now if name in wanted_by_name]
    order_wanted = [name for name, _rule in wanted if name in now_by_name]
    if order_now != order_wanted:
        found.append(("rules order", order_now, order_wanted))
    return found


def policy_summary(policy):
    """One line per part of a policy, for an Action that does not exist yet."""
    lines = ["default: %s" % (", ".join("%s %s" % item for item in sorted(_effects(policy.get("default")).items()))
                              or "nothing")]
    lines.extend("rules[%s]: %s" % (json.dumps(name), _rule_text(rule)) for name, rule in _rules(policy))
    return lines


def code_differences(code_diff):
    """The record's differences for a changed Action code: per policy field when both sides are ours."""
    current, desired = policies_in_code_diff(code_diff)
    if current is not None and desired is not None:
        changes = policy_changes(current, desired)
        if changes:
            return [dict(part="action", field=field, current=before, desired=after) for field, before, after in changes]
        # The POLICY data read back from both codes is equal, so what differs is the fixed logic around it.
        return [dict(part="action", field=LOGIC_FIELD, current="Action logic of another collection version",
                     desired=logic_upgrade())]
    changed = sum(1 for line in (code_diff or "").splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    return [dict(part="action", field="code", current="differs from the policy (%d lines)" % changed,
                 desired="the rendered policy")]


def readable_code_diff(code_diff):
    """The Action's part of ``--diff``: the policy's changes (or, for a new Action, the policy itself)."""
    current, desired = policies_in_code_diff(code_diff)
    if desired is None:
        return code_diff
    if current is None:
        heading = ("new Action with this policy" if (code_diff or "").startswith("--- /dev/null")
                   else "the current code carries no session policy; it becomes this policy")
        return "%s:\n%s\n" % (heading, "\n".join("  " + line for line in policy_summary(desired)))
    lines = ["%s: %s -> %s" % (field, _shown(before), _shown(after))
             for field, before, after in policy_changes(current, desired)]
    return "\n".join(lines or [logic_upgrade()]) + "\n"


def _shown(value):
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def policy_in_code(code):
    """The policy data of a rendered Action's code (its ``const POLICY`` line), or None for other code."""
    for line in (code or "").splitlines():
        policy = _policy_of_line(line)
        if policy is not None:
            return policy
    return None
