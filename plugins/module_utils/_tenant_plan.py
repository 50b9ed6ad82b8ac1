# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A saved plan: what a check run would change on each tenant and a fingerprint of what it read.

A check run with ``save_plan`` returns a plan entry per tenant; the role writes the entries into one
plan file. An apply with ``apply_plan`` reads the tenant's entry and, before any write, reads the tenant
again: when anything the plan rests on differs (a setting, the deployed version of the Action, the
post-login binding list) or the policy to apply is not the planned one, the tenant is refused with
each changed field named, and nothing is written to it. A tenant the plan has no entry for is not
touched at all, not even read.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import io
import json

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import deployed_number, find_action
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import list_bindings
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import SETTING_KEYS, read_settings, shown

# The plan file's own format; a file of another format is refused rather than half understood.
PLAN_FORMAT = 1
PLAN_KIND = "sessionguard.auth0 session policy plan"
TRIGGER = "post-login"
NOT_IN_PLAN = "not_in_plan"


class PlanError(Exception):
    """A plan file that cannot be used; the message names the option."""


def _digest(text):
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _binding_label(binding):
    name = (binding.get("action") or {}).get("name") or "?"
    display = binding.get("display_name")
    return name if not display or display == name else "%s (as '%s')" % (name, display)


def read_state(client, action_name):
    """What an apply rests on, read in three GETs: settings, the Action's deployed version, the binding list.

    Raises Auth0Error or ActionFailure (two Actions of the name). Values in their human form, so a
    refusal reads as the user writes them.
    """
    settings = read_settings(client)
    action = find_action(client, action_name, TRIGGER)
    bindings = list_bindings(client, TRIGGER)
    return dict(settings=dict((field, shown(field, settings.get(field))) for field in SETTING_KEYS),
                action=dict(deployed_version=deployed_number(action)) if action else None,
                bindings=[_binding_label(binding) for binding in bindings])


def desired_state(params, desired):
    """What the run would write, in comparable form: the Action code by its digest, never its text."""
    code = params.get("code")
    return dict(settings=dict((field, shown(field, value)) for field, value in sorted(desired.items())),
                action_name=params.get("action_name"),
                code=None if code is None else _digest(code),
                runtime=params.get("runtime"), display_name=params.get("display_name"),
                position=params.get("position"), plan=params.get("plan"),
                action_on_self_service=params.get("action_on_self_service"))


def fingerprint(read, desired):
    """The fingerprint of a plan entry: what was read, what would be written, and one digest of both."""
    return dict(read=read, desired=desired,
                digest=_digest(json.dumps(dict(read=read, desired=desired), sort_keys=True, separators=(",", ":"))))


def plan_entry(domain, result, print_=None):
    """A tenant's entry of a saved plan from its check-mode result (``status``, ``differences``, ``operations``)."""
    return dict(domain=domain, status=result.get("status"), differences=result.get("differences") or [],
                operations=result.get("operations") or [], fingerprint=print_,
                summary=summary(result))


def summary(result):
    """The tenant's line in the plan's Markdown, for its review in a merge request: status, then operations."""
    operations = result.get("operations") or []
    return "%s%s" % (result.get("status"), (": " + ", ".join(operations)) if operations else "")


def _flatten(prefix, value, out):
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten("%s.%s" % (prefix, key) if prefix else key, value[key], out)
    else:
        out[prefix] = value
    return out


def _text(value):
    return "none" if value is None else (value if isinstance(value, str) else json.dumps(value))


def compare(planned, now):
    """``[(field, planned, now)]`` where the fingerprint read now differs from the planned one, field by field."""
    before = _flatten("", dict(read=planned.get("read"), desired=planned.get("desired")), {})
    after = _flatten("", dict(read=now.get("read"), desired=now.get("desired")), {})
    return [(field, before.get(field), after.get(field)) for field in sorted(set(before) | set(after))
            if before.get(field) != after.get(field)]


def refusal(domain, changes):
    """The message of a tenant refused by its saved plan; every changed field named."""
    read = ["%s was %s when planned, is %s now" % (field[len("read."):], _text(old), _text(new))
            for field, old, new in changes if field.startswith("read.")]
    desired = ["%s was %s in the plan, is %s in this run" % (field[len("desired."):], _text(old), _text(new))
               for field, old, new in changes if not field.startswith("read.")]
    parts = []
    if read:
        parts.append("the tenant changed since the plan: " + "; ".join(read))
    if desired:
        parts.append("the policy to apply is not the planned one: " + "; ".join(desired))
    return ("saved plan refused for %s: %s. Nothing was written to this tenant; make a new plan (a check run with "
            "session_policy_save_plan) and review it" % (domain, ". ".join(parts)))


def load_entry(path, tenant):
    """``(found, entry)`` of ``tenant`` in the plan file at ``path``; raises PlanError for a file that is not a plan."""
    try:
        with io.open(path, encoding="utf-8") as handle:
            plan = json.load(handle)
    except (IOError, OSError) as exc:
        raise PlanError("apply_plan: cannot read the saved plan %s: %s" % (path, exc.strerror or exc))
    except ValueError as exc:
        raise PlanError("apply_plan: %s is not JSON: %s" % (path, exc))
    if not isinstance(plan, dict) or plan.get("kind") != PLAN_KIND or not isinstance(plan.get("tenants"), dict):
        raise PlanError("apply_plan: %s is not a session policy plan (a check run with session_policy_save_plan "
                        "writes one)" % path)
    if plan.get("format") != PLAN_FORMAT:
        raise PlanError("apply_plan: %s has plan format %s, this collection reads format %s; make a new plan"
                        % (path, _text(plan.get("format")), PLAN_FORMAT))
    if tenant not in plan["tenants"]:
        return False, None
    return True, plan["tenants"][tenant]


def entry_problem(domain, entry):
    """Why an entry cannot be applied at all (the check that made it failed), or None."""
    if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), dict):
        return ("saved plan refused for %s: the check run could not plan this tenant (its entry has no fingerprint). "
                "Nothing was written to this tenant; make a new plan" % domain)
    if entry.get("status") == "failed":
        return ("saved plan refused for %s: the check run that made the plan failed on this tenant. Nothing was "
                "written to this tenant; make a new plan" % domain)
    return None
