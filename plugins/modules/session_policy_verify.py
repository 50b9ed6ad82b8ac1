#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy_verify
short_description: Check what an Auth0 tenant really did after a session policy rollout
version_added: 0.2.0
description:
  - Read-only. Checks, on one tenant, that the session policy Action deployed is the version the last applying
    run recorded and that it is bound to the C(post-login) trigger; that each canary user's newest session created
    since the rollout got the lifetimes the policy gives its login; and counts the warning (C(w)) log events since
    the rollout that say Auth0 clamped a lifetime.
  - Each canary's session is read with C(GET /api/v2/users/{id}/sessions) (checkpoint paging) and its absolute
    lifetime (C(expires_at - created_at)) and idle window (C(idle_expires_at) from C(last_interacted_at), else from
    C(created_at)) are compared with O(canaries[].session_lifetime) and O(canaries[].idle_session_lifetime), with one
    minute of tolerance.
  - "What Auth0's answers look like is only partly recorded (C(tests/fixtures/auth0-recorded/go-auth0/)): a user's
    sessions list only empty, a session read only with placeholder values, no C(w) event. Fields are read
    defensively: a missing one is reported as missing, never guessed. Which words a clamp warning uses is not
    recorded: a C(w) event counts as a clamp when its description mentions a session, a lifetime or an expiry."
  - Auth0's session endpoints are for Enterprise plans. With O(plan=self_service) nothing is requested and
    RV(status) is V(not_available).
  - It never writes to the tenant, in check mode or not, and never returns a user id or a session id.
  - It is what the C(sessionguard.auth0.verify_session_policy) playbook runs for each tenant.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  since:
    description:
      - When the rollout (or the rollback) ran, such as C(2024-03-01T10:00:00Z); only sessions created and log
        events written after it count.
    type: str
    required: true
  action_name:
    description: The name of the session policy Action.
    type: str
    default: sessionguard-session-policy
  plan:
    description: The tenant's plan; V(self_service) has no session endpoints.
    type: str
    choices: [enterprise, self_service]
    default: enterprise
  expected_version:
    description:
      - The Action version the last applying run deployed, C(replaced.action.after) of its report record
        (C(id) and C(number)). For a rollback, the version it redeployed with C(redeployed=true); Auth0 redeploys
        it as a new version, so the deployed one must carry the same code instead of the same id.
      - Left out, only that a version is deployed and bound is checked.
    type: dict
  canaries:
    description: The users whose newest session is checked.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The name the result shows for this canary (its user id never is).
        type: str
        required: true
      user_id:
        description: The Auth0 user id; masked in every output.
        type: str
        required: true
      session_lifetime:
        description: The absolute lifetime the policy gives this canary's login (explain's effective lifetime).
        type: str
      idle_session_lifetime:
        description: The idle lifetime the policy gives this canary's login.
        type: str
  max_log_events:
    description:
      - At most this many warning log events since the rollout are read (100 a request). V(0) skips the read.
    type: int
    default: 100
seealso:
  - module: sessionguard.auth0.session_policy
  - module: sessionguard.auth0.session_policy_preview
"""

EXAMPLES = r"""
- name: Check that the admins' canary got 8 hours after the rollout
  sessionguard.auth0.session_policy_verify:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    since: "2024-03-01T10:00:00Z"
    expected_version: {id: "5b4b6b1c-6c8e-4b8e-9a59-0c4f1c1d1a11", number: 7}
    canaries:
      - name: admin canary
        user_id: "auth0|65f0c0ffee"
        session_lifetime: 8h
        idle_session_lifetime: 1h
"""

RETURN = r"""
status:
  description:
    - V(verified) when every check passed, V(not_verified) when something differs or a canary has no session
      since the rollout, V(not_available) on a plan without the session endpoints, V(failed) when a read failed.
  returned: always
  type: str
  sample: verified
message:
  description: One line for the tenant, every check in it.
  returned: always
  type: str
  sample: "version 3 deployed and bound; admin canary: verified; no clamp warning since the rollout (0 warnings read)"
version:
  description: The Action check, C(status), C(message), C(deployed) and C(expected) (C(id), C(number)), C(bound); null when not run.
  returned: always
  type: dict
  sample: {"status": "verified", "message": "version 3 deployed and bound", "deployed": {"id": "0b3c", "number": 3},
           "expected": {"id": "0b3c", "number": 3}, "bound": true}
canaries:
  description:
    - Per canary, C(name), C(status) (V(verified), V(not_verified), V(no_session), V(failed)), C(message),
      C(expected) and C(granted) lifetimes, and C(session_created_at).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "admin canary", "status": "not_verified", "message": "not verified: session_lifetime: Auth0 gave 30d, the policy says 8h",
            "expected": {"session_lifetime": "8h", "idle_session_lifetime": "1h"},
            "granted": {"session_lifetime": "30d", "idle_session_lifetime": "1h"}, "session_created_at": "2024-03-01T10:05:00Z"}]
clamps:
  description:
    - The warning events read, C(read); how many say a lifetime was clamped, C(count); the first one's description,
      C(first); C(complete), false when O(max_log_events) or Auth0's search limit stopped the read. Null when not read.
  returned: always
  type: dict
  sample: {"count": 1, "first": "session lifetime capped to the tenant's maximum", "read": 1, "complete": true}
requests:
  description: The HTTP requests this task sent, the token request and retries included.
  returned: always
  type: int
  sample: 5
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_verify import check_options, verify_tenant


def main():
    module = Auth0Module(argument_spec=dict(
        since=dict(type="str", required=True),
        action_name=dict(type="str", default="sessionguard-session-policy"),
        plan=dict(type="str", choices=["enterprise", "self_service"], default="enterprise"),
        expected_version=dict(type="dict"),
        canaries=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            user_id=dict(type="str", required=True, no_log=True),
            session_lifetime=dict(type="str"),
            idle_session_lifetime=dict(type="str"),
        )),
        max_log_events=dict(type="int", default=100),
    ))
    params = module.params
    module.fail_on(check_options(params["canaries"], params["since"], params["expected_version"], params["max_log_events"]))
    client = module.client if params["plan"] != "self_service" else None
    outcome = verify_tenant(client, params["action_name"], params["plan"], params["since"], params["expected_version"],
                            params["canaries"], params["max_log_events"])
    result = dict(changed=False, requests=client.requests_sent if client else 0)
    result.update((key, outcome[key]) for key in ("status", "message", "version", "canaries", "clamps"))
    module.finish(result, errors=outcome["errors"])


if __name__ == "__main__":
    main()
