# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Management API paths and list reads the actions and bindings code share.

One place knows each URL and how each list pages, so ``_ensure_action`` and ``_ensure_binding`` never build
a path themselves or reach into each other for one.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six.moves.urllib.parse import quote

SETTINGS_PATH = "/api/v2/tenants/settings"
ACTIONS_PATH = "/api/v2/actions/actions"
# The docs say 50 at most; real tenants were recorded answering per_page=100 for bindings
# (auth0-recorded TestAccTriggerActions), so 50 is safe either way.
PER_PAGE = 50


def action_path(action_id):
    return "%s/%s" % (ACTIONS_PATH, quote(str(action_id), safe=""))


def deploy_path(action_id):
    return action_path(action_id) + "/deploy"


def versions_path(action_id):
    return action_path(action_id) + "/versions"


def version_path(action_id, version_id):
    return "%s/%s" % (versions_path(action_id), quote(str(version_id), safe=""))


def bindings_path(trigger):
    return "/api/v2/actions/triggers/%s/bindings" % quote(trigger, safe="")


def find_actions(client, name, trigger=None):
    """Every action called exactly ``name`` (for ``trigger`` when given), across all pages."""
    params = {"actionName": name}
    if trigger:
        params["triggerId"] = trigger
    return [item for item in client.paginate(ACTIONS_PATH, "actions", params=params, per_page=PER_PAGE)
            if item.get("name") == name]


def read_action(client, action_id):
    return client.get(action_path(action_id)) or {}


def newest_version(client, action_id):
    """The newest version of an action, or None."""
    body = client.get(versions_path(action_id), params={"page": 0, "per_page": 1}) or {}
    versions = body.get("versions") or []
    return versions[0] if versions else None


def list_bindings(client, trigger):
    """The raw bindings of a trigger in execution order, every page."""
    return client.paginate(bindings_path(trigger), "bindings", per_page=PER_PAGE)


def write_bindings(client, trigger, body):
    """PATCH the whole list; the same body twice leaves the same list, so a lost answer may be retried."""
    return client.patch(bindings_path(trigger), body, idempotent=True)


# -- sessions and logs: the read-only proof (verify, preview) ---------------------------------

LOGS_PATH = "/api/v2/logs"
# Auth0 answers at most 100 log events per request, and a search by criteria (q, page, per_page) reaches
# the first 1000 matches only (https://auth0.com/docs/deploy-monitor/logs/retrieve-log-events-using-mgmt-api).
LOGS_PER_PAGE = 100
LOGS_SEARCH_LIMIT = 1000
SESSIONS_TAKE = 50


def user_sessions_path(user_id):
    return "/api/v2/users/%s/sessions" % quote(str(user_id), safe="")


def list_user_sessions(client, user_id, max_pages=10):
    """``(sessions, complete)``: a user's sessions by checkpoint paging (``take``, then ``from=<next>``).

    The answer's shape is ``{"sessions": [...], "next": "..."}``; only an empty list without ``next`` is
    recorded (tests/fixtures/auth0-recorded/go-auth0/TestUserManager_ListUserSessions.json, which also
    records ``take=50``), so a missing ``next`` ends the read and anything else is read defensively.
    ``complete`` is False when ``max_pages`` stopped the read first.
    """
    sessions, params = [], {"take": SESSIONS_TAKE}
    for dummy in range(max_pages):
        body = client.get(user_sessions_path(user_id), params=params)
        body = body if isinstance(body, dict) else {}
        batch = [item for item in body.get("sessions") or [] if isinstance(item, dict)]
        sessions.extend(batch)
        checkpoint = body.get("next")
        if not batch or not checkpoint or checkpoint == params.get("from"):
            return sessions, True
        params = {"take": SESSIONS_TAKE, "from": checkpoint}
    return sessions, False


def search_logs(client, query, limit, newest_first=False, pause=0.0, sleep=None):
    """``(events, complete)``: at most ``limit`` log events matching ``query``, oldest (or newest) first.

    A search by criteria (``q``, ``sort``, ``page``, ``per_page``): the documented way to filter by type
    and date; checkpoint paging (``from``/``take``) ignores every other parameter (same page). ``pause``
    seconds are slept between pages: the logs endpoint has rate limits of its own, and the client's
    pacing only starts once the answer's ``x-ratelimit-remaining`` runs low. Recorded answers are a
    bare list (tests/fixtures/auth0-recorded/go-auth0/TestLogManager.json); ``{"logs": [...]}`` (with
    ``include_totals``) is read too. ``complete`` is False when ``limit`` or Auth0's 1000 stopped the read.
    """
    limit = min(int(limit), LOGS_SEARCH_LIMIT)
    per_page = min(LOGS_PER_PAGE, max(limit, 1))
    events, page = [], 0
    while len(events) < limit:
        if page and pause and sleep:
            sleep(pause)
        body = client.get(LOGS_PATH, params={"q": query, "sort": "date:-1" if newest_first else "date:1", "page": page, "per_page": per_page})
        batch = body.get("logs") if isinstance(body, dict) else body
        batch = [item for item in batch or [] if isinstance(item, dict)]
        events.extend(batch[:limit - len(events)])
        if len(batch) < per_page:
            return events, True
        page += 1
    return events, False
