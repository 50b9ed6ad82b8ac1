#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy_preview
short_description: Read an Auth0 tenant's recent logins and deployed session policy, for a preview
version_added: 0.2.0
description:
  - Read-only. Reads the tenant's newest successful logins (log events of type C(s)) in a time window, at most
    O(max_logins), with C(GET /api/v2/logs) (100 a request, O(page_pause) seconds between requests), and keeps of
    each only what a policy condition can read from it - client id and name, connection, organization and, where
    the event has C(location_info), the country. Equal logins are counted together, so the result holds counts, no
    user id, e-mail or IP.
  - Also reads the policy deployed now, from the deployed Action's code (the policy line this collection renders),
    and the tenant settings, so that the C(sessionguard.auth0.preview_session_policy) filter can replay the logins
    under the deployed policy and a new one. The C(sessionguard.auth0.preview_session_policy) playbook does both.
  - "No C(s) event is recorded (C(tests/fixtures/auth0-recorded/go-auth0/) holds other types): the field names of
    the recorded events are assumed for it. C(location_info) is null in every recording, so the country may be
    unknown: a rule with a country condition then counts such logins as unknown, never as a match or a miss."
  - Auth0 keeps logs for a time that depends on the plan
    (U(https://auth0.com/docs/deploy-monitor/logs/log-data-retention)); a window older than that finds nothing.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  since:
    description: The start of the window, such as C(2024-03-01T00:00:00Z).
    type: str
    required: true
  until:
    description: The end of the window; left out, up to now.
    type: str
  max_logins:
    description: At most this many logins are read, the newest first (Auth0's log search reaches 1000 at most).
    type: int
    default: 200
  page_pause:
    description: Seconds to wait between two log requests, to leave the logs endpoint's rate limit to others.
    type: float
    default: 0.5
  action_name:
    description: The name of the session policy Action whose deployed policy is read.
    type: str
    default: sessionguard-session-policy
seealso:
  - module: sessionguard.auth0.session_policy_verify
"""

EXAMPLES = r"""
- name: Read yesterday's logins and the deployed policy
  sessionguard.auth0.session_policy_preview:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    since: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400, utc=true) }}"
  register: read

- name: Replay them under the new policy
  ansible.builtin.debug:
    msg: >-
      {{ ({'tenant': session_policy_tenant, 'rules': session_policy_rules, 'default': session_policy_default}
          | sessionguard.auth0.validate_session_policy | sessionguard.auth0.preview_session_policy(read)).lines }}
"""

RETURN = r"""
logins:
  description:
    - The logins read, equal ones counted together, most frequent first - C(client), C(client_name),
      C(connection), C(organization) (C(id) and C(name), or null), C(country) and C(country_known) (false when the
      event had no C(location_info)), and C(count).
  returned: always
  type: list
  elements: dict
  sample: [{"client": "kiosk-client-id", "client_name": "Kiosk", "connection": "Username-Password-Authentication",
            "organization": null, "country": null, "country_known": false, "count": 180}]
read:
  description: How many logins were read.
  returned: always
  type: int
  sample: 200
complete:
  description: False when O(max_logins) (or Auth0's 1000) stopped the read before the window's oldest login.
  returned: always
  type: bool
window:
  description: The window asked for (C(since), C(until)) and the dates of the C(oldest) and C(newest) login read.
  returned: always
  type: dict
  sample: {"since": "2024-03-01T00:00:00Z", "until": null, "oldest": "2024-03-01T00:12:00Z", "newest": "2024-03-01T23:58:00Z"}
deployed:
  description:
    - The policy deployed now, C(policy) (the data of the Action's policy line, or null), C(version) (C(id),
      C(number)), C(settings) (the tenant settings, lifetimes in minutes) and C(note) (why there is no policy).
  returned: always
  type: dict
requests:
  description: The HTTP requests this task sent, the token request and retries included.
  returned: always
  type: int
  sample: 5
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import ActionFailure
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_login_logs import (
    SCOPES, check_options, read_deployed_policy, read_logins)


def main():
    module = Auth0Module(argument_spec=dict(
        since=dict(type="str", required=True),
        until=dict(type="str"),
        max_logins=dict(type="int", default=200),
        page_pause=dict(type="float", default=0.5),
        action_name=dict(type="str", default="sessionguard-session-policy"),
    ))
    params = module.params
    module.fail_on(check_options(params["since"], params["until"], params["max_logins"], params["page_pause"]))
    client = module.client
    result = dict(changed=False, logins=[], read=0, complete=False, window={}, deployed={})
    errors = []
    try:
        read = read_logins(client, params["since"], params["until"], params["max_logins"], params["page_pause"])
        result.update(logins=read["logins"], read=read["read"], complete=read["complete"],
                      window=dict((key, read[key]) for key in ("since", "until", "oldest", "newest")))
        result["deployed"] = read_deployed_policy(client, params["action_name"])
    except Auth0Error as exc:
        errors.append("%s%s" % (exc, "; preview needs the read scopes %s (docs/scopes.md)" % ", ".join(SCOPES)
                                if exc.status == 403 else ""))
    except ActionFailure as exc:
        errors.append(str(exc))
    result["requests"] = client.requests_sent
    module.finish(result, errors=errors)


if __name__ == "__main__":
    main()
