# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Earlier versions of an Action: read one, and deploy it again (a rollback).

``POST /api/v2/actions/actions/{id}/versions/{versionId}/deploy`` is not in the facts file
(docs/auth0-api-facts.md is silent on it) nor in the recorded exchanges: its answer and its effect on
the draft are unconfirmed. So nothing here trusts the answer: the caller re-reads the action.

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
