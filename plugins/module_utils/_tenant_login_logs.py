# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant's recent successful logins as the policy's words, counted, and the policy deployed now.

Read-only: the logs search, the Action and the tenant settings, all GETs. Only the fields a log event
carries that a policy condition reads are kept (client id and name, connection, organization, country);
user ids, e-mails, IPs and everything else are dropped as each page is read, and equal logins are
counted together, so the result holds counts only.

What is recorded of a log event (tests/fixtures/auth0-recorded/go-auth0/TestLogManager*.json, types
``seccft``, ``sapi``, ``ss``, ``fn``): ``client_id``, ``client_name``, ``connection``,
``organization_id``/``organization_name`` (null without an organization), and ``location_info``, null in
every recording. No ``s`` event is recorded: the same field names are assumed for it. The country is
read from ``location_info.country_code`` where present; where absent it is unknown, not "no country".

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.sessionguard.auth0.plugins.module_utils._action_policy_diff import policy_in_code
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action_version import get_version
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import find_action, version_ref
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import format_instant, parse_instant
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import search_logs
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import read_settings

TRIGGER = "post-login"
MAX_LOGINS = 1000
SCOPES = ("read:logs", "read:actions", "read:tenant_settings")


def _text(value):
    return value if isinstance(value, str) and value else None


def login_of(event):
    """The policy's words for one log event: ``{client, client_name, connection, organization, country, country_known}``."""
    org_id, org_name = _text(event.get("organization_id")), _text(event.get("organization_name"))
    organization = None
    if org_id or org_name:
        organization = dict((key, value) for key, value in (("id", org_id), ("name", org_name)) if value)
    location = event.get("location_info")
    country = _text(location.get("country_code")) if isinstance(location, dict) else None
    return dict(client=_text(event.get("client_id")), client_name=_text(event.get("client_name")),
                connection=_text(event.get("connection")), organization=organization,
                country=country.upper() if country else None, country_known=country is not None)


def count_logins(events):
    """Equal logins counted together, most frequent first: ``[{login..., count}]``."""
    counts, order = {}, []
    for event in events:
        login = login_of(event)
        key = tuple(sorted((k, str(v)) for k, v in login.items()))
        if key not in counts:
            counts[key] = dict(login, count=0)
            order.append(key)
        counts[key]["count"] += 1
    return sorted((counts[key] for key in order), key=lambda item: -item["count"])


def check_options(since, until, max_logins, page_pause):
    errors = []
    for name, value in (("since", since), ("until", until)):
        if value is not None:
            try:
                parse_instant(value)
            except ValueError:
                errors.append("%s: must be a date and time with its zone, such as 2024-03-01T10:00:00Z; got %r" % (name, value))
    if not 1 <= max_logins <= MAX_LOGINS:
        errors.append("max_logins: must be 1 to %d (Auth0's log search reaches the first 1000 matches); got %d"
                      % (MAX_LOGINS, max_logins))
    if page_pause < 0:
        errors.append("page_pause: must be zero or more seconds")
    return errors


def read_logins(client, since, until, max_logins, page_pause=0.0, sleep=time.sleep):
    """``{logins, read, complete, since, until, oldest, newest}``: the newest successful logins (type ``s``) in the window."""
    query = 'type:"s" AND date:[%s TO %s]' % (format_instant(parse_instant(since)),
                                              format_instant(parse_instant(until)) if until else "*")
    events, complete = search_logs(client, query, max_logins, newest_first=True, pause=page_pause, sleep=sleep)
    events = [event for event in events if event.get("type") == "s"]
    dates = sorted(d for d in (_instant(event) for event in events) if d is not None)
    return dict(logins=count_logins(events), read=len(events), complete=complete, since=since, until=until,
                oldest=format_instant(dates[0]) if dates else None, newest=format_instant(dates[-1]) if dates else None)


def _instant(event):
    try:
        return parse_instant(event.get("date"))
    except ValueError:
        return None


def read_deployed_policy(client, action_name):
    """``{policy, version, settings, note}``: the policy data of the deployed Action (None without one) and the settings."""
    settings = read_settings(client)
    action = find_action(client, action_name, TRIGGER)
    deployed = (action or {}).get("deployed_version") or {}
    if not action or not deployed:
        return dict(policy=None, version=None, settings=settings,
                    note="no deployed Action named %s: every login gets the tenant settings now" % action_name)
    # The deployed version's code, not the draft's: the draft may hold an undeployed edit.
    code = deployed.get("code")
    if code is None and deployed.get("id"):
        code = get_version(client, action["id"], deployed["id"]).get("code")
    policy = policy_in_code(code)
    note = "" if policy is not None else ("the deployed %s carries no session policy this collection rendered: "
                                          "every login counts as the tenant settings now" % action_name)
    return dict(policy=policy, version=version_ref(action), settings=settings, note=note)
