# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a validated session policy into the code of its Post-Login Action.

The Action's logic is the JavaScript file ``session_policy_action.js`` next to this one, shipped
in the collection and read on the controller. Its one ``const POLICY = ...;`` line holds the empty
policy; rendering replaces that line with the policy as JSON data, so no policy value is ever
spliced into JavaScript as source text, and the same policy always renders the same bytes.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import os

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import POLICY_PREFIX
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_effects import action_effects
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import EFFECT_LIFETIMES

ACTION_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "session_policy_action.js")
POLICY_LINE = POLICY_PREFIX + '{"default":{},"rules":[]};'

_TEMPLATE = []


def _template():
    if not _TEMPLATE:
        with io.open(ACTION_FILE, encoding="utf-8") as handle:
            text = handle.read()
        if text.count(POLICY_LINE) != 1:  # pragma: no cover - guards an edit of the .js file
            raise ValueError("%s must hold the line %s exactly once" % (ACTION_FILE, POLICY_LINE))
        _TEMPLATE.append(text)
    return _TEMPLATE[0]


def _effects_data(effects):
    data = dict(("%s_minutes" % field, int(effects[field])) for field in EFFECT_LIFETIMES if field in effects)
    if effects.get("cookie_mode"):
        data["cookie_mode"] = effects["cookie_mode"]
    return data


def action_data(normalized):
    """The data the Action reads: each rule's effective effects, already merged over the default.

    app_metadata conditions travel as sorted ``[key, value]`` pairs, so user keys (even
    ``__proto__``) never become JavaScript object keys.
    """
    tenant, default = normalized.get("tenant") or {}, normalized.get("default") or {}
    rules = []
    for rule in normalized.get("rules") or []:
        match = {}
        for name, value in sorted(rule["match"].items()):
            if name == "app_metadata":
                value = [[key, value[key]] for key in sorted(value)]
            match[name] = value
        rules.append({"name": rule["name"], "match": match, "set": _effects_data(action_effects(tenant, default, rule))})
    return {"default": _effects_data(action_effects(tenant, default)), "rules": rules}


def js_json(data):
    """JSON that is also safe inside any JavaScript or HTML context: one line, ASCII only, sorted keys."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    # ensure_ascii already escapes U+2028/U+2029; the replacements keep that true whatever the encoder does.
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         (u"\u2028", "\\u2028"), (u"\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def render_action(normalized):
    """The Post-Login Action code for a policy ``validate_policy`` returned: the same policy, the same bytes."""
    return _template().replace(POLICY_LINE, "%s%s;" % (POLICY_PREFIX, js_json(action_data(normalized))))
