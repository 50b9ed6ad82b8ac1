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

import datetime
import math
import re
from fractions import Fraction

MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}

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

# The documented grammar only: ASCII digits, an optional decimal part, units m/h/d/w each at most once,
# optionally separated by spaces. No exponents, underscores, signs or other scripts' digits, which
# Python's float() and int() would accept.
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z", re.ASCII)
_PART_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?) *([a-z]+) *", re.ASCII)
_SECONDS = ("s", "sec", "secs", "second", "seconds")
# Longer than any sensible duration ("52w6d23h59m" is 11): a bound keeps parsing cheap and messages short.
MAX_LENGTH = 32
# A bare number is hours; over this many minutes it is over every plan's maximum by far, and exact
# integer maths keeps a 400-digit number from overflowing a float.
_TOO_LARGE = 10 ** 9
_EXAMPLES = "a duration such as 90m, 36h, 7d, 1d12h or 2w, or a number of hours such as 168 or 0.5"


class DurationError(ValueError):
    """The value is not a usable lifetime; the message states the rule, not the option name."""


def _shown(text):
    """The input as quoted in a message: never more than MAX_LENGTH characters of it."""
    return "'%s'" % text if len(text) <= MAX_LENGTH else "'%s...' (%d characters)" % (text[:MAX_LENGTH], len(text))


def _whole_minutes(minutes, shown):
    """``minutes`` is a Fraction (exact) or a float (YAML numbers)."""
    if isinstance(minutes, float) and (math.isnan(minutes) or math.isinf(minutes)):
        raise DurationError("must be %s; got %s" % (_EXAMPLES, shown))
    if minutes > _TOO_LARGE:
        raise DurationError("is too large to be a session lifetime; got %s" % shown)
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
    if isinstance(value, int):
        return _whole_minutes(Fraction(value) * 60, _shown(str(value)))
    if isinstance(value, float):
        return _whole_minutes(value * 60 if math.isfinite(value) else value, repr(value))
    text = str(value).strip()
    if not text:
        raise DurationError("must be %s; got an empty string" % _EXAMPLES)
    shown = _shown(text)
    if len(text) > MAX_LENGTH:
        raise DurationError("is too long for a duration (at most %d characters); got %s" % (MAX_LENGTH, shown))
    lowered = text.lower()
    if lowered.startswith("-"):
        raise DurationError("must be greater than zero; got %s" % shown)
    if _NUMBER_RE.match(lowered):
        return _whole_minutes(Fraction(lowered) * 60, shown)
    total = Fraction(0)
    seen = set()
    position = 0
    while position < len(lowered):
        match = _PART_RE.match(lowered, position)
        if not match:
            raise DurationError("must be %s; got %s" % (_EXAMPLES, shown))
        unit = match.group(2)
        if unit not in MINUTES:
            if unit in _SECONDS:
                raise DurationError("uses seconds, but Auth0 counts whole minutes (use m, h, d or w); got %s" % shown)
            if match.end() < len(lowered) and lowered[match.end()].isdigit():
                # 1e3, 1e309: an exponent, not a unit.
                raise DurationError("must be %s; got %s" % (_EXAMPLES, shown))
            raise DurationError("has unknown unit '%s' (use m, h, d or w); got %s" % (unit[:8], shown))
        if unit in seen:
            raise DurationError("gives the unit '%s' more than once; got %s" % (unit, shown))
        seen.add(unit)
        total += Fraction(match.group(1)) * MINUTES[unit]
        position = match.end()
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
    if not isinstance(hours, (int, float)) or (isinstance(hours, float) and not math.isfinite(hours)):
        # Auth0 answers lifetimes as numbers of hours (tests/fixtures/auth0-recorded/TestAccTenant_Main.json);
        # anything else is refused rather than crashed on.
        raise DurationError("is not a number of hours; got %s" % _shown(str(hours)))
    return int(round(hours * 60))


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


# The one instant rule, the Action's own (INSTANT and instantOf in session_policy_action.js): a date, a
# time, optional milliseconds and an explicit zone, ASCII digits only ([0-9], not \d, which takes any
# Unicode digit), to the very end of the text (\Z: $ would accept a trailing newline). The Action reads
# it with this regular expression rather than Date.parse, whose accepted forms vary by engine. The
# fraction may have 1 to 9 digits, cut to milliseconds (an earlier start, never a later expiry): the
# form of event.session.created_at is not recorded, and Auth0's Management API writes nanoseconds
# (created_at "2026-05-29T10:52:37.131474951Z" in tests/fixtures/auth0-recorded/TestAccTriggerAction.json).
_INSTANT_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
                         r"(Z|([+-])([0-9]{2}):([0-9]{2}))\Z")
# Years the rule reads: from the Unix epoch to the last four-digit year. Together with the plan's longest
# lifetime (365 days) every instant explain prints stays within the range format_instant handles.
FIRST_YEAR, LAST_YEAR = 1970, 9999
_EPOCH_DAY = datetime.date(1970, 1, 1).toordinal()
DAY_MS = 86400 * 1000


def parse_instant(value):
    """Epoch milliseconds of ``2024-03-01T10:00:00Z`` (or ``.123``, ``.131474951``, ``+02:00``); ValueError otherwise.

    Refused exactly where the Action's instantOf answers null: outside _INSTANT_RE, a year outside
    FIRST_YEAR..LAST_YEAR, a day its month lacks, hour > 23, minute or second > 59, an offset of more
    than 23 hours or 59 minutes.
    """
    match = _INSTANT_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    millis = int((match.group(7) or "").ljust(3, "0")[:3])
    sign, offset_hours, offset_minutes = match.group(9), int(match.group(10) or 0), int(match.group(11) or 0)
    if not (FIRST_YEAR <= year <= LAST_YEAR and hour <= 23 and minute <= 59 and second <= 59 and offset_hours <= 23
            and offset_minutes <= 59):
        raise ValueError(value)
    days = datetime.date(year, month, day).toordinal() - _EPOCH_DAY  # ValueError for 2024-02-30
    offset = (offset_hours * 60 + offset_minutes) * (-1 if sign == "-" else 1)
    return (((days * 24 + hour) * 60 + minute - offset) * 60 + second) * 1000 + millis


def _civil(days):
    """``(year, month, day)`` of a day count since 1970-01-01, any year (H. Hinnant's civil_from_days)."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    return year_of_era + era * 400 + (month <= 2), month, day_of_year - (153 * shifted_month + 2) // 5 + 1


def format_instant(millis):
    """``2024-03-01T10:00:00Z`` (``.123Z`` with milliseconds); the year in four digits or more.

    Plain arithmetic, not strftime (which printed year 1 as ``1``) nor datetime (which overflows past
    year 9999, where 9999-12-31 plus a lifetime lands).
    """
    days, rest = divmod(int(millis), DAY_MS)
    seconds, ms = divmod(rest, 1000)
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (_civil(days) + (seconds // 3600, seconds // 60 % 60, seconds % 60))
    return text + (".%03dZ" % ms if ms else "Z")
