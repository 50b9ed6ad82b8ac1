# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Earlier versions of an Action: read one, and deploy it again (a rollback).

``POST /api/v2/actions/actions/{id}/versions/{versionId}/deploy`` ("Roll back to a previous action version",
https://auth0.com/docs/api/management/v2/actions/post-deploy-draft-version) creates a new deployed version
identical to the earlier one. A real exchange is recorded (tests/fixtures/auth0-recorded/go-auth0/
TestActionManager_DeployVersion.json): sent without a body, it answered 200 with the new version, a new id
and the next number, and ``"deployed": false``, like a draft's deploy; so the caller re-reads the action
instead of trusting the answer. Its optional ``update_draft`` body ("True if the draft of the action should
be updated with the reverted version", default false: node-auth0's DeployActionVersionRequestContent,
https://auth0.github.io/node-auth0/interfaces/management.Management.DeployActionVersionRequestContent.html)
is what keeps the draft equal to what runs after a rollback.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import normalize_dependencies
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_endpoints import version_path


def get_version(client, action_id, version_id):
    return client.get(version_path(action_id, version_id)) or {}


def same_content(one, other):
    """Whether two versions would run the same: a redeploy copies code, runtime and dependencies (unconfirmed)."""
    def content(version):
        return (version.get("code") or "", version.get("runtime"), normalize_dependencies(version.get("dependencies")))
    return content(one or {}) == content(other or {})


def redeploy_version(client, action_id, version_id):
    """Deploy an earlier version again, and make it the draft too (``update_draft``).

    Without it the draft would keep the undone code: the next rollout would find the draft differing from
    the policy, and a later deploy of the draft (from the dashboard, or another tool) would bring the undone
    code back.
    """
    # Not idempotent: a retry after a lost answer would add one more identical version.
    return client.post(version_path(action_id, version_id) + "/deploy", {"update_draft": True}, idempotent=False)
