"""Tenant log events: `GET /api/v2/logs` (search and checkpoint paging) and `GET /api/v2/logs/{id}`.

Shapes follow tests/fixtures/auth0-recorded/go-auth0/TestLogManager.json and
TestLogManager_CheckpointPagination.json: the list is a bare JSON array; a page (`page`/`per_page`)
is ordered by `log_id`, newest first; `from=<log_id>&take=N` answers the N events that come AFTER
that id, oldest first. The caller holds the tenant lock.
"""
import copy
import datetime
import fnmatch
import re

from .errors import invalid_query, not_found
from .util import bool_query, check_query, parse_page

LIST_QUERY = ("page", "per_page", "sort", "fields", "include_fields", "include_totals", "q", "from", "take")
MAX_PER_PAGE = 100
MAX_TAKE = 100
# "you may paginate only through 1,000 search results" (auth0-python's logs.list docstring, from
# Auth0's API definition); the error a request past it gets is not recorded.
SEARCH_WINDOW = 1000

# The keys of a recorded login event (type "ss" in TestLogManager_CheckpointPagination.json). No "s"
# or "w" event is recorded: the emulator writes its own with these keys; their description and
# details are the emulator's wording.
EVENT_KEYS = ("_id", "audience", "client_id", "client_name", "connection", "connection_id", "date", "description",
              "details", "hostname", "ip", "isMobile", "location_info", "log_id", "organization_id",
              "organization_name", "strategy", "strategy_type", "type", "user_agent", "user_id", "user_name")

_TERM = re.compile(r'\s*(?:(AND)\b|([A-Za-z_][\w.]*):(?:"((?:[^"\\]|\\.)*)"|([\[{])\s*(\S+)\s+TO\s+(\S+?)\s*([\]}])|([^\s"()\[\]{}]+)))')


class LogStore:
    def __init__(self, tenant):
        self.tenant = tenant
        self.events = []  # ascending log_id
        self.seq = 0

    # ---------- writing ----------
    def _new_id(self, when):
        self.seq += 1
        # Real ids are 56 digits that sort like the events (recorded: "900" + a UTC timestamp to the
        # microsecond + a counter); the emulator keeps that form so string order is event order.
        stamp = when.strftime("%Y%m%d%H%M%S") + "%06d" % when.microsecond
        return ("900" + stamp + "%033d" % self.seq)[:56]

    def write(self, event_type, description, when=None, **fields):
        """Append one event; ``when`` is a UTC datetime (now by default). Returns the stored event."""
        when = when or datetime.datetime.now(datetime.timezone.utc)
        log_id = self._new_id(when)
        event = dict((key, None) for key in EVENT_KEYS)
        event.update(isMobile=False, ip="[REDACTED]", user_agent="Other 0.0.0 / Other 0.0.0", details={})
        event.update(fields)
        event.update({"_id": log_id, "log_id": log_id, "type": event_type, "description": description,
                      "date": when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (when.microsecond // 1000)})
        self.events.append(event)
        self.events.sort(key=lambda e: e["log_id"])
        return copy.deepcopy(event)

    def seed(self, events):
        """Events a tenant held before a recording started (the replay); kept as given."""
        known = set(e["log_id"] for e in self.events)
        for event in events:
            if event.get("log_id") not in known:
                self.events.append(copy.deepcopy(event))
                known.add(event.get("log_id"))
        self.events.sort(key=lambda e: e["log_id"])

    # ---------- API ----------
    def get(self, log_id):
        for event in self.events:
            if event["log_id"] == log_id:
                return copy.deepcopy(event)
        raise not_found("log not found")  # wording not recorded

    def list(self, query):
        check_query(query, LIST_QUERY)
        matching = [e for e in self.events if _matches(e, _parse_q(query.get("q")))]
        if "from" in query or "take" in query:
            take = take_param(query, MAX_TAKE)
            if query.get("from"):
                # Recorded: the events after the checkpoint, oldest first.
                chunk = [e for e in matching if e["log_id"] > query["from"]][:take]
            else:
                # Not recorded: without `from`, the newest `take` events, newest first (our choice).
                chunk = list(reversed(matching))[:take]
        else:
            page, per_page = parse_page(query, 50, MAX_PER_PAGE)
            if (page + 1) * per_page > SEARCH_WINDOW:
                raise invalid_query("only the first %d search results can be paged through; use from/take."
                                    % SEARCH_WINDOW)
            ordered = _sorted(matching, query.get("sort"))
            chunk = ordered[page * per_page:(page + 1) * per_page]
        chunk = [_fields(e, query) for e in chunk]
        if bool_query(query, "include_totals") and "from" not in query and "take" not in query:
            # auth0-python's ListLogOffsetPaginatedResponseContent; not recorded (deprecated by Auth0).
            return {"start": page * per_page, "limit": per_page, "length": len(chunk), "total": len(matching),
                    "logs": chunk}
        return chunk


def take_param(query, maximum):
    """``take`` checked like ``per_page`` (default 50; the maximum is not recorded)."""
    return parse_page(query, 50, maximum, size="take")[1]


def _sorted(events, sort):
    """Newest first by log_id (recorded); ``sort=field:1|-1`` orders by that field instead (stable)."""
    if not sort:
        return list(reversed(events))
    match = re.match(r"^([A-Za-z_]\w*):(-?1)$", sort)
    if not match:
        raise invalid_query("'%s' is not a valid sort: use field:1 or field:-1." % sort)
    field, direction = match.group(1), match.group(2)
    return sorted(events, key=lambda e: (str(e.get(field) or ""), e["log_id"]), reverse=direction == "-1")


def _fields(event, query):
    if not query.get("fields"):
        return copy.deepcopy(event)
    wanted = set(f.strip() for f in query["fields"].split(",") if f.strip())
    keep = bool_query(query, "include_fields") is not False
    return dict((k, copy.deepcopy(v)) for k, v in event.items() if (k in wanted) == keep)


def _parse_q(text):
    """The subset of Auth0's log search syntax the emulator understands: terms ``field:value``,
    ``field:"value"`` (``*`` as a wildcard) and ``field:[a TO b]`` / ``field:{a TO b}`` (``*`` open),
    joined by ``AND`` or spaces. Anything else is a 400 (real Auth0 accepts more; its error for a
    query it cannot parse is not recorded)."""
    terms = []
    if not text:
        return terms
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TERM.match(text, position)
        if not match or match.end() == position:
            raise invalid_query("the emulator cannot parse q at %r (supported: field:value, field:\"value\", "
                                "field:[a TO b], AND)." % text[position:position + 30])
        position = match.end()
        if match.group(1):
            continue
        field = match.group(2)
        if match.group(4):
            terms.append(("range", field, match.group(5), match.group(6), match.group(4) == "[", match.group(7) == "]"))
        else:
            value = match.group(3) if match.group(3) is not None else match.group(8)
            terms.append(("value", field, value.replace('\\"', '"')))
    return terms


def _lookup(event, field):
    value = event
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _comparable(text):
    """A date as its instant, so that ranges compare times (``...:03.456Z`` is after ``...:03Z``, which a string
    comparison gets wrong); anything else as the text itself."""
    try:
        return (0, datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return (1, text)


def _matches(event, terms):
    for term in terms:
        value = _lookup(event, term[1])
        if term[0] == "value":
            if value is None or not fnmatch.fnmatchcase(str(value), term[2]):
                return False
            continue
        unused, unused_field, low, high, low_inclusive, high_inclusive = term
        if value is None:
            return False
        value = _comparable(str(value))
        if low != "*" and (value < _comparable(low) or (value == _comparable(low) and not low_inclusive)):
            return False
        if high != "*" and (value > _comparable(high) or (value == _comparable(high) and not high_inclusive)):
            return False
    return True
