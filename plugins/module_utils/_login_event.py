# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A complete Post-Login event for a login written in the policy's words, in the standard library only.

The session_policy task sends such events to Auth0's runtime before a deploy (``_ensure_runtime_test``); the
project's emulator loads this file to sign test users in with the same events (tests/emulator/).

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

# Values for the event fields a login in the policy's words leaves out but a real login always has. No
# policy names them, so no rule can match on them; the controller evaluates the login WITH them, so the
# event sent and the rule explain expects always agree.
FILLER = "sessionguard-runtime-test"


def iso(millis):
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (millis % 1000)


def complete_login(login):
    """The login as the event will carry it: a client, a connection and authentication methods always exist."""
    login = dict(login or {})
    login.setdefault("client", FILLER)
    login.setdefault("client_name", FILLER)
    login.setdefault("connection", FILLER)
    login.setdefault("mfa", False)
    return login


def login_event(login, session_created_at, login_at):
    """A complete Post-Login event for a login in the policy's words (``complete_login`` applied).

    The objects follow Auth0's Post-Login event object
    (https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object):
    user, client, connection, request (with ``geoip``), session (with ``created_at``), authentication,
    authorization, transaction, tenant, and organization when the login has one. No value is real.
    """
    login = complete_login(login)
    stamp = iso(login_at)
    methods = [{"name": "pwd", "timestamp": stamp}]
    if login.get("mfa"):
        methods.append({"name": "mfa", "timestamp": stamp})
    authentication = {"methods": methods}
    if login.get("risk_confidence"):
        authentication["riskAssessment"] = {"confidence": login["risk_confidence"], "version": "1", "assessments": {}}
    event = {
        "user": {"user_id": "auth0|" + FILLER, "email": FILLER + "@example.com", "email_verified": True,
                 "name": FILLER, "nickname": FILLER, "app_metadata": dict(login.get("app_metadata") or {}),
                 "user_metadata": {}, "identities": [], "created_at": stamp, "updated_at": stamp},
        "client": {"client_id": login["client"], "name": login["client_name"], "metadata": {}},
        "connection": {"id": "con_" + FILLER, "name": login["connection"], "strategy": "auth0", "metadata": {}},
        "request": {"ip": "192.0.2.1", "method": "GET", "language": "en", "user_agent": FILLER,
                    "hostname": FILLER + ".example.com", "query": {}, "body": {},
                    "geoip": {"countryCode": login["country"]} if login.get("country") else {}},
        "session": {"id": FILLER, "created_at": iso(session_created_at), "authenticated_at": stamp},
        "authentication": authentication,
        "authorization": {"roles": list(login.get("roles") or [])},
        "transaction": {"id": FILLER, "locale": "en", "protocol": "oidc-basic-profile",
                        "requested_scopes": ["openid", "profile"], "ui_locales": []},
        "tenant": {"id": FILLER},
        "stats": {"logins_count": 1},
    }
    organization = login.get("organization")
    if organization:
        event["organization"] = {"id": organization.get("id") or organization.get("name"),
                                 "name": organization.get("name") or organization.get("id"),
                                 "display_name": organization.get("name") or organization.get("id"), "metadata": {}}
    return event
