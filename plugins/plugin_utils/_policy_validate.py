# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a whole session policy before any tenant is touched, and return it normalized.

Every error is reported at once, one line each, prefixed with its path
(``session_policy_rules[1].session_lifetime: ...``). Lifetimes and cookie modes, in the tenant
block and in each rule, are checked by ``_ensure_settings.parse_desired``, the function the
``tenant_session`` and ``session_policy`` modules use, so the policy and the modules agree on what
a duration, a plan limit or a cookie mode is. See docs/policy.md for the format and the reasons.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import (
    LIFETIME_FIELDS, PLAN_LIMITS, format_minutes)
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import (
    SETTING_KEYS, check_idle_within_absolute, parse_desired)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_effects import (
    FROM_DEFAULT, FROM_RULE, FROM_TENANT, effective)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._suggest import did_you_mean
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import (
    CONDITIONS, DEFAULT_PATH, DEFAULT_RULE_NAME, EFFECT_LIFETIMES, EFFECTS, HAS_VOLUPTUOUS, PLAN_PATH, RULE_KEYS, RULES_PATH,
    TENANT_PATH, VOLUPTUOUS_IMPORT_ERROR, Invalid, MultipleInvalid, boolean, country, metadata, non_empty_string,
    one_line, path_text, plain, risk, shown, string_list, too_deep, type_name, voluptuous_message)

try:
    from voluptuous import Optional, Schema
except ImportError:  # pragma: no cover - reported by validate_policy through HAS_VOLUPTUOUS
    Optional = Schema = None

_ALLOWED_KEYS = {(RULES_PATH, "*", "match"): CONDITIONS}


def _match_schema():
    schema = dict((Optional(name), string_list())
                  for name in ("organizations", "clients", "client_names", "connections", "roles"))
    schema[Optional("countries")] = string_list(country)
    schema[Optional("not_countries")] = string_list(country)
    schema[Optional("risk_confidence")] = string_list(risk)
    schema[Optional("mfa")] = boolean
    schema[Optional("app_metadata")] = metadata(scalars_only=True)
    return Schema(schema)


def _match(value, prefix):
    """``(match, errors)``; match is None when it is unusable."""
    if value is None or value == {}:
        return None, ["%s: must have at least one condition (%s); a rule that matches every login is what %s is "
                      "for" % (path_text(prefix), ", ".join(CONDITIONS), DEFAULT_PATH)]
    if not isinstance(value, dict):
        return None, ["%s: must be a mapping of conditions; got %s" % (path_text(prefix), type_name(value))]
    try:
        return _match_schema()(value), []
    except MultipleInvalid as exc:
        return None, [voluptuous_message(prefix, error, _ALLOWED_KEYS) for error in exc.errors]


def _mapping(value, prefix, what):
    """``(mapping, errors)``: None is an empty block; anything else but a mapping is an error."""
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return None, ["%s: must be %s; got %s" % (path_text(prefix), what, type_name(value))]
    return value, []


def _unknown_keys(block, allowed, prefix):
    return ["%s: is not a known key%s (expected one of: %s)" % (path_text(prefix + [key]), did_you_mean(key, allowed),
                                                                ", ".join(allowed))
            for key in block if key not in allowed]


def _settings(block, keys, prefix, plan):
    """The lifetimes and cookie mode of a block, checked as the modules check them: ``(values, errors)``."""
    desired, errors = parse_desired(dict((key, block[key]) for key in keys if key in block), plan)
    return desired, ["%s.%s" % (path_text(prefix), error) for error in errors]


def _tenant_block(tenant, plan):
    """``(tenant, errors, invalid_fields)``."""
    block, errors = _mapping(tenant, [TENANT_PATH], "a mapping")
    if block is None:
        return {}, errors, LIFETIME_FIELDS
    errors = _unknown_keys(block, SETTING_KEYS, [TENANT_PATH])
    desired, setting_errors = _settings(block, SETTING_KEYS, [TENANT_PATH], plan)
    errors.extend(setting_errors)
    errors.extend("%s.%s" % (TENANT_PATH, error) for error in check_idle_within_absolute(desired, {}))
    invalid = [key for key in block if key in LIFETIME_FIELDS and block[key] is not None and key not in desired]
    return desired, errors, invalid


def _rule_block(rule, index, plan):
    """``(rule, errors)``: the rule holds what did validate, so the cross checks still run."""
    prefix = [RULES_PATH, index]
    block, errors = _mapping(rule, prefix, "a mapping")
    if block is None:
        return None, errors
    errors = _unknown_keys(block, RULE_KEYS, prefix)
    normalized, effect_errors = _settings(block, EFFECTS, prefix, plan)
    name = block.get("name")
    try:
        normalized["name"] = non_empty_string(name)
        if name == DEFAULT_RULE_NAME:
            errors.append("%s: %s is reserved: explain and expectations call %s by it"
                          % (path_text(prefix + ["name"]), shown(name), DEFAULT_PATH))
    except Invalid as exc:
        errors.append("%s: %s" % (path_text(prefix + ["name"]), "is required" if "name" not in block else exc.msg))
    if "match" not in block:
        errors.append("%s: is required" % path_text(prefix + ["match"]))
    else:
        match, match_errors = _match(block["match"], prefix + ["match"])
        errors.extend(match_errors)
        if match is not None:
            normalized["match"] = match
    return normalized, errors + effect_errors


class _Caps(object):
    """Explicit lifetimes compared with the confirmed tenant caps; unknown confirmed caps asked for.

    An unconfirmed cap (``_policy_effects.CAP_CONFIRMED``) is never a reason to refuse: explain and
    expectations show that it may cap the lifetime instead.
    """

    def __init__(self, tenant, invalid):
        self.tenant = tenant
        self.invalid = frozenset(invalid)  # given but invalid: already reported, so not "missing" too
        self.needed = {}  # tenant field -> (largest minutes asked for, path of the first asker)
        self.errors = []

    def check(self, entry, path):
        if entry["source"] not in (FROM_RULE, FROM_DEFAULT) or entry["clipped_by"] or not entry["cap_confirmed"]:
            return
        if entry["cap"] is None:
            if entry["cap_field"] not in self.invalid:
                largest, first = self.needed.get(entry["cap_field"], (0, path))
                self.needed[entry["cap_field"]] = (max(largest, entry["requested"]), first)
            return
        if entry["requested"] <= entry["cap"]:
            return
        self.errors.append(
            "%s: must be at most %s, the %s.%s that caps it; got %s. Auth0 silently caps a session at the tenant "
            "lifetime, so the tenant maximum must be the largest lifetime any rule grants"
            % (path_text(path), format_minutes(entry["cap"]), TENANT_PATH, entry["cap_field"],
               format_minutes(entry["requested"])))

    def missing(self):
        return ["%s.%s: must be set (to at least %s, the largest lifetime a rule or the default grants; first asked "
                "for by %s), because Auth0 silently caps the Action's lifetimes at it"
                % (TENANT_PATH, field, format_minutes(self.needed[field][0]), path_text(self.needed[field][1]))
                for field in LIFETIME_FIELDS if field in self.needed]


def _described(entry):
    text = format_minutes(entry["minutes"])
    if entry["source"] == FROM_TENANT:
        text += " from %s.%s" % (TENANT_PATH, entry["cap_field"])
    if entry["source"] == FROM_DEFAULT:
        text += " from %s" % DEFAULT_PATH
        if entry["clipped_by"]:
            text += " (clipped by %s.%s)" % (TENANT_PATH, entry["clipped_by"])
    return text


def _idle_within_absolute(effects, prefix, is_rule):
    """An idle lifetime over the absolute one never applies: checked on the effective values.

    When the Action sets no absolute lifetime, a persistent session's is the tenant
    session_lifetime, which also caps setIdleExpiresAt ("cannot be set higher than the maximum
    absolute session lifetime": Auth0's post-login api object reference,
    https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object).
    """
    idle, absolute = effects["idle_session_lifetime"], effects["session_lifetime"]
    granted = (FROM_RULE, FROM_DEFAULT)
    documented = absolute["source"] == FROM_TENANT and absolute["cap_confirmed"] and absolute["minutes"] is not None
    if idle["source"] not in granted or not (absolute["source"] in granted or documented):
        return []
    if idle["minutes"] <= absolute["minutes"]:
        return []
    if is_rule and FROM_RULE not in (idle["source"], absolute["source"]):
        return []  # both from the default, which reports it itself
    why = " (an idle lifetime over the absolute one never applies)"
    if idle["source"] == (FROM_RULE if is_rule else FROM_DEFAULT):
        return ["%s: must be at most the session_lifetime, %s; got %s%s"
                % (path_text(prefix + ["idle_session_lifetime"]), _described(absolute) if is_rule or documented
                   else format_minutes(absolute["minutes"]), format_minutes(idle["minutes"]), why)]
    return ["%s: must be at least the idle_session_lifetime, %s; got %s%s"
            % (path_text(prefix + ["session_lifetime"]), _described(idle), format_minutes(absolute["minutes"]), why)]


def validate_policy(tenant, rules, default, plan="enterprise"):
    """Check a whole session policy: ``(normalized_policy, errors)``.

    ``normalized_policy`` is None when ``errors`` is not empty. Otherwise it is
    ``{"plan", "tenant": {field: minutes, "cookie_mode"}, "default": {effect: value},
    "rules": [{"name", "match": {condition: value}, effect: value}]}`` with every lifetime in whole
    minutes, condition lists sorted and deduplicated and country codes upper case. Each error is one
    line ``<path>: <message>``.
    """
    if not HAS_VOLUPTUOUS:
        return None, ["the voluptuous Python library is required to validate a session policy "
                      "(pip install voluptuous): %s" % VOLUPTUOUS_IMPORT_ERROR]
    deep = [error for error in (too_deep(value, [where]) for value, where in (
        (tenant, TENANT_PATH), (rules, RULES_PATH), (default, DEFAULT_PATH), (plan, PLAN_PATH))) if error]
    if deep:
        return None, one_line(deep)  # every other check (and its message) would recurse through it
    tenant, rules, default, plan = plain(tenant), plain(rules), plain(default), plain(plan)
    errors = []
    if not isinstance(plan, str) or plan not in PLAN_LIMITS:  # a list is unhashable: not a plan, not a crash
        errors.append("%s: must be one of %s; got %s" % (PLAN_PATH, ", ".join(sorted(PLAN_LIMITS)), shown(plan)))
        plan = None  # still check everything else, without plan limits

    tenant_n, block_errors, invalid = _tenant_block(tenant, plan)
    errors.extend(block_errors)
    default_block, block_errors = _mapping(default, [DEFAULT_PATH], "a mapping")
    errors.extend(block_errors)
    default_n = {}
    if default_block is not None:
        errors.extend(_unknown_keys(default_block, EFFECTS, [DEFAULT_PATH]))
        default_n, block_errors = _settings(default_block, EFFECTS, [DEFAULT_PATH], plan)
        errors.extend(block_errors)

    caps = _Caps(tenant_n, invalid)
    default_effects = effective(tenant_n, default_n)
    errors.extend(_idle_within_absolute(default_effects, [DEFAULT_PATH], is_rule=False))
    for field in EFFECT_LIFETIMES:
        caps.check(default_effects[field], [DEFAULT_PATH, field])

    rules = [] if rules is None else rules
    if not isinstance(rules, list):
        errors.append("%s: must be a list of rules; got %s" % (RULES_PATH, type_name(rules)))
        rules = []
    rules_n = []
    names = {}
    for index, rule in enumerate(rules):
        prefix = [RULES_PATH, index]
        rule_n, block_errors = _rule_block(rule, index, plan)
        errors.extend(block_errors)
        if rule_n is None:
            continue
        rules_n.append(rule_n)
        name = rule_n.get("name")
        if name in names:
            errors.append("%s: %s is already the name of %s[%d]; rule names must be unique"
                          % (path_text(prefix + ["name"]), shown(name), RULES_PATH, names[name]))
        elif name is not None:
            names[name] = index
        effects = effective(tenant_n, default_n, rule_n)
        errors.extend(_idle_within_absolute(effects, prefix, is_rule=True))
        for field in EFFECT_LIFETIMES:
            entry = effects[field]
            if entry["source"] == FROM_DEFAULT and effects["cookie_mode"]["value"] != default_effects["cookie_mode"]["value"]:
                # Inherited into another cookie mode: clipped to that mode's cap, which must be known.
                if entry["cap"] is None:
                    caps.check(dict(entry, source=FROM_RULE), prefix + ["cookie_mode"])
                continue
            if entry["source"] == FROM_RULE:
                caps.check(entry, prefix + [field])
    errors.extend(caps.errors)
    errors.extend(caps.missing())

    if errors:
        return None, one_line(errors)
    return dict(plan=plan, tenant=tenant_n, default=default_n, rules=rules_n), []


def tenant_settings_values(normalized):
    """The tenant block as ``tenant_settings.parse_desired`` values: human durations, never bare numbers.

    A bare number means hours to ``parse_desired``, so minutes go back out as ``'1d12h'``-style strings.
    Fields the policy leaves out are None: left untouched on the tenant.
    """
    tenant = (normalized or {}).get("tenant") or {}
    values = dict((field, format_minutes(tenant[field]) if field in tenant else None) for field in LIFETIME_FIELDS)
    values["cookie_mode"] = tenant.get("cookie_mode")
    return values
