# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Earlier versions of an Action: read one, and deploy it again (a rollback).

``POST /api/v2/actions/actions/{id}/versions/{versionId}/deploy``: the facts file is silent on it and no
real exchange is recorded; auth0-python 6.8.0 (``actions.versions.deploy``) has the route, an optional
``update_draft`` body ("True if the draft of the action should be updated with the reverted version")
and says it "creates a new, deployed action version that is identical to the specified version".
Its answer on a real tenant is unconfirmed, so the caller re-reads the action instead of trusting it.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._actions import normalize_dependencies
from ansible_collections.sessionguard.auth0.plugins.module_utils._endpoints import version_path


def get_version(client, action_id, version_id):
    return client.get(version_path(action_id, version_id)) or {}


def same_content(one, other):
    """Whether two versions would run the same: a redeploy copies code, runtime and dependencies (unconfirmed)."""
    def content(version):
        return (version.get("code") or "", version.get("runtime"), normalize_dependencies(version.get("dependencies")))
    return content(one or {}) == content(other or {})


def redeploy_version(client, action_id, version_id):
    """Deploy an earlier version again; the draft is left as it is (no ``update_draft`` is sent)."""
    # Not idempotent: a retry after a lost answer would add one more identical version.
    return client.post(version_path(action_id, version_id) + "/deploy", None, idempotent=False)
