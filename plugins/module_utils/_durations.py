# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session lifetimes as whole minutes: parsing user input, reading Auth0's float hours, and limits.

Auth0 returns lifetimes as (possibly fractional) hours but only accepts integer hours or the
``*_in_minutes`` twins, and its Dashboard shows minutes. Keeping whole minutes everywhere inside
the collection is the only representation that round-trips through all three without drift.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}

ABSOLUTE_FIELDS = ("session_lifetime", "ephemeral_session_lifetime")
IDLE_FIELDS = ("idle_session_lifetime", "idle_ephemeral_session_lifetime")
LIFETIME_FIELDS = ("session_lifetime", "idle_session_lifetime",
                   "ephemeral_session_lifetime", "idle_ephemeral_session_lifetime")
# Each idle lifetime and the absolute lifetime it may not exceed.
IDLE_TWINS = (("idle_session_lifetime", "session_lifetime"),
              ("idle_ephemeral_session_lifetime", "ephemeral_session_lifetime"))

# Documented plan maximums, in minutes. Over them Auth0 either refuses the PATCH or silently
# stores its own cap, so a value over them would show as drift on every run.
PLAN_LIMITS = {
    "enterprise": {"absolute": 8760 * 60, "idle": 2400 * 60},
    "self_service": {"absolute": 720 * 60, "idle": 72 * 60},
}

_UNIT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]+)")
_EXAMPLES = "a duration such as 90m, 36h, 7d, 1d12h or 2w, or a number of hours such as 168 or 0.5"


class DurationError(ValueError):
    """The value is not a usable lifetime; the message states the rule, not the option name."""


def _whole_minutes(minutes, shown):
    if math.isnan(minutes) or math.isinf(minutes):
        raise DurationError("must be %s; got %s" % (_EXAMPLES, shown))
    rounded = int(round(minutes))
    if abs(minutes - rounded) > 1e-6:
        raise DurationError("must be a whole number of minutes (Auth0 stores minutes); got %s" % shown)
    if rounded <= 0:
        raise DurationError("must be greater than zero; got %s" % shown)
    return rounded


def parse_duration(value):
    """Return the whole number of minutes in ``value``.

    ``value`` is a string with units (``90m``, ``1d12h``, ``2w``) or a bare number of hours, the unit
    the Management API and Terraform use (``168``, ``"0.5"``).
    """
    # YAML turns yes/no/true into booleans, and bool is an int subclass: refuse it explicitly.
    if isinstance(value, bool) or value is None:
        raise DurationError("must be %s; got %r" % (_EXAMPLES, value))
    if isinstance(value, (int, float)):
        return _whole_minutes(float(value) * 60, repr(value))
    text = str(value).strip()
    shown = "'%s'" % text
    if not text:
        raise DurationError("must be %s; got an empty string" % _EXAMPLES)
    try:
        hours = float(text)
    except ValueError:
        hours = None
    if hours is not None:
        if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise DurationError("must be %s; got %s" % (_EXAMPLES, shown))
        return _whole_minutes(hours * 60, shown)
    lowered = text.lower()
    if lowered.startswith("-"):
        raise DurationError("must be greater than zero; got %s" % shown)
    total = 0.0
    position = 0
    for match in _UNIT_RE.finditer(lowered):
        if lowered[position:match.start()].strip():
            break
        unit = match.group(2)
        if unit not in MINUTES:
            if unit in ("s", "sec", "secs", "second", "seconds"):
                raise DurationError("uses seconds, but Auth0 counts whole minutes (use m, h, d or w); got %s" % shown)
            raise DurationError("has unknown unit '%s' (use m, h, d or w); got %s" % (unit, shown))
        total += float(match.group(1)) * MINUTES[unit]
        position = match.end()
    if position == 0 or lowered[position:].strip():
        raise DurationError("must be %s; got %s" % (_EXAMPLES, shown))
    return _whole_minutes(total, shown)


def format_minutes(minutes):
    """Human form of a whole number of minutes: 10080 -> '7d', 2160 -> '1d12h', 90 -> '1h30m'."""
    if minutes is None:
        return None
    parts = []
    remaining = int(minutes)
    for unit in ("d", "h", "m"):
        count, remaining = divmod(remaining, MINUTES[unit])
        if count:
            parts.append("%d%s" % (count, unit))
    return "".join(parts) or "0m"


def hours_to_minutes(hours):
    """Minutes from Auth0's float hours; 0.08333333333333333 (5 minutes) must not become 4.99."""
    if hours is None or isinstance(hours, bool):
        return None
    return int(round(float(hours) * 60))


def limit_for(field, plan):
    kind = "idle" if field in IDLE_FIELDS else "absolute"
    return PLAN_LIMITS[plan][kind]


def check_limit(field, minutes, plan):
    """Raise DurationError when ``minutes`` is over the plan's documented maximum for ``field``."""
    maximum = limit_for(field, plan)
    if minutes > maximum:
        kind = "idle" if field in IDLE_FIELDS else "absolute"
        raise DurationError(
            "is %s, over the %s plan's %s lifetime maximum of %s (%d hours)"
            % (format_minutes(minutes), plan.replace("_", "-"), kind, format_minutes(maximum), maximum // 60))
