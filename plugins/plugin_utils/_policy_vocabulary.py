# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words a session policy and a login are written in, and the checks on each value.

Shared by the policy's validation and the logins of explain and expectations, so a country, a
risk level or an app_metadata value means the same in both. Every check is a voluptuous callable:
it returns the normalized value or raises ``Invalid``; error texts start with the rule broken.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re

try:
    from voluptuous import Invalid, MultipleInvalid
    HAS_VOLUPTUOUS = True
    VOLUPTUOUS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without voluptuous installed
    HAS_VOLUPTUOUS = False
    VOLUPTUOUS_IMPORT_ERROR = exc

    class Invalid(Exception):
        pass

    MultipleInvalid = Invalid

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._suggest import did_you_mean

TENANT_PATH = "session_policy_tenant"
RULES_PATH = "session_policy_rules"
DEFAULT_PATH = "session_policy_default"
# The name explain and expectations give the default, so a rule may not take it.
DEFAULT_RULE_NAME = "default"
PLAN_PATH = "plan"

RISK_LEVELS = ("low", "medium", "high", "neutral")
EFFECT_LIFETIMES = ("session_lifetime", "idle_session_lifetime")
EFFECTS = EFFECT_LIFETIMES + ("cookie_mode",)
# clients matches client IDs only: names are not unique, and Dynamic Client Registration lets anyone
# pick one (Auth0 docs, "Dynamic Client Registration"), so a name match is asked for as client_names.
LIST_CONDITIONS = ("organizations", "clients", "client_names", "connections", "countries", "not_countries",
                   "roles", "risk_confidence")
CONDITIONS = LIST_CONDITIONS + ("mfa", "app_metadata")
RULE_KEYS = ("name", "match") + EFFECTS

# JavaScript numbers are doubles: an integer beyond this compares equal to its neighbours in the
# Action, so the Python evaluator would disagree with it.
MAX_SAFE_INTEGER = 2 ** 53 - 1

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
_COUNTRY_HINTS = {"UK": "GB", "EL": "GR"}

_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The country rule of the Action's countryOf (session_policy_action.js), the same for a policy and a login:
# two ASCII letters exactly, any case. No stripping: " fr", "FR\n" or "F\u0052" are not a country, so a
# country condition on them is false in the Action and refused in the policy and in explain.
_COUNTRY_RE = re.compile(r"[A-Za-z]{2}\Z")

# How deep a policy or a login may nest. A condition compares top-level app_metadata keys with scalars,
# so nothing real comes near it; deeper input is refused with its path instead of exhausting Python's
# recursion (a RecursionError) in the checks, the error messages or the JSON of the report.
MAX_DEPTH = 32


def too_deep(value, prefix, limit=MAX_DEPTH):
    """``<path>: is nested more than N levels deep`` for the first container deeper than ``limit``, else None.

    Iterative, so any depth is measured without recursion. The path shows four parts below ``prefix`` at most
    (``session_policy_rules[0].match.app_metadata.tier``): a deep path would be a line as long as the input.
    """
    stack = [(value, list(prefix), 0)]
    while stack:
        item, path, depth = stack.pop()
        if not isinstance(item, (dict, list, tuple)):
            continue
        if depth >= limit:
            return "%s: is nested more than %d levels deep" % (path_text(path[:len(prefix) + 4]), limit)
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        stack.extend((child, path + [key], depth + 1) for key, child in pairs)
    return None


def plain(value, depth=0):
    """Plain Python containers and scalars (Ansible 2.19 hands over tagged subclasses).

    Below MAX_DEPTH levels a value is returned as it is: too_deep reports it, and plain never recurses
    without bound.
    """
    if isinstance(value, bool) or value is None or depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return dict((plain(key, depth + 1), plain(item, depth + 1)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item, depth + 1) for item in value]
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def path_text(parts):
    """``session_policy_rules[1].match["a.b"]`` from ``["session_policy_rules", 1, "match", "a.b"]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += "[%d]" % part
        elif _IDENTIFIER_RE.match(str(part)):
            text += ("." if text else "") + str(part)
        else:
            text += "[%s]" % json.dumps(str(part))
    return text


def shown(value):
    return json.dumps(value, default=str, sort_keys=True)


def type_name(value):
    if value is None:
        return "nothing (null)"
    for kind, name in ((bool, "a boolean"), (dict, "a mapping"), (list, "a list"), (str, "a string"),
                       ((int, float), "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def one_line(errors):
    """One line each, whatever the user's values held."""
    return [error.replace("\r", "\\r").replace("\n", "\\n") for error in errors]


def voluptuous_message(prefix, error, allowed_keys):
    """``<path>: <message>`` for one voluptuous error, in the collection's words."""
    parts = list(prefix) + list(error.path)
    msg = error.msg
    if msg == "extra keys not allowed":
        shape = tuple("*" if isinstance(part, int) else part for part in parts[:-1])
        allowed = allowed_keys.get(shape)
        msg = "is not a known key" + (did_you_mean(parts[-1], allowed) + " (expected one of: %s)" % ", ".join(allowed)
                                      if allowed else "")
    elif msg == "required key not provided":
        msg = "is required"
    elif msg == "expected a dictionary":
        msg = "must be a mapping"
    return "%s: %s" % (path_text(parts), msg)


def _not_a_name(value):
    """Why ``value`` is no name, or None: a blank string is one too (whitespace compares as itself in the Action)."""
    if not isinstance(value, str):
        return "must be a non-empty string; got %s" % type_name(value)
    return None if value.strip() else "must be a non-empty string; got %s" % ("a blank string" if value else "an empty string")


def non_empty_string(value):
    problem = _not_a_name(value)
    if problem:
        raise Invalid(problem)
    return value


def string_list(item_check=None, allow_empty=False):
    """A string or a list of strings; sorted and deduplicated."""
    def validate(value):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise Invalid("must be a string or a list of strings; got %s" % type_name(value))
        if not items and not allow_empty:
            raise Invalid("must not be empty (an empty list would never match)")
        errors = []
        out = set()
        for index, item in enumerate(items):
            at = [] if isinstance(value, str) else [index]
            # A blank item as well: a login's blank value is refused (non_empty_string), so a policy must
            # not match one either, or the Action and explain would disagree on it.
            if _not_a_name(item):
                errors.append(Invalid(_not_a_name(item), path=at))
                continue
            try:
                out.add(item_check(item) if item_check else item)
            except Invalid as exc:
                errors.append(Invalid(exc.msg, path=at))
        if errors:
            raise MultipleInvalid(errors)
        return sorted(out)
    return validate


def country(item):
    """An ISO 3166-1 alpha-2 code by the Action's rule (``_COUNTRY_RE``), upper-cased."""
    code = item.upper() if isinstance(item, str) and _COUNTRY_RE.match(item) else None
    if code in COUNTRY_CODES:
        return code
    hint = _COUNTRY_HINTS.get(code)
    raise Invalid("must be an ISO 3166-1 alpha-2 country code such as DE, US or GB; got %s%s"
                  % (shown(item), " (did you mean %s?)" % hint if hint else ""))


def login_country(item):
    """A login's country as the Action reads geoip's countryCode: any two ASCII letters, upper-cased.

    Not only the assigned codes a policy may name: the Action compares whatever two letters GeoIP sends
    (EU, AP), so for not_countries such a login is abroad, and explain must say so too.
    """
    if isinstance(item, str) and _COUNTRY_RE.match(item):
        return item.upper()
    raise Invalid("must be a country code of two ASCII letters, as GeoIP gives it (no spaces or other characters); "
                  "got %s" % shown(item))


def risk(item):
    if item not in RISK_LEVELS:
        raise Invalid("must be one of %s; got %s" % (", ".join(RISK_LEVELS), shown(item)))
    return item


def boolean(value):
    if not isinstance(value, bool):
        raise Invalid("must be true or false; got %s" % type_name(value))
    return value


def _number_problem(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number; got %r" % value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return "must be within +/-%d, the integers JavaScript compares exactly; got %d" % (MAX_SAFE_INTEGER, value)
    return None


def json_value(value, at=()):
    """Errors for any number in a JSON value that JavaScript cannot hold exactly."""
    if isinstance(value, dict):
        return [error for key, item in value.items() for error in json_value(item, list(at) + [key])]
    if isinstance(value, list):
        return [error for index, item in enumerate(value) for error in json_value(item, list(at) + [index])]
    problem = _number_problem(value)
    return [Invalid(problem, path=list(at))] if problem else []


def scalar(value):
    """A value compared with ``===``: a string, a number JavaScript holds exactly, or a boolean."""
    if not (isinstance(value, (bool, str, int, float))):
        raise Invalid("must be a string, number or boolean (compared with ===); got %s" % type_name(value))
    problem = _number_problem(value)
    if problem:
        raise Invalid(problem)
    return value


def metadata(scalars_only):
    """A mapping of app_metadata keys; in a condition every value must be a scalar to compare with."""
    def validate(value):
        if not isinstance(value, dict) or (scalars_only and not value):
            raise Invalid("must be a %smapping of app_metadata keys to %s; got %s"
                          % ("non-empty " if scalars_only else "",
                             "the values they must equal" if scalars_only else "their values",
                             "an empty mapping" if isinstance(value, dict) else type_name(value)))
        errors = []
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                errors.append(Invalid("keys must be non-empty strings", path=[str(key)]))
            elif scalars_only:
                try:
                    scalar(item)
                except Invalid as exc:
                    errors.append(Invalid(exc.msg, path=[key]))
            else:
                errors.extend(json_value(item, [key]))
        if errors:
            raise MultipleInvalid(errors)
        return dict(value)
    return validate


def strictly_equal(left, right):
    """JavaScript's ``===`` on JSON scalars: ``true`` is not ``1``, ``3`` is ``3.0``, a list equals nothing."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return float(left) == float(right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return False
