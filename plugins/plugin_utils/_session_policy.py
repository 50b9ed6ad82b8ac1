# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The session policy: tenant settings, ordered per-login rules and a default.

``validate_policy`` checks the whole policy before any tenant is touched and reports every error
at once, each prefixed with its path (``session_policy_rules[1].session_lifetime: ...``).
``render_action`` turns a valid policy into the code of a Post-Login Action: the policy travels as
JSON data read by fixed logic, so no policy value is ever spliced into JavaScript as source text.
``tenant_settings_values`` gives the tenant part in the form ``tenant_settings.parse_desired`` takes.

See docs/policy.md for the format and the reasons behind each check.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re

try:
    from voluptuous import Invalid, MultipleInvalid, Optional, Required, Schema
    HAS_VOLUPTUOUS = True
    VOLUPTUOUS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without voluptuous installed
    Invalid = MultipleInvalid = Optional = Required = Schema = None
    HAS_VOLUPTUOUS = False
    VOLUPTUOUS_IMPORT_ERROR = exc

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import (
    IDLE_TWINS, LIFETIME_FIELDS, PLAN_LIMITS, DurationError, check_limit, format_minutes, parse_duration)
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_settings import (
    COOKIE_MODES, DEFAULT_COOKIE_MODE, SETTING_KEYS)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._suggest import did_you_mean

TENANT_PATH = "session_policy_tenant"
RULES_PATH = "session_policy_rules"
DEFAULT_PATH = "session_policy_default"
PLAN_PATH = "plan"

RISK_LEVELS = ("low", "medium", "high", "neutral")
EFFECT_LIFETIMES = ("session_lifetime", "idle_session_lifetime")
EFFECTS = EFFECT_LIFETIMES + ("cookie_mode",)
LIST_CONDITIONS = ("organizations", "clients", "connections", "countries", "not_countries", "roles",
                   "risk_confidence")
CONDITIONS = LIST_CONDITIONS + ("mfa", "app_metadata")
TENANT_KEYS = SETTING_KEYS
RULE_KEYS = ("name", "match") + EFFECTS

# The tenant setting that caps an Action's lifetime, by the session's cookie mode.
CAP_FIELDS = {
    "persistent": {"session_lifetime": "session_lifetime", "idle_session_lifetime": "idle_session_lifetime"},
    "non-persistent": {"session_lifetime": "ephemeral_session_lifetime",
                       "idle_session_lifetime": "idle_ephemeral_session_lifetime"},
}

# ISO 3166-1 alpha-2 officially assigned codes, plus XK (Kosovo), which GeoIP databases report.
COUNTRY_CODES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
VG VI VN VU WF WS YE YT ZA ZM ZW XK
""".split())
COUNTRY_HINTS = {"UK": "GB", "EL": "GR"}

_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# --- input hygiene -------------------------------------------------------------------------------

def _plain(value):
    """Plain Python containers and scalars (Ansible 2.19 hands over tagged subclasses)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dict):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _path(parts):
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += "[%d]" % part
        elif _IDENTIFIER_RE.match(str(part)):
            text += ("." if text else "") + str(part)
        else:
            text += "[%s]" % json.dumps(str(part))
    return text


def _shown(value):
    return json.dumps(value, default=str, sort_keys=True)


def _type_name(value):
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


# --- field validators (voluptuous callables: return the normalized value or raise Invalid) -------

def _duration(field, plan):
    def validate(value):
        try:
            minutes = parse_duration(value)
            if plan in PLAN_LIMITS:
                check_limit(field, minutes, plan)
        except DurationError as exc:
            raise Invalid(str(exc))
        return minutes
    return validate


def _cookie_mode(value):
    if value not in COOKIE_MODES:
        raise Invalid("must be one of %s; got %s" % (", ".join(COOKIE_MODES), _shown(value)))
    return value


def _rule_name(value):
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string; got %s" % _type_name(value))
    return value


def _string_list(item_check=None):
    """A string or a list of strings (any of), never empty; sorted and deduplicated."""
    def validate(value):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise Invalid("must be a string or a list of strings; got %s" % _type_name(value))
        if not items:
            raise Invalid("must not be empty (an empty list would never match)")
        errors = []
        out = set()
        for index, item in enumerate(items):
            at = [] if isinstance(value, str) else [index]
            if not isinstance(item, str) or not item:
                errors.append(Invalid("must be a non-empty string; got %s" % _type_name(item), path=at))
                continue
            try:
                out.add(item_check(item) if item_check else item)
            except Invalid as exc:
                errors.append(Invalid(exc.msg, path=at))
        if errors:
            raise MultipleInvalid(errors)
        return sorted(out)
    return validate


def _country(item):
    code = item.strip().upper()
    if code in COUNTRY_CODES:
        return code
    hint = COUNTRY_HINTS.get(code)
    raise Invalid("must be an ISO 3166-1 alpha-2 country code such as DE, US or GB; got %s%s"
                  % (_shown(item), " (did you mean %s?)" % hint if hint else ""))


def _risk(item):
    if item not in RISK_LEVELS:
        raise Invalid("must be one of %s; got %s" % (", ".join(RISK_LEVELS), _shown(item)))
    return item


def _mfa(value):
    if not isinstance(value, bool):
        raise Invalid("must be true or false; got %s" % _type_name(value))
    return value


def _app_metadata(value):
    if not isinstance(value, dict) or not value:
        raise Invalid("must be a non-empty mapping of app_metadata keys to the values they must equal; got %s"
                      % ("an empty mapping" if isinstance(value, dict) else _type_name(value)))
    errors = []
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            errors.append(Invalid("keys must be non-empty strings", path=[str(key)]))
        elif isinstance(item, bool) or isinstance(item, str) or (
                isinstance(item, (int, float)) and math.isfinite(item)):
            continue
        elif isinstance(item, float):
            errors.append(Invalid("must be a finite number; got %r" % item, path=[key]))
        else:
            errors.append(Invalid("must be a string, number or boolean (compared with ===); got %s"
                                  % _type_name(item), path=[key]))
    if errors:
        raise MultipleInvalid(errors)
    return dict(value)


def _match(value):
    if value is None or value == {}:
        raise Invalid("must have at least one condition (%s); a rule that matches every login is "
                      "what %s is for" % (", ".join(CONDITIONS), DEFAULT_PATH))
    if not isinstance(value, dict):
        raise Invalid("must be a mapping of conditions; got %s" % _type_name(value))
    schema = dict((Optional(name), _string_list()) for name in ("organizations", "clients", "connections", "roles"))
    schema[Optional("countries")] = _string_list(_country)
    schema[Optional("not_countries")] = _string_list(_country)
    schema[Optional("risk_confidence")] = _string_list(_risk)
    schema[Optional("mfa")] = _mfa
    schema[Optional("app_metadata")] = _app_metadata
    return Schema(schema)(value)


def _effect_schema(plan):
    schema = dict((Optional(field), _duration(field, plan)) for field in EFFECT_LIFETIMES)
    schema[Optional("cookie_mode")] = _cookie_mode
    return schema


def _tenant_schema(plan, strict):
    schema = dict((Optional(field), _duration(field, plan)) for field in LIFETIME_FIELDS)
    schema[Optional("cookie_mode")] = _cookie_mode
    return Schema(schema)


def _default_schema(plan, strict):
    return Schema(_effect_schema(plan))


def _rule_schema(plan, strict):
    key = Required if strict else Optional
    schema = _effect_schema(plan)
    schema[key("name")] = _rule_name
    schema[key("match")] = _match
    return Schema(schema)


_ALLOWED_KEYS = {
    (TENANT_PATH,): TENANT_KEYS,
    (DEFAULT_PATH,): EFFECTS,
    (RULES_PATH, "*"): RULE_KEYS,
    (RULES_PATH, "*", "match"): CONDITIONS,
}


def _message(prefix, error):
    path = list(prefix) + list(error.path)
    msg = error.msg
    if msg == "extra keys not allowed":
        shape = tuple("*" if isinstance(part, int) else part for part in path[:-1])
        allowed = _ALLOWED_KEYS.get(shape)
        msg = "is not a known key" + (did_you_mean(path[-1], allowed) + " (expected one of: %s)" % ", ".join(allowed)
                                      if allowed else "")
    elif msg == "required key not provided":
        msg = "is required"
    elif msg == "expected a dictionary":
        msg = "must be a mapping"
    return "%s: %s" % (_path(path), msg)


def _validate_block(schema_factory, data, prefix, plan):
    """``(value, errors)``; on errors the value holds the keys that did validate, for the cross checks."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, ["%s: must be a mapping; got %s" % (_path(prefix), _type_name(data))]
    try:
        return schema_factory(plan, True)(data), []
    except MultipleInvalid as exc:
        errors = [_message(prefix, error) for error in exc.errors]
        bad = set(error.path[0] for error in exc.errors if error.path)
        partial = dict((key, value) for key, value in data.items() if key not in bad)
        try:
            return schema_factory(plan, False)(partial), errors
        except MultipleInvalid:  # pragma: no cover - removing the failing keys leaves a valid block
            return None, errors


# --- cross-field checks --------------------------------------------------------------------------

def _idle_within_absolute(values, prefix, own=None, inherited_from=None):
    """Idle over absolute in one block (a rule merged with the default, or the tenant block)."""
    errors = []
    twins = IDLE_TWINS if own is None else (("idle_session_lifetime", "session_lifetime"),)
    for idle, absolute in twins:
        idle_value, absolute_value = values.get(idle), values.get(absolute)
        if idle_value is None or absolute_value is None or idle_value <= absolute_value:
            continue
        if own is not None and idle not in own and absolute not in own:
            continue  # both come from the default, which reports it itself
        source = "" if own is None else " from %s" % inherited_from
        if own is None or idle in own:
            errors.append("%s: must be at most the %s, %s%s; got %s (an idle lifetime over the absolute one "
                          "never applies)" % (_path(prefix + [idle]), absolute, format_minutes(absolute_value),
                                              source if absolute not in (own or values) else "",
                                              format_minutes(idle_value)))
        else:
            errors.append("%s: must be at least the %s, %s%s; got %s (an idle lifetime over the absolute one "
                          "never applies)" % (_path(prefix + [absolute]), idle, format_minutes(idle_value), source,
                                              format_minutes(absolute_value)))
    return errors


class _Caps(object):
    """Lifetimes an Action grants compared with the tenant settings that silently cap them."""

    def __init__(self, tenant, invalid=()):
        self.tenant = tenant
        self.invalid = frozenset(invalid)  # given but invalid: already reported, so not "missing" too
        self.tenant_mode = tenant.get("cookie_mode") or DEFAULT_COOKIE_MODE
        self.needed = {}  # tenant field -> (largest minutes asked for, path of the first asker)
        self.errors = []

    def check(self, field, minutes, mode, path, via=None):
        cap_field = CAP_FIELDS[mode][field]
        cap = self.tenant.get(cap_field)
        if cap is None:
            if cap_field in self.invalid:
                return
            largest, first = self.needed.get(cap_field, (0, path))
            self.needed[cap_field] = (max(largest, minutes), first)
            return
        if minutes <= cap:
            return
        kind = "" if mode == "persistent" else ", which caps non-persistent sessions"
        if via is None:
            self.errors.append(
                "%s: must be at most %s, the %s.%s that caps it%s; got %s. Auth0 silently caps a session at "
                "the tenant lifetime, so the tenant maximum must be the largest lifetime any rule grants"
                % (_path(path), format_minutes(cap), TENANT_PATH, cap_field, kind, format_minutes(minutes)))
        else:
            self.errors.append(
                "%s: %s makes the %s %s this rule inherits from %s subject to %s.%s (%s); Auth0 would silently "
                "cap it, so raise the tenant value or set a shorter %s in the rule"
                % (_path(path), mode, field, format_minutes(minutes), via, TENANT_PATH, cap_field,
                   format_minutes(cap), field))

    def missing(self):
        errors = []
        for cap_field in LIFETIME_FIELDS:
            if cap_field not in self.needed:
                continue
            largest, first = self.needed[cap_field]
            errors.append(
                "%s.%s: must be set (to at least %s, the largest lifetime a rule or the default grants; "
                "first asked for by %s), because Auth0 silently caps the Action's lifetimes at it"
                % (TENANT_PATH, cap_field, format_minutes(largest), _path(first)))
        return errors


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
    tenant, rules, default, plan = _plain(tenant), _plain(rules), _plain(default), _plain(plan)
    errors = []
    if plan not in PLAN_LIMITS:
        errors.append("%s: must be one of %s; got %s" % (PLAN_PATH, ", ".join(sorted(PLAN_LIMITS)), _shown(plan)))
        plan = None  # still check everything else, without plan limits

    tenant_n, block_errors = _validate_block(_tenant_schema, tenant, [TENANT_PATH], plan)
    errors.extend(block_errors)
    tenant_n = tenant_n or {}
    errors.extend(_idle_within_absolute(tenant_n, [TENANT_PATH]))

    default_n, block_errors = _validate_block(_default_schema, default, [DEFAULT_PATH], plan)
    errors.extend(block_errors)
    default_n = default_n or {}

    if tenant is None:
        invalid = ()
    elif isinstance(tenant, dict):
        invalid = [key for key in tenant if key not in tenant_n]
    else:
        invalid = LIFETIME_FIELDS  # the block itself is reported as not a mapping
    caps = _Caps(tenant_n, invalid)
    default_mode = default_n.get("cookie_mode") or caps.tenant_mode
    errors.extend(_idle_within_absolute(default_n, [DEFAULT_PATH], own=default_n))
    for field in EFFECT_LIFETIMES:
        if field in default_n:
            caps.check(field, default_n[field], default_mode, [DEFAULT_PATH, field])

    if rules is None:
        rules = []
    rules_n = []
    if not isinstance(rules, list):
        errors.append("%s: must be a list of rules; got %s" % (RULES_PATH, _type_name(rules)))
        rules = []
    names = {}
    for index, rule in enumerate(rules):
        prefix = [RULES_PATH, index]
        rule_n, block_errors = _validate_block(_rule_schema, rule, prefix, plan)
        errors.extend(block_errors)
        if rule_n is None:
            continue
        rules_n.append(rule_n)
        name = rule_n.get("name")
        if name is not None:
            if name in names:
                errors.append("%s: %s is already the name of %s[%d]; rule names must be unique"
                              % (_path(prefix + ["name"]), _shown(name), RULES_PATH, names[name]))
            else:
                names[name] = index
        merged = dict(default_n)
        merged.update(rule_n)
        errors.extend(_idle_within_absolute(merged, prefix, own=rule_n, inherited_from=DEFAULT_PATH))
        mode = merged.get("cookie_mode") or caps.tenant_mode
        for field in EFFECT_LIFETIMES:
            if field in rule_n:
                caps.check(field, rule_n[field], mode, prefix + [field])
            elif field in default_n and mode != default_mode:
                caps.check(field, default_n[field], mode, prefix + ["cookie_mode"], via=DEFAULT_PATH)
    errors.extend(caps.errors)
    errors.extend(caps.missing())

    if errors:
        # One line each, whatever the user's values held.
        return None, [error.replace("\r", "\\r").replace("\n", "\\n") for error in errors]
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


# --- the Action ----------------------------------------------------------------------------------

def _effects_data(effects):
    data = {}
    for field in EFFECT_LIFETIMES:
        if effects.get(field) is not None:
            data["%s_minutes" % field] = int(effects[field])
    if effects.get("cookie_mode"):
        data["cookie_mode"] = effects["cookie_mode"]
    return data


def action_data(normalized):
    """The data the Action reads: each rule's effects already merged over the default.

    app_metadata conditions travel as sorted ``[key, value]`` pairs, so user keys (even
    ``__proto__``) never become JavaScript object keys.
    """
    default = normalized.get("default") or {}
    rules = []
    for rule in normalized.get("rules") or []:
        match = {}
        for name, value in sorted(rule["match"].items()):
            if name == "app_metadata":
                value = [[key, value[key]] for key in sorted(value)]
            match[name] = value
        merged = dict(default)
        merged.update(rule)
        rules.append({"name": rule["name"], "match": match, "set": _effects_data(merged)})
    return {"default": _effects_data(default), "rules": rules}


def js_json(data):
    """JSON that is also safe inside any JavaScript or HTML context: one line, ASCII only, sorted keys."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    # ensure_ascii already escapes U+2028/U+2029; the replacements keep that true whatever the encoder does.
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         (u"\u2028", "\\u2028"), (u"\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


_ACTION_TEMPLATE = u"""/**
 * Session policy Post-Login Action.
 *
 * GENERATED by the sessionguard.auth0 Ansible collection. Do not edit it in the Auth0 Dashboard:
 * the next run replaces it. Change the session_policy_* variables instead.
 *
 * POLICY is data (lifetimes in minutes); the logic below it is the same for every policy.
 * The first rule whose conditions all hold applies; a login no rule matches gets the default.
 * A condition on a field the event lacks is false (not_countries too, when there is no geoip).
 */
'use strict';

const POLICY = __POLICY__;

const MINUTE_MS = 60 * 1000;

function countryOf(event) {
  const code = event.request?.geoip?.countryCode;
  return typeof code === 'string' && code !== '' ? code.toUpperCase() : null;
}

const CONDITIONS = {
  organizations: (wanted, event) =>
    !!event.organization && (wanted.includes(event.organization.id) || wanted.includes(event.organization.name)),
  clients: (wanted, event) =>
    !!event.client && (wanted.includes(event.client.client_id) || wanted.includes(event.client.name)),
  connections: (wanted, event) => !!event.connection && wanted.includes(event.connection.name),
  countries: (wanted, event) => countryOf(event) !== null && wanted.includes(countryOf(event)),
  not_countries: (wanted, event) => countryOf(event) !== null && !wanted.includes(countryOf(event)),
  roles: (wanted, event) => {
    const roles = event.authorization?.roles;
    return Array.isArray(roles) && roles.some((role) => wanted.includes(role));
  },
  risk_confidence: (wanted, event) => wanted.includes(event.authentication?.riskAssessment?.confidence),
  mfa: (wanted, event) => {
    const methods = event.authentication?.methods;
    return Array.isArray(methods) && methods.some((method) => method?.name === 'mfa') === wanted;
  },
  app_metadata: (pairs, event) => {
    const metadata = event.user?.app_metadata;
    return typeof metadata === 'object' && metadata !== null &&
      pairs.every(([key, value]) => Object.prototype.hasOwnProperty.call(metadata, key) && metadata[key] === value);
  },
};

function matches(match, event) {
  return Object.keys(match).every((name) => {
    const condition = CONDITIONS[name];
    return typeof condition === 'function' && condition(match[name], event) === true;
  });
}

function call(session, method, value) {
  if (typeof session[method] !== 'function') return; // older tenants lack parts of the session API
  try {
    session[method](value);
  } catch (err) {
    console.log(`sessionguard: api.session.${method} failed: ${err && err.message}`);
  }
}

exports.onExecutePostLogin = async (event, api) => {
  // Some flows have no session, and the session API needs one; older tenants have no api.session.
  if (!event || !event.session || !api || !api.session) return;
  const rule = POLICY.rules.find((candidate) => matches(candidate.match, event));
  const effects = rule ? rule.set : POLICY.default;
  if (effects.session_lifetime_minutes) {
    // Counted from the session's creation: counting from now would extend it at every login.
    const createdAt = Date.parse(event.session.created_at);
    if (Number.isFinite(createdAt)) {
      call(api.session, 'setExpiresAt', createdAt + effects.session_lifetime_minutes * MINUTE_MS);
    }
  }
  if (effects.idle_session_lifetime_minutes) {
    call(api.session, 'setIdleExpiresAt', Date.now() + effects.idle_session_lifetime_minutes * MINUTE_MS);
  }
  if (effects.cookie_mode) {
    call(api.session, 'setCookieMode', effects.cookie_mode);
  }
};
"""


def render_action(normalized):
    """The Post-Login Action code for a policy ``validate_policy`` returned: the same policy, the same bytes."""
    return _ACTION_TEMPLATE.replace("__POLICY__", js_json(action_data(normalized)))
