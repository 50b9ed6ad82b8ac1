# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a rule (or the default) grants a login: its effects merged over the default, and the
effective lifetimes once the tenant setting that caps the login's cookie mode is applied.

The Action asks Auth0 for exactly these values, and explain and expectations show them, so the
three can never disagree about a lifetime.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import DEFAULT_COOKIE_MODE
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import (
    DEFAULT_PATH, EFFECT_LIFETIMES)

# The tenant setting that caps an Action's lifetime, by the session's cookie mode. For persistent
# sessions: setExpiresAt "cannot go past the tenant's maximum lifetime" (Auth0's post-login api object reference,
# https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object).
# Which fields cap a session made non-persistent is not documented (same page): the ephemeral twins are the
# collection's assumption, see docs/policy.md "Capping".
CAP_FIELDS = {
    "persistent": {"session_lifetime": "session_lifetime", "idle_session_lifetime": "idle_session_lifetime"},
    "non-persistent": {"session_lifetime": "ephemeral_session_lifetime",
                       "idle_session_lifetime": "idle_ephemeral_session_lifetime"},
}

# Which of those caps Auth0 documents (the post-login api object reference above): only
# setExpiresAt capped by the persistent session_lifetime. setIdleExpiresAt "cannot be set higher
# than the maximum absolute session lifetime", not the idle setting (idle <= absolute is checked
# on its own), and the non-persistent caps are not documented at all. Validation refuses a
# lifetime only over a confirmed cap; over an unconfirmed one it shows the effect instead.
CAP_CONFIRMED = {
    "persistent": {"session_lifetime": True, "idle_session_lifetime": False},
    "non-persistent": {"session_lifetime": False, "idle_session_lifetime": False},
}

# Where a value came from.
FROM_RULE = "rule"
FROM_DEFAULT = DEFAULT_PATH
FROM_TENANT = "tenant"          # the Action sets nothing: the tenant setting applies
FROM_AUTH0 = "auth0 default"    # nothing sets the cookie mode: Auth0 treats it as persistent


def cookie_mode(tenant, default, rule=None):
    """``(mode, source)``: the rule's, else the default's, else the tenant's, else Auth0's."""
    for effects, source in ((rule or {}, FROM_RULE), (default or {}, FROM_DEFAULT), (tenant or {}, FROM_TENANT)):
        if effects.get("cookie_mode"):
            return effects["cookie_mode"], source
    return DEFAULT_COOKIE_MODE, FROM_AUTH0


def effective(tenant, default, rule=None):
    """The effects a login gets from ``rule`` (None: from the default), each with its source.

    Returns ``{"cookie_mode": {"value", "source"}, <lifetime>: {"minutes", "source", "cap_field",
    "cap", "cap_confirmed", "requested", "clipped_by"}}``. A lifetime the rule inherits from a
    default of another cookie mode is clipped to the tenant setting that caps the rule's mode
    (``clipped_by`` names it): asking for less never gives a longer session. A lifetime set
    explicitly is never clipped here: validation refuses it over a confirmed cap (``cap_confirmed``),
    and over an unconfirmed one the Action asks for it as written. ``minutes`` is None when no
    setting of the tenant block is known to apply.
    """
    tenant, default = tenant or {}, default or {}
    mode, mode_source = cookie_mode(tenant, default, rule)
    default_mode = cookie_mode(tenant, default)[0]
    result = {"cookie_mode": {"value": mode, "source": mode_source}}
    for field in EFFECT_LIFETIMES:
        cap_field = CAP_FIELDS[mode][field]
        cap = tenant.get(cap_field)
        entry = dict(cap_field=cap_field, cap=cap, cap_confirmed=CAP_CONFIRMED[mode][field], requested=None,
                     clipped_by=None)
        if rule is not None and rule.get(field) is not None:
            entry.update(minutes=rule[field], source=FROM_RULE, requested=rule[field])
        elif default.get(field) is not None:
            entry.update(minutes=default[field], source=FROM_DEFAULT, requested=default[field])
            if rule is not None and mode != default_mode and cap is not None and cap < default[field]:
                entry.update(minutes=cap, clipped_by=cap_field)
        else:
            entry.update(minutes=cap, source=FROM_TENANT)
        result[field] = entry
    return result


def action_effects(tenant, default, rule=None):
    """The part of ``effective`` the Action sets: lifetimes in minutes and the cookie mode, if any."""
    effects = effective(tenant, default, rule)
    data = {}
    for field in EFFECT_LIFETIMES:
        if effects[field]["source"] in (FROM_RULE, FROM_DEFAULT):
            data[field] = effects[field]["minutes"]
    if effects["cookie_mode"]["source"] in (FROM_RULE, FROM_DEFAULT):
        data["cookie_mode"] = effects["cookie_mode"]["value"]
    return data
