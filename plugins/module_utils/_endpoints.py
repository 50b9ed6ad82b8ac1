# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Management API paths and list reads the actions and bindings code share.

One place knows each URL and how each list pages, so ``_actions`` and ``_bindings`` never build
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
